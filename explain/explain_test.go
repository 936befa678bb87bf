package explain_test

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/explain"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

func step(t *testing.T, spec nn.Spec, x, y []float64, lr float64) *explain.Step {
	t.Helper()
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(1, 2)))
	net.Trace = &nn.Trace[float64]{}
	net.Step(loss.SquaredError[float64]{Reduction: loss.Sum}, tensor.FromRows([][]float64{x}), tensor.FromRows([][]float64{y}), lr)
	st, err := explain.FromTrace(net.Trace, loss.NameSquaredError, lr)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-14*math.Max(1, math.Abs(b)) }

// TestChainProducts checks that every weight's printed factors multiply to
// its gradient and that every update is old − lr·gradient.
func TestChainProducts(t *testing.T) {
	for _, bias := range []bool{false, true} {
		spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{
			{Units: 3, Activation: activation.Spec{Name: activation.NameTanh}, NoBias: !bias},
			{Units: 2, Activation: activation.Spec{Name: activation.NameSigmoid}, NoBias: !bias},
		}}
		const lr = 0.3
		st := step(t, spec, []float64{0.1, 0.4}, []float64{0.3, 0.9}, lr)
		out := st.Layers[len(st.Layers)-1]
		for j, n := range out.Neurons {
			p := n.Activation
			if want := 2 * (p - st.Target[j]); !close(n.DErrorDActivation, want) {
				t.Errorf("output %d: dE/dpred = %v, want 2(p−t) = %v", j+1, n.DErrorDActivation, want)
			}
		}
		for li, L := range st.Layers {
			for _, n := range L.Neurons {
				if n.DActivationDSOP == nil {
					t.Fatalf("layer %d neuron %d has no da/dsop", L.Index, n.Index)
				}
				if !close(n.DErrorDSOP, n.DErrorDActivation**n.DActivationDSOP) {
					t.Errorf("layer %d neuron %d: dE/dsop %v ≠ dE/da × da/dsop", L.Index, n.Index, n.DErrorDSOP)
				}
				if li < len(st.Layers)-1 { // hidden: dE/da = Σ next dE/dsop × w
					var s float64
					for _, k := range st.Layers[li+1].Neurons {
						s += k.DErrorDSOP * k.Weights[n.Index-1].Old
					}
					if !close(n.DErrorDActivation, s) {
						t.Errorf("layer %d neuron %d: dE/da %v, Σ over next layer %v", L.Index, n.Index, n.DErrorDActivation, s)
					}
				}
				sop := 0.0
				for _, w := range n.Weights {
					sop += n.Inputs[w.From-1] * w.Old
					chain := n.DErrorDActivation * *n.DActivationDSOP * w.DSOPDWeight
					if !close(w.Gradient, chain) {
						t.Errorf("layer %d w(%d→%d): gradient %v, chain product %v", L.Index, w.From, n.Index, w.Gradient, chain)
					}
					if !close(w.New, w.Old-lr*w.Gradient) {
						t.Errorf("layer %d w(%d→%d): new %v, want old − lr·grad = %v", L.Index, w.From, n.Index, w.New, w.Old-lr*w.Gradient)
					}
				}
				if n.Bias != nil {
					sop += n.Bias.Old
					if !close(n.Bias.Gradient, n.DErrorDSOP) {
						t.Errorf("bias gradient %v, want dE/dsop %v", n.Bias.Gradient, n.DErrorDSOP)
					}
				} else if bias {
					t.Errorf("layer %d neuron %d lost its bias", L.Index, n.Index)
				}
				if !close(n.SOP, sop) {
					t.Errorf("layer %d neuron %d: sop %v, Σ inputs × weights %v", L.Index, n.Index, n.SOP, sop)
				}
			}
		}
	}
}

func TestTextShowsTheChain(t *testing.T) {
	st := step(t, nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1, NoBias: true}}}, []float64{0.1}, []float64{0.3}, 0.5)
	var b bytes.Buffer
	if err := st.WriteText(&b, 1); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Forward pass", "prediction = sigmoid(sop)", "dE/dpred", "dpred/dsop = sigmoid'(sop)", "dE/dw = dE/dpred × dpred/dsop × dsop/dw", "w: "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, b.String())
		}
	}
}

func TestCheckRefusesLargeNetworks(t *testing.T) {
	big := nn.MustNew[float64](nn.Spec{Inputs: 20, Layers: []nn.LayerSpec{{Units: 4}}}, rand.New(rand.NewPCG(1, 1)))
	if err := explain.Check(big); err == nil || !strings.Contains(err.Error(), "limited to") {
		t.Errorf("Check(20 inputs) = %v, want a refusal saying the limit", err)
	}
	ok := nn.MustNew[float64](nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 2}, {Units: 1}}}, rand.New(rand.NewPCG(1, 1)))
	if err := explain.Check(ok); err != nil {
		t.Errorf("Check(2-2-1) = %v", err)
	}
}
