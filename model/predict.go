package model

import (
	"fmt"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/tensor"
)

// Predict returns the model's predictions for the raw features x, one
// sample per row: it applies the scaler, runs the network in float64 (a
// float32 model's weights convert exactly) and, for a loss on logits,
// the loss's link, so a classifier trained with softmax_cross_entropy or
// bce_logits gives probabilities. A regression model with a TargetScaler
// gives its predictions in the targets' own units. x is not modified.
func (m *Model) Predict(x *tensor.Matrix[float64]) (*tensor.Matrix[float64], error) {
	net, err := Network[float64](m)
	if err != nil {
		return nil, err
	}
	net.SetTraining(false) // dropout passes values through when predicting
	if x.Cols != m.Spec.Inputs {
		return nil, fmt.Errorf("model: data has %d feature columns, the model takes %d", x.Cols, m.Spec.Inputs)
	}
	in, err := m.scale(x)
	if err != nil {
		return nil, err
	}
	out := net.Forward(in)
	link, err := m.Link()
	if err != nil {
		return nil, err
	}
	if link.Name == activation.NameIdentity {
		p := out.Clone()
		if m.TargetScaler != nil {
			if err := m.TargetScaler.InverseTransform(p); err != nil {
				return nil, fmt.Errorf("model: target scaler: %w", err)
			}
		}
		return p, nil
	}
	f, err := activation.New[float64](link)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	p := tensor.New[float64](out.Rows, out.Cols)
	f.Forward(p, out)
	return p, nil
}

// LossFunc returns the loss the model was trained with, in float64 with
// the mean reduction, its δ included.
func (m *Model) LossFunc() (loss.Loss[float64], error) {
	return loss.NewWith[float64](m.Loss, loss.Options{Reduction: loss.Mean, Delta: m.LossDelta})
}

// Link returns the activation that turns the network's outputs into
// predictions: the loss's link for a loss on logits (loss.Linked), else
// identity, as the last layer's activation already gives predictions.
func (m *Model) Link() (activation.Spec, error) {
	l, err := m.LossFunc()
	if err != nil {
		return activation.Spec{}, fmt.Errorf("model: %w", err)
	}
	if ln, ok := l.(loss.Linked); ok {
		return ln.Link(), nil
	}
	return activation.Spec{Name: activation.NameIdentity}, nil
}

// PredictClasses returns the predicted class of each row of x, as an index
// into ClassNames and as a name (the index in decimal when the model has
// no class names). A single output is one probability: class 1 when it is
// at least 0.5. More outputs give the class of the largest.
func (m *Model) PredictClasses(x *tensor.Matrix[float64]) (idx []int, names []string, err error) {
	if m.Task != taskClassification {
		return nil, nil, fmt.Errorf("model: a %s model has no classes", taskOrUnknown(m.Task))
	}
	p, err := m.Predict(x)
	if err != nil {
		return nil, nil, err
	}
	idx = make([]int, p.Rows)
	names = make([]string, p.Rows)
	for i := range idx {
		idx[i] = ClassOf(p.Row(i))
		names[i] = m.className(idx[i])
	}
	return idx, names, nil
}

// ClassOf returns the class a classifier's output row predicts: for a
// single output (one probability) class 1 when it is at least 0.5, else
// the index of the largest output, the first on a tie.
func ClassOf(row []float64) int {
	if len(row) == 1 {
		if row[0] >= 0.5 {
			return 1
		}
		return 0
	}
	best := 0
	for j, v := range row {
		if v > row[best] {
			best = j
		}
	}
	return best
}

func (m *Model) className(i int) string {
	if i < len(m.ClassNames) {
		return m.ClassNames[i]
	}
	return fmt.Sprint(i)
}

// scale applies the model's scaler to a copy of x, or returns x.
func (m *Model) scale(x *tensor.Matrix[float64]) (*tensor.Matrix[float64], error) {
	if m.Scaler == nil {
		return x, nil
	}
	c := x.Clone()
	if err := m.Scaler.Transform(c); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return c, nil
}
