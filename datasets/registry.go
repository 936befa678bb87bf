package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/suggest"
)

// Default sizes and noise levels that ByName uses when given 0.
const (
	// DefaultN is the number of samples of a synthetic 2-D dataset.
	DefaultN = 200
	// DefaultSinN is the number of samples of the sin dataset.
	DefaultSinN = 100
	// SpiralClasses is the number of arms of ByName("spiral"): the classic
	// two-spiral problem.
	SpiralClasses = 2
	// BlobClasses is the number of blobs of ByName("blobs").
	BlobClasses = 3
)

// entry describes one named dataset.
type entry struct {
	about string
	// n and noise are the defaults ByName uses when given 0.
	n     int
	noise float64
	// fixed marks data that ignores n, noise and rng.
	fixed bool
	gen   func(n int, noise float64, rng *rand.Rand) (*data.Dataset, error)
}

// registry maps each name ByName knows to its generator. The default noise
// levels blur the class boundary a little without making the classes
// overlap much.
var registry = map[string]entry{
	"xor": {
		// ByName returns the exact 4 points when n and noise are both 0.
		about: "XOR: the 4 points, or n noisy points around them", n: DefaultN, noise: 0.1,
		gen: wrap(NoisyXOR),
	},
	"circles": {
		about: "two concentric circles, 2 classes", n: DefaultN, noise: 0.05,
		gen: wrap(Circles),
	},
	"moons": {
		about: "two interleaving half circles, 2 classes", n: DefaultN, noise: 0.1,
		gen: wrap(Moons),
	},
	"spiral": {
		about: "two interleaved spiral arms, 2 classes", n: DefaultN, noise: 0.05,
		gen: func(n int, noise float64, rng *rand.Rand) (*data.Dataset, error) {
			return Spiral(n, SpiralClasses, noise, rng), nil
		},
	},
	"blobs": {
		about: "three Gaussian blobs, 3 classes", n: DefaultN, noise: 1,
		gen: func(n int, noise float64, rng *rand.Rand) (*data.Dataset, error) {
			return Blobs(n, BlobClasses, noise, rng), nil
		},
	},
	"linear": {
		about: "two classes split by the line x1 + x2 = 0", n: DefaultN, noise: 0.1,
		gen: wrap(Linear),
	},
	"sin": {
		about: "regression of y = sin(x) on [-π, π]", n: DefaultSinN, noise: 0.1,
		gen: wrap(Sin),
	},
	"iris": {
		about: "Fisher's iris flowers: 150 samples, 4 features, 3 classes", fixed: true,
		gen: func(int, float64, *rand.Rand) (*data.Dataset, error) {
			return Iris()
		},
	},
	"point": {
		about: "the tutorial's single sample: x = 0.1, target 0.3", fixed: true,
		gen: func(int, float64, *rand.Rand) (*data.Dataset, error) {
			return Point(), nil
		},
	},
}

// wrap adapts a generator that cannot fail to the registry's signature.
func wrap(f func(int, float64, *rand.Rand) *data.Dataset) func(int, float64, *rand.Rand) (*data.Dataset, error) {
	return func(n int, noise float64, rng *rand.Rand) (*data.Dataset, error) {
		return f(n, noise, rng), nil
	}
}

// Names returns the names ByName accepts, sorted.
func Names() []string {
	names := make([]string, 0, len(registry))
	for name := range registry {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Description returns a one-line description of the named dataset, or ""
// if ByName does not know the name.
func Description(name string) string {
	return registry[normalize(name)].about
}

// ByName returns the named dataset (see Names; case is ignored). n is the
// number of samples and noise the noise level (the standard deviation for
// blobs); 0 picks the default for that dataset:
//
//	name     n    noise  notes
//	xor      200  0.1    n = 0 and noise = 0 give the 4 exact XOR points;
//	                     otherwise NoisyXOR
//	circles  200  0.05
//	moons    200  0.1
//	spiral   200  0.05   2 arms
//	blobs    200  1      3 blobs; noise is the blobs' standard deviation
//	linear   200  0.1
//	sin      100  0.1
//	iris     150  -      fixed data: n and noise are ignored
//	point    1    -      fixed data: n and noise are ignored
//
// To get noise-free synthetic data, call the generator directly with
// noise 0. rng may be nil only for iris, point and the 4-point xor.
func ByName(name string, n int, noise float64, rng *rand.Rand) (*data.Dataset, error) {
	e, ok := registry[normalize(name)]
	if !ok {
		return nil, fmt.Errorf("datasets: unknown dataset %q (known: %s)%s", name, strings.Join(Names(), ", "), suggest.Hint(name, Names()))
	}
	if n < 0 {
		return nil, fmt.Errorf("datasets: %s: number of samples must not be negative, got %d", name, n)
	}
	if noise < 0 || math.IsNaN(noise) || math.IsInf(noise, 0) {
		return nil, fmt.Errorf("datasets: %s: noise must be a finite number ≥ 0, got %v", name, noise)
	}
	switch {
	case e.fixed:
		return e.gen(n, noise, rng)
	case normalize(name) == "xor" && n == 0 && noise == 0:
		return XOR(), nil
	case rng == nil:
		return nil, fmt.Errorf("datasets: %s: a random source is needed", name)
	}
	if n == 0 {
		n = e.n
	}
	if noise == 0 {
		noise = e.noise
	}
	return e.gen(n, noise, rng)
}

// normalize makes name lookups forgiving of case and stray spaces.
func normalize(name string) string { return strings.ToLower(strings.TrimSpace(name)) }
