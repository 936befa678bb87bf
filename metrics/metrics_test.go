package metrics

import (
	"math"
	"strings"
	"testing"

	"github.com/descent-ml/descent/tensor"
)

// close reports whether got is within 1e-12 of want, treating NaN as equal
// to NaN.
func close(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= 1e-12
}

// Three classes, ten samples. Rows are true classes, columns predictions:
//
//	      p0 p1 p2 | support
//	t0     2  1  0 |  3
//	t1     0  2  1 |  3
//	t2     1  1  2 |  4
//	pred   3  4  3
//
// precision: 2/3, 2/4, 2/3      recall: 2/3, 2/3, 2/4
// F1: class 0 = 2/3; classes 1 and 2 = 2·(1/2)(2/3)/(1/2+2/3) = 4/7
// macro F1 = (2/3 + 4/7 + 4/7)/3 = (14 + 12 + 12)/63 = 38/63 ≈ 0.6032
// macro precision = macro recall = (2/3 + 1/2 + 2/3)/3 = 11/18
// accuracy = 6/10
var (
	threeTruth = []int{0, 0, 0, 1, 1, 1, 2, 2, 2, 2}
	threePred  = []int{0, 0, 1, 1, 1, 2, 2, 2, 0, 1}
)

func TestAccuracy(t *testing.T) {
	tests := []struct {
		name        string
		pred, truth []int
		want        float64
	}{
		{"three classes", threePred, threeTruth, 0.6},
		{"all right", []int{1, 0}, []int{1, 0}, 1},
		{"all wrong", []int{1, 0}, []int{0, 1}, 0},
		{"empty", nil, nil, math.NaN()},
	}
	for _, tt := range tests {
		if got := Accuracy(tt.pred, tt.truth); !close(got, tt.want) {
			t.Errorf("%s: Accuracy = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestConfusionMatrixThreeClasses(t *testing.T) {
	c, err := NewConfusionMatrix(threePred, threeTruth, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{2, 1, 0}, {0, 2, 1}, {1, 1, 2}}
	for i := range want {
		for j := range want[i] {
			if c.Counts[i][j] != want[i][j] {
				t.Fatalf("Counts = %v, want %v", c.Counts, want)
			}
		}
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"Precision(0)", c.Precision(0), 2.0 / 3},
		{"Precision(1)", c.Precision(1), 0.5},
		{"Precision(2)", c.Precision(2), 2.0 / 3},
		{"Recall(0)", c.Recall(0), 2.0 / 3},
		{"Recall(1)", c.Recall(1), 2.0 / 3},
		{"Recall(2)", c.Recall(2), 0.5},
		{"F1(0)", c.F1(0), 2.0 / 3},
		{"F1(1)", c.F1(1), 4.0 / 7},
		{"F1(2)", c.F1(2), 4.0 / 7},
		{"MacroPrecision", c.MacroPrecision(), 11.0 / 18},
		{"MacroRecall", c.MacroRecall(), 11.0 / 18},
		{"MacroF1", c.MacroF1(), 38.0 / 63},
		{"Accuracy", c.Accuracy(), 0.6},
		{"Total", float64(c.Total()), 10},
		{"Support(2)", float64(c.Support(2)), 4},
		{"Predicted(1)", float64(c.Predicted(1)), 4},
	}
	for _, tt := range tests {
		if !close(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

// Class 1 occurs but is never predicted, class 2 neither occurs nor is
// predicted:
//
//	class 0: precision 2/3, recall 1, F1 = 2·(2/3)/(5/3) = 4/5
//	class 1: precision 0 (no predictions), recall 0, F1 0
//	class 2: left out of the macro averages
//
// macro precision = (2/3 + 0)/2 = 1/3, macro recall = 1/2, macro F1 = 2/5.
func TestConfusionMatrixZeroDivision(t *testing.T) {
	c, err := NewConfusionMatrix([]int{0, 0, 0}, []int{0, 0, 1}, 3)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want float64
	}{
		{"Precision(1)", c.Precision(1), 0},
		{"Recall(1)", c.Recall(1), 0},
		{"F1(1)", c.F1(1), 0},
		{"Precision(2)", c.Precision(2), 0},
		{"Recall(2)", c.Recall(2), 0},
		{"F1(0)", c.F1(0), 0.8},
		{"MacroPrecision", c.MacroPrecision(), 1.0 / 3},
		{"MacroRecall", c.MacroRecall(), 0.5},
		{"MacroF1", c.MacroF1(), 0.4},
	}
	for _, tt := range tests {
		if !close(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestConfusionMatrixEmpty(t *testing.T) {
	c, err := NewConfusionMatrix(nil, nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]float64{
		"Accuracy": c.Accuracy(), "MacroPrecision": c.MacroPrecision(),
		"MacroRecall": c.MacroRecall(), "MacroF1": c.MacroF1(),
	} {
		if !math.IsNaN(got) {
			t.Errorf("empty %s = %v, want NaN", name, got)
		}
	}
}

func TestConfusionMatrixErrors(t *testing.T) {
	tests := []struct {
		name        string
		pred, truth []int
		classes     int
		wantText    string
	}{
		{"true class too big", []int{0}, []int{2}, 2, "true class 2"},
		{"negative prediction", []int{-1}, []int{0}, 2, "predicted class -1"},
		{"no classes", nil, nil, 0, "at least 1 class"},
	}
	for _, tt := range tests {
		_, err := NewConfusionMatrix(tt.pred, tt.truth, tt.classes)
		if err == nil || !strings.Contains(err.Error(), tt.wantText) {
			t.Errorf("%s: error %v, want one mentioning %q", tt.name, err, tt.wantText)
		}
	}
}

func TestConfusionMatrixFormat(t *testing.T) {
	c, err := NewConfusionMatrix(threePred, threeTruth, 3)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		names []string
		want  string
	}{
		{"named", []string{"setosa", "versicolor", "virginica"}, "" +
			"true \\ predicted  setosa  versicolor  virginica\n" +
			"setosa                 2           1          0\n" +
			"versicolor             0           2          1\n" +
			"virginica              1           1          2\n"},
		{"unnamed", nil, "" +
			"true \\ predicted  0  1  2\n" +
			"0                 2  1  0\n" +
			"1                 0  2  1\n" +
			"2                 1  1  2\n"},
	}
	for _, tt := range tests {
		if got := c.Format(tt.names); got != tt.want {
			t.Errorf("%s: Format =\n%s\nwant\n%s", tt.name, got, tt.want)
		}
	}
	if got, want := c.String(), c.Format(nil); got != want {
		t.Errorf("String =\n%s\nwant Format(nil) =\n%s", got, want)
	}
}

func TestConfusionMatrixReport(t *testing.T) {
	c, err := NewConfusionMatrix(threePred, threeTruth, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := "" +
		"class      precision  recall     f1  support\n" +
		"a              0.667   0.667  0.667        3\n" +
		"b              0.500   0.667  0.571        3\n" +
		"2              0.667   0.500  0.571        4\n" +
		"macro avg      0.611   0.611  0.603       10\n" +
		"accuracy                      0.600       10\n"
	if got := c.Report([]string{"a", "b"}); got != want {
		t.Errorf("Report =\n%s\nwant\n%s", got, want)
	}
}

func TestLogLoss(t *testing.T) {
	tests := []struct {
		name  string
		probs [][]float64
		truth []int
		want  float64
	}{
		{"two classes", [][]float64{{0.8, 0.2}, {0.3, 0.7}}, []int{0, 1}, -(math.Log(0.8) + math.Log(0.7)) / 2},
		{"three classes", [][]float64{{0.5, 0.25, 0.25}}, []int{2}, math.Log(4)},
		{"one column is P(class 1)", [][]float64{{0.9}, {0.2}}, []int{1, 0}, -(math.Log(0.9) + math.Log(0.8)) / 2},
		{"zero clipped", [][]float64{{1, 0}}, []int{1}, -math.Log(1e-15)},
		{"one clipped", [][]float64{{1, 0}}, []int{0}, -math.Log(1 - 1e-15)},
	}
	for _, tt := range tests {
		got, err := LogLoss(tensor.FromRows(tt.probs), tt.truth)
		if err != nil || !close(got, tt.want) {
			t.Errorf("%s: LogLoss = %v, %v; want %v", tt.name, got, err, tt.want)
		}
	}
	if got, err := LogLoss(tensor.New[float64](0, 3), nil); err != nil || !math.IsNaN(got) {
		t.Errorf("empty: LogLoss = %v, %v; want NaN", got, err)
	}
	for _, tt := range []struct {
		probs [][]float64
		truth []int
	}{
		{[][]float64{{0.5, 0.5}}, []int{2}},
		{[][]float64{{0.5}}, []int{2}},
		{[][]float64{{0.5}}, []int{-1}},
	} {
		if _, err := LogLoss(tensor.FromRows(tt.probs), tt.truth); err == nil {
			t.Errorf("LogLoss(%v, %v): no error for a class out of range", tt.probs, tt.truth)
		}
	}
}

func TestRegression(t *testing.T) {
	// pred 1, 2, 3 against truth 1, 2, 5: errors 0, 0, -2.
	// MSE = 4/3, MAE = 2/3. Mean of truth 8/3, SS_tot = (25 + 4 + 49)/9 =
	// 78/9, SS_res = 4, so R² = 1 - 36/78 = 7/13.
	pred, truth := []float64{1, 2, 3}, []float64{1, 2, 5}
	tests := []struct {
		name        string
		pred, truth []float64
		mse, mae    float64
		r2          float64
	}{
		{"hand computed", pred, truth, 4.0 / 3, 2.0 / 3, 7.0 / 13},
		{"perfect", truth, truth, 0, 0, 1},
		{"mean predictor", []float64{2, 2, 2}, []float64{1, 2, 3}, 2.0 / 3, 2.0 / 3, 0},
		{"constant truth, exact", []float64{4, 4}, []float64{4, 4}, 0, 0, 1},
		{"constant truth, off", []float64{3, 4}, []float64{4, 4}, 0.5, 0.5, 0},
		{"empty", nil, nil, math.NaN(), math.NaN(), math.NaN()},
	}
	for _, tt := range tests {
		checks := []struct {
			metric    string
			got, want float64
		}{
			{"MSE", MSE(tt.pred, tt.truth), tt.mse},
			{"RMSE", RMSE(tt.pred, tt.truth), math.Sqrt(tt.mse)},
			{"MAE", MAE(tt.pred, tt.truth), tt.mae},
			{"R2", R2(tt.pred, tt.truth), tt.r2},
		}
		for _, c := range checks {
			if !close(c.got, c.want) {
				t.Errorf("%s: %s = %v, want %v", tt.name, c.metric, c.got, c.want)
			}
		}
	}
}

func TestRegressionMatrix(t *testing.T) {
	// The same numbers as the slice case, laid out as 3×1 and 1×3.
	for _, shape := range [][2]int{{3, 1}, {1, 3}} {
		p := tensor.FromSlice(shape[0], shape[1], []float64{1, 2, 3})
		y := tensor.FromSlice(shape[0], shape[1], []float64{1, 2, 5})
		if got, want := MSE(p, y), 4.0/3; !close(got, want) {
			t.Errorf("%v: MSE = %v, want %v", shape, got, want)
		}
		if got, want := R2(p, y), 7.0/13; !close(got, want) {
			t.Errorf("%v: R2 = %v, want %v", shape, got, want)
		}
	}
}

func TestShapeMismatchPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"Accuracy", func() { Accuracy([]int{1}, nil) }},
		{"MSE slices", func() { MSE([]float64{1}, []float64{1, 2}) }},
		{"MSE matrices", func() { MSE(tensor.New[float64](3, 1), tensor.New[float64](1, 3)) }},
		{"LogLoss", func() { LogLoss(tensor.New[float64](2, 2), []int{0}) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "metrics: ") {
					t.Errorf("%s: recovered %v, want a panic starting \"metrics: \"", tt.name, r)
				}
			}()
			tt.f()
		}()
	}
}

// TestWeightedRegression checks that a row of weight w counts as w copies
// of it, for every metric, and that no weight at all gives NaN.
func TestWeightedRegression(t *testing.T) {
	pred := tensor.FromRows([][]float64{{1.5, 0}, {2, 1}, {0.1, 2}, {4, 3}})
	truth := tensor.FromRows([][]float64{{1, 0.5}, {2.5, 1}, {0, 1}, {3, 3.5}})
	w := []float64{2, 0, 1, 3}
	var rp, rt [][]float64
	for i, n := range w {
		for range int(n) {
			rp, rt = append(rp, pred.Row(i)), append(rt, truth.Row(i))
		}
	}
	mse, mae, r2 := WeightedRegression(pred, truth, w)
	rpm, rtm := tensor.FromRows(rp), tensor.FromRows(rt)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"MSE", mse, MSE(rpm, rtm)},
		{"MAE", mae, MAE(rpm, rtm)},
		{"R²", r2, R2(rpm, rtm)},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("weighted %s %v; repeated rows give %v", c.name, c.got, c.want)
		}
	}
	if mse, mae, r2 := WeightedRegression(pred, truth, make([]float64, 4)); !math.IsNaN(mse) || !math.IsNaN(mae) || !math.IsNaN(r2) {
		t.Errorf("no weight: %v, %v, %v, want NaN", mse, mae, r2)
	}
}
