package data

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

// sameFeatures fails t unless got reads, through ReadFeatures, exactly the
// float64 features of want (NaN matching NaN).
func sameFeatures(t *testing.T, got, want *Dataset) {
	t.Helper()
	if got.Len() != want.Len() || got.NumFeatures() != want.NumFeatures() {
		t.Fatalf("got %d×%d features, want %d×%d", got.Len(), got.NumFeatures(), want.Len(), want.NumFeatures())
	}
	row := make([]float64, got.NumFeatures())
	for i := range want.Len() {
		got.ReadFeatures(i, 0, row)
		for j, v := range want.X.Row(i) {
			if math.Float64bits(row[j]) != math.Float64bits(v) && !(v != v && row[j] != row[j]) {
				t.Fatalf("row %d, feature %d: got %v, want %v", i, j, row[j], v)
			}
		}
	}
}

// TestCSVFloat32 reads CSVs with and without CSVOptions.Float32: stored in
// float32 when every feature is exact so, in float64 when one is not (the
// first row, the last row, a mean fill), and always the same numbers.
func TestCSVFloat32(t *testing.T) {
	tests := []struct {
		name, csv string
		opt       CSVOptions
		compact   bool
	}{
		{"integers", "a,b,y\n1,200,x\n3,-4,y\n255,0,x\n", CSVOptions{}, true},
		{"one-hot", "a,c,y\n1,red,x\n2,blue,y\n3,red,x\n", CSVOptions{}, true},
		{"halves", "a,y\n0.5,x\n0.25,y\n1e10,x\n", CSVOptions{}, true},
		{"decimal first", "a,y\n0.1,x\n2,y\n3,x\n", CSVOptions{}, false},
		{"decimal last", "a,y\n1,x\n2,y\n0.1,x\n", CSVOptions{}, false},
		{"beyond float32", "a,y\n1,x\n2,y\n1e300,x\n", CSVOptions{}, false},
		{"mean fill not exact", "a,y\n1,x\n,y\n0,x\n0,y\n", CSVOptions{Missing: MissingMean}, false},
		{"median fill exact", "a,y\n1,x\n,y\n2,x\n4,y\n", CSVOptions{Missing: MissingMedian}, true},
		{"kept missing", "a,y\n1,x\n,y\n2,x\n", CSVOptions{Missing: MissingMean, KeepMissing: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want, wantSchema, err := ReadCSV(strings.NewReader(tt.csv), "t.csv", tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			o := tt.opt
			o.Float32 = true
			got, gotSchema, err := ReadCSV(strings.NewReader(tt.csv), "t.csv", o)
			if err != nil {
				t.Fatal(err)
			}
			if got.Compact() != tt.compact {
				t.Errorf("Compact() = %v, want %v", got.Compact(), tt.compact)
			}
			if got.Compact() != (got.X == nil) {
				t.Errorf("Compact() = %v with X %v", got.Compact(), got.X)
			}
			sameFeatures(t, got, want)
			if got.Float64().X == nil {
				t.Fatal("Float64 left X nil")
			}
			sameFeatures(t, got.Float64(), want)
			if !slicesEqual(got.Y.Data, want.Y.Data) || !slicesEqual(got.FeatureNames, want.FeatureNames) {
				t.Errorf("targets or names differ: %v %v, want %v %v", got.Y.Data, got.FeatureNames, want.Y.Data, want.FeatureNames)
			}
			if gs, ws := gotSchema.Columns, wantSchema.Columns; len(gs) != len(ws) {
				t.Errorf("schemas differ: %+v, want %+v", gs, ws)
			}
		})
	}
}

func slicesEqual[E comparable](a, b []E) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && a[i] == a[i] {
			return false
		}
	}
	return true
}

// TestCompactDataset: a dataset stored in float32 validates, subsets,
// fits scalers and writes as CSV as its float64 twin does.
func TestCompactDataset(t *testing.T) {
	d := &Dataset{X: tensor.FromSlice(4, 2, []float64{1, 10, 2, 20, 3, 30, 4, 1 << 30}), Y: tensor.FromSlice(4, 1, []float64{0, 1, 0, 1}), Task: Regression}
	c, ok := d.Float32()
	if !ok || !c.Compact() {
		t.Fatalf("Float32() = %v, %v; want a compact dataset", c.Compact(), ok)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	sub := c.Subset([]int{3, 1})
	if !sub.Compact() {
		t.Error("a subset of a compact dataset is not compact")
	}
	sameFeatures(t, sub, d.Subset([]int{3, 1}))
	if l := c.Labels([]int{2}); l.NumFeatures() != 0 || l.Len() != 1 {
		t.Errorf("Labels: %d×%d, want 1×0", l.Len(), l.NumFeatures())
	}
	for _, kind := range []ScalerKind{Standard, MinMax, Robust, NoScaling} {
		want, err := FitScaler(kind, d.Subset([]int{0, 2, 3}).X)
		if err != nil {
			t.Fatal(err)
		}
		got, err := FitScalerRows(kind, c, []int{0, 2, 3})
		if err != nil {
			t.Fatal(err)
		}
		if !slicesEqual(got.Offset, want.Offset) || !slicesEqual(got.Scale, want.Scale) || got.Clip != want.Clip {
			t.Errorf("%s: FitScalerRows = %+v, want %+v", kind, got, want)
		}
	}
	var a, b strings.Builder
	if err := WriteCSV(&a, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&b, d); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("WriteCSV of the compact dataset:\n%s\nwant\n%s", a.String(), b.String())
	}
	if _, ok := (&Dataset{X: tensor.FromSlice(1, 1, []float64{0.1}), Y: d.Y}).Float32(); ok {
		t.Error("Float32 stored 0.1, which float32 cannot hold exactly")
	}
	bad, _ := (&Dataset{X: tensor.FromSlice(1, 1, []float64{1}), Y: tensor.New[float64](1, 1)}).Float32()
	bad.x32.Data[0] = float32(math.Inf(1))
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "feature column 0 is +Inf") {
		t.Errorf("Validate of an infinite float32 feature: %v", err)
	}
}

// heapAfterGC returns the bytes of live heap objects after a collection.
func heapAfterGC() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestLoadFloat32Memory bounds what loading MNIST-shaped data in float32
// costs: the dataset holds 4 bytes per feature value (it held 8), and the
// load allocates, besides the text a CSV reader must parse, little more
// than those 4 bytes (no float64 matrix, not even for a moment; the CSV
// reader allocated 489 MB for the 60,000 × 785 file's 381 MB of float64). Bounding
// allocation bounds the peak: the heap never holds more than it held
// before plus what was allocated since.
func TestLoadFloat32Memory(t *testing.T) {
	const n, cols = 10000, 784
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "pixels.csv")
	if err := writeMNISTLikeCSV(csvPath, n, cols); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	pixels := make([]byte, n*cols)
	for i := range pixels {
		pixels[i] = byte(i * 7)
	}
	labels := make([]byte, n)
	for i := range labels {
		labels[i] = byte(i % 10)
	}
	for name, b := range map[string][]byte{
		"train-images-idx3-ubyte": idxBytes(0x08, []int{n, 28, 28}, pixels),
		"train-labels-idx1-ubyte": idxBytes(0x08, []int{n}, labels),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	values := uint64(n * cols)
	targets := uint64(8 * n * 10)
	tests := []struct {
		name string
		load func() (*Dataset, error)
		text uint64 // bytes of input the reader parses into strings
	}{
		{"csv", func() (*Dataset, error) {
			d, _, err := LoadCSV(csvPath, CSVOptions{Float32: true})
			return d, err
		}, uint64(st.Size())},
		{"mnist", func() (*Dataset, error) { return LoadMNISTWith(dir, true, MNISTOptions{Float32: true}) }, values},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := heapAfterGC()
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			d, err := tt.load()
			runtime.ReadMemStats(&m1)
			if err != nil {
				t.Fatal(err)
			}
			held := heapAfterGC() - before
			alloc := m1.TotalAlloc - m0.TotalAlloc
			t.Logf("%d×%d: holds %.1f MB (%.2f bytes a value), allocated %.1f MB for %.1f MB of input", n, cols, float64(held)/1e6, float64(held)/float64(values), float64(alloc)/1e6, float64(tt.text)/1e6)
			if !d.Compact() {
				t.Fatal("the features are not stored in float32")
			}
			if limit := 4*values + targets + values/10; held > limit {
				t.Errorf("the dataset holds %d bytes, over %d: 4 bytes a feature value and the targets", held, limit)
			}
			// 5 bytes a value: the 4 stored, with the reader's 2% headroom,
			// and its buffer's growth over the first rows, before the
			// file's size tells it how many rows to expect. Stored as
			// float64, the values alone took 8.
			if limit := tt.text + 5*values + 2*targets; alloc > limit {
				t.Errorf("loading allocated %d bytes, over %d: the input, 5 bytes a value and the targets", alloc, limit)
			}
			runtime.KeepAlive(d)
		})
	}
}

// TestLoadMNISTFloat32Exact: pixels stored in float32 read as exactly the
// float64 values LoadMNIST gives, b/255.
func TestLoadMNISTFloat32Exact(t *testing.T) {
	dir := t.TempDir()
	pixels := make([]byte, 256*4)
	for i := range pixels {
		pixels[i] = byte(i)
	}
	labels := make([]byte, 256)
	for i := range labels {
		labels[i] = byte(i % 10)
	}
	if err := os.WriteFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"), gzipBytes(t, idxBytes(0x08, []int{256, 2, 2}, pixels)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"), idxBytes(0x08, []int{256}, labels), 0o644); err != nil {
		t.Fatal(err)
	}
	want, err := LoadMNIST(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	got, err := LoadMNISTWith(dir, false, MNISTOptions{Float32: true})
	if err != nil {
		t.Fatal(err)
	}
	if !got.Compact() || want.Compact() {
		t.Fatalf("Compact: %v with Float32, %v without", got.Compact(), want.Compact())
	}
	sameFeatures(t, got, want)
	sameFeatures(t, got.Subset([]int{255, 3}), want.Subset([]int{255, 3}))
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	if !slicesEqual(got.Y.Data, want.Y.Data) || !slicesEqual(got.SampleShape, want.SampleShape) {
		t.Error("targets or shape differ")
	}
}
