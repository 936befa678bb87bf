package data

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/internal/errtext"
)

// Sentinel errors wrapped by the CSV reader, for callers that want to tell
// the kinds of bad input apart with errors.Is.
var (
	// ErrMissingValue is wrapped when a cell is empty or a missing-value
	// token and the missing-value policy is MissingError.
	ErrMissingValue = errors.New("missing value")
	// ErrNotNumber is wrapped when a cell of a numeric column does not
	// parse as a number.
	ErrNotNumber = errors.New("is not a number")
	// ErrNotFinite is wrapped when a cell is a number too large for float64
	// ("1e999") or an infinity literal ("inf").
	ErrNotFinite = errors.New("is not a finite number")
	// ErrNegativeWeight is wrapped when a cell of the weight column (see
	// CSVOptions.WeightColumn) is a negative number.
	ErrNegativeWeight = errors.New("is negative; a weight must be ≥ 0")
	// ErrFieldCount is wrapped when a row has a different number of fields
	// from the first row.
	ErrFieldCount = errors.New("wrong number of fields")
	// ErrRecordTooLong is wrapped when a line or record exceeds
	// CSVOptions.MaxRecordBytes.
	ErrRecordTooLong = errors.New("record too long")
	// ErrUnknownCategory is wrapped when ReadCSVWithSchema meets a category
	// or class that the schema does not list.
	ErrUnknownCategory = errors.New("unknown category")
	// ErrNoData is wrapped when a file has no usable data rows.
	ErrNoData = errors.New("no data rows")
	// ErrTooLarge is wrapped (through a *LimitError) when a file would
	// exceed CSVOptions.MaxCategories, MaxFeatures or MaxCells. The reader
	// stops at the first row that does, before the matrices are built.
	ErrTooLarge = errors.New("too large")
)

// LimitError says which limit of CSVOptions a file exceeded. It is wrapped
// in a *CSVError that names the file, and the line and column where they
// apply; it unwraps to ErrTooLarge.
type LimitError struct {
	// Option is the CSVOptions field: "MaxCategories", "MaxFeatures" or
	// "MaxCells".
	Option string
	// Limit is the value in force, and Found the count that exceeded it:
	// a lower bound, as reading stops there.
	Limit, Found int64
	// What names the counted things: "distinct values", "classes",
	// "feature columns" or "values".
	What string
	// Detail explains the count (the rows × columns of MaxCells).
	Detail string
}

// Error says what exceeded which limit.
func (e *LimitError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "too large: %d %s", e.Found, e.What)
	if e.Detail != "" {
		fmt.Fprintf(&b, " (%s)", e.Detail)
	}
	fmt.Fprintf(&b, ", over the limit of %d (%s)", e.Limit, e.Option)
	if e.Option == "MaxCategories" && e.What == "distinct values" {
		b.WriteString("; it looks like an ID or free-text column")
	}
	return b.String()
}

// Unwrap returns ErrTooLarge.
func (e *LimitError) Unwrap() error { return ErrTooLarge }

// CSVError is the error the CSV readers return for bad input. It names the
// file and, where they apply, the line and the column, so that a user can
// find the problem: `iris.csv line 17, column "age" (3): "abc" is not a
// number`.
type CSVError struct {
	// File is the name given to the reader (a path for LoadCSV).
	File string
	// Line is the 1-based line in the file, or 0 when the error is not
	// about one line.
	Line int
	// Column is the column's name, and Col its 1-based position; Col is 0
	// when the error is not about one column.
	Column string
	Col    int
	// Err says what is wrong.
	Err error
}

// Error formats the error as "file line N, column "name" (c): message".
func (e *CSVError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, " line %d", e.Line)
	}
	if e.Col > 0 {
		if e.Line > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " column %s (%d)", quote(e.Column), e.Col)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *CSVError) Unwrap() error { return e.Err }

// quote quotes s for a message, shortened by errtext.Excerpt: a file can
// hold a cell of ten million digits, which quoted whole would make a
// ten-megabyte message.
func quote(s string) string { return strconv.Quote(errtext.Excerpt(s)) }
