// Command cnnbench times SGD training steps of a convolutional network in
// descent on synthetic 1×28×28 samples, the CNN row of bench/compare.sh,
// and prints the speed as one JSON object with the fields pybench.py's cnn
// workload prints. It stands in for `descent bench` until that takes
// -layers of any kind with -input-shape.
//
//	go run ./bench/cnnbench -threads 2 -batch 64 -samples 6400
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// result is what one run prints.
type result struct {
	Workload      string  `json:"workload"`
	Layers        string  `json:"layers"`
	Batch         int     `json:"batch"`
	Samples       int     `json:"samples"`
	DType         string  `json:"dtype"`
	Threads       int     `json:"threads"`
	Optimizer     string  `json:"optimizer"`
	Seconds       float64 `json:"seconds"`
	SamplesPerSec float64 `json:"samples_per_sec"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "cnnbench:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("cnnbench", flag.ContinueOnError)
	layers := fs.String("layers", "conv:32:3,maxpool:2,conv:64:3,maxpool:2,128,dropout:0.25", "hidden layers, as descent train -layers; 10 identity outputs follow")
	batch := fs.Int("batch", 64, "samples per step")
	samples := fs.Int("samples", 6400, "samples per timed pass")
	threads := fs.Int("threads", runtime.NumCPU(), "cores to use")
	repeat := fs.Int("repeat", 1, "timed passes; the fastest is reported")
	dtype := fs.String("dtype", "float32", "float32 or float64")
	lr := fs.Float64("lr", 0.01, "SGD learning rate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *batch < 1 || *samples < *batch || *threads < 1 || *repeat < 1 {
		return fmt.Errorf("need -batch ≥ 1, -samples ≥ -batch, -threads ≥ 1 and -repeat ≥ 1")
	}
	hidden, err := nn.ParseLayers(*layers)
	if err != nil {
		return err
	}
	runtime.GOMAXPROCS(*threads)
	tensor.SetThreads(*threads)
	res := result{Workload: "cnn", Layers: *layers, Batch: *batch, Samples: *samples, DType: *dtype, Threads: *threads, Optimizer: optim.NameSGD}
	for range *repeat {
		var sec float64
		switch *dtype {
		case "float32":
			sec, err = pass[float32](hidden, *batch, *samples, *lr)
		case "float64":
			sec, err = pass[float64](hidden, *batch, *samples, *lr)
		default:
			return fmt.Errorf("-dtype must be float32 or float64, got %q", *dtype)
		}
		if err != nil {
			return err
		}
		if res.Seconds == 0 || sec < res.Seconds {
			res.Seconds = sec
		}
	}
	res.SamplesPerSec = float64(*samples) / res.Seconds
	return json.NewEncoder(os.Stdout).Encode(res)
}

// pass builds the network afresh and times one pass of SGD steps over
// synthetic samples, after one untimed step that sizes the workspaces.
func pass[T tensor.Float](hidden []nn.LayerSpec, batch, samples int, lr float64) (float64, error) {
	relu := activation.Spec{Name: activation.NameReLU}
	ls := make([]nn.LayerSpec, 0, len(hidden)+1)
	for _, l := range hidden {
		if (l.Kind == "" || l.Kind == nn.KindDense) && l.Activation.Name == "" {
			l.Activation = relu // what descent train's default -activation gives
		}
		ls = append(ls, l)
	}
	const in, out = 784, 10
	ls = append(ls, nn.LayerSpec{Units: out, Activation: activation.Spec{Name: activation.NameIdentity}})
	rng := rand.New(rand.NewPCG(1, 2))
	net, err := nn.New[T](nn.Spec{Inputs: in, InputShape: nn.Shape{1, 28, 28}, Layers: ls}, rng)
	if err != nil {
		return 0, err
	}
	net.SetTraining(true)
	o, err := optim.New[T](optim.Config{Name: optim.NameSGD})
	if err != nil {
		return 0, err
	}
	x := tensor.New[T](samples, in)
	for i := range x.Data {
		x.Data[i] = T(rng.Float64())
	}
	y := tensor.New[T](samples, out)
	for i := range samples {
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
	return time.Since(start).Seconds(), nil
}
