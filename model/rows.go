package model

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/descent-ml/descent/data"
)

// Prediction is the model's answer for one row.
type Prediction struct {
	// Class is the predicted class's name (classification only).
	Class string
	// Values are the class probabilities for classification, the
	// predicted targets in their own units for regression.
	Values []float64
}

// PredictCSV reads CSV data from r (name is used in error messages) laid
// out as the training file was, by the model's schema: columns are matched
// by header name, a target column may be present or not, and missing
// values get the fills stored in the model. It returns one prediction per
// row, in order.
func (m *Model) PredictCSV(r io.Reader, name string) ([]Prediction, error) {
	if m.Schema == nil {
		return nil, fmt.Errorf("model: %s: the model was not trained on a CSV file, so it has no column layout to read one with", name)
	}
	d, err := data.ReadCSVWithSchema(r, name, m.Schema, data.CSVOptions{})
	if err != nil {
		return nil, err
	}
	p, err := m.Predict(d.X)
	if err != nil {
		return nil, err
	}
	out := make([]Prediction, p.Rows)
	classification := m.Task == taskClassification
	for i := range out {
		out[i].Values = append([]float64(nil), p.Row(i)...)
		if classification {
			out[i].Class = m.className(ClassOf(out[i].Values))
		}
	}
	return out, nil
}

// PredictRecords predicts rows given as text, as a CSV file would hold
// them: header names the columns, each row gives one value per column
// (an empty string is a missing value).
func (m *Model) PredictRecords(header []string, rows [][]string) ([]Prediction, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.Write(header); err != nil {
		return nil, fmt.Errorf("model: header: %w", err)
	}
	for i, r := range rows {
		if len(r) != len(header) {
			return nil, fmt.Errorf("model: row %d has %d values, the header %d", i+1, len(r), len(header))
		}
		if err := w.Write(r); err != nil {
			return nil, fmt.Errorf("model: row %d: %w", i+1, err)
		}
	}
	w.Flush()
	return m.PredictCSV(&b, "records")
}
