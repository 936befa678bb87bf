package fit

import (
	"context"
	"math"
	"testing"

	"github.com/descent-ml/descent/metrics"
	"github.com/descent-ml/descent/tensor"
)

// The weighted scores count a row of weight w as w copies of it: they
// equal the unweighted metrics on the rows repeated.
func TestWeightedScoresEqualRepeatedRows(t *testing.T) {
	probs := [][]float64{{0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4}, {0.5, 0.4, 0.1}, {0.2, 0.2, 0.6}}
	truth := []int{0, 1, 1, 0, 2}
	w := []float64{1, 3, 2, 0, 1}
	var rp [][]float64
	var rt []int
	for i, n := range w {
		for range int(n) {
			rp, rt = append(rp, probs[i]), append(rt, truth[i])
		}
	}
	matrix := func(rows [][]float64) *tensor.Matrix[float64] {
		m := tensor.New[float64](len(rows), len(rows[0]))
		for i, r := range rows {
			copy(m.Row(i), r)
		}
		return m
	}
	classOf := func(rows [][]float64) []int {
		out := make([]int, len(rows))
		for i, r := range rows {
			for j, v := range r {
				if v > r[out[i]] {
					out[i] = j
				}
			}
		}
		return out
	}
	acc, ll := weightedClassScore(matrix(probs), classOf(probs), truth, w)
	wantAcc := metrics.Accuracy(classOf(rp), rt)
	wantLL, err := metrics.LogLoss(matrix(rp), rt)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(acc-wantAcc) > 1e-12 || math.Abs(ll-wantLL) > 1e-12 {
		t.Errorf("weighted accuracy %v, log loss %v; repeated rows give %v, %v", acc, ll, wantAcc, wantLL)
	}

	pred := [][]float64{{1.5}, {2}, {0.1}, {4}, {3}}
	y := [][]float64{{1}, {2.5}, {0}, {3}, {3.5}}
	var rpred, ry [][]float64
	for i, n := range w {
		for range int(n) {
			rpred, ry = append(rpred, pred[i]), append(ry, y[i])
		}
	}
	mse, _, r2 := metrics.WeightedRegression(matrix(pred), matrix(y), w)
	if want := metrics.R2(matrix(rpred), matrix(ry)); math.Abs(r2-want) > 1e-12 {
		t.Errorf("weighted R² %v; repeated rows give %v", r2, want)
	}
	if want := metrics.MSE(matrix(rpred), matrix(ry)); math.Abs(mse-want) > 1e-12 {
		t.Errorf("weighted MSE %v; repeated rows give %v", mse, want)
	}
}

// Tune ranks candidates by the weighted score when the data carry
// weights: with every versicolor and virginica row weighing 0, a
// candidate is scored on the setosa rows alone, which a network trained
// on them alone gets (almost) all right, so every trial scores near 1;
// unweighted, such a network gets only the setosa third of the held-out
// rows right.
func TestTuneScoresWeighted(t *testing.T) {
	d, schema := iris(t)
	d.Weights = make([]float64, d.Len())
	for i := range d.Weights {
		if d.ClassNames[d.Class(i)] == "setosa" {
			d.Weights[i] = 1
		}
	}
	res, err := Tune(context.Background(), d, schema, Defaults(), tiny(2))
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range res.Trials {
		if tr.Failed == "" && tr.Score < 0.9 {
			t.Errorf("trial %d scored %v; weighted by the setosa rows alone it should be near 1", tr.ID, tr.Score)
		}
	}
}
