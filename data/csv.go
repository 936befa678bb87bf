package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// LoadCSV reads the CSV file at path; see ReadCSV.
func LoadCSV(path string, opt CSVOptions) (*Dataset, *Schema, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ReadCSV(f, path, opt)
}

// ReadCSV reads a table from r into a Dataset and returns it with the
// Schema that reads new data (at predict time) the same way. name is used
// in error messages, which are *CSVError values naming the file, line and
// column.
//
// The file is streamed: records are parsed one at a time and their numbers
// appended to one growing slice per matrix, so memory is about the final
// matrices, not the text. When r can report its size (an *os.File, a
// *bytes.Reader), the slices are sized from it once the first rows show how
// long a row is.
//
// Column types: a column is numeric when its first non-missing value is a
// number, and categorical otherwise (or when listed in opt.Categorical); a
// later non-number in a numeric column is an error. A categorical feature
// becomes one 0/1 column per category, named "column=category". Categories
// and class labels are sorted (byte order for text, numeric order for
// numbers), so the encoding does not depend on row order.
//
// The delimiter, when not given, is the one of ',', ';', '\t' that occurs
// equally often on the first two lines (see HeaderAuto for the header
// rule). A UTF-8 byte-order mark is skipped and CRLF line ends are
// accepted. Numbers are written in plain decimal or exponent form ("1_5"
// and "0x1p4" are text) and must be finite: "inf" and "1e999" are errors,
// and "NaN" is read as a missing value.
//
// Column names must be distinct. A regression target with one value in
// every row is refused (there is nothing to learn), as is a classification
// target with one class. Reading stops with an error wrapping ErrTooLarge
// as soon as the file passes opt.MaxCategories, MaxFeatures or MaxCells,
// so that a column of IDs cannot make a rows × rows one-hot matrix.
func ReadCSV(r io.Reader, name string, opt CSVOptions) (*Dataset, *Schema, error) {
	c, cr, err := openCSV(r, name, opt)
	if err != nil {
		return nil, nil, err
	}
	first, firstLine, err := readRecord(c, cr, name)
	if err == io.EOF {
		return nil, nil, &CSVError{File: name, Err: fmt.Errorf("%w: the file is empty", ErrNoData)}
	}
	if err != nil {
		return nil, nil, err
	}
	first = slices.Clone(first) // the reader reuses its record slice
	second, secondLine, err := readRecord(c, cr, name)
	if err != nil && err != io.EOF {
		return nil, nil, err
	}
	second = slices.Clone(second)

	header := opt.Header == HeaderYes || opt.Header == HeaderAuto && looksLikeHeader(first, second)
	names := make([]string, len(first))
	for i, s := range first {
		if header {
			names[i] = strings.TrimSpace(s)
		} else {
			names[i] = "col" + strconv.Itoa(i+1)
		}
	}
	t := &tableReader{name: name, opt: opt, width: len(first), firstLine: firstLine, header: header, x: cells{narrow: opt.Float32}}
	if err := t.layout(names); err != nil {
		return nil, nil, err
	}
	if err := t.findID(); err != nil {
		return nil, nil, err
	}
	t.sizeHint = inputSize(r)
	if !header {
		if err := t.add(first, firstLine); err != nil {
			return nil, nil, err
		}
	}
	if second != nil {
		if err := t.add(second, secondLine); err != nil {
			return nil, nil, err
		}
		if err := t.stream(c, cr); err != nil {
			return nil, nil, err
		}
	}
	if t.rows == 0 && t.dropped == 0 {
		return nil, nil, &CSVError{File: name, Err: fmt.Errorf("%w: the file has a header but no data", ErrNoData)}
	}
	return t.finish()
}

// looksLikeHeader applies the HeaderAuto rule.
func looksLikeHeader(first, second []string) bool {
	numbers := 0
	for _, s := range first {
		if isNumberLiteral(strings.TrimSpace(s)) {
			numbers++
		}
	}
	if numbers == 0 {
		return true
	}
	for i, s := range first {
		s = strings.TrimSpace(s)
		if i < len(second) && !isMissing(s) && !isNumberLiteral(s) && isNumberLiteral(strings.TrimSpace(second[i])) {
			return true
		}
	}
	return false
}

// isNumberLiteral reports whether s is written as a number, finite or not:
// a plain decimal (see isPlainNumber), or a word strconv reads as a number
// (inf, infinity, nan).
func isNumberLiteral(s string) bool {
	if !isPlainNumber(s) && !isNumberWord(s) {
		return false
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil || errors.Is(err, strconv.ErrRange)
}

// isPlainNumber reports whether s is a decimal number in plain or exponent
// form: an optional sign, digits with at most one point among or around
// them, then optionally e or E, an optional sign and digits. strconv also
// reads underscores ("1_5" as 15) and hexadecimal ("0x1p4" as 16), which in
// a data file are codes or typos, not numbers.
func isPlainNumber(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
		digits++
	}
	if i < len(s) && s[i] == '.' {
		for i++; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for ; i < len(s) && '0' <= s[i] && s[i] <= '9'; i++ {
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// isNumberWord reports whether s is letters after an optional sign, the
// form of the words strconv reads as numbers (inf, infinity, nan).
func isNumberWord(s string) bool {
	if len(s) > 0 && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	if len(s) == 0 || len(s) > len("infinity") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// inputSize returns the number of bytes r will deliver when r can say, or 0.
func inputSize(r io.Reader) int64 {
	switch v := r.(type) {
	case interface{ Stat() (fs.FileInfo, error) }:
		if st, err := v.Stat(); err == nil && st.Mode().IsRegular() {
			return st.Size()
		}
	case interface{ Len() int }:
		return int64(v.Len())
	}
	return 0
}

// Column roles and kinds.
type colRole int

const (
	roleIgnored colRole = iota
	roleFeature
	roleTarget
	roleWeight
)

type colKind int

const (
	kindUnknown colKind = iota
	kindNumeric
	kindCategorical
)

// column is the reading state of one column of the file.
type column struct {
	name     string
	pos      int // field index in a record
	role     colRole
	kind     colKind
	kindLine int  // line whose value fixed an inferred kind; 0 when declared
	frozen   bool // categories are fixed (read with a schema)
	cats     map[string]int
	catNames []string
	fill     string // replaces a missing cell when not ""
	slot     int    // index in the row of X or Y values
	missing  bool   // some kept row has a missing value here

	// For a numeric target: enough to infer the task.
	nonInt   bool
	distinct map[float64]struct{}
	// For a numeric class target read with a schema: class name → index.
	classOf map[string]int
}

// maxAutoClasses is the most distinct integer targets AutoTask will treat
// as classes; beyond it integer targets are more likely counts or years.
const maxAutoClasses = 20

// tableReader accumulates the rows of one CSV file.
type tableReader struct {
	name      string
	opt       CSVOptions
	width     int
	firstLine int
	header    bool      // the first line was a header
	cols      []*column // every column, file order
	feats     []*column
	targs     []*column
	wcol      *column // the weight column, or nil
	idcol     *column // the column kept as text in ids, or nil
	withY     bool    // targets are read (false at predict time without them)
	schema    *Schema

	x          cells     // rows×len(feats); NaN marks missing
	y          []float64 // rows×len(targs); NaN marks missing
	w          []float64 // one weight per row when there is a weight column
	ids        []string  // idcol's cell per row when there is an id column
	rowX, rowY []float64
	rows       int
	dropped    int
	sizeHint   int64
	sized      bool

	// Limits (see CSVOptions) and the columns X and Y will have so far:
	// one per numeric column or category, one per class.
	maxCats, maxFeats int
	maxCells          int64
	xCols, yCols      int
}

// layout assigns roles from the options and the column names.
func (t *tableReader) layout(names []string) error {
	// A model finds its columns by name at predict time, so two columns
	// of one name could not be told apart there.
	seen := make(map[string]int, len(names))
	for i, n := range names {
		if j, ok := seen[n]; ok {
			return &CSVError{File: t.name, Line: t.firstLine, Column: n, Col: i + 1, Err: fmt.Errorf("columns %d and %d are both named %s; rename or remove one", j+1, i+1, quote(n))}
		}
		seen[n] = i
	}
	t.cols = make([]*column, len(names))
	for i, n := range names {
		t.cols[i] = &column{name: n, pos: i, role: roleFeature}
	}
	for _, n := range t.opt.Drop {
		c, err := t.find(n, "column to drop")
		if err != nil {
			return err
		}
		c.role = roleIgnored
	}
	for _, n := range t.opt.Categorical {
		c, err := t.find(n, "categorical column")
		if err != nil {
			return err
		}
		c.kind = kindCategorical
	}
	// The weight column is set aside before the target is chosen, so that
	// the default target, the last column, skips it.
	if n := t.opt.WeightColumn; n != "" {
		c, err := t.find(n, "weight column")
		if err != nil {
			return err
		}
		switch {
		case c.role != roleFeature:
			return &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: errors.New("the weight column is also dropped")}
		case c.kind == kindCategorical:
			return &CSVError{File: t.name, Column: c.name, Col: c.pos + 1, Err: errors.New("the weight column cannot be categorical: weights are numbers")}
		}
		c.role, c.kind = roleWeight, kindNumeric
		t.wcol = c
	}
	switch {
	case len(t.opt.Targets) > 0:
		for _, n := range t.opt.Targets {
			c, err := t.find(n, "target column")
			if err != nil {
				return err
			}
			if c.role != roleFeature {
				return &CSVError{File: t.name, Err: fmt.Errorf("column %s is both a target and dropped, the weight column or named twice", quote(n))}
			}
			c.role = roleTarget
			t.targs = append(t.targs, c)
		}
	case len(t.opt.TargetIndex) > 0:
		for _, i := range t.opt.TargetIndex {
			j := i
			if j < 0 {
				j += len(t.cols)
			}
			if j < 0 || j >= len(t.cols) {
				return &CSVError{File: t.name, Err: fmt.Errorf("target column index %d out of range: the file has %d columns (%s)", i, len(t.cols), strings.Join(names, ", "))}
			}
			c := t.cols[j]
			if c.role != roleFeature {
				return &CSVError{File: t.name, Err: fmt.Errorf("column %s is both a target and dropped, the weight column or named twice", quote(c.name))}
			}
			c.role = roleTarget
			t.targs = append(t.targs, c)
		}
	default:
		for i := len(t.cols) - 1; i >= 0; i-- {
			if t.cols[i].role == roleFeature {
				t.cols[i].role = roleTarget
				t.targs = append(t.targs, t.cols[i])
				break
			}
		}
	}
	if len(t.targs) == 0 {
		return &CSVError{File: t.name, Err: errors.New("no target column: every column is dropped")}
	}
	for _, c := range t.cols {
		if c.role == roleFeature {
			t.feats = append(t.feats, c)
		}
	}
	if len(t.feats) == 0 {
		return &CSVError{File: t.name, Err: fmt.Errorf("no feature columns: the file has %d column(s) (%s) and they are all targets or dropped", len(names), strings.Join(names, ", "))}
	}
	if len(t.targs) > 1 && t.opt.Task == ClassificationTask {
		return &CSVError{File: t.name, Err: fmt.Errorf("classification needs one target column, got %d", len(t.targs))}
	}
	t.withY = true
	t.assignSlots()
	t.maxCats, t.maxFeats, t.maxCells = t.opt.limits()
	t.xCols, t.yCols = len(t.feats), len(t.targs)
	if t.xCols > t.maxFeats {
		return &CSVError{File: t.name, Err: &LimitError{Option: "MaxFeatures", Limit: int64(t.maxFeats), Found: int64(t.xCols), What: "feature columns"}}
	}
	return nil
}

func (t *tableReader) assignSlots() {
	for i, c := range t.feats {
		c.slot = i
	}
	for i, c := range t.targs {
		c.slot = i
		if c.kind != kindCategorical {
			c.distinct = make(map[float64]struct{})
		}
	}
	t.rowX = make([]float64, len(t.feats))
	t.rowY = make([]float64, len(t.targs))
}

// findID sets idcol from opt.IDColumn.
func (t *tableReader) findID() error {
	if t.opt.IDColumn == "" {
		return nil
	}
	c, err := t.find(t.opt.IDColumn, "id column")
	t.idcol = c
	return err
}

// find returns the column called name (names are unique; see layout), or
// an error listing the columns.
func (t *tableReader) find(name, what string) (*column, error) {
	var found *column
	for _, c := range t.cols {
		if c.name == name {
			found = c
			break
		}
	}
	if found == nil {
		names := make([]string, len(t.cols))
		for i, c := range t.cols {
			names[i] = c.name
		}
		return nil, &CSVError{File: t.name, Err: fmt.Errorf("%s %s not found; the columns are %s", what, quote(name), quoteList(names, 50))}
	}
	return found, nil
}

// stream reads the remaining records.
func (t *tableReader) stream(cs *csv.Reader, cr *capReader) error {
	for {
		rec, line, err := readRecord(cs, cr, t.name)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := t.add(rec, line); err != nil {
			return err
		}
		if !t.sized && t.rows == sizingRows {
			t.sized = true
			t.reserve(cs.InputOffset())
		}
	}
}

// sizingRows is how many rows are read before the buffers are sized from
// the input size: enough for a stable bytes-per-row estimate.
const sizingRows = 1024

// reserve grows x and y once to the number of rows the input size
// predicts, so that appending never has to copy a nearly full buffer (the
// copy would briefly need the final size plus its growth).
func (t *tableReader) reserve(offset int64) {
	if t.sizeHint <= 0 || offset <= 0 {
		return
	}
	// 2% headroom: rows vary in length; too few would cost one more copy.
	est := float64(t.sizeHint) / float64(offset) * float64(t.rows+t.dropped) * 1.02
	if est > 1<<40 {
		return
	}
	n := int(est) + 16
	if n <= t.rows {
		return
	}
	t.x.grow(n*len(t.feats) - t.x.len())
	t.y = slices.Grow(t.y, n*len(t.targs)-len(t.y))
}

// add parses one record into the row buffers and appends it.
func (t *tableReader) add(rec []string, line int) error {
	if len(rec) != t.width {
		what := "the first row"
		if t.header {
			what = "the header"
		}
		return &CSVError{File: t.name, Line: line, Err: fmt.Errorf("%w: %d fields, want %d as in %s (line %d)", ErrFieldCount, len(rec), t.width, what, t.firstLine)}
	}
	// A row to be dropped is dropped before its cells are read, so that it
	// can neither fix a column's kind nor add a category or class.
	if t.opt.Missing != MissingError && t.drops(rec) {
		t.dropped++
		return nil
	}
	for _, c := range t.feats {
		v, _, err := t.cell(c, rec, line)
		if err != nil {
			return err
		}
		t.rowX[c.slot] = v
	}
	if t.withY {
		for _, c := range t.targs {
			v, _, err := t.cell(c, rec, line)
			if err != nil {
				return err
			}
			t.rowY[c.slot] = v
		}
	}
	var w float64
	if t.wcol != nil {
		var err error
		if w, err = t.weight(rec, line); err != nil {
			return err
		}
	}
	for _, c := range t.feats {
		if math.IsNaN(t.rowX[c.slot]) {
			c.missing = true
		}
	}
	if err := t.checkCells(t.rows+1, line); err != nil {
		return err
	}
	if t.wcol != nil {
		t.w = append(t.w, w)
	}
	if t.idcol != nil {
		t.ids = append(t.ids, strings.Clone(strings.TrimSpace(rec[t.idcol.pos])))
	}
	if !t.sized && t.x.len()+len(t.rowX) > t.x.capacity() {
		// Double until the file's size is known: append's steps of 1.25×
		// for large slices would allocate five times the buffer on the way.
		t.x.grow(max(len(t.rowX), t.x.len()))
	}
	t.x.append(t.rowX)
	if t.withY {
		t.y = append(t.y, t.rowY...)
	}
	t.rows++
	return nil
}

// drops reports whether the missing-value policy drops rec: with
// MissingDrop, a row with any missing value; otherwise, one with a missing
// target.
func (t *tableReader) drops(rec []string) bool {
	if t.withY {
		for _, c := range t.targs {
			if isMissing(strings.TrimSpace(rec[c.pos])) {
				return true
			}
		}
	}
	if t.wcol != nil && isMissing(strings.TrimSpace(rec[t.wcol.pos])) {
		return true
	}
	if t.opt.Missing == MissingDrop {
		for _, c := range t.feats {
			if c.fill == "" && isMissing(strings.TrimSpace(rec[c.pos])) {
				return true
			}
		}
	}
	return false
}

// cell parses the cell of column c: a number for a numeric column, a
// category index for a categorical one, NaN (with miss set) for an
// accepted missing value.
func (t *tableReader) cell(c *column, rec []string, line int) (v float64, miss bool, err error) {
	s := rec[c.pos]
	if len(s) == 0 || s[0] <= ' ' || s[len(s)-1] <= ' ' { // TrimSpace is the slow path
		s = strings.TrimSpace(s)
	}
	if isMissing(s) {
		if c.fill == "" {
			if t.opt.Missing == MissingError {
				return 0, true, t.errAt(line, c, fmt.Errorf("%w (%s); use a missing-value policy (drop, mean, median, mode) to accept it", ErrMissingValue, describeMissing(s)))
			}
			return math.NaN(), true, nil
		}
		s = c.fill
	}
	if c.kind == kindUnknown {
		c.kindLine = line
		c.kind = kindCategorical
		if isNumberLiteral(s) {
			c.kind = kindNumeric
		}
	}
	if c.kind == kindCategorical {
		i, ok := c.cats[s]
		if !ok {
			if c.frozen {
				what := "category"
				if c.role == roleTarget {
					what = "class"
				}
				return 0, false, t.errAt(line, c, fmt.Errorf("%w: %s %s was not in the training data (known: %s)", ErrUnknownCategory, what, quote(s), quoteList(c.catNames, 10)))
			}
			if c.cats == nil {
				c.cats = make(map[string]int)
			}
			i = len(c.catNames)
			if err := t.grow(c, i+1, line); err != nil {
				return 0, false, err
			}
			s = strings.Clone(s) // s shares memory with the whole record
			c.cats[s] = i
			c.catNames = append(c.catNames, s)
		}
		return float64(i), false, nil
	}
	f, perr := parseNumber(s)
	switch {
	case perr != nil && !errors.Is(perr, strconv.ErrRange):
		msg := fmt.Errorf("%s %w", quote(s), ErrNotNumber)
		if c.kindLine > 0 {
			msg = fmt.Errorf("%w (the column holds numbers from line %d on; declare it categorical to read text)", msg, c.kindLine)
		}
		return 0, false, t.errAt(line, c, msg)
	case perr != nil || math.IsInf(f, 0) || math.IsNaN(f):
		return 0, false, t.errAt(line, c, fmt.Errorf("%s %w", quote(s), ErrNotFinite))
	}
	if c.classOf != nil {
		k, ok := c.classOf[formatNumber(f)]
		if !ok {
			return 0, false, t.errAt(line, c, fmt.Errorf("%w: class %s was not in the training data (known: %s)", ErrUnknownCategory, quote(s), quoteList(t.schema.ClassNames, 10)))
		}
		return float64(k), false, nil
	}
	if c.distinct != nil {
		if f != math.Trunc(f) {
			c.nonInt = true
		}
		if len(c.distinct) <= maxAutoClasses {
			c.distinct[f] = struct{}{}
		}
	}
	return f, false, nil
}

// weight parses the weight column's cell of rec: a finite number ≥ 0.
func (t *tableReader) weight(rec []string, line int) (float64, error) {
	c := t.wcol
	s := strings.TrimSpace(rec[c.pos])
	if isMissing(s) {
		return 0, t.errAt(line, c, fmt.Errorf("%w (%s) in the weight column; use a missing-value policy (drop, mean, median, mode) to drop the rows without a weight", ErrMissingValue, describeMissing(s)))
	}
	f, err := parseNumber(s)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange):
		return 0, t.errAt(line, c, fmt.Errorf("weight %s %w", quote(s), ErrNotNumber))
	case err != nil || math.IsInf(f, 0) || math.IsNaN(f):
		return 0, t.errAt(line, c, fmt.Errorf("weight %s %w", quote(s), ErrNotFinite))
	case f < 0:
		return 0, t.errAt(line, c, fmt.Errorf("weight %s %w", quote(s), ErrNegativeWeight))
	}
	return f, nil
}

// parseNumber is strconv.ParseFloat limited to the forms isNumberLiteral
// accepts, with a fast path for the short unsigned integers that fill most
// numeric files (pixels, counts, labels): up to 15 digits are exact in a
// float64, so the result is the same.
func parseNumber(s string) (float64, error) {
	if len(s) > 0 && len(s) <= 15 {
		var n int64
		for i := 0; i < len(s); i++ {
			d := s[i] - '0'
			if d > 9 {
				return parseSlow(s)
			}
			n = n*10 + int64(d)
		}
		return float64(n), nil
	}
	return parseSlow(s)
}

func parseSlow(s string) (float64, error) {
	if !isPlainNumber(s) && !isNumberWord(s) {
		return 0, &strconv.NumError{Func: "ParseFloat", Num: s, Err: strconv.ErrSyntax}
	}
	return strconv.ParseFloat(s, 64)
}

// grow accounts for column c reaching n categories, and refuses it when
// that passes a limit. A categorical column's first category takes the
// column it already had.
func (t *tableReader) grow(c *column, n, line int) error {
	what := "distinct values"
	if c.role == roleTarget {
		what = "classes"
	}
	if n > t.maxCats {
		return t.errAt(line, c, &LimitError{Option: "MaxCategories", Limit: int64(t.maxCats), Found: int64(n), What: what, Detail: "by this line"})
	}
	if n == 1 {
		return nil
	}
	if c.role == roleTarget {
		t.yCols++
		return nil
	}
	t.xCols++
	if t.xCols > t.maxFeats {
		return t.errAt(line, c, &LimitError{Option: "MaxFeatures", Limit: int64(t.maxFeats), Found: int64(t.xCols), What: "feature columns", Detail: fmt.Sprintf("after one-hot encoding; this column has %d categories", n)})
	}
	return nil
}

// checkCells refuses a dataset of rows rows when, with the columns it has
// so far, it would hold more numbers than MaxCells.
func (t *tableReader) checkCells(rows, line int) error {
	cols := int64(t.xCols + t.yCols)
	if n := int64(rows) * cols; n > t.maxCells {
		return &CSVError{File: t.name, Line: line, Err: &LimitError{Option: "MaxCells", Limit: t.maxCells, Found: n, What: "values", Detail: fmt.Sprintf("%d rows × %d columns of features and targets", rows, cols)}}
	}
	return nil
}

func (t *tableReader) errAt(line int, c *column, err error) error {
	return &CSVError{File: t.name, Line: line, Column: c.name, Col: c.pos + 1, Err: err}
}

// formatNumber writes f as the shortest text that reads back as f.
func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// quoteList quotes up to max names for a message.
func quoteList(names []string, max int) string {
	var b strings.Builder
	for i, n := range names {
		if i == max {
			fmt.Fprintf(&b, ", ... (%d in all)", len(names))
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(n))
	}
	return b.String()
}
