package data

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// WriteCSV writes d as comma-separated text with a header: the feature
// columns, then the target columns (a classification target as one column
// of class names). Numbers are written in the shortest form that reads back
// to the same float64, so ReadCSV of the output gives the same numbers.
// Features missing names are called x1, x2, ...; targets y1, y2, ...
func WriteCSV(w io.Writer, d *Dataset) error {
	d = d.Float64() // rows are written one by one, so a copy is no burden next to the text
	cw := csv.NewWriter(w)
	header := make([]string, 0, d.X.Cols+d.Y.Cols)
	for j := range d.X.Cols {
		header = append(header, nameOr(d.FeatureNames, j, "x"))
	}
	ny := d.Y.Cols
	if d.Task == Classification {
		ny = 1
	}
	for j := range ny {
		header = append(header, nameOr(d.TargetNames, j, "y"))
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	rec := make([]string, len(header))
	for i := range d.Len() {
		for j, v := range d.X.Row(i) {
			rec[j] = formatNumber(v)
		}
		if d.Task == Classification {
			k := d.Class(i)
			rec[d.X.Cols] = nameOr(d.ClassNames, k, "")
			if k >= len(d.ClassNames) {
				rec[d.X.Cols] = strconv.Itoa(k)
			}
		} else {
			for j, v := range d.Y.Row(i) {
				rec[d.X.Cols+j] = formatNumber(v)
			}
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("data: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("data: %w", err)
	}
	return nil
}

// nameOr returns names[i], or prefix followed by i+1 when there is none.
func nameOr(names []string, i int, prefix string) string {
	if i < len(names) {
		return names[i]
	}
	return prefix + strconv.Itoa(i+1)
}
