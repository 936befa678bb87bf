package data

import (
	"fmt"
	"math"
	"slices"

	"github.com/descent-ml/descent/tensor"
)

// FitFills returns a copy of s in which every feature column's Fill is
// the value policy (MissingMean, MissingMedian or MissingMode) computes
// from the present values of x, the features s produces (NaN marks a
// missing value, as CSVOptions.KeepMissing leaves them). A trainer passes
// its training rows only, so that the fills it stores in the model, and
// reuses on validation rows and new files, have seen no other row. A
// categorical feature's fill is its most frequent category. A column with
// no present value is an error naming it.
func (s *Schema) FitFills(x *tensor.Matrix[float64], policy MissingPolicy) (*Schema, error) {
	if !policy.Fills() {
		return nil, fmt.Errorf("data: missing-value policy %s computes no fill", policy)
	}
	if n := s.NumFeatures(); x.Cols != n {
		return nil, fmt.Errorf("data: the schema gives %d feature columns, the matrix has %d", n, x.Cols)
	}
	out := *s
	out.Columns = slices.Clone(s.Columns)
	vals := make([]float64, 0, x.Rows)
	j := 0
	for ci := range out.Columns {
		c := &out.Columns[ci]
		if c.Role != RoleFeature {
			continue
		}
		width := 1
		if c.Kind == KindCategorical {
			width = len(c.Categories)
		}
		vals = vals[:0]
		for i := range x.Rows {
			block := x.Row(i)[j : j+width]
			if math.IsNaN(block[0]) {
				continue
			}
			if c.Kind == KindCategorical {
				vals = append(vals, float64(slices.Index(block, 1)))
			} else {
				vals = append(vals, block[0])
			}
		}
		if len(vals) == 0 {
			return nil, fmt.Errorf("data: column %s has no value in the %d rows the fill is fitted on", quote(c.Name), x.Rows)
		}
		f := statistic(vals, policy, c.Kind == KindCategorical)
		if c.Kind == KindCategorical {
			c.Fill = c.Categories[int(f)]
		} else {
			c.Fill = formatNumber(f)
		}
		j += width
	}
	return &out, nil
}

// FillMissing replaces the missing values (NaN) in x, the features s
// produces, by each column's Fill: the number, or the one-hot row of the
// category. A missing value in a column without a Fill is an error naming
// the row (from 0) and column.
func (s *Schema) FillMissing(x *tensor.Matrix[float64]) error {
	if n := s.NumFeatures(); x.Cols != n {
		return fmt.Errorf("data: the schema gives %d feature columns, the matrix has %d", n, x.Cols)
	}
	j := 0
	for _, c := range s.Columns {
		if c.Role != RoleFeature {
			continue
		}
		width, num, cat := 1, 0.0, -1
		if c.Kind == KindCategorical {
			width = len(c.Categories)
			if cat = slices.Index(c.Categories, c.Fill); cat < 0 && c.Fill != "" {
				return fmt.Errorf("data: column %s: fill %s is not one of its categories", quote(c.Name), quote(c.Fill))
			}
		} else if c.Fill != "" {
			var err error
			if num, err = parseNumber(c.Fill); err != nil {
				return fmt.Errorf("data: column %s: fill %s is not a number", quote(c.Name), quote(c.Fill))
			}
		}
		for i := range x.Rows {
			block := x.Row(i)[j : j+width]
			if !math.IsNaN(block[0]) {
				continue
			}
			if c.Fill == "" {
				return fmt.Errorf("data: row %d, column %s: missing value and no fill for it", i, quote(c.Name))
			}
			if cat < 0 {
				block[0] = num
				continue
			}
			for k := range block {
				block[k] = 0
			}
			block[cat] = 1
		}
		j += width
	}
	return nil
}
