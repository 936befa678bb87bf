package playground

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/explain"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Explanation is the chain rule of one weight at the current step: the
// whole explained step on one training sample, and which weight was asked
// for (Layer and To count from 1; From counts inputs from 1, 0 is the bias).
type Explanation struct {
	Layer  int    `json:"layer"`
	From   int    `json:"from"`
	To     int    `json:"to"`
	Sample int    `json:"sample"`
	Epoch  int    `json:"epoch"`
	Note   string `json:"note,omitempty"`
	// Samples is the number of training samples: Sample is in [0, Samples).
	Samples int `json:"samples"`
	// Prediction is the network's prediction for the sample: the
	// probabilities of the classes (through the loss's link when the
	// output layer gives logits), or the predicted values.
	Prediction []float64 `json:"prediction"`
	// Delta, for an output layer whose activation and loss fit together,
	// is the output's own derivative dE/dsop = p − y.
	Delta *Delta `json:"delta,omitempty"`
	// Step is explain.FromTrace's account of the step.
	Step *explain.Step `json:"step"`
}

// Delta is dE/dsop of the output layer for an activation and loss that
// fit together: softmax with cross-entropy, sigmoid with binary
// cross-entropy. Their derivative simplifies to p − y per output.
type Delta struct {
	// Rule names the pair, e.g. "softmax + cross-entropy".
	Rule string `json:"rule"`
	// P is the prediction (probabilities), Y the target, DSOP the
	// derivative the step computed, p − y.
	P    []float64 `json:"p"`
	Y    []float64 `json:"y"`
	DSOP []float64 `json:"dE_dsop"`
}

// explain records one plain gradient-descent step of a copy of the network
// on training sample i and explains it; the session's own network is not
// changed. The caller holds mu.
func (r *run) explain(layer, from, to, sample int) (*Explanation, error) {
	// Dropout passes values through when predicting; the step explained
	// is the one of the dense layers alone, which predict the same.
	var layers []nn.Layer[float64]
	for _, l := range denseLayers(r.net) {
		layers = append(layers, l.Clone())
	}
	if layer < 1 || layer > len(layers) {
		return nil, fmt.Errorf("layer must be between 1 and %d, got %d", len(layers), layer)
	}
	l := layers[layer-1]
	if outs := l.OutShape().Size(); to < 1 || to > outs {
		return nil, fmt.Errorf("layer %d has neurons 1 to %d, got %d", layer, outs, to)
	}
	if ins := l.InShape().Size(); from < 0 || from > ins {
		return nil, fmt.Errorf("layer %d has inputs 1 to %d (0 for the bias), got %d", layer, ins, from)
	}
	if from == 0 && l.Spec().NoBias {
		return nil, fmt.Errorf("layer %d has no bias", layer)
	}
	if sample < 0 || sample >= r.train.Len() {
		return nil, fmt.Errorf("sample must be between 0 and %d, got %d", r.train.Len()-1, sample)
	}
	net := nn.FromLayers(layers...)
	net.SetTraining(false)
	net.Trace = &nn.Trace[float64]{}
	x := tensor.FromSlice(1, r.train.X.Cols, append([]float64(nil), r.train.X.Row(sample)...))
	y := tensor.FromSlice(1, r.train.Y.Cols, append([]float64(nil), r.train.Y.Row(sample)...))
	// The loss's mean over one sample is its value on that sample, so this
	// is the tutorial's step.
	net.Step(r.lossFn, x, y, r.settings.LearningRate)
	st, err := explain.FromTrace(net.Trace, r.lossName, r.settings.LearningRate)
	if err != nil {
		return nil, err
	}
	e := &Explanation{Layer: layer, From: from, To: to, Sample: sample, Epoch: r.epoch, Samples: r.train.Len(), Step: st}
	out := net.Trace.Layers[len(net.Trace.Layers)-1]
	logits := tensor.FromSlice(1, out.Output.Cols, append([]float64(nil), out.Output.Data...))
	p := logits
	if r.link != nil {
		p = tensor.New[float64](1, logits.Cols)
		r.link.Forward(p, logits)
	}
	e.Prediction = append([]float64(nil), p.Data...)
	e.Delta = r.delta(st, e.Prediction)
	plain := (r.opt.Name() == "gd" || r.opt.Name() == "sgd") && min(r.settings.BatchSize, r.train.Len()) == 1 && r.settings.L2 == 0 && r.settings.L1 == 0 && r.settings.Dropout == 0
	if !plain {
		e.Note = fmt.Sprintf("The update shown is the tutorial's plain w − η·dE/dw on this one sample; training uses %s on mini-batches of %d", r.opt.Name(), min(r.settings.BatchSize, r.train.Len()))
		if r.settings.L2 != 0 {
			e.Note += fmt.Sprintf(" with L2 = %g", r.settings.L2)
		}
		if r.settings.L1 != 0 {
			e.Note += fmt.Sprintf(" with L1 = %g", r.settings.L1)
		}
		if r.settings.Dropout != 0 {
			e.Note += fmt.Sprintf(" and dropout %g", r.settings.Dropout)
		}
		e.Note += ", so its real step differs."
	}
	return e, nil
}

// delta returns the output layer's p − y when its activation and the loss
// fit together, or nil.
func (r *run) delta(st *explain.Step, p []float64) *Delta {
	outL := st.Layers[len(st.Layers)-1]
	var rule string
	switch {
	case r.lossName == loss.NameSoftmaxCrossEntropy && outL.Activation == activation.NameIdentity:
		rule = "softmax + cross-entropy"
	case r.lossName == loss.NameCrossEntropy && outL.Activation == activation.NameSoftmax:
		rule = "softmax + cross-entropy"
	case r.lossName == loss.NameBCE && outL.Activation == activation.NameSigmoid:
		rule = "sigmoid + binary cross-entropy"
	case r.lossName == loss.NameBCEWithLogits && outL.Activation == activation.NameIdentity:
		rule = "sigmoid + binary cross-entropy"
	default:
		return nil
	}
	d := &Delta{Rule: rule, P: p, Y: st.Target}
	for _, n := range outL.Neurons {
		d.DSOP = append(d.DSOP, n.DErrorDSOP)
	}
	if len(d.Y) != len(d.P) || len(d.DSOP) != len(d.P) {
		return nil // a single output trained on a class index: no one-hot y to show
	}
	return d
}

// model captures the trained network as a descent model file's contents.
func (r *run) model(now time.Time) (*model.Model, error) {
	m, err := model.FromNetwork(r.net, r.lossName, r.task.String())
	if err != nil {
		return nil, err
	}
	m.Scaler = r.scaler
	m.ClassNames = r.all.ClassNames
	if len(r.all.FeatureNames) == r.all.X.Cols {
		m.FeatureNames = r.all.FeatureNames
	}
	if r.feats != nil && crossed(r.feats) {
		// The model's inputs are the crosses, named as on the page; a
		// model file cannot compute them from the columns.
		if r.scaler != nil {
			return nil, fmt.Errorf("the network's inputs are feature crosses of the standardised columns, which a model file cannot describe: choose only %s and %s as inputs to export", r.inputs[0], r.inputs[1])
		}
		m.FeatureNames = r.inputs
	}
	if m.Training, err = json.Marshal(struct {
		Source   string   `json:"source"`
		Settings Settings `json:"settings"`
		Epochs   int      `json:"epochs"`
	}{"descent playground", r.settings, r.epoch}); err != nil {
		return nil, err
	}
	m.Metrics = map[string]float64{}
	for name, v := range map[string]float64{
		"train_loss": r.trainLoss, "test_loss": r.testLoss,
		"train_accuracy": r.accuracy(r.train), "test_accuracy": r.accuracy(r.test),
	} {
		if finite(v) {
			m.Metrics[name] = v
		}
	}
	m.Created = now.UTC()
	return m, nil
}

// writeModel encodes the session's model as JSON. The caller holds mu.
func (s *session) writeModel(w io.Writer, now time.Time) error {
	m, err := s.r.model(now)
	if err != nil {
		return err
	}
	if s.r.settings.Dataset == DatasetCSV && s.upload != nil {
		m.Schema = s.upload.schema
	}
	return model.Encode(w, m, model.JSON)
}
