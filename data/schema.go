package data

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Schema records how ReadCSV turned a file's columns into features and
// targets, so that data met later (at predict time) is encoded the same
// way. It is plain data with JSON tags, meant to be saved with a model.
type Schema struct {
	// Columns lists every column of the training file, in file order.
	Columns []ColumnSchema `json:"columns"`
	// Task is the dataset's task.
	Task Task `json:"task"`
	// ClassNames names the classes in the order of Y's columns
	// (classification only).
	ClassNames []string `json:"class_names,omitempty"`
}

// ColumnSchema describes one column of a CSV file.
type ColumnSchema struct {
	// Name is the column's header name (col1, col2, ... without a header).
	Name string `json:"name"`
	// Role says whether the column is a feature, a target, the sample
	// weights or ignored.
	Role ColumnRole `json:"role"`
	// Kind says whether the column holds numbers or categories (empty for
	// an ignored column).
	Kind ColumnKind `json:"kind,omitempty"`
	// Categories lists a categorical feature's categories in the order of
	// its one-hot columns.
	Categories []string `json:"categories,omitempty"`
	// Fill, when not empty, is the value that replaced missing cells of this
	// feature in the training file (the mean, median or mode); it replaces
	// them at predict time too.
	Fill string `json:"fill,omitempty"`
}

// ColumnRole is the part a column plays in a dataset.
type ColumnRole string

// The roles of a column.
const (
	RoleFeature ColumnRole = "feature"
	RoleTarget  ColumnRole = "target"
	RoleIgnored ColumnRole = "ignored"
	// RoleWeight marks the column of per-sample weights (see
	// CSVOptions.WeightColumn). It is neither a feature nor a target, so
	// new data read with the schema leaves it out, like an ignored one.
	RoleWeight ColumnRole = "weight"
)

// ColumnKind is what a column holds.
type ColumnKind string

// The kinds of a column.
const (
	KindNumeric     ColumnKind = "numeric"
	KindCategorical ColumnKind = "categorical"
)

// FeatureNames returns the names of the columns of X the schema produces:
// a numeric column's name, or "column=category" for each category.
func (s *Schema) FeatureNames() []string {
	var names []string
	for _, c := range s.Columns {
		if c.Role != RoleFeature {
			continue
		}
		if c.Kind == KindCategorical {
			for _, k := range c.Categories {
				names = append(names, c.Name+"="+k)
			}
		} else {
			names = append(names, c.Name)
		}
	}
	return names
}

// NumFeatures returns the number of columns of X the schema produces.
func (s *Schema) NumFeatures() int { return len(s.FeatureNames()) }

// Validate checks that the schema is complete and consistent, as one read
// from a model file must be before it is used.
func (s *Schema) Validate() error {
	if s == nil {
		return errors.New("data: no schema")
	}
	feats, targs, weights := 0, 0, 0
	for i, c := range s.Columns {
		where := fmt.Sprintf("data: schema column %d (%s)", i+1, quote(c.Name))
		switch c.Role {
		case RoleFeature:
			feats++
		case RoleTarget:
			targs++
		case RoleIgnored:
			continue
		case RoleWeight:
			if weights++; weights > 1 {
				return fmt.Errorf("%s: a second weight column", where)
			}
			if c.Kind != KindNumeric || c.Fill != "" || len(c.Categories) > 0 {
				return fmt.Errorf("%s: a weight column must be numeric, without categories or fill", where)
			}
			continue
		default:
			return fmt.Errorf("%s: unknown role %s", where, quote(string(c.Role)))
		}
		switch c.Kind {
		case KindNumeric:
			if c.Fill != "" && !isFiniteLiteral(c.Fill) {
				return fmt.Errorf("%s: fill value %s is not a finite number", where, quote(c.Fill))
			}
		case KindCategorical:
			if c.Role == RoleFeature && len(c.Categories) == 0 {
				return fmt.Errorf("%s: categorical feature without categories", where)
			}
			if c.Fill != "" && !slices.Contains(c.Categories, c.Fill) {
				return fmt.Errorf("%s: fill value %s is not one of its categories", where, quote(c.Fill))
			}
			if c.Role == RoleTarget && s.Task != Classification {
				return fmt.Errorf("%s: a categorical target needs a classification task", where)
			}
		default:
			return fmt.Errorf("%s: unknown kind %s", where, quote(string(c.Kind)))
		}
	}
	switch {
	case feats == 0:
		return errors.New("data: schema has no feature columns")
	case targs == 0:
		return errors.New("data: schema has no target column")
	case s.Task == Classification && (targs != 1 || len(s.ClassNames) < 2):
		return fmt.Errorf("data: classification schema needs one target and at least two classes, has %d and %d", targs, len(s.ClassNames))
	case s.Task != Classification && s.Task != Regression:
		return fmt.Errorf("data: schema has unknown task %v", s.Task)
	}
	return nil
}

func isFiniteLiteral(s string) bool {
	f, err := parseNumber(s)
	return err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// LoadCSVWithSchema reads the CSV file at path; see ReadCSVWithSchema.
func LoadCSVWithSchema(path string, s *Schema, opt CSVOptions) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ReadCSVWithSchema(f, path, s, opt)
}

// ReadCSVWithSchema reads new data laid out as the schema says, typically
// at predict time: the features come out in the same columns, categories
// one-hot in the same order, classes in the same order.
//
// With a header (HeaderAuto takes the first row for one when it holds the
// name of a feature or target column), columns are matched by name, in any order, and extra
// columns are ignored. Without one, the file must have the schema's
// columns in order, with or without the target columns. The targets are
// optional: when the file lacks them Y has zero columns.
//
// A category or class not in the schema is an error naming line and column.
// A missing feature value is replaced by the schema's Fill when it has one
// (the fill fitted on the training rows); otherwise opt.Missing applies
// (computing a fill from this file). Only opt.Header, opt.Delimiter,
// opt.Missing, opt.IDColumn, opt.SkipTargets, opt.MaxRecordBytes and
// opt.MaxCells are used.
func ReadCSVWithSchema(r io.Reader, name string, s *Schema, opt CSVOptions) (*Dataset, error) {
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c, cr, err := openCSV(r, name, opt)
	if err != nil {
		return nil, err
	}
	first, firstLine, err := readRecord(c, cr, name)
	if err == io.EOF {
		return nil, &CSVError{File: name, Err: fmt.Errorf("%w: the file is empty", ErrNoData)}
	}
	if err != nil {
		return nil, err
	}
	first = slices.Clone(first)
	for i := range first {
		first[i] = strings.TrimSpace(first[i])
	}
	header := opt.Header == HeaderYes
	if opt.Header == HeaderAuto {
		for _, col := range s.Columns {
			if col.Role != RoleIgnored && slices.Contains(first, col.Name) {
				header = true
				break
			}
		}
	}
	t := &tableReader{name: name, opt: opt, width: len(first), firstLine: firstLine, header: header, schema: s, x: cells{narrow: opt.Float32}}
	if err := t.layoutSchema(first, header); err != nil {
		return nil, err
	}
	if err := t.findID(); err != nil {
		return nil, err
	}
	t.sizeHint = inputSize(r)
	if !header {
		if err := t.add(first, firstLine); err != nil {
			return nil, err
		}
	}
	if err := t.stream(c, cr); err != nil {
		return nil, err
	}
	if t.rows == 0 && t.dropped == 0 {
		return nil, &CSVError{File: name, Err: fmt.Errorf("%w: the file has a header but no data", ErrNoData)}
	}
	d, _, err := t.finish()
	return d, err
}

// layoutSchema maps the schema's columns onto the file's.
func (t *tableReader) layoutSchema(first []string, header bool) error {
	s := t.schema
	t.cols = make([]*column, len(first))
	for i := range first {
		name := "col" + strconv.Itoa(i+1)
		if header {
			name = first[i]
		}
		t.cols[i] = &column{name: name, pos: i}
	}
	ntarg, nweight := 0, 0
	for _, sc := range s.Columns {
		switch sc.Role {
		case RoleTarget:
			ntarg++
		case RoleWeight:
			nweight++
		}
	}
	// pos[i] is the file position of schema column i, or -1.
	pos := make([]int, len(s.Columns))
	if header {
		found := 0
		for i, sc := range s.Columns {
			pos[i] = -1
			if sc.Role == RoleIgnored || sc.Role == RoleWeight {
				continue
			}
			pos[i] = slices.Index(first, sc.Name)
			switch {
			case pos[i] >= 0 && sc.Role == RoleTarget:
				found++
			case pos[i] < 0 && sc.Role == RoleFeature:
				return &CSVError{File: t.name, Err: fmt.Errorf("feature column %s of the model is missing; the file's columns are %s", quote(sc.Name), quoteList(first, 50))}
			}
		}
		if found != 0 && found != ntarg && !t.opt.SkipTargets {
			return &CSVError{File: t.name, Err: fmt.Errorf("the file has %d of the model's %d target columns; give all or none", found, ntarg)}
		}
		t.withY = found == ntarg
	} else {
		switch len(first) {
		case len(s.Columns):
			t.withY = true
			for i := range pos {
				pos[i] = i
			}
		case len(s.Columns) - ntarg:
			j := 0
			for i, sc := range s.Columns {
				pos[i] = -1
				if sc.Role != RoleTarget {
					pos[i] = j
					j++
				}
			}
		case len(s.Columns) - ntarg - nweight:
			// Neither target nor weights: what a file to predict holds.
			j := 0
			for i, sc := range s.Columns {
				pos[i] = -1
				if sc.Role != RoleTarget && sc.Role != RoleWeight {
					pos[i] = j
					j++
				}
			}
		default:
			return &CSVError{File: t.name, Line: t.firstLine, Err: fmt.Errorf("%w: %d fields, but the model expects %d columns (%d without the target)", ErrFieldCount, len(first), len(s.Columns), len(s.Columns)-ntarg)}
		}
	}
	if t.opt.SkipTargets {
		t.withY = false
	}
	for i, sc := range s.Columns {
		if pos[i] < 0 || sc.Role == RoleIgnored || sc.Role == RoleWeight || sc.Role == RoleTarget && !t.withY {
			continue
		}
		c := t.cols[pos[i]]
		if c.role != roleIgnored {
			return &CSVError{File: t.name, Err: fmt.Errorf("column %s is used twice by the model", quote(c.name))}
		}
		c.name = sc.Name
		c.kind = kindNumeric
		c.fill = sc.Fill
		if sc.Kind == KindCategorical {
			c.kind = kindCategorical
			c.catNames = sc.Categories
		}
		if sc.Role == RoleTarget {
			c.role = roleTarget
			c.fill = ""
			if s.Task == Classification {
				if c.kind == kindCategorical {
					c.catNames = s.ClassNames
				} else {
					c.classOf = make(map[string]int)
					for k, n := range s.ClassNames {
						if f, err := strconv.ParseFloat(n, 64); err == nil {
							n = formatNumber(f)
						}
						c.classOf[n] = k
					}
				}
			}
			t.targs = append(t.targs, c)
		} else {
			c.role = roleFeature
			t.feats = append(t.feats, c)
		}
		if c.kind == kindCategorical {
			c.frozen = true
			c.cats = make(map[string]int, len(c.catNames))
			for k, n := range c.catNames {
				c.cats[n] = k
			}
		}
	}
	t.assignSlots()
	for _, c := range t.targs {
		c.distinct = nil // the task is known; nothing to infer
	}
	// The schema fixes the columns; only the rows can grow.
	t.maxCats, t.maxFeats, t.maxCells = t.opt.limits()
	t.xCols = s.NumFeatures()
	switch {
	case !t.withY:
	case s.Task == Classification:
		t.yCols = len(s.ClassNames)
	default:
		t.yCols = len(t.targs)
	}
	return nil
}
