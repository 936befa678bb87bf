package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/descent-ml/descent/model"
)

func init() {
	register("inspect", command{
		summary: "show what a model file holds: architecture, parameters, preprocessing, training config, metrics",
		example: "descent inspect -model iris.json",
		run:     runInspect,
	})
}

func runInspect(e *env, args []string) error {
	fs := newFlagSet(e, "inspect")
	path := fs.String("model", "", "the model or checkpoint `file`")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("inspect: -model is required")
	}
	m, err := model.Load(*path)
	if err != nil {
		return err
	}
	w := e.stdout
	fmt.Fprintf(w, "%s: descent model, format version %d, %s", *path, m.Version, m.DType)
	if !m.Created.IsZero() {
		fmt.Fprintf(w, ", created %s", m.Created.Format("2006-01-02 15:04:05 MST"))
	}
	fmt.Fprintf(w, "\n\narchitecture (%d inputs)\n", m.Spec.Inputs)
	total := 0
	in := m.Spec.Inputs
	for i, l := range m.Spec.Layers {
		n := in * l.Units
		bias := "no bias"
		if !l.NoBias {
			n += l.Units
			bias = "bias"
		}
		total += n
		fmt.Fprintf(w, "  layer %d: %4d → %-4d %-12s %-8s %6d parameters\n", i+1, in, l.Units, l.Activation, bias, n)
		in = l.Units
	}
	fmt.Fprintf(w, "  total %d parameters; loss %s", total, m.Loss)
	if link, err := m.Link(); err == nil && link.Name != "identity" {
		fmt.Fprintf(w, " (outputs pass through %s at prediction)", link)
	}
	fmt.Fprintln(w)
	task := m.Task
	if task == "" {
		task = "unknown"
	}
	fmt.Fprintf(w, "\ntask: %s\n", task)
	if len(m.ClassNames) > 0 {
		fmt.Fprintf(w, "classes: %s\n", strings.Join(m.ClassNames, ", "))
	}
	if len(m.FeatureNames) > 0 {
		fmt.Fprintf(w, "features: %s\n", strings.Join(m.FeatureNames, ", "))
	}
	if s := m.Scaler; s != nil && s.Kind != "" && s.Kind != "none" {
		clip := ""
		if s.Clip > 0 {
			clip = fmt.Sprintf(", outliers clipped smoothly to ±%g", s.Clip)
		}
		fmt.Fprintf(w, "preprocessing: %s scaling of %d features%s (fitted on the training rows)\n", s.Kind, len(s.Scale), clip)
	} else {
		fmt.Fprintf(w, "preprocessing: none\n")
	}
	if t := m.TargetScaler; t != nil && len(t.Scale) > 0 {
		fmt.Fprintf(w, "targets: trained standardised (mean %.6g, standard deviation %.6g); predictions are in the targets' units\n", t.Offset[0], t.Scale[0])
	}
	if m.Schema != nil {
		fmt.Fprintf(w, "CSV layout: %d columns (new data is read the same way)\n", len(m.Schema.Columns))
	}
	if len(m.Training) > 0 {
		var b bytes.Buffer
		if json.Indent(&b, m.Training, "  ", "  ") == nil {
			fmt.Fprintf(w, "\ntraining config:\n  %s\n", b.String())
		}
	}
	if len(m.Metrics) > 0 {
		fmt.Fprintf(w, "\nmetrics:\n")
		for _, k := range sortedKeys(m.Metrics) {
			fmt.Fprintf(w, "  %-16s %.6g\n", k, m.Metrics[k])
		}
	}
	return nil
}
