package cli

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/atomicfile"
	"github.com/descent-ml/descent/model"
)

func init() {
	register("predict", command{
		summary: "predict every row of a data source with a saved model, as CSV",
		example: "descent predict -model iris.json -data new-flowers.csv -o predictions.csv",
		run:     runPredict,
	})
}

func runPredict(e *env, args []string) error {
	fs := newFlagSet(e, "predict")
	path := fs.String("model", "", "the model `file`")
	src := fs.String("data", "", "data `SRC` (a CSV file, mnist:DIR[:test] or builtin:NAME); a target column, if present, is ignored")
	missing := fs.String("missing", "error", "missing values: error, drop, mean, median or mode")
	out := fs.String("o", "", "write the predictions to this CSV `file` (default: standard output)")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("predict: -model is required")
	}
	m, err := model.Load(*path)
	if err != nil {
		return err
	}
	d, err := loadForModel(m, *src, "", *missing)
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
	if *out == "" {
		return write(e.stdout)
	}
	if err := atomicfile.Write(*out, write); err != nil {
		return fmt.Errorf("predict: %w", err)
	}
	fmt.Fprintf(e.stderr, "wrote %d predictions to %s\n", p.Rows, *out)
	return nil
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
