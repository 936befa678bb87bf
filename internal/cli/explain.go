package cli

import (
	"encoding/json"
	"fmt"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/explain"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

func init() {
	register("explain", command{
		summary: "show the forward values, every chain-rule factor and every update of a small network",
		example: "descent explain -layers 2,2,1 -x 0.1,0.4 -y 0.3 -lr 0.1 -steps 1",
		run:     runExplain,
	})
}

// runExplain trains a small network step by step and prints every value the
// chain rule uses, as the tutorial does.
func runExplain(e *env, args []string) error {
	fs := newFlagSet(e, "explain")
	layers := fs.String("layers", "2,2,1", "layer `sizes`, inputs first: 2,2,1 is 2 inputs, 2 hidden neurons, 1 output (dense:N:ACT gives a layer its own activation; dense layers only)")
	src := fs.String("data", "", "take samples from `SRC` (a CSV file or builtin:NAME) instead of -x/-y")
	target := fs.String("target", "", "target `column` of -data (name or index; default last)")
	xs := fs.String("x", "0.1,0.4", "the input `values`")
	ys := fs.String("y", "0.3", "the target `values`")
	act := fs.String("activation", "sigmoid", "activation of every layer")
	output := fs.String("output", "", "activation of the output layer (default: -activation)")
	lossName := fs.String("loss", loss.NameSquaredError, "error function; squared_error is the tutorial's (p−t)²")
	bias := fs.Bool("bias", false, "give every neuron a bias (the tutorial starts without)")
	lr := fs.Float64("lr", 0.1, "learning `rate`")
	steps := fs.Int("steps", 1, "training `steps` to explain, one sample each")
	seed := fs.Uint64("seed", 1, "random `seed` for the starting weights")
	init := fs.String("init", initializer.NameRand, "weight initialisation (rand is the tutorial's U[0,1))")
	asJSON := fs.Bool("json", false, "print the steps as JSON")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if err := positive(fs, "lr"); err != nil {
		return err
	}
	sizes, acts, err := explainLayers(*layers)
	if err != nil {
		return err
	}
	if len(sizes) < 2 {
		return usagef("explain: -layers needs the input size and at least one layer, e.g. 1,1")
	}
	if *steps < 1 || *steps > 1000 {
		return usagef("explain: -steps must be between 1 and 1000, got %d", *steps)
	}

	// The samples, one per row.
	var x, y *tensor.Matrix[float64]
	if *src != "" {
		d, _, err := loadSource(*src, sourceOptions{target: *target, seed: *seed})
		if err != nil {
			return err
		}
		x, y = d.X, d.Y
		if d.Task == data.Classification && d.Y.Cols == 2 && sizes[len(sizes)-1] == 1 {
			// Two classes and one output: the target is the class index.
			y = tensor.New[float64](d.Len(), 1)
			for i := range y.Data {
				y.Data[i] = float64(d.Class(i))
			}
		}
	} else {
		xv, err := parseFloats("x", *xs)
		if err != nil {
			return err
		}
		yv, err := parseFloats("y", *ys)
		if err != nil {
			return err
		}
		x, y = tensor.FromRows([][]float64{xv}), tensor.FromRows([][]float64{yv})
	}
	if x.Cols != sizes[0] {
		return usagef("explain: the samples have %d inputs but -layers starts with %d", x.Cols, sizes[0])
	}
	if y.Cols != sizes[len(sizes)-1] {
		return usagef("explain: the samples have %d targets but -layers ends with %d outputs", y.Cols, sizes[len(sizes)-1])
	}

	hidden, err := activation.Parse(*act)
	if err != nil {
		return &UsageError{Err: err}
	}
	out := hidden
	if *output != "" {
		if out, err = activation.Parse(*output); err != nil {
			return &UsageError{Err: err}
		}
	}
	ini, err := initializer.Parse(*init)
	if err != nil {
		return &UsageError{Err: err}
	}
	l, err := loss.New[float64](*lossName, loss.Sum)
	if err != nil {
		return &UsageError{Err: err}
	}
	spec := nn.Spec{Inputs: sizes[0]}
	for i, s := range sizes[1:] {
		a := hidden
		if i == len(sizes)-2 {
			a = out
		}
		if acts[i].Name != "" {
			a = acts[i] // dense:N:ACT names its own
		}
		spec.Layers = append(spec.Layers, nn.LayerSpec{Units: s, Activation: a, NoBias: !*bias, Init: ini})
	}
	net, err := nn.New[float64](spec, newRand(*seed))
	if err != nil {
		return &UsageError{Err: err}
	}
	if err := explain.Check(net); err != nil {
		return fmt.Errorf("explain: %w", err)
	}

	var all []*explain.Step
	for s := 0; s < *steps; s++ {
		r := s % x.Rows
		net.Trace = &nn.Trace[float64]{}
		xr := tensor.FromSlice(1, x.Cols, x.Row(r))
		yr := tensor.FromSlice(1, y.Cols, y.Row(r))
		net.Step(l, xr, yr, *lr)
		st, err := explain.FromTrace(net.Trace, l.Name(), *lr)
		if err != nil {
			return err
		}
		if *asJSON {
			all = append(all, st)
			continue
		}
		if err := st.WriteText(e.stdout, s+1); err != nil {
			return err
		}
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Layers []int           `json:"layers"`
			Steps  []*explain.Step `json:"steps"`
		}{sizes, all})
	}
	net.Trace = nil
	pred := net.Forward(tensor.FromSlice(1, x.Cols, x.Row(0)))
	fmt.Fprintf(e.stdout, "after %d step(s): prediction for sample 1 = %s, error = %.6g\n", *steps, fmtRow(pred.Row(0)), l.Forward(pred, tensor.FromSlice(1, y.Cols, y.Row(0))))
	return nil
}

// explainLayers reads explain's -layers: the input size, then dense
// layers as train writes them (64 or dense:64:tanh). It returns the sizes,
// inputs first, and each layer's own activation (empty where the layer
// gives none). Other kinds are refused by name: explain prints the
// tutorial's sums of products and chain-rule factors, which only dense
// layers have.
func explainLayers(list string) (sizes []int, acts []activation.Spec, err error) {
	specs, err := parseLayers("explain", list)
	if err != nil {
		return nil, nil, err
	}
	for i, l := range specs {
		if k := l.KindName(); k != nn.KindDense {
			return nil, nil, usagef("explain: -layers item %d (%s) is a %s layer; explain shows the chain rule of dense layers only — descent gradcheck -layers checks the gradients of layers of any kind", i+1, nn.FormatLayer(l), k)
		}
		if i == 0 && l.Activation.Name != "" {
			return nil, nil, usagef("explain: -layers starts with the input size, a plain number, not %s", nn.FormatLayer(l))
		}
		sizes = append(sizes, l.Units)
		if i > 0 {
			acts = append(acts, l.Activation)
		}
	}
	return sizes, acts, nil
}

func fmtRow(v []float64) string {
	s := "["
	for i, x := range v {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%.6g", x)
	}
	return s + "]"
}
