package data

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

func TestTrainTestSplit(t *testing.T) {
	train, test := TrainTestSplit(10, 0.3, rand.New(rand.NewPCG(1, 2)), nil)
	if len(train) != 7 || len(test) != 3 {
		t.Fatalf("sizes %d/%d, want 7/3", len(train), len(test))
	}
	checkPartition(t, 10, train, test)
	train2, test2 := TrainTestSplit(10, 0.3, rand.New(rand.NewPCG(1, 2)), nil)
	if !reflect.DeepEqual(train, train2) || !reflect.DeepEqual(test, test2) {
		t.Error("same seed, different split")
	}
	_, test3 := TrainTestSplit(10, 0.3, rand.New(rand.NewPCG(3, 4)), nil)
	if reflect.DeepEqual(test, test3) {
		t.Log("two seeds gave the same split (possible, unlikely)")
	}

	// Stratified: 8 of class 0, 4 of class 1, 1 of class 2.
	strata := []int{0, 1, 0, 0, 1, 0, 0, 2, 0, 1, 0, 1, 0}
	train, test = TrainTestSplit(len(strata), 0.25, rand.New(rand.NewPCG(5, 6)), strata)
	checkPartition(t, len(strata), train, test)
	count := func(idx []int, class int) int {
		n := 0
		for _, i := range idx {
			if strata[i] == class {
				n++
			}
		}
		return n
	}
	for class, want := range []int{2, 1, 0} { // round(0.25×8), round(0.25×4), 1 kept for training
		if got := count(test, class); got != want {
			t.Errorf("class %d: %d in test, want %d", class, got, want)
		}
	}

	train, test = TrainTestSplit(5, 0, rand.New(rand.NewPCG(1, 1)), nil)
	if len(test) != 0 || len(train) != 5 {
		t.Errorf("testFrac 0: %d/%d", len(train), len(test))
	}
}

func TestKFold(t *testing.T) {
	strata := []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2}
	for _, s := range [][]int{nil, strata} {
		folds := KFold(len(strata), 3, rand.New(rand.NewPCG(7, 8)), s)
		if len(folds) != 3 {
			t.Fatalf("%d folds", len(folds))
		}
		var all []int
		for _, f := range folds {
			checkPartition(t, len(strata), f.Train, f.Test)
			if n := len(f.Test); n < 3 || n > 4 {
				t.Errorf("fold test size %d, want 3 or 4", n)
			}
			all = append(all, f.Test...)
		}
		slices.Sort(all)
		for i, v := range all {
			if v != i {
				t.Fatalf("test folds do not cover every sample once: %v", all)
			}
		}
		if s != nil {
			for _, f := range folds {
				zeros := 0
				for _, i := range f.Test {
					if s[i] == 0 {
						zeros++
					}
				}
				if zeros != 2 {
					t.Errorf("stratified fold has %d of class 0, want 2", zeros)
				}
			}
		}
		again := KFold(len(strata), 3, rand.New(rand.NewPCG(7, 8)), s)
		if !reflect.DeepEqual(folds, again) {
			t.Error("same seed, different folds")
		}
	}
}

// checkPartition checks that train and test are sorted, disjoint and
// together hold 0..n-1.
func checkPartition(t *testing.T, n int, train, test []int) {
	t.Helper()
	if !slices.IsSorted(train) || !slices.IsSorted(test) {
		t.Errorf("not sorted: %v %v", train, test)
	}
	all := append(slices.Clone(train), test...)
	slices.Sort(all)
	if len(all) != n {
		t.Fatalf("%d+%d indices for %d samples", len(train), len(test), n)
	}
	for i, v := range all {
		if v != i {
			t.Fatalf("not a partition of 0..%d: %v %v", n-1, train, test)
		}
	}
}

func TestSplitPanics(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for name, f := range map[string]func(){
		"frac 1":      func() { TrainTestSplit(3, 1, rng, nil) },
		"frac NaN":    func() { TrainTestSplit(3, nan(), rng, nil) },
		"nil rng":     func() { TrainTestSplit(3, 0.5, nil, nil) },
		"strata":      func() { TrainTestSplit(3, 0.5, rng, []int{1}) },
		"k 1":         func() { KFold(3, 1, rng, nil) },
		"k > n":       func() { KFold(3, 4, rng, nil) },
		"kfold rng":   func() { KFold(3, 2, nil, nil) },
		"kfold strat": func() { KFold(3, 2, rng, []int{1, 2}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}

func nan() float64 { var z float64; return z / z }
