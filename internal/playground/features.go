package playground

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

// The playground's own datasets, as TensorFlow Playground draws them:
// harder than the datasets package's clusters, so that a network too small
// for them shows it.
const (
	// DatasetQuadrants is XOR as points spread uniformly over the four
	// quadrants: class 1 where x1 and x2 have the same sign.
	DatasetQuadrants = "quadrants"
	// DatasetSwirl is two interleaved spiral arms, one per class.
	DatasetSwirl = "swirl"
)

// quadrantGap keeps quadrant points this far from the axes (in units of
// the half-width 1), so that noise 0 gives a clean margin.
const quadrantGap = 0.05

// swirlTurns is how often each swirl arm winds: TensorFlow Playground's
// 1.75 needs feature crosses or a wide network; 1.25 is learnable by the
// default network alone and still needs its two layers.
const swirlTurns = 1.25

// playgroundSet generates one of the playground's own datasets, or returns
// nil for a name of the datasets package.
func playgroundSet(name string, n int, noise float64, rng *rand.Rand) *data.Dataset {
	switch name {
	case DatasetQuadrants:
		d := twoClasses(n)
		for i := range n {
			x, y := quadrantCoord(rng), quadrantCoord(rng)
			c := 0
			if x*y > 0 {
				c = 1
			}
			d.X.Set(i, 0, x+noise*rng.NormFloat64())
			d.X.Set(i, 1, y+noise*rng.NormFloat64())
			d.Y.Set(i, c, 1)
		}
		return d
	case DatasetSwirl:
		d := twoClasses(n)
		for i := range n {
			c := i % 2
			r := (float64(i/2) + 0.5) / float64((n+1)/2)
			t := 2*math.Pi*swirlTurns*r + math.Pi*float64(c)
			d.X.Set(i, 0, r*math.Sin(t)+noise*rng.NormFloat64())
			d.X.Set(i, 1, r*math.Cos(t)+noise*rng.NormFloat64())
			d.Y.Set(i, c, 1)
		}
		return d
	}
	return nil
}

// quadrantCoord draws a coordinate uniformly from [-1, -gap] ∪ [gap, 1].
func quadrantCoord(rng *rand.Rand) float64 {
	v := quadrantGap + (1-quadrantGap)*rng.Float64()
	if rng.IntN(2) == 0 {
		return -v
	}
	return v
}

func twoClasses(n int) *data.Dataset {
	return &data.Dataset{
		X: tensor.New[float64](n, 2), Y: tensor.New[float64](n, 2), Task: data.Classification,
		FeatureNames: []string{"x1", "x2"}, TargetNames: []string{"class"}, ClassNames: []string{"0", "1"},
	}
}

// feature is one input the network can be given for data of two features.
type feature struct {
	name  string // in settings and links
	label string // on the page and in an exported model
	f     func(x1, x2 float64) float64
}

// features are the inputs offered for two-feature data, TensorFlow
// Playground's crosses. The sines take π·x: the built-in data lies within
// about [-1.5, 1.5], where sin x alone would be nearly a straight line.
var features = []feature{
	{"x1", "x1", func(a, _ float64) float64 { return a }},
	{"x2", "x2", func(_, b float64) float64 { return b }},
	{"x1sq", "x1²", func(a, _ float64) float64 { return a * a }},
	{"x2sq", "x2²", func(_, b float64) float64 { return b * b }},
	{"x1x2", "x1·x2", func(a, b float64) float64 { return a * b }},
	{"sinx1", "sin(πx1)", func(a, _ float64) float64 { return math.Sin(math.Pi * a) }},
	{"sinx2", "sin(πx2)", func(_, b float64) float64 { return math.Sin(math.Pi * b) }},
}

// FeatureNames returns the names Settings.Features may hold, in the
// page's order.
func FeatureNames() []string {
	names := make([]string, len(features))
	for i, f := range features {
		names[i] = f.name
	}
	return names
}

// inputNames names the inputs made by fs from two columns named n1 and
// n2 (x1 and x2 when unnamed): the column names stand in for x1 and x2, so
// that a CSV's "age" and "income" give "age²" and "age·income".
func inputNames(fs []feature, n1, n2 string) []string {
	r := strings.NewReplacer("x1", n1, "x2", n2)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = r.Replace(f.label)
	}
	return out
}

// crossed reports whether fs holds more than the two columns themselves.
func crossed(fs []feature) bool {
	return len(fs) != 2 || fs[0].name != "x1" || fs[1].name != "x2"
}

func checkFeatures(names []string) error {
	for i, n := range names {
		if !slices.Contains(FeatureNames(), n) {
			return fmt.Errorf("unknown input feature %q (known: %s)", n, strings.Join(FeatureNames(), ", "))
		}
		if slices.Contains(names[:i], n) {
			return fmt.Errorf("input feature %q is chosen twice", n)
		}
	}
	return nil
}

// chosenFeatures returns the features of names in the page's order; no
// names means x1 and x2.
func chosenFeatures(names []string) []feature {
	if len(names) == 0 {
		return features[:2]
	}
	var out []feature
	for _, f := range features {
		if slices.Contains(names, f.name) {
			out = append(out, f)
		}
	}
	return out
}

// expand returns the chosen features of each row of x (two columns).
func expand(fs []feature, x *tensor.Matrix[float64]) *tensor.Matrix[float64] {
	out := tensor.New[float64](x.Rows, len(fs))
	for i := range x.Rows {
		a, b := x.At(i, 0), x.At(i, 1)
		for j, f := range fs {
			out.Set(i, j, f.f(a, b))
		}
	}
	return out
}
