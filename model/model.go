package model

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Version is the newest format version this package writes and reads.
// Files with a larger version are refused with ErrNewerVersion. A model
// is written as version 1, which readers from before version 2 load,
// unless it has what such a reader would misread or reject with a
// confusing message (a layer other than dense, an input shape, buffers or
// a tensor that is not a matrix); then it is written as version 2, which
// they refuse by its number.
const Version = 2

// The element types a model can be trained in.
const (
	Float32 = "float32"
	Float64 = "float64"
)

// Model is a trained network as plain data: its architecture, every
// parameter, and what is needed to use it on new data (the preprocessing,
// the column layout, the class names and the loss that says how outputs
// become predictions). Build one with FromNetwork, turn it back into a
// network with Network, and save it with Save.
type Model struct {
	// Version is the format version the model was read from; FromNetwork
	// sets the lowest one that can hold the model. Saving writes that
	// lowest version whatever this says, so that a dense model keeps the
	// bytes of version 1.
	Version int
	// DType is the element type the network was trained in, Float32 or
	// Float64. Parameters of a Float32 model are exactly representable
	// as float32.
	DType string
	// Spec is the architecture, defaults filled in.
	Spec nn.Spec
	// Params holds every parameter tensor in nn.Network.Params order:
	// per layer the weights (inputs×units, named "layerN.weight"), then
	// the biases (1×units, "layerN.bias") unless the layer has none.
	Params []Tensor
	// Buffers holds the saved tensors that are not trained (batch
	// normalisation's running statistics), in nn.Network.Buffers order,
	// named and shaped as nn.Spec.BufferLayout says; empty for a network
	// without any, as every file written before they existed.
	Buffers []Tensor
	// Loss is the name of the loss the network was trained with; for a
	// loss on logits (loss.Linked) it gives the output link.
	Loss string
	// LossDelta is the δ of a huber loss or the β of smooth_l1 (see
	// loss.Options.Delta); 0 means the loss's default of 1.
	LossDelta float64
	// Task is "regression", "classification" or empty when unknown.
	Task string
	// Scaler is the feature preprocessing fitted on the training data,
	// applied by Predict before the network; nil means none.
	Scaler *data.Scaler
	// TargetScaler, for regression, is the scaling of the targets the
	// network was trained on: Predict undoes it, so predictions come back
	// in the targets' own units; nil means the targets were not scaled.
	TargetScaler *data.Scaler
	// Schema is the layout of the training CSV file, for reading new data
	// the same way, or nil when the data did not come from a CSV file.
	Schema *data.Schema
	// ClassNames names the classes (classification only).
	ClassNames []string
	// FeatureNames names the inputs; empty or one per input.
	FeatureNames []string
	// Training is the training configuration as free-form JSON (may be
	// nil).
	Training json.RawMessage
	// Metrics holds final metrics by name; every value must be finite.
	Metrics map[string]float64
	// Created is when the model was made, set by the caller (the zero
	// time is left out of files).
	Created time.Time
}

// Tensor is one parameter tensor, its values in row-major order.
type Tensor struct {
	// Name is the parameter's name, e.g. "layer1.weight".
	Name string
	// Rows and Cols give its shape as the network holds it, a matrix.
	Rows, Cols int
	// Shape gives the tensor's dimensions, outermost first, when it is
	// not a plain matrix: a convolution's weights are filters × channels
	// × kernel × kernel, held as Rows = filters and Cols = the product
	// of the rest. Nil for a matrix; a model built by hand may also leave
	// it nil for other tensors (FromNetwork and the loaders set it).
	Shape []int
	// Values holds the Rows*Cols elements, converted exactly to float64.
	Values []float64
}

// The task names Model.Task may hold.
var (
	taskRegression     = data.Regression.String()
	taskClassification = data.Classification.String()
)

// Errors a caller may want to tell apart, wrapped with the file's name
// and the details; test for them with errors.Is.
var (
	// ErrNotModel means the input is not a descent model or checkpoint.
	ErrNotModel = errors.New("not a descent model file")
	// ErrNewerVersion means the file was written by a newer descent.
	ErrNewerVersion = errors.New("format version is newer than this descent understands")
	// ErrChecksum means the stored checksum does not match the contents.
	ErrChecksum = errors.New("checksum mismatch: the file is corrupted or truncated")
	// ErrInvalid means the file parses but describes an impossible model.
	ErrInvalid = errors.New("invalid model")
)

// FromNetwork captures net as a Model of the element type T, with the
// given loss name and task ("regression", "classification" or ""). The
// weights are copied (float32 converts to float64 exactly); the other
// fields (Scaler, Schema, names, Training, Metrics, Created) are left for
// the caller to fill in. The architecture is the network's Spec, which for
// a network built with nn.FromLayers its layers describe.
func FromNetwork[T tensor.Float](net *nn.Network[T], lossName, task string) (*Model, error) {
	spec, err := specOf(net)
	if err != nil {
		return nil, err
	}
	m := &Model{DType: dtypeOf[T](), Spec: spec, Loss: lossName, Task: task}
	if m.Params, err = capture("parameter", net.Params(), layout(spec)); err != nil {
		return nil, err
	}
	if m.Buffers, err = capture("buffer", net.Buffers(), bufferLayout(spec)); err != nil {
		return nil, err
	}
	m.Version = m.formatVersion()
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return m, nil
}

// capture copies a network's parameters or buffers (what names them) into
// the tensors want lays out, converting float32 to float64 exactly.
func capture[T tensor.Float](what string, got []*nn.Param[T], want []Tensor) ([]Tensor, error) {
	if len(got) != len(want) {
		return nil, fmt.Errorf("model: network has %d %s tensors, its architecture %d", len(got), what, len(want))
	}
	var out []Tensor
	for i, p := range got {
		t := want[i]
		if p.Value.Rows != t.Rows || p.Value.Cols != t.Cols {
			return nil, fmt.Errorf("model: %s %s is %d×%d, its architecture says %d×%d", what, p.Name, p.Value.Rows, p.Value.Cols, t.Rows, t.Cols)
		}
		t.Values = make([]float64, t.Rows*t.Cols)
		for j, v := range p.Value.Values() {
			t.Values[j] = float64(v)
		}
		out = append(out, t)
	}
	return out, nil
}

// formatVersion returns the lowest format version that holds m: 2 when a
// version-1 reader could not read it correctly, because it has a layer
// other than dense, an input shape, saved buffers or a tensor that is not
// a matrix; 1 otherwise, so that every dense model keeps its bytes.
func (m *Model) formatVersion() int {
	if len(m.Spec.InputShape) > 0 || len(m.Buffers) > 0 {
		return 2
	}
	for _, l := range m.Spec.Layers {
		if l.KindName() != nn.KindDense {
			return 2
		}
	}
	for _, ts := range [][]Tensor{m.Params, m.Buffers} {
		for _, t := range ts {
			if len(t.Shape) > 0 {
				return 2
			}
		}
	}
	return 1
}

// specOf returns the network's spec, which every layer kind can give.
func specOf[T tensor.Float](net *nn.Network[T]) (nn.Spec, error) {
	s := net.Spec()
	if err := s.Validate(); err != nil {
		return nn.Spec{}, fmt.Errorf("model: %w", err)
	}
	return s, nil
}

func dtypeOf[T tensor.Float]() string {
	var z T
	if _, ok := any(z).(float32); ok {
		return Float32
	}
	return Float64
}

// layout returns the parameter tensors a valid spec implies, without
// values, as the layers' registry lays them out, each convolution's
// weights with their full shape.
func layout(s nn.Spec) []Tensor {
	shapes, _ := s.Layout()
	ts := make([]Tensor, len(shapes))
	for i, p := range shapes {
		ts[i] = Tensor{Name: p.Name, Rows: p.Rows, Cols: p.Cols}
	}
	for i, l := range s.Layers {
		if l.KindName() != nn.KindConv2D {
			continue
		}
		// The layer's input is the output of the spec up to it.
		in := s.InShape()
		if i > 0 {
			in = nn.Spec{Inputs: s.Inputs, InputShape: s.InputShape, Layers: s.Layers[:i]}.OutShape()
		}
		if len(in) == 3 {
			full := []int{l.Filters, in[0], l.Kernel, l.Kernel}
			name := fmt.Sprintf("layer%d.weight", i+1)
			for j := range ts {
				// The registry's layout is the authority: a shape
				// that does not multiply out to it is left out.
				if ts[j].Name == name && ts[j].Rows == full[0] && ts[j].Cols == full[1]*full[2]*full[3] {
					ts[j].Shape = full
				}
			}
		}
	}
	return ts
}

// bufferLayout returns the buffers a valid spec implies, without values.
func bufferLayout(s nn.Spec) []Tensor {
	shapes, _ := s.BufferLayout()
	ts := make([]Tensor, len(shapes))
	for i, p := range shapes {
		ts[i] = Tensor{Name: p.Name, Rows: p.Rows, Cols: p.Cols}
	}
	return ts
}

// Network rebuilds the network a model describes, in element type T, with
// the model's weights. Loading a float64 model as float32 rounds the
// weights; the other way is exact.
func Network[T tensor.Float](m *Model) (*nn.Network[T], error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	// The weights are overwritten below, so the random source only has
	// to exist; a fixed seed keeps this free of global state.
	net, err := nn.New[T](m.Spec, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	for i, p := range net.Params() {
		t := m.Params[i]
		if p.Value.Rows != t.Rows || p.Value.Cols != t.Cols {
			return nil, fmt.Errorf("model: parameter %s is %d×%d, the network's %d×%d", t.Name, t.Rows, t.Cols, p.Value.Rows, p.Value.Cols)
		}
		for j, v := range t.Values {
			p.Value.Data[j] = T(v)
		}
	}
	for i, b := range net.Buffers() {
		t := m.Buffers[i]
		if b.Value.Rows != t.Rows || b.Value.Cols != t.Cols {
			return nil, fmt.Errorf("model: buffer %s is %d×%d, the network's %d×%d", t.Name, t.Rows, t.Cols, b.Value.Rows, b.Value.Cols)
		}
		for j, v := range t.Values {
			b.Value.Data[j] = T(v)
		}
	}
	return net, nil
}

// Validate checks that the model is complete and consistent: a known
// version, dtype, loss and task, an architecture nn.New accepts, parameter
// tensors of exactly the shapes it implies, finite numbers everywhere
// (representable as float32 for a float32 model), and names, classes,
// scaler and schema that agree with the number of inputs and outputs.
func (m *Model) Validate() error {
	if err := m.validateLayout(); err != nil {
		return err
	}
	if err := m.validateParams(); err != nil {
		return err
	}
	if _, err := m.LossFunc(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	outputs := m.Spec.Outputs()
	switch m.Task {
	case "", taskRegression:
		if len(m.ClassNames) > 0 {
			return fmt.Errorf("%w: class names given for a %s model", ErrInvalid, taskOrUnknown(m.Task))
		}
	case taskClassification:
		n := len(m.ClassNames)
		if n > 0 && n != outputs && !(n == 2 && outputs == 1) {
			return fmt.Errorf("%w: %d class names for %d outputs", ErrInvalid, n, outputs)
		}
	default:
		return fmt.Errorf("%w: unknown task %q (known: %s, %s)", ErrInvalid, errtext.Excerpt(m.Task), taskRegression, taskClassification)
	}
	if n := len(m.FeatureNames); n > 0 && n != m.Spec.Inputs {
		return fmt.Errorf("%w: %d feature names for %d inputs", ErrInvalid, n, m.Spec.Inputs)
	}
	for k, v := range m.Metrics {
		if !finite(v) {
			return fmt.Errorf("%w: metric %q is %v, not a finite number", ErrInvalid, errtext.Excerpt(k), v)
		}
	}
	if m.Training != nil && !json.Valid(m.Training) {
		return fmt.Errorf("%w: training configuration is not valid JSON", ErrInvalid)
	}
	if m.Schema != nil {
		if err := m.Schema.Validate(); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		if n := m.Schema.NumFeatures(); n != m.Spec.Inputs {
			return fmt.Errorf("%w: schema gives %d features, the network has %d inputs", ErrInvalid, n, m.Spec.Inputs)
		}
		if m.Schema.Task == data.Classification && m.ClassNames != nil && !slices.Equal(m.Schema.ClassNames, m.ClassNames) {
			return fmt.Errorf("%w: class names %q differ from the schema's %q", ErrInvalid, m.ClassNames, m.Schema.ClassNames)
		}
	}
	if m.Scaler != nil {
		// Transforming no rows runs every check the scaler makes on its
		// own numbers and on the column count, and changes nothing.
		if err := m.Scaler.Transform(tensor.New[float64](0, m.Spec.Inputs)); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	if t := m.TargetScaler; t != nil {
		if m.Task == taskClassification {
			return fmt.Errorf("%w: a classifier cannot have a target scaler", ErrInvalid)
		}
		if t.Clip != 0 {
			return fmt.Errorf("%w: the target scaler clips (clip %v), which would bound the predictions", ErrInvalid, t.Clip)
		}
		if err := t.Transform(tensor.New[float64](0, m.Spec.Outputs())); err != nil {
			return fmt.Errorf("%w: target scaler: %w", ErrInvalid, err)
		}
	}
	return nil
}

func taskOrUnknown(t string) string {
	if t == "" {
		return "task-less"
	}
	return t
}

// validateLayout checks what the model's sizes follow from: the version,
// dtype and architecture, and the parameters' names and shapes against
// it. A decoder runs it before allocating room for the values.
func (m *Model) validateLayout() error {
	if m == nil {
		return fmt.Errorf("%w: no model", ErrInvalid)
	}
	if m.Version < 1 || m.Version > Version {
		return fmt.Errorf("%w: format version %d (this descent knows 1 to %d)", ErrInvalid, m.Version, Version)
	}
	if m.DType != Float32 && m.DType != Float64 {
		return fmt.Errorf("%w: dtype %q is neither %s nor %s", ErrInvalid, errtext.Excerpt(m.DType), Float32, Float64)
	}
	if err := m.Spec.Validate(); err != nil {
		return fmt.Errorf("%w: architecture: %w", ErrInvalid, err)
	}
	want := layout(m.Spec)
	if len(m.Params) != len(want) {
		return fmt.Errorf("%w: %d parameter tensors, the architecture needs %d", ErrInvalid, len(m.Params), len(want))
	}
	for i, t := range m.Params {
		w := want[i]
		// No shape means the matrix Rows×Cols, which is what every
		// tensor of a version-1 file is.
		if t.Name != w.Name || t.Rows != w.Rows || t.Cols != w.Cols || len(t.Shape) > 0 && !slices.Equal(t.Shape, w.Shape) {
			return fmt.Errorf("%w: parameter %d is %s %s, the architecture needs %s %s", ErrInvalid, i+1, errtext.Excerpt(t.Name), dims(t), w.Name, dims(w))
		}
	}
	wantBufs := bufferLayout(m.Spec)
	if len(m.Buffers) != len(wantBufs) {
		return fmt.Errorf("%w: %d buffers, the architecture needs %d", ErrInvalid, len(m.Buffers), len(wantBufs))
	}
	for i, t := range m.Buffers {
		w := wantBufs[i]
		if t.Name != w.Name || t.Rows != w.Rows || t.Cols != w.Cols || len(t.Shape) > 0 && !slices.Equal(t.Shape, w.Shape) {
			return fmt.Errorf("%w: buffer %d is %s %s, the architecture needs %s %s", ErrInvalid, i+1, errtext.Excerpt(t.Name), dims(t), w.Name, dims(w))
		}
	}
	return nil
}

// dims writes a tensor's shape for messages: "3×5" for a matrix,
// "16×1×3×3 (16×9)" for a tensor of another rank and how it is held.
func dims(t Tensor) string {
	m := fmt.Sprintf("%d×%d", t.Rows, t.Cols)
	if len(t.Shape) == 0 {
		return m
	}
	return nn.Shape(t.Shape).String() + " (" + m + ")"
}

// validateParams checks the parameters' values; validateLayout has
// checked their names and shapes.
func (m *Model) validateParams() error {
	for i, ts := range [][]Tensor{m.Params, m.Buffers} {
		what := []string{"parameter", "buffer"}[i]
		for _, t := range ts {
			if n, ok := size(t.Rows, t.Cols); !ok || len(t.Values) != n {
				return fmt.Errorf("%w: %s %s has %d values, its shape %d×%d needs %d", ErrInvalid, what, t.Name, len(t.Values), t.Rows, t.Cols, t.Rows*t.Cols)
			}
			// A negative variance would make evaluation take the square
			// root of a negative number.
			variance := strings.HasSuffix(t.Name, ".running_var")
			for j, v := range t.Values {
				if !finite(v) {
					return fmt.Errorf("%w: %s %s element %d is %v, not a finite number", ErrInvalid, what, t.Name, j, v)
				}
				if m.DType == Float32 && float64(float32(v)) != v {
					return fmt.Errorf("%w: %s %s element %d (%v) is not a float32 value in a float32 model", ErrInvalid, what, t.Name, j, v)
				}
				if variance && v < 0 {
					return fmt.Errorf("%w: %s %s element %d is %v, a variance cannot be negative", ErrInvalid, what, t.Name, j, v)
				}
			}
		}
	}
	return nil
}

// size returns rows*cols, and false when a dimension is not positive or
// the product overflows.
func size(rows, cols int) (int, bool) {
	if rows <= 0 || cols <= 0 || rows > math.MaxInt/cols {
		return 0, false
	}
	return rows * cols, true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
