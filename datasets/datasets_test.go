package datasets

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

// generators lists every random generator with a fixed class count, so the
// shape, balance and determinism tests cover them all.
var generators = []struct {
	name    string
	classes int // 0 for regression
	gen     func(n int, noise float64, rng *rand.Rand) *data.Dataset
}{
	{"NoisyXOR", 2, NoisyXOR},
	{"Circles", 2, Circles},
	{"Moons", 2, Moons},
	{"Spiral2", 2, func(n int, s float64, r *rand.Rand) *data.Dataset { return Spiral(n, 2, s, r) }},
	{"Spiral5", 5, func(n int, s float64, r *rand.Rand) *data.Dataset { return Spiral(n, 5, s, r) }},
	{"Blobs3", 3, func(n int, s float64, r *rand.Rand) *data.Dataset { return Blobs(n, 3, s, r) }},
	{"Blobs7", 7, func(n int, s float64, r *rand.Rand) *data.Dataset { return Blobs(n, 7, s, r) }},
	{"Linear", 2, Linear},
	{"Sin", 0, Sin},
}

func TestGeneratorsShapeAndBalance(t *testing.T) {
	for _, g := range generators {
		for _, n := range []int{0, 1, 101} {
			d := g.gen(n, 0.1, newRNG(1))
			if err := d.Validate(); err != nil {
				t.Errorf("%s(%d): %v", g.name, n, err)
			}
			wantX, wantY := 2, g.classes
			if g.classes == 0 {
				wantX, wantY = 1, 1
			}
			if d.X.Rows != n || d.X.Cols != wantX || d.Y.Rows != n || d.Y.Cols != wantY {
				t.Errorf("%s(%d): X %d×%d, Y %d×%d; want X %d×%d, Y %d×%d",
					g.name, n, d.X.Rows, d.X.Cols, d.Y.Rows, d.Y.Cols, n, wantX, n, wantY)
			}
			if len(d.FeatureNames) != wantX {
				t.Errorf("%s: FeatureNames = %q, want %d names", g.name, d.FeatureNames, wantX)
			}
			if g.classes == 0 {
				if d.Task != data.Regression {
					t.Errorf("%s: Task = %v, want regression", g.name, d.Task)
				}
				continue
			}
			if d.Task != data.Classification || len(d.ClassNames) != g.classes {
				t.Errorf("%s: Task %v with classes %q, want classification with %d", g.name, d.Task, d.ClassNames, g.classes)
			}
			counts := make([]int, g.classes)
			for i := range n {
				row := d.Y.Row(i)
				var sum float64
				for _, v := range row {
					sum += v
				}
				if sum != 1 {
					t.Fatalf("%s: row %d of Y = %v, not one-hot", g.name, i, row)
				}
				counts[d.Class(i)]++
			}
			lo, hi := slices.Min(counts), slices.Max(counts)
			if hi-lo > 1 {
				t.Errorf("%s(%d): class counts %v differ by more than 1", g.name, n, counts)
			}
		}
	}
}

func TestGeneratorsDeterministic(t *testing.T) {
	for _, g := range generators {
		a := g.gen(50, 0.1, newRNG(7))
		b := g.gen(50, 0.1, newRNG(7))
		c := g.gen(50, 0.1, newRNG(8))
		if !slices.Equal(a.X.Values(), b.X.Values()) || !slices.Equal(a.Y.Values(), b.Y.Values()) {
			t.Errorf("%s: same seed gave different data", g.name)
		}
		if slices.Equal(a.X.Values(), c.X.Values()) {
			t.Errorf("%s: seeds 7 and 8 gave identical features", g.name)
		}
	}
}

// TestGeneratorsRanges checks the geometry of noise-free data.
func TestGeneratorsRanges(t *testing.T) {
	const n, eps = 400, 1e-12
	rng := newRNG(3)
	tests := []struct {
		name string
		d    *data.Dataset
		// ok reports whether sample (x, class) has the promised geometry.
		ok func(x []float64, class int) bool
	}{
		{"Circles", Circles(n, 0, rng), func(x []float64, c int) bool {
			return math.Abs(math.Hypot(x[0], x[1])-[]float64{1, 0.5}[c]) < eps
		}},
		{"Moons", Moons(n, 0, rng), func(x []float64, c int) bool {
			if c == 0 {
				return math.Abs(math.Hypot(x[0], x[1])-1) < eps && x[1] >= 0
			}
			return math.Abs(math.Hypot(x[0]-1, x[1]-0.5)-1) < eps && x[1] <= 0.5
		}},
		{"Spiral", Spiral(n, 3, 0, rng), func(x []float64, c int) bool { return math.Hypot(x[0], x[1]) <= 1 }},
		{"NoisyXOR", NoisyXOR(n, 0, rng), func(x []float64, c int) bool {
			return (x[0] == 0 || x[0] == 1) && (x[1] == 0 || x[1] == 1) && int(x[0])^int(x[1]) == c
		}},
		{"Linear", Linear(n, 0, rng), func(x []float64, c int) bool {
			inside := math.Abs(x[0]) <= 1 && math.Abs(x[1]) <= 1
			return inside && (x[0]+x[1] > 0) == (c == 1)
		}},
	}
	for _, tt := range tests {
		for i := range tt.d.Len() {
			if x, c := tt.d.X.Row(i), tt.d.Class(i); !tt.ok(x, c) {
				t.Errorf("%s: sample %d = %v, class %d: off its curve or region", tt.name, i, x, c)
				break
			}
		}
	}
}

func TestSinRange(t *testing.T) {
	d := Sin(500, 0, newRNG(4))
	for i := range d.Len() {
		x, y := d.X.At(i, 0), d.Y.At(i, 0)
		if x < -math.Pi || x > math.Pi || y != math.Sin(x) {
			t.Fatalf("sample %d: x = %v, y = %v; want x in [-π, π], y = sin(x)", i, x, y)
		}
	}
}

func TestBlobsCentered(t *testing.T) {
	const n, classes = 3000, 4
	d := Blobs(n, classes, 0.5, newRNG(5))
	sum := make([][2]float64, classes)
	for i := range n {
		c := d.Class(i)
		sum[c][0] += d.X.At(i, 0)
		sum[c][1] += d.X.At(i, 1)
	}
	for c := range classes {
		// n/classes samples of std 0.5: the mean is off by ~0.02.
		gx, gy := sum[c][0]/(n/classes), sum[c][1]/(n/classes)
		wx, wy := BlobCenter(c, classes)
		if math.Hypot(gx-wx, gy-wy) > 0.1 {
			t.Errorf("blob %d mean = (%.3f, %.3f), want near (%.3f, %.3f)", c, gx, gy, wx, wy)
		}
	}
	for k := range classes {
		x0, y0 := BlobCenter(k, classes)
		x1, y1 := BlobCenter((k+1)%classes, classes)
		if got := math.Hypot(x1-x0, y1-y0); math.Abs(got-4) > 1e-9 {
			t.Errorf("centres %d and %d are %v apart, want 4", k, k+1, got)
		}
	}
}

func TestXORAndPoint(t *testing.T) {
	d := XOR()
	wantX := []float64{0, 0, 0, 1, 1, 0, 1, 1}
	wantClass := []int{0, 1, 1, 0}
	if !slices.Equal(d.X.Values(), wantX) {
		t.Errorf("XOR X = %v, want %v", d.X.Values(), wantX)
	}
	for i, want := range wantClass {
		if got := d.Class(i); got != want {
			t.Errorf("XOR class of sample %d = %d, want %d", i, got, want)
		}
	}
	p := Point()
	if p.Len() != 1 || p.X.At(0, 0) != 0.1 || p.Y.At(0, 0) != 0.3 || p.Task != data.Regression {
		t.Errorf("Point = X %v, Y %v, %v; want x 0.1, target 0.3, regression", p.X.Values(), p.Y.Values(), p.Task)
	}
}

func TestIris(t *testing.T) {
	d, err := Iris()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	if d.Len() != 150 || d.X.Cols != 4 || d.Y.Cols != 3 {
		t.Fatalf("Iris: %d samples, X %d cols, Y %d cols; want 150, 4, 3", d.Len(), d.X.Cols, d.Y.Cols)
	}
	if want := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}; !slices.Equal(d.FeatureNames, want) {
		t.Errorf("FeatureNames = %q, want %q", d.FeatureNames, want)
	}
	if want := []string{"setosa", "versicolor", "virginica"}; !slices.Equal(d.ClassNames, want) {
		t.Errorf("ClassNames = %q, want %q", d.ClassNames, want)
	}
	// Published summary statistics of the corrected iris data (as in R and
	// scikit-learn): overall means, then per-species means.
	wantMean := []float64{5.843, 3.057, 3.758, 1.199}
	wantClassMean := [3][4]float64{
		{5.006, 3.428, 1.462, 0.246},
		{5.936, 2.770, 4.260, 1.326},
		{6.588, 2.974, 5.552, 2.026},
	}
	var sum [4]float64
	var classSum [3][4]float64
	var counts [3]int
	for i := range d.Len() {
		c := d.Class(i)
		counts[c]++
		for j, v := range d.X.Row(i) {
			sum[j] += v
			classSum[c][j] += v
		}
	}
	if counts != [3]int{50, 50, 50} {
		t.Errorf("class counts = %v, want [50 50 50]", counts)
	}
	for j := range 4 {
		if got := sum[j] / 150; math.Abs(got-wantMean[j]) > 5e-4 {
			t.Errorf("mean of %s = %.4f, want %.3f", d.FeatureNames[j], got, wantMean[j])
		}
		for c := range 3 {
			if got := classSum[c][j] / 50; math.Abs(got-wantClassMean[c][j]) > 5e-4 {
				t.Errorf("mean of %s for %s = %.4f, want %.3f", d.FeatureNames[j], d.ClassNames[c], got, wantClassMean[c][j])
			}
		}
	}
	// Spot checks of single rows, including the two UCI corrections.
	for _, tt := range []struct {
		row  int
		want []float64
	}{
		{0, []float64{5.1, 3.5, 1.4, 0.2}},
		{34, []float64{4.9, 3.1, 1.5, 0.2}},
		{37, []float64{4.9, 3.6, 1.4, 0.1}},
		{149, []float64{5.9, 3.0, 5.1, 1.8}},
	} {
		if got := d.X.Row(tt.row); !slices.Equal(got, tt.want) {
			t.Errorf("row %d = %v, want %v", tt.row, got, tt.want)
		}
	}
}

func TestByName(t *testing.T) {
	tests := []struct {
		name        string
		n           int
		noise       float64
		wantLen     int
		wantTask    data.Task
		wantClasses int
	}{
		{"xor", 0, 0, 4, data.Classification, 2},
		{"xor", 40, 0, 40, data.Classification, 2},
		{"XOR", 0, 0.2, DefaultN, data.Classification, 2},
		{"circles", 0, 0, DefaultN, data.Classification, 2},
		{"moons", 30, 0.3, 30, data.Classification, 2},
		{"spiral", 0, 0, DefaultN, data.Classification, SpiralClasses},
		{"blobs", 0, 0, DefaultN, data.Classification, BlobClasses},
		{"linear", 10, 0, 10, data.Classification, 2},
		{"sin", 0, 0, DefaultSinN, data.Regression, 0},
		{"iris", 999, 0.5, 150, data.Classification, 3},
		{" Point ", 0, 0, 1, data.Regression, 0},
	}
	for _, tt := range tests {
		d, err := ByName(tt.name, tt.n, tt.noise, newRNG(1))
		if err != nil {
			t.Errorf("ByName(%q): %v", tt.name, err)
			continue
		}
		if d.Len() != tt.wantLen || d.Task != tt.wantTask || len(d.ClassNames) != tt.wantClasses {
			t.Errorf("ByName(%q, %d, %v): %d samples, %v, %d classes; want %d, %v, %d",
				tt.name, tt.n, tt.noise, d.Len(), d.Task, len(d.ClassNames), tt.wantLen, tt.wantTask, tt.wantClasses)
		}
	}
	for _, name := range Names() {
		if Description(name) == "" {
			t.Errorf("Description(%q) is empty", name)
		}
	}
	if got, want := len(Names()), 9; got != want {
		t.Errorf("len(Names()) = %d, want %d", got, want)
	}
}

func TestByNameErrors(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		noise    float64
		rng      *rand.Rand
		wantText string
	}{
		{"nope", 0, 0, newRNG(1), "known: blobs, circles"},
		{"moons", -1, 0, newRNG(1), "negative"},
		{"moons", 10, -0.1, newRNG(1), "noise"},
		{"moons", 10, math.NaN(), newRNG(1), "noise"},
		{"moons", 10, 0, nil, "random source"},
	}
	for _, tt := range tests {
		_, err := ByName(tt.name, tt.n, tt.noise, tt.rng)
		if err == nil || !strings.Contains(err.Error(), tt.wantText) {
			t.Errorf("ByName(%q, %d, %v): error %v, want one mentioning %q", tt.name, tt.n, tt.noise, err, tt.wantText)
		}
	}
	// The fixed datasets need no random source.
	for _, name := range []string{"iris", "point", "xor"} {
		if _, err := ByName(name, 0, 0, nil); err != nil {
			t.Errorf("ByName(%q) with nil rng: %v", name, err)
		}
	}
}

func TestGeneratorsPanicOnBadArguments(t *testing.T) {
	tests := []struct {
		name string
		f    func()
	}{
		{"negative n", func() { Moons(-1, 0, newRNG(1)) }},
		{"negative noise", func() { Circles(1, -1, newRNG(1)) }},
		{"nil rng", func() { Sin(1, 0, nil) }},
		{"one spiral", func() { Spiral(1, 1, 0, newRNG(1)) }},
		{"one blob", func() { Blobs(1, 1, 0, newRNG(1)) }},
	}
	for _, tt := range tests {
		func() {
			defer func() {
				r := recover()
				if s, ok := r.(string); !ok || !strings.HasPrefix(s, "datasets: ") {
					t.Errorf("%s: recovered %v, want a panic starting \"datasets: \"", tt.name, r)
				}
			}()
			tt.f()
		}()
	}
}
