package fit

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
)

// TestFillsFittedOnTrainingRows: with missing values left in place
// (KeepMissing), the mean that fills them is the training split's, not
// the whole file's; the refit on all rows recomputes it on all rows.
func TestFillsFittedOnTrainingRows(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b,y\n")
	const n = 40
	for i := range n {
		a := strconv.Itoa(i * i) // distinct values: any split moves the mean
		if i%5 == 0 {
			a = ""
		}
		fmt.Fprintf(&b, "%s,%d,%d\n", a, i%3, i)
	}
	d, s, err := data.ReadCSV(strings.NewReader(b.String()), "m.csv", data.CSVOptions{Missing: data.MissingMean, KeepMissing: true})
	if err != nil {
		t.Fatal(err)
	}
	meanOf := func(rows []int) string {
		var sum float64
		k := 0
		for _, i := range rows {
			if i%5 != 0 {
				sum += float64(i * i)
				k++
			}
		}
		return strconv.FormatFloat(sum/float64(k), 'g', -1, 64)
	}
	o := quick()
	o.Epochs = 2
	o.ValSplit = 0.25
	trainRows, _ := data.TrainTestSplit(n, o.ValSplit, newRand(o.Seed^1), nil)
	for _, refit := range []bool{false, true} {
		o.Refit = refit
		res, err := Train(context.Background(), d, s, o)
		if err != nil {
			t.Fatal(err)
		}
		want := meanOf(trainRows)
		if refit {
			want = meanOf(all(n))
		}
		if got := res.Model.Schema.Columns[0].Fill; got != want {
			t.Errorf("refit=%v: fill of a = %s, want %s", refit, got, want)
		}
		if got := res.Model.Schema.Columns[1].Fill; got == "" {
			t.Errorf("refit=%v: column b has no fill; every feature gets one, for missing values in new files", refit)
		}
	}
	if meanOf(trainRows) == meanOf(all(n)) {
		t.Fatal("the split leaves the mean unchanged; the test shows nothing")
	}
	if s.Columns[0].Fill != "" || !math.IsNaN(d.X.At(0, 0)) {
		t.Error("Train changed the caller's schema or dataset")
	}
	if _, err := Train(context.Background(), d, nil, o); err == nil || !strings.Contains(err.Error(), "no schema") {
		t.Errorf("pending fills without a schema: got %v, want an error", err)
	}
}
