package playground

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/optim"
)

// Limits on what a session may ask for. They keep one browser tab from
// taking the machine: the network stays small enough to draw and explain,
// and a tick of training stays in the millisecond range.
const (
	// MaxHiddenLayers is the most hidden layers a network may have.
	MaxHiddenLayers = 6
	// MaxUnits is the most neurons in one hidden layer (explain shows
	// up to explain.MaxNeurons per layer).
	MaxUnits = 8
	// MaxSamples is the most samples a generated dataset may have.
	MaxSamples = 2000
	// MaxEpochs is where a run stops by itself.
	MaxEpochs = 100000
	// MaxFeatures is the most input columns an uploaded CSV may have.
	MaxFeatures = 16
	// MaxClasses is the most classes an uploaded CSV may have.
	MaxClasses = 10
	// MaxUploadRows is the most rows an uploaded CSV may have.
	MaxUploadRows = 20000
)

// DatasetCSV is the Settings.Dataset of a session trained on an uploaded
// CSV file.
const DatasetCSV = "csv"

// datasetNames are the datasets the page offers, in its order. The
// playground's own sets (see playgroundSets) come first: they are harder
// than the datasets package's and teach capacity.
var datasetNames = []string{DatasetQuadrants, DatasetSwirl, "xor", "circles", "moons", "spiral", "blobs", "linear", "sin", "point", DatasetCSV}

// hiddenActivations are the activations the page offers for hidden layers.
var hiddenActivations = []string{activation.NameTanh, activation.NameReLU, activation.NameSigmoid, activation.NameLeakyReLU, activation.NameIdentity, activation.NameSoftplus, activation.NameGELU}

// Layer is one hidden layer of the designed network.
type Layer struct {
	// Units is the number of neurons, 1 to MaxUnits.
	Units int `json:"units"`
	// Activation is an activation name; "" means tanh.
	Activation string `json:"activation"`
}

// Settings is everything that defines a run. The same settings train the
// same way: Seed fixes the data, the split, the starting weights and the
// shuffles. The zero value of a field means its default (see Defaults).
type Settings struct {
	// Dataset is one of the playground's own sets (DatasetQuadrants,
	// DatasetSwirl), a name from the datasets package (xor, circles,
	// moons, spiral, blobs, linear, sin, point) or DatasetCSV.
	Dataset string `json:"dataset"`
	// Samples is the number of generated samples.
	Samples int `json:"samples"`
	// Noise is the generator's noise level.
	Noise float64 `json:"noise"`
	// TestRatio is the fraction of samples held out for testing, in [0, 0.9].
	TestRatio float64 `json:"test_ratio"`
	// Seed seeds every random choice of the run.
	Seed uint64 `json:"seed"`
	// Hidden are the hidden layers, input side first.
	Hidden []Layer `json:"hidden"`
	// Output is the output layer's activation; "" picks the one the loss
	// expects (sigmoid for bce, identity for losses on logits and for
	// regression).
	Output string `json:"output,omitempty"`
	// Bias gives every neuron a bias.
	Bias bool `json:"bias"`
	// Loss is a loss name; "" picks softmax_cross_entropy (one output per
	// class) for classification and mse for regression.
	Loss string `json:"loss,omitempty"`
	// Optimizer is an optim registry name.
	Optimizer string `json:"optimizer"`
	// LearningRate is the step size.
	LearningRate float64 `json:"learning_rate"`
	// BatchSize is the mini-batch size; it is capped at the training set
	// size.
	BatchSize int `json:"batch_size"`
	// L2 is the L2 penalty coefficient λ₂ of (λ₂/2)·Σw².
	L2 float64 `json:"l2"`
	// L1 is the L1 penalty coefficient λ₁ of λ₁·Σ|w|.
	L1 float64 `json:"l1"`
	// Features are the network's inputs for data of two features, names
	// from FeatureNames (x1, x2, x1², x2², x1·x2, sin(x1), sin(x2)); empty
	// means x1 and x2. Other data ignores it.
	Features []string `json:"features,omitempty"`
	// Dropout is the rate of a dropout layer after each hidden layer; 0
	// means none. Predictions and the drawn maps never drop.
	Dropout float64 `json:"dropout,omitempty"`
}

// MaxDropout is the highest dropout rate the page offers.
const MaxDropout = 0.9

// Defaults returns the settings the page opens with: XOR in quadrants,
// two hidden layers of six and four tanh neurons, Adam. This network and
// optimizer learn every built-in dataset (see TestDefaultsLearnEverySet).
func Defaults() Settings {
	return Settings{
		Dataset: DatasetQuadrants, Samples: 300, Noise: 0.05, TestRatio: 0.3, Seed: 1,
		Hidden: []Layer{{Units: 6, Activation: activation.NameTanh}, {Units: 4, Activation: activation.NameTanh}},
		Bias:   true, Optimizer: optim.NameAdam, LearningRate: 0.03, BatchSize: 10,
	}
}

// normalize fills in defaults and folds case; it never changes a value a
// user chose otherwise.
func (s Settings) normalize() Settings {
	d := Defaults()
	s.Dataset = strings.ToLower(strings.TrimSpace(s.Dataset))
	if s.Dataset == "" {
		s.Dataset = d.Dataset
	}
	if s.Samples == 0 {
		s.Samples = d.Samples
	}
	if s.Optimizer == "" {
		s.Optimizer = d.Optimizer
	}
	s.Optimizer = strings.ToLower(s.Optimizer)
	if s.LearningRate == 0 {
		s.LearningRate = d.LearningRate
	}
	if s.BatchSize == 0 {
		s.BatchSize = d.BatchSize
	}
	s.Loss = strings.ToLower(strings.TrimSpace(s.Loss))
	s.Output = strings.ToLower(strings.TrimSpace(s.Output))
	s.Hidden = slices.Clone(s.Hidden)
	if s.Hidden == nil {
		s.Hidden = []Layer{} // the page reads a list, never null
	}
	s.Features = slices.Clone(s.Features)
	if len(s.Features) == 0 {
		s.Features = nil // none and an empty list mean the same
	}
	for i := range s.Hidden {
		if s.Hidden[i].Activation == "" {
			s.Hidden[i].Activation = activation.NameTanh
		}
		s.Hidden[i].Activation = strings.ToLower(s.Hidden[i].Activation)
	}
	return s
}

// Validate reports the first thing wrong with s (after defaults), in words
// the page can show.
func (s Settings) Validate() error {
	s = s.normalize()
	if !slices.Contains(datasetNames, s.Dataset) {
		return fmt.Errorf("unknown dataset %q (known: %s)", s.Dataset, strings.Join(datasetNames, ", "))
	}
	if s.Samples < 4 || s.Samples > MaxSamples {
		return fmt.Errorf("samples must be between 4 and %d, got %d", MaxSamples, s.Samples)
	}
	if !finite(s.Noise) || s.Noise < 0 || s.Noise > 5 {
		return fmt.Errorf("noise must be between 0 and 5, got %v", s.Noise)
	}
	if !finite(s.TestRatio) || s.TestRatio < 0 || s.TestRatio > 0.9 {
		return fmt.Errorf("test ratio must be between 0 and 0.9, got %v", s.TestRatio)
	}
	if len(s.Hidden) > MaxHiddenLayers {
		return fmt.Errorf("at most %d hidden layers, got %d", MaxHiddenLayers, len(s.Hidden))
	}
	for i, l := range s.Hidden {
		if l.Units < 1 || l.Units > MaxUnits {
			return fmt.Errorf("hidden layer %d: between 1 and %d neurons, got %d", i+1, MaxUnits, l.Units)
		}
		if _, err := activation.Parse(l.Activation); err != nil || l.Activation == activation.NameSoftmax {
			return fmt.Errorf("hidden layer %d: unknown activation %q (known: %s)", i+1, l.Activation, strings.Join(hiddenActivations, ", "))
		}
	}
	if s.Output != "" {
		if _, err := activation.Parse(s.Output); err != nil {
			return fmt.Errorf("output layer: %w", err)
		}
	}
	if s.Loss != "" && !slices.Contains(loss.Names(), s.Loss) {
		return fmt.Errorf("unknown loss %q (known: %s)", s.Loss, strings.Join(loss.Names(), ", "))
	}
	if !finite(s.LearningRate) || s.LearningRate <= 0 || s.LearningRate > 10 {
		return fmt.Errorf("learning rate must be in (0, 10], got %v", s.LearningRate)
	}
	if s.BatchSize < 1 || s.BatchSize > MaxUploadRows {
		return fmt.Errorf("batch size must be between 1 and %d, got %d", MaxUploadRows, s.BatchSize)
	}
	if !finite(s.L2) || s.L2 < 0 || s.L2 > 1 {
		return fmt.Errorf("L2 must be between 0 and 1, got %v", s.L2)
	}
	if !finite(s.L1) || s.L1 < 0 || s.L1 > 1 {
		return fmt.Errorf("L1 must be between 0 and 1, got %v", s.L1)
	}
	if !finite(s.Dropout) || s.Dropout < 0 || s.Dropout > MaxDropout {
		return fmt.Errorf("dropout must be between 0 and %v, got %v", MaxDropout, s.Dropout)
	}
	if err := checkFeatures(s.Features); err != nil {
		return err
	}
	return optim.Config{Name: s.Optimizer}.Validate()
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Query encodes s as a URL query (without "?"), the form a shared link
// carries in its fragment. ParseQuery reads it back.
func (s Settings) Query() string {
	s = s.normalize()
	v := url.Values{}
	v.Set("data", s.Dataset)
	v.Set("n", strconv.Itoa(s.Samples))
	v.Set("noise", fmtFloat(s.Noise))
	v.Set("test", fmtFloat(s.TestRatio))
	v.Set("seed", strconv.FormatUint(s.Seed, 10))
	var units, acts []string
	for _, l := range s.Hidden {
		units = append(units, strconv.Itoa(l.Units))
		acts = append(acts, l.Activation)
	}
	v.Set("hidden", strings.Join(units, ","))
	v.Set("act", strings.Join(acts, ","))
	if s.Output != "" {
		v.Set("out", s.Output)
	}
	v.Set("bias", strconv.FormatBool(s.Bias))
	if s.Loss != "" {
		v.Set("loss", s.Loss)
	}
	v.Set("opt", s.Optimizer)
	v.Set("lr", fmtFloat(s.LearningRate))
	v.Set("batch", strconv.Itoa(s.BatchSize))
	v.Set("l2", fmtFloat(s.L2))
	if s.L1 != 0 {
		v.Set("l1", fmtFloat(s.L1))
	}
	if len(s.Features) > 0 {
		v.Set("features", strings.Join(s.Features, ","))
	}
	if s.Dropout != 0 {
		v.Set("dropout", fmtFloat(s.Dropout))
	}
	return v.Encode()
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// ParseQuery reads settings written by Query. Missing keys keep their
// defaults; a malformed value is an error naming the key. The result is
// not validated: call Validate.
func ParseQuery(q string) (Settings, error) {
	v, err := url.ParseQuery(strings.TrimLeft(q, "#?"))
	if err != nil {
		return Settings{}, fmt.Errorf("settings link: %w", err)
	}
	s := Defaults()
	var errs []string
	num := func(key string, dst *float64) {
		if x := v.Get(key); x != "" {
			f, err := strconv.ParseFloat(x, 64)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q is not a number", key, x))
				return
			}
			*dst = f
		}
	}
	integer := func(key string, dst *int) {
		if x := v.Get(key); x != "" {
			n, err := strconv.Atoi(x)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s=%q is not a whole number", key, x))
				return
			}
			*dst = n
		}
	}
	if x := v.Get("data"); x != "" {
		s.Dataset = x
	}
	integer("n", &s.Samples)
	num("noise", &s.Noise)
	num("test", &s.TestRatio)
	if x := v.Get("seed"); x != "" {
		n, err := strconv.ParseUint(x, 10, 64)
		if err != nil {
			errs = append(errs, fmt.Sprintf("seed=%q is not a whole number", x))
		}
		s.Seed = n
	}
	if v.Has("hidden") {
		s.Hidden = nil
		units := splitList(v.Get("hidden"))
		acts := splitList(v.Get("act"))
		if len(units) > MaxHiddenLayers {
			errs = append(errs, fmt.Sprintf("at most %d hidden layers", MaxHiddenLayers))
			units = units[:MaxHiddenLayers]
		}
		for i, u := range units {
			n, err := strconv.Atoi(u)
			if err != nil {
				errs = append(errs, fmt.Sprintf("hidden=%q: %q is not a whole number", v.Get("hidden"), u))
				break
			}
			l := Layer{Units: n}
			if i < len(acts) {
				l.Activation = acts[i]
			}
			s.Hidden = append(s.Hidden, l)
		}
	}
	s.Output = v.Get("out")
	if x := v.Get("bias"); x != "" {
		b, err := strconv.ParseBool(x)
		if err != nil {
			errs = append(errs, fmt.Sprintf("bias=%q is not true or false", x))
		}
		s.Bias = b
	}
	s.Loss = v.Get("loss")
	if x := v.Get("opt"); x != "" {
		s.Optimizer = x
	}
	num("lr", &s.LearningRate)
	integer("batch", &s.BatchSize)
	num("l2", &s.L2)
	num("l1", &s.L1)
	num("dropout", &s.Dropout)
	if v.Has("features") {
		s.Features = splitList(v.Get("features"))
	}
	if len(errs) > 0 {
		return Settings{}, fmt.Errorf("settings link: %s", strings.Join(errs, "; "))
	}
	return s.normalize(), nil
}

func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.Split(s, ",")
}
