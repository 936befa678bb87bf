package fit

import (
	"fmt"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/nn"
)

// initSpec returns the architecture of Options.Init, the model whose
// weights training starts from, after checking that it fits the data and
// the loss: the same inputs, outputs and task, and an output activation
// the loss accepts.
func (j *job[T]) initSpec() (nn.Spec, error) {
	m := j.o.Init
	if err := m.Validate(); err != nil {
		return nn.Spec{}, fmt.Errorf("fit: starting model: %w", err)
	}
	spec := m.Spec
	out := spec.Layers[len(spec.Layers)-1]
	if spec.Inputs != j.d.NumFeatures() || spec.Outputs() != j.d.Y.Cols {
		return nn.Spec{}, fmt.Errorf("fit: the starting model's network has %d inputs and %d outputs, the data %d and %d",
			spec.Inputs, spec.Outputs(), j.d.NumFeatures(), j.d.Y.Cols)
	}
	if m.Task != "" && m.Task != j.d.Task.String() {
		return nn.Spec{}, fmt.Errorf("fit: the starting model is for %s, the data is %s", m.Task, j.d.Task)
	}
	if err := CheckOutput(j.lossName, out.Activation); err != nil {
		return nn.Spec{}, fmt.Errorf("fit: the starting model's output does not fit the loss: %w", err)
	}
	return spec, nil
}

// initScalers checks the starting model against the data, as initSpec
// does, and returns its scalers: its weights were trained on data scaled
// that way (none, for a model without a scaler, such as one imported from
// ONNX).
func (j *job[T]) initScalers() (x, y *data.Scaler, err error) {
	if _, err := j.initSpec(); err != nil {
		return nil, nil, err
	}
	x, y = j.o.Init.Scaler, j.o.Init.TargetScaler
	if x == nil {
		x = &data.Scaler{Kind: data.NoScaling}
	}
	return x, y, nil
}
