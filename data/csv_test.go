package data

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// TestCSVCorpus reads every file of the bad-input corpus in testdata and
// checks that each error names the file and, where it applies, the line and
// column, and that good files load with the expected shape.
func TestCSVCorpus(t *testing.T) {
	tests := []struct {
		file string
		opt  CSVOptions
		// For an error: substrings the message must contain, and the
		// sentinel it must wrap (nil for none to check).
		want    []string
		wantIs  error
		rows    int // for success
		cols    int
		task    Task
		classes []string
	}{
		{file: "empty.csv", want: []string{"empty"}, wantIs: ErrNoData},
		{file: "header_only.csv", want: []string{"header but no data"}, wantIs: ErrNoData},
		{file: "ragged.csv", want: []string{"line 4", "2 fields, want 3"}, wantIs: ErrFieldCount},
		{file: "non_numeric.csv", want: []string{"line 4", `column "age" (1)`, `"abc" is not a number`}, wantIs: ErrNotNumber},
		{file: "inf.csv", want: []string{"line 3", `column "b" (2)`, `"inf" is not a finite number`}, wantIs: ErrNotFinite},
		{file: "huge_number.csv", want: []string{"line 4", `column "a" (1)`, `"1e999" is not a finite number`}, wantIs: ErrNotFinite},
		{file: "missing.csv", want: []string{"line 3", `column "age" (1)`, "missing value (empty); use a missing-value policy (drop, mean, median, mode)"}, wantIs: ErrMissingValue},
		{file: "missing_target.csv", want: []string{"line 3", `column "y" (3)`, `missing value ("NA")`}, wantIs: ErrMissingValue},
		{file: "one_class.csv", want: []string{`column "species" (3)`, `only one class ("setosa")`}},
		{file: "iris_small.csv", opt: CSVOptions{Targets: []string{"nope"}}, want: []string{`target column "nope" not found`, `"sepal_length", "sepal_width"`}},
		{file: "iris_small.csv", opt: CSVOptions{Drop: []string{"nope"}}, want: []string{`column to drop "nope" not found`}},
		{file: "iris_small.csv", opt: CSVOptions{TargetIndex: []int{7}}, want: []string{"index 7 out of range", "5 columns"}},
		{file: "iris_small.csv", opt: CSVOptions{Task: RegressionTask}, want: []string{`column "species" (5)`, "must be numeric"}},
		{file: "underscore_number.csv", want: []string{"line 3", `column "a" (1)`, `"1_5" is not a number`}, wantIs: ErrNotNumber},
		{file: "hex_number.csv", want: []string{"line 4", `column "a" (1)`, `"0x1p4" is not a number`}, wantIs: ErrNotNumber},
		{file: "constant_target.csv", want: []string{`column "target" (3)`, `every row has the target value "0": there is nothing to learn`}},
		{file: "constant_target.csv", opt: CSVOptions{Task: RegressionTask}, want: []string{`column "target" (3)`, "nothing to learn"}},
		{file: "constant_target.csv", opt: CSVOptions{Task: ClassificationTask}, want: []string{`column "target" (3)`, `only one class ("0")`, "nothing to learn"}},
		{file: "constant_target.csv", opt: CSVOptions{Targets: []string{"a", "target"}}, want: []string{`column "target" (3)`, "nothing to learn"}},
		{file: "constant_target.csv", opt: CSVOptions{Targets: []string{"a", "b"}}, rows: 3, cols: 1, task: Regression},
		{file: "one_row.csv", rows: 1, cols: 2, task: Regression},
		{file: "duplicate_header.csv", want: []string{"line 1", `column "x" (2)`, `columns 1 and 2 are both named "x"`}},
		{file: "bad_quote.csv", want: []string{"line 3", `extraneous or missing " in quoted-field`}},
		{file: "no_header.csv", opt: CSVOptions{Header: HeaderYes}, rows: 4, cols: 2, task: Classification, classes: []string{"0", "1"}},

		{file: "bom.csv", rows: 3, cols: 2, task: Classification, classes: []string{"a", "b"}},
		{file: "crlf.csv", rows: 3, cols: 2, task: Classification, classes: []string{"a", "b"}},
		{file: "semicolon.csv", rows: 3, cols: 2, task: Classification, classes: []string{"a", "b"}},
		{file: "tab.csv", rows: 3, cols: 2, task: Classification, classes: []string{"a", "b"}},
		{file: "no_header.csv", rows: 5, cols: 2, task: Classification, classes: []string{"0", "1"}},
		{file: "iris_small.csv", rows: 6, cols: 4, task: Classification, classes: []string{"setosa", "versicolor", "virginica"}},
		{file: "categorical.csv", rows: 4, cols: 4, task: Regression},
		{file: "quoted.csv", rows: 2, cols: 3, task: Regression},
		{file: "hex_codes.csv", rows: 3, cols: 4, task: Regression},                                      // the codes are three categories
		{file: "missing.csv", opt: CSVOptions{Missing: MissingDrop}, rows: 2, cols: 2, task: Regression}, // only "red" is left
		{file: "missing.csv", opt: CSVOptions{Missing: MissingMean}, rows: 5, cols: 3, task: Regression},
		{file: "missing.csv", opt: CSVOptions{Missing: MissingMedian}, rows: 5, cols: 3, task: Regression},
		{file: "missing.csv", opt: CSVOptions{Missing: MissingMode}, rows: 5, cols: 3, task: Regression},
		{file: "missing_target.csv", opt: CSVOptions{Missing: MissingMean}, rows: 3, cols: 2, task: Regression},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", tt.file)
		d, s, err := LoadCSV(path, tt.opt)
		if tt.want != nil {
			if err == nil {
				t.Errorf("%s %+v: no error, want one containing %q", tt.file, tt.opt, tt.want)
				continue
			}
			msg := err.Error()
			for _, w := range append([]string{path}, tt.want...) {
				if !strings.Contains(msg, w) {
					t.Errorf("%s: error %q does not contain %q", tt.file, msg, w)
				}
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("%s: error %q does not wrap %v", tt.file, msg, tt.wantIs)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s %+v: %v", tt.file, tt.opt, err)
			continue
		}
		if d.Len() != tt.rows || d.X.Cols != tt.cols || d.Task != tt.task {
			t.Errorf("%s %+v: got %d×%d %v, want %d×%d %v", tt.file, tt.opt, d.Len(), d.X.Cols, d.Task, tt.rows, tt.cols, tt.task)
		}
		if !reflect.DeepEqual(d.ClassNames, tt.classes) {
			t.Errorf("%s: classes %q, want %q", tt.file, d.ClassNames, tt.classes)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", tt.file, err)
		}
		if err := s.Validate(); err != nil {
			t.Errorf("%s: schema: %v", tt.file, err)
		}
	}
}

// TestCSVValues checks the numbers, names and encodings of a small file.
func TestCSVValues(t *testing.T) {
	d, s, err := LoadCSV("testdata/categorical.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"size", "color=blue", "color=green", "color=red"}
	if !reflect.DeepEqual(d.FeatureNames, wantNames) {
		t.Errorf("FeatureNames = %q, want %q", d.FeatureNames, wantNames)
	}
	wantX := []float64{
		1, 0, 0, 1,
		2, 0, 1, 0,
		3, 1, 0, 0,
		4, 0, 0, 1,
	}
	if got := d.X.Values(); !reflect.DeepEqual(got, wantX) {
		t.Errorf("X = %v, want %v", got, wantX)
	}
	if got, want := d.Y.Values(), []float64{10.5, 11, 12.25, 13}; !reflect.DeepEqual(got, want) {
		t.Errorf("Y = %v, want %v", got, want)
	}
	if !reflect.DeepEqual(d.TargetNames, []string{"price"}) {
		t.Errorf("TargetNames = %q", d.TargetNames)
	}
	if got := s.FeatureNames(); !reflect.DeepEqual(got, wantNames) {
		t.Errorf("schema FeatureNames = %q, want %q", got, wantNames)
	}

	d, _, err = LoadCSV("testdata/iris_small.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{0, 0, 1, 1, 2, 2} {
		if got := d.Class(i); got != want {
			t.Errorf("iris row %d: class %d, want %d", i, got, want)
		}
	}
}

// TestMissingPolicies checks the values each policy fills in.
func TestMissingPolicies(t *testing.T) {
	// missing.csv: age 30, _, 41, 50, 29; color red, blue, NA, red, ?.
	tests := []struct {
		policy  MissingPolicy
		ages    []float64
		fillAge string
		fillCol string
	}{
		{MissingDrop, []float64{30, 50}, "", ""},
		{MissingMean, []float64{30, 37.5, 41, 50, 29}, "37.5", "red"},
		{MissingMedian, []float64{30, 35.5, 41, 50, 29}, "35.5", "red"},
		{MissingMode, []float64{30, 29, 41, 50, 29}, "29", "red"},
	}
	for _, tt := range tests {
		d, s, err := LoadCSV("testdata/missing.csv", CSVOptions{Missing: tt.policy})
		if err != nil {
			t.Fatalf("%v: %v", tt.policy, err)
		}
		var ages []float64
		for i := range d.Len() {
			ages = append(ages, d.X.At(i, 0))
		}
		if !reflect.DeepEqual(ages, tt.ages) {
			t.Errorf("%v: ages %v, want %v", tt.policy, ages, tt.ages)
		}
		if s.Columns[0].Fill != tt.fillAge || s.Columns[1].Fill != tt.fillCol {
			t.Errorf("%v: fills %q %q, want %q %q", tt.policy, s.Columns[0].Fill, s.Columns[1].Fill, tt.fillAge, tt.fillCol)
		}
	}
}

// TestDelimiterDetection covers the heuristic's tie-breaks.
func TestDelimiterDetection(t *testing.T) {
	tests := []struct {
		head string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b\n1,5;2,5\n", ';'},
		{"a\tb\n1\t2\n", '\t'},
		{"\"x;y\",b\n1,2\n", ','},
		{"single", ','},
		{"a;b;c", ';'},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.head)); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

// TestHeaderDetection covers the HeaderAuto rule.
func TestHeaderDetection(t *testing.T) {
	tests := []struct {
		first, second []string
		want          bool
	}{
		{[]string{"a", "b"}, []string{"1", "2"}, true},
		{[]string{"1", "2"}, []string{"3", "4"}, false},
		{[]string{"red", "1"}, []string{"blue", "2"}, false},
		{[]string{"color", "1990"}, []string{"blue", "2"}, false},
		{[]string{"name", "1990"}, []string{"3", "2"}, true},
		{[]string{"color", "size"}, []string{"red", "big"}, true},
		{[]string{"a", "b"}, nil, true},
		{[]string{"", "1"}, []string{"2", "3"}, false},
	}
	for _, tt := range tests {
		if got := looksLikeHeader(tt.first, tt.second); got != tt.want {
			t.Errorf("looksLikeHeader(%q, %q) = %v, want %v", tt.first, tt.second, got, tt.want)
		}
	}
}

// TestTaskInference covers AutoTask's rule.
func TestTaskInference(t *testing.T) {
	tests := []struct {
		csv  string
		opt  CSVOptions
		want Task
	}{
		{"x,y\n1,0\n2,1\n3,0\n4,1\n", CSVOptions{}, Classification},
		{"x,y\n1,0\n2,1\n3,2\n4,3\n", CSVOptions{}, Regression},     // distinct > rows/2
		{"x,y\n1,0.5\n2,1\n3,0.5\n4,1\n", CSVOptions{}, Regression}, // not integers
		{"x,y\n1,0\n2,1\n3,2\n4,3\n", CSVOptions{Task: ClassificationTask}, Classification},
		{"x,y\n1,0\n2,1\n3,0\n4,1\n", CSVOptions{Task: RegressionTask}, Regression},
		{"x,y,z\n1,0,1\n2,1,1\n3,0,2\n4,1,2\n", CSVOptions{Targets: []string{"y", "z"}}, Regression},
		{"x,y\n1,3\n2,1\n3,3\n4,1\n", CSVOptions{Categorical: []string{"y"}}, Classification},
	}
	for _, tt := range tests {
		d, _, err := ReadCSV(strings.NewReader(tt.csv), "t.csv", tt.opt)
		if err != nil {
			t.Errorf("%q: %v", tt.csv, err)
			continue
		}
		if d.Task != tt.want {
			t.Errorf("%q %+v: task %v, want %v", tt.csv, tt.opt, d.Task, tt.want)
		}
	}
}

// TestSchemaRoundTrip trains a schema on one file, sends it through JSON,
// and reads new data with it: same layout, target optional, unknown
// categories rejected.
func TestSchemaRoundTrip(t *testing.T) {
	train := "size,color,id,class\n1,red,a,yes\n2,green,b,no\n3,blue,c,yes\n,red,d,no\n"
	d, s, err := ReadCSV(strings.NewReader(train), "train.csv", CSVOptions{Drop: []string{"id"}, Missing: MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	buf, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var s2 Schema
	if err := json.Unmarshal(buf, &s2); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s, &s2) {
		t.Fatalf("schema changed through JSON:\n%+v\n%+v\n%s", s, &s2, buf)
	}
	if !strings.Contains(string(buf), `"task":"classification"`) {
		t.Errorf("task not written as a word: %s", buf)
	}

	// Columns in another order, target absent, a missing size filled with
	// the training mean (2).
	pred := "color,size\nblue,5\nred,\n"
	p, err := ReadCSVWithSchema(strings.NewReader(pred), "new.csv", &s2, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.FeatureNames, d.FeatureNames) {
		t.Errorf("FeatureNames %q, want %q", p.FeatureNames, d.FeatureNames)
	}
	if got, want := p.X.Values(), []float64{5, 1, 0, 0, 2, 0, 0, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("X = %v, want %v", got, want)
	}
	if p.Y.Cols != 0 || p.Y.Rows != 2 {
		t.Errorf("Y is %d×%d, want 2×0", p.Y.Rows, p.Y.Cols)
	}

	// No header, all columns including the target: positional.
	p, err = ReadCSVWithSchema(strings.NewReader("3,green,z,no\n"), "new.csv", &s2, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Y.Cols != 2 || p.Class(0) != 0 {
		t.Errorf("Y = %v, want class 0 of 2", p.Y.Values())
	}

	for _, tt := range []struct{ csv, want string }{
		{"size,color\n1,purple\n", `new.csv line 2, column "color" (2): unknown category: category "purple" was not in the training data`},
		{"size,color,class\n1,red,maybe\n", `new.csv line 2, column "class" (3): unknown category: class "maybe"`},
		{"size,colour\n1,red\n", `feature column "color" of the model is missing`},
		{"1,2,3,4,5,6\n", "6 fields, but the model expects 4 columns (3 without the target)"},
		{"size,color\n1,red\n2\n", "new.csv line 3: wrong number of fields: 1 fields, want 2"},
	} {
		_, err := ReadCSVWithSchema(strings.NewReader(tt.csv), "new.csv", &s2, CSVOptions{})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want it to contain %q", tt.csv, err, tt.want)
		}
	}
}

// TestSchemaNumericClasses reads integer class labels back with a schema.
func TestSchemaNumericClasses(t *testing.T) {
	_, s, err := ReadCSV(strings.NewReader("x,y\n1,10\n2,2\n3,10\n4,2\n"), "t.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2", "10"}; !reflect.DeepEqual(s.ClassNames, want) {
		t.Fatalf("ClassNames %q, want %q (numeric order)", s.ClassNames, want)
	}
	p, err := ReadCSVWithSchema(strings.NewReader("x,y\n5,10.0\n6,2\n"), "n.csv", s, CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Class(0) != 1 || p.Class(1) != 0 {
		t.Errorf("classes %d %d, want 1 0", p.Class(0), p.Class(1))
	}
	_, err = ReadCSVWithSchema(strings.NewReader("x,y\n5,3\n"), "n.csv", s, CSVOptions{})
	if !errors.Is(err, ErrUnknownCategory) {
		t.Errorf("unknown numeric class: error %v, want ErrUnknownCategory", err)
	}
}

// TestWriteCSVRoundTrip writes a loaded dataset and reads it back.
func TestWriteCSVRoundTrip(t *testing.T) {
	for _, f := range []string{"iris_small.csv", "categorical.csv", "quoted.csv", "no_header.csv"} {
		d, s, err := LoadCSV(filepath.Join("testdata", f), CSVOptions{})
		if err != nil {
			t.Fatal(err)
		}
		checkRoundTrip(t, d, s)
	}
}

// checkRoundTrip writes d as CSV, reads it back and fails if any number or
// class changed. The names are replaced by x1.., y1.. first so that
// columns can be named unambiguously when re-reading.
func checkRoundTrip(t *testing.T, d *Dataset, s *Schema) {
	t.Helper()
	plain := *d
	plain.FeatureNames, plain.TargetNames = nil, nil
	var buf bytes.Buffer
	if err := WriteCSV(&buf, &plain); err != nil {
		t.Fatal(err)
	}
	opt := CSVOptions{Header: HeaderYes, Delimiter: ',', Task: RegressionTask, MaxRecordBytes: 1 << 30}
	opt.Targets = []string{}
	if d.Task == Classification {
		opt.Task = ClassificationTask
		opt.Targets = []string{"y1"}
		for _, c := range s.Columns {
			if c.Role == RoleTarget && c.Kind == KindCategorical {
				opt.Categorical = []string{"y1"}
			}
		}
	} else {
		for j := range d.Y.Cols {
			opt.Targets = append(opt.Targets, nameOr(nil, j, "y"))
		}
	}
	d2, _, err := ReadCSV(bytes.NewReader(buf.Bytes()), "roundtrip.csv", opt)
	if err != nil {
		t.Fatalf("re-reading:\n%s\nerror: %v", buf.Bytes(), err)
	}
	if !reflect.DeepEqual(d.X.Values(), d2.X.Values()) || !reflect.DeepEqual(d.Y.Values(), d2.Y.Values()) || !reflect.DeepEqual(d.ClassNames, d2.ClassNames) {
		t.Fatalf("round trip changed the data:\nX %v\nY %v\nclasses %q\nto\nX %v\nY %v\nclasses %q\nvia\n%s", d.X.Values(), d.Y.Values(), d.ClassNames, d2.X.Values(), d2.Y.Values(), d2.ClassNames, buf.Bytes())
	}
}

// TestParseNumber checks the integer fast path and the plain forms against
// strconv, and that the forms strconv reads but a data file does not mean
// as numbers are refused.
func TestParseNumber(t *testing.T) {
	for _, s := range []string{"0", "7", "255", "007", "123456789012345", "1234567890123456", "9007199254740993", "-3", "-0", "1.5", "1e3", "+4", ".5", "5.", "-1.5E-3", "1e+05", "inf", "-Infinity", "NaN", "1e999", "", "x", "e5", ".", "1e", "1e+", "--1", "1.2.3"} {
		got, gerr := parseNumber(s)
		want, werr := strconv.ParseFloat(s, 64)
		if !(got == want || math.IsNaN(got) && math.IsNaN(want)) || math.Signbit(got) != math.Signbit(want) || (gerr == nil) != (werr == nil) {
			t.Errorf("parseNumber(%q) = %v, %v; strconv gives %v, %v", s, got, gerr, want, werr)
		}
		if got := isNumberLiteral(s); got != (werr == nil || errors.Is(werr, strconv.ErrRange)) {
			t.Errorf("isNumberLiteral(%q) = %v; strconv gives %v", s, got, werr)
		}
	}
	for _, s := range []string{"1_5", "1_000", "0x10", "0x1p4", "0X1P-2", "-0x1p4", "0b101", "0o17", "1_0e2", "+1_5.5"} {
		if f, err := parseNumber(s); err == nil {
			t.Errorf("parseNumber(%q) = %v, want an error", s, f)
		}
		if isNumberLiteral(s) {
			t.Errorf("isNumberLiteral(%q) = true, want false", s)
		}
	}
}

// TestPenguinsReal loads the Palmer penguins table (344 rows, categorical
// columns, missing values written NA) when DESCENT_PENGUINS_CSV names it;
// see /work/shared/DATASETS.md for how to get it.
func TestPenguinsReal(t *testing.T) {
	path := os.Getenv("DESCENT_PENGUINS_CSV")
	if path == "" {
		t.Skip("DESCENT_PENGUINS_CSV not set")
	}
	opt := CSVOptions{Targets: []string{"species"}, Drop: []string{"year"}}
	if _, _, err := LoadCSV(path, opt); !errors.Is(err, ErrMissingValue) || !strings.Contains(err.Error(), `line 5, column "bill_length_mm" (3)`) {
		t.Errorf("default policy: error %v, want a missing value on line 5", err)
	}
	for _, tt := range []struct {
		policy MissingPolicy
		rows   int
	}{{MissingDrop, 333}, {MissingMean, 344}, {MissingMedian, 344}, {MissingMode, 344}} {
		opt.Missing = tt.policy
		d, _, err := LoadCSV(path, opt)
		if err != nil {
			t.Fatalf("%v: %v", tt.policy, err)
		}
		want := []string{"island=Biscoe", "island=Dream", "island=Torgersen", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex=female", "sex=male"}
		if d.Len() != tt.rows || !reflect.DeepEqual(d.FeatureNames, want) || !reflect.DeepEqual(d.ClassNames, []string{"Adelie", "Chinstrap", "Gentoo"}) {
			t.Errorf("%v: %d rows, features %q, classes %q", tt.policy, d.Len(), d.FeatureNames, d.ClassNames)
		}
		if err := d.Validate(); err != nil {
			t.Errorf("%v: %v", tt.policy, err)
		}
	}
}
