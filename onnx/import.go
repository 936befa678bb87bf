package onnx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/internal/atomicfile"
	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// Errors a caller may want to tell apart; test for them with errors.Is.
var (
	// ErrNotONNX means the input does not decode as an ONNX model.
	ErrNotONNX = errors.New("not an ONNX model")
	// ErrUnsupported means the model uses an operator, or a layout of
	// operators, that descent's networks cannot express.
	ErrUnsupported = errors.New("unsupported")
)

// ImportOptions tunes Unmarshal; the zero value gives the defaults.
type ImportOptions struct {
	// Loss is the loss name to record in the model (one of loss.Names).
	// Empty means the one in descent's metadata or, for a file without
	// it (exported from PyTorch, say), softmax_cross_entropy when the
	// graph ends in Softmax (which becomes the loss's link) and mse
	// otherwise. For a loss on logits the graph must end in its link
	// (Softmax or Sigmoid), which is not made a layer.
	Loss string
	// Task is "regression" or "classification"; empty means the one in
	// the metadata, else classification for the cross-entropy losses and
	// regression for the others.
	Task string
	// MaxFileSize is the largest file, in bytes, Load and Decode read;
	// a larger one is refused before it is read. Zero means
	// model.DefaultMaxFileSize. Unmarshal refuses a file whose messages
	// would decode into more than a few times its size, whatever this
	// says.
	MaxFileSize int64
}

func (o ImportOptions) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return model.DefaultMaxFileSize
}

// Unmarshal reads an ONNX model whose graph descent can express (see the
// package documentation) and returns it as a validated descent model.
//
// The model's DType is float32 when every weight is stored as float,
// float64 when some are double. A file written by Marshal gives back the
// model it was made from, with two exceptions: a float64 model comes back
// as float32 holding its weights rounded to float32, as the file holds
// them; and the metadata is only trusted where it agrees with the graph
// (an edited graph wins).
//
// Before decoding, the file's wire format is walked to bound what
// decoding would allocate (see checkWire): a file of many tiny messages is
// refused rather than decoded into many times its size.
func Unmarshal(b []byte, opts ImportOptions) (*model.Model, error) {
	m, err := unmarshal(b, opts)
	return m, errtext.Bound(err)
}

func unmarshal(b []byte, opts ImportOptions) (*model.Model, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("%w: the file is empty", ErrNotONNX)
	}
	if err := checkHead(b); err != nil {
		return nil, err
	}
	var mp onnxpb.ModelProto
	if err := checkWire(b, mp.ProtoReflect().Descriptor(), decodeBudget(len(b))); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotONNX, err)
	}
	if err := proto.Unmarshal(b, &mp); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotONNX, err)
	}
	if mp.GetGraph() == nil || len(mp.GetGraph().GetNode()) == 0 {
		return nil, fmt.Errorf("%w: it holds no graph (truncated or not an ONNX model file?)", ErrNotONNX)
	}
	opset := int64(-1)
	for _, o := range mp.GetOpsetImport() {
		if isDefaultDomain(o.GetDomain()) {
			opset = o.GetVersion()
		}
	}
	if opset < 0 {
		return nil, fmt.Errorf("%w: it imports no ai.onnx opset", ErrNotONNX)
	}
	m, err := fromGraph(mp.GetGraph(), opset, metadataIn(&mp), opts)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	return m, nil
}

// Decode reads an ONNX model from r; see Unmarshal. name, usually the
// file's path, starts every error message. At most opts.MaxFileSize
// bytes are read.
func Decode(r io.Reader, name string, opts ImportOptions) (*model.Model, error) {
	limit := opts.maxFileSize()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(buf.Len()) > limit {
		return nil, fmt.Errorf("%s: %w: more than %d bytes (ImportOptions.MaxFileSize raises the limit)", name, atomicfile.ErrTooLarge, limit)
	}
	m, err := unmarshal(buf.Bytes(), opts)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", name, err))
	}
	return m, nil
}

// Load reads the ONNX model in the file at path; see Unmarshal. It
// refuses what is not a regular file (a directory, a device, a FIFO) and
// a file larger than opts.MaxFileSize before reading it, and a file whose
// first bytes cannot start a protobuf message after reading only those.
func Load(path string, opts ImportOptions) (*model.Model, error) {
	var refused error
	b, err := atomicfile.ReadFile(path, opts.maxFileSize(), func(head []byte) error {
		if len(bytes.TrimSpace(head)) == 0 {
			return nil // empty, or white space so far: unmarshal says which
		}
		if err := checkHead(head); err != nil {
			refused = fmt.Errorf("%s: %w", path, err)
		}
		return refused
	})
	switch {
	case err != nil && err == refused:
		return nil, err
	case errors.Is(err, atomicfile.ErrTooLarge):
		return nil, fmt.Errorf("onnx: %w (ImportOptions.MaxFileSize raises the limit)", err)
	case err != nil:
		return nil, fmt.Errorf("onnx: %w", err)
	}
	m, err := unmarshal(b, opts)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", path, err))
	}
	return m, nil
}

// checkHead refuses a file whose first bytes cannot start an ONNX model:
// JSON (a descent model file, most likely), or anything that is not a
// protobuf field tag of a valid wire type, such as the zero bytes of an
// empty disk image.
func checkHead(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		return fmt.Errorf("%w: it starts with %q, which looks like JSON (a descent model file?)", ErrNotONNX, t[:min(len(t), 8)])
	}
	if num, typ, n := protowire.ConsumeTag(b); n < 0 || num < 1 || typ > protowire.Fixed32Type {
		return fmt.Errorf("%w: it starts with %q, which cannot start a protobuf message", ErrNotONNX, b[:min(len(b), 8)])
	}
	return nil
}

// metadataIn returns descent's metadata from the model, or nil when there
// is none it understands.
func metadataIn(mp *onnxpb.ModelProto) *metadata {
	for _, p := range mp.GetMetadataProps() {
		if p.GetKey() != MetadataKey {
			continue
		}
		var md metadata
		if err := json.Unmarshal([]byte(p.GetValue()), &md); err != nil || md.Version != metadataVersion {
			// Foreign or newer metadata: the graph alone still
			// describes the network.
			return nil
		}
		return &md
	}
	return nil
}

// fromGraph builds the model a graph describes.
func fromGraph(g *onnxpb.GraphProto, opset int64, md *metadata, opts ImportOptions) (*model.Model, error) {
	gr, err := newGraph(g, opset)
	if err != nil {
		return nil, err
	}
	input, inShape, err := gr.input()
	if err != nil {
		return nil, err
	}
	if len(g.GetOutput()) != 1 {
		return nil, fmt.Errorf("%w: the graph has %d outputs; descent reads one", ErrUnsupported, len(g.GetOutput()))
	}
	items, err := gr.walk(input, g.GetOutput()[0].GetName())
	if err != nil {
		return nil, err
	}

	lossName := opts.Loss
	if lossName == "" && md != nil {
		lossName = md.Loss
	}
	if lossName == "" {
		lossName = loss.NameMSE
		if len(items) > 0 && items[len(items)-1].kind == itemAct && items[len(items)-1].act.Name == activation.NameSoftmax {
			lossName = loss.NameSoftmaxCrossEntropy
		}
	}
	l, err := loss.New[float64](lossName, loss.Mean)
	if err != nil {
		return nil, err
	}
	if ln, ok := l.(loss.Linked); ok {
		link := ln.Link().Name
		if len(items) == 0 || items[len(items)-1].kind != itemAct || items[len(items)-1].act.Name != link {
			return nil, fmt.Errorf("loss %s applies %s to the network's outputs, but the graph does not end with it", lossName, link)
		}
		items = items[:len(items)-1]
	}

	m := &model.Model{Version: model.Version, DType: model.Float32, Loss: lossName}
	if err := assemble(m, items, inShape); err != nil {
		return nil, err
	}
	m.Task = opts.Task
	if md != nil {
		reconcile(m, md)
		if m.Task == "" {
			m.Task = md.Task
		}
	}
	if m.Task == "" {
		m.Task = data.Regression.String()
		switch lossName {
		case loss.NameSoftmaxCrossEntropy, loss.NameCrossEntropy, loss.NameBCE, loss.NameBCEWithLogits:
			m.Task = data.Classification.String()
		}
	}
	if err := m.Validate(); err != nil {
		if md != nil {
			return nil, fmt.Errorf("descent metadata (%s) does not fit the graph: %w", MetadataKey, err)
		}
		return nil, err
	}
	return m, nil
}

// input returns the graph's one real input (initializers may be listed as
// inputs too, as older files do) and the shape of one sample: {columns}
// for a batch of rows, {C, H, W} for a batch of images N×C×H×W (as
// PyTorch exports a CNN), nil when the file does not say.
func (gr *graph) input() (string, nn.Shape, error) {
	var in *onnxpb.ValueInfoProto
	for _, v := range gr.g.GetInput() {
		if _, ok := gr.inits[v.GetName()]; ok {
			continue
		}
		if in != nil {
			return "", nil, fmt.Errorf("%w: the graph has more than one input (%q, %q); descent reads one", ErrUnsupported, in.GetName(), v.GetName())
		}
		in = v
	}
	if in == nil {
		return "", nil, fmt.Errorf("%w: the graph has no input", ErrNotONNX)
	}
	tt := in.GetType().GetTensorType()
	if tt == nil {
		return "", nil, fmt.Errorf("%w: input %q is not a tensor", ErrUnsupported, in.GetName())
	}
	switch onnxpb.TensorProto_DataType(tt.GetElemType()) {
	case onnxpb.TensorProto_FLOAT, onnxpb.TensorProto_DOUBLE:
	default:
		return "", nil, fmt.Errorf("%w: input %q has element type %s; descent takes float features", ErrUnsupported, in.GetName(), dataTypeName(tt.GetElemType()))
	}
	sh := tt.GetShape()
	if sh == nil {
		return in.GetName(), nil, nil
	}
	// Sizes beyond this are no image or table descent could hold; the
	// bound keeps the product from overflowing.
	const limit = 1 << 24
	dims := sh.GetDim()
	switch len(dims) {
	case 2:
		if v := dims[1].GetDimValue(); v > 0 {
			return in.GetName(), nn.Shape{int(min(v, 1<<31))}, nil
		}
		return in.GetName(), nil, nil
	case 4:
		var s nn.Shape
		for i, d := range dims[1:] {
			v := d.GetDimValue()
			if v <= 0 || v > limit {
				return "", nil, fmt.Errorf("%w: input %q is N×C×H×W but does not give its %s as a number (%v)", ErrUnsupported, in.GetName(), []string{"channels", "height", "width"}[i], dims[i+1])
			}
			s = append(s, int(v))
		}
		if s.Size() > 1<<31 {
			return "", nil, fmt.Errorf("%w: input %q has samples of shape %v, too large", ErrUnsupported, in.GetName(), s)
		}
		return in.GetName(), s, nil
	}
	return "", nil, fmt.Errorf("%w: input %q has %d dimensions; descent takes a batch of feature rows (2) or of images N×C×H×W (4)", ErrUnsupported, in.GetName(), len(dims))
}

// assemble turns the chain's items into m's scaler, spec and parameters:
// optional Sub then Div (and smooth clipping), then layers: dense layers
// and convolutions each followed by at most one activation, pooling,
// batch normalisation, and the reshapes between a batch of rows and one
// of images. inShape is the shape of one input sample ({columns} or
// {C, H, W}), nil when the graph does not say.
func assemble(m *model.Model, items []item, inShape nn.Shape) error {
	i := 0
	var sub, div *item
	for ; i < len(items) && (items[i].kind == itemSub || items[i].kind == itemDiv); i++ {
		it := &items[i]
		switch {
		case it.kind == itemSub && sub == nil && div == nil:
			sub = it
		case it.kind == itemDiv && div == nil:
			div = it
		default:
			return fmt.Errorf("%w: %s: descent's preprocessing is one Sub then one Div", ErrUnsupported, nodeDesc(it.node))
		}
	}
	clip := i < len(items) && items[i].kind == itemClip && (sub != nil || div != nil)
	first := i
	if clip {
		first++
	}
	if first >= len(items) {
		return fmt.Errorf("%w: the graph has no layer (Gemm, MatMul, Conv, pooling or BatchNormalization)", ErrUnsupported)
	}
	switch items[first].kind {
	case itemDense, itemConv, itemPool, itemBatchNorm, itemShape, itemFlatten:
	default:
		return fmt.Errorf("%w: %s comes before the first layer", ErrUnsupported, nodeDesc(items[first].node))
	}
	// spatial says the value flowing is N×C×H×W, not a batch of rows.
	spatial := len(inShape) == 3
	if inShape == nil {
		w := firstWidth(items[first:])
		if w <= 0 {
			return fmt.Errorf("%w: the graph's input does not give its width, and %s does not tell it", ErrUnsupported, nodeDesc(items[first].node))
		}
		inShape = nn.Shape{w}
	}
	inputs := inShape.Size()
	m.Spec.Inputs = inputs
	if spatial {
		m.Spec.InputShape = inShape
	}
	if sub != nil || div != nil {
		s := &data.Scaler{Kind: data.Standard, Offset: make([]float64, inputs), Scale: make([]float64, inputs)}
		for j := range s.Scale {
			s.Scale[j] = 1
		}
		for _, p := range []struct {
			it  *item
			dst []float64
		}{{sub, s.Offset}, {div, s.Scale}} {
			if p.it == nil {
				continue
			}
			v, ok := p.it.vec.vector(inputs)
			// On images only a scalar broadcasts as descent's
			// per-feature scaler does.
			if !ok || (spatial && len(p.it.vec.values) != 1) {
				return fmt.Errorf("%w: %s: operand %q has shape %v, want [%d]", ErrUnsupported, nodeDesc(p.it.node), p.it.vec.name, p.it.vec.dims, inputs)
			}
			copy(p.dst, v)
		}
		m.Scaler = s
	}
	if clip {
		m.Scaler.Clip = items[i].clip
		i++
	}

	shape := inShape // the shape of one sample of the value flowing
	for ; i < len(items); i++ {
		it := items[i]
		// A layer's activation, when the next item is one.
		activ := func() activation.Spec {
			if i+1 < len(items) && items[i+1].kind == itemAct {
				i++
				return items[i].act
			}
			return activation.Spec{Name: activation.NameIdentity}
		}
		switch it.kind {
		case itemSub, itemDiv:
			return fmt.Errorf("%w: %s after the first layer; descent scales only the raw features", ErrUnsupported, nodeDesc(it.node))
		case itemAct:
			if moveBeforeMaxPool(m.Spec.Layers, it.act) {
				continue
			}
			if prev := len(m.Spec.Layers); prev > 0 {
				switch k := m.Spec.Layers[prev-1].KindName(); k {
				case nn.KindBatchNorm, nn.KindMaxPool2D, nn.KindAvgPool2D:
					return fmt.Errorf("%w: %s after a %s layer; descent applies activations only in dense and conv2d layers, before batch normalisation or pooling (export the model with batch norm folded into the convolution, torch.onnx.export's default in evaluation mode)", ErrUnsupported, nodeDesc(it.node), k)
				}
			}
			return fmt.Errorf("%w: %s directly after another activation", ErrUnsupported, nodeDesc(it.node))
		case itemClip:
			return fmt.Errorf("%w: %s: descent clips only the scaled features", ErrUnsupported, nodeDesc(it.node))
		case itemMul, itemAdd:
			return targetScaler(m, items[i:], shape.Size())
		case itemShape:
			target := nn.Shape(it.shape)
			switch {
			case spatial:
				if !slices.Equal(shape, target) {
					return fmt.Errorf("%w: %s reshapes images of shape %v to %v; descent keeps a layer's output shape", ErrUnsupported, nodeDesc(it.node), shape, target)
				}
			case len(m.Spec.Layers) == 0:
				if target.Size() != inputs {
					return fmt.Errorf("%s reshapes %d input values to %v, which holds %d", nodeDesc(it.node), inputs, target, target.Size())
				}
				m.Spec.InputShape = target
			case !slices.Equal(shape, target):
				return fmt.Errorf("%w: %s reshapes samples of shape %v to %v; descent reshapes only the input, or back to a spatial layer's own shape", ErrUnsupported, nodeDesc(it.node), shape, target)
			}
			shape, spatial = target, true
		case itemFlatten:
			if it.in > 0 && it.in != shape.Size() {
				return fmt.Errorf("%s reshapes samples of %d values to %d columns", nodeDesc(it.node), shape.Size(), it.in)
			}
			// Dense layers flatten what comes in; the shape stays
			// for the next layer's input.
			spatial = false
		case itemBatchNorm:
			width := shape.Size()
			if spatial {
				width = shape[0]
			} else if len(shape) > 1 {
				return fmt.Errorf("%w: %s normalises each of the %d flattened values of %v samples; descent's batchnorm normalises each channel of those", ErrUnsupported, nodeDesc(it.node), shape.Size(), shape)
			}
			if err := batchNormLayer(m, it, width); err != nil {
				return err
			}
		case itemConv, itemPool:
			if !spatial {
				return fmt.Errorf("%w: %s takes a batch of rows; descent's spatial layers take N×C×H×W images (reshape the input first)", ErrUnsupported, nodeDesc(it.node))
			}
			l := nn.LayerSpec{Kind: nn.KindAvgPool2D, Kernel: it.win.k, Stride: it.win.stride, Padding: it.win.pad}
			if it.kind == itemPool && it.max {
				l.Kind = nn.KindMaxPool2D
			}
			if it.kind == itemConv {
				if it.in != shape[0] {
					return fmt.Errorf("%s: weights for %d channels, the layer before gives %d", nodeDesc(it.node), it.in, shape[0])
				}
				l.Kind, l.Filters, l.NoBias = nn.KindConv2D, it.out, it.b == nil
				l.Activation = activ()
				l.Init = initializer.Default(l.Activation)
			}
			s := nn.Spec{Inputs: shape.Size(), InputShape: shape, Layers: []nn.LayerSpec{l}}
			out := s.OutShape()
			if out == nil {
				return fmt.Errorf("%w: %s: %w", ErrUnsupported, nodeDesc(it.node), s.Validate())
			}
			n := len(m.Spec.Layers) + 1
			m.Spec.Layers = append(m.Spec.Layers, l)
			if it.kind == itemConv {
				m.Params = append(m.Params, model.Tensor{Name: fmt.Sprintf("layer%d.weight", n), Rows: it.out, Cols: len(it.w) / it.out, Values: it.w})
				if it.b != nil {
					m.Params = append(m.Params, model.Tensor{Name: fmt.Sprintf("layer%d.bias", n), Rows: 1, Cols: it.out, Values: it.b})
				}
				if it.double {
					m.DType = model.Float64
				}
			}
			shape = out
		case itemDense:
			if spatial {
				return fmt.Errorf("%w: %s takes N×C×H×W images; descent's dense layers take rows (a Flatten first)", ErrUnsupported, nodeDesc(it.node))
			}
			if it.in != shape.Size() {
				return fmt.Errorf("%s: weights have %d rows, the layer before gives %d values", nodeDesc(it.node), it.in, shape.Size())
			}
			n := len(m.Spec.Layers) + 1
			ls := nn.LayerSpec{Units: it.out, NoBias: it.b == nil}
			ls.Activation = activ()
			ls.Init = initializer.Default(ls.Activation)
			m.Spec.Layers = append(m.Spec.Layers, ls)
			m.Params = append(m.Params, model.Tensor{Name: fmt.Sprintf("layer%d.weight", n), Rows: it.in, Cols: it.out, Values: it.w})
			if it.b != nil {
				m.Params = append(m.Params, model.Tensor{Name: fmt.Sprintf("layer%d.bias", n), Rows: 1, Cols: it.out, Values: it.b})
			}
			if it.double {
				m.DType = model.Float64
			}
			shape = nn.Shape{it.out}
		}
	}
	if len(m.Spec.Layers) == 0 {
		return fmt.Errorf("%w: the graph has no layer (Gemm, MatMul, Conv, pooling or BatchNormalization)", ErrUnsupported)
	}
	return nil
}

// moveBeforeMaxPool gives act to the convolution before the max pooling
// layers that end layers, when that convolution has no activation of its
// own and act is ReLU or leaky ReLU with a slope of at least 0: such an
// activation is monotone and piecewise linear, so act(max(window)) =
// max(act(window)) value for value, and relu(max_pool2d(conv(x))), as
// PyTorch's examples write it, is descent's conv with ReLU, then pooling.
// It reports whether it moved act.
func moveBeforeMaxPool(layers []nn.LayerSpec, act activation.Spec) bool {
	switch {
	case act.Name == activation.NameReLU:
	case act.Name == activation.NameLeakyReLU && act.Slope >= 0 && (act.Slope != 0 || act.SlopeSet):
		// A zero slope that is not set means the default one, which is
		// positive too, but the graph's LeakyRelu always says.
	default:
		return false
	}
	i := len(layers) - 1
	for i >= 0 && layers[i].KindName() == nn.KindMaxPool2D {
		i--
	}
	if i < 0 || i == len(layers)-1 || layers[i].KindName() != nn.KindConv2D || layers[i].Activation.Name != activation.NameIdentity {
		return false
	}
	layers[i].Activation = act
	layers[i].Init = initializer.Default(act)
	return true
}

// firstWidth returns the width of the input as the first layer's weights
// tell it, or 0 when they do not.
func firstWidth(items []item) int {
	for _, it := range items {
		switch it.kind {
		case itemFlatten:
			if it.in > 0 {
				return it.in
			}
			continue
		case itemDense:
			return it.in
		case itemBatchNorm:
			return len(it.bn[0].values)
		case itemShape:
			return nn.Shape(it.shape).Size()
		}
		return 0
	}
	return 0
}

// targetScaler reads the optional Mul then Add that end a regression graph
// and map its outputs back to the targets' units.
func targetScaler(m *model.Model, items []item, width int) error {
	s := &data.Scaler{Kind: data.Standard, Offset: make([]float64, width), Scale: make([]float64, width)}
	for j := range s.Scale {
		s.Scale[j] = 1
	}
	k := 0
	for _, p := range []struct {
		kind itemKind
		dst  []float64
	}{{itemMul, s.Scale}, {itemAdd, s.Offset}} {
		if k < len(items) && items[k].kind == p.kind {
			v, ok := items[k].vec.vector(width)
			if !ok {
				return fmt.Errorf("%w: %s: operand %q has shape %v, want [%d]", ErrUnsupported, nodeDesc(items[k].node), items[k].vec.name, items[k].vec.dims, width)
			}
			copy(p.dst, v)
			k++
		}
	}
	if k < len(items) {
		return fmt.Errorf("%w: %s after the output's Mul and Add; descent maps outputs back to the targets' units with one Mul then one Add", ErrUnsupported, nodeDesc(items[k].node))
	}
	for j, v := range s.Scale {
		if v == 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %s: output scale %d is %v", ErrUnsupported, nodeDesc(items[0].node), j, v)
		}
	}
	m.TargetScaler = s
	return nil
}

// reconcile copies from the metadata what the graph cannot hold, where it
// agrees with what the graph says.
func reconcile(m *model.Model, md *metadata) {
	m.ClassNames, m.FeatureNames, m.Schema = md.ClassNames, md.FeatureNames, md.Schema
	m.Training, m.Metrics, m.Created = md.Training, md.Metrics, md.Created
	if index, ok := sameArchitecture(m.Spec, md.Spec); ok {
		m.Spec = md.Spec
		renumber(m, index)
	}
	switch {
	case md.Scaler == nil:
	case m.Scaler == nil:
		if len(md.Scaler.Scale) == 0 {
			m.Scaler = md.Scaler // a "none" scaler has no nodes
		}
	case roundsTo(md.Scaler.Offset, m.Scaler.Offset) && roundsTo(md.Scaler.Scale, m.Scaler.Scale):
		m.Scaler = md.Scaler // the exact float64 values behind the graph's
	default:
		m.Scaler.Kind = md.Scaler.Kind
	}
	if t, g := md.TargetScaler, m.TargetScaler; t != nil && g != nil && roundsTo(t.Offset, g.Offset) && roundsTo(t.Scale, g.Scale) {
		m.TargetScaler = t
	}
}

// sameArchitecture reports whether the metadata's spec describes the
// graph's network: the same layers, units, biases and activations (a
// leaky ReLU's slope equal in float32, the precision of the graph), the
// same windows, and dropout layers (the identity at inference, so not in
// the graph) anywhere. It returns, for each of the graph's layers, the
// index of the metadata's.
func sameArchitecture(graph, md nn.Spec) ([]int, bool) {
	if graph.Inputs != md.Inputs || (len(graph.InputShape) > 0 && !slices.Equal(graph.InputShape, md.InputShape)) {
		return nil, false
	}
	var index []int
	for j, l := range md.Layers {
		if l.KindName() != nn.KindDropout {
			index = append(index, j)
		}
	}
	if len(index) != len(graph.Layers) {
		return nil, false
	}
	for i, g := range graph.Layers {
		l := md.Layers[index[i]]
		if g.KindName() != l.KindName() {
			return nil, false
		}
		switch g.KindName() {
		case nn.KindBatchNorm:
			continue
		case nn.KindMaxPool2D, nn.KindAvgPool2D:
			stride := l.Stride
			if stride == 0 {
				stride = l.Kernel
			}
			if g.Kernel != l.Kernel || g.Stride != stride || g.Padding != l.Padding {
				return nil, false
			}
			continue
		case nn.KindConv2D:
			if g.Filters != l.Filters || g.Kernel != l.Kernel || g.Stride != max(l.Stride, 1) || g.Padding != l.Padding {
				return nil, false
			}
		default:
			if g.Units != l.Units {
				return nil, false
			}
		}
		// An empty activation means the kind's default, ReLU for a
		// convolution; for a dense layer the old reader wanted it
		// written out, and so does this one.
		act := l.Activation.Name
		if act == "" && g.KindName() == nn.KindConv2D {
			act = activation.NameReLU
		}
		if g.NoBias != l.NoBias || g.Activation.Name != act || l.Init.Validate() != nil {
			return nil, false
		}
		slope := l.Activation.Slope
		if slope == 0 {
			slope = activation.DefaultLeakySlope
		}
		if g.Activation.Name == activation.NameLeakyReLU && float32(slope) != float32(g.Activation.Slope) {
			return nil, false
		}
	}
	return index, true
}

// renumber renames the parameters and buffers of the graph's layer i,
// "layer{i+1}.*", to those of the metadata's layer index[i], which
// counts the dropout layers the graph leaves out.
func renumber(m *model.Model, index []int) {
	rename := func(ts []model.Tensor) {
		for k := range ts {
			for i, j := range index {
				if prefix := fmt.Sprintf("layer%d.", i+1); strings.HasPrefix(ts[k].Name, prefix) {
					ts[k].Name = fmt.Sprintf("layer%d.%s", j+1, ts[k].Name[len(prefix):])
					break
				}
			}
		}
	}
	rename(m.Params)
	rename(m.Buffers)
}

// roundsTo reports whether exact rounds to the float32 values in graph.
func roundsTo(exact, graph []float64) bool {
	if len(exact) != len(graph) {
		return false
	}
	for i, v := range exact {
		if float64(float32(v)) != graph[i] {
			return false
		}
	}
	return true
}
