package data

import (
	"fmt"
	"strings"
)

// CSVOptions configures ReadCSV and LoadCSV. The zero value reads a
// comma-, semicolon- or tab-separated file with an auto-detected header,
// takes the last column as the target, infers the task, and rejects
// missing values.
type CSVOptions struct {
	// Header says whether the first row holds column names.
	Header HeaderMode
	// Delimiter separates fields; 0 detects ',', ';' or '\t' from the
	// first two lines (see ReadCSV).
	Delimiter rune
	// Targets names the target columns. Several targets make a
	// multi-output regression.
	Targets []string
	// TargetIndex gives the target columns by 0-based position (negative
	// counts from the end, -1 is the last column); used when Targets is
	// empty. With neither, the target is the last column not in Drop.
	TargetIndex []int
	// Drop names columns to ignore (an id column, say).
	Drop []string
	// WeightColumn, when not empty, names a numeric column of per-sample
	// weights: it is read into Dataset.Weights rather than the features.
	// Each weight must be a finite number ≥ 0, and not all may be 0. A
	// row whose weight is missing is an error with MissingError and is
	// dropped under the other policies, as a row with a missing target
	// is. The Schema marks the column RoleWeight, so new data read with
	// it leaves the column out.
	WeightColumn string
	// Categorical names columns to read as categories even though their
	// values look like numbers (zip codes, integer-coded classes).
	Categorical []string
	// Task chooses classification or regression; AutoTask infers it.
	Task TaskChoice
	// Missing says what to do with missing values.
	Missing MissingPolicy
	// KeepMissing, with MissingMean, MissingMedian or MissingMode, leaves
	// missing feature values in X as NaN (every one-hot column of a
	// categorical feature) instead of filling them from the whole file,
	// and sets Dataset.PendingFill to the policy. A trainer then fits the
	// fills on its training rows only (Schema.FitFills) and fills every
	// split with them (Schema.FillMissing), so the validation rows do not
	// leak into the fills; fit.Train does this. Without it (the default)
	// the fills are computed from every kept row of the file and recorded
	// in the Schema, which suits a caller that uses the Dataset as it is.
	KeepMissing bool
	// Float32 asks for the features to be stored in float32 (see
	// Dataset.Compact), half the memory, as long as every value reads back
	// from float32 exactly: integers up to 2^24 (pixels, counts), one-hot
	// categories, decimals that happen to be exact. From the first value
	// that does not, the reader goes on in float64, converting what it
	// has, so the numbers are always those a float64 read gives.
	Float32 bool
	// IDColumn, when not empty, names a column whose cells are kept as
	// text in Dataset.IDs, one per row of X (a key to join predictions
	// back to their rows). The column may also be a feature or dropped.
	IDColumn string
	// SkipTargets makes ReadCSVWithSchema leave the target columns unread
	// even when the file has them, as predict does: Y has zero columns and
	// a missing or unknown target neither stops nor drops a row.
	SkipTargets bool
	// MaxRecordBytes caps the length of one line or record; 0 means
	// DefaultMaxRecordBytes. A longer one is an error, so a corrupt file
	// with a gigabyte-long line cannot exhaust memory.
	MaxRecordBytes int
	// MaxCategories caps the distinct values of one categorical column
	// (a feature's categories or a target's classes); 0 means
	// DefaultMaxCategories. Each category becomes a column of X (or Y),
	// so an ID or free-text column read as categories would otherwise
	// make a rows × rows matrix from a small file.
	MaxCategories int
	// MaxFeatures caps the columns of X after one-hot encoding; 0 means
	// DefaultMaxFeatures.
	MaxFeatures int
	// MaxCells caps rows × (columns of X + columns of Y), the numbers the
	// dataset holds; 0 means DefaultMaxCells.
	MaxCells int64
}

// DefaultMaxRecordBytes is the record length cap used when
// CSVOptions.MaxRecordBytes is 0: far more than any real table row (a
// 100,000-column numeric row is about 1 MiB) yet small next to memory.
const DefaultMaxRecordBytes = 16 << 20

// DefaultMaxCategories is the category cap used when
// CSVOptions.MaxCategories is 0: above what real category columns hold
// (countries, product codes, ImageNet's 1,000 classes), below what an ID
// or free-text column in a file of a few thousand rows reaches.
const DefaultMaxCategories = 1000

// DefaultMaxFeatures is the feature cap used when CSVOptions.MaxFeatures is
// 0: MNIST has 784 and wide numeric tables a few thousand; 100,000 is as
// wide as DefaultMaxRecordBytes lets a numeric row be.
const DefaultMaxFeatures = 100_000

// DefaultMaxCells is the cap on rows × columns used when CSVOptions.MaxCells
// is 0: 2^28 float64 values are 2 GiB, which training then copies for its
// splits; MNIST's 60,000 × 794 is a fifth of it.
const DefaultMaxCells int64 = 1 << 28

// limits returns the caps on categories, features and cells, with the
// defaults for zeros.
func (o CSVOptions) limits() (cats, feats int, cells int64) {
	cats, feats, cells = o.MaxCategories, o.MaxFeatures, o.MaxCells
	if cats <= 0 {
		cats = DefaultMaxCategories
	}
	if feats <= 0 {
		feats = DefaultMaxFeatures
	}
	if cells <= 0 {
		cells = DefaultMaxCells
	}
	return cats, feats, cells
}

// HeaderMode says whether a CSV file starts with a row of column names.
type HeaderMode int

const (
	// HeaderAuto decides from the first two rows: the first row is a header
	// when none of its cells is a number, or when one of its cells is text
	// in a column whose cell in the second row is a number.
	HeaderAuto HeaderMode = iota
	// HeaderYes says the first row is a header.
	HeaderYes
	// HeaderNo says there is no header; columns are named col1, col2, ...
	HeaderNo
)

// TaskChoice chooses the task for ReadCSV.
type TaskChoice int

const (
	// AutoTask makes the dataset a classification when there is one target
	// column and it is categorical (text, or listed in Categorical), or it
	// holds only integers with at most 20 distinct values and at most half
	// as many distinct values as rows; otherwise a regression.
	AutoTask TaskChoice = iota
	// RegressionTask reads the targets as numbers.
	RegressionTask
	// ClassificationTask reads the single target column as class labels,
	// numeric or not.
	ClassificationTask
)

// String returns "auto", "regression" or "classification".
func (t TaskChoice) String() string {
	switch t {
	case AutoTask:
		return "auto"
	case RegressionTask:
		return "regression"
	case ClassificationTask:
		return "classification"
	}
	return fmt.Sprintf("TaskChoice(%d)", int(t))
}

// ParseTaskChoice parses "auto", "regression" or "classification" (as a
// command-line flag would give it).
func ParseTaskChoice(s string) (TaskChoice, error) {
	for _, t := range []TaskChoice{AutoTask, RegressionTask, ClassificationTask} {
		if strings.EqualFold(s, t.String()) {
			return t, nil
		}
	}
	return AutoTask, fmt.Errorf("data: unknown task %s (want auto, regression or classification)", quote(s))
}

// MissingPolicy says what the CSV readers do with a missing value: an empty
// cell or one of NA, N/A, NaN, null, ? (any case). The fill values are
// computed from the kept rows of the file and recorded in the Schema, or,
// with CSVOptions.KeepMissing, left for the trainer to fit on its training
// rows. With
// MissingMean and MissingMedian a categorical feature is filled with its
// mode, the only average a category has. With every policy but
// MissingError a row with a missing target is dropped, because inventing a
// label would train on data that does not exist; a dropped row is dropped
// before its other cells are read.
type MissingPolicy int

const (
	// MissingError rejects the file, naming the line and column.
	MissingError MissingPolicy = iota
	// MissingDrop drops every row that has a missing value.
	MissingDrop
	// MissingMean fills a missing numeric feature with the mean of its
	// column in the file.
	MissingMean
	// MissingMedian fills a missing numeric feature with the median of its
	// column.
	MissingMedian
	// MissingMode fills a missing feature with the most frequent value of
	// its column (the smallest such value, or first category in sorted
	// order, on a tie).
	MissingMode
)

// String returns "error", "drop", "mean", "median" or "mode".
func (p MissingPolicy) String() string {
	switch p {
	case MissingError:
		return "error"
	case MissingDrop:
		return "drop"
	case MissingMean:
		return "mean"
	case MissingMedian:
		return "median"
	case MissingMode:
		return "mode"
	}
	return fmt.Sprintf("MissingPolicy(%d)", int(p))
}

// Fills reports whether the policy replaces missing values by a statistic
// (mean, median or mode) rather than rejecting or dropping their rows.
func (p MissingPolicy) Fills() bool {
	return p == MissingMean || p == MissingMedian || p == MissingMode
}

// ParseMissingPolicy parses "error", "drop", "mean", "median" or "mode".
func ParseMissingPolicy(s string) (MissingPolicy, error) {
	for _, p := range []MissingPolicy{MissingError, MissingDrop, MissingMean, MissingMedian, MissingMode} {
		if strings.EqualFold(s, p.String()) {
			return p, nil
		}
	}
	return MissingError, fmt.Errorf("data: unknown missing-value policy %s (want error, drop, mean, median or mode)", quote(s))
}

// isMissing reports whether a trimmed cell is a missing value.
func isMissing(s string) bool {
	switch len(s) {
	case 0:
		return true
	case 1:
		return s == "?"
	case 2:
		return strings.EqualFold(s, "NA")
	case 3:
		return strings.EqualFold(s, "NaN") || strings.EqualFold(s, "N/A")
	case 4:
		return strings.EqualFold(s, "null")
	}
	return false
}

// describeMissing says how a missing value was written, for messages.
func describeMissing(s string) string {
	if s == "" {
		return "empty"
	}
	return quote(s)
}
