package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/kernel"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

func init() {
	register("bench", command{
		summary: "time a training workload (or the matrix kernel) and print the speed as JSON",
		example: "descent bench -layers 784,256,128,10 -batch 64 -samples 60000 -dtype float32 -threads 2",
		run:     runBench,
	})
}

// The workloads bench knows. bench/compare.sh runs each of them next to
// the same workload written for PyTorch and numpy.
const (
	// workloadMLP is one epoch of a ReLU network with softmax
	// cross-entropy on synthetic data (the default, and the only workload
	// before -workload existed).
	workloadMLP = "mlp"
	// workloadCNN is the mlp workload with issue 14's convolutional
	// network on 1×28×28 samples as its default -layers and -input-shape
	// (pybench.py's cnn workload).
	workloadCNN = "cnn"
	// workloadTutorial is the tutorial's network: one input, one weight,
	// no bias, sigmoid, squared error, x = 0.1, target = 0.3.
	workloadTutorial = "tutorial"
	// workloadTiny is a 2-8-1 sigmoid network trained by SGD one sample
	// at a time.
	workloadTiny = "tiny"
	// workloadGemm times kernel.Gemm on square matrices.
	workloadGemm = "gemm"
	// workloadMNIST trains on real MNIST until a test accuracy is reached.
	workloadMNIST = "mnist"
)

// benchResult is what the mlp workload prints; its fields are the ones
// bench printed before the other workloads existed, and InputShape.
type benchResult struct {
	Workload string `json:"workload"`
	// Layers is the sizes, inputs first, for a network of plain dense
	// layers (as bench printed before layer kinds), and the -layers text
	// otherwise (as pybench.py's cnn workload prints it).
	Layers any `json:"layers"`
	// InputShape is -input-shape, when given.
	InputShape    []int   `json:"input_shape,omitempty"`
	Batch         int     `json:"batch"`
	DType         string  `json:"dtype"`
	Threads       int     `json:"threads"`
	Samples       int     `json:"samples"`
	Optimizer     string  `json:"optimizer"`
	Seconds       float64 `json:"seconds"`
	SamplesPerSec float64 `json:"samples_per_sec"`
	// GFLOPS counts the products of dense layers; it is left out for
	// networks with other kinds.
	GFLOPS float64 `json:"gflops,omitempty"`
}

// loopResult is what the tutorial and tiny workloads print: the time of
// a loop of single-sample steps.
type loopResult struct {
	Workload string  `json:"workload"`
	DType    string  `json:"dtype"`
	Threads  int     `json:"threads"`
	Steps    int     `json:"steps"`
	Seconds  float64 `json:"seconds"`
	NsPerOp  float64 `json:"ns_per_step"`
	// Final is a value the loop ends with (the tutorial's weight, the tiny
	// network's last loss), to check that the other tools did the same
	// work.
	Final float64 `json:"final"`
}

// gemmResult is what the gemm workload prints: Size for a square product,
// M, N, K and Trans for one given by -shape. Seconds is the time of one
// product.
type gemmResult struct {
	Workload string  `json:"workload"`
	Size     int     `json:"size,omitempty"`
	M        int     `json:"m,omitempty"`
	N        int     `json:"n,omitempty"`
	K        int     `json:"k,omitempty"`
	Trans    string  `json:"trans,omitempty"`
	DType    string  `json:"dtype"`
	Threads  int     `json:"threads"`
	Seconds  float64 `json:"seconds"`
	GFLOPS   float64 `json:"gflops"`
}

// mnistResult is what the mnist workload prints.
type mnistResult struct {
	Workload string `json:"workload"`
	// Layers and InputShape are as in benchResult.
	Layers     any     `json:"layers"`
	InputShape []int   `json:"input_shape,omitempty"`
	Batch      int     `json:"batch"`
	DType      string  `json:"dtype"`
	Threads    int     `json:"threads"`
	Optimizer  string  `json:"optimizer"`
	LR         float64 `json:"lr"`
	Target     float64 `json:"target_accuracy"`
	Reached    bool    `json:"reached"`
	Epochs     int     `json:"epochs"`
	// Seconds covers training and the test evaluation after every epoch;
	// loading and standardising the files is not timed.
	Seconds    float64   `json:"seconds"`
	Accuracies []float64 `json:"test_accuracy_by_epoch"`
}

// The cnn workload's network: the CNN with 10 outputs, as
// pybench.py builds it.
const (
	cnnLayers     = "conv:32:3,maxpool:2,conv:64:3,maxpool:2,128,dropout:0.25,10"
	cnnInputShape = "1,28,28"
)

// benchFlags holds bench's flags.
type benchFlags struct {
	workload, layers, dtype, opt, mnistDir, cpuProfile string
	inputShape                                         string
	batch, samples, threads, steps, size, repeat       int
	shape, trans                                       string
	maxEpochs                                          int
	lr, target                                         float64
	seed                                               uint64
}

func runBench(e *env, args []string) error {
	fs := newFlagSet(e, "bench")
	var f benchFlags
	fs.StringVar(&f.workload, "workload", workloadMLP, "what to time: mlp (one epoch on synthetic data), cnn (mlp with -layers "+cnnLayers+" and -input-shape "+cnnInputShape+" unless given), tutorial (the 1-weight network), tiny (2-8-1 sigmoid, batch 1), gemm (kernel.Gemm on -size² matrices) or mnist (train on MNIST from -mnist until -target test accuracy)")
	fs.StringVar(&f.layers, "layers", "784,256,128,10", "the network for mlp and mnist: the input size, then `layers` as train -layers writes them (sizes, dense:N:ACT, conv:F:K, maxpool:S, dropout:P, batchnorm, …); with -input-shape, the layers alone. Hidden layers default to ReLU, the last to identity (logits for softmax cross-entropy)")
	fs.StringVar(&f.inputShape, "input-shape", "", "each sample's `shape` for mlp and mnist, e.g. 1,28,28 (channels, height, width) for convolutions; -layers then gives only layers, e.g. -layers conv:32:3,maxpool:2,conv:64:3,maxpool:2,128,10 -input-shape 1,28,28")
	fs.IntVar(&f.batch, "batch", 64, "samples per step (mlp, mnist)")
	fs.IntVar(&f.samples, "samples", 60000, "samples in the epoch (mlp)")
	fs.StringVar(&f.dtype, "dtype", "float32", "float32 or float64")
	fs.IntVar(&f.threads, "threads", runtime.NumCPU(), "cores to use")
	fs.StringVar(&f.opt, "optimizer", "", "optimizer (default sgd; adam for mnist)")
	fs.Float64Var(&f.lr, "lr", 0, "learning `rate` (default 0.01 for mlp, 0.001 for mnist, 0.5 for tutorial, 0.1 for tiny)")
	fs.Uint64Var(&f.seed, "seed", 1, "random `seed`")
	fs.IntVar(&f.steps, "steps", 0, "iterations of the tutorial loop (default 10000) or tiny-network steps (default 100000)")
	fs.IntVar(&f.steps, "iterations", 0, "same as -steps")
	fs.IntVar(&f.size, "size", 2048, "matrix `side` for gemm")
	fs.IntVar(&f.size, "gemm", 2048, "same as -size")
	fs.StringVar(&f.shape, "shape", "", "`M,N,K` of a non-square gemm: C (M×N) = op(A) (M×K) · op(B) (K×N), instead of -size")
	fs.StringVar(&f.trans, "trans", "NN", "for -shape: op(A) and op(B), N as stored or T transposed (NN, TN, NT or TT)")
	fs.IntVar(&f.repeat, "repeat", 1, "run the timed part this many times and report the fastest (not mnist)")
	fs.StringVar(&f.mnistDir, "mnist", "", "`folder` with the MNIST IDX files (see scripts/fetch-mnist.sh)")
	fs.Float64Var(&f.target, "target", 0.98, "test accuracy at which mnist stops")
	fs.IntVar(&f.maxEpochs, "max-epochs", 20, "epochs after which mnist gives up")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the timed part to `file`")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if set := setFlags(fs); f.workload == workloadCNN {
		if !set["layers"] {
			f.layers = cnnLayers
		}
		if !set["input-shape"] {
			f.inputShape = cnnInputShape
		}
	}
	if err := positive(fs, "batch", "samples", "size", "max-epochs", "target"); err != nil {
		return err
	}
	if err := nonNegative(fs, "lr"); err != nil { // 0 picks the workload's rate
		return err
	}
	if f.threads < 1 || f.repeat < 1 || f.steps < 0 {
		return usagef("bench: need -threads ≥ 1, -repeat ≥ 1 and -steps ≥ 0")
	}
	if f.dtype != model.Float32 && f.dtype != model.Float64 {
		return usagef("bench: -dtype must be float32 or float64")
	}
	prev := runtime.GOMAXPROCS(f.threads)
	defer runtime.GOMAXPROCS(prev)
	kernel.SetWorkers(f.threads)
	defer kernel.SetWorkers(0)

	var res any
	err := profile(f.cpuProfile, func(timed func(func() error) error) error {
		var err error
		res, err = runWorkload(&f, timed)
		return err
	})
	if err != nil {
		return err
	}
	return json.NewEncoder(e.stdout).Encode(res)
}

// profile calls run with a wrapper that, when path is not empty, starts
// a CPU profile into path the first time it is called, so that the
// profile leaves out the setup before the first timed part (with -repeat,
// the setup of later runs is in it). The profile stops when run returns.
func profile(path string, run func(timed func(func() error) error) error) error {
	if path == "" {
		return run(func(f func() error) error { return f() })
	}
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	started := false
	err = run(func(f func() error) error {
		if !started {
			if err := pprof.StartCPUProfile(out); err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			started = true
		}
		return f()
	})
	if started {
		pprof.StopCPUProfile()
	}
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("bench: %w", cerr)
	}
	return err
}

// runWorkload runs the workload f names; timed wraps the part that is
// timed.
func runWorkload(f *benchFlags, timed func(func() error) error) (any, error) {
	f32 := f.dtype == model.Float32
	switch f.workload {
	case workloadMLP, workloadCNN:
		return benchMLP(f, timed)
	case workloadTutorial:
		r := loopResult{Workload: f.workload, DType: f.dtype, Threads: f.threads, Steps: or(f.steps, 10000)}
		lr := orF(f.lr, 0.5)
		var err error
		if f32 {
			r.Seconds, r.Final, err = benchTutorial[float32](r.Steps, lr, f.repeat, timed)
		} else {
			r.Seconds, r.Final, err = benchTutorial[float64](r.Steps, lr, f.repeat, timed)
		}
		r.NsPerOp = r.Seconds / float64(r.Steps) * 1e9
		return r, err
	case workloadTiny:
		r := loopResult{Workload: f.workload, DType: f.dtype, Threads: f.threads, Steps: or(f.steps, 100000)}
		lr := orF(f.lr, 0.1)
		var err error
		if f32 {
			r.Seconds, r.Final, err = benchTiny[float32](r.Steps, lr, f.seed, f.repeat, timed)
		} else {
			r.Seconds, r.Final, err = benchTiny[float64](r.Steps, lr, f.seed, f.repeat, timed)
		}
		r.NsPerOp = r.Seconds / float64(r.Steps) * 1e9
		return r, err
	case workloadGemm:
		g, err := gemmShape(f)
		if err != nil {
			return nil, err
		}
		r := gemmResult{Workload: f.workload, DType: f.dtype, Threads: f.threads}
		if f.shape == "" {
			r.Size = f.size
		} else {
			r.M, r.N, r.K, r.Trans = g.m, g.n, g.k, f.trans
		}
		if f32 {
			r.Seconds, err = benchGemm[float32](g, f.seed, f.repeat, timed)
		} else {
			r.Seconds, err = benchGemm[float64](g, f.seed, f.repeat, timed)
		}
		r.GFLOPS = 2 * float64(g.m) * float64(g.n) * float64(g.k) / r.Seconds / 1e9
		return r, err
	case workloadMNIST:
		if f32 {
			return benchMNIST[float32](f, timed)
		}
		return benchMNIST[float64](f, timed)
	}
	return nil, usagef("bench: unknown -workload %q (want mlp, cnn, tutorial, tiny, gemm or mnist)", f.workload)
}

// or returns v, or def when v is 0.
func or(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// orF returns v, or def when v is 0.
func orF(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// best runs f repeat times and returns the shortest time it reports.
func best(repeat int, f func() (float64, error)) (float64, error) {
	b := math.Inf(1)
	for range repeat {
		s, err := f()
		if err != nil {
			return 0, err
		}
		b = min(b, s)
	}
	return b, nil
}

func benchMLP(f *benchFlags, timed func(func() error) error) (any, error) {
	spec, sizes, err := benchSpec(f)
	if err != nil {
		return nil, err
	}
	if f.batch < 1 || f.samples < f.batch {
		return nil, usagef("bench: need -batch ≥ 1 and -samples ≥ -batch")
	}
	name := f.opt
	if name == "" {
		name = optim.NameSGD
	}
	oc := optim.Config{Name: name}
	if err := oc.Validate(); err != nil {
		return nil, &UsageError{Err: err}
	}
	lr := orF(f.lr, 0.01)
	res := benchResult{Workload: f.workload, Layers: benchLayers(f, sizes), InputShape: spec.InputShape, Batch: f.batch, DType: f.dtype, Threads: f.threads, Samples: f.samples, Optimizer: name}
	res.Seconds, err = best(f.repeat, func() (float64, error) {
		if f.dtype == model.Float32 {
			return benchEpoch[float32](spec, f.batch, f.samples, oc, lr, f.seed, timed)
		}
		return benchEpoch[float64](spec, f.batch, f.samples, oc, lr, f.seed, timed)
	})
	if err != nil {
		return nil, err
	}
	res.SamplesPerSec = float64(f.samples) / res.Seconds
	if sizes != nil {
		res.GFLOPS = stepFlops(sizes) * float64(f.samples) / res.Seconds / 1e9
	}
	return res, nil
}

// benchSpec reads -layers and -input-shape into the network bench trains:
// without -input-shape the list starts with the input size. A dense or
// convolutional layer without an activation gets ReLU, or identity when
// it is the last (the logits softmax cross-entropy takes). sizes is the
// list as sizes, inputs first, when every layer is a plain dense one, and
// nil otherwise.
func benchSpec(f *benchFlags) (spec nn.Spec, sizes []int, err error) {
	shape, err := parseShape("bench", f.inputShape)
	if err != nil {
		return nn.Spec{}, nil, err
	}
	layers, err := parseLayers("bench", f.layers)
	if err != nil {
		return nn.Spec{}, nil, err
	}
	switch {
	case shape != nil:
		spec.InputShape = nn.Shape(shape)
		spec.Inputs = spec.InputShape.Size()
	case len(layers) > 0 && plainDense(layers[:1]):
		spec.Inputs, layers = layers[0].Units, layers[1:]
	default:
		return nn.Spec{}, nil, usagef("bench: -layers starts with the input size, e.g. 784,256,10 (or give -input-shape)")
	}
	if len(layers) == 0 {
		return nn.Spec{}, nil, usagef("bench: -layers needs the input size and at least one layer")
	}
	if shape == nil && plainDense(layers) {
		sizes = []int{spec.Inputs}
		for _, l := range layers {
			sizes = append(sizes, l.Units)
		}
	}
	for i, l := range layers {
		if k := l.KindName(); l.Activation.Name == "" && (k == nn.KindDense || k == nn.KindConv2D) {
			l.Activation = activation.Spec{Name: activation.NameReLU}
			if i == len(layers)-1 {
				l.Activation = activation.Spec{Name: activation.NameIdentity}
			}
		}
		spec.Layers = append(spec.Layers, l)
	}
	if err := spec.Validate(); err != nil {
		return nn.Spec{}, nil, usagef("bench: -layers: %w", err)
	}
	return spec, sizes, nil
}

// benchLayers is what a result shows as its layers: the sizes of a plain
// dense network, the -layers text otherwise.
func benchLayers(f *benchFlags, sizes []int) any {
	if sizes != nil {
		return sizes
	}
	return f.layers
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

// benchNet builds spec's network (see benchSpec) in training mode.
func benchNet[T tensor.Float](spec nn.Spec, seed uint64) (*nn.Network[T], error) {
	net, err := nn.New[T](spec, newRand(seed))
	if err != nil {
		return nil, &UsageError{Err: err}
	}
	net.SetTraining(true)
	return net, nil
}

// benchEpoch trains one epoch over synthetic samples, batch by batch, and
// returns the seconds it took (the first step, which sizes every
// workspace, is not timed). timed wraps the timed loop.
func benchEpoch[T tensor.Float](spec nn.Spec, batch, samples int, oc optim.Config, lr float64, seed uint64, timed func(func() error) error) (float64, error) {
	net, err := benchNet[T](spec, seed)
	if err != nil {
		return 0, err
	}
	rng := newRand(seed + 1)
	o, err := optim.New[T](oc)
	if err != nil {
		return 0, err
	}
	in, out := net.Inputs(), net.Outputs()
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
	var sec float64
	if err := timed(func() error {
		start := time.Now()
		for lo := 0; lo < samples; lo += batch {
			step(lo)
		}
		sec = time.Since(start).Seconds()
		return nil
	}); err != nil {
		return 0, err
	}
	if bad := nonFiniteParam(net.Params()); bad {
		return 0, errors.New("bench: training diverged; lower -lr")
	}
	return sec, nil
}

// nonFiniteParam reports whether any parameter holds NaN or ±Inf.
func nonFiniteParam[T tensor.Float](params []*nn.Param[T]) bool {
	for _, p := range params {
		for _, v := range p.Value.Data {
			if f := float64(v); math.IsNaN(f) || math.IsInf(f, 0) {
				return true
			}
		}
	}
	return false
}

// benchTutorial runs the tutorial's loop (x = 0.1, target = 0.3, w
// starting at 0.5) for steps iterations, each a full Network.Step, and
// returns the fastest of repeat runs and the final weight.
func benchTutorial[T tensor.Float](steps int, lr float64, repeat int, timed func(func() error) error) (float64, float64, error) {
	const x, target, w0 = 0.1, 0.3, 0.5
	sigmoid := activation.Spec{Name: activation.NameSigmoid}
	var w float64
	sec, err := best(repeat, func() (float64, error) {
		net, err := nn.New[T](nn.Spec{Inputs: 1, Layers: []nn.LayerSpec{{Units: 1, Activation: sigmoid, NoBias: true}}}, newRand(1))
		if err != nil {
			return 0, err
		}
		p := net.Params()[0].Value
		p.Data[0] = w0
		xs := tensor.FromSlice(1, 1, []T{x})
		ys := tensor.FromSlice(1, 1, []T{target})
		l := loss.SquaredError[T]{Reduction: loss.Sum}
		var sec float64
		err = timed(func() error {
			start := time.Now()
			for range steps {
				net.Step(l, xs, ys, T(lr))
			}
			sec = time.Since(start).Seconds()
			return nil
		})
		w = float64(p.Data[0])
		return sec, err
	})
	return sec, w, err
}

// tinySamples is how many synthetic samples the tiny network cycles
// through: enough that it cannot memorise them in a few steps, few enough
// to stay in cache like the real one-sample-at-a-time loops it stands for.
const tinySamples = 1000

// benchTiny trains a 2-8-1 sigmoid network (biases on, mean squared error)
// one sample at a time by SGD for steps steps over synthetic samples
// (inputs uniform in [-1, 1), target 1 where both inputs have the same
// sign, else 0), and returns the fastest of repeat runs and the last
// step's loss.
func benchTiny[T tensor.Float](steps int, lr float64, seed uint64, repeat int, timed func(func() error) error) (float64, float64, error) {
	rng := newRand(seed)
	xs := tensor.New[T](tinySamples, 2)
	ys := tensor.New[T](tinySamples, 1)
	for i := range tinySamples {
		a, b := 2*rng.Float64()-1, 2*rng.Float64()-1
		xs.Set(i, 0, T(a))
		xs.Set(i, 1, T(b))
		if a*b > 0 {
			ys.Set(i, 0, 1)
		}
	}
	sigmoid := activation.Spec{Name: activation.NameSigmoid}
	spec := nn.Spec{Inputs: 2, Layers: []nn.LayerSpec{{Units: 8, Activation: sigmoid}, {Units: 1, Activation: sigmoid}}}
	var last float64
	sec, err := best(repeat, func() (float64, error) {
		net, err := nn.New[T](spec, newRand(seed+1))
		if err != nil {
			return 0, err
		}
		l := loss.MSE[T]{}
		var sec float64
		// x and y live outside the loop: declared inside it, the two
		// headers escape to the heap, an allocation per step each.
		x := tensor.Matrix[T]{Rows: 1, Cols: 2}
		y := tensor.Matrix[T]{Rows: 1, Cols: 1}
		err = timed(func() error {
			start := time.Now()
			for i := range steps {
				j := i % tinySamples
				x.Data, y.Data = xs.Data[2*j:2*j+2], ys.Data[j:j+1]
				last = net.Step(l, &x, &y, T(lr))
			}
			sec = time.Since(start).Seconds()
			return nil
		})
		return sec, err
	})
	return sec, last, err
}

// gemmCase is one product for the gemm workload.
type gemmCase struct {
	m, n, k        int
	transA, transB bool
}

// gemmShape reads -size, or -shape and -trans.
func gemmShape(f *benchFlags) (gemmCase, error) {
	if f.shape == "" {
		if f.size < 1 {
			return gemmCase{}, usagef("bench: -size must be ≥ 1")
		}
		return gemmCase{m: f.size, n: f.size, k: f.size}, nil
	}
	dims, err := parseInts("shape", f.shape)
	if err != nil || len(dims) != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1 {
		return gemmCase{}, usagef("bench: -shape %q: want M,N,K, three positive integers", f.shape)
	}
	t := strings.ToUpper(f.trans)
	if len(t) != 2 || strings.Trim(t, "NT") != "" {
		return gemmCase{}, usagef("bench: -trans %q: want NN, TN, NT or TT", f.trans)
	}
	return gemmCase{m: dims[0], n: dims[1], k: dims[2], transA: t[0] == 'T', transB: t[1] == 'T'}, nil
}

// benchGemm times C = op(A)·op(B) on matrices of uniform random values and
// returns the fastest of repeat timings of one product (after one untimed
// product that warms the workspaces and helper goroutines). A product too
// short to time alone is run enough times in a row to take a few
// milliseconds, and its time divided by that count.
func benchGemm[T tensor.Float](g gemmCase, seed uint64, repeat int, timed func(func() error) error) (float64, error) {
	rng := newRand(seed)
	lda, ldb := g.k, g.n
	if g.transA {
		lda = g.m
	}
	if g.transB {
		ldb = g.k
	}
	a, b, c := make([]T, g.m*g.k), make([]T, g.k*g.n), make([]T, g.m*g.n)
	for i := range a {
		a[i] = T(rng.Float64())
	}
	for i := range b {
		b[i] = T(rng.Float64())
	}
	mul := func() { kernel.Gemm(g.transA, g.transB, g.m, g.n, g.k, 1, a, lda, b, ldb, 0, c, g.n) }
	mul()
	// About 0.4 GFLOP a timing: 4 ms at 100 GFLOP/s.
	reps := max(1, int(4e8/(2*float64(g.m)*float64(g.n)*float64(g.k))))
	var sec float64
	err := timed(func() error {
		var err error
		sec, err = best(repeat, func() (float64, error) {
			start := time.Now()
			for range reps {
				mul()
			}
			return time.Since(start).Seconds() / float64(reps), nil
		})
		return err
	})
	return sec, err
}

// mnistEvalBatch is the number of test rows evaluated per forward pass.
const mnistEvalBatch = 1000

// benchMNIST trains a ReLU network on the MNIST training set, pixels
// standardised by the training set's mean and standard deviation (over
// all pixels, as torchvision's Normalize((0.1307,), (0.3081,)) does),
// shuffling every epoch, and measures test accuracy after each epoch until
// it reaches f.target or f.maxEpochs have run.
func benchMNIST[T tensor.Float](f *benchFlags, timed func(func() error) error) (any, error) {
	if f.mnistDir == "" {
		return nil, usagef("bench: -workload mnist needs -mnist FOLDER (scripts/fetch-mnist.sh prints one)")
	}
	spec, sizes, err := benchSpec(f)
	if err != nil {
		return nil, err
	}
	if spec.Inputs != 784 || spec.Outputs() != 10 || f.batch < 1 || f.maxEpochs < 1 {
		return nil, usagef("bench: mnist needs 784 inputs (-layers 784,… or -input-shape 1,28,28), 10 outputs, -batch ≥ 1 and -max-epochs ≥ 1")
	}
	trainSet, err := data.LoadMNIST(f.mnistDir, true)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	testSet, err := data.LoadMNIST(f.mnistDir, false)
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	var sum, sq float64
	for _, v := range trainSet.X.Data {
		sum += v
		sq += v * v
	}
	n := float64(len(trainSet.X.Data))
	mean := sum / n
	std := math.Sqrt(sq/n - mean*mean)
	convert := func(m *tensor.Matrix[float64], standardise bool) *tensor.Matrix[T] {
		out := tensor.New[T](m.Rows, m.Cols)
		for i, v := range m.Data {
			if standardise {
				v = (v - mean) / std
			}
			out.Data[i] = T(v)
		}
		return out
	}
	xTrain, yTrain := convert(trainSet.X, true), convert(trainSet.Y, false)
	xTest := convert(testSet.X, true)

	name := f.opt
	if name == "" {
		name = optim.NameAdam
	}
	oc := optim.Config{Name: name}
	if err := oc.Validate(); err != nil {
		return nil, &UsageError{Err: err}
	}
	o, err := optim.New[T](oc)
	if err != nil {
		return nil, err
	}
	net, err := benchNet[T](spec, f.seed)
	if err != nil {
		return nil, err
	}
	res := mnistResult{Workload: workloadMNIST, Layers: benchLayers(f, sizes), InputShape: spec.InputShape, Batch: f.batch, DType: f.dtype, Threads: f.threads,
		Optimizer: name, LR: orF(f.lr, 0.001), Target: f.target}
	rng := newRand(f.seed + 1)
	order := make([]int, xTrain.Rows)
	for i := range order {
		order[i] = i
	}
	l := loss.SoftmaxCrossEntropy[T]{}
	xb, yb := tensor.New[T](f.batch, 784), tensor.New[T](f.batch, 10)
	err = timed(func() error {
		start := time.Now()
		for res.Epochs < f.maxEpochs {
			rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
			for lo := 0; lo < len(order); lo += f.batch {
				idx := order[lo:min(lo+f.batch, len(order))]
				xb.Resize(len(idx), 784)
				yb.Resize(len(idx), 10)
				for r, i := range idx {
					copy(xb.Row(r), xTrain.Row(i))
					copy(yb.Row(r), yTrain.Row(i))
				}
				net.Gradient(l, xb, yb)
				o.Step(net.Params(), res.LR)
			}
			res.Epochs++
			if nonFiniteParam(net.Params()) {
				return errors.New("bench: training diverged; lower -lr")
			}
			acc := mnistAccuracy(net, xTest, testSet)
			res.Accuracies = append(res.Accuracies, acc)
			if acc >= f.target {
				res.Reached = true
				break
			}
		}
		res.Seconds = time.Since(start).Seconds()
		return nil
	})
	return res, err
}

// mnistAccuracy returns the fraction of the test rows x whose largest
// logit is their class in d, in evaluation mode (dropout off, batch norm
// on its running statistics), putting training mode back after.
func mnistAccuracy[T tensor.Float](net *nn.Network[T], x *tensor.Matrix[T], d *data.Dataset) float64 {
	net.SetTraining(false)
	defer net.SetTraining(true)
	right := 0
	for lo := 0; lo < x.Rows; lo += mnistEvalBatch {
		n := min(mnistEvalBatch, x.Rows-lo)
		xb := tensor.Matrix[T]{Rows: n, Cols: x.Cols, Data: x.Data[lo*x.Cols : (lo+n)*x.Cols]}
		out := net.Forward(&xb)
		for r := range n {
			row := out.Row(r)
			best := 0
			for j, v := range row {
				if v > row[best] {
					best = j
				}
			}
			if best == d.Class(lo+r) {
				right++
			}
		}
	}
	return float64(right) / float64(x.Rows)
}
