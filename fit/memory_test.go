package fit

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

// mnistLike returns n rows × cols features like MNIST's pixels (about a
// fifth ink, in [0, 1]) and ten random classes.
func mnistLike(n, cols int, seed uint64) *data.Dataset {
	rng := rand.New(rand.NewPCG(seed, 3))
	x := tensor.New[float64](n, cols)
	y := tensor.New[float64](n, 10)
	for i := range n {
		for j := range x.Row(i) {
			if rng.IntN(5) == 0 {
				x.Row(i)[j] = float64(1+rng.IntN(255)) / 255
			}
		}
		y.Set(i, rng.IntN(10), 1)
	}
	names := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	return &data.Dataset{X: x, Y: y, Task: data.Classification, ClassNames: names}
}

// TestTrainDoesNotCopyTheFeatures bounds what Train allocates on an
// MNIST-sized row (784 features) beyond the data it is given: the split,
// the scaling and the refit read the caller's matrix by index instead of
// copying it. Peak heap is at most the heap before plus everything
// allocated since, so bounding the allocations bounds the peak, whatever
// the garbage collector does. Train used to copy the features twice (the
// split's parts, then all rows for the refit), 2× the data; now it
// allocates under a quarter of it (the targets, a scaler's column block,
// batches), and the caller's matrix is left as it was.
func TestTrainDoesNotCopyTheFeatures(t *testing.T) {
	const n, cols = 20000, 784
	d := mnistLike(n, cols, 1)
	before := tensor.FromSlice(n, cols, append([]float64(nil), d.X.Data...))
	dataBytes := uint64(8 * n * cols)
	o := Defaults()
	o.Hidden = []int{8} // the network's memory is not what is measured
	o.Epochs = 1
	o.BatchSize = 256

	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	res, err := Train(context.Background(), d, nil, o)
	runtime.ReadMemStats(&m1)
	if err != nil {
		t.Fatal(err)
	}
	if res.Refit == nil {
		t.Fatal("no refit ran; the test means to measure it too")
	}
	alloc := m1.TotalAlloc - m0.TotalAlloc
	t.Logf("data %.0f MB (float64); Train allocated %.1f MB (%.2f× the data)", float64(dataBytes)/1e6, float64(alloc)/1e6, float64(alloc)/float64(dataBytes))
	if limit := dataBytes / 3; alloc > limit {
		t.Errorf("Train allocated %d bytes, over a third of the %d bytes of features: it copies them", alloc, dataBytes)
	}
	for i, v := range d.X.Data {
		if v != before.Data[i] {
			t.Fatalf("the caller's features changed: value %d is %v, was %v", i, v, before.Data[i])
		}
	}
}

// pixels returns n rows × cols whole-number pixel values, 0 to 255 (about
// a fifth of them ink), which float32 holds exactly, and ten random
// classes.
func pixels(n, cols int, seed uint64) *data.Dataset {
	d := mnistLike(n, cols, seed)
	rng := rand.New(rand.NewPCG(seed, 4))
	for k, v := range d.X.Data {
		if v != 0 {
			d.X.Data[k] = float64(1 + rng.IntN(255))
		}
	}
	return d
}

// TestTrainPeakWithinTwiceTheData is issue 13's memory bound for training
// on data stored in float32, the training dtype: the heap's peak while
// training, at most the heap before (the data, held once) plus everything
// Train allocates, stays within twice the data plus the model. The
// float64 features this bound replaces were twice the data on their own.
// The model trained is bit for bit the one trained on the float64
// features.
func TestTrainPeakWithinTwiceTheData(t *testing.T) {
	const n, cols = 20000, 784
	o := Defaults()
	o.Hidden = []int{8} // the network's memory is not what is measured
	o.Epochs = 1
	o.BatchSize = 256
	wide := pixels(n, cols, 5)
	want, err := Train(context.Background(), wide, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := wide.Float32()
	if !ok {
		t.Fatal("whole-number pixels were not stored in float32")
	}
	wide = nil // only the float32 features are held from here on

	dataBytes := uint64(4 * n * cols)
	modelBytes := uint64(4 * 3 * (cols*8 + 8 + 8*10 + 10)) // float32 weights and Adam's two moments
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	got, err := Train(context.Background(), d, nil, o)
	runtime.ReadMemStats(&m1)
	if err != nil {
		t.Fatal(err)
	}
	peak := m0.HeapAlloc + (m1.TotalAlloc - m0.TotalAlloc)
	t.Logf("data %.1f MB as float32; heap before Train %.1f MB, peak at most %.1f MB (%.2f× the data)", float64(dataBytes)/1e6, float64(m0.HeapAlloc)/1e6, float64(peak)/1e6, float64(peak)/float64(dataBytes))
	if limit := 2*dataBytes + modelBytes; peak > limit {
		t.Errorf("the heap may have reached %d bytes while training, over %d: twice the %d bytes of float32 features plus the model", peak, limit, dataBytes)
	}
	got.Model.Created, want.Model.Created = time.Time{}, time.Time{}
	gj, err := json.Marshal(got.Model)
	if err != nil {
		t.Fatal(err)
	}
	wj, err := json.Marshal(want.Model)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(gj, wj) {
		t.Error("the model trained on float32 features differs from the one trained on float64")
	}
	runtime.KeepAlive(d)
}
