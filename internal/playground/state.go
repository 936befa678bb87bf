package playground

import (
	"math"
	"strconv"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
)

// Grid sizes: the decision boundary is drawn from BoundaryGrid² cells, each
// neuron's thumbnail from NeuronGrid² (1-D data: as many points per curve).
const (
	// BoundaryGrid is fine enough that the smoothed boundary shows no
	// steps on a 400-pixel plot.
	BoundaryGrid = 80
	NeuronGrid   = 20
	curvePoints  = 100
)

// nums is a list of numbers written with 4 significant digits: the page
// draws them, and full precision would triple the size of a poll.
// Non-finite values are written as null.
type nums []float64

// MarshalJSON writes the list compactly.
func (v nums) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(v)*7)
	b = append(b, '[')
	for i, x := range v {
		if i > 0 {
			b = append(b, ',')
		}
		if !finite(x) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, x, 'g', 4, 64)
	}
	return append(b, ']'), nil
}

// optNum is a number that may be absent (NaN is written as null).
type optNum float64

// MarshalJSON writes the number in full, or null when it is not finite.
func (x optNum) MarshalJSON() ([]byte, error) {
	if !finite(float64(x)) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(x), 'g', -1, 64), nil
}

// State is what the page polls: the progress, the curves, the grids and
// the weights of a session.
type State struct {
	ID           string   `json:"id"`
	Version      int      `json:"version"`
	Settings     Settings `json:"settings"`
	Share        string   `json:"share"`
	Epoch        int      `json:"epoch"`
	Running      bool     `json:"running"`
	Until        int      `json:"until"`
	Diverged     string   `json:"diverged,omitempty"`
	Task         string   `json:"task"`
	Loss         string   `json:"loss"`
	Optimizer    string   `json:"optimizer"`
	ClassNames   []string `json:"class_names,omitempty"`
	FeatureNames []string `json:"feature_names"`
	Upload       string   `json:"upload,omitempty"`
	TrainSize    int      `json:"train_size"`
	TestSize     int      `json:"test_size"`
	TrainLoss    optNum   `json:"train_loss"`
	TestLoss     optNum   `json:"test_loss"`
	TrainAcc     optNum   `json:"train_accuracy"`
	TestAcc      optNum   `json:"test_accuracy"`
	// R2 and RMSE measure a regression on the test set (the training set
	// when there is no test set); null for classification.
	R2   optNum `json:"r2"`
	RMSE optNum `json:"rmse"`
	// Warnings name what keeps the network from learning: dead ReLUs,
	// saturated neurons, a loss that stopped improving.
	Warnings []string `json:"warnings,omitempty"`
	// Inputs label the network's inputs (the chosen feature crosses for
	// two-feature data, else FeatureNames).
	Inputs  []string `json:"inputs"`
	History struct {
		Every  int   `json:"every"`
		Epochs []int `json:"epochs"`
		Train  nums  `json:"train"`
		Test   nums  `json:"test"`
	} `json:"history"`
	Layers []LayerState `json:"layers"`
	View   *View        `json:"view,omitempty"`
	Points *Points      `json:"points,omitempty"`
}

// LayerState is one layer's parameters: Weights[i][j] joins input i to
// neuron j.
type LayerState struct {
	Units      int    `json:"units"`
	Activation string `json:"activation"`
	Weights    []nums `json:"weights"`
	Bias       nums   `json:"bias,omitempty"`
}

// View is what the page draws for data of one or two features: the
// network's output over the plane (or the line) and each neuron's output.
type View struct {
	// Dims is 1 or 2.
	Dims int `json:"dims"`
	// Bounds is [xmin, xmax, ymin, ymax] of the drawn area in the data's
	// own units (y bounds the target for 1-D data).
	Bounds [4]float64 `json:"bounds"`
	// N is the grid's side (2-D) or the number of curve points (1-D).
	N int `json:"n"`
	// Output holds, per cell row by row from the top (2-D) or per point
	// left to right (1-D), the probability of class 1 for two classes,
	// the winning class's probability for more (see Class), or the
	// predicted value for regression.
	Output nums `json:"output"`
	// Class is the winning class per cell when there are more than two.
	Class []int `json:"class,omitempty"`
	// NeuronN is the side of the neuron grids.
	NeuronN int `json:"neuron_n"`
	// Inputs[i] is the network's input i over the neuron grid.
	Inputs []nums `json:"inputs"`
	// Neurons[l][j] is neuron j of layer l's output over its grid.
	Neurons [][]nums `json:"neurons"`
}

// Points are the samples, in raw units, for drawing.
type Points struct {
	X    []nums `json:"x"`
	Y    nums   `json:"y"` // class index or target value
	Test []bool `json:"test"`
}

// state describes the session. The caller holds mu.
func (s *session) state(points bool) *State {
	r := s.r
	st := &State{
		ID: s.id, Version: s.version, Settings: r.settings, Share: r.settings.Query(),
		Epoch: r.epoch, Running: s.running, Until: s.until, Diverged: r.diverged,
		Task: r.task.String(), Loss: r.lossName, Optimizer: r.opt.Name(),
		ClassNames: r.all.ClassNames, FeatureNames: r.all.FeatureNames,
		TrainSize: r.train.Len(), TestSize: r.test.Len(),
		TrainLoss: optNum(r.trainLoss), TestLoss: optNum(r.testLoss),
	}
	c := r.cached()
	st.TrainAcc, st.TestAcc, st.View = optNum(c.trainAcc), optNum(c.testAcc), c.view
	st.R2, st.RMSE, st.Warnings = optNum(c.r2), optNum(c.rmse), c.warnings
	st.Inputs = r.inputs
	if s.upload != nil {
		st.Upload = s.upload.name
	}
	// Copies: the training goroutine compacts the history in place.
	st.History.Every, st.History.Epochs = r.hist.Every, append([]int(nil), r.hist.Epochs...)
	st.History.Train, st.History.Test = append(nums(nil), r.hist.Train...), append(nums(nil), r.hist.Test...)
	for _, l := range denseLayers(r.net) {
		// Dense layers hold weights, then any bias; dropout layers hold
		// nothing to draw.
		spec, ps := l.Spec(), l.Params()
		ls := LayerState{Units: spec.Units, Activation: spec.Activation.String()}
		for i := range ps[0].Value.Rows {
			ls.Weights = append(ls.Weights, nums(ps[0].Value.Row(i)))
		}
		if !spec.NoBias {
			ls.Bias = nums(ps[1].Value.Row(0))
		}
		st.Layers = append(st.Layers, ls)
	}
	// Copy the weights so that the encoder reads a snapshot, not values
	// the training goroutine is changing.
	for i := range st.Layers {
		for k := range st.Layers[i].Weights {
			st.Layers[i].Weights[k] = append(nums(nil), st.Layers[i].Weights[k]...)
		}
		st.Layers[i].Bias = append(nums(nil), st.Layers[i].Bias...)
	}
	if points {
		st.Points = r.points()
	}
	return st
}

// drawn is what a state shows that costs forward passes to compute; it
// changes only with the epoch, so polls between epochs share it.
type drawn struct {
	epoch             int
	trainAcc, testAcc float64
	r2, rmse          float64
	warnings          []string
	view              *View
}

// cached returns the accuracies and grids of the current epoch, computing
// them once per epoch. The View is never changed once made, so a state
// can share it.
func (r *run) cached() *drawn {
	if r.drawn == nil || r.drawn.epoch != r.epoch {
		d := &drawn{epoch: r.epoch, trainAcc: r.accuracy(r.train), testAcc: r.accuracy(r.test), view: r.view2()}
		d.r2, d.rmse = r.regression()
		d.warnings = r.warnings()
		r.drawn = d
	}
	return r.drawn
}

// points lists the samples in raw units.
func (r *run) points() *Points {
	p := &Points{Test: r.isTest}
	for i := range r.all.Len() {
		p.X = append(p.X, nums(r.all.X.Row(i)))
		if r.task == data.Classification {
			p.Y = append(p.Y, float64(r.all.Class(i)))
		} else {
			p.Y = append(p.Y, r.all.Y.At(i, 0))
		}
	}
	return p
}

// view2 computes the drawn grids for data of one or two features, or
// returns nil for wider data.
func (r *run) view2() *View {
	dims := r.all.X.Cols
	if dims > 2 {
		return nil
	}
	for i, p := range r.net.Params() {
		r.view.Params()[i].Value.CopyFrom(p.Value)
	}
	v := &View{Dims: dims}
	lo, hi := colRange(r.all.X, 0)
	v.Bounds[0], v.Bounds[1] = lo, hi
	if dims == 2 {
		v.Bounds[2], v.Bounds[3] = colRange(r.all.X, 1)
		v.N, v.NeuronN = BoundaryGrid, NeuronGrid
	} else {
		v.Bounds[2], v.Bounds[3] = colRange(r.all.Y, 0)
		v.N, v.NeuronN = curvePoints, curvePoints/2
	}
	p := r.predictions(r.view, r.gridInputs(v, v.N))
	multi := r.task == data.Classification && p.Cols > 1
	v.Output = make(nums, p.Rows)
	for i := range p.Rows {
		row := p.Row(i)
		switch {
		case multi && r.classes == 2:
			v.Output[i] = row[1] / max(row[0]+row[1], 1e-12)
		case multi:
			c := model.ClassOf(row)
			v.Class = append(v.Class, c)
			v.Output[i] = row[c]
		default:
			v.Output[i] = row[0]
		}
	}
	if multi && r.classes == 2 {
		v.Class = nil
	}
	in := r.gridInputs(v, v.NeuronN)
	for j := range in.Cols {
		col := make(nums, in.Rows)
		for i := range in.Rows {
			col[i] = in.At(i, j)
		}
		v.Inputs = append(v.Inputs, col)
	}
	r.view.Forward(in)
	for li, l := range r.view.Layers {
		if l.Spec().KindName() != nn.KindDense {
			continue
		}
		out := r.view.LayerOutput(li)
		per := make([]nums, out.Cols)
		for j := range out.Cols {
			per[j] = make(nums, out.Rows)
			for i := range out.Rows {
				per[j][i] = out.At(i, j)
			}
		}
		v.Neurons = append(v.Neurons, per)
	}
	return v
}

// gridInputs returns the network inputs of an n×n grid (2-D, rows from the
// top) or n points (1-D) over v.Bounds, scaled as the training data was.
func (r *run) gridInputs(v *View, n int) *tensor.Matrix[float64] {
	var x *tensor.Matrix[float64]
	at := func(lo, hi float64, k int) float64 { return lo + (float64(k)+0.5)/float64(n)*(hi-lo) }
	if v.Dims == 2 {
		x = tensor.New[float64](n*n, 2)
		for i := range n {
			for j := range n {
				x.Set(i*n+j, 0, at(v.Bounds[0], v.Bounds[1], j))
				x.Set(i*n+j, 1, at(v.Bounds[3], v.Bounds[2], i))
			}
		}
	} else {
		x = tensor.New[float64](n, 1)
		for j := range n {
			x.Data[j] = at(v.Bounds[0], v.Bounds[1], j)
		}
	}
	if r.scaler != nil {
		_ = r.scaler.Transform(x) // shapes match: the scaler was fitted on these columns
	}
	if r.feats != nil {
		x = expand(r.feats, x)
	}
	return x
}

// colRange returns a padded range of column c, never empty.
func colRange(m *tensor.Matrix[float64], c int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for i := range m.Rows {
		v := m.At(i, c)
		lo, hi = min(lo, v), max(hi, v)
	}
	pad := 0.1 * (hi - lo)
	if pad == 0 {
		pad = 0.5 * max(1, math.Abs(lo))
	}
	return lo - pad, hi + pad
}

// denseLayers returns the network's dense layers, the ones the page draws
// and explains, in order.
func denseLayers(net *nn.Network[float64]) []nn.Layer[float64] {
	var out []nn.Layer[float64]
	for _, l := range net.Layers {
		if l.Spec().KindName() == nn.KindDense {
			out = append(out, l)
		}
	}
	return out
}

// regression returns R² and the root mean squared error of the network on
// the test set (the training set when there is none), over every target
// column; NaN for classification.
func (r *run) regression() (r2, rmse float64) {
	if r.task != data.Regression {
		return math.NaN(), math.NaN()
	}
	d := r.test
	if d.Len() == 0 {
		d = r.train
	}
	defer r.scoring()()
	p := r.predictions(r.net, d.X)
	var ss, tot float64
	for c := range d.Y.Cols {
		mean := 0.0
		for i := range d.Y.Rows {
			mean += d.Y.At(i, c)
		}
		mean /= float64(d.Y.Rows)
		for i := range d.Y.Rows {
			e, m := p.At(i, c)-d.Y.At(i, c), d.Y.At(i, c)-mean
			ss += e * e
			tot += m * m
		}
	}
	rmse = math.Sqrt(ss / float64(len(d.Y.Data)))
	r2 = math.NaN() // undefined for constant targets
	if tot > 0 {
		r2 = 1 - ss/tot
	}
	return r2, rmse
}
