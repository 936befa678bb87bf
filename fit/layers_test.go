package fit

import (
	"context"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

// blobs returns n rows of 4 features in two classes, shaped 1×2×2.
func blobs(n int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 2))
	x := tensor.New[float64](n, 4)
	y := tensor.New[float64](n, 2)
	for i := range n {
		c := i % 2
		for j := range 4 {
			x.Set(i, j, float64(2*c-1)+rng.NormFloat64())
		}
		y.Set(i, c, 1)
	}
	return &data.Dataset{X: x, Y: y, Task: data.Classification, ClassNames: []string{"a", "b"}, SampleShape: []int{1, 2, 2}}
}

// TestLayers checks that Options.Layers builds the kinds it names in
// place of Hidden, gives dense layers without an activation the hidden
// one, takes the input shape from the data, and trains the same bits at
// any GOMAXPROCS with dropout drawing its masks.
func TestLayers(t *testing.T) {
	layers, err := nn.ParseLayers("8,dropout:0.3,dense:6:tanh,batchnorm")
	if err != nil {
		t.Fatal(err)
	}
	run := func(procs int) ([]uint64, nn.Spec, float64) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		o := quick()
		o.Epochs, o.LearningRate = 20, 0.01
		o.Hidden = []int{99} // Layers replaces it
		o.Layers = layers
		o.DType = "float64"
		res, err := Train(context.Background(), blobs(120, 1), nil, o)
		if err != nil {
			t.Fatal(err)
		}
		var bits []uint64
		for _, p := range res.Model.Params {
			for _, v := range p.Values {
				bits = append(bits, math.Float64bits(v))
			}
		}
		return bits, res.Model.Spec, res.Model.Metrics["val_accuracy"]
	}
	b1, spec, acc := run(1)
	b2, _, _ := run(2)
	if !slices.Equal(b1, b2) {
		t.Error("weights differ between GOMAXPROCS 1 and 2")
	}
	relu := activation.Spec{Name: activation.NameReLU}
	kinds := []string{nn.KindDense, nn.KindDropout, nn.KindDense, nn.KindBatchNorm, nn.KindDense}
	if len(spec.Layers) != len(kinds) {
		t.Fatalf("model has layers %v, want kinds %v", spec, kinds)
	}
	for i, k := range kinds {
		if got := spec.Layers[i].KindName(); got != k {
			t.Errorf("layer %d is %s, want %s", i+1, got, k)
		}
	}
	if got := spec.Layers[0].Activation; got != relu {
		t.Errorf("layer 1's activation = %v, want the hidden default %v", got, relu)
	}
	if got := spec.Layers[2].Activation.Name; got != activation.NameTanh {
		t.Errorf("layer 3's activation = %v, want tanh as given", got)
	}
	if got := spec.Layers[1].Rate; got != 0.3 {
		t.Errorf("dropout rate = %v, want 0.3", got)
	}
	if !spec.InputShape.Equal(nn.Shape{1, 2, 2}) {
		t.Errorf("input shape = %v, want the data's 1×2×2", spec.InputShape)
	}
	if acc < 0.9 {
		t.Errorf("validation accuracy %v on two well-separated blobs, want at least 0.9", acc)
	}
}

func TestLayersRefused(t *testing.T) {
	tests := []struct {
		layers []nn.LayerSpec
		want   string
	}{
		{[]nn.LayerSpec{{Kind: "convv"}}, `layer 1: unknown layer kind "convv"`},
		{[]nn.LayerSpec{{Units: 3}, {Units: 0}}, "layer 2: dense layer of 0 units"},
	}
	for _, tt := range tests {
		o := quick()
		o.Layers = tt.layers
		if err := Check(o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(Layers %v) = %v, want an error with %q", tt.layers, err, tt.want)
		}
	}
	// A layer that does not fit the data is refused when the data is
	// known, by Train.
	o := quick()
	o.Layers = []nn.LayerSpec{{Kind: nn.KindDropout, Rate: 0.2, Units: 3}}
	if _, err := Train(context.Background(), blobs(40, 1), nil, o); err == nil || !strings.Contains(err.Error(), "dropout") {
		t.Errorf("Train with a dropout layer with units = %v, want an error naming dropout", err)
	}
}

// TestKeeperRestoresState checks that the best epoch's weights come back
// with the saved state computed with them (batch norm's running
// statistics), not the later epochs' state.
func TestKeeperRestoresState(t *testing.T) {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Kind: nn.KindBatchNorm}, {Units: 1}}}
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 1)))
	bufs := net.Buffers()
	if len(bufs) == 0 {
		t.Fatal("batch norm has no buffers")
	}
	k := &keeper[float64]{net: net}
	k.OnEpoch(train.EpochEvent{Stats: train.EpochStats{Epoch: 1, Val: &train.Scores{Loss: 1}}})
	want := slices.Clone(bufs[0].Value.Data)
	for i := range bufs[0].Value.Data {
		bufs[0].Value.Data[i] += 7 // a later, worse epoch's statistics
	}
	k.OnEpoch(train.EpochEvent{Stats: train.EpochStats{Epoch: 2, Val: &train.Scores{Loss: 2}}})
	if !k.restore() {
		t.Fatal("nothing to restore")
	}
	if got := bufs[0].Value.Data; !slices.Equal(got, want) {
		t.Errorf("%s after restoring epoch 1 = %v, want that epoch's %v", bufs[0].Name, got, want)
	}
}
