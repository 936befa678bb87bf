package metrics

import (
	"fmt"
	"math"

	"github.com/descent-ml/descent/tensor"
)

// Values is what the regression metrics accept: a slice of values, or a
// matrix whose elements are read in row-major order, so a network's n×k
// outputs are compared element by element with an n×k target matrix.
type Values interface {
	[]float64 | *tensor.Matrix[float64]
}

// MSE returns the mean squared error between pred and truth, or NaN if they
// are empty.
func MSE[V Values](pred, truth V) float64 {
	p, t := flatten(pred, truth)
	var sum float64
	for i := range p {
		d := p[i] - t[i]
		sum += d * d
	}
	return mean(sum, len(p))
}

// RMSE returns the square root of MSE, in the units of the target.
func RMSE[V Values](pred, truth V) float64 { return math.Sqrt(MSE(pred, truth)) }

// MAE returns the mean absolute error between pred and truth, or NaN if
// they are empty.
func MAE[V Values](pred, truth V) float64 {
	p, t := flatten(pred, truth)
	var sum float64
	for i := range p {
		sum += math.Abs(p[i] - t[i])
	}
	return mean(sum, len(p))
}

// R2 returns the coefficient of determination 1 - SS_res/SS_tot, where
// SS_res is the sum of squared errors and SS_tot the sum of squared
// deviations of truth from its mean, over all values at once. 1 is a
// perfect fit, 0 no better than predicting the mean, and it is negative for
// worse fits.
//
// When truth is constant SS_tot is 0 and the ratio is undefined; R2 then
// returns 1 if the predictions are exact and 0 otherwise, as scikit-learn's
// r2_score does (force_finite=True). Empty input gives NaN.
func R2[V Values](pred, truth V) float64 {
	p, t := flatten(pred, truth)
	if len(p) == 0 {
		return math.NaN()
	}
	var mu float64
	for _, v := range t {
		mu += v
	}
	mu /= float64(len(t))
	var res, tot float64
	for i := range p {
		d := p[i] - t[i]
		res += d * d
		e := t[i] - mu
		tot += e * e
	}
	if tot == 0 {
		if res == 0 {
			return 1
		}
		return 0
	}
	return 1 - res/tot
}

// flatten returns the values of pred and truth as slices, panicking if
// their lengths (for slices) or shapes (for matrices) differ.
func flatten[V Values](pred, truth V) (p, t []float64) {
	switch pv := any(pred).(type) {
	case []float64:
		p, t = pv, any(truth).([]float64)
		mustSameLen(len(p), len(t))
	case *tensor.Matrix[float64]:
		tm := any(truth).(*tensor.Matrix[float64])
		if !tensor.SameShape(pv, tm) {
			panic(fmt.Sprintf("metrics: predictions are %d×%d but truth is %d×%d", pv.Rows, pv.Cols, tm.Rows, tm.Cols))
		}
		p, t = pv.Values(), tm.Values()
	}
	return p, t
}

// mean returns sum/n, NaN when n is 0.
func mean(sum float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// WeightedRegression returns the MSE, the MAE and R² of pred against
// truth (n×k matrices) with row i counted w[i] times: scikit-learn's
// metrics with sample_weight for one output; over k outputs the errors
// are averaged over the outputs too, as MSE does, and R² compares with the
// weighted mean of all targets, as R2 does (a constant target gives 1 for
// exact predictions and 0 otherwise). Weights of weight 2 equal the row
// twice. A total weight of 0 gives NaN for all three.
func WeightedRegression(pred, truth *tensor.Matrix[float64], w []float64) (mse, mae, r2 float64) {
	mustSameLen(len(pred.Data), len(truth.Data))
	if len(w) != truth.Rows {
		panic(fmt.Sprintf("metrics: %d weights for %d rows", len(w), truth.Rows))
	}
	k := float64(truth.Cols)
	var mu, all float64
	for i, wi := range w {
		for _, t := range truth.Row(i) {
			mu += wi * t
		}
		all += wi
	}
	if all == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	mu /= all * k
	var res, abs, tot float64
	for i, wi := range w {
		p := pred.Row(i)
		for j, t := range truth.Row(i) {
			d := p[j] - t
			res += wi * d * d
			abs += wi * math.Abs(d)
			tot += wi * (t - mu) * (t - mu)
		}
	}
	switch {
	case tot != 0:
		r2 = 1 - res/tot
	case res == 0:
		r2 = 1
	}
	return res / (all * k), abs / (all * k), r2
}
