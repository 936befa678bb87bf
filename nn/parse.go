package nn

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/suggest"
)

// layerParsers reads the settings of each kind written as
// "kind:arg:arg…" (see ParseLayer); args excludes the kind. Adding a kind
// that a command line can name means one line here, next to its line in
// kinds.
var layerParsers = map[string]func(args []string) (LayerSpec, error){
	KindDense:     parseDense,
	KindDropout:   parseDropout,
	KindBatchNorm: parseBatchNorm,
}

// ParseLayer reads one layer as the command line writes it: a bare number
// is a dense layer of that many units ("128"), "dense:N" or "dense:N:ACT"
// the explicit form, and any other kind its name and settings separated
// by colons ("dropout:0.2"). A dense layer given without an activation
// has an empty Activation, for the caller to fill in with its default
// (the nn default, sigmoid, is not what a command line means by "128").
// The error names the item and, for an unknown kind, the known ones.
func ParseLayer(s string) (LayerSpec, error) {
	item := strings.TrimSpace(s)
	if item == "" {
		return LayerSpec{}, fmt.Errorf("empty layer")
	}
	name, rest, hasArgs := strings.Cut(item, ":")
	if strings.ContainsRune("0123456789+-.", rune(name[0])) {
		// A number: the dense shorthand, which takes no settings.
		if hasArgs {
			return LayerSpec{}, fmt.Errorf("layer %q: a bare number is a dense layer's units; write dense:%s for an activation", item, item)
		}
		l, err := parseDenseUnits(name)
		if err != nil {
			return LayerSpec{}, fmt.Errorf("layer %q: %w", item, err)
		}
		return l, nil
	}
	kind := strings.ToLower(name)
	parse, ok := layerParsers[kind]
	if !ok {
		known := parsableKinds()
		return LayerSpec{}, fmt.Errorf("layer %q: unknown layer kind %q (known: %s, or a number for a dense layer)%s",
			item, name, strings.Join(known, ", "), suggest.Hint(kind, known))
	}
	var args []string
	if hasArgs {
		args = strings.Split(rest, ":")
	}
	l, err := parse(args)
	if err != nil {
		return LayerSpec{}, fmt.Errorf("layer %q: %w", item, err)
	}
	return l, nil
}

// ParseLayers reads a comma-separated list of layers as ParseLayer does;
// an empty or blank list is no layers. The error names the item by its
// position and text.
func ParseLayers(s string) ([]LayerSpec, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []LayerSpec
	for i, item := range strings.Split(s, ",") {
		l, err := ParseLayer(item)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i+1, err)
		}
		out = append(out, l)
	}
	return out, nil
}

// FormatLayer writes a layer in the form ParseLayer reads: "128" for a
// dense layer without kind or activation, "dense:128:relu" with one,
// "dropout:0.2" and so on. A setting the command line cannot express
// (no bias, an initialisation) is left out.
func FormatLayer(l LayerSpec) string {
	switch l.KindName() {
	case KindDense:
		if l.Kind == "" && l.Activation.Name == "" {
			return strconv.Itoa(l.Units)
		}
		s := KindDense + ":" + strconv.Itoa(l.Units)
		if l.Activation.Name != "" {
			s += ":" + l.Activation.String()
		}
		return s
	case KindDropout:
		return KindDropout + ":" + strconv.FormatFloat(l.Rate, 'g', -1, 64)
	}
	// Kinds without settings, such as batchnorm, are their name alone.
	return l.Kind
}

// FormatLayers writes layers as ParseLayers reads them, comma-separated.
func FormatLayers(ls []LayerSpec) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = FormatLayer(l)
	}
	return strings.Join(parts, ",")
}

// parsableKinds returns the kinds ParseLayer reads, in Kinds' order.
func parsableKinds() []string {
	var out []string
	for _, k := range Kinds() {
		if _, ok := layerParsers[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// parseDense reads "N" or "N:ACT" (ACT may hold a colon itself, as
// leaky_relu:0.1 does).
func parseDense(args []string) (LayerSpec, error) {
	if len(args) == 0 {
		return LayerSpec{}, fmt.Errorf("dense needs its units, e.g. dense:64 or dense:64:relu")
	}
	l, err := parseDenseUnits(args[0])
	if err != nil {
		return LayerSpec{}, err
	}
	if len(args) > 1 {
		act, err := activation.Parse(strings.Join(args[1:], ":"))
		if err != nil {
			return LayerSpec{}, err
		}
		l.Activation = act
	}
	return l, nil
}

// parseDenseUnits reads a dense layer's units, a positive integer.
func parseDenseUnits(s string) (LayerSpec, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return LayerSpec{}, fmt.Errorf("dense units %q: want a whole number of at least 1", s)
	}
	return LayerSpec{Units: n}, nil
}

// parseDropout reads "P", the probability of dropping a value.
func parseDropout(args []string) (LayerSpec, error) {
	if len(args) != 1 {
		return LayerSpec{}, fmt.Errorf("dropout takes one setting, its rate, e.g. dropout:0.2")
	}
	p, err := strconv.ParseFloat(args[0], 64)
	if err != nil || !(p >= 0 && p < 1) {
		return LayerSpec{}, fmt.Errorf("dropout rate %q: want a number at least 0 and below 1", args[0])
	}
	return LayerSpec{Kind: KindDropout, Rate: p}, nil
}

// parseBatchNorm reads "batchnorm", which takes no settings.
func parseBatchNorm(args []string) (LayerSpec, error) {
	if len(args) != 0 {
		return LayerSpec{}, fmt.Errorf("batchnorm takes no settings")
	}
	return LayerSpec{Kind: KindBatchNorm}, nil
}
