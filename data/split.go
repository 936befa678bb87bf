package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// TrainTestSplit splits the sample indices 0..n-1 into a training and a
// test set, test holding about testFrac of them, drawn with rng. Both are
// returned in increasing order. The same rng state gives the same split.
//
// With strata (one label per sample, e.g. the classes from
// Dataset.Classes) the split is stratified: each stratum contributes
// round(testFrac × its size) samples to the test set, but always leaves at
// least one in training, so every class is seen in training and the class
// proportions of both sets follow the whole. The test set's total size may
// then differ from round(testFrac × n) by a few samples.
//
// testFrac must be in [0, 1), strata nil or of length n, and rng not nil;
// anything else is a programming error and panics.
func TrainTestSplit(n int, testFrac float64, rng *rand.Rand, strata []int) (train, test []int) {
	if !(testFrac >= 0 && testFrac < 1) {
		panic(fmt.Sprintf("data: test fraction %v outside [0, 1)", testFrac))
	}
	checkSplitArgs(n, rng, strata)
	isTest := make([]bool, n)
	for _, group := range groups(n, strata) {
		rng.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
		k := int(math.Round(testFrac * float64(len(group))))
		if k >= len(group) {
			k = len(group) - 1
		}
		for _, i := range group[:k] {
			isTest[i] = true
		}
	}
	for i, t := range isTest {
		if t {
			test = append(test, i)
		} else {
			train = append(train, i)
		}
	}
	return train, test
}

// Fold is one round of k-fold cross-validation: the samples to train on
// and those to evaluate on, each in increasing order.
type Fold struct {
	Train, Test []int
}

// KFold splits the sample indices 0..n-1 into k folds of nearly equal size
// drawn with rng, and returns k rounds, round f testing on fold f and
// training on the others. With strata the folds are stratified: each
// stratum's samples, shuffled, are dealt round-robin to the folds, so each
// fold has about 1/k of every class.
//
// k must be in [2, n], strata nil or of length n, and rng not nil;
// anything else is a programming error and panics.
func KFold(n, k int, rng *rand.Rand, strata []int) []Fold {
	if k < 2 || k > n {
		panic(fmt.Sprintf("data: %d folds for %d samples (want 2 ≤ k ≤ n)", k, n))
	}
	checkSplitArgs(n, rng, strata)
	foldOf := make([]int, n)
	next := 0 // dealing continues across strata so fold sizes stay within one
	for _, group := range groups(n, strata) {
		rng.Shuffle(len(group), func(i, j int) { group[i], group[j] = group[j], group[i] })
		for _, i := range group {
			foldOf[i] = next
			next = (next + 1) % k
		}
	}
	folds := make([]Fold, k)
	for i, f := range foldOf {
		for g := range folds {
			if g == f {
				folds[g].Test = append(folds[g].Test, i)
			} else {
				folds[g].Train = append(folds[g].Train, i)
			}
		}
	}
	return folds
}

// groups returns the indices 0..n-1 grouped by stratum, the groups in
// increasing order of stratum so the result does not depend on map order;
// without strata, one group of all.
func groups(n int, strata []int) [][]int {
	if strata == nil {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		return [][]int{all}
	}
	keys := slices.Clone(strata)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	out := make([][]int, len(keys))
	for i, s := range strata {
		g, _ := slices.BinarySearch(keys, s)
		out[g] = append(out[g], i)
	}
	return out
}

func checkSplitArgs(n int, rng *rand.Rand, strata []int) {
	switch {
	case n < 0:
		panic(fmt.Sprintf("data: negative sample count %d", n))
	case rng == nil:
		panic("data: nil random source; pass rand.New(rand.NewPCG(seed, 0)) for a reproducible split")
	case strata != nil && len(strata) != n:
		panic(fmt.Sprintf("data: %d strata for %d samples", len(strata), n))
	}
}

// Classes returns the class index of every sample (see Class), for use as
// strata in TrainTestSplit and KFold.
func (d *Dataset) Classes() []int {
	c := make([]int, d.Len())
	for i := range c {
		c[i] = d.Class(i)
	}
	return c
}
