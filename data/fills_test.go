package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// missingCSV has a numeric feature a, a categorical feature c and a
// target; rows 3 and 5 miss a value, row 6 its target.
const missingCSV = `id,a,c,y
r1,1,u,0
r2,2,u,1
r3,,v,0
r4,10,v,1
r5,100,,0
r6,5,u,
`

func TestKeepMissingLeavesFillsToTheTrainer(t *testing.T) {
	d, s, err := ReadCSV(strings.NewReader(missingCSV), "m.csv", CSVOptions{Missing: MissingMean, KeepMissing: true, Drop: []string{"id"}, IDColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if d.PendingFill != MissingMean || d.DroppedRows != 1 {
		t.Errorf("PendingFill %v, DroppedRows %d; want mean, 1", d.PendingFill, d.DroppedRows)
	}
	if want := []string{"r1", "r2", "r3", "r4", "r5"}; !slices.Equal(d.IDs, want) {
		t.Errorf("IDs %v, want %v", d.IDs, want)
	}
	for _, c := range s.Columns {
		if c.Fill != "" {
			t.Errorf("column %s has fill %q before any training rows were chosen", c.Name, c.Fill)
		}
	}
	if err := d.Validate(); err != nil {
		t.Errorf("Validate refuses the pending NaNs: %v", err)
	}
	// Columns of X: a, c=u, c=v.
	if !math.IsNaN(d.X.At(2, 0)) || !math.IsNaN(d.X.At(4, 1)) || !math.IsNaN(d.X.At(4, 2)) {
		t.Errorf("missing cells are not NaN: %v", d.X.Values())
	}
	// Fitted on rows 0, 1, 3 only: the mean of a is 13/3, not 113/4.
	train := d.Subset([]int{0, 1, 3})
	fs, err := s.FitFills(train.X, d.PendingFill)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range fs.Columns {
		got[c.Name] = c.Fill
	}
	if got["a"] != formatNumber(13.0/3) || got["c"] != "u" {
		t.Errorf("fills %v, want a=%s, c=u", got, formatNumber(13.0/3))
	}
	if err := fs.Validate(); err != nil {
		t.Error(err)
	}
	val := d.Subset([]int{2, 4})
	if err := fs.FillMissing(val.X); err != nil {
		t.Fatal(err)
	}
	want := []float64{13.0 / 3, 0, 1, 100, 1, 0}
	if !slices.Equal(val.X.Values(), want) {
		t.Errorf("filled validation rows %v, want %v", val.X.Values(), want)
	}
	// New data read with the fitted schema uses its fills, not its own.
	nd, err := ReadCSVWithSchema(strings.NewReader("a,c\n,v\n1000,\n"), "new.csv", fs, CSVOptions{Missing: MissingMean})
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{13.0 / 3, 0, 1, 1000, 1, 0}; !slices.Equal(nd.X.Values(), want) {
		t.Errorf("new rows %v, want %v", nd.X.Values(), want)
	}
}

func TestDefaultFillsFromTheWholeFile(t *testing.T) {
	d, s, err := ReadCSV(strings.NewReader(missingCSV), "m.csv", CSVOptions{Missing: MissingMedian, Drop: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	if d.PendingFill != MissingError || slices.ContainsFunc(d.X.Values(), math.IsNaN) {
		t.Errorf("without KeepMissing X should be filled: PendingFill %v, X %v", d.PendingFill, d.X.Values())
	}
	if s.Columns[1].Fill != "6" { // median of 1, 2, 10, 100
		t.Errorf("fill of a = %q, want 6", s.Columns[1].Fill)
	}
}

func TestFillMissingWithoutFillIsAnError(t *testing.T) {
	d, s, err := ReadCSV(strings.NewReader(missingCSV), "m.csv", CSVOptions{Missing: MissingMode, KeepMissing: true, Drop: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	err = s.FillMissing(d.X)
	if err == nil || !strings.Contains(err.Error(), `row 2, column "a"`) {
		t.Errorf("got %v, want an error naming row 2, column \"a\"", err)
	}
	if _, err := s.FitFills(d.Subset([]int{2}).X, MissingMode); err == nil || !strings.Contains(err.Error(), `column "a" has no value`) {
		t.Errorf("fitting on a row without a: got %v, want an error naming the column", err)
	}
}

func TestSkipTargetsKeepsEveryRow(t *testing.T) {
	_, s, err := ReadCSV(strings.NewReader("id,a,y\nr1,1,0\nr2,2,1\nr3,3,0\nr4,4,1\n"), "t.csv", CSVOptions{Drop: []string{"id"}})
	if err != nil {
		t.Fatal(err)
	}
	// The target is missing or an unknown class: predict reads every row.
	in := "id,a,y\nk1,5,\nk2,6,7\nk3,7,1\n"
	d, err := ReadCSVWithSchema(strings.NewReader(in), "p.csv", s, CSVOptions{Missing: MissingMean, SkipTargets: true, IDColumn: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Y.Cols != 0 || d.DroppedRows != 0 || !slices.Equal(d.IDs, []string{"k1", "k2", "k3"}) {
		t.Errorf("got %d rows, %d target columns, %d dropped, ids %v; want 3, 0, 0, [k1 k2 k3]", d.Len(), d.Y.Cols, d.DroppedRows, d.IDs)
	}
}
