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
