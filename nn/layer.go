package nn

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"

	"github.com/descent-ml/descent/tensor"
)

// Shape is the shape of one sample as a layer sees it, outermost first: a
// flat vector of n values is Shape{n}, a grey 28×28 image Shape{1, 28, 28}
// (channels, height, width). A batch is a matrix with one sample per row,
// the sample's values in row-major order, so Size is the row's length.
type Shape []int

// Size returns the number of values in one sample: the product of the
// dimensions, 0 for an empty shape.
func (s Shape) Size() int {
	if len(s) == 0 {
		return 0
	}
	n := 1
	for _, d := range s {
		n = mulSat(n, d)
	}
	return n
}

// Equal reports whether s and t have the same dimensions.
func (s Shape) Equal(t Shape) bool { return slices.Equal(s, t) }

// String writes the shape as e.g. "1×28×28".
func (s Shape) String() string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return strings.Join(parts, "×")
}

// Layer is one stage of a feed-forward network working on a batch, one
// sample per row. Each kind of layer is one type implementing Layer plus
// one line in the registry that Build reads; every kind passes the shared
// conformance suite in layer_conformance_test.go.
type Layer[T tensor.Float] interface {
	// Forward computes the layer's output for the batch x. The returned
	// matrix belongs to the layer and is valid until the next Forward; x
	// must stay unchanged until Backward has run.
	Forward(x *tensor.Matrix[T]) *tensor.Matrix[T]
	// Backward takes dLoss/dOutput for the last Forward and sets the
	// gradients of the layer's parameters: it adds to each Grad, except
	// right after Network.Gradient has asked the layer to overwrite
	// them. It returns dLoss/dInput (layer-owned, valid until the next
	// Backward), or nil when inputGrad is false (the first layer needs
	// none).
	Backward(dOut *tensor.Matrix[T], inputGrad bool) *tensor.Matrix[T]
	// Params returns the layer's trainable tensors in a fixed order, the
	// order optimizers index their state by and model files store.
	Params() []*Param[T]
	// InShape and OutShape give the shape of one sample on each side;
	// the returned slices belong to the layer and must not be changed.
	InShape() Shape
	OutShape() Shape
	// Spec returns the layer's kind and settings, defaults filled in:
	// Build(l.Spec(), l.InShape(), rng) makes a layer of the same kind,
	// shapes and settings (with fresh weights drawn from rng).
	Spec() LayerSpec
	// Clone returns an independent copy with the same parameter values
	// and names, the same mode, and fresh workspaces.
	Clone() Layer[T]
}

// Moded is implemented by layers that behave differently while training
// and when evaluating (dropout, batch normalisation).
// Network.SetTraining sets every such layer's mode.
type Moded interface {
	// SetTraining selects training (true) or evaluation (false) mode.
	SetTraining(training bool)
}

// Stateful is implemented by layers with state that is saved with the
// model but not trained (batch normalisation's running statistics): the
// optimizer never sees these tensors.
type Stateful[T tensor.Float] interface {
	// Buffers returns the saved, untrained tensors in a fixed order.
	Buffers() []*Param[T]
}

// TraceStage says which part of a step a Traced layer is asked to record.
type TraceStage int

// The stages of one step, in the order Network calls them.
const (
	// TraceBegin records the parameters the forward pass will use.
	TraceBegin TraceStage = iota
	// TraceForward records the forward pass's values.
	TraceForward
	// TraceBackward records the backward pass's values; lt.OutputGrad is
	// already set.
	TraceBackward
	// TraceUpdate records the parameters after the update.
	TraceUpdate
)

// Traced is implemented by layers that can show the tutorial's
// quantities (sums of products, derivatives) for explanation. Dense does;
// a layer that does not leaves its LayerTrace with only OutputGrad set.
type Traced[T tensor.Float] interface {
	// TraceInto copies the values of stage into lt.
	TraceInto(lt *LayerTrace[T], stage TraceStage)
}

// Randomized is implemented by layers that draw random numbers while
// training (dropout's mask). While fixed, such a layer repeats its last
// draws, so that it is a fixed function of its input and parameters, as a
// finite-difference gradient check needs.
type Randomized interface {
	// FixRandom fixes (true) or frees (false) the layer's random draws.
	FixRandom(fixed bool)
}

// gradOverwriter is implemented by layers whose next Backward can set the
// parameter gradients instead of adding to them, which saves
// Network.Gradient clearing them (Dense's fast path).
type gradOverwriter interface {
	overwriteGrads()
}

// ParamShape is the name and shape of one parameter tensor, known from a
// spec before anything is allocated.
type ParamShape struct {
	// Name is the parameter's name within its layer, e.g. "weight"; a
	// network prefixes it with the layer's name ("layer1.weight").
	Name string
	// Rows and Cols are the tensor's shape.
	Rows, Cols int
}

// plan is what a layer spec implies for a given input shape, worked out
// without building the layer.
type plan struct {
	out    Shape
	params []ParamShape
	// buffers are the saved, untrained tensors (see Stateful).
	buffers []ParamShape
	// activations counts the values per sample the layer holds during a
	// forward and backward pass (saturating at math.MaxInt).
	activations int
}

// kind is one entry of the layer registry: everything the rest of the
// package needs to know about a layer kind.
type kind struct {
	// defaults returns the spec with zero values replaced by their meaning.
	defaults func(s LayerSpec) LayerSpec
	// plan checks a spec with defaults filled in against the input shape.
	plan func(s LayerSpec, in Shape) (plan, error)
	// describe writes the layer for Spec.String, e.g. "16 relu".
	describe func(s LayerSpec) string
	// build32 and build64 make the layer from a checked spec with
	// defaults; they name the parameters name.weight and so on.
	build32 func(name string, s LayerSpec, in Shape, rng *rand.Rand) Layer[float32]
	build64 func(name string, s LayerSpec, in Shape, rng *rand.Rand) Layer[float64]
}

// Kind names. A LayerSpec with no Kind is dense: every model file written
// before layer kinds existed describes dense layers that way.
const (
	KindDense = "dense"
)

// kinds is the layer registry: adding a kind of layer means one file with
// its type and one line here.
var kinds = map[string]kind{
	KindDense:     {denseDefaults, densePlan, denseDescribe, buildDense[float32], buildDense[float64]},
	KindDropout:   {dropoutDefaults, dropoutPlan, dropoutDescribe, buildDropout[float32], buildDropout[float64]},
	KindBatchNorm: {batchNormDefaults, batchNormPlan, batchNormDescribe, buildBatchNorm[float32], buildBatchNorm[float64]},
	KindConv2D:    {conv2dDefaults, conv2dPlan, conv2dDescribe, buildConv2D[float32], buildConv2D[float64]},
	KindMaxPool2D: {pool2dDefaults, pool2dPlan, pool2dDescribe, buildMaxPool2D[float32], buildMaxPool2D[float64]},
	KindAvgPool2D: {pool2dDefaults, pool2dPlan, pool2dDescribe, buildAvgPool2D[float32], buildAvgPool2D[float64]},
}

// Kinds returns the names of the layer kinds Build knows, sorted.
func Kinds() []string {
	names := make([]string, 0, len(kinds))
	for k := range kinds {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// kindOf returns the registry entry for a spec's kind.
func kindOf(s LayerSpec) (kind, error) {
	k, ok := kinds[s.KindName()]
	if !ok {
		return kind{}, fmt.Errorf("unknown layer kind %q (known: %s)", s.Kind, strings.Join(Kinds(), ", "))
	}
	return k, nil
}

// Build makes the layer spec describes for samples of shape in, drawing
// its initial weights from rng; its parameters are named "weight", "bias"
// and so on (New names them "layer1.weight"). It is the only place a layer
// kind is created.
func Build[T tensor.Float](spec LayerSpec, in Shape, rng *rand.Rand) (Layer[T], error) {
	return build[T]("", spec, in, rng)
}

// build is Build with the parameters' names prefixed by name and a dot.
func build[T tensor.Float](name string, spec LayerSpec, in Shape, rng *rand.Rand) (Layer[T], error) {
	k, err := kindOf(spec)
	if err != nil {
		return nil, err
	}
	spec = k.defaults(spec)
	if _, err := k.plan(spec, in); err != nil {
		return nil, err
	}
	in = slices.Clone(in)
	var l any
	var z T
	switch any(z).(type) {
	case float32:
		l = k.build32(name, spec, in, rng)
	default:
		l = k.build64(name, spec, in, rng)
	}
	return l.(Layer[T]), nil
}

// paramName joins a layer's name and a parameter's.
func paramName(layer, param string) string {
	if layer == "" {
		return param
	}
	return layer + "." + param
}
