package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/onnx"
)

func init() {
	register("export", command{
		summary: "write a saved model as an ONNX file that takes raw features, for any ONNX runtime",
		example: "descent export -model iris.json -o iris.onnx",
		run:     runExport,
	})
	register("import", command{
		summary: "read a feed-forward ONNX model (from descent or PyTorch, say) into a descent model file",
		example: "descent import -onnx net.onnx -o net.json",
		run:     runImport,
	})
}

func runExport(e *env, args []string) error {
	fs := newFlagSet(e, "export")
	path := fs.String("model", "", "the model `file` to export")
	out := fs.String("o", "", "the ONNX `file` to write (default: the model's name with .onnx)")
	opset := fs.Int("opset", onnx.DefaultOpset, fmt.Sprintf("ONNX operator set `version`, %d to %d (GELU is a Gelu node from 20 on)", onnx.MinOpset, onnx.MaxOpset))
	input := fs.String("input", onnx.DefaultInputName, "`name` of the graph's input")
	output := fs.String("output", onnx.DefaultOutputName, "`name` of the graph's output")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("export: -model is required")
	}
	if *opset < onnx.MinOpset || *opset > onnx.MaxOpset {
		return usagef("export: -opset must be %d to %d, got %d", onnx.MinOpset, onnx.MaxOpset, *opset)
	}
	if *out == "" {
		*out = strings.TrimSuffix(*path, filepath.Ext(*path)) + ".onnx"
	}
	m, err := model.Load(*path)
	if err != nil {
		return err
	}
	if err := onnx.Save(*out, m, onnx.Options{Opset: *opset, InputName: *input, OutputName: *output}); err != nil {
		return fmt.Errorf("%s: %w", *out, err)
	}
	link, err := m.Link()
	if err != nil {
		return err
	}
	what := "predictions"
	if link.Name != activation.NameIdentity {
		what = "probabilities (" + link.Name + " applied)"
	}
	scaling := "no scaling"
	if m.Scaler != nil && len(m.Scaler.Scale) > 0 {
		scaling = string(m.Scaler.Kind) + " scaling included"
	}
	fmt.Fprintf(e.stdout, "wrote %s: ONNX opset %d, float32; input %q [batch, %d] raw features (%s); output %q [batch, %d] %s\n",
		*out, *opset, *input, m.Spec.Inputs, scaling, *output, m.Spec.Outputs(), what)
	if m.DType == model.Float64 {
		fmt.Fprintln(e.stdout, "note: the model is float64; ONNX export is float32, so its weights were rounded to float32")
	}
	return nil
}

func runImport(e *env, args []string) error {
	fs := newFlagSet(e, "import")
	path := fs.String("onnx", "", "the ONNX `file` to read")
	out := fs.String("o", "model.json", "where to write the descent model `file`")
	format := fs.String("format", "json", "model file format: json or binary")
	lossName := fs.String("loss", "", "the loss to record, for files not written by descent (default: softmax_cross_entropy if the graph ends in Softmax, else mse)")
	task := fs.String("task", "", "regression or classification (default: from the file or the loss)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("import: -onnx is required")
	}
	f, err := model.ParseFormat(*format)
	if err != nil {
		return usagef("import: %w", err)
	}
	m, err := onnx.Load(*path, onnx.ImportOptions{Loss: *lossName, Task: *task})
	if err != nil {
		return err
	}
	if err := model.Save(*out, m, f); err != nil {
		return err
	}
	// Spec.String describes layers of every kind, e.g. "4 → 16 relu →
	// dropout 0.2 → 3 identity", after the input count.
	layers := strings.TrimPrefix(m.Spec.String(), fmt.Sprint(m.Spec.Inputs))
	fmt.Fprintf(e.stdout, "wrote %s: %d inputs%s; %s, loss %s, %s\n", *out, m.Spec.Inputs, layers, m.DType, m.Loss, m.Task)
	return nil
}
