package fit

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
)

// ClassWeights weighs the rows of a classification by their class, as
// scikit-learn's class_weight does: each row's loss, and its share of the
// accuracy, counts its class's weight times its own sample weight
// (Dataset.Weights, 1 without). The zero value weighs every class 1.
type ClassWeights struct {
	// Balanced gives class c the weight n/(k·n_c), for n rows, k classes
	// and n_c rows of class c, as scikit-learn's "balanced": every class
	// then carries the same total weight, and the validation accuracy
	// that chooses the epoch is about the balanced accuracy. The counts
	// are those of the rows a run trains on (the training part of the
	// split; all rows in the refit), not weighted by sample weights.
	Balanced bool `json:"balanced,omitempty"`
	// ByName gives classes their weights by class name; a class it does not
	// name weighs 1. Each weight must be finite and not negative.
	ByName map[string]float64 `json:"by_name,omitempty"`
}

// IsZero reports whether c weighs every class 1.
func (c ClassWeights) IsZero() bool { return !c.Balanced && len(c.ByName) == 0 }

// String returns "balanced", the weights as "name=w,…" in name order, or
// "" for none: the form ParseClassWeights reads.
func (c ClassWeights) String() string {
	if c.Balanced {
		return "balanced"
	}
	names := make([]string, 0, len(c.ByName))
	for n := range c.ByName {
		names = append(names, n)
	}
	slices.Sort(names)
	for i, n := range names {
		names[i] = n + "=" + strconv.FormatFloat(c.ByName[n], 'g', -1, 64)
	}
	return strings.Join(names, ",")
}

// ParseClassWeights reads class weights as a command line gives them:
// "balanced", or "name=weight" pairs separated by commas, such as
// "setosa=2,virginica=0.5". An empty string means none. A class name may
// hold '=' (the last one splits) but not ','.
func ParseClassWeights(s string) (ClassWeights, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ClassWeights{}, nil
	case strings.EqualFold(s, "balanced"):
		return ClassWeights{Balanced: true}, nil
	}
	c := ClassWeights{ByName: map[string]float64{}}
	for _, pair := range strings.Split(s, ",") {
		i := strings.LastIndexByte(pair, '=')
		if i < 0 {
			return ClassWeights{}, fmt.Errorf("fit: class weight %q: want balanced, or name=weight pairs such as setosa=2,virginica=1", pair)
		}
		name := strings.TrimSpace(pair[:i])
		w, err := strconv.ParseFloat(strings.TrimSpace(pair[i+1:]), 64)
		if err != nil {
			return ClassWeights{}, fmt.Errorf("fit: class weight %q: %q is not a number", pair, strings.TrimSpace(pair[i+1:]))
		}
		if _, dup := c.ByName[name]; dup {
			return ClassWeights{}, fmt.Errorf("fit: class %q is given two weights", name)
		}
		c.ByName[name] = w
	}
	return c, c.validate()
}

// validate checks what can be checked without data.
func (c ClassWeights) validate() error {
	if c.Balanced && len(c.ByName) > 0 {
		return fmt.Errorf("fit: class weights are either balanced or given by name, not both")
	}
	for n, w := range c.ByName {
		if !(w >= 0 && w <= math.MaxFloat64) {
			return fmt.Errorf("fit: class %q has weight %v: want a finite number ≥ 0", n, w)
		}
	}
	return nil
}

// For returns the weight of each class of d, in the order of d.ClassNames
// (nil for the zero ClassWeights): an error for a regression, or for a
// name that is not one of d's classes, listing those.
func (c ClassWeights) For(d *data.Dataset) ([]float64, error) {
	if c.IsZero() {
		return nil, nil
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	if d.Task != data.Classification {
		return nil, fmt.Errorf("fit: class weights are for classification; this is a %s", d.Task)
	}
	k := d.Y.Cols
	if c.Balanced {
		return loss.BalancedClassWeights(d.Classes(), k), nil
	}
	w := make([]float64, k)
	for i := range w {
		w[i] = 1
	}
	names := d.ClassNames
	if len(names) != k {
		names = make([]string, k) // classes without names go by index
		for i := range names {
			names[i] = strconv.Itoa(i)
		}
	}
	for n, v := range c.ByName {
		i := slices.Index(names, n)
		if i < 0 {
			known := make([]string, len(names))
			for j, s := range names {
				known[j] = strconv.Quote(s)
			}
			return nil, fmt.Errorf("fit: class weight for %q: no such class; the classes are %s", n, strings.Join(known, ", "))
		}
		w[i] = v
	}
	return w, nil
}

// applyClassWeights multiplies each row's weight in d (1 without) by the
// weight cw gives its class. d is the run's own copy.
func applyClassWeights(d *data.Dataset, cw []float64) {
	if d == nil || cw == nil {
		return
	}
	if d.Weights == nil {
		d.Weights = make([]float64, d.Len())
		for i := range d.Weights {
			d.Weights[i] = 1
		}
	}
	for i := range d.Weights {
		d.Weights[i] *= cw[d.Class(i)]
	}
}

// weightsRecord is what a model's Training records of its weights.
type weightsRecord struct {
	// Column is the CSV column the sample weights came from, when known.
	Column string `json:"column,omitempty"`
	// Samples says the rows had their own weights.
	Samples bool `json:"sample_weights,omitempty"`
	// Classes are the class weights the run used, by class name.
	Classes map[string]float64 `json:"class_weights,omitempty"`
}

// weigh puts the class weights into the run's own copies of its training
// and validation parts, computed (for Balanced) on the training part, and
// returns what to record, nil for an unweighted run.
func (j *job[T]) weigh(trainPart, valPart *data.Dataset) (*weightsRecord, error) {
	cw, err := j.o.ClassWeight.For(trainPart)
	if err != nil {
		return nil, err
	}
	applyClassWeights(trainPart, cw)
	applyClassWeights(valPart, cw)
	if j.d.Weights == nil && cw == nil {
		return nil, nil
	}
	r := &weightsRecord{Samples: j.d.Weights != nil}
	if j.schema != nil {
		for _, c := range j.schema.Columns {
			if c.Role == data.RoleWeight {
				r.Column = c.Name
			}
		}
	}
	if cw != nil {
		r.Classes = make(map[string]float64, len(cw))
		for i, w := range cw {
			name := strconv.Itoa(i)
			if i < len(j.d.ClassNames) {
				name = j.d.ClassNames[i]
			}
			r.Classes[name] = w
		}
	}
	return r, nil
}
