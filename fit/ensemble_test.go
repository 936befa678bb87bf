package fit

import (
	"context"
	"math"
	"reflect"
	"runtime"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// mergeMembers gives one network that computes the members' average
// output before the output activation, exactly (to rounding), for dense
// networks of one or more hidden layers, with dropout between them, and
// for a linear model.
func TestMergeMembersAveragesOutputs(t *testing.T) {
	relu := activation.Spec{Name: activation.NameReLU}
	tanh := activation.Spec{Name: activation.NameTanh}
	id := activation.Spec{Name: activation.NameIdentity}
	for _, c := range []struct {
		name   string
		layers []nn.LayerSpec
	}{
		{"one hidden layer", []nn.LayerSpec{{Units: 5, Activation: relu}, {Units: 3, Activation: id}}},
		{"two hidden layers and dropout", []nn.LayerSpec{{Units: 4, Activation: tanh}, {Kind: nn.KindDropout, Rate: 0.3}, {Units: 6, Activation: relu}, {Units: 2, Activation: id}}},
		{"linear", []nn.LayerSpec{{Units: 2, Activation: id}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			spec := nn.Spec{Inputs: 3, Layers: c.layers}
			const k = 3
			var members []*model.Model
			var nets []*nn.Network[float64]
			for i := range k {
				net, err := nn.New[float64](spec, newRand(uint64(10+i)))
				if err != nil {
					t.Fatal(err)
				}
				// Biases start at 0; give them values so that their merge
				// is tested too.
				for _, p := range net.Params() {
					for j := range p.Value.Data {
						p.Value.Data[j] += 0.1 * float64(i+j%3)
					}
				}
				m, err := model.FromNetwork(net, "mse", "regression")
				if err != nil {
					t.Fatal(err)
				}
				members, nets = append(members, m), append(nets, net)
			}
			merged, err := mergeMembers(members)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := merged.Spec.Layers[len(c.layers)-1].Units, c.layers[len(c.layers)-1].Units; got != want {
				t.Errorf("merged output layer has %d units, want %d", got, want)
			}
			x := tensor.New[float64](4, 3)
			for i := range x.Data {
				x.Data[i] = math.Sin(float64(i)) * 2
			}
			got, err := merged.Predict(x)
			if err != nil {
				t.Fatal(err)
			}
			want := tensor.New[float64](4, spec.Outputs())
			for _, net := range nets {
				net.SetTraining(false)
				out := net.Forward(x)
				for i, v := range out.Data {
					want.Data[i] += v / k
				}
			}
			for i := range want.Data {
				if math.Abs(got.Data[i]-want.Data[i]) > 1e-12 {
					t.Fatalf("merged network gives %v, the members' average %v", got.Data, want.Data)
				}
			}
		})
	}
}

// irisRegression loads iris with petal_width as a regression target.
func irisRegression(t *testing.T) (*data.Dataset, *data.Schema) {
	t.Helper()
	d, s, err := data.LoadCSV("../datasets/iris.csv", data.CSVOptions{Targets: []string{"petal_width"}, Task: data.RegressionTask})
	if err != nil {
		t.Fatal(err)
	}
	return d, s
}

// Train with Ensemble k predicts the average of the k networks that
// Train makes alone from the members' seeds, in the targets' units.
func TestEnsembleIsTheMembersAverage(t *testing.T) {
	d, schema := irisRegression(t)
	o := Defaults()
	o.DType, o.Epochs, o.ValSplit, o.Hidden = model.Float64, 4, 0, []int{8}
	o.Ensemble = 3
	res, err := Train(context.Background(), d, schema, o)
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Model.Spec.Layers[0].Units; got != 24 {
		t.Errorf("the ensemble's hidden layer has %d units, want 3×8", got)
	}
	got, err := res.Model.Predict(d.X)
	if err != nil {
		t.Fatal(err)
	}
	want := tensor.New[float64](d.Len(), 1)
	for k := range 3 {
		one := o
		one.Ensemble, one.Seed = 1, memberSeed(o.Seed, k)
		r, err := Train(context.Background(), d, schema, one)
		if err != nil {
			t.Fatal(err)
		}
		p, err := r.Model.Predict(d.X)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range p.Data {
			want.Data[i] += v / 3
		}
	}
	for i := range want.Data {
		if math.Abs(got.Data[i]-want.Data[i]) > 1e-9 {
			t.Fatalf("row %d: ensemble predicts %v, the members' average is %v", i, got.Data[i], want.Data[i])
		}
	}
}

// An ensemble's members train at the same time, yet the model is the same
// bit for bit at any GOMAXPROCS, with the default refit.
func TestEnsembleDeterministic(t *testing.T) {
	d, schema := iris(t)
	o := Defaults()
	o.Epochs, o.Patience, o.Hidden, o.Ensemble = 6, 0, []int{16}, 4
	var params [][]model.Tensor
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		res, err := Train(context.Background(), d, schema, o)
		runtime.GOMAXPROCS(old)
		if err != nil {
			t.Fatal(err)
		}
		if res.Refit == nil || res.Model.Spec.Layers[0].Units != 64 {
			t.Fatalf("GOMAXPROCS %d: refit %v, hidden units %d; want a refit ensemble of 4×16", procs, res.Refit != nil, res.Model.Spec.Layers[0].Units)
		}
		params = append(params, res.Model.Params)
	}
	for i := 1; i < len(params); i++ {
		if !reflect.DeepEqual(params[i], params[0]) {
			t.Errorf("run %d's weights differ from run 1's", i+1)
		}
	}
}

// Data of more rows than EnsembleRows train one network.
func TestEnsembleRows(t *testing.T) {
	d, schema := iris(t)
	o := Defaults()
	o.Epochs, o.Patience, o.Hidden, o.Ensemble = 3, 0, []int{4}, 3
	for _, c := range []struct{ rows, units int }{{0, 12}, {150, 12}, {149, 4}} {
		o.EnsembleRows = c.rows
		res, err := Train(context.Background(), d, schema, o)
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Model.Spec.Layers[0].Units; got != c.units {
			t.Errorf("EnsembleRows %d, 150 rows: %d hidden units, want %d", c.rows, got, c.units)
		}
	}
}
