package nn

import (
	"fmt"
	"slices"
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
	KindConv2D:    parseConv2D,
	KindMaxPool2D: parsePool2D(KindMaxPool2D),
	KindAvgPool2D: parsePool2D(KindAvgPool2D),
}

// layerShortNames are the names the command line writes for kinds whose
// registry name is longer (the and Keras's "conv", "maxpool");
// ParseLayer reads both, FormatLayer writes the short one.
var layerShortNames = map[string]string{
	"conv":    KindConv2D,
	"maxpool": KindMaxPool2D,
	"avgpool": KindAvgPool2D,
}

// ParseLayer reads one layer as the command line writes it: a bare number
// is a dense layer of that many units ("128"), "dense:N" or "dense:N:ACT"
// the explicit form, and any other kind its name and settings separated
// by colons: "dropout:P", "batchnorm", "conv:F:K[:S[:P]][:ACT]" (F
// filters of K×K, stride S, zero padding P) and "maxpool:K[:S[:P]]" or
// "avgpool:K[:S[:P]]" (a K×K window, stride K unless given). A dense or
// convolutional layer given without an activation has an empty
// Activation, for the caller to fill in with its default (the nn default,
// sigmoid, is not what a command line means by "128"). The error names
// the item and, for an unknown kind, the known ones.
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
	if long, ok := layerShortNames[kind]; ok {
		kind = long
	}
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
// "dropout:0.2", "conv:32:3" (stride and padding only when they are not
// the defaults), "maxpool:2" and so on. A setting the command line cannot express
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
	case KindConv2D:
		s := shortName(KindConv2D) + ":" + strconv.Itoa(l.Filters) + ":" + strconv.Itoa(l.Kernel) + formatWindow(max(l.Stride, 1), 1, l.Padding)
		if l.Activation.Name != "" {
			s += ":" + l.Activation.String()
		}
		return s
	case KindMaxPool2D, KindAvgPool2D:
		stride := l.Stride
		if stride == 0 {
			stride = l.Kernel
		}
		return shortName(l.Kind) + ":" + strconv.Itoa(l.Kernel) + formatWindow(stride, l.Kernel, l.Padding)
	}
	// Kinds without settings, such as batchnorm, are their name alone.
	return l.Kind
}

// formatWindow writes a window's stride and padding as ":S:P", leaving
// out the padding when it is 0 and both when they are the defaults, so
// that "conv:32:3" stays as short as the user wrote it.
func formatWindow(stride, defaultStride, padding int) string {
	switch {
	case padding != 0:
		return ":" + strconv.Itoa(stride) + ":" + strconv.Itoa(padding)
	case stride != defaultStride:
		return ":" + strconv.Itoa(stride)
	}
	return ""
}

// FormatLayers writes layers as ParseLayers reads them, comma-separated.
func FormatLayers(ls []LayerSpec) string {
	parts := make([]string, len(ls))
	for i, l := range ls {
		parts[i] = FormatLayer(l)
	}
	return strings.Join(parts, ",")
}

// parsableKinds returns the kinds ParseLayer reads as the command line
// names them (short names where a kind has one), sorted.
func parsableKinds() []string {
	var out []string
	for _, k := range Kinds() {
		if _, ok := layerParsers[k]; ok {
			out = append(out, shortName(k))
		}
	}
	slices.Sort(out)
	return out
}

// shortName returns the command line's name for a registry kind.
func shortName(kind string) string {
	for short, long := range layerShortNames {
		if long == kind {
			return short
		}
	}
	return kind
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

// parseConv2D reads "F:K", then optionally the stride and padding
// ("F:K:S" or "F:K:S:P") and an activation ("F:K:relu",
// "F:K:2:1:leaky_relu:0.1"). Settings after K that are whole numbers are
// the stride and padding; the first that is not starts the activation,
// whose name is never a number.
func parseConv2D(args []string) (LayerSpec, error) {
	const form = "conv:F:K[:S[:P]][:ACT], e.g. conv:32:3 or conv:32:3:1:1:relu"
	if len(args) < 2 {
		return LayerSpec{}, fmt.Errorf("conv needs its filters and kernel size: %s", form)
	}
	l := LayerSpec{Kind: KindConv2D}
	var err error
	if l.Filters, err = wholeSetting("conv filters", args[0], 1); err != nil {
		return LayerSpec{}, err
	}
	if l.Kernel, err = wholeSetting("conv kernel size", args[1], 1); err != nil {
		return LayerSpec{}, err
	}
	rest := args[2:]
	if len(rest) > 0 && isInteger(rest[0]) {
		if l.Stride, err = wholeSetting("conv stride", rest[0], 1); err != nil {
			return LayerSpec{}, err
		}
		if l.Stride == 1 {
			l.Stride = 0 // the default, stored as zero so that specs compare equal
		}
		rest = rest[1:]
		if len(rest) > 0 && isInteger(rest[0]) {
			if l.Padding, err = wholeSetting("conv padding", rest[0], 0); err != nil {
				return LayerSpec{}, err
			}
			rest = rest[1:]
		}
	}
	if len(rest) > 0 {
		act, err := activation.Parse(strings.Join(rest, ":"))
		if err != nil {
			return LayerSpec{}, fmt.Errorf("%w (the form is %s)", err, form)
		}
		l.Activation = act
	}
	return l, nil
}

// parsePool2D returns the parser of a pooling kind: "K", the window's
// side and its stride, or "K:S" and "K:S:P" with the stride and padding.
func parsePool2D(kind string) func(args []string) (LayerSpec, error) {
	return func(args []string) (LayerSpec, error) {
		name := shortName(kind)
		if len(args) < 1 || len(args) > 3 {
			return LayerSpec{}, fmt.Errorf("%s takes its window size, then optionally stride and padding: %s:K[:S[:P]], e.g. %s:2", name, name, name)
		}
		l := LayerSpec{Kind: kind}
		var err error
		if l.Kernel, err = wholeSetting(name+" size", args[0], 1); err != nil {
			return LayerSpec{}, err
		}
		if len(args) > 1 {
			if l.Stride, err = wholeSetting(name+" stride", args[1], 1); err != nil {
				return LayerSpec{}, err
			}
			if l.Stride == l.Kernel {
				l.Stride = 0 // the default, stored as zero so that specs compare equal
			}
		}
		if len(args) > 2 {
			if l.Padding, err = wholeSetting(name+" padding", args[2], 0); err != nil {
				return LayerSpec{}, err
			}
		}
		return l, nil
	}
}

// wholeSetting reads a whole-number setting of at least least.
func wholeSetting(what, s string, least int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < least {
		return 0, fmt.Errorf("%s %q: want a whole number of at least %d", what, s, least)
	}
	return n, nil
}

// isInteger reports whether s is written as a (possibly signed) whole
// number, so that a bad stride such as "-1" is reported as a stride and
// not as an unknown activation.
func isInteger(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}
