package datasets

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

// irisCSV is Fisher's (1936) iris data in the corrected form used by R's
// datasets::iris and scikit-learn: it differs from the UCI iris.data file in
// samples 35 and 38, which UCI itself notes as errors.
//
//go:embed iris.csv
var irisCSV []byte

// irisClasses lists the species in the order of Y's columns.
var irisClasses = []string{"setosa", "versicolor", "virginica"}

// Iris returns Fisher's iris data: 150 flowers, 50 of each species
// (setosa, versicolor, virginica), with four measurements in centimetres:
// sepal_length, sepal_width, petal_length, petal_width. The rows are
// sorted by species, so shuffle before splitting off a validation set.
// Each call parses a fresh copy, which the caller may modify.
//
// An error means the embedded file is damaged, which a test guards against.
func Iris() (*data.Dataset, error) {
	r := csv.NewReader(bytes.NewReader(irisCSV))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("datasets: iris.csv: %w", err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("datasets: iris.csv has no samples")
	}
	header, rows := rows[0], rows[1:]
	const nf = 4
	if len(header) != nf+1 {
		return nil, fmt.Errorf("datasets: iris.csv header has %d columns, want %d", len(header), nf+1)
	}
	d := &data.Dataset{
		X:            tensor.New[float64](len(rows), nf),
		Y:            tensor.New[float64](len(rows), len(irisClasses)),
		Task:         data.Classification,
		FeatureNames: slices.Clone(header[:nf]),
		TargetNames:  []string{header[nf]},
		ClassNames:   slices.Clone(irisClasses),
	}
	for i, row := range rows {
		line := i + 2 // 1-based, after the header
		x := d.X.Row(i)
		for j := range nf {
			v, err := strconv.ParseFloat(row[j], 64)
			if err != nil {
				return nil, fmt.Errorf("datasets: iris.csv line %d, column %q: %q is not a number", line, header[j], row[j])
			}
			x[j] = v
		}
		c := slices.Index(irisClasses, row[nf])
		if c < 0 {
			return nil, fmt.Errorf("datasets: iris.csv line %d: unknown species %q", line, row[nf])
		}
		d.Y.Set(i, c, 1)
	}
	return d, nil
}
