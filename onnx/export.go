package onnx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"

	"google.golang.org/protobuf/proto"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/atomicfile"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// The opsets Marshal can write. 13 is the first whose Softmax works on
// the last axis alone; 21 is the newest whose operators descent's
// network uses differently from 20 in no way it relies on.
const (
	// DefaultOpset is the opset written when Options.Opset is 0: old
	// enough for every maintained runtime (ONNX Runtime 1.12 and later),
	// so GELU is written as its exact expansion.
	DefaultOpset = 17
	// MinOpset and MaxOpset bound Options.Opset.
	MinOpset = 13
	MaxOpset = 21
	// geluOpset is the first opset with a Gelu operator.
	geluOpset = 20
)

// Default names of the graph's input and output.
const (
	DefaultInputName  = "features"
	DefaultOutputName = "predictions"
)

// Options tunes Marshal; the zero value gives the defaults.
type Options struct {
	// Opset is the ai.onnx operator set version, MinOpset to MaxOpset;
	// 0 means DefaultOpset. From 20 on, GELU is written as the Gelu
	// operator, before as x·0.5·(1+Erf(x/√2)).
	Opset int
	// InputName and OutputName name the graph's input (raw features,
	// batch×inputs) and output (batch×outputs); empty means
	// DefaultInputName and DefaultOutputName.
	InputName, OutputName string
}

// producerName is written into every file, as ONNX asks of producers.
const producerName = "descent"

// Marshal returns m as an ONNX model (see the package documentation for
// what the graph holds). The graph computes in float32: a float32 model's
// weights are written exactly, a float64 model's are rounded to the
// nearest float32, as is the scaler's offset and scale (whose exact
// values go into the metadata).
func Marshal(m *model.Model, opts Options) ([]byte, error) {
	mp, err := build(m, opts)
	if err != nil {
		return nil, err
	}
	// Deterministic so that the same model always gives the same bytes.
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(mp)
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	return b, nil
}

// Encode writes m to w as an ONNX model; see Marshal.
func Encode(w io.Writer, m *model.Model, opts Options) error {
	b, err := Marshal(m, opts)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	return nil
}

// Save writes m as an ONNX model to the file at path; see Marshal. A
// failed save leaves any earlier file at path as it was.
func Save(path string, m *model.Model, opts Options) error {
	b, err := Marshal(m, opts)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return fmt.Errorf("onnx: %w", err)
	}
	return nil
}

// irVersion returns the IR version that goes with an opset, as ONNX's
// version table lists them.
func irVersion(opset int) int64 {
	switch {
	case opset >= 21:
		return 10
	case opset >= 19:
		return 9
	case opset >= 17:
		return 8
	}
	return 7
}

// graphBuilder collects the nodes and initializers of the graph.
type graphBuilder struct {
	g      *onnxpb.GraphProto
	consts map[string]bool // scalar constants already added
}

func (b *graphBuilder) node(op, name string, inputs []string, output string, attrs ...*onnxpb.AttributeProto) {
	b.g.Node = append(b.g.Node, &onnxpb.NodeProto{OpType: op, Name: name, Input: inputs, Output: []string{output}, Attribute: attrs})
}

func (b *graphBuilder) initializer(name string, dims []int64, values []float32) {
	b.g.Initializer = append(b.g.Initializer, floatTensor(name, dims, values))
}

// scalar adds a float32 scalar initializer once and returns its name.
func (b *graphBuilder) scalar(name string, v float32) string {
	if !b.consts[name] {
		b.consts[name] = true
		b.initializer(name, nil, []float32{v})
	}
	return name
}

func build(m *model.Model, opts Options) (*onnxpb.ModelProto, error) {
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("onnx: cannot export: %w", err)
	}
	opset := opts.Opset
	if opset == 0 {
		opset = DefaultOpset
	}
	if opset < MinOpset || opset > MaxOpset {
		return nil, fmt.Errorf("onnx: opset %d is not supported (%d to %d)", opset, MinOpset, MaxOpset)
	}
	inName, outName := opts.InputName, opts.OutputName
	if inName == "" {
		inName = DefaultInputName
	}
	if outName == "" {
		outName = DefaultOutputName
	}
	if inName == outName {
		return nil, fmt.Errorf("onnx: input and output are both named %q", inName)
	}
	link, err := m.Link()
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}
	meta, err := json.Marshal(metadataOf(m))
	if err != nil {
		return nil, fmt.Errorf("onnx: %w", err)
	}

	b := &graphBuilder{g: &onnxpb.GraphProto{Name: "descent"}, consts: map[string]bool{}}
	cur := inName
	// Each step computes one value; the steps are collected first so that
	// the last one can write the graph output directly.
	var steps []step
	add := func(out string, emit func(in, out string)) { steps = append(steps, step{out, emit}) }

	if s := m.Scaler; s != nil && len(s.Scale) > 0 {
		n := int64(len(s.Scale))
		b.initializer("scaler.offset", []int64{n}, toFloat32(s.Offset))
		b.initializer("scaler.scale", []int64{n}, toFloat32(s.Scale))
		add("scaler.centred", func(in, out string) {
			b.node("Sub", "scaler.sub", []string{in, "scaler.offset"}, out)
		})
		add("scaler.scaled", func(in, out string) {
			b.node("Div", "scaler.div", []string{in, "scaler.scale"}, out)
		})
		if s.Clip > 0 {
			// z / sqrt(1 + (z/clip)²), the smooth clipping of
			// data.SmoothClip, in the node order the importer reads.
			clip, one := b.scalar("scaler.clip", float32(s.Clip)), b.scalar("const.one", 1)
			add("scaler.clipped", func(in, out string) {
				b.node("Div", "scaler.clip.ratio", []string{in, clip}, "scaler.clip.r")
				b.node("Mul", "scaler.clip.square", []string{"scaler.clip.r", "scaler.clip.r"}, "scaler.clip.r2")
				b.node("Add", "scaler.clip.add", []string{"scaler.clip.r2", one}, "scaler.clip.d")
				b.node("Sqrt", "scaler.clip.sqrt", []string{"scaler.clip.d"}, "scaler.clip.s")
				b.node("Div", "scaler.clip.div", []string{in, "scaler.clip.s"}, out)
			})
		}
	}
	p := 0 // index into m.Params
	in := m.Spec.Inputs
	// The graph's input is flat, batch×inputs, as a CSV row is; the
	// value flowing through is N×C×H×W from the first spatial layer on
	// (spatial set), and flat again from the next dense layer.
	shape, spatial := nn.Spec{Inputs: m.Spec.Inputs, InputShape: m.Spec.InputShape}.InShape(), false
	flatten := func(prefix string) {
		if spatial {
			spatial = false
			add(prefix+".flat", func(in, out string) {
				b.node("Flatten", prefix+".flatten", []string{in}, out, newIntAttr("axis", 1))
			})
		}
	}
	for i, l := range m.Spec.Layers {
		layer := fmt.Sprintf("layer%d", i+1)
		switch l.KindName() {
		case nn.KindDense:
			flatten(layer)
		case nn.KindDropout:
			continue // the identity at inference, as PyTorch exports it
		case nn.KindBatchNorm:
			spatial = b.batchNorm(m, layer, shape, p, spatial, add)
			p += 2 // γ and β
			continue
		case nn.KindConv2D, nn.KindMaxPool2D, nn.KindAvgPool2D:
			if !spatial {
				spatial = true
				b.int64Initializer(layer+".shape", []int64{4}, []int64{-1, int64(shape[0]), int64(shape[1]), int64(shape[2])})
				add(layer+".nchw", func(in, out string) {
					b.node("Reshape", layer+".reshape", []string{in, layer + ".shape"}, out)
				})
			}
			var err error
			if p, shape, err = b.spatial(m, l, layer, shape, p, opset, add); err != nil {
				return nil, err
			}
			in = shape.Size()
			continue
		default:
			return nil, fmt.Errorf("onnx: layer %d is %s; export knows dense, dropout, batchnorm, conv2d, maxpool2d and avgpool2d layers", i+1, l.KindName())
		}
		w := m.Params[p]
		p++
		b.initializer(w.Name, []int64{int64(in), int64(l.Units)}, toFloat32(w.Values))
		inputs := []string{"", w.Name}
		if !l.NoBias {
			bias := m.Params[p]
			p++
			b.initializer(bias.Name, []int64{int64(l.Units)}, toFloat32(bias.Values))
			inputs = append(inputs, bias.Name)
		}
		add(layer+".z", func(in, out string) {
			inputs[0] = in
			b.node("Gemm", layer+".gemm", inputs, out)
		})
		if l.Activation.Name != activation.NameIdentity {
			act := l.Activation
			add(layer+".a", func(in, out string) { b.activation(act, layer, opset, in, out) })
		}
		in = l.Units
		shape = nn.Shape{l.Units}
	}
	flatten("output")
	if link.Name != activation.NameIdentity {
		add("link", func(in, out string) { b.activation(link, "link", opset, in, out) })
	}
	if t := m.TargetScaler; t != nil && len(t.Scale) > 0 {
		// Back to the targets' units: y·scale + offset.
		n := int64(len(t.Scale))
		b.initializer("target.scale", []int64{n}, toFloat32(t.Scale))
		b.initializer("target.offset", []int64{n}, toFloat32(t.Offset))
		add("target.scaled", func(in, out string) {
			b.node("Mul", "target.mul", []string{in, "target.scale"}, out)
		})
		add("target.shifted", func(in, out string) {
			b.node("Add", "target.add", []string{in, "target.offset"}, out)
		})
	}
	for i, s := range steps {
		out := s.out
		if i == len(steps)-1 {
			out = outName
		}
		s.emit(cur, out)
		cur = out
	}
	if err := b.checkNames(inName); err != nil {
		return nil, err
	}

	b.g.Input = []*onnxpb.ValueInfoProto{valueInfo(inName, int64(m.Spec.Inputs))}
	b.g.Output = []*onnxpb.ValueInfoProto{valueInfo(outName, int64(m.Spec.Outputs()))}
	return &onnxpb.ModelProto{
		IrVersion:     irVersion(opset),
		OpsetImport:   []*onnxpb.OperatorSetIdProto{{Domain: "", Version: int64(opset)}},
		ProducerName:  producerName,
		DocString:     docString(m, link),
		Graph:         b.g,
		MetadataProps: []*onnxpb.StringStringEntryProto{{Key: MetadataKey, Value: string(meta)}},
	}, nil
}

// spatial adds the nodes of a conv2d, maxpool2d or avgpool2d layer l
// whose input has shape in (channels×height×width), taking its
// parameters from m.Params[p:]; it returns the next parameter's index and
// the layer's output shape.
func (b *graphBuilder) spatial(m *model.Model, l nn.LayerSpec, layer string, in nn.Shape, p, opset int, add func(string, func(in, out string))) (int, nn.Shape, error) {
	s := nn.Spec{Inputs: in.Size(), InputShape: in, Layers: []nn.LayerSpec{l}}
	out := s.OutShape()
	if out == nil {
		return p, nil, fmt.Errorf("onnx: %s: %w", layer, s.Validate())
	}
	k, st, pad := int64(l.Kernel), int64(l.Stride), int64(l.Padding)
	window := []*onnxpb.AttributeProto{
		newIntsAttr("kernel_shape", k, k), newIntsAttr("strides", st, st), newIntsAttr("pads", pad, pad, pad, pad),
	}
	switch l.KindName() {
	case nn.KindMaxPool2D:
		add(layer+".pool", func(x, y string) { b.node("MaxPool", layer+".maxpool", []string{x}, y, window...) })
		return p, out, nil
	case nn.KindAvgPool2D:
		// Padding counts as zeros, as in descent and PyTorch.
		attrs := append(window, newIntAttr("count_include_pad", 1))
		add(layer+".pool", func(x, y string) { b.node("AveragePool", layer+".avgpool", []string{x}, y, attrs...) })
		return p, out, nil
	}
	// The weight is Filters×(C·K·K), which is ONNX's F×C×K×K in order.
	w := m.Params[p]
	p++
	b.initializer(w.Name, []int64{int64(l.Filters), int64(in[0]), k, k}, toFloat32(w.Values))
	inputs := []string{"", w.Name}
	if !l.NoBias {
		bias := m.Params[p]
		p++
		b.initializer(bias.Name, []int64{int64(l.Filters)}, toFloat32(bias.Values))
		inputs = append(inputs, bias.Name)
	}
	add(layer+".z", func(x, y string) {
		inputs[0] = x
		b.node("Conv", layer+".conv", inputs, y, window...)
	})
	if l.Activation.Name != activation.NameIdentity {
		act := l.Activation
		add(layer+".a", func(x, y string) { b.activation(act, layer, opset, x, y) })
	}
	return p, out, nil
}

// int64Initializer adds an int64 tensor, such as Reshape's shape.
func (b *graphBuilder) int64Initializer(name string, dims []int64, values []int64) {
	b.g.Initializer = append(b.g.Initializer, &onnxpb.TensorProto{Name: name, Dims: dims, DataType: int32(onnxpb.TensorProto_INT64), Int64Data: values})
}

// step is one value of the graph and how to compute it from the one
// before.
type step struct {
	out  string
	emit func(in, out string)
}

// checkNames refuses a graph in which a chosen input or output name
// clashes with a name descent uses inside it.
func (b *graphBuilder) checkNames(input string) error {
	seen := map[string]bool{input: true}
	for _, t := range b.g.Initializer {
		if seen[t.Name] {
			return fmt.Errorf("onnx: the name %q is used twice in the graph; choose another input or output name", t.Name)
		}
		seen[t.Name] = true
	}
	for _, n := range b.g.Node {
		for _, o := range n.Output {
			if seen[o] {
				return fmt.Errorf("onnx: the name %q is used twice in the graph; choose another input or output name", o)
			}
			seen[o] = true
		}
	}
	return nil
}

// activation appends the nodes computing f(in) into out.
func (b *graphBuilder) activation(f activation.Spec, prefix string, opset int, in, out string) {
	name := prefix + "." + f.Name
	switch f.Name {
	case activation.NameSigmoid, "":
		b.node("Sigmoid", prefix+".sigmoid", []string{in}, out)
	case activation.NameTanh:
		b.node("Tanh", name, []string{in}, out)
	case activation.NameReLU:
		b.node("Relu", name, []string{in}, out)
	case activation.NameLeakyReLU:
		slope := f.Slope
		if slope == 0 && !f.SlopeSet {
			slope = activation.DefaultLeakySlope
		}
		b.node("LeakyRelu", name, []string{in}, out, newFloatAttr("alpha", float32(slope)))
	case activation.NameSoftmax:
		b.node("Softmax", name, []string{in}, out, newIntAttr("axis", -1))
	case activation.NameSoftplus:
		b.node("Softplus", name, []string{in}, out)
	case activation.NameGELU:
		if opset >= geluOpset {
			b.node("Gelu", name, []string{in}, out, newStringAttr("approximate", "none"))
			return
		}
		// The exact erf form, in the order PyTorch writes it, which
		// Unmarshal recognises: x·0.5·(1+Erf(x/√2)).
		b.node("Div", name+".div", []string{in, b.scalar("gelu.sqrt2", math.Sqrt2)}, name+".scaled")
		b.node("Erf", name+".erf", []string{name + ".scaled"}, name+".erf")
		b.node("Add", name+".add", []string{name + ".erf", b.scalar("gelu.one", 1)}, name+".cdf2")
		b.node("Mul", name+".mul", []string{in, name + ".cdf2"}, name+".xcdf2")
		b.node("Mul", name+".half", []string{name + ".xcdf2", b.scalar("gelu.half", 0.5)}, out)
	default:
		// Validate has accepted every name above; identity never gets
		// here.
		panic("onnx: unknown activation " + f.Name)
	}
}

func docString(m *model.Model, link activation.Spec) string {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "descent model: %d inputs, %d layers, loss %s", m.Spec.Inputs, len(m.Spec.Layers), m.Loss)
	if m.Task != "" {
		fmt.Fprintf(&buf, ", %s", m.Task)
	}
	if m.Scaler != nil && len(m.Scaler.Scale) > 0 {
		fmt.Fprintf(&buf, "; takes raw features (%s scaling included)", m.Scaler.Kind)
	}
	if link.Name != activation.NameIdentity {
		fmt.Fprintf(&buf, "; outputs are probabilities (%s applied)", link.Name)
	}
	return buf.String()
}

func valueInfo(name string, cols int64) *onnxpb.ValueInfoProto {
	return &onnxpb.ValueInfoProto{
		Name: name,
		Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{TensorType: &onnxpb.TypeProto_Tensor{
			ElemType: int32(onnxpb.TensorProto_FLOAT),
			Shape: &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{
				{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: "batch"}},
				{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: cols}},
			}},
		}}},
	}
}

func floatTensor(name string, dims []int64, values []float32) *onnxpb.TensorProto {
	raw := make([]byte, 0, 4*len(values))
	for _, v := range values {
		raw = appendFloat32(raw, v)
	}
	return &onnxpb.TensorProto{Name: name, Dims: dims, DataType: int32(onnxpb.TensorProto_FLOAT), RawData: raw}
}

func appendFloat32(b []byte, v float32) []byte {
	u := math.Float32bits(v)
	return append(b, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
}

func toFloat32(vs []float64) []float32 {
	out := make([]float32, len(vs))
	for i, v := range vs {
		out[i] = float32(v)
	}
	return out
}

func newFloatAttr(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_FLOAT, F: v}
}

func newIntAttr(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_INT, I: v}
}

func newIntsAttr(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_INTS, Ints: v}
}

func newStringAttr(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: name, Type: onnxpb.AttributeType_STRING, S: []byte(v)}
}
