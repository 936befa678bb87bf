package train

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

func mlp(inputs, hidden, outputs int) nn.Spec {
	return nn.Spec{Inputs: inputs, Layers: []nn.LayerSpec{
		{Units: hidden, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: outputs, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
}

// After the first steps have sized every buffer, a training step, a short
// last batch included, allocates nothing.
func TestStepAllocatesNothing(t *testing.T) {
	d := datasets.Moons(10, 0.1, rand.New(rand.NewPCG(1, 1)))
	full, short := []int{0, 1, 2, 3}, []int{8, 9} // batches of 4, 4, 2
	for _, name := range []string{"sgd", "adam"} {
		t.Run(name+"/float64", func(t *testing.T) { checkStepAllocs[float64](t, name, d, full, short) })
		t.Run(name+"/float32", func(t *testing.T) { checkStepAllocs[float32](t, name, d, full, short) })
	}
}

func checkStepAllocs[T tensor.Float](t *testing.T, name string, d *data.Dataset, full, short []int) {
	net := nn.MustNew[T](mlp(2, 8, 2), rand.New(rand.NewPCG(2, 2)))
	opt, err := optim.New[T](optim.Config{Name: name, Common: optim.Common{ClipNorm: 1, L2: 1e-4}})
	if err != nil {
		t.Fatal(err)
	}
	st := newStepper(net, loss.SoftmaxCrossEntropy[T]{}, opt, whole(d), len(full))
	st.step(full, 0.01)
	st.step(short, 0.01)
	got := testing.AllocsPerRun(50, func() {
		if _, p := st.step(full, 0.01); p != "" {
			t.Fatal(p)
		}
		st.step(short, 0.01)
	})
	if got != 0 {
		t.Errorf("a step allocates %v times, want 0", got)
	}
}

// Scoring in chunks gives the loss of the whole set at once, for both
// reductions.
func TestEvaluatorChunks(t *testing.T) {
	d := datasets.Sin(2*EvalBatch+17, 0.1, rand.New(rand.NewPCG(3, 3)))
	net := nn.MustNew[float64](mlp(1, 5, 1), rand.New(rand.NewPCG(4, 4)))
	for _, l := range []loss.Loss[float64]{loss.MSE[float64]{}, loss.MSE[float64]{Reduction: loss.Sum}, &loss.SquaredError[float64]{Reduction: loss.Sum}} {
		want := l.Forward(net.Forward(d.X), d.Y)
		got := newEvaluator(whole(d), l, 1).scores(net, l).Loss
		if math.Abs(got-want) > 1e-12*math.Abs(want) {
			t.Errorf("%s %T: chunked loss %v, want %v", l.Name(), l, got, want)
		}
	}
}

func TestSplitValidationIsStratified(t *testing.T) {
	iris, err := datasets.Iris()
	if err != nil {
		t.Fatal(err)
	}
	tr, val, err := splitValidation(whole(iris), 0.2, rand.New(rand.NewPCG(5, splitStream)))
	if err != nil {
		t.Fatal(err)
	}
	count := func(d *data.Dataset) []int {
		c := make([]int, 3)
		for i := range d.Len() {
			c[d.Class(i)]++
		}
		return c
	}
	if got, want := count(val.Labels), []int{10, 10, 10}; !equalInts(got, want) {
		t.Errorf("validation classes %v, want %v", got, want)
	}
	if got, want := count(tr.Labels), []int{40, 40, 40}; !equalInts(got, want) {
		t.Errorf("training classes %v, want %v", got, want)
	}
	if _, _, err := splitValidation(whole(datasets.XOR()), 0.1, rand.New(rand.NewPCG(5, splitStream))); err == nil {
		t.Error("a split leaving no validation sample succeeded, want an error")
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func BenchmarkStep(b *testing.B) {
	d := datasets.Moons(1024, 0.1, rand.New(rand.NewPCG(1, 1)))
	for _, bs := range []int{1, 32, 256} {
		for _, name := range []string{"sgd", "adam"} {
			b.Run(fmt.Sprintf("mlp-2-64-64-2/batch%d/%s", bs, name), func(b *testing.B) {
				net := nn.MustNew[float32](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
					{Units: 64, Activation: activation.Spec{Name: activation.NameTanh}},
					{Units: 64, Activation: activation.Spec{Name: activation.NameTanh}},
					{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
				}}, rand.New(rand.NewPCG(2, 2)))
				opt, _ := optim.New[float32](optim.Config{Name: name})
				st := newStepper(net, loss.SoftmaxCrossEntropy[float32]{}, opt, whole(d), bs)
				idx := make([]int, bs)
				for i := range idx {
					idx[i] = i
				}
				b.ReportAllocs()
				for b.Loop() {
					st.step(idx, 0.001)
				}
			})
		}
	}
}
