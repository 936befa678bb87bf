package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/model"
)

func init() {
	register("predict", command{
		summary: "predict every row of a data source with a saved model, as CSV",
		example: "descent predict -model iris.json -data new-flowers.csv -id id -o predictions.csv",
		run:     runPredict,
	})
}

func runPredict(e *env, args []string) error {
	fs := newFlagSet(e, "predict")
	path := fs.String("model", "", "the model `file`")
	src := fs.String("data", "", "data `SRC` (a CSV file, mnist:DIR[:test] or builtin:NAME); a target column, if present, is ignored")
	missing := fs.String("missing", "error", "a missing value the model has no fill for: error, or fill it with this file's mean, median or mode (every row is predicted: drop is refused)")
	id := fs.String("id", "", "copy this CSV `column` (a key) into the output as its first column")
	out := fs.String("o", "", "write the predictions to this CSV `file`; - or nothing for standard output")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("predict: -model is required")
	}
	if policy, err := data.ParseMissingPolicy(*missing); err != nil {
		return &UsageError{Err: err}
	} else if policy == data.MissingDrop {
		return usagef("predict: -missing drop is refused: predict writes one output row per input row, in order; use -missing mean, median or mode to fill a value the model has no fill for")
	}
	if err := outputPath("predict", "o", *out); err != nil {
		return err
	}
	m, err := model.Load(*path)
	if err != nil {
		return err
	}
	d, err := loadToPredict(m, *src, *missing, *id)
	if err != nil {
		return err
	}
	p, err := m.Predict(d.X)
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		cw := csv.NewWriter(w)
		classification := m.Task == data.Classification.String()
		var header []string
		if *id != "" {
			header = append(header, *id)
		}
		if classification {
			header = append(header, "label")
			for j := 0; j < p.Cols; j++ {
				header = append(header, "p_"+className(m, j))
			}
		} else {
			for j := 0; j < p.Cols; j++ {
				name := "prediction"
				if j < len(targetNames(m)) {
					name = targetNames(m)[j]
				} else if p.Cols > 1 {
					name = fmt.Sprintf("prediction%d", j+1)
				}
				header = append(header, name)
			}
		}
		if err := cw.Write(header); err != nil {
			return err
		}
		row := make([]string, 0, len(header))
		for i := 0; i < p.Rows; i++ {
			row = row[:0]
			if d.IDs != nil {
				row = append(row, d.IDs[i])
			}
			if classification {
				row = append(row, className(m, model.ClassOf(p.Row(i))))
			}
			for _, v := range p.Row(i) {
				row = append(row, strconv.FormatFloat(v, 'g', 8, 64))
			}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	}
	if err := writeOutput(e, *out, write); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	if *out == "" || *out == "-" {
		return nil
	}
	fmt.Fprintf(e.stderr, "wrote %s to %s\n", plural.Count(p.Rows, "prediction"), *out)
	return nil
}

// loadToPredict reads SRC for predict: every row, in order, never dropped
// (a target column, if present, is not read), with the id column's text
// when id is not "".
func loadToPredict(m *model.Model, src, missing, id string) (*data.Dataset, error) {
	isFile := src != "" && !strings.HasPrefix(src, "builtin:") && !strings.HasPrefix(src, "mnist:")
	if id != "" && (!isFile || m.Schema == nil) {
		return nil, usagef("predict: -id needs a CSV file and a model trained on one (it names a column of the file)")
	}
	var d *data.Dataset
	var err error
	if isFile && m.Schema != nil {
		opt, oerr := csvOptions(sourceOptions{missing: missing})
		if oerr != nil {
			return nil, oerr
		}
		opt.IDColumn, opt.SkipTargets = id, true
		d, err = data.LoadCSVWithSchema(src, m.Schema, opt)
	} else {
		d, err = loadForModel(m, src, "", missing)
	}
	if errors.Is(err, data.ErrMissingValue) {
		return nil, fmt.Errorf("predict: %w; the model has no fill for this column: -missing mean, median or mode fills it from this file (drop is refused: every row is predicted)", err)
	}
	if err != nil {
		return nil, err
	}
	if d.DroppedRows > 0 {
		// Row i of the output must be row i of the input.
		return nil, fmt.Errorf("predict: %d rows of %s have a missing target and were dropped; remove the target column or its missing values", d.DroppedRows, src)
	}
	return d, nil
}

// className names class j of a model, by its index when it has no names.
func className(m *model.Model, j int) string {
	if j < len(m.ClassNames) {
		return m.ClassNames[j]
	}
	return strconv.Itoa(j)
}

// targetNames are the regression targets' names, from the schema.
func targetNames(m *model.Model) []string {
	if m.Schema == nil {
		return nil
	}
	var names []string
	for _, c := range m.Schema.Columns {
		if c.Role == data.RoleTarget {
			names = append(names, c.Name)
		}
	}
	return names
}
