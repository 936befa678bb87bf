package nn_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/gradcheck"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// This file is the layer conformance suite, as gonum's testblas is for
// every BLAS: each layer kind in the registry (nn.Kinds) must appear in
// layerCases, and each case must pass every check in TestLayerConformance.
// Adding a kind means adding its cases here.

// layerCase is one configuration of a layer kind.
type layerCase struct {
	name string
	spec nn.LayerSpec
	in   nn.Shape
}

func act(name string) activation.Spec { return activation.Spec{Name: name} }

var layerCases = []layerCase{
	{"dense sigmoid", nn.LayerSpec{Units: 3}, nn.Shape{4}},
	{"dense relu no bias", nn.LayerSpec{Units: 2, Activation: act(activation.NameReLU), NoBias: true}, nn.Shape{5}},
	{"dense tanh", nn.LayerSpec{Kind: nn.KindDense, Units: 4, Activation: act(activation.NameTanh)}, nn.Shape{3}},
	{"dense identity", nn.LayerSpec{Units: 3, Activation: act(activation.NameIdentity)}, nn.Shape{4}},
	{"dense leaky relu", nn.LayerSpec{Units: 3, Activation: act(activation.NameLeakyReLU)}, nn.Shape{4}},
	{"dense softmax", nn.LayerSpec{Units: 4, Activation: act(activation.NameSoftmax)}, nn.Shape{3}},
	{"dense gelu", nn.LayerSpec{Units: 3, Activation: act(activation.NameGELU)}, nn.Shape{2}},
	{"dense softplus", nn.LayerSpec{Units: 2, Activation: act(activation.NameSoftplus)}, nn.Shape{3}},
	// A dense layer after a spatial one flattens its input.
	{"dense on 2×2×2", nn.LayerSpec{Units: 3, Activation: act(activation.NameTanh)}, nn.Shape{2, 2, 2}},
	// Large enough for the general path (kernel.IsSmall refuses it).
	{"dense wide", nn.LayerSpec{Units: 70, Activation: act(activation.NameReLU)}, nn.Shape{90}},
	{"dropout 0.5", nn.LayerSpec{Kind: nn.KindDropout, Rate: 0.5}, nn.Shape{6}},
	{"dropout 0.2 on 2×3", nn.LayerSpec{Kind: nn.KindDropout, Rate: 0.2}, nn.Shape{2, 3}},
	{"dropout 0", nn.LayerSpec{Kind: nn.KindDropout}, nn.Shape{4}},
	{"conv2d 3×3", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 3}, nn.Shape{2, 5, 4}},
	{"conv2d stride 2 pad 1 tanh", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 3, Kernel: 3, Stride: 2, Padding: 1, Activation: act(activation.NameTanh)}, nn.Shape{1, 6, 5}},
	{"conv2d 1×1 identity no bias", nn.LayerSpec{Kind: nn.KindConv2D, Filters: 2, Kernel: 1, Activation: act(activation.NameIdentity), NoBias: true}, nn.Shape{3, 2, 3}},
	{"maxpool2d 2", nn.LayerSpec{Kind: nn.KindMaxPool2D, Kernel: 2}, nn.Shape{2, 4, 5}},
	{"maxpool2d 3 stride 2 pad 1", nn.LayerSpec{Kind: nn.KindMaxPool2D, Kernel: 3, Stride: 2, Padding: 1}, nn.Shape{1, 5, 5}},
	{"avgpool2d 2", nn.LayerSpec{Kind: nn.KindAvgPool2D, Kernel: 2}, nn.Shape{2, 4, 4}},
	{"avgpool2d 3 stride 1 pad 1", nn.LayerSpec{Kind: nn.KindAvgPool2D, Kernel: 3, Stride: 1, Padding: 1}, nn.Shape{1, 4, 3}},
	{"batchnorm", nn.LayerSpec{Kind: nn.KindBatchNorm}, nn.Shape{4}},
	// Per channel over the positions, as BatchNorm2d.
	{"batchnorm on 2×2×3", nn.LayerSpec{Kind: nn.KindBatchNorm}, nn.Shape{2, 2, 3}},
}

// batches are the batch sizes each check runs: one sample takes Dense's
// short cut, several the general path.
var batches = []int{1, 5}

func randomMatrix[T tensor.Float](rng *rand.Rand, rows, cols int) *tensor.Matrix[T] {
	m := tensor.New[T](rows, cols)
	for i := range m.Data {
		m.Data[i] = T(2*rng.Float64() - 1)
	}
	return m
}

func buildCase[T tensor.Float](t *testing.T, c layerCase, seed uint64) nn.Layer[T] {
	t.Helper()
	l, err := nn.Build[T](c.spec, c.in, rand.New(rand.NewPCG(seed, 7)))
	if err != nil {
		t.Fatalf("Build(%+v, %v): %v", c.spec, c.in, err)
	}
	// A random layer repeats its draws, so that every check sees one
	// function (a new batch shape still draws).
	if r, ok := l.(nn.Randomized); ok {
		r.FixRandom(true)
	}
	// Random biases too, so that a gradient check sees them matter.
	rng := rand.New(rand.NewPCG(seed, 8))
	for _, p := range l.Params() {
		if p.Value.Rows == 1 {
			for i := range p.Value.Data {
				p.Value.Data[i] = T(rng.Float64() - 0.5)
			}
		}
	}
	return l
}

// TestEveryKindHasCases keeps the suite honest: a kind in the registry
// without a case here would pass by not being tested.
func TestEveryKindHasCases(t *testing.T) {
	for _, k := range nn.Kinds() {
		found := false
		for _, c := range layerCases {
			found = found || c.spec.KindName() == k
		}
		if !found {
			t.Errorf("layer kind %q has no case in layerCases", k)
		}
	}
}

func TestLayerConformance(t *testing.T) {
	for _, c := range layerCases {
		t.Run(c.name, func(t *testing.T) {
			t.Run("gradient", func(t *testing.T) { checkGradient(t, c) })
			t.Run("spec", func(t *testing.T) { checkSpec(t, c) })
			t.Run("clone", func(t *testing.T) { checkClone(t, c) })
			t.Run("save", func(t *testing.T) { checkSave(t, c) })
			t.Run("float32", func(t *testing.T) { checkFloat32(t, c) })
			t.Run("allocs", func(t *testing.T) { checkAllocs(t, c) })
		})
	}
}

// checkGradient compares the analytic gradients of the inputs and every
// parameter with central finite differences, in float64.
func checkGradient(t *testing.T, c layerCase) {
	for _, batch := range batches {
		// Both modes: they differ for Moded layers.
		for _, training := range []bool{true, false} {
			l := buildCase[float64](t, c, 1)
			net := nn.FromLayers(l)
			net.SetTraining(training)
			rng := rand.New(rand.NewPCG(2, uint64(batch)))
			x := randomMatrix[float64](rng, batch, c.in.Size())
			y := randomMatrix[float64](rng, batch, l.OutShape().Size())
			rep := gradcheck.Check(net, loss.MSE[float64]{}, x, y, gradcheck.Options{Inputs: true})
			if !rep.OK() {
				t.Errorf("batch %d, training %v: gradient check failed:\n%s", batch, training, rep)
			}
			if want := len(l.Params()) + 1; len(rep.Results) != want {
				t.Errorf("batch %d: checked %d tensors, want %d", batch, len(rep.Results), want)
			}
		}
	}
}

// checkSpec builds the layer again from its Spec and from the Spec's JSON,
// and wants the same kind, settings, shapes and parameter layout.
func checkSpec(t *testing.T, c layerCase) {
	l := buildCase[float64](t, c, 1)
	spec := l.Spec()
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON nn.LayerSpec
	if err := json.Unmarshal(b, &fromJSON); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	for _, s := range []nn.LayerSpec{spec, fromJSON} {
		r, err := nn.Build[float64](s, l.InShape(), rand.New(rand.NewPCG(3, 3)))
		if err != nil {
			t.Fatalf("Build(%+v): %v", s, err)
		}
		if !reflect.DeepEqual(r.Spec(), spec) {
			t.Errorf("rebuilt layer's Spec %+v, want %+v", r.Spec(), spec)
		}
		if !r.InShape().Equal(l.InShape()) || !r.OutShape().Equal(l.OutShape()) {
			t.Errorf("rebuilt layer is %v → %v, want %v → %v", r.InShape(), r.OutShape(), l.InShape(), l.OutShape())
		}
		if got, want := paramShapes(r), paramShapes(l); got != want {
			t.Errorf("rebuilt layer's parameters %s, want %s", got, want)
		}
	}
	if !l.InShape().Equal(c.in) {
		t.Errorf("InShape %v, want %v", l.InShape(), c.in)
	}
	// The spec's own arithmetic agrees with the built layer.
	ns := nn.Spec{Inputs: c.in.Size(), InputShape: c.in, Layers: []nn.LayerSpec{c.spec}}
	if got, want := ns.Outputs(), l.OutShape().Size(); got != want {
		t.Errorf("Spec.Outputs %d, the built layer's %d", got, want)
	}
	n := 0
	for _, p := range l.Params() {
		n += len(p.Value.Data)
	}
	if got := ns.NumParams(); got != n {
		t.Errorf("Spec.NumParams %d, the built layer has %d", got, n)
	}
}

func paramShapes[T tensor.Float](l nn.Layer[T]) string {
	s := ""
	for _, p := range l.Params() {
		s += fmt.Sprintf("%s %d×%d; ", p.Name, p.Value.Rows, p.Value.Cols)
	}
	return s
}

// checkClone wants a clone that computes the same bits and shares nothing:
// training the clone leaves the original's parameters and output alone.
func checkClone(t *testing.T, c layerCase) {
	l := buildCase[float64](t, c, 1)
	rng := rand.New(rand.NewPCG(4, 4))
	x := randomMatrix[float64](rng, 3, c.in.Size())
	want := l.Forward(x).Clone()
	before := snapshot(l)
	cl := l.Clone()
	if got := cl.Forward(x); !sameSlices(got.Data, want.Data) {
		t.Fatalf("the clone's output %v differs from the original's %v", got.Data, want.Data)
	}
	if !reflect.DeepEqual(cl.Spec(), l.Spec()) {
		t.Errorf("the clone's Spec %+v, want %+v", cl.Spec(), l.Spec())
	}
	if got, want := paramShapes(cl), paramShapes(l); got != want {
		t.Errorf("the clone's parameters %s, want %s", got, want)
	}
	net := nn.FromLayers(cl)
	for range 3 {
		net.Step(loss.MSE[float64]{}, x, randomMatrix[float64](rng, 3, cl.OutShape().Size()), 0.5)
	}
	for i, p := range l.Params() {
		if !sameSlices(p.Value.Data, before[i]) {
			t.Errorf("training the clone changed the original's %s", p.Name)
		}
	}
	if got := l.Forward(x); !sameSlices(got.Data, want.Data) {
		t.Errorf("after the clone trained, the original's output %v, want %v", got.Data, want.Data)
	}
}

func snapshot[T tensor.Float](l nn.Layer[T]) [][]T {
	var s [][]T
	for _, p := range l.Params() {
		s = append(s, append([]T(nil), p.Value.Data...))
	}
	return s
}

func sameSlices[T tensor.Float](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(float64(a[i])) != math.Float64bits(float64(b[i])) {
			return false
		}
	}
	return true
}

// checkSave saves a one-layer network through package model in both
// formats and wants the loaded network to compute the same bits.
func checkSave(t *testing.T, c layerCase) {
	spec := nn.Spec{Inputs: c.in.Size(), InputShape: c.in, Layers: []nn.LayerSpec{c.spec}}
	net, err := nn.New[float64](spec, rand.New(rand.NewPCG(5, 5)))
	if err != nil {
		t.Fatal(err)
	}
	x := randomMatrix[float64](rand.New(rand.NewPCG(5, 6)), 4, c.in.Size())
	// A training pass first moves any saved state (running statistics)
	// away from its start, so that the load must restore it.
	net.Forward(x)
	net.SetTraining(false)
	want := net.Forward(x).Clone()
	m, err := model.FromNetwork(net, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []model.Format{model.JSON, model.Binary} {
		var buf bytes.Buffer
		if err := model.Encode(&buf, m, f); err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		back, err := model.Decode(&buf, "layer")
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		if !reflect.DeepEqual(back.Spec, net.Spec()) {
			t.Errorf("%v: loaded spec %+v, want %+v", f, back.Spec, net.Spec())
		}
		got, err := model.Network[float64](back)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		got.SetTraining(false)
		if out := got.Forward(x); !sameSlices(out.Data, want.Data) {
			t.Errorf("%v: loaded network's output %v, want %v", f, out.Data, want.Data)
		}
	}
}

// checkFloat32 runs the same layer in float32 and float64 from the same
// weights and wants outputs and gradients to agree to float32's precision.
func checkFloat32(t *testing.T, c layerCase) {
	for _, batch := range batches {
		l64 := buildCase[float64](t, c, 6)
		l32 := buildCase[float32](t, c, 6)
		for i, p := range l64.Params() {
			for j, v := range p.Value.Data {
				l32.Params()[i].Value.Data[j] = float32(v)
			}
		}
		rng := rand.New(rand.NewPCG(6, uint64(batch)))
		x64 := randomMatrix[float64](rng, batch, c.in.Size())
		g64 := randomMatrix[float64](rng, batch, l64.OutShape().Size())
		x32, g32 := convert(x64), convert(g64)
		for _, p := range append(l64.Params(), nil) {
			if p != nil {
				p.Grad.Zero()
			}
		}
		for _, p := range l32.Params() {
			p.Grad.Zero()
		}
		close32(t, "output", l32.Forward(x32).Data, l64.Forward(x64).Data)
		close32(t, "input gradient", l32.Backward(g32, true).Data, l64.Backward(g64, true).Data)
		for i, p := range l64.Params() {
			close32(t, p.Name+" gradient", l32.Params()[i].Grad.Data, p.Grad.Data)
		}
	}
}

func convert(m *tensor.Matrix[float64]) *tensor.Matrix[float32] {
	c := tensor.New[float32](m.Rows, m.Cols)
	for i, v := range m.Data {
		c.Data[i] = float32(v)
	}
	return c
}

func close32(t *testing.T, what string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values in float32, %d in float64", what, len(got), len(want))
	}
	for i, w := range want {
		// float32 keeps about 7 digits; a few roundings per value stay
		// well inside 1e-5 of the largest magnitude involved.
		if d := math.Abs(float64(got[i]) - w); d > 1e-5*math.Max(1, math.Abs(w)) {
			t.Errorf("%s[%d]: float32 %v, float64 %v", what, i, got[i], w)
			return
		}
	}
}

// checkAllocs wants a forward and backward pass that allocates nothing
// once the first has sized the workspaces.
func checkAllocs(t *testing.T, c layerCase) {
	if raceEnabled {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	for _, batch := range batches {
		l := buildCase[float64](t, c, 7)
		rng := rand.New(rand.NewPCG(7, uint64(batch)))
		x := randomMatrix[float64](rng, batch, c.in.Size())
		g := randomMatrix[float64](rng, batch, l.OutShape().Size())
		step := func() {
			l.Forward(x)
			l.Backward(g, true)
		}
		step()
		if n := testing.AllocsPerRun(10, step); n != 0 {
			t.Errorf("batch %d: %v allocations per forward and backward pass, want 0", batch, n)
		}
	}
}
