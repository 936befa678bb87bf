package fit

import (
	"context"
	"fmt"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
)

// TrainCSV reads the CSV file at path with copt, then trains on it as
// Train does; the model keeps the file's schema, so it reads new files
// the same way (model.Model.PredictCSV). Missing values are filled with
// statistics of the training split only (copt.KeepMissing is set).
func TrainCSV(ctx context.Context, path string, copt data.CSVOptions, o Options) (*Result, error) {
	copt.KeepMissing = true
	d, schema, err := data.LoadCSV(path, copt)
	if err != nil {
		return nil, err
	}
	return Train(ctx, d, schema, o)
}

// highCardinality is the share of rows above which a text column's
// distinct values look like an ID or free text, not categories.
const highCardinality = 0.5

// warnData says how many rows the reader dropped, and warns about columns
// that will not help: text columns with about one distinct value per row,
// which become as many one-hot features.
func (j *job[T]) warnData() {
	if k := j.d.DroppedRows; k > 0 {
		were := "were"
		if k == 1 {
			were = "was"
		}
		j.logf("note: %d of the file's %s %s dropped for a missing value (the missing-value policy)", k, plural.Count(k+j.d.Len(), "row"), were)
	}
	if j.tooManyClasses() {
		k, singles := j.classCounts()
		j.warnf("the target has %d classes in %d rows, %d of them seen in a single row: a class seen once can be neither learned nor held out for validation. Is the target the right column (not an ID), or is it a number to predict (-task regression)?", k, j.d.Len(), singles)
	}
	if j.schema == nil {
		return
	}
	n := j.d.Len()
	for _, c := range j.schema.Columns {
		if c.Role != data.RoleFeature || c.Kind != data.KindCategorical {
			continue
		}
		if k := len(c.Categories); k >= 20 && float64(k) > highCardinality*float64(n) {
			j.warnf("column %q has %d distinct values in %d rows, which look like an ID or free text: each becomes a feature that cannot generalise; leave it out with -drop %s (data.CSVOptions.Drop)", c.Name, k, n, c.Name)
		}
	}
}

// classCounts returns the number of classes and how many of them have a
// single row (classification only).
func (j *job[T]) classCounts() (k, singles int) {
	counts := make([]int, j.d.Y.Cols)
	for _, c := range j.d.Classes() {
		counts[c]++
	}
	for _, c := range counts {
		if c == 1 {
			singles++
		}
	}
	return len(counts), singles
}

// tooManyClasses reports whether most classes have a single row: fewer
// than two rows per class on average, with more than a handful of classes
// (three rows of three classes are a toy, not a mistake).
func (j *job[T]) tooManyClasses() bool {
	if j.d.Task != data.Classification || j.d.Y.Cols < 10 {
		return false
	}
	k, singles := j.classCounts()
	return 2*singles > k
}

// warnResult warns when the model is no better than a constant guess.
func (j *job[T]) warnResult(best bestEpoch) {
	v := best.stats.Val
	if v == nil {
		return
	}
	switch j.d.Task {
	case data.Regression:
		if v.R2 < 0 {
			j.warnf("validation R² is %.3g, worse than predicting the mean: the learning rate may be too high or too low for this data, there may be too few rows, or the features may not predict the target", v.R2)
		}
	case data.Classification:
		counts := map[int]int{}
		for _, c := range j.d.Classes() {
			counts[c]++
		}
		top := 0
		for _, k := range counts {
			top = max(top, k)
		}
		if chance := float64(top) / float64(j.d.Len()); v.Accuracy <= chance+1e-9 {
			j.warnf("validation accuracy %.3g is at chance level (always guessing the largest class gives %.3g): the features may not predict the target, or training failed (try another -lr)", v.Accuracy, chance)
		}
	}
}

func (j *job[T]) logf(format string, args ...any) {
	if j.o.Log != nil {
		fmt.Fprintf(j.o.Log, format+"\n", args...)
	}
}

func (j *job[T]) warnf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	j.res.Warnings = append(j.res.Warnings, msg)
	j.logf("warning: %s", msg)
}
