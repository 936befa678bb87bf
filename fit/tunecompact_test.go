package fit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/fit"
)

// TestTuneCompactDataset checks that Tune takes a dataset whose features
// are stored in float32 (data.CSVOptions.Float32), as Train does.
func TestTuneCompactDataset(t *testing.T) {
	csv := "a,b,y\n"
	for i := range 60 {
		csv += []string{"0,1,p\n", "1,0,q\n", "1,1,p\n", "0,0,q\n"}[i%4]
	}
	d, schema, err := data.ReadCSV(strings.NewReader(csv), "small.csv", data.CSVOptions{Targets: []string{"y"}, Float32: true})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Compact() {
		t.Fatalf("the dataset is not stored in float32; the test needs it to be")
	}
	o := fit.Defaults()
	o.Epochs = 3
	if _, err := fit.Tune(context.Background(), d, schema, o, fit.TuneOptions{Trials: 2, Folds: 2, Seed: 1, Parallel: 1}); err != nil {
		t.Fatalf("Tune on a float32 dataset: %v", err)
	}
}
