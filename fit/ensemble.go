package fit

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
)

// memberSeed returns the seed of ensemble member k (member 0 is the run
// that Options.Seed alone makes, so an ensemble of 1 is that run). The
// golden-ratio step spreads the seeds so that no two members share one
// with a neighbouring Options.Seed's members.
func memberSeed(seed uint64, k int) uint64 {
	return seed + uint64(k)*0x9e3779b97f4a7c15
}

// ensemble trains members 1 to Options.Ensemble−1 as first, member 0, was
// trained (the same rows, the same number of epochs: all rows for
// epochs when refit, else the selection run with its own validation),
// each from its own seed, on up to GOMAXPROCS goroutines, and returns the
// members merged into one model (see mergeMembers). first's scalers,
// schema and metrics are kept: the members share the rows, so they share
// the scalers, and the validation scores stay the selection run's. It
// returns first alone when the network cannot be merged (a layer other
// than dense or dropout, or a hidden activation that is not applied to
// each unit alone), when training starts from Options.Init, or when ctx
// ended.
func (j *job[T]) ensemble(ctx context.Context, first *model.Model, refit bool, epochs int) (*model.Model, error) {
	k := j.o.Ensemble
	if k < 2 || !mergeable(first.Spec) || (!refit && j.o.Resume != nil) || j.o.Init != nil {
		// A resumed selection run cannot be repeated from another seed,
		// and members fine-tuned from one model's weights would differ
		// only in the order of their batches.
		return first, nil
	}
	if j.o.EnsembleRows > 0 && j.d.Len() > j.o.EnsembleRows {
		j.logf("ensemble: %d rows, more than the %d an ensemble is trained on; keeping one network", j.d.Len(), j.o.EnsembleRows)
		return first, nil
	}
	j.logf("ensemble: training %d more networks from other seeds; the model averages the outputs of all %d", k-1, k)
	members := make([]*model.Model, k)
	members[0] = first
	errs := make([]error, k)
	sem := make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))
	var wg sync.WaitGroup
	for i := 1; i < k; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			members[i], errs[i] = j.member(ctx, i, refit, epochs)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		j.res.Interrupted = true
		j.warnf("the ensemble was interrupted; keeping its first member alone")
		return first, nil
	}
	for i, err := range errs {
		if err != nil {
			j.warnf("ensemble member %d of %d failed (%v); keeping the first member alone", i+1, k, err)
			return first, nil
		}
	}
	m, err := mergeMembers(members)
	if err != nil {
		return nil, err
	}
	m.Metrics = first.Metrics
	if m.Metrics != nil {
		m.Metrics["ensemble"] = float64(k)
	}
	return m, nil
}

// member trains ensemble member i: a copy of the job with the member's
// seed and nothing that reports (no callbacks, log or checkpoints), so
// that members can train at the same time.
func (j *job[T]) member(ctx context.Context, i int, refit bool, epochs int) (*model.Model, error) {
	mj := *j
	mj.res = &Result{}
	mj.o.Seed = memberSeed(j.o.Seed, i)
	mj.o.Callbacks, mj.o.RunCallbacks, mj.o.Log = nil, nil, nil
	mj.o.CheckpointEvery, mj.o.Checkpoint = 0, nil
	var m *model.Model
	var err error
	if refit {
		m, _, _, err = mj.run(ctx, mj.whole(), nil, epochs, j.o.Epochs)
	} else {
		// The split is the first member's (it depends on Options.Seed),
		// fresh because a run scales its parts' targets in place.
		trainPart, valPart := j.split()
		m, _, _, err = mj.run(ctx, trainPart, valPart, epochs, 0)
	}
	if err == nil && mj.res.Interrupted {
		err = context.Canceled
	}
	return m, err
}

// mergeable reports whether networks of spec can be merged into one that
// computes their average output: every layer dense or dropout (which
// acts on each value alone and is the identity when predicting), the last
// one dense, every hidden activation applied to each unit on its own (not
// softmax).
func mergeable(spec nn.Spec) bool {
	last := len(spec.Layers) - 1
	for i, l := range spec.Layers {
		switch {
		case l.KindName() == nn.KindDropout && i < last:
		case l.KindName() != nn.KindDense:
			return false
		case i < last && l.Activation.Name == activation.NameSoftmax:
			return false
		}
	}
	return last >= 0
}

// mergeMembers returns one model whose network computes the average of
// the members' outputs before the output activation (their logits, for a
// classifier), exactly: the members' hidden layers side by side, so each
// hidden layer is k times as wide and, past the first, block-diagonal
// (each member's units see only that member's units), and an output layer
// that adds the members' pre-activations divided by k. This is an
// ensemble of k networks, not an average of their weights, stored as one
// dense network that every reader of model files (predict, eval, ONNX
// export) runs as it is. The members must have the same architecture,
// dense layers only (see mergeable), and the same preprocessing; the
// result takes everything but the network from members[0].
func mergeMembers(members []*model.Model) (*model.Model, error) {
	k := len(members)
	m0 := members[0]
	if k == 1 {
		return m0, nil
	}
	if !mergeable(m0.Spec) {
		return nil, errors.New("fit: only networks of dense layers can be merged into an ensemble")
	}
	for i, m := range members[1:] {
		if !slices.EqualFunc(m.Spec.Layers, m0.Spec.Layers, sameLayer) || m.Spec.Inputs != m0.Spec.Inputs || m.DType != m0.DType {
			return nil, fmt.Errorf("fit: ensemble member %d has another architecture than member 1", i+2)
		}
	}
	spec := m0.Spec
	spec.Layers = slices.Clone(spec.Layers)
	last := len(spec.Layers) - 1
	first := slices.IndexFunc(spec.Layers, func(l nn.LayerSpec) bool { return l.KindName() == nn.KindDense })
	for i := range spec.Layers[:last] {
		spec.Layers[i].Units *= k // 0 for dropout, which takes its input's size
	}
	layout, err := spec.Layout()
	if err != nil {
		return nil, fmt.Errorf("fit: ensemble: %w", err)
	}
	if len(layout) != len(m0.Params) {
		return nil, fmt.Errorf("fit: ensemble: %d parameter tensors, the merged network has %d", len(m0.Params), len(layout))
	}
	params := make([]model.Tensor, len(layout))
	for p, shape := range layout {
		src := m0.Params[p]
		layer := layerOf(layout, p)
		// Member i's tensor goes to the block at (i·rows, i·cols): the
		// first layer's rows are shared (every member reads the same
		// inputs), and so are the output layer's columns (whose values
		// are summed).
		// A bias is one row, shared like the first layer's inputs.
		rowStep, colStep := src.Rows, src.Cols
		if layer == first || strings.HasSuffix(src.Name, ".bias") {
			rowStep = 0
		}
		if layer == last {
			colStep = 0
		}
		out := model.Tensor{Name: src.Name, Rows: shape.Rows, Cols: shape.Cols, Values: make([]float64, shape.Rows*shape.Cols)}
		if out.Rows != src.Rows+rowStep*(k-1) || out.Cols != src.Cols+colStep*(k-1) {
			return nil, fmt.Errorf("fit: ensemble: %s is %d×%d, merged %d×%d", src.Name, src.Rows, src.Cols, out.Rows, out.Cols)
		}
		for i, m := range members {
			t := m.Params[p]
			for r := range t.Rows {
				row := out.Values[(i*rowStep+r)*out.Cols+i*colStep:]
				for c := range t.Cols {
					v := t.Values[r*t.Cols+c]
					if layer == last {
						// Summed over members, then scaled once below.
						row[c] += v
					} else {
						row[c] = v
					}
				}
			}
		}
		if layer == last {
			for i, v := range out.Values {
				out.Values[i] = roundTo(m0.DType, v/float64(k))
			}
		}
		params[p] = out
	}
	m := *m0
	m.Spec, m.Params = spec, params
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("fit: ensemble: %w", err)
	}
	return &m, nil
}

// layerOf returns the layer (from 0) of parameter tensor p, read from its
// name, "layerN.weight" or "layerN.bias".
func layerOf(layout []nn.ParamShape, p int) int {
	var n int
	if _, err := fmt.Sscanf(layout[p].Name, "layer%d.", &n); err != nil {
		panic("fit: parameter name " + layout[p].Name + " does not name its layer")
	}
	return n - 1
}

// sameLayer reports whether two layer specs describe the same layer.
func sameLayer(a, b nn.LayerSpec) bool { return reflect.DeepEqual(a, b) }

// roundTo rounds v to the precision of dtype, so that a float32 model's
// values stay exactly representable as float32.
func roundTo(dtype string, v float64) float64 {
	if dtype == model.Float32 {
		return float64(float32(v))
	}
	return v
}

// maxEnsemble bounds Options.Ensemble: the merged network is that many
// times as wide, and more members than this add little.
const maxEnsemble = 64
