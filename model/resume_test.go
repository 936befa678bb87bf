package model

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// TestResume trains with Adam, checkpoints half-way through a file,
// resumes, and checks that the result is bit for bit that of an
// uninterrupted run, in float32 as in float64.
func TestResume(t *testing.T) {
	t.Run("float32", testResume[float32])
	t.Run("float64", testResume[float64])
}

func testResume[T tensor.Float](t *testing.T) {
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
		{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}},
		{Units: 1, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	x := tensor.FromRows([][]T{{0, 0}, {0, 1}, {1, 0}, {1, 1}})
	y := tensor.FromRows([][]T{{0}, {1}, {1}, {0}})
	l, _ := loss.New[T](loss.NameBCEWithLogits, loss.Mean)
	newOpt := func() optim.Optimizer[T] {
		o, err := optim.New[T](optim.Config{Name: optim.NameAdam})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	train := func(net *nn.Network[T], o optim.Optimizer[T], steps int) {
		for range steps {
			net.Gradient(l, x, y)
			o.Step(net.Params(), 0.05)
		}
	}

	whole := nn.MustNew[T](spec, rand.New(rand.NewPCG(7, 8)))
	train(whole, newOpt(), 20)

	net := nn.MustNew[T](spec, rand.New(rand.NewPCG(7, 8)))
	o := newOpt()
	train(net, o, 10)
	m, err := FromNetwork(net, loss.NameBCEWithLogits, "classification")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{JSON, Binary} {
		path := filepath.Join(t.TempDir(), "ckpt")
		if err := SaveCheckpoint(path, &Checkpoint{Model: m, Optimizer: o.State(), Epoch: 10}, f); err != nil {
			t.Fatal(err)
		}
		c, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		o2 := newOpt()
		resumed, err := Resume(c, o2)
		if err != nil {
			t.Fatal(err)
		}
		train(resumed, o2, 10)
		for i, p := range resumed.Params() {
			for j, v := range p.Value.Values() {
				if w := whole.Params()[i].Value.Data[j]; math.Float64bits(float64(v)) != math.Float64bits(float64(w)) {
					t.Fatalf("%v: %s[%d] = %v after resuming, %v without a break", f, p.Name, j, v, w)
				}
			}
		}
		if _, err := Resume(c, optim.Optimizer[T](&optim.RMSProp[T]{})); err == nil {
			t.Errorf("%v: Resume restored Adam's state into RMSProp", f)
		}
	}
}
