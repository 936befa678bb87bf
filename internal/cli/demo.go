package cli

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/plot"
	"github.com/descent-ml/descent/tensor"
)

func init() {
	register("demo", command{
		summary: "train the tutorial's one-weight network and print its progress",
		example: "descent demo -lr 0.5 -iterations 10000",
		run:     runDemo,
	})
}

// runDemo trains the tutorial's network: one input, one weight, no bias,
// a sigmoid and the squared error.
func runDemo(e *env, args []string) error {
	fs := newFlagSet(e, "demo")
	x := fs.Float64("x", 0.1, "the input `value`")
	target := fs.Float64("target", 0.3, "the target `value` the prediction should reach")
	lr := fs.Float64("lr", 0.5, "learning `rate`")
	iterations := fs.Int("iterations", 10000, "number of gradient-descent `steps`")
	seed := fs.Uint64("seed", 1, "random `seed` for the starting weight, drawn from [0, 1)")
	every := fs.Int("every", 1000, "print a row every `n` iterations")
	plotDir := fs.String("plot", "", "write prediction and error against iteration to `DIR` (prediction.png and error.png)")
	plotFormat := fs.String("plot-format", "png", "image format of -plot: png, svg or pdf")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if err := positive(fs, "lr"); err != nil {
		return err
	}
	if err := plot.CheckPath("x." + *plotFormat); err != nil {
		return usagef("demo: -plot-format %q: want png, svg or pdf", *plotFormat)
	}
	if *iterations < 0 {
		return usagef("demo: -iterations must be ≥ 0, got %d", *iterations)
	}
	if *every <= 0 {
		return usagef("demo: -every must be ≥ 1, got %d", *every)
	}

	net, err := nn.New[float64](nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{
		Units:      1,
		Activation: activation.Spec{Name: activation.NameSigmoid},
		NoBias:     true,
		Init:       initializer.Spec{Name: initializer.NameRand},
	}}}, newRand(*seed))
	if err != nil {
		return err
	}
	xs := tensor.FromRows([][]float64{{*x}})
	ys := tensor.FromRows([][]float64{{*target}})
	sq := loss.SquaredError[float64]{Reduction: loss.Sum}
	w := net.Params()[0].Value

	fmt.Fprintf(e.stdout, "The tutorial's network: 1 input, 1 weight, no bias, sigmoid, squared error.\n")
	fmt.Fprintf(e.stdout, "x=%g target=%g learning rate=%g iterations=%d seed=%d\n\n", *x, *target, *lr, *iterations, *seed)
	fmt.Fprintf(e.stdout, "%10s %14s %14s %14s\n", "iteration", "w", "prediction", "error")
	row := func(i int) (pred, errv float64) {
		pred = net.Forward(xs).At(0, 0)
		errv = sq.Forward(net.Forward(xs), ys)
		return pred, errv
	}
	var iters, preds, errs []float64 // per iteration, for -plot
	for i := 0; ; i++ {
		if *plotDir != "" || i%*every == 0 || i == *iterations {
			p, ev := row(i)
			if *plotDir != "" {
				iters, preds, errs = append(iters, float64(i)), append(preds, p), append(errs, ev)
			}
			if i%*every == 0 || i == *iterations {
				fmt.Fprintf(e.stdout, "%10d %14.8f %14.8f %14.6e\n", i, w.At(0, 0), p, ev)
			}
		}
		if i == *iterations {
			break
		}
		net.Step(sq, xs, ys, *lr)
		if v := w.At(0, 0); v != v || v-v != 0 {
			return fmt.Errorf("demo: diverged at iteration %d (w=%v); the learning rate %g is too high, try %g", i+1, v, *lr, *lr/10)
		}
	}
	p, ev := row(*iterations)
	fmt.Fprintf(e.stdout, "\nfinal: w=%.8f prediction=%.8f error=%.6e\n", w.At(0, 0), p, ev)
	if *plotDir == "" {
		return nil
	}
	if err := os.MkdirAll(*plotDir, 0o755); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	// The prediction beside the target it should reach; the error on a
	// log axis, where its steady shrinking by orders of magnitude shows.
	for _, f := range []struct {
		name string
		pr   plot.Progress
	}{
		{"prediction", plot.Progress{Title: fmt.Sprintf("Prediction against iteration (target %g, learning rate %g)", *target, *lr),
			YLabel: "prediction", Iterations: iters, Values: preds, Target: *target, TargetSet: true}},
		{"error", plot.Progress{Title: fmt.Sprintf("Error against iteration (learning rate %g)", *lr),
			YLabel: "squared error", Iterations: iters, Values: errs, LogScale: true}},
	} {
		path := filepath.Join(*plotDir, f.name+"."+*plotFormat)
		if err := plot.ProgressCurve(path, f.pr); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		fmt.Fprintf(e.stderr, "wrote %s\n", path)
	}
	return nil
}

// newRand returns the project's seeded random source for a user seed.
func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
