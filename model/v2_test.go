package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/nn"
)

// convModel returns a small float32 image classifier with every part
// format version 2 adds: an input shape, a convolution (its weights of
// rank 4), batch normalisation's running statistics and pooling. Its
// weights come from the initializer and its statistics are set by hand,
// not trained, so that the golden files do not follow the convolution's
// arithmetic.
func convModel(t testing.TB) *Model {
	t.Helper()
	spec := nn.Spec{Inputs: 2 * 4 * 4, InputShape: nn.Shape{2, 4, 4}, Layers: []nn.LayerSpec{
		{Kind: nn.KindConv2D, Filters: 3, Kernel: 3, Padding: 1, Activation: activation.Spec{Name: activation.NameReLU}},
		{Kind: nn.KindBatchNorm},
		{Kind: nn.KindMaxPool2D, Kernel: 2},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float32](spec, rand.New(rand.NewPCG(5, 6)))
	for k, b := range net.Buffers() {
		for j := range b.Value.Data {
			b.Value.Data[j] = float32(k+1)/4 + float32(j)/8
		}
	}
	m, err := FromNetwork(net, "softmax_cross_entropy", "classification")
	if err != nil {
		t.Fatal(err)
	}
	m.ClassNames = []string{"cat", "dog"}
	return m
}

// TestVersionWritten checks that a model is written as version 2 exactly
// when a version-1 reader could not read it correctly, and as version 1
// otherwise, in both encodings and in checkpoints.
func TestVersionWritten(t *testing.T) {
	dense := classifier(t)
	shaped := nn.MustNew[float64](nn.Spec{Inputs: 3, InputShape: nn.Shape{3}, Layers: []nn.LayerSpec{{Units: 2}}}, rand.New(rand.NewPCG(1, 1)))
	withShape, err := FromNetwork(shaped, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		m    *Model
		want int
	}{
		{"dense", dense, 1},
		{"dense float32", binary32(t), 1},
		{"dense with an input shape", withShape, 2},
		{"batch normalisation", batchNormModel(t), 2},
		{"convolution", convModel(t), 2},
	} {
		if tt.m.Version != tt.want {
			t.Errorf("%s: FromNetwork gives version %d, want %d", tt.name, tt.m.Version, tt.want)
		}
		j := encoded(t, tt.m, JSON)
		if want := []byte(`"version": ` + string(rune('0'+tt.want)) + ","); !bytes.Contains(j, want) {
			t.Errorf("%s: JSON does not hold %s", tt.name, want)
		}
		b := encoded(t, tt.m, Binary)
		if got := binary.LittleEndian.Uint32(b[8:]); got != uint32(tt.want) {
			t.Errorf("%s: binary version %d, want %d", tt.name, got, tt.want)
		}
		c := &Checkpoint{Model: tt.m}
		for _, f := range []Format{JSON, Binary} {
			cb := encodedCheckpoint(t, c, f)
			var got uint32
			if f == Binary {
				got = binary.LittleEndian.Uint32(cb[8:])
			} else if bytes.Contains(cb, []byte(`"version": 2,`)) {
				got = 2
			} else if bytes.Contains(cb, []byte(`"version": 1,`)) {
				got = 1
			}
			if got != uint32(tt.want) {
				t.Errorf("%s: %v checkpoint version %d, want %d", tt.name, f, got, tt.want)
			}
		}
	}
	// Whatever version a model says it came from, it is written with the
	// lowest that holds it.
	old := batchNormModel(t)
	old.Version = 1
	if b := encoded(t, old, Binary); binary.LittleEndian.Uint32(b[8:]) != 2 {
		t.Errorf("a batchnorm model read from version 1 is written as version %d, want 2", binary.LittleEndian.Uint32(b[8:]))
	}
}

// TestOldReaderRefusesV2 runs a reader whose newest version is 1, the
// header check every reader before version 2 ran, on the version-2 files,
// and the reader of today on them with their version raised to 3: both
// refuse the file by its version, not by what they do not understand.
func TestOldReaderRefusesV2(t *testing.T) {
	for _, file := range []string{"conv.json", "conv.bin", "batchnorm.json", "batchnorm.bin"} {
		b, err := os.ReadFile(filepath.Join("testdata", file))
		if err != nil {
			t.Fatal(err)
		}
		var h wireHeader
		if strings.HasSuffix(file, ".bin") {
			h = wireHeader{Format: formatModel, Version: int(binary.LittleEndian.Uint32(b[8:]))}
		} else if err := json.Unmarshal(b, &h); err != nil {
			t.Fatal(err)
		}
		err = checkHeaderUpTo(h, formatModel, 1)
		if !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "format version 2 is newer than this descent understands (1)") {
			t.Errorf("%s: a version-1 reader says %v, want ErrNewerVersion for version 2", file, err)
		}

		var future []byte
		if strings.HasSuffix(file, ".bin") {
			future = bytes.Clone(b)
			binary.LittleEndian.PutUint32(future[8:], 3)
			future = reseal(future)
		} else {
			future = replaceOnce(t, b, `"version": 2`, `"version": 3`)
		}
		_, err = Decode(bytes.NewReader(future), file)
		if !errors.Is(err, ErrNewerVersion) || !strings.Contains(err.Error(), "format version 3 is newer than this descent understands (2)") {
			t.Errorf("%s with version 3: %v, want ErrNewerVersion", file, err)
		}
	}
}

// TestTensorShape checks that a convolution's weights carry their rank-4
// shape in memory and in both encodings, held as filters × the rest.
func TestTensorShape(t *testing.T) {
	m := convModel(t)
	w := m.Params[0]
	if want := []int{3, 2, 3, 3}; w.Name != "layer1.weight" || !slices.Equal(w.Shape, want) || w.Rows != 3 || w.Cols != 18 {
		t.Fatalf("conv weight %s %v (%d×%d), want layer1.weight %v (3×18)", w.Name, w.Shape, w.Rows, w.Cols, want)
	}
	for _, p := range m.Params[1:] {
		if p.Shape != nil {
			t.Errorf("%s has shape %v, a matrix has none", p.Name, p.Shape)
		}
	}
	if j := encoded(t, m, JSON); !bytes.Contains(j, []byte(`"name": "layer1.weight", "rows": 3, "cols": 18, "shape": [3, 2, 3, 3], "values"`)) {
		t.Errorf("JSON does not give the weight's shape:\n%s", j)
	}
	// A model built by hand without the shape is written with it and
	// loads with it.
	bare := convModel(t)
	bare.Params[0].Shape = nil
	for _, f := range []Format{JSON, Binary} {
		got, err := Decode(bytes.NewReader(encoded(t, bare, f)), "bare")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%v: a model without shapes loads as %+v, want %+v", f, got, m)
		}
	}
}

// TestVersion1Files loads files written before version 2, kept in
// testdata/v1 and never rewritten by -update: they load unchanged, to
// the model this version makes (which it would write as version 2 when
// it needs to), with Version 1.
func TestVersion1Files(t *testing.T) {
	for _, tt := range []struct {
		file string
		want *Model
	}{
		{"model.json", classifier(t)},
		{"model.bin", classifier(t)},
		{"model32.json", binary32(t)},
		{"batchnorm.json", batchNormModel(t)},
		{"batchnorm.bin", batchNormModel(t)},
		{"conv.json", convModel(t)},
		{"conv.bin", convModel(t)},
	} {
		path := filepath.Join("testdata", "v1", tt.file)
		got, err := Load(path)
		if err != nil {
			t.Errorf("Load: %v", err)
			continue
		}
		tt.want.Version = 1
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", path, got, tt.want)
		}
	}
	c, err := LoadCheckpoint(filepath.Join("testdata", "v1", "checkpoint.json"))
	if err != nil {
		t.Fatal(err)
	}
	if want := checkpoint(t); !reflect.DeepEqual(c, want) {
		t.Errorf("v1/checkpoint.json: got %+v, want %+v", c, want)
	}
}
