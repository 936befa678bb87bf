package gradcheck

import (
	"fmt"
	"math"
	"strings"

	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Defaults for Options' zero values.
const (
	// DefaultStep is h: in float64 it balances truncation error (∝ h²)
	// against rounding error (∝ 1e-16/h); the optimum is near ∛(1e-16) ≈ 5e-6.
	DefaultStep = 1e-5
	// DefaultTolerance is the largest relative error that passes.
	DefaultTolerance = 1e-6
	// DefaultFloor is the smallest denominator of the relative error.
	DefaultFloor = 1e-4
)

// Options tune a check; zero values mean the defaults.
type Options struct {
	Step      float64
	Tolerance float64
	Floor     float64
	// Inputs also checks dLoss/dInput, the gradient a layer passes down.
	Inputs bool
}

func (o Options) withDefaults() Options {
	if o.Step == 0 {
		o.Step = DefaultStep
	}
	if o.Tolerance == 0 {
		o.Tolerance = DefaultTolerance
	}
	if o.Floor == 0 {
		o.Floor = DefaultFloor
	}
	return o
}

// Result is the comparison for one tensor.
type Result struct {
	// Name is the parameter's name, or "input".
	Name string
	// MaxRelError is the worst relative error over the tensor's elements,
	// found at element Index, where the gradients were Analytic and Numeric.
	MaxRelError       float64
	Index             int
	Analytic, Numeric float64
}

// Report holds one Result per parameter tensor (and the input, if asked).
type Report struct {
	Results   []Result
	Tolerance float64
}

// OK reports whether every tensor's worst relative error is within the
// tolerance (a NaN error never is).
func (r Report) OK() bool {
	for _, res := range r.Results {
		if !(res.MaxRelError <= r.Tolerance) {
			return false
		}
	}
	return true
}

// Worst returns the largest relative error in the report.
func (r Report) Worst() float64 {
	w := 0.0
	for _, res := range r.Results {
		if math.IsNaN(res.MaxRelError) {
			return math.NaN()
		}
		w = math.Max(w, res.MaxRelError)
	}
	return w
}

// String formats the report as a table, one line per tensor.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %12s  %s\n", "tensor", "max rel err", "analytic vs numeric at worst element")
	for _, res := range r.Results {
		mark := "ok"
		if !(res.MaxRelError <= r.Tolerance) {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%-16s %12.3e  [%d] %.10g vs %.10g  %s\n", res.Name, res.MaxRelError, res.Index, res.Analytic, res.Numeric, mark)
	}
	return b.String()
}

// Check computes every analytic gradient of net's loss l on the batch
// (x, y) and compares it with central finite differences. It restores every
// parameter and leaves the analytic gradients in the parameters' Grad. x is
// changed during an input check and restored afterwards.
func Check[T tensor.Float](net *nn.Network[T], l loss.Loss[T], x, y *tensor.Matrix[T], opt Options) Report {
	opt = opt.withDefaults()
	net.ZeroGrad()
	out := net.Forward(x)
	dOut := tensor.New[T](out.Rows, out.Cols)
	l.Backward(dOut, out, y)
	dx := net.Backward(dOut, opt.Inputs)
	rep := Report{Tolerance: opt.Tolerance}
	for _, p := range net.Params() {
		rep.Results = append(rep.Results, compare(p.Name, p.Value.Data, p.Grad.Values(), net, l, x, y, opt))
	}
	if opt.Inputs {
		rep.Results = append(rep.Results, compare("input", x.Values(), dx.Clone().Values(), net, l, x, y, opt))
	}
	return rep
}

// compare perturbs each element of values in turn and compares the loss's
// central difference with analytic.
func compare[T tensor.Float](name string, values, analytic []T, net *nn.Network[T], l loss.Loss[T], x, y *tensor.Matrix[T], opt Options) Result {
	res := Result{Name: name}
	for i := range values {
		orig := values[i]
		h := opt.Step * math.Max(1, math.Abs(float64(orig)))
		values[i] = orig + T(h)
		plus := net.Loss(l, x, y)
		values[i] = orig - T(h)
		minus := net.Loss(l, x, y)
		values[i] = orig
		num := (plus - minus) / (2 * h)
		a := float64(analytic[i])
		rel := math.Abs(a-num) / math.Max(math.Max(math.Abs(a), math.Abs(num)), opt.Floor)
		if math.IsNaN(rel) || rel > res.MaxRelError || i == 0 {
			res.MaxRelError, res.Index, res.Analytic, res.Numeric = rel, i, a, num
			if math.IsNaN(rel) {
				break
			}
		}
	}
	return res
}
