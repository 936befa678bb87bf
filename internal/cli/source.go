package cli

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/nn"
)

// sourceOptions say how to read a data source.
type sourceOptions struct {
	target  string    // column name or index; "" means the last column
	task    string    // auto, classification or regression
	missing string    // error, drop, mean, median or mode
	seed    uint64    // for built-in generators
	csv     *csvFlags // nil for a command without them: the data package's defaults
	weights string    // the CSV column of per-sample weights, if any
	// inputShape, when not nil, is each sample's shape (-input-shape),
	// replacing the source's own.
	inputShape []int
	// compact lets the loaders store the features in float32 where every
	// value reads back exactly (data.Dataset.Compact), halving the memory
	// of a large data set; only a command that hands the data to fit
	// alone, which reads it through data.Dataset.ReadFeatures, sets it.
	compact bool
}

// csvFlags are the flags of a command that reads training CSVs: columns to
// leave out and the limits that bound what reading a file may build.
type csvFlags struct {
	drop        string
	categorical string
	force       bool // accept losing more than half the rows to -missing
	// keepMissing leaves missing values for fit to fill from the training
	// split (train); tune's folds train without a schema to fill by, so
	// tune fills from the whole file.
	keepMissing   bool
	maxCategories int
	maxFeatures   int
	maxCells      int64
}

// addCSVFlags defines -drop, -categorical, -force, -max-categories,
// -max-features and -max-cells on fs.
func addCSVFlags(fs *flag.FlagSet) *csvFlags {
	f := &csvFlags{keepMissing: fs.Name() == "train"}
	fs.BoolVar(&f.force, "force", false, "train even when -missing drops more than half the rows of the CSV")
	fs.StringVar(&f.drop, "drop", "", "CSV `columns` to leave out, comma-separated (an ID or free-text column)")
	fs.StringVar(&f.categorical, "categorical", "", "CSV `columns` to read as categories although they hold numbers, comma-separated (zip codes, integer-coded groups); the model reads them so at predict time too")
	fs.IntVar(&f.maxCategories, "max-categories", data.DefaultMaxCategories, "most distinct values one categorical CSV column may have (each becomes a feature)")
	fs.IntVar(&f.maxFeatures, "max-features", data.DefaultMaxFeatures, "most feature columns a CSV may give, after one-hot encoding")
	fs.Int64Var(&f.maxCells, "max-cells", data.DefaultMaxCells, "most numbers (rows × feature and target columns) a CSV may give; 8 bytes each, 4 when train stores exact float32 values")
	return f
}

// loadSource reads SRC: a CSV path, "mnist:DIR" (the training files;
// "mnist:DIR:test" for the test files) or "builtin:NAME". The schema is nil
// for sources that are not CSV. With opt.inputShape the samples take that
// shape, which must hold exactly their features.
func loadSource(src string, opt sourceOptions) (*data.Dataset, *data.Schema, error) {
	d, s, err := readSource(src, opt)
	if err != nil || opt.inputShape == nil {
		return d, s, err
	}
	if err := data.CheckSampleShape(opt.inputShape, d.NumFeatures()); err != nil {
		return nil, nil, usagef("-input-shape: %s: %w", src, err)
	}
	d.SampleShape = slices.Clone(opt.inputShape)
	return d, s, nil
}

// readSource is loadSource without -input-shape.
func readSource(src string, opt sourceOptions) (*data.Dataset, *data.Schema, error) {
	switch {
	case src == "":
		return nil, nil, usagef("no data source given: use -data FILE.csv, -data builtin:NAME (%s) or -data mnist:DIR", strings.Join(datasets.Names(), ", "))
	case strings.HasPrefix(src, "builtin:"):
		d, err := datasets.ByName(strings.TrimPrefix(src, "builtin:"), 0, 0, newRand(opt.seed))
		return d, nil, err
	case strings.HasPrefix(src, "mnist:"):
		dir, train := strings.TrimPrefix(src, "mnist:"), true
		if d, ok := strings.CutSuffix(dir, ":test"); ok {
			dir, train = d, false
		}
		d, err := data.LoadMNISTWith(dir, train, data.MNISTOptions{Float32: opt.compact})
		return d, nil, err
	}
	copt, err := csvOptions(opt)
	if err != nil {
		return nil, nil, err
	}
	copt.Float32 = opt.compact
	d, s, err := data.LoadCSV(src, copt)
	if err != nil && opt.csv != nil {
		err = withLimitHint(err)
	}
	if err == nil && opt.csv != nil && !opt.csv.force && 2*d.DroppedRows > d.Len()+d.DroppedRows {
		return nil, nil, fmt.Errorf("%s: -missing %s would drop %d of the %d rows, more than half, for a missing value: fill them with -missing mean, median or mode, -drop a column that is mostly missing, or pass -force to train on the %d rows left", src, copt.Missing, d.DroppedRows, d.Len()+d.DroppedRows, d.Len())
	}
	return d, s, err
}

// withLimitHint adds to a data.LimitError the flags that answer it.
func withLimitHint(err error) error {
	var le *data.LimitError
	if !errors.As(err, &le) {
		return err
	}
	var ce *data.CSVError
	switch le.Option {
	case "MaxCategories":
		if errors.As(err, &ce) && ce.Column != "" {
			return fmt.Errorf("%w (-drop %s leaves it out; -max-categories N raises the limit)", err, ce.Column)
		}
		return fmt.Errorf("%w (-max-categories N raises the limit)", err)
	case "MaxFeatures":
		return fmt.Errorf("%w (-drop COLUMN leaves a column out; -max-features N raises the limit)", err)
	case "MaxCells":
		return fmt.Errorf("%w (-max-cells N raises the limit; each value takes 8 bytes)", err)
	}
	return err
}

func csvOptions(opt sourceOptions) (data.CSVOptions, error) {
	var c data.CSVOptions
	if opt.target != "" {
		for _, t := range strings.Split(opt.target, ",") {
			if i, err := strconv.Atoi(t); err == nil {
				c.TargetIndex = append(c.TargetIndex, i)
			} else {
				c.Targets = append(c.Targets, t)
			}
		}
		if len(c.Targets) > 0 && len(c.TargetIndex) > 0 {
			return c, usagef("-target mixes column names and indexes: %q", opt.target)
		}
	}
	c.WeightColumn = opt.weights
	var err error
	if opt.task != "" {
		if c.Task, err = data.ParseTaskChoice(opt.task); err != nil {
			return c, &UsageError{Err: err}
		}
	}
	if opt.missing != "" {
		if c.Missing, err = data.ParseMissingPolicy(opt.missing); err != nil {
			return c, &UsageError{Err: err}
		}
	}
	if f := opt.csv; f != nil {
		if f.maxCategories < 1 || f.maxFeatures < 1 || f.maxCells < 1 {
			return c, usagef("-max-categories, -max-features and -max-cells must be at least 1")
		}
		c.MaxCategories, c.MaxFeatures, c.MaxCells = f.maxCategories, f.maxFeatures, f.maxCells
		c.KeepMissing = f.keepMissing
		c.Drop = splitList(f.drop)
		c.Categorical = splitList(f.categorical)
	}
	return c, nil
}

// splitList reads a comma-separated list of column names, leaving out
// blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseInts reads a comma-separated list of positive integers such as
// "784,256,10".
func parseInts(flagName, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v <= 0 {
			return nil, usagef("-%s: %q is not a positive whole number (want a list like 16,8)", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// parseLayers reads a -layers list (nn.ParseLayers: 128, dense:N:ACT,
// dropout:P, …) as a usage error of cmd that names the bad item.
func parseLayers(cmd, s string) ([]nn.LayerSpec, error) {
	ls, err := nn.ParseLayers(s)
	if err != nil {
		return nil, usagef("%s: -layers: %w", cmd, err)
	}
	return ls, nil
}

// plainDense reports whether every layer is a dense layer given by its
// size alone, as a list of sizes (fit.Options.Hidden) says it.
func plainDense(ls []nn.LayerSpec) bool {
	for _, l := range ls {
		if l != (nn.LayerSpec{Units: l.Units}) {
			return false
		}
	}
	return true
}

// parseShape reads -input-shape, e.g. 1,28,28 (channels, height, width);
// empty means the source's own shape.
func parseShape(cmd, s string) ([]int, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	shape, err := parseInts("input-shape", s)
	if err != nil {
		return nil, usagef("%s: %w; want the sizes of one sample, outermost first, e.g. 1,28,28 for channels, height, width", cmd, errors.Unwrap(err))
	}
	return shape, nil
}

// parseFloats reads a comma-separated list of numbers.
func parseFloats(flagName, s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil {
			return nil, usagef("-%s: %q is not a number", flagName, f)
		}
		out = append(out, v)
	}
	return out, nil
}

// describe names a dataset for messages.
func describe(d *data.Dataset) string {
	return fmt.Sprintf("%s, %s, %s", plural.Count(d.Len(), "sample"), plural.Count(d.NumFeatures(), "feature"), d.Task)
}
