package fit

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/optim"
)

// TestInitStartsFromTheModelsWeights trains a model, then trains again
// from it with a learning rate too small to move any weight: the result
// holds the first model's weights, architecture and scalers, though the
// options ask for another architecture and seed.
func TestInitStartsFromTheModelsWeights(t *testing.T) {
	d := linear(100, 1)
	o := quick()
	o.Epochs, o.DType, o.Refit = 3, model.Float64, false
	first, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Init = first.Model
	o.Hidden, o.Activation, o.Seed = []int{7, 5}, "tanh", 99
	o.Optimizer = optim.Config{Name: optim.NameSGD}
	o.LearningRate = 1e-300
	o.Refit = true
	res, err := Train(context.Background(), d, nil, o)
	if err != nil {
		t.Fatal(err)
	}
	got, want := res.Model, first.Model
	if got.Spec.String() != want.Spec.String() {
		t.Fatalf("network %s, want the starting model's %s", got.Spec, want.Spec)
	}
	for i, p := range got.Params {
		for j, v := range p.Values {
			if w := want.Params[i].Values[j]; math.Abs(v-w) > 1e-12 {
				t.Fatalf("%s[%d] = %v, want the starting %v", p.Name, j, v, w)
			}
		}
	}
	if !reflect.DeepEqual(got.Scaler, want.Scaler) || !reflect.DeepEqual(got.TargetScaler, want.TargetScaler) {
		t.Errorf("scalers were refitted; the starting model's weights expect its own")
	}
}

func TestInitErrors(t *testing.T) {
	o := quick()
	o.Epochs, o.Refit = 2, false
	start, err := Train(context.Background(), linear(50, 1), nil, o)
	if err != nil {
		t.Fatal(err)
	}
	wide := linear(50, 2)
	wide.X = wide.X.Clone()
	wide.X.Cols, wide.X.Data = 1, wide.X.Data[:50] // one input instead of two
	tests := []struct {
		name string
		edit func(*Options)
		want string
	}{
		{"inputs", func(o *Options) { o.Init = start.Model }, "the starting model's network has 2 inputs and 1 outputs, the data 1 and 1"},
		{"output for loss", func(o *Options) { o.Init = start.Model; o.Loss = loss.NameBCE }, "does not fit"},
		{"with resume", func(o *Options) { o.Init = start.Model; o.Resume = &model.Checkpoint{Model: start.Model, Epoch: 1} }, "not both"},
		{"reduction", func(o *Options) { o.Init = start.Model; o.Reduction = 7 }, "unknown reduction 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := quick()
			o.Epochs = 2
			tt.edit(&o)
			d := linear(50, 3)
			if tt.name == "inputs" {
				d = wide
			}
			_, err := Train(context.Background(), d, nil, o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestReductionAndDeltaReachTheLoss: a huber loss with PyTorch's mean and
// δ = 0.5 trains, and the model's training record keeps both settings.
func TestReductionAndDeltaReachTheLoss(t *testing.T) {
	o := quick()
	o.Epochs, o.Refit = 2, false
	o.Loss, o.Reduction, o.Delta = loss.NameHuber, loss.MeanAll, 0.5
	res, err := Train(context.Background(), linear(50, 1), nil, o)
	if err != nil {
		t.Fatal(err)
	}
	var rec struct{ Options map[string]any }
	if err := json.Unmarshal(res.Model.Training, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Options["Reduction"] != "mean_all" || rec.Options["Delta"] != 0.5 {
		t.Errorf("training record has reduction %v and delta %v, want mean_all and 0.5", rec.Options["Reduction"], rec.Options["Delta"])
	}
	if res.Model.Loss != loss.NameHuber {
		t.Errorf("model loss %q, want huber", res.Model.Loss)
	}
}
