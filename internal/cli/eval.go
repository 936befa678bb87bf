package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/metrics"
	"github.com/descent-ml/descent/model"
)

func init() {
	register("eval", command{
		summary: "measure a saved model on labelled data: loss, accuracy and F1, or MSE, MAE and R²",
		example: "descent eval -model iris.json -data builtin:iris -json",
		run:     runEval,
	})
}

// loadForModel reads SRC laid out as the model's training data was: a CSV
// through the model's schema when it has one, anything else as train
// reads it.
func loadForModel(m *model.Model, src, target, missing string) (*data.Dataset, error) {
	isFile := src != "" && !strings.HasPrefix(src, "builtin:") && !strings.HasPrefix(src, "mnist:")
	if isFile && m.Schema != nil {
		opt, err := csvOptions(sourceOptions{missing: missing})
		if err != nil {
			return nil, err
		}
		return data.LoadCSVWithSchema(src, m.Schema, opt)
	}
	d, _, err := loadSource(src, sourceOptions{target: target, missing: missing, task: m.Task})
	if err != nil {
		return nil, err
	}
	if d.X.Cols != m.Spec.Inputs {
		return nil, fmt.Errorf("%s has %d feature columns, the model takes %d", src, d.X.Cols, m.Spec.Inputs)
	}
	return d, nil
}

// evalResult holds what eval prints; absent fields do not apply.
type evalResult struct {
	N        int      `json:"n"`
	Loss     float64  `json:"loss"`
	Accuracy *float64 `json:"accuracy,omitempty"`
	F1Macro  *float64 `json:"f1_macro,omitempty"`
	MSE      *float64 `json:"mse,omitempty"`
	RMSE     *float64 `json:"rmse,omitempty"`
	MAE      *float64 `json:"mae,omitempty"`
	R2       *float64 `json:"r2,omitempty"`

	// Classification only: the class names, the confusion matrix (rows
	// the true class, columns the predicted one, in Classes' order) and
	// each class's scores.
	PrecisionMacro  *float64     `json:"precision_macro,omitempty"`
	RecallMacro     *float64     `json:"recall_macro,omitempty"`
	Classes         []string     `json:"classes,omitempty"`
	ConfusionMatrix [][]int      `json:"confusion_matrix,omitempty"`
	PerClass        []classScore `json:"per_class,omitempty"`
}

// classScore is one class's scores, as scikit-learn's
// classification_report gives them.
type classScore struct {
	Class     string  `json:"class"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

func runEval(e *env, args []string) error {
	fs := newFlagSet(e, "eval")
	path := fs.String("model", "", "the model `file`")
	src := fs.String("data", "", "labelled data `SRC`: a CSV file, mnist:DIR[:test] or builtin:NAME")
	target := fs.String("target", "", "target `column` when the data is not a CSV laid out like the training file")
	missing := fs.String("missing", "error", "missing values: error, drop, mean, median or mode")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("eval: -model is required")
	}
	m, err := model.Load(*path)
	if err != nil {
		return err
	}
	d, err := loadForModel(m, *src, *target, *missing)
	if err != nil {
		return err
	}
	if d.Y == nil || d.Y.Cols == 0 {
		return fmt.Errorf("eval: %s has no target column; eval needs labelled data (use predict for unlabelled data)", *src)
	}
	if d.Y.Cols != m.Spec.Outputs() {
		return fmt.Errorf("eval: %s has %d target columns, the model has %d outputs", *src, d.Y.Cols, m.Spec.Outputs())
	}
	res, cm, err := evaluate(m, d)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	fmt.Fprintf(e.stdout, "%s on %s: %s\n", *path, *src, plural.Count(res.N, "sample"))
	fmt.Fprintf(e.stdout, "  loss      %.6g (%s)\n", res.Loss, m.Loss)
	for _, kv := range []struct {
		k string
		v *float64
	}{{"accuracy", res.Accuracy}, {"f1_macro", res.F1Macro}, {"mse", res.MSE}, {"rmse", res.RMSE}, {"mae", res.MAE}, {"r2", res.R2}} {
		if kv.v != nil {
			fmt.Fprintf(e.stdout, "  %-9s %.6g\n", kv.k, *kv.v)
		}
	}
	if cm != nil {
		fmt.Fprintf(e.stdout, "\nconfusion matrix (rows: true class, columns: predicted)\n%s", cm.Format(m.ClassNames))
		fmt.Fprintf(e.stdout, "\nper class\n%s", cm.Report(m.ClassNames))
	}
	return nil
}

// evaluate scores the model on d: the training loss on the network's raw
// outputs, then the task's metrics on its predictions.
func evaluate(m *model.Model, d *data.Dataset) (evalResult, *metrics.ConfusionMatrix, error) {
	res := evalResult{N: d.Len()}
	net, err := model.Network[float64](m)
	if err != nil {
		return res, nil, err
	}
	x := d.X.Clone()
	if m.Scaler != nil {
		if err := m.Scaler.Transform(x); err != nil {
			return res, nil, err
		}
	}
	l, err := m.LossFunc()
	if err != nil {
		return res, nil, err
	}
	res.Loss = l.Forward(net.Forward(x), d.Y)
	pred, err := m.Predict(d.X)
	if err != nil {
		return res, nil, err
	}
	ptr := func(v float64) *float64 { return &v }
	if m.Task == data.Classification.String() {
		truth := d.Classes()
		got := make([]int, pred.Rows)
		for i := range got {
			got[i] = model.ClassOf(pred.Row(i))
		}
		classes := max(d.Y.Cols, 2)
		cm, err := metrics.NewConfusionMatrix(got, truth, classes)
		if err != nil {
			return res, nil, err
		}
		res.Accuracy, res.F1Macro = ptr(cm.Accuracy()), ptr(cm.MacroF1())
		res.PrecisionMacro, res.RecallMacro = ptr(cm.MacroPrecision()), ptr(cm.MacroRecall())
		res.ConfusionMatrix = cm.Counts
		for k := range classes {
			res.Classes = append(res.Classes, className(m, k))
			res.PerClass = append(res.PerClass, classScore{Class: className(m, k), Precision: cm.Precision(k),
				Recall: cm.Recall(k), F1: cm.F1(k), Support: cm.Support(k)})
		}
		return res, cm, nil
	}
	res.MSE, res.RMSE = ptr(metrics.MSE(pred, d.Y)), ptr(metrics.RMSE(pred, d.Y))
	res.MAE, res.R2 = ptr(metrics.MAE(pred, d.Y)), ptr(metrics.R2(pred, d.Y))
	return res, nil, nil
}
