package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/tensor"
)

// XOR returns the four points of the XOR problem: inputs (0,0), (0,1),
// (1,0), (1,1) with classes 0, 1, 1, 0.
func XOR() *data.Dataset {
	d := newClassification(4, 2, 2)
	for i, p := range [4][2]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
		x := d.X.Row(i)
		x[0], x[1] = p[0], p[1]
		d.Y.Set(i, int(p[0])^int(p[1]), 1)
	}
	return d
}

// NoisyXOR returns n points scattered around the four XOR inputs: sample i
// has class i mod 2 and sits near one of its class's two corners, (0,0) or
// (1,1) for class 0 and (0,1) or (1,0) for class 1, taken in turn, with
// Gaussian noise of standard deviation noise added to each coordinate.
func NoisyXOR(n int, noise float64, rng *rand.Rand) *data.Dataset {
	check("NoisyXOR", n, noise, rng)
	d := newClassification(n, 2, 2)
	for i := range n {
		c := i % 2
		a := float64((i / 2) % 2) // which of the class's two corners
		b := a
		if c == 1 {
			b = 1 - a
		}
		x := d.X.Row(i)
		x[0] = a + noise*rng.NormFloat64()
		x[1] = b + noise*rng.NormFloat64()
		d.Y.Set(i, c, 1)
	}
	return d
}

// Circles returns n points on two concentric circles centred on the origin:
// class 0 on the circle of radius 1, class 1 on the circle of radius 0.5, at
// uniformly random angles, plus Gaussian noise of standard deviation noise
// on each coordinate.
func Circles(n int, noise float64, rng *rand.Rand) *data.Dataset {
	check("Circles", n, noise, rng)
	d := newClassification(n, 2, 2)
	for i := range n {
		c := i % 2
		r := 1 - 0.5*float64(c)
		t := 2 * math.Pi * rng.Float64()
		x := d.X.Row(i)
		x[0] = r*math.Cos(t) + noise*rng.NormFloat64()
		x[1] = r*math.Sin(t) + noise*rng.NormFloat64()
		d.Y.Set(i, c, 1)
	}
	return d
}

// Moons returns n points on two interleaving half circles of radius 1:
// class 0 on the upper half circle centred at (0, 0), class 1 on the lower
// half circle centred at (1, 0.5), plus Gaussian noise of standard deviation
// noise on each coordinate. It is the layout of scikit-learn's make_moons.
func Moons(n int, noise float64, rng *rand.Rand) *data.Dataset {
	check("Moons", n, noise, rng)
	d := newClassification(n, 2, 2)
	for i := range n {
		c := i % 2
		t := math.Pi * rng.Float64()
		x := d.X.Row(i)
		if c == 0 {
			x[0], x[1] = math.Cos(t), math.Sin(t)
		} else {
			x[0], x[1] = 1-math.Cos(t), 0.5-math.Sin(t)
		}
		x[0] += noise * rng.NormFloat64()
		x[1] += noise * rng.NormFloat64()
		d.Y.Set(i, c, 1)
	}
	return d
}

// spiralTurns is how many times each arm winds around the origin: enough to
// need a curved boundary, few enough that arms stay apart at small noise.
const spiralTurns = 1.5

// Spiral returns n points on classes ≥ 2 interleaved spiral arms that start
// at the origin and wind spiralTurns times outwards to radius 1. Arm k is
// rotated by 2πk/classes; each point sits at a uniformly random position
// along its arm, plus Gaussian noise of standard deviation noise on each
// coordinate.
func Spiral(n, classes int, noise float64, rng *rand.Rand) *data.Dataset {
	check("Spiral", n, noise, rng)
	if classes < 2 {
		panic(fmt.Sprintf("datasets: Spiral needs at least 2 classes, got %d", classes))
	}
	d := newClassification(n, 2, classes)
	for i := range n {
		c := i % classes
		r := rng.Float64()
		t := 2*math.Pi*float64(c)/float64(classes) + 2*math.Pi*spiralTurns*r
		x := d.X.Row(i)
		x[0] = r*math.Cos(t) + noise*rng.NormFloat64()
		x[1] = r*math.Sin(t) + noise*rng.NormFloat64()
		d.Y.Set(i, c, 1)
	}
	return d
}

// BlobCenter returns the centre of blob k of classes in Blobs. The centres
// lie evenly on a circle around the origin whose radius is chosen so that
// neighbouring centres are 4 apart (radius 2 for two classes).
func BlobCenter(k, classes int) (x1, x2 float64) {
	// Chord between neighbours is 2R·sin(π/classes); fix it at 4.
	r := 2 / math.Sin(math.Pi/float64(classes))
	t := 2 * math.Pi * float64(k) / float64(classes)
	return r * math.Cos(t), r * math.Sin(t)
}

// Blobs returns n points in classes ≥ 2 isotropic Gaussian blobs of
// standard deviation std, centred at BlobCenter(k, classes).
func Blobs(n, classes int, std float64, rng *rand.Rand) *data.Dataset {
	check("Blobs", n, std, rng)
	if classes < 2 {
		panic(fmt.Sprintf("datasets: Blobs needs at least 2 classes, got %d", classes))
	}
	d := newClassification(n, 2, classes)
	for i := range n {
		c := i % classes
		cx, cy := BlobCenter(c, classes)
		x := d.X.Row(i)
		x[0] = cx + std*rng.NormFloat64()
		x[1] = cy + std*rng.NormFloat64()
		d.Y.Set(i, c, 1)
	}
	return d
}

// Linear returns n points drawn uniformly from the square [-1, 1]² and
// labelled by the line x1 + x2 = 0: class 1 where x1 + x2 > 0, class 0
// where it is < 0. Gaussian noise of standard deviation noise is then added
// to each coordinate, so with noise > 0 some points cross the line.
func Linear(n int, noise float64, rng *rand.Rand) *data.Dataset {
	check("Linear", n, noise, rng)
	d := newClassification(n, 2, 2)
	for i := range n {
		c := i % 2
		a, b := 2*rng.Float64()-1, 2*rng.Float64()-1
		if (a+b > 0) != (c == 1) {
			// Reflect in the line: keeps the point in the square and
			// uniform over its half, and keeps the classes balanced.
			a, b = -b, -a
		}
		x := d.X.Row(i)
		x[0] = a + noise*rng.NormFloat64()
		x[1] = b + noise*rng.NormFloat64()
		d.Y.Set(i, c, 1)
	}
	return d
}

// Sin returns n regression samples with x uniform on [-π, π] and target
// y = sin(x) plus Gaussian noise of standard deviation noise.
func Sin(n int, noise float64, rng *rand.Rand) *data.Dataset {
	check("Sin", n, noise, rng)
	d := &data.Dataset{
		X:            tensor.New[float64](n, 1),
		Y:            tensor.New[float64](n, 1),
		Task:         data.Regression,
		FeatureNames: []string{"x1"},
		TargetNames:  []string{"y"},
	}
	for i := range n {
		x := math.Pi * (2*rng.Float64() - 1)
		d.X.Data[i] = x
		d.Y.Data[i] = math.Sin(x) + noise*rng.NormFloat64()
	}
	return d
}

// Point returns the tutorial's one-sample regression dataset: input 0.1,
// target 0.3.
func Point() *data.Dataset {
	return &data.Dataset{
		X:            tensor.FromRows([][]float64{{0.1}}),
		Y:            tensor.FromRows([][]float64{{0.3}}),
		Task:         data.Regression,
		FeatureNames: []string{"x1"},
		TargetNames:  []string{"y"},
	}
}

// newClassification returns an n-sample classification dataset with d
// features x1…xd and k classes "0"…"k-1", all values zero.
func newClassification(n, d, k int) *data.Dataset {
	features := make([]string, d)
	for j := range features {
		features[j] = "x" + strconv.Itoa(j+1)
	}
	classes := make([]string, k)
	for j := range classes {
		classes[j] = strconv.Itoa(j)
	}
	return &data.Dataset{
		X:            tensor.New[float64](n, d),
		Y:            tensor.New[float64](n, k),
		Task:         data.Classification,
		FeatureNames: features,
		TargetNames:  []string{"class"},
		ClassNames:   classes,
	}
}

// check panics on arguments that only a programming mistake produces;
// ByName screens user input before it gets here.
func check(fn string, n int, noise float64, rng *rand.Rand) {
	switch {
	case rng == nil:
		panic("datasets: " + fn + " needs a random source, got nil")
	case n < 0:
		panic(fmt.Sprintf("datasets: %s needs n ≥ 0, got %d", fn, n))
	case !(noise >= 0) || math.IsInf(noise, 1):
		panic(fmt.Sprintf("datasets: %s needs a finite noise ≥ 0, got %v", fn, noise))
	}
}
