package cli

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/loss"
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
	N int `json:"n"`
	// Weighted says what weighed the rows in the loss and metrics (the
	// weight column, the class weights); empty when every row counts 1.
	Weighted string   `json:"weighted,omitempty"`
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
	weighted := fs.Bool("weighted", true, "weigh the metrics by the model's weight column (-weight-column at training) when the data has it")
	classWeighted := fs.Bool("class-weighted", false, "weigh the metrics by the class weights the model was trained with (-class-weight) too")
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
	w, how, err := evalWeights(m, *src, d, *missing, *weighted, *classWeighted)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	d.Weights = w
	res, cm, err := evaluate(m, d)
	if err != nil {
		return err
	}
	res.Weighted = how
	if *asJSON {
		return json.NewEncoder(e.stdout).Encode(res)
	}
	fmt.Fprintf(e.stdout, "%s on %s: %s\n", *path, *src, plural.Count(res.N, "sample"))
	if how != "" {
		fmt.Fprintf(e.stdout, "  weighted by %s (the confusion matrix and supports count rows)\n", how)
	}
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
	if d.Weights != nil {
		l = &loss.Weighted[float64]{Loss: l, Reduction: loss.Mean}
		l.(*loss.Weighted[float64]).SetWeights(d.Weights)
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
		score := classScores(cm)
		if d.Weights != nil {
			score = weightedClassScores(got, truth, d.Weights, classes)
			res.Accuracy = ptr(score.accuracy)
			res.F1Macro, res.PrecisionMacro, res.RecallMacro = ptr(score.macro(2)), ptr(score.macro(0)), ptr(score.macro(1))
		}
		for k := range classes {
			res.Classes = append(res.Classes, className(m, k))
			res.PerClass = append(res.PerClass, classScore{Class: className(m, k), Precision: score.per[k][0],
				Recall: score.per[k][1], F1: score.per[k][2], Support: cm.Support(k)})
		}
		return res, cm, nil
	}
	if d.Weights != nil {
		mse, mae, r2 := metrics.WeightedRegression(pred, d.Y, d.Weights)
		res.MSE, res.RMSE, res.MAE, res.R2 = ptr(mse), ptr(math.Sqrt(mse)), ptr(mae), ptr(r2)
		return res, nil, nil
	}
	res.MSE, res.RMSE = ptr(metrics.MSE(pred, d.Y)), ptr(metrics.RMSE(pred, d.Y))
	res.MAE, res.R2 = ptr(metrics.MAE(pred, d.Y)), ptr(metrics.R2(pred, d.Y))
	return res, nil, nil
}

// scores holds a classification's accuracy and each class's precision,
// recall and F1 (per[k][0], [1], [2]).
type scores struct {
	accuracy float64
	per      [][3]float64
}

// macro returns the unweighted mean over the classes of score i (0
// precision, 1 recall, 2 F1), as ConfusionMatrix's macro averages.
func (s scores) macro(i int) float64 {
	var sum float64
	for _, p := range s.per {
		sum += p[i]
	}
	return sum / float64(len(s.per))
}

// classScores returns cm's scores, unweighted.
func classScores(cm *metrics.ConfusionMatrix) scores {
	s := scores{accuracy: cm.Accuracy(), per: make([][3]float64, cm.Classes())}
	for k := range s.per {
		s.per[k] = [3]float64{cm.Precision(k), cm.Recall(k), cm.F1(k)}
	}
	return s
}

// weightedClassScores returns the scores with row i counted w[i] times,
// as scikit-learn's accuracy_score and precision_recall_fscore_support
// with sample_weight: accuracy Σ wᵢ[predᵢ = truthᵢ] / Σ wᵢ; a class's
// precision its weighted true positives over the weight predicted as
// it, its recall over the weight that is it; 0 where nothing is divided
// (scikit-learn's zero_division=0, as ConfusionMatrix does).
func weightedClassScores(pred, truth []int, w []float64, classes int) scores {
	hit := make([]float64, classes)
	predicted := make([]float64, classes)
	actual := make([]float64, classes)
	var all, hits float64
	for i, p := range pred {
		t := truth[i]
		all += w[i]
		predicted[p] += w[i]
		actual[t] += w[i]
		if p == t {
			hit[t] += w[i]
			hits += w[i]
		}
	}
	ratio := func(a, b float64) float64 {
		if b == 0 {
			return 0
		}
		return a / b
	}
	s := scores{accuracy: ratio(hits, all), per: make([][3]float64, classes)}
	for k := range s.per {
		p, r := ratio(hit[k], predicted[k]), ratio(hit[k], actual[k])
		s.per[k] = [3]float64{p, r, ratio(2*p*r, p+r)}
	}
	return s
}

// evalWeights returns the weight of each row of d, the data eval read
// from src with m, and what they came from (empty, and nil weights, for
// none): with samples, the model's weight column (CSVOptions.WeightColumn
// at training) when src is a CSV file that has it; with classes, the
// class weights the model was trained with, recorded in its Training,
// multiplied in. A model's schema leaves its weight column out of the
// features, so the column is read in a second pass, through a copy of
// the schema in which it is the only target: the rows kept are the same
// as in the first pass as long as -missing drops none for a missing
// weight or target, and a different count is an error.
func evalWeights(m *model.Model, src string, d *data.Dataset, missing string, samples, classes bool) ([]float64, string, error) {
	var w []float64
	var how []string
	isFile := src != "" && !strings.HasPrefix(src, "builtin:") && !strings.HasPrefix(src, "mnist:")
	if col := weightColumn(m.Schema); samples && isFile && col != "" {
		s := *m.Schema
		s.Columns = slices.Clone(s.Columns)
		for i, c := range s.Columns {
			switch c.Role {
			case data.RoleTarget:
				s.Columns[i] = data.ColumnSchema{Name: c.Name, Role: data.RoleIgnored}
			case data.RoleWeight:
				s.Columns[i].Role = data.RoleTarget
			}
		}
		s.Task, s.ClassNames = data.Regression, nil
		opt, err := csvOptions(sourceOptions{missing: missing})
		if err != nil {
			return nil, "", err
		}
		wd, err := data.LoadCSVWithSchema(src, &s, opt)
		if err != nil {
			return nil, "", fmt.Errorf("reading the weight column %q: %w", col, err)
		}
		if wd.Y != nil && wd.Y.Cols == 1 {
			if wd.Len() != d.Len() {
				return nil, "", fmt.Errorf("%s: %s with a weight in column %q, %s with the features and targets; rows with a missing weight or target cannot be weighed (fill them, or -weighted=false)",
					src, plural.Count(wd.Len(), "row"), col, plural.Count(d.Len(), "row"))
			}
			w = slices.Clone(wd.Y.Data)
			if err := loss.ValidateWeights(w); err != nil {
				return nil, "", fmt.Errorf("%s, column %q: %w", src, col, err)
			}
			how = append(how, fmt.Sprintf("column %q", col))
		}
	}
	if classes {
		cw, err := trainedClassWeights(m)
		if err != nil {
			return nil, "", err
		}
		if cw != nil {
			if w == nil {
				w = make([]float64, d.Len())
				for i := range w {
					w[i] = 1
				}
			}
			for i := range w {
				w[i] *= cw[d.Class(i)]
			}
			how = append(how, "the class weights of training")
		}
	}
	if w != nil {
		var sum float64
		for _, v := range w {
			sum += v
		}
		if sum == 0 {
			return nil, "", fmt.Errorf("%s: every row weighs 0: there is nothing to score", src)
		}
	}
	return w, strings.Join(how, " and "), nil
}

// weightColumn returns the name of s's weight column, or "".
func weightColumn(s *data.Schema) string {
	if s == nil {
		return ""
	}
	for _, c := range s.Columns {
		if c.Role == data.RoleWeight {
			return c.Name
		}
	}
	return ""
}

// trainedClassWeights returns the class weights m was trained with, one
// per class in m.ClassNames' order (1 for a class they do not name), or
// nil when it was trained without.
func trainedClassWeights(m *model.Model) ([]float64, error) {
	if len(m.Training) == 0 || m.Task != data.Classification.String() {
		return nil, nil
	}
	var rec struct {
		Weights struct {
			Classes map[string]float64 `json:"class_weights"`
		} `json:"weights"`
	}
	if err := json.Unmarshal(m.Training, &rec); err != nil || len(rec.Weights.Classes) == 0 {
		return nil, nil // a model without a readable record was trained without
	}
	k := m.Spec.Outputs()
	if k == 1 {
		k = 2 // one sigmoid output for two classes
	}
	cw := make([]float64, k)
	for i := range cw {
		cw[i] = 1
		name := strconv.Itoa(i)
		if i < len(m.ClassNames) {
			name = m.ClassNames[i]
		}
		if v, ok := rec.Weights.Classes[name]; ok {
			if !(v >= 0 && v <= math.MaxFloat64) {
				return nil, fmt.Errorf("the model's class weight for %q is %v: want a finite number ≥ 0", name, v)
			}
			cw[i] = v
		}
	}
	return cw, nil
}
