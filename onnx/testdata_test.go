package onnx_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

var update = flag.Bool("update", false, "rewrite the ONNX files in testdata")

// goldenFile is one file in testdata: written by Marshal from a fixed
// model, or crafted the way PyTorch writes them.
type goldenFile struct {
	name  string
	model func(t testing.TB) *model.Model
	opts  onnx.Options
	file  func(t *testing.T) ([]byte, onnx.ImportOptions)
}

func goldenFiles() []goldenFile {
	return []goldenFile{
		{name: "classifier.onnx", model: func(t testing.TB) *model.Model {
			m := testModel{inputs: 4, units: []int{5, 3}, acts: []activation.Spec{act(activation.NameGELU), act(activation.NameIdentity)},
				loss: loss.NameSoftmaxCrossEntropy, task: "classification", scaler: data.Standard}.build(t, 1)
			m.ClassNames = []string{"setosa", "versicolor", "virginica"}
			m.FeatureNames = []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}
			m.Created = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
			m.Metrics = map[string]float64{"accuracy": 0.96}
			return m
		}},
		{name: "binary_gelu_op.onnx", opts: onnx.Options{Opset: 20}, model: func(t testing.TB) *model.Model {
			return testModel{inputs: 3, units: []int{4, 1}, acts: []activation.Spec{act(activation.NameGELU), act(activation.NameIdentity)},
				loss: loss.NameBCEWithLogits, task: "classification", scaler: data.MinMax}.build(t, 2)
		}},
		{name: "regression_nobias.onnx", model: func(t testing.TB) *model.Model {
			return testModel{inputs: 2, units: []int{3, 3, 1}, noBias: true,
				acts: []activation.Spec{{Name: activation.NameLeakyReLU, Slope: 0.1}, act(activation.NameSoftplus), act(activation.NameIdentity)},
				loss: loss.NameMSE, task: "regression"}.build(t, 3)
		}},
		{name: "torch_matmul.onnx", file: torchMatMulFile},
		{name: "torch_gemm.onnx", file: torchGemmFile},
	}
}

// TestTestdata checks that the files in testdata are what the code
// writes today (run with -update after a deliberate change) and that
// each imports.
func TestTestdata(t *testing.T) {
	for _, g := range goldenFiles() {
		t.Run(g.name, func(t *testing.T) {
			var want []byte
			if g.file != nil {
				want, _ = g.file(t)
			} else {
				want = mustMarshal(t, g.model(t), g.opts)
			}
			path := filepath.Join("testdata", g.name)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := writeFile(path, want); err != nil {
					t.Fatal(err)
				}
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from what the code writes now; run go test ./onnx -run TestTestdata -update if the change is meant", path)
			}
			m, err := onnx.Load(path, onnx.ImportOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if g.model != nil {
				if a, b := encodeJSON(t, m), encodeJSON(t, g.model(t)); a != b {
					t.Errorf("import of %s:\ngot  %s\nwant %s", path, a, b)
				}
			}
		})
	}
}

// metadataStart returns the offset of the metadata_props field (14) in a
// file Marshal wrote, found with protowire.
func metadataStart(t *testing.T, b []byte) int {
	t.Helper()
	for off := 0; off < len(b); {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			t.Fatal(protowire.ParseError(n))
		}
		if num == 14 {
			return off
		}
		m := protowire.ConsumeFieldValue(num, typ, b[off+n:])
		if m < 0 {
			t.Fatal(protowire.ParseError(m))
		}
		off += n + m
	}
	t.Fatal("no metadata_props")
	return 0
}

// TestTruncated cuts a file at every length: each prefix must give an
// error naming the file, never a panic, except the one that loses only
// the metadata, which is still a complete ONNX model.
func TestTruncated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "classifier.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	complete := metadataStart(t, b)
	for n := range len(b) {
		_, err := onnx.Decode(bytes.NewReader(b[:n]), "model.onnx", onnx.ImportOptions{})
		if n == complete {
			if err != nil {
				t.Errorf("without its metadata (%d bytes): %v", n, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("truncated to %d of %d bytes: no error", n, len(b))
		} else if !strings.HasPrefix(err.Error(), "model.onnx: ") {
			t.Errorf("truncated to %d bytes: error %q does not start with the file name", n, err)
		}
	}
}

// TestCorrupt feeds files that are not ONNX models.
func TestCorrupt(t *testing.T) {
	valid, err := os.ReadFile(filepath.Join("testdata", "classifier.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	var descentJSON bytes.Buffer
	if err := model.Encode(&descentJSON, goldenFiles()[0].model(t), model.JSON); err != nil {
		t.Fatal(err)
	}
	badMeta := editModelMeta(t, valid, `{"version":1,"loss":"softmax_cross_entropy","class_names":["a"]}`)
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "empty"},
		{"descent json", descentJSON.Bytes(), "looks like JSON"},
		{"text", []byte("hello, world\n"), "not an ONNX model"},
		{"bad varint", []byte{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, "not an ONNX model"},
		{"huge length", []byte{0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f}, "not an ONNX model"},
		{"no graph", []byte{0x08, 0x08}, "no graph"},
		{"metadata against graph", badMeta, "metadata"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := onnx.Decode(bytes.NewReader(tt.b), "in.onnx", onnx.ImportOptions{})
			if err == nil || !strings.HasPrefix(err.Error(), "in.onnx: ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one starting with the file name and mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := onnx.Load(filepath.Join(t.TempDir(), "missing.onnx"), onnx.ImportOptions{}); err == nil || !strings.Contains(err.Error(), "missing.onnx") {
		t.Errorf("missing file: err = %v", err)
	}
}

// TestBitFlips flips every bit of a small file in turn: the result must
// be an error or a valid model, never a panic.
func TestBitFlips(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "regression_nobias.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	c := make([]byte, len(b))
	for i := range len(b) * 8 {
		copy(c, b)
		c[i/8] ^= 1 << (i % 8)
		if m, err := onnx.Unmarshal(c, onnx.ImportOptions{}); err == nil {
			if err := m.Validate(); err != nil {
				t.Fatalf("bit %d: imported an invalid model: %v", i, err)
			}
		}
	}
}

// FuzzUnmarshal checks that no input panics, that whatever imports is a
// valid model, and that a float32 model survives export and import.
func FuzzUnmarshal(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.onnx"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files in testdata (%v)", err)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := onnx.Unmarshal(b, onnx.ImportOptions{})
		if err != nil {
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("imported an invalid model: %v", err)
		}
		if m.DType != model.Float32 {
			return // exporting rounds a float64 model's weights
		}
		out, err := onnx.Marshal(m, onnx.Options{})
		if err != nil {
			t.Fatalf("cannot export an imported model: %v", err)
		}
		again, err := onnx.Unmarshal(out, onnx.ImportOptions{})
		if err != nil {
			t.Fatalf("cannot import its own export: %v", err)
		}
		if a, b := encodeJSON(t, again), encodeJSON(t, m); a != b {
			t.Fatalf("export and import changed the model:\ngot  %s\nwant %s", a, b)
		}
	})
}

// editModelMeta replaces descent's metadata in a file.
func editModelMeta(t *testing.T, b []byte, meta string) []byte {
	t.Helper()
	if !json.Valid([]byte(meta)) {
		t.Fatalf("invalid test metadata %s", meta)
	}
	return editModel(t, b, func(mp *onnxpb.ModelProto) {
		for _, p := range mp.MetadataProps {
			if p.Key == onnx.MetadataKey {
				p.Value = meta
			}
		}
	})
}
