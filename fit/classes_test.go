package fit

import (
	"context"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

// TestWarnsOfOneRowClasses: a target with a class per row gets a warning
// that names the cause, not a note about the validation split.
func TestWarnsOfOneRowClasses(t *testing.T) {
	const n = 100
	d := &data.Dataset{X: tensor.New[float64](n, 1), Y: tensor.New[float64](n, n), Task: data.Classification}
	for i := range n {
		d.X.Set(i, 0, float64(i))
		d.Y.Set(i, i, 1)
	}
	var log strings.Builder
	o := quick()
	o.Epochs = 1
	o.Log = &log
	res, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Warnings, "\n"); !strings.Contains(got, "100 classes in 100 rows, 100 of them seen in a single row") {
		t.Errorf("warnings %q lack the cause", got)
	}
	if strings.Contains(log.String(), "too few for a") {
		t.Errorf("the log still blames the split:\n%s", log.String())
	}
}
