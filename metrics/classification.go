package metrics

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/tensor"
)

// Accuracy returns the fraction of samples whose predicted class equals the
// true class, or NaN if there are none.
func Accuracy(pred, truth []int) float64 {
	mustSameLen(len(pred), len(truth))
	if len(pred) == 0 {
		return math.NaN()
	}
	hits := 0
	for i, p := range pred {
		if p == truth[i] {
			hits++
		}
	}
	return float64(hits) / float64(len(pred))
}

// LogLossEpsilon is how far LogLoss keeps probabilities from 0 and 1, so
// that a confident wrong answer costs -ln(1e-15) ≈ 34.5 instead of +Inf.
// It is scikit-learn's historical default.
const LogLossEpsilon = 1e-15

// LogLoss returns the mean cross-entropy -ln p of the probabilities the
// model gave to the true classes, or NaN if there are no samples.
//
// probs has one row per sample. With k ≥ 2 columns, column j holds the
// probability of class j and truth[i] must lie in 0…k-1. With one column,
// the model is a binary classifier: the column holds the probability of
// class 1, and truth[i] must be 0 or 1. Rows are used as given, not
// renormalized. Each probability is clipped to [LogLossEpsilon,
// 1-LogLossEpsilon] before the logarithm.
//
// A label out of range is reported as an error; a row count that differs
// from len(truth) panics.
func LogLoss(probs *tensor.Matrix[float64], truth []int) (float64, error) {
	mustSameLen(probs.Rows, len(truth))
	if len(truth) == 0 {
		return math.NaN(), nil
	}
	classes := max(probs.Cols, 2)
	var sum float64
	for i, t := range truth {
		if t < 0 || t >= classes {
			return math.NaN(), fmt.Errorf("metrics: sample %d has class %d, but the probabilities cover classes 0 to %d", i, t, classes-1)
		}
		var p float64
		if probs.Cols == 1 {
			p = probs.At(i, 0)
			if t == 0 {
				p = 1 - p
			}
		} else {
			p = probs.At(i, t)
		}
		p = min(max(p, LogLossEpsilon), 1-LogLossEpsilon)
		sum -= math.Log(p)
	}
	return sum / float64(len(truth)), nil
}

// mustSameLen panics if a prediction and a truth slice differ in length.
func mustSameLen(pred, truth int) {
	if pred != truth {
		panic(fmt.Sprintf("metrics: %d predictions but %d true values", pred, truth))
	}
}
