package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
)

func init() {
	register("inspect", command{
		summary: "show what a model or checkpoint file holds: architecture, parameters, preprocessing, training config, metrics",
		example: "descent inspect -model iris.json -json",
		run:     runInspect,
	})
}

// inspection is what inspect shows, the same facts in text and in JSON.
type inspection struct {
	File string `json:"file"`
	// Kind is "model" or "checkpoint".
	Kind string `json:"kind"`
	// Epoch and OptimizerStep say how far a checkpoint's training got.
	Epoch         *int      `json:"epoch,omitempty"`
	OptimizerStep *int64    `json:"optimizer_step,omitempty"`
	FormatVersion int       `json:"format_version"`
	DType         string    `json:"dtype"`
	Created       time.Time `json:"created,omitzero"`

	Architecture inspectArchitecture `json:"architecture"`
	Task         string              `json:"task"`
	Classes      []string            `json:"classes,omitempty"`
	// Features names the network's inputs: after dropped columns are left
	// out and categorical ones are one-hot encoded.
	Features []string `json:"features,omitempty"`
	// Columns is the training CSV's layout (role, kind, categories, fill),
	// absent when the data was not a CSV file.
	Columns       []data.ColumnSchema  `json:"columns,omitempty"`
	Preprocessing inspectPreprocessing `json:"preprocessing"`
	Training      json.RawMessage      `json:"training,omitempty"`
	Metrics       map[string]float64   `json:"metrics,omitempty"`
}

type inspectArchitecture struct {
	Inputs     int            `json:"inputs"`
	Layers     []inspectLayer `json:"layers"`
	Parameters int            `json:"parameters"`
	Loss       string         `json:"loss"`
	// OutputLink is what outputs pass through at prediction (softmax,
	// sigmoid), absent when nothing.
	OutputLink string `json:"output_link,omitempty"`
}

type inspectLayer struct {
	// Kind is the layer's kind, absent for dense layers (as in files
	// written before there were other kinds).
	Kind string `json:"kind,omitempty"`
	// Inputs and Units are the values per sample going in and coming out
	// (a dense layer's units).
	Inputs     int    `json:"inputs"`
	Units      int    `json:"units"`
	Activation string `json:"activation"`
	Bias       bool   `json:"bias"`
	Parameters int    `json:"parameters"`
	// Layer is the layer as -layers writes it, and OutputShape its output
	// sample's shape when that is not flat (after a convolution, say);
	// both absent for dense layers.
	Layer       string `json:"layer,omitempty"`
	OutputShape string `json:"output_shape,omitempty"`
}

// inspectLayers describes each layer of spec from the shapes and the
// parameters it implies, whatever the layer's kind.
func inspectLayers(spec nn.Spec) ([]inspectLayer, error) {
	layout, err := spec.Layout()
	if err != nil {
		return nil, err
	}
	var out []inspectLayer
	prev := spec.Inputs
	for i, l := range spec.Layers {
		part := spec
		part.Layers = spec.Layers[:i+1]
		shape := part.OutShape()
		il := inspectLayer{Inputs: prev, Units: shape.Size(), Activation: l.Activation.String()}
		prefix := fmt.Sprintf("layer%d.", i+1)
		for _, p := range layout {
			if strings.HasPrefix(p.Name, prefix) {
				il.Parameters += p.Rows * p.Cols
				il.Bias = il.Bias || p.Name == prefix+"bias"
			}
		}
		if l.KindName() != nn.KindDense {
			il.Kind, il.Layer = l.KindName(), nn.FormatLayer(l)
			if len(shape) > 1 {
				il.OutputShape = shape.String()
			}
		}
		out = append(out, il)
		prev = il.Units
	}
	return out, nil
}

type inspectPreprocessing struct {
	// Scaling is the features' scaling: robust, standard, minmax or none.
	Scaling string `json:"scaling"`
	// Clip bounds the scaled features smoothly to ±Clip; absent when 0.
	Clip float64 `json:"clip,omitempty"`
	// ScaledFeatures is how many inputs the scaler covers.
	ScaledFeatures int `json:"scaled_features"`
	// TargetScaling is the standardisation of a regression target the
	// network was trained on, undone at prediction.
	TargetScaling *inspectTargetScaling `json:"target_scaling,omitempty"`
}

type inspectTargetScaling struct {
	Mean              float64 `json:"mean"`
	StandardDeviation float64 `json:"standard_deviation"`
}

func runInspect(e *env, args []string) error {
	fs := newFlagSet(e, "inspect")
	path := fs.String("model", "", "the model or checkpoint `file`")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if *path == "" {
		return usagef("inspect: -model is required")
	}
	in, err := inspectFile(*path)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	printInspection(e.stdout, in)
	return nil
}

// inspectFile reads a model file or, failing that because the file is a
// checkpoint, a checkpoint file.
func inspectFile(path string) (*inspection, error) {
	m, err := model.Load(path)
	var ckpt *model.Checkpoint
	if errors.Is(err, model.ErrNotModel) {
		c, cerr := model.LoadCheckpoint(path)
		switch {
		case cerr == nil:
			m, ckpt, err = c.Model, c, nil
		case !errors.Is(cerr, model.ErrNotModel):
			// A checkpoint, but a damaged one: its own error says how.
			err = cerr
		}
	}
	if err != nil {
		return nil, err
	}
	in := &inspection{File: path, Kind: "model", FormatVersion: m.Version, DType: m.DType, Task: m.Task,
		Created: m.Created, Classes: m.ClassNames, Features: m.FeatureNames, Training: m.Training, Metrics: m.Metrics}
	if ckpt != nil {
		in.Kind = "checkpoint"
		in.Epoch, in.OptimizerStep = &ckpt.Epoch, &ckpt.Optimizer.Step
	}
	if in.Task == "" {
		in.Task = "unknown"
	}
	a := &in.Architecture
	a.Inputs, a.Loss = m.Spec.Inputs, m.Loss
	if a.Layers, err = inspectLayers(m.Spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, l := range a.Layers {
		a.Parameters += l.Parameters
	}
	if link, err := m.Link(); err == nil && link.Name != "identity" {
		a.OutputLink = link.String()
	}
	if m.Schema != nil {
		in.Columns = m.Schema.Columns
	}
	p := &in.Preprocessing
	p.Scaling = "none"
	if s := m.Scaler; s != nil && s.Kind != "" && s.Kind != "none" {
		p.Scaling, p.Clip, p.ScaledFeatures = string(s.Kind), s.Clip, len(s.Scale)
	}
	if t := m.TargetScaler; t != nil && len(t.Scale) > 0 {
		p.TargetScaling = &inspectTargetScaling{Mean: t.Offset[0], StandardDeviation: t.Scale[0]}
	}
	return in, nil
}

// printInspection writes in as text for a reader.
func printInspection(w io.Writer, in *inspection) {
	if in.Epoch != nil {
		fmt.Fprintf(w, "%s: descent training checkpoint after %s (optimizer step %d), format version %d, %s",
			in.File, plural.Count(*in.Epoch, "epoch"), *in.OptimizerStep, in.FormatVersion, in.DType)
	} else {
		fmt.Fprintf(w, "%s: descent model, format version %d, %s", in.File, in.FormatVersion, in.DType)
	}
	if !in.Created.IsZero() {
		fmt.Fprintf(w, ", created %s", in.Created.Format("2006-01-02 15:04:05 MST"))
	}
	a := in.Architecture
	fmt.Fprintf(w, "\n\narchitecture (%d inputs)\n", a.Inputs)
	for i, l := range a.Layers {
		bias := "no bias"
		if l.Bias {
			bias = "bias"
		}
		if l.Kind != "" {
			// Other kinds have their settings instead of an activation and
			// a bias column.
			what := l.Layer
			if l.OutputShape != "" {
				what += " (" + l.OutputShape + ")"
			}
			fmt.Fprintf(w, "  layer %d: %4d → %-4d %-21s %6d parameters\n", i+1, l.Inputs, l.Units, what, l.Parameters)
			continue
		}
		fmt.Fprintf(w, "  layer %d: %4d → %-4d %-12s %-8s %6d parameters\n", i+1, l.Inputs, l.Units, l.Activation, bias, l.Parameters)
	}
	fmt.Fprintf(w, "  total %d parameters; loss %s", a.Parameters, a.Loss)
	if a.OutputLink != "" {
		fmt.Fprintf(w, " (outputs pass through %s at prediction)", a.OutputLink)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "\ntask: %s\n", in.Task)
	if len(in.Classes) > 0 {
		fmt.Fprintf(w, "classes: %s\n", strings.Join(in.Classes, ", "))
	}
	if len(in.Features) > 0 {
		fmt.Fprintf(w, "features: %s\n", strings.Join(in.Features, ", "))
	}
	if p := in.Preprocessing; p.Scaling != "none" {
		clip := ""
		if p.Clip > 0 {
			clip = fmt.Sprintf(", outliers clipped smoothly to ±%g", p.Clip)
		}
		fmt.Fprintf(w, "preprocessing: %s scaling of %s%s (fitted on the training rows)\n", p.Scaling, plural.Count(p.ScaledFeatures, "feature"), clip)
	} else {
		fmt.Fprintf(w, "preprocessing: none\n")
	}
	if t := in.Preprocessing.TargetScaling; t != nil {
		fmt.Fprintf(w, "targets: trained standardised (mean %.6g, standard deviation %.6g); predictions are in the targets' units\n", t.Mean, t.StandardDeviation)
	}
	if in.Columns != nil {
		fmt.Fprintf(w, "CSV layout: %s (new data is read the same way)\n", plural.Count(len(in.Columns), "column"))
	}
	if len(in.Training) > 0 {
		var b bytes.Buffer
		if json.Indent(&b, in.Training, "  ", "  ") == nil {
			fmt.Fprintf(w, "\ntraining config:\n  %s\n", b.String())
		}
	}
	if len(in.Metrics) > 0 {
		fmt.Fprintf(w, "\nmetrics:\n")
		for _, k := range sortedKeys(in.Metrics) {
			fmt.Fprintf(w, "  %-16s %.6g\n", k, in.Metrics[k])
		}
	}
}
