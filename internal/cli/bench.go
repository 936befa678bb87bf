package cli

import (
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

func init() {
	register("bench", command{
		summary: "time one epoch of training on synthetic data and print the speed as JSON",
		example: "descent bench -layers 784,256,128,10 -batch 64 -samples 60000 -dtype float32 -threads 2",
		run:     runBench,
	})
}

// benchResult is what bench prints.
type benchResult struct {
	Layers        []int   `json:"layers"`
	Batch         int     `json:"batch"`
	DType         string  `json:"dtype"`
	Threads       int     `json:"threads"`
	Samples       int     `json:"samples"`
	Optimizer     string  `json:"optimizer"`
	Seconds       float64 `json:"seconds"`
	SamplesPerSec float64 `json:"samples_per_sec"`
	GFLOPS        float64 `json:"gflops"`
}

func runBench(e *env, args []string) error {
	fs := newFlagSet(e, "bench")
	layers := fs.String("layers", "784,256,128,10", "layer `sizes`, inputs first; ReLU hidden layers, softmax cross-entropy output")
	batch := fs.Int("batch", 64, "samples per step")
	samples := fs.Int("samples", 60000, "samples in the epoch")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	threads := fs.Int("threads", runtime.NumCPU(), "cores to use")
	opt := fs.String("optimizer", "sgd", "optimizer")
	lr := fs.Float64("lr", 0.01, "learning `rate`")
	seed := fs.Uint64("seed", 1, "random `seed`")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	sizes, err := parseInts("layers", *layers)
	if err != nil {
		return err
	}
	if len(sizes) < 2 || *batch < 1 || *samples < *batch || *threads < 1 {
		return usagef("bench: need at least two -layers, -batch ≥ 1, -samples ≥ -batch and -threads ≥ 1")
	}
	oc := optim.Config{Name: *opt}
	if err := oc.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	prev := runtime.GOMAXPROCS(*threads)
	defer runtime.GOMAXPROCS(prev)
	kernel.SetWorkers(*threads)
	defer kernel.SetWorkers(0)

	res := benchResult{Layers: sizes, Batch: *batch, DType: *dtype, Threads: *threads, Samples: *samples, Optimizer: *opt}
	switch *dtype {
	case model.Float32:
		res.Seconds, err = benchEpoch[float32](sizes, *batch, *samples, oc, *lr, *seed)
	case model.Float64:
		res.Seconds, err = benchEpoch[float64](sizes, *batch, *samples, oc, *lr, *seed)
	default:
		return usagef("bench: -dtype must be float32 or float64")
	}
	if err != nil {
		return err
	}
	res.SamplesPerSec = float64(*samples) / res.Seconds
	res.GFLOPS = stepFlops(sizes) * float64(*samples) / res.Seconds / 1e9
	return json.NewEncoder(e.stdout).Encode(res)
}

// stepFlops counts the multiply-adds (as two flops) of one sample's step:
// the forward products, the weight gradients, and the input gradients of
// every layer but the first.
func stepFlops(sizes []int) float64 {
	var f float64
	for i := 1; i < len(sizes); i++ {
		mn := float64(sizes[i-1] * sizes[i])
		f += 2 * mn * 2 // forward and weight gradient
		if i > 1 {
			f += 2 * mn // input gradient
		}
	}
	return f
}

// benchEpoch trains one epoch over synthetic samples, batch by batch, and
// returns the seconds it took (the first step, which sizes every
// workspace, is not timed).
func benchEpoch[T tensor.Float](sizes []int, batch, samples int, oc optim.Config, lr float64, seed uint64) (float64, error) {
	rng := newRand(seed)
	relu := activation.Spec{Name: activation.NameReLU}
	spec := nn.Spec{Inputs: sizes[0]}
	for i, s := range sizes[1:] {
		a := relu
		if i == len(sizes)-2 {
			a = activation.Spec{Name: activation.NameIdentity}
		}
		spec.Layers = append(spec.Layers, nn.LayerSpec{Units: s, Activation: a})
	}
	net, err := nn.New[T](spec, rng)
	if err != nil {
		return 0, &UsageError{Err: err}
	}
	o, err := optim.New[T](oc)
	if err != nil {
		return 0, err
	}
	in, out := sizes[0], sizes[len(sizes)-1]
	x := tensor.New[T](samples, in)
	for i := range x.Data {
		x.Data[i] = T(rng.Float64())
	}
	y := tensor.New[T](samples, out)
	for i := 0; i < samples; i++ {
		y.Set(i, rng.IntN(out), 1)
	}
	l := loss.SoftmaxCrossEntropy[T]{}
	var xb, yb tensor.Matrix[T]
	step := func(lo int) {
		n := min(batch, samples-lo)
		xb = tensor.Matrix[T]{Rows: n, Cols: in, Data: x.Data[lo*in : (lo+n)*in]}
		yb = tensor.Matrix[T]{Rows: n, Cols: out, Data: y.Data[lo*out : (lo+n)*out]}
		net.Gradient(l, &xb, &yb)
		o.Step(net.Params(), lr)
	}
	step(0)
	start := time.Now()
	for lo := 0; lo < samples; lo += batch {
		step(lo)
	}
	sec := time.Since(start).Seconds()
	for _, p := range net.Params() {
		for _, v := range p.Value.Data {
			if v != v {
				return 0, fmt.Errorf("bench: training diverged; lower -lr")
			}
		}
	}
	return sec, nil
}
