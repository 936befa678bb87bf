package cli

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/gradcheck"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

func init() {
	register("gradcheck", command{
		summary: "check every analytic gradient against finite differences",
		example: "descent gradcheck -layers 3,5,4,2 -activation gelu -loss softmax_cross_entropy",
		run:     runGradcheck,
	})
}

// runGradcheck compares a network's analytic gradients with finite
// differences and fails when any tensor's error exceeds the tolerance.
func runGradcheck(e *env, args []string) error {
	fs := newFlagSet(e, "gradcheck")
	layers := fs.String("layers", "3,5,4,2", "the input size, then the `layers` as train -layers writes them: sizes of dense layers, dense:N:ACT, conv:F:K[:S[:P]][:ACT], maxpool:K, avgpool:K, batchnorm, dropout:P; with -input-shape, the layers alone")
	inputShape := fs.String("input-shape", "", "each sample's `shape`, e.g. 1,8,8 (channels, height, width); -layers then gives only layers")
	act := fs.String("activation", "tanh", "activation of the hidden layers")
	output := fs.String("output", "auto", "output activation; auto follows the loss")
	lossName := fs.String("loss", loss.NameMSE, "loss to differentiate")
	batch := fs.Int("batch", 4, "random samples in the batch")
	seed := fs.Uint64("seed", 1, "random `seed`")
	tol := fs.Float64("tolerance", gradcheck.DefaultTolerance, "largest relative error that passes")
	modelPath := fs.String("model", "", "check a saved model's network and loss instead (on random inputs)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if err := positive(fs, "batch", "tolerance"); err != nil {
		return err
	}
	if *modelPath != "" {
		m, err := model.Load(*modelPath)
		if err != nil {
			return err
		}
		net, err := model.Network[float64](m)
		if err != nil {
			return err
		}
		l, err := m.LossFunc()
		if err != nil {
			return err
		}
		return checkAndReport(e, net, l, fmt.Sprintf("model %s: %s, loss %s", *modelPath, net.Spec(), m.Loss), *batch, *seed, *tol)
	}
	shape, err := parseShape("gradcheck", *inputShape)
	if err != nil {
		return err
	}
	specs, err := parseLayers("gradcheck", *layers)
	if err != nil {
		return err
	}
	spec := nn.Spec{}
	if shape != nil {
		spec.InputShape = nn.Shape(shape)
		spec.Inputs = spec.InputShape.Size()
	} else if len(specs) > 0 && plainDense(specs[:1]) {
		spec.Inputs, specs = specs[0].Units, specs[1:]
	} else {
		return usagef("gradcheck: -layers starts with the input size, e.g. 3,5,2 (or give -input-shape)")
	}
	if len(specs) == 0 {
		return usagef("gradcheck: -layers needs the input size and at least one layer")
	}
	hidden, err := activation.Parse(*act)
	if err != nil {
		return &UsageError{Err: err}
	}
	l, err := loss.New[float64](*lossName, loss.Mean)
	if err != nil {
		return &UsageError{Err: err}
	}
	out := fit.OutputFor(l.Name())
	if *output != "auto" {
		if out, err = activation.Parse(*output); err != nil {
			return &UsageError{Err: err}
		}
	}
	for i, ls := range specs {
		// As in train: a dense (or convolutional) layer without an
		// activation gets -activation, the last one -output.
		if ls.Activation.Name == "" && (ls.KindName() == nn.KindDense || ls.KindName() == nn.KindConv2D) {
			ls.Activation = hidden
			if i == len(specs)-1 {
				ls.Activation = out
			}
		}
		spec.Layers = append(spec.Layers, ls)
	}
	rng := newRand(*seed)
	net, err := nn.New[float64](spec, rng)
	if err != nil {
		return &UsageError{Err: err}
	}
	// Non-zero biases, so their path is exercised away from zero.
	for _, p := range net.Params() {
		if strings.HasSuffix(p.Name, ".bias") {
			fillUniform(rng, p.Value.Data, -0.1, 0.1)
		}
	}
	return checkAndReport(e, net, l, fmt.Sprintf("network %s, hidden %s, output %s, loss %s", net.Spec(), hidden, out, l.Name()), *batch, *seed^1, *tol)
}

// checkAndReport runs the check on a random batch and prints the report.
func checkAndReport(e *env, net *nn.Network[float64], l loss.Loss[float64], title string, batch int, seed uint64, tol float64) error {
	// Layers that draw at random (dropout's mask) repeat their first
	// draws, so that the network is a fixed function of its weights, as
	// finite differences need.
	net.FixRandom(true)
	rng := newRand(seed)
	x := tensor.New[float64](batch, net.Inputs())
	fillUniform(rng, x.Data, -1, 1)
	y := randomTargets(rng, l.Name(), batch, net.Outputs())
	rep := gradcheck.Check(net, l, x, y, gradcheck.Options{Tolerance: tol, Inputs: true})
	fmt.Fprintf(e.stdout, "%s, batch %d\n\n", title, batch)
	fmt.Fprint(e.stdout, rep)
	if !rep.OK() {
		return fmt.Errorf("gradcheck: worst relative error %.3g exceeds the tolerance %.3g", rep.Worst(), tol)
	}
	fmt.Fprintf(e.stdout, "\nall gradients agree with finite differences (worst relative error %.3g ≤ %.3g)\n", rep.Worst(), tol)
	return nil
}

// randomTargets draws targets of the kind a loss expects.
func randomTargets(rng *rand.Rand, lossName string, n, k int) *tensor.Matrix[float64] {
	y := tensor.New[float64](n, k)
	switch lossName {
	case loss.NameCrossEntropy, loss.NameSoftmaxCrossEntropy:
		for i := 0; i < n; i++ {
			y.Set(i, rng.IntN(k), 1)
		}
	case loss.NameBCE, loss.NameBCEWithLogits:
		fillUniform(rng, y.Data, 0, 1)
	default:
		fillUniform(rng, y.Data, -1, 1)
	}
	return y
}

func fillUniform(rng *rand.Rand, v []float64, lo, hi float64) {
	for i := range v {
		v[i] = lo + (hi-lo)*rng.Float64()
	}
}
