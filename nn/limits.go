package nn

import (
	"fmt"
	"math"
)

// Default limits on the size of a network, for front ends that build
// networks from user input (a -layers flag, a spec in a request).
const (
	// DefaultMaxParams is 100 million trainable values: 400 MB of float32
	// weights, and about 1.6 GB once gradients and Adam's two moments are
	// added — far above any network this package trains well on a CPU.
	DefaultMaxParams = 100_000_000
	// DefaultMaxActivations is 250 million values held for one batch's
	// forward and backward pass: 1 GB in float32, 2 GB in float64.
	DefaultMaxActivations = 250_000_000
)

// Limits bounds the memory a network may take; Spec.CheckSize checks a
// spec against them before anything is allocated. A zero field means its
// default.
type Limits struct {
	// MaxParams bounds the number of trainable values (weights and
	// biases); 0 means DefaultMaxParams.
	MaxParams int
	// MaxActivations bounds the values a forward and backward pass holds
	// for one batch (Spec.ActivationsPerSample times the batch's rows); 0
	// means DefaultMaxActivations.
	MaxActivations int
}

// SizeError reports a network larger than a limit allows.
type SizeError struct {
	// What names the quantity: "parameters" or "activation values".
	What string
	// Count is the network's count, math.MaxInt when it does not fit an
	// int; Limit is the limit it exceeds.
	Count, Limit int
}

// Error returns e.g. "the network has 1,000,000,017 parameters, more than
// the limit of 100,000,000".
func (e *SizeError) Error() string {
	count := "more than " + grouped(math.MaxInt)
	if e.Count < math.MaxInt {
		count = grouped(e.Count)
	}
	return fmt.Sprintf("the network has %s %s, more than the limit of %s", count, e.What, grouped(e.Limit))
}

// NumParams returns the number of trainable values the spec describes,
// without allocating them; math.MaxInt when the count does not fit an int.
// The spec should be valid; for one that is not, the layers before the
// first wrong one are counted.
func (s Spec) NumParams() int {
	ps, _ := s.plans()
	total := 0
	for _, p := range ps {
		for _, t := range p.params {
			total = addSat(total, mulSat(t.Rows, t.Cols))
		}
	}
	return total
}

// ActivationsPerSample returns how many values a network built from the
// spec holds per sample of a batch during a forward and backward pass
// (for a dense layer its input gradient and three values per unit: the
// sum of products, the activation and its gradient); math.MaxInt when the
// count does not fit an int.
func (s Spec) ActivationsPerSample() int {
	ps, _ := s.plans()
	total := 0
	for _, p := range ps {
		total = addSat(total, p.activations)
	}
	return total
}

// CheckSize reports, as a *SizeError, a spec whose parameters, or whose
// activations for a batch of batchRows samples, exceed lim. It counts
// without allocating, so a front end can refuse a huge network before
// building it.
func (s Spec) CheckSize(lim Limits, batchRows int) error {
	maxParams := lim.MaxParams
	if maxParams <= 0 {
		maxParams = DefaultMaxParams
	}
	maxAct := lim.MaxActivations
	if maxAct <= 0 {
		maxAct = DefaultMaxActivations
	}
	if n := s.NumParams(); n > maxParams {
		return &SizeError{What: "parameters", Count: n, Limit: maxParams}
	}
	if n := mulSat(max(batchRows, 1), s.ActivationsPerSample()); n > maxAct {
		return &SizeError{What: "activation values per batch", Count: n, Limit: maxAct}
	}
	return nil
}

// mulSat returns a·b for a, b ≥ 0, or math.MaxInt when that overflows.
func mulSat(a, b int) int {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}

// addSat returns a+b for a, b ≥ 0, or math.MaxInt when that overflows.
func addSat(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

// grouped writes n with thousands separators, which make a nine-digit
// limit readable at a glance.
func grouped(n int) string {
	s := fmt.Sprint(n)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i, c := range []byte(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, c)
	}
	return string(out)
}
