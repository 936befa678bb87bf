package cli

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// saveTestModel writes a small float32 classifier with a scaler.
func saveTestModel(t *testing.T, dir string) (string, *model.Model) {
	t.Helper()
	rng := rand.New(rand.NewPCG(4, 2))
	net := nn.MustNew[float32](nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
		{Units: 5, Activation: activation.Spec{Name: activation.NameGELU}},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}, rng)
	m, err := model.FromNetwork(net, loss.NameSoftmaxCrossEntropy, "classification")
	if err != nil {
		t.Fatal(err)
	}
	m.ClassNames = []string{"no", "yes"}
	x := tensor.FromRows([][]float64{{1, 20, 300}, {2, 25, 310}, {4, 21, 290}})
	if m.Scaler, err = data.FitScaler(data.Standard, x); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "m.json")
	if err := model.Save(path, m, model.JSON); err != nil {
		t.Fatal(err)
	}
	return path, m
}

// TestExportImport runs descent export and descent import and wants the
// model back as it was.
func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	path, _ := saveTestModel(t, dir)
	code, out, errOut := runCLI(t, "export", "-model", path)
	onnxPath := filepath.Join(dir, "m.onnx")
	if code != 0 || !strings.Contains(out, "wrote "+onnxPath) || !strings.Contains(out, "probabilities (softmax applied)") || !strings.Contains(out, "standard scaling included") {
		t.Fatalf("export: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	back := filepath.Join(dir, "back.json")
	code, out, errOut = runCLI(t, "import", "-onnx", onnxPath, "-o", back)
	if code != 0 || !strings.Contains(out, "3 inputs → 5 gelu → 2 identity; float32, loss softmax_cross_entropy, classification") {
		t.Fatalf("import: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("export then import changed the model file:\ngot  %s\nwant %s", got, want)
	}
}

func TestImportTorchFile(t *testing.T) {
	out := filepath.Join(t.TempDir(), "torch.bin")
	code, stdout, errOut := runCLI(t, "import", "-onnx", filepath.Join("..", "..", "onnx", "testdata", "torch_gemm.onnx"), "-o", out, "-format", "binary")
	if code != 0 || !strings.Contains(stdout, "4 inputs → 6 relu → 2 identity; float32, loss softmax_cross_entropy, classification") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	if _, err := model.Load(out); err != nil {
		t.Fatal(err)
	}
}

func TestONNXCommandErrors(t *testing.T) {
	dir := t.TempDir()
	path, _ := saveTestModel(t, dir)
	corrupt := filepath.Join(dir, "corrupt.onnx")
	if err := os.WriteFile(corrupt, []byte("\x0a\xff\xff\xff"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"export needs -model", []string{"export"}, 2, "-model is required"},
		{"export bad opset", []string{"export", "-model", path, "-opset", "9"}, 2, "-opset"},
		{"export missing model", []string{"export", "-model", filepath.Join(dir, "nope.json")}, 1, "nope.json"},
		{"import needs -onnx", []string{"import"}, 2, "-onnx is required"},
		{"import bad format", []string{"import", "-onnx", corrupt, "-format", "xml"}, 2, "xml"},
		{"import corrupt", []string{"import", "-onnx", corrupt, "-o", filepath.Join(dir, "x.json")}, 1, "corrupt.onnx: not an ONNX model"},
		{"import a descent model", []string{"import", "-onnx", path, "-o", filepath.Join(dir, "y.json")}, 1, "looks like JSON"},
		{"import bad loss", []string{"import", "-onnx", filepath.Join("..", "..", "onnx", "testdata", "torch_gemm.onnx"), "-o", filepath.Join(dir, "z.json"), "-loss", "bce_logits"}, 1, "does not end with it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runCLI(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errOut, tt.code, tt.want)
			}
		})
	}
}
