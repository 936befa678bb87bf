package train

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// TestFitRowsMatchesCopies: training on Rows, by index into one matrix and
// prepared batch by batch, gives the same bits as training on copies of
// the parts prepared whole, the way front ends did it before Rows.
func TestFitRowsMatchesCopies(t *testing.T) {
	iris, err := datasets.Iris()
	if err != nil {
		t.Fatal(err)
	}
	var trainIdx, valIdx []int
	for i := range iris.Len() {
		if i%5 == 2 {
			valIdx = append(valIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	scaler, err := data.FitScaler(data.Robust, iris.Subset(trainIdx).X)
	if err != nil {
		t.Fatal(err)
	}
	prepare := func(x *tensor.Matrix[float64]) {
		if err := scaler.Transform(x); err != nil {
			t.Fatal(err)
		}
	}
	copied := func(idx []int) *data.Dataset {
		d := iris.Subset(idx)
		prepare(d.X)
		return d
	}
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"batches of 16", Config{Epochs: 3, BatchSize: 16, LearningRate: 0.05, Seed: 7}},
		{"held out by Fit", Config{Epochs: 3, BatchSize: 8, LearningRate: 0.05, Seed: 7, ValidationSplit: 0.3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := mlp(4, 5, 3)
			want := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 1)))
			got := nn.MustNew[float32](spec, rand.New(rand.NewPCG(1, 1)))
			l := loss.SoftmaxCrossEntropy[float32]{}
			var wantVal *data.Dataset
			gotVal := &Rows{Labels: iris.Labels(valIdx), X: iris.X, Index: valIdx, Prepare: prepare}
			if tc.cfg.ValidationSplit == 0 {
				wantVal = copied(valIdx)
			} else {
				gotVal = nil
			}
			wh, err := Fit(context.Background(), want, l, copied(trainIdx), wantVal, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			gotTrain := &Rows{Labels: iris.Labels(trainIdx), X: iris.X, Index: trainIdx, Prepare: prepare}
			gh, err := FitRows(context.Background(), got, l, gotTrain, gotVal, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if len(gh.Epochs) != len(wh.Epochs) {
				t.Fatalf("%d epochs, want %d", len(gh.Epochs), len(wh.Epochs))
			}
			for i := range wh.Epochs {
				g, w := gh.Epochs[i], wh.Epochs[i]
				if g.Train != w.Train || (g.Val == nil) != (w.Val == nil) || g.Val != nil && *g.Val != *w.Val {
					t.Errorf("epoch %d: got %+v, want %+v", i+1, g, w)
				}
			}
			for i, p := range got.Params() {
				if !slices.Equal(p.Value.Data, want.Params()[i].Value.Data) {
					t.Errorf("%s differs from the run on copies", p.Name)
				}
			}
		})
	}
}

// TestFitRowsChecksTheRows: rows that do not fit together are an error
// before training, not a panic.
func TestFitRowsChecksTheRows(t *testing.T) {
	iris, err := datasets.Iris()
	if err != nil {
		t.Fatal(err)
	}
	net := nn.MustNew[float32](mlp(4, 5, 3), rand.New(rand.NewPCG(1, 1)))
	l := loss.SoftmaxCrossEntropy[float32]{}
	bad := tensor.FromSlice(iris.Len(), 4, slices.Clone(iris.X.Data))
	bad.Set(3, 1, math.NaN())
	for _, tc := range []struct {
		name string
		rows *Rows
		want string
	}{
		{"index out of range", &Rows{Labels: iris.Labels([]int{0, 1}), X: iris.X, Index: []int{0, 150}}, "sample 1 is row 150 of a 150-row feature matrix"},
		{"index too short", &Rows{Labels: iris.Labels([]int{0, 1}), X: iris.X, Index: []int{0}}, "1 row indices for 2 samples"},
		{"rows and labels disagree", &Rows{Labels: iris.Labels([]int{0, 1}), X: iris.X}, "150 feature rows but 2 target rows"},
		{"NaN feature", &Rows{Labels: iris.Labels([]int{2, 3}), X: bad, Index: []int{2, 3}}, "sample 1, feature column 1 is NaN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := FitRows(context.Background(), net, l, tc.rows, nil, Config{Epochs: 1})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestFitRowsFromCompactSource: features read from a dataset stored in
// float32 (Rows.Source) train to the same bits as the float64 matrix they
// equal, with and without Prepare, by index and whole (Fit on the
// dataset itself).
func TestFitRowsFromCompactSource(t *testing.T) {
	iris, err := datasets.Iris()
	if err != nil {
		t.Fatal(err)
	}
	// Iris in millimetres: whole numbers, which float32 holds exactly.
	every := make([]int, iris.Len())
	for i := range every {
		every[i] = i
	}
	ints := iris.Subset(every)
	for k, v := range ints.X.Data {
		ints.X.Data[k] = math.Round(10 * v)
	}
	compact, ok := ints.Float32()
	if !ok || !compact.Compact() {
		t.Fatal("iris in millimetres is not stored in float32")
	}
	var trainIdx, valIdx []int
	for i := range iris.Len() {
		if i%4 == 1 {
			valIdx = append(valIdx, i)
		} else {
			trainIdx = append(trainIdx, i)
		}
	}
	scaler, err := data.FitScalerRows(data.Standard, compact, trainIdx)
	if err != nil {
		t.Fatal(err)
	}
	prepare := func(x *tensor.Matrix[float64]) {
		if err := scaler.Transform(x); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Epochs: 3, BatchSize: 16, LearningRate: 0.01, Seed: 3}
	l := loss.SoftmaxCrossEntropy[float32]{}
	run := func(t *testing.T, fit func(net *nn.Network[float32]) (*History, error)) (*nn.Network[float32], *History) {
		t.Helper()
		net := nn.MustNew[float32](mlp(4, 5, 3), rand.New(rand.NewPCG(1, 1)))
		h, err := fit(net)
		if err != nil {
			t.Fatal(err)
		}
		return net, h
	}
	for _, prep := range []func(*tensor.Matrix[float64]){nil, prepare} {
		rows := func(idx []int, compactSource bool) *Rows {
			r := &Rows{Labels: ints.Labels(idx), X: ints.X, Index: idx, Prepare: prep}
			if compactSource {
				r.X, r.Source = nil, compact
			}
			return r
		}
		want, wh := run(t, func(net *nn.Network[float32]) (*History, error) {
			return FitRows(context.Background(), net, l, rows(trainIdx, false), rows(valIdx, false), cfg)
		})
		got, gh := run(t, func(net *nn.Network[float32]) (*History, error) {
			return FitRows(context.Background(), net, l, rows(trainIdx, true), rows(valIdx, true), cfg)
		})
		sameRun(t, got, want, gh, wh)
	}
	want, wh := run(t, func(net *nn.Network[float32]) (*History, error) {
		return Fit(context.Background(), net, l, ints, nil, cfg)
	})
	got, gh := run(t, func(net *nn.Network[float32]) (*History, error) {
		return Fit(context.Background(), net, l, compact, nil, cfg)
	})
	sameRun(t, got, want, gh, wh)

	for _, tc := range []struct {
		name string
		rows *Rows
		want string
	}{
		{"index out of range", &Rows{Labels: ints.Labels([]int{0, 1}), Source: compact, Index: []int{0, 150}}, "sample 1 is row 150 of a 150-row feature matrix"},
		{"rows and labels disagree", &Rows{Labels: ints.Labels([]int{0, 1}), Source: compact}, "150 feature rows but 2 target rows"},
		{"no features", &Rows{Labels: ints.Labels([]int{0, 1})}, "no features"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			net := nn.MustNew[float32](mlp(4, 5, 3), rand.New(rand.NewPCG(1, 1)))
			_, err := FitRows(context.Background(), net, l, tc.rows, nil, Config{Epochs: 1})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// sameRun fails t unless two runs scored every epoch alike and ended with
// the same weights.
func sameRun(t *testing.T, got, want *nn.Network[float32], gh, wh *History) {
	t.Helper()
	if len(gh.Epochs) != len(wh.Epochs) {
		t.Fatalf("%d epochs, want %d", len(gh.Epochs), len(wh.Epochs))
	}
	for i := range wh.Epochs {
		g, w := gh.Epochs[i], wh.Epochs[i]
		if g.Train != w.Train || (g.Val == nil) != (w.Val == nil) || g.Val != nil && *g.Val != *w.Val {
			t.Errorf("epoch %d: got %+v, want %+v", i+1, g, w)
		}
	}
	for i, p := range got.Params() {
		if !slices.Equal(p.Value.Data, want.Params()[i].Value.Data) {
			t.Errorf("%s differs from the run on float64 features", p.Name)
		}
	}
}
