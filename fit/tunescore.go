package fit

import (
	"math"

	"github.com/descent-ml/descent/metrics"
	"github.com/descent-ml/descent/tensor"
)

// foldWeights returns the weight of each held-out row of a fold for
// scoring a candidate, as Train weighs its validation rows: the rows' own
// weights (d.Weights) times the class weights o asks for, computed on
// the fold's training rows as the candidate's training computed them;
// nil when neither is set, so the scores are the plain ones.
func foldWeights(o Options, fd foldData) ([]float64, error) {
	cw, err := o.ClassWeight.For(fd.train)
	if err != nil {
		return nil, err
	}
	if fd.test.Weights == nil && cw == nil {
		return nil, nil
	}
	w := make([]float64, fd.test.Len())
	for i := range w {
		w[i] = 1
		if fd.test.Weights != nil {
			w[i] = fd.test.Weights[i]
		}
		if cw != nil {
			w[i] *= cw[fd.test.Class(i)]
		}
	}
	return w, nil
}

// weightedClassScore returns the accuracy and the log loss of the
// predicted probabilities p with row i counted w[i] times (scikit-learn's
// accuracy_score and log_loss with sample_weight), probabilities clipped
// as metrics.LogLoss clips them. A fold whose weights are all 0 scores
// NaN, which the search counts as a failed score.
func weightedClassScore(p *tensor.Matrix[float64], pred, truth []int, w []float64) (acc, logLoss float64) {
	var hits, all, sum float64
	for i, t := range truth {
		if pred[i] == t {
			hits += w[i]
		}
		q := p.At(i, min(t, p.Cols-1))
		if p.Cols == 1 && t == 0 {
			q = 1 - q
		}
		q = min(max(q, metrics.LogLossEpsilon), 1-metrics.LogLossEpsilon)
		sum -= w[i] * math.Log(q)
		all += w[i]
	}
	if all == 0 {
		return math.NaN(), math.NaN()
	}
	return hits / all, sum / all
}
