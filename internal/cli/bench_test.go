package cli

import (
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// benchJSON runs bench with args and decodes the one JSON object it prints.
func benchJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	code, out, errOut := runCLI(t, append([]string{"bench"}, args...)...)
	if code != 0 {
		t.Fatalf("bench %v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("bench %v printed %q: %v", args, out, err)
	}
}

// TestBenchTutorial checks that the tutorial workload does the tutorial's
// arithmetic: its final weight is the hand-written loop's.
func TestBenchTutorial(t *testing.T) {
	var r loopResult
	benchJSON(t, &r, "-workload", "tutorial", "-iterations", "500", "-dtype", "float64", "-threads", "1", "-repeat", "2")
	const x, target, lr = 0.1, 0.3, 0.5
	w := 0.5
	for range 500 {
		p := 1 / (1 + math.Exp(-x*w))
		w -= lr * 2 * (p - target) * p * (1 - p) * x
	}
	if r.Workload != "tutorial" || r.Steps != 500 || r.Seconds <= 0 || r.NsPerOp <= 0 || math.Abs(r.Final-w) > 1e-9 {
		t.Errorf("got %+v, want final weight %v", r, w)
	}
}

func TestBenchTiny(t *testing.T) {
	var r loopResult
	benchJSON(t, &r, "-workload", "tiny", "-steps", "3000", "-threads", "1")
	if r.Workload != "tiny" || r.Steps != 3000 || r.DType != "float32" || r.Seconds <= 0 || !(r.Final >= 0 && r.Final < 1) {
		t.Errorf("got %+v", r)
	}
}

func TestBenchGemm(t *testing.T) {
	for _, dt := range []string{"float32", "float64"} {
		var r gemmResult
		benchJSON(t, &r, "-workload", "gemm", "-gemm", "96", "-dtype", dt, "-threads", "2", "-repeat", "3")
		if r.Workload != "gemm" || r.Size != 96 || r.DType != dt || r.Threads != 2 || r.Seconds <= 0 || r.GFLOPS <= 0 {
			t.Errorf("got %+v", r)
		}
	}
}

func TestBenchGemmShape(t *testing.T) {
	for _, tr := range []string{"NN", "TN", "NT", "tt"} {
		var r gemmResult
		benchJSON(t, &r, "-workload", "gemm", "-shape", "7,33,20", "-trans", tr, "-threads", "1")
		if r.M != 7 || r.N != 33 || r.K != 20 || r.Trans != tr || r.Size != 0 || r.Seconds <= 0 || r.GFLOPS <= 0 {
			t.Errorf("-trans %s: got %+v", tr, r)
		}
	}
}

func TestBenchCPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.pprof")
	var r benchResult
	benchJSON(t, &r, "-layers", "20,16,4", "-batch", "8", "-samples", "400", "-threads", "1", "-cpuprofile", path)
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("profile %s: %v", path, err)
	}
	if r.Workload != "mlp" || r.Optimizer != "sgd" {
		t.Errorf("got %+v", r)
	}
}

// writeIDX writes a gzipped IDX file of unsigned bytes with the given
// dimensions.
func writeIDX(t *testing.T, path string, dims []int, data []byte) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := gzip.NewWriter(f)
	z.Write([]byte{0, 0, 0x08, byte(len(dims))})
	for _, d := range dims {
		binary.Write(z, binary.BigEndian, uint32(d))
	}
	z.Write(data)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestBenchMNIST runs the mnist workload on a few made-up images in MNIST's
// file format: label k is a bright band in row 2k, easy to learn.
func TestBenchMNIST(t *testing.T) {
	dir := t.TempDir()
	for _, set := range []struct {
		prefix string
		n      int
	}{{"train", 200}, {"t10k", 50}} {
		img := make([]byte, set.n*784)
		lbl := make([]byte, set.n)
		for i := range set.n {
			lbl[i] = byte(i % 10)
			for c := range 28 {
				img[i*784+2*int(lbl[i])*28+c] = 255
			}
		}
		writeIDX(t, filepath.Join(dir, set.prefix+"-images-idx3-ubyte.gz"), []int{set.n, 28, 28}, img)
		writeIDX(t, filepath.Join(dir, set.prefix+"-labels-idx1-ubyte.gz"), []int{set.n}, lbl)
	}
	var r mnistResult
	benchJSON(t, &r, "-workload", "mnist", "-mnist", dir, "-layers", "784,16,10", "-batch", "10", "-lr", "0.01", "-max-epochs", "10", "-threads", "1")
	if r.Workload != "mnist" || r.Optimizer != "adam" || r.Epochs < 1 || len(r.Accuracies) != r.Epochs || r.Seconds <= 0 {
		t.Fatalf("got %+v", r)
	}
	if !r.Reached || r.Accuracies[len(r.Accuracies)-1] < 0.98 {
		t.Errorf("did not learn the bands: %+v", r)
	}
	// A convolutional network on the images' shape, with dropout, which
	// the test accuracy must not see.
	var c mnistResult
	benchJSON(t, &c, "-workload", "mnist", "-mnist", dir, "-layers", "conv:4:3,maxpool:2,dropout:0.5,10", "-input-shape", "1,28,28", "-batch", "10", "-lr", "0.01", "-max-epochs", "10", "-threads", "1")
	if c.Layers != "conv:4:3,maxpool:2,dropout:0.5,10" || !slices.Equal(c.InputShape, []int{1, 28, 28}) || !c.Reached {
		t.Errorf("CNN: got %+v", c)
	}
}

func TestBenchBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-workload", "nope"},
		{"-workload", "mnist"},
		{"-workload", "gemm", "-size", "0"},
		{"-workload", "gemm", "-shape", "1,2"},
		{"-workload", "gemm", "-shape", "4,0,4"},
		{"-workload", "gemm", "-shape", "4,4,4", "-trans", "NX"},
		{"-dtype", "float16"},
		{"-threads", "0"},
		{"-repeat", "0"},
	} {
		if code, _, errOut := runCLI(t, append([]string{"bench"}, args...)...); code != 2 || errOut == "" {
			t.Errorf("bench %v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

// TestBenchLayerKinds times networks of any kind: -layers as train reads
// it, with -input-shape giving the samples' shape and -layers only
// layers, and the cnn workload's defaults.
func TestBenchLayerKinds(t *testing.T) {
	tests := []struct {
		args       []string
		workload   string
		layers     any
		inputShape []int
	}{
		{[]string{"-layers", "conv:4:3,maxpool:2,dropout:0.25,batchnorm,conv:2:2:1:1,avgpool:2,dense:6:tanh,3", "-input-shape", "1,8,8"},
			"mlp", "conv:4:3,maxpool:2,dropout:0.25,batchnorm,conv:2:2:1:1,avgpool:2,dense:6:tanh,3", []int{1, 8, 8}},
		// Without -input-shape the list starts with the input size.
		{[]string{"-layers", "12,dropout:0.1,5,3"}, "mlp", "12,dropout:0.1,5,3", nil},
		// A plain dense list prints its sizes, as before layer kinds.
		{[]string{"-layers", "12,5,3"}, "mlp", []any{12.0, 5.0, 3.0}, nil},
		{[]string{"-workload", "cnn", "-layers", "conv:2:5,maxpool:4,10"}, "cnn", "conv:2:5,maxpool:4,10", []int{1, 28, 28}},
	}
	for _, tt := range tests {
		for _, dt := range []string{"float32", "float64"} {
			var r benchResult
			benchJSON(t, &r, append(tt.args, "-batch", "8", "-samples", "64", "-threads", "1", "-dtype", dt)...)
			if r.Workload != tt.workload || !reflect.DeepEqual(r.Layers, tt.layers) || !slices.Equal(r.InputShape, tt.inputShape) ||
				r.Samples != 64 || !(r.SamplesPerSec > 0) {
				t.Errorf("bench %v -dtype %s: got %+v, want workload %s, layers %v, input shape %v", tt.args, dt, r, tt.workload, tt.layers, tt.inputShape)
			}
			if _, dense := tt.layers.([]any); dense != (r.GFLOPS > 0) {
				t.Errorf("bench %v: gflops %v; want it for plain dense networks only", tt.args, r.GFLOPS)
			}
		}
	}
}

// TestBenchLayerKindsBad checks that a network bench cannot build is a
// usage error that says why.
func TestBenchLayerKindsBad(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-layers", "conv:4:3,10"}, "-layers starts with the input size"},
		{[]string{"-layers", "64"}, "at least one layer"},
		{[]string{"-layers", "64,dropuot:0.2,10"}, `did you mean "dropout"?`},
		{[]string{"-layers", "64,conv:4:3,10"}, "channels×height×width"},
		{[]string{"-layers", "conv:4:5,10", "-input-shape", "1,3,3"}, "does not fit"},
		{[]string{"-layers", "conv:4:3,10", "-input-shape", "1,x,3"}, "-input-shape"},
		{[]string{"-workload", "mnist", "-mnist", ".", "-layers", "conv:4:3,10", "-input-shape", "1,8,8"}, "784 inputs"},
	}
	for _, tt := range tests {
		code, _, errOut := runCLI(t, append([]string{"bench"}, tt.args...)...)
		if code != 2 || !strings.Contains(errOut, tt.want) {
			t.Errorf("bench %v: exit %d, stderr %q; want 2 and %q", tt.args, code, errOut, tt.want)
		}
	}
}
