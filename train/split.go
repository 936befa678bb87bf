package train

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/descent-ml/descent/data"
)

// splitValidation holds out the fraction frac of d for validation, drawn
// from rng: for classification, each class gives round(frac·its size)
// samples, so both parts keep the class proportions; for regression,
// round(frac·n) samples in all. Both parts keep the samples' original
// order.
func splitValidation(r *Rows, frac float64, rng *rand.Rand) (train, val *Rows, err error) {
	d := r.Labels
	n := d.Len()
	var groups [][]int
	if d.Task == data.Classification {
		byClass := map[int][]int{}
		classes := 0
		for i := range n {
			c := d.Class(i)
			byClass[c] = append(byClass[c], i)
			classes = max(classes, c+1)
		}
		for c := range classes { // by class index, not map order
			if g := byClass[c]; len(g) > 0 {
				groups = append(groups, g)
			}
		}
	} else {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		groups = [][]int{all}
	}
	held := make([]bool, n)
	for _, g := range groups {
		shuffle(g, rng)
		for _, i := range g[:int(math.Round(frac*float64(len(g))))] {
			held[i] = true
		}
	}
	var trainIdx, valIdx []int
	for i, h := range held {
		if h {
			valIdx = append(valIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	if len(valIdx) == 0 || len(trainIdx) == 0 {
		return nil, nil, fmt.Errorf("a validation split of %g of %d samples leaves %d for training and %d for validation; both need at least one", frac, n, len(trainIdx), len(valIdx))
	}
	// By index: the parts share the features, copying only the targets.
	return r.subset(trainIdx), r.subset(valIdx), nil
}
