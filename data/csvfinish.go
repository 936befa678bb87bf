package data

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/descent-ml/descent/tensor"
)

// finish turns the accumulated rows into a Dataset: it settles the task,
// sorts categories, fills missing values and expands categorical features
// to one-hot columns. Without a schema it also returns the Schema that
// describes what it did.
func (t *tableReader) finish() (*Dataset, *Schema, error) {
	if t.rows == 0 {
		return nil, nil, &CSVError{File: t.name, Err: fmt.Errorf("%w: all %d rows had a missing value and were dropped", ErrNoData, t.dropped)}
	}
	for _, c := range t.feats {
		if c.kind == kindUnknown {
			return nil, nil, &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: errors.New("every value is missing")}
		}
	}
	task := Regression
	var classNames []string
	if t.schema != nil {
		task, classNames = t.schema.Task, t.schema.ClassNames
	} else {
		var err error
		if task, err = t.decideTask(); err != nil {
			return nil, nil, err
		}
	}
	for _, c := range t.feats {
		if c.kind == kindCategorical && !c.frozen {
			sortCategories(c, &t.x, len(t.feats))
		}
	}
	// One row is too few for anything; callers say so in their own terms.
	if t.schema == nil && task == Regression && t.rows > 1 {
		if err := t.checkTargetsVary(); err != nil {
			return nil, nil, err
		}
	}
	if t.schema == nil && task == Classification {
		var err error
		if classNames, err = t.makeClasses(); err != nil {
			return nil, nil, err
		}
		if len(classNames) < 2 {
			c := t.targs[0]
			return nil, nil, &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: fmt.Errorf("only one class (%s): classification needs at least two; there is nothing to learn", quoteList(classNames, 1))}
		}
		// Y gets one column per class, known only now for numeric labels.
		t.yCols = len(classNames)
		if err := t.checkCells(t.rows, 0); err != nil {
			return nil, nil, err
		}
	}
	// With KeepMissing the trainer fits the fills on its training rows.
	keep := t.opt.KeepMissing && t.schema == nil && t.opt.Missing.Fills()
	for _, c := range t.feats {
		if c.missing && !keep {
			t.fillMissing(c)
		}
	}

	d := &Dataset{Task: task, ClassNames: classNames, DroppedRows: t.dropped, IDs: t.ids}
	if keep {
		d.PendingFill = t.opt.Missing
	}
	if t.wcol != nil {
		if !slices.ContainsFunc(t.w, func(w float64) bool { return w > 0 }) {
			c := t.wcol
			return nil, nil, &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: fmt.Errorf("every one of the %d rows has weight 0: there is nothing to learn from", t.rows)}
		}
		d.Weights = t.w
	}
	d.FeatureNames = t.features(d)
	switch {
	case !t.withY:
		d.Y = tensor.New[float64](t.rows, 0)
	case task == Classification:
		d.Y = tensor.New[float64](t.rows, len(classNames))
		for i := range t.rows {
			d.Y.Data[i*len(classNames)+int(t.y[i])] = 1
		}
		d.TargetNames = []string{t.targs[0].name}
	default:
		d.Y = tensor.FromSlice(t.rows, len(t.targs), t.y)
		for _, c := range t.targs {
			d.TargetNames = append(d.TargetNames, c.name)
		}
	}
	if t.schema != nil {
		return d, nil, nil
	}
	return d, t.makeSchema(task, classNames), nil
}

// decideTask applies opt.Task to the target columns (see AutoTask).
func (t *tableReader) decideTask() (Task, error) {
	for _, c := range t.targs {
		if c.kind != kindCategorical {
			continue
		}
		switch {
		case len(t.targs) > 1:
			return 0, &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: errors.New("target holds text; several target columns must all be numeric (multi-output regression)")}
		case t.opt.Task == RegressionTask:
			where := ""
			if c.kindLine > 0 {
				where = fmt.Sprintf(" from line %d on", c.kindLine)
			}
			return 0, &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: fmt.Errorf("target holds text%s (%s); a regression target must be numeric", where, quote(c.catNames[0]))}
		}
		return Classification, nil
	}
	switch t.opt.Task {
	case ClassificationTask:
		return Classification, nil
	case RegressionTask:
		return Regression, nil
	}
	if len(t.targs) == 1 {
		c := t.targs[0]
		n := len(c.distinct)
		if !c.nonInt && n >= 2 && n <= maxAutoClasses && 2*n <= t.rows {
			return Classification, nil
		}
	}
	return Regression, nil
}

// checkTargetsVary refuses a regression target column that holds one value
// in every row: a network can only learn to output that constant, so the
// file is surely not what was meant. (A classification target with one
// class is refused by finish.)
func (t *tableReader) checkTargetsVary() error {
	stride := len(t.targs)
	for _, c := range t.targs {
		first := t.y[c.slot]
		same := true
		for i := c.slot + stride; i < len(t.y); i += stride {
			if t.y[i] != first {
				same = false
				break
			}
		}
		if same {
			return &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: fmt.Errorf("every row has the target value %s: there is nothing to learn (is this the right target column?)", quote(formatNumber(first)))}
		}
	}
	return nil
}

// makeClasses replaces the values in y by class indices and returns the
// class names in index order: sorted categories, or sorted distinct numbers.
// It refuses more than MaxCategories classes.
func (t *tableReader) makeClasses() ([]string, error) {
	c := t.targs[0]
	if c.kind == kindCategorical {
		sortCategories(c, &cells{f64: t.y}, 1)
		return c.catNames, nil
	}
	vals := slices.Clone(t.y)
	slices.Sort(vals)
	vals = slices.Compact(vals)
	if len(vals) > t.maxCats {
		return nil, &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: &LimitError{Option: "MaxCategories", Limit: int64(t.maxCats), Found: int64(len(vals)), What: "classes"}}
	}
	names := make([]string, len(vals))
	for i, v := range vals {
		names[i] = formatNumber(v)
	}
	for i, v := range t.y {
		k, _ := slices.BinarySearch(vals, v)
		t.y[i] = float64(k)
	}
	return names, nil
}

// sortCategories puts c's categories in sorted order and renumbers the
// column (stride values per row) of buf to match.
func sortCategories(c *column, buf *cells, stride int) {
	order := make([]int, len(c.catNames)) // order[new] = old
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return c.catNames[order[a]] < c.catNames[order[b]] })
	newOf := make([]float64, len(order))
	names := make([]string, len(order))
	for n, o := range order {
		newOf[o] = float64(n)
		names[n] = c.catNames[o]
		c.cats[names[n]] = n
	}
	c.catNames = names
	for i := c.slot; i < buf.len(); i += stride {
		if v := buf.at(i); !math.IsNaN(v) {
			buf.set(i, newOf[int(v)])
		}
	}
}

// fillMissing replaces the NaNs of feature column c by the statistic the
// missing-value policy names, and records it in c.fill for the schema.
func (t *tableReader) fillMissing(c *column) {
	stride := len(t.feats)
	var vals []float64
	for i := c.slot; i < t.x.len(); i += stride {
		if v := t.x.at(i); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	f := statistic(vals, t.opt.Missing, c.kind == kindCategorical)
	for i := c.slot; i < t.x.len(); i += stride {
		if math.IsNaN(t.x.at(i)) {
			t.x.set(i, f)
		}
	}
	if c.kind == kindCategorical {
		c.fill = c.catNames[int(f)]
	} else {
		c.fill = formatNumber(f)
	}
}

// statistic returns the value the policy fills a column's missing cells
// with, from its present values vals (not empty): the mean, the median or
// the mode; always the mode for a categorical column (category indices),
// the only average a category has. It may reorder vals.
func statistic(vals []float64, p MissingPolicy, categorical bool) float64 {
	switch {
	case categorical || p == MissingMode:
		return mode(vals)
	case p == MissingMedian:
		slices.Sort(vals)
		m := len(vals) / 2
		if len(vals)%2 == 0 {
			return vals[m-1] + (vals[m]-vals[m-1])/2 // written so as not to overflow
		}
		return vals[m]
	}
	var sum float64
	for _, v := range vals {
		sum += v
	}
	f := sum / float64(len(vals))
	if math.IsInf(f, 0) {
		// The sum overflowed; dividing first keeps it finite.
		f = 0
		for _, v := range vals {
			f += v / float64(len(vals))
		}
	}
	return f
}

// mode returns the most frequent value, the smallest one on a tie.
func mode(vals []float64) float64 {
	s := slices.Clone(vals)
	slices.Sort(s)
	best, bestN := s[0], 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] == s[i] {
			j++
		}
		if j-i > bestN {
			best, bestN = s[i], j-i
		}
		i = j
	}
	return best
}

// features builds the features of d, expanding categorical columns to
// one-hot, and returns their names. Without categorical columns d uses
// the accumulated values as they are, so the numbers are never copied;
// with them, the one-hot matrix is stored as the values were (float32 or
// float64), as 0 and 1 are exact in either.
func (t *tableReader) features(d *Dataset) []string {
	var names []string
	cat := false
	for _, c := range t.feats {
		if c.kind == kindCategorical {
			cat = true
			for _, k := range c.catNames {
				names = append(names, c.name+"="+k)
			}
		} else {
			names = append(names, c.name)
		}
	}
	if !cat {
		t.x.matrix(d, t.rows, len(t.feats))
		return names
	}
	var out cells
	out.narrow = t.x.narrow
	out.grow(t.rows * len(names))
	src := make([]float64, len(t.feats))
	dst := make([]float64, len(names))
	for i := range t.rows {
		for k := range src {
			src[k] = t.x.at(i*len(t.feats) + k)
		}
		clear(dst)
		j := 0
		for _, c := range t.feats {
			if c.kind == kindCategorical {
				if v := src[c.slot]; math.IsNaN(v) {
					// Missing, left for the trainer (KeepMissing).
					for k := range c.catNames {
						dst[j+k] = math.NaN()
					}
				} else {
					dst[j+int(v)] = 1
				}
				j += len(c.catNames)
			} else {
				dst[j] = src[c.slot]
				j++
			}
		}
		out.append(dst)
	}
	t.x = cells{} // the accumulated values are garbage now
	out.matrix(d, t.rows, len(names))
	return names
}

// makeSchema records the layout the reader settled on.
func (t *tableReader) makeSchema(task Task, classNames []string) *Schema {
	s := &Schema{Task: task, ClassNames: slices.Clone(classNames)}
	for _, c := range t.cols {
		cs := ColumnSchema{Name: c.name}
		switch c.role {
		case roleIgnored:
			cs.Role = RoleIgnored
		case roleFeature:
			cs.Role = RoleFeature
			cs.Fill = c.fill
		case roleTarget:
			cs.Role = RoleTarget
		case roleWeight:
			cs.Role = RoleWeight
		}
		if c.role != roleIgnored {
			cs.Kind = KindNumeric
			if c.kind == kindCategorical {
				cs.Kind = KindCategorical
				if c.role == roleFeature {
					cs.Categories = slices.Clone(c.catNames)
				}
			}
		}
		s.Columns = append(s.Columns, cs)
	}
	return s
}
