package fit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

// Result is what Train made: the model, ready to save or use, and how it
// got there.
type Result struct {
	// Model is the trained model with its preprocessing, in the targets'
	// units.
	Model *model.Model
	// Selection is the run on the training part that chose the epoch,
	// scored on the validation part; it is the only run when there was
	// no validation or no refit.
	Selection *train.History
	// BestEpoch is the epoch the selection run chose (from 1); 0 when
	// there was no validation and the last epoch was kept.
	BestEpoch int
	// Refit is the run on all rows for BestEpoch epochs, or nil.
	Refit *train.History
	// Interrupted is set when the context ended training early: Model then
	// holds the best weights reached before it did.
	Interrupted bool
	// Warnings are the problems found with the data or the result, each a
	// sentence with its likely cause; Options.Log received them too.
	Warnings []string
}

// Train fits a network to d as o says and returns the model. schema, when
// the data came from a CSV file, is stored in the model so that it reads
// new files the same way; it may be nil.
//
// The steps: hold out o.ValSplit of the rows (stratified for
// classification); weigh the rows by d.Weights times o.ClassWeight (class
// weights computed on the training part); fit the missing-value fills
// (when d.PendingFill says X still has them, see data.CSVOptions.KeepMissing;
// they go into the model's schema), the feature scaler (and, for
// regression, the target scaler) on the training part only; build the network; train, keeping the
// weights of the epoch with the best validation score (the loss; for
// classification without o.SelectByLoss, accuracy and then loss); then,
// with o.Refit, train a fresh network from the same seed on all rows,
// filled and scaled on all rows, for that many epochs; with o.Ensemble,
// train more such networks from other seeds and merge them into one.
// When ctx ends, Train stops after the current step and
// returns the best model so far with Result.Interrupted set and a nil
// error.
func Train(ctx context.Context, d *data.Dataset, schema *data.Schema, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if o.DType == model.Float64 {
		return trainTyped[float64](ctx, d, schema, o)
	}
	return trainTyped[float32](ctx, d, schema, o)
}

// job is one Train call's state.
type job[T tensor.Float] struct {
	o        Options
	d        *data.Dataset
	schema   *data.Schema
	lossName string
	output   activation.Spec
	res      *Result
}

func trainTyped[T tensor.Float](ctx context.Context, d *data.Dataset, schema *data.Schema, o Options) (*Result, error) {
	j := &job[T]{o: o, d: d, schema: schema, res: &Result{}}
	var err error
	if j.lossName, j.output, err = chooseLoss(d.Task, o.Loss, o.Output); err != nil {
		return nil, err
	}
	j.warnData()

	_, valPart, m, hist, best, err := j.selection(ctx)
	j.res.Selection = hist
	var div *train.DivergenceError
	if errors.As(err, &div) && m != nil {
		// The last good epoch's model is worth keeping; the run failed.
		j.res.Model, j.res.BestEpoch = m, best.epoch
		return j.res, err
	}
	if err != nil {
		return nil, err
	}
	if valPart != nil {
		j.res.BestEpoch = best.epoch
	}
	refitted := false
	if !j.res.Interrupted && o.Refit && valPart != nil && best.epoch > 0 {
		j.logf("refit: training again on all %s for the %s validation chose (-refit=false keeps the validated model)", plural.Count(d.Len(), "row"), plural.Count(best.epoch, "epoch"))
		rm, rhist, _, err := j.run(ctx, j.whole(), nil, best.epoch, o.Epochs)
		j.res.Refit = rhist
		switch {
		case err != nil:
			j.warnf("the refit on all rows failed (%v); keeping the model of the selection run", err)
		case j.res.Interrupted:
			j.warnf("the refit was interrupted; keeping the model of the selection run")
		default:
			// The validation scores stay the selection run's: the refit
			// has seen every row, so it has none of its own.
			for k, v := range m.Metrics {
				if strings.HasPrefix(k, "val_") {
					rm.Metrics[k] = v
				}
			}
			rm.Metrics["best_epoch"] = float64(best.epoch)
			m, refitted = rm, true
		}
	}
	if !j.res.Interrupted {
		if m, err = j.ensemble(ctx, m, refitted, best.epoch); err != nil {
			return nil, err
		}
	}
	j.res.Model = m
	j.warnResult(best)
	return j.res, nil
}

// part is a run's share of the rows of j.d: their targets and weights,
// the run's own copy (class weights and target scaling change them), and
// which rows of j.d hold their features. The features are not copied:
// the run reads them by index, filling and scaling each batch as it goes
// (see prepare), so training holds the data once, not once per part.
type part struct {
	labels *data.Dataset
	index  []int // rows of j.d, in order; nil means all
}

// Len returns the number of rows.
func (p *part) Len() int { return p.labels.Len() }

// features returns a copy of the part's rows of d's features, in float64.
func (p *part) features(d *data.Dataset) *tensor.Matrix[float64] {
	out := tensor.New[float64](p.Len(), d.NumFeatures())
	for r := range p.Len() {
		i := r
		if p.index != nil {
			i = p.index[r]
		}
		d.ReadFeatures(i, 0, out.Row(r))
	}
	return out
}

// whole returns all rows of j.d as one part.
func (j *job[T]) whole() *part {
	return &part{labels: j.d.Labels(all(j.d.Len()))}
}

// split holds out the validation rows, or returns all rows and nil.
func (j *job[T]) split() (trainPart, valPart *part) {
	if j.o.ValSplit == 0 {
		return j.whole(), nil
	}
	var strata []int
	if j.d.Task == data.Classification {
		strata = j.d.Classes()
	}
	tr, va := data.TrainTestSplit(j.d.Len(), j.o.ValSplit, newRand(j.o.Seed^1), strata)
	if len(va) == 0 || len(tr) == 0 {
		if !j.tooManyClasses() { // else warnData has named the cause
			j.logf("note: %s %s too few for a %g validation split; training on all of them without validation", plural.Count(j.d.Len(), "row"), plural.Of(j.d.Len(), "is", "are"), j.o.ValSplit)
		}
		return j.whole(), nil
	}
	return &part{labels: j.d.Labels(tr), index: tr}, &part{labels: j.d.Labels(va), index: va}
}

// bestEpoch is the epoch a run chose and its scores.
type bestEpoch struct {
	epoch int
	stats train.EpochStats
}

// run trains one network on trainPart for epochs epochs (with the schedule
// laid over horizon epochs when positive) and returns it as a model with
// its metrics. With valPart it keeps the best epoch's weights.
func (j *job[T]) run(ctx context.Context, trainPart, valPart *part, epochs, horizon int) (*model.Model, *train.History, bestEpoch, error) {
	var none bestEpoch
	resume := j.o.Resume
	if horizon > 0 {
		resume = nil // the refit starts afresh
	}
	// The features stay in j.d, the caller's, untouched: each batch is
	// filled and scaled as it is read (prepare). Only the targets are the
	// parts' own, scaled in place below.
	schema, filled, err := j.fillMissing(trainPart, resume)
	if err != nil {
		return nil, nil, none, err
	}
	var valLabels *data.Dataset
	if valPart != nil {
		valLabels = valPart.labels
	}
	weights, err := j.weigh(trainPart.labels, valLabels)
	if err != nil {
		return nil, nil, none, err
	}
	var scaler *data.Scaler
	if filled != nil {
		scaler, err = data.FitScaler(j.o.Scale, filled)
	} else {
		scaler, err = data.FitScalerRows(j.o.Scale, j.d, trainPart.index)
	}
	filled = nil // only the scaler needed it
	if err != nil {
		return nil, nil, none, fmt.Errorf("fit: %w", err)
	}
	var yScaler *data.Scaler
	if j.d.Task == data.Regression && j.o.ScaleTarget && j.output.Name == activation.NameIdentity {
		if yScaler, err = data.FitScaler(data.Standard, trainPart.labels.Y); err != nil {
			return nil, nil, none, fmt.Errorf("fit: targets: %w", err)
		}
	}
	if resume != nil {
		// The weights were trained on data scaled this way.
		scaler, yScaler = resume.Model.Scaler, resume.Model.TargetScaler
		if scaler == nil {
			scaler = &data.Scaler{Kind: data.NoScaling}
		}
	} else if j.o.Init != nil {
		if scaler, yScaler, err = j.initScalers(); err != nil {
			return nil, nil, none, err
		}
	}
	prep, err := j.prepare(schema, scaler, trainPart, valPart)
	if err != nil {
		return nil, nil, none, err
	}
	if yScaler != nil {
		for _, p := range []*part{trainPart, valPart} {
			if p == nil {
				continue
			}
			if err := yScaler.Transform(p.labels.Y); err != nil {
				return nil, nil, none, err
			}
		}
	}

	spec, err := j.spec()
	if err != nil {
		return nil, nil, none, err
	}
	if resume != nil {
		spec = resume.Model.Spec
		if spec.Inputs != j.d.NumFeatures() || spec.Outputs() != j.d.Y.Cols {
			return nil, nil, none, fmt.Errorf("fit: the checkpoint's network has %d inputs and %d outputs, the data %d and %d",
				spec.Inputs, spec.Outputs(), j.d.NumFeatures(), j.d.Y.Cols)
		}
		j.lossName = resume.Model.Loss
	} else if j.o.Init != nil {
		if spec, err = j.initSpec(); err != nil {
			return nil, nil, none, err
		}
	}
	if err := spec.CheckSize(j.o.Limits, batchRows(j.o.BatchSize, trainPart.Len())); err != nil {
		return nil, nil, none, fmt.Errorf("fit: %w", err)
	}
	net, err := nn.New[T](spec, newRand(j.o.Seed))
	if err != nil {
		return nil, nil, none, fmt.Errorf("fit: %w", err)
	}
	done := 0
	if resume != nil {
		if net, err = model.Network[T](resume.Model); err != nil {
			return nil, nil, none, fmt.Errorf("fit: checkpoint: %w", err)
		}
		done = resume.Epoch
	} else if j.o.Init != nil {
		if net, err = model.Network[T](j.o.Init); err != nil {
			return nil, nil, none, fmt.Errorf("fit: starting model: %w", err)
		}
	}
	smoothing := 0.0
	if j.d.Task == data.Classification {
		if _, linked := mustLoss[float64](j.lossName).(loss.Linked); linked {
			smoothing = j.o.LabelSmoothing
		}
	}
	l, err := loss.NewWith[T](j.lossName, loss.Options{Reduction: j.o.Reduction, Smoothing: smoothing, Delta: j.o.Delta})
	if err != nil {
		return nil, nil, none, fmt.Errorf("fit: %w", err)
	}
	if horizon == 0 {
		j.logf("network: %s, %d parameters, loss %s, optimizer %s, lr %g, %s", net.Spec(), net.NumParams(), j.lossName, j.o.Optimizer.Name, j.o.LearningRate, j.o.DType)
	}

	cfg := train.Config{
		Epochs:        epochs - done,
		BatchSize:     j.o.BatchSize,
		LearningRate:  j.o.LearningRate,
		Optimizer:     j.o.Optimizer,
		Schedule:      j.o.Schedule,
		Seed:          j.o.Seed,
		DivergeFactor: j.o.DivergeFactor,
	}
	if horizon > 0 && cfg.Schedule.Epochs == 0 && (cfg.Schedule.Name == schedule.NameFlatCosine || cfg.Schedule.Name == schedule.NameCosine) {
		// Only these two depend on the run's length.
		cfg.Schedule.Epochs = horizon
	}
	if resume != nil {
		cfg.OptimizerState = &resume.Optimizer
	}
	keep := &keeper[T]{net: net, classification: j.d.Task == data.Classification && !j.o.SelectByLoss, done: done}
	if valPart != nil {
		cfg.Patience = j.o.Patience
		cfg.Callbacks = append(cfg.Callbacks, keep)
	}
	pack := func(st train.EpochStats) (*model.Model, error) {
		m, err := model.FromNetwork(net, j.lossName, j.d.Task.String())
		if err != nil {
			return nil, err
		}
		m.Scaler, m.TargetScaler, m.Schema = scaler, yScaler, schema
		if j.lossName == loss.NameHuber || j.lossName == loss.NameSmoothL1 {
			m.LossDelta = j.o.Delta
		}
		m.ClassNames, m.FeatureNames = j.d.ClassNames, j.d.FeatureNames
		m.Created = time.Now().UTC()
		if raw, err := json.Marshal(struct {
			Options Options        `json:"options"`
			Config  train.Config   `json:"config"`
			Weights *weightsRecord `json:"weights,omitempty"`
		}{j.o, cfg, weights}); err == nil {
			m.Training = raw
		}
		m.Metrics = metricsOf(st, j.d.Task == data.Classification, yScaler)
		return m, nil
	}
	if j.o.CheckpointEvery > 0 && horizon == 0 {
		cfg.Callbacks = append(cfg.Callbacks, &checkpointer{every: j.o.CheckpointEvery, done: done, pack: pack, save: j.o.Checkpoint, warnf: j.warnf})
	}
	cfg.Callbacks = append(cfg.Callbacks, j.o.Callbacks...)
	if j.o.RunCallbacks != nil {
		name := "selection"
		if horizon > 0 {
			name = "refit"
		}
		cfg.Callbacks = append(cfg.Callbacks, j.o.RunCallbacks(Run{Name: name, Done: done, Epochs: epochs - done})...)
	}
	rows := func(p *part) *train.Rows {
		if p == nil {
			return nil
		}
		// Source reads the features as j.d stores them, float32 or not.
		return &train.Rows{Labels: p.labels, Source: j.d, Index: p.index, Prepare: prep}
	}
	hist, fitErr := train.FitRows(ctx, net, l, rows(trainPart), rows(valPart), cfg)
	var div *train.DivergenceError
	switch {
	case fitErr == nil:
	case errors.Is(fitErr, context.Canceled) || errors.Is(fitErr, context.DeadlineExceeded):
		j.res.Interrupted = true
		if hist == nil || len(hist.Epochs) == 0 {
			return nil, hist, none, fmt.Errorf("fit: interrupted before the first epoch ended: %w", fitErr)
		}
	case errors.As(fitErr, &div):
		// Keep the best epoch before it, if any was scored.
		if valPart == nil || !keep.restore() {
			return nil, hist, none, fmt.Errorf("fit: %w; no epoch before it was good", fitErr)
		}
		best := bestEpoch{epoch: keep.stats.Epoch, stats: keep.stats}
		m, err := pack(keep.stats)
		if err != nil {
			return nil, hist, none, err
		}
		return m, hist, best, fitErr
	default:
		return nil, hist, none, fitErr
	}
	last := hist.Epochs[len(hist.Epochs)-1]
	last.Epoch += done
	best := bestEpoch{epoch: last.Epoch, stats: last}
	if valPart != nil && keep.restore() {
		best = bestEpoch{epoch: keep.stats.Epoch, stats: keep.stats}
	}
	m, err := pack(best.stats)
	if err != nil {
		return nil, hist, none, err
	}
	return m, hist, best, nil
}

// spec returns the network Options ask for: the hidden layers (Layers, or
// dense layers of the Hidden sizes) with the hidden activation where a
// layer names none, then an output layer as wide as the targets, taking
// samples of the data's shape.
func (j *job[T]) spec() (nn.Spec, error) {
	act, err := activation.Parse(j.o.Activation)
	if err != nil {
		return nn.Spec{}, fmt.Errorf("fit: %w", err)
	}
	spec := nn.Spec{Inputs: j.d.NumFeatures()}
	if len(j.d.SampleShape) > 1 {
		// A flat shape is the default; only one with structure (an
		// image's channels, rows and columns) is stored.
		spec.InputShape = nn.Shape(slices.Clone(j.d.SampleShape))
	}
	if len(j.o.Layers) > 0 {
		for _, l := range j.o.Layers {
			if takesActivation(l) && l.Activation.Name == "" {
				l.Activation = act
			}
			spec.Layers = append(spec.Layers, l)
		}
	} else {
		for _, h := range j.o.Hidden {
			spec.Layers = append(spec.Layers, nn.LayerSpec{Units: h, Activation: act})
		}
	}
	spec.Layers = append(spec.Layers, nn.LayerSpec{Units: j.d.Y.Cols, Activation: j.output})
	return spec, nil
}

// takesActivation reports whether a layer applies an activation that the
// hidden layers' default should fill in: dense and convolutional layers.
func takesActivation(l nn.LayerSpec) bool {
	switch l.KindName() {
	case nn.KindDense, nn.KindConv2D:
		return true
	}
	return false
}

// prepare returns what fills and scales a batch of j.d's rows as a
// copy of the data, filled by schema's fills (when j.d has pending fills)
// and scaled by scaler, would hold them; nil when that changes nothing.
// It tries it first (on every row of the parts when there are fills), so
// that a missing value without a fill, or a scaler for other columns, is
// an error here, before training, as it was when the parts were copies
// filled and scaled whole.
func (j *job[T]) prepare(schema *data.Schema, scaler *data.Scaler, parts ...*part) (func(*tensor.Matrix[float64]), error) {
	fills := j.d.PendingFill.Fills()
	if !fills {
		// Transform's only errors are about the scaler and the column
		// count, so no rows are needed to find them.
		if err := scaler.Transform(tensor.New[float64](0, j.d.NumFeatures())); err != nil {
			return nil, err
		}
		if len(scaler.Scale) == 0 {
			return nil, nil // nothing to do: read the rows as they are
		}
	}
	apply := func(x *tensor.Matrix[float64]) error {
		if fills {
			if err := schema.FillMissing(x); err != nil {
				return fmt.Errorf("fit: %w", err)
			}
		}
		return scaler.Transform(x)
	}
	buf := tensor.New[float64](0, j.d.NumFeatures())
	for _, p := range parts {
		if p == nil || !fills {
			continue
		}
		for lo := 0; lo < p.Len(); lo += train.EvalBatch {
			hi := min(lo+train.EvalBatch, p.Len())
			buf.Resize(hi-lo, j.d.NumFeatures())
			for r := range hi - lo {
				i := lo + r
				if p.index != nil {
					i = p.index[i]
				}
				j.d.ReadFeatures(i, 0, buf.Row(r))
			}
			if err := apply(buf); err != nil {
				return nil, err
			}
		}
	}
	return func(x *tensor.Matrix[float64]) {
		if err := apply(x); err != nil {
			// Every row went through apply above, without error.
			panic("fit: preparing a batch checked before training: " + err.Error())
		}
	}, nil
}

// batchRows is the most rows one step or one evaluation chunk runs forward
// at once, which sets the activations' memory.
func batchRows(batch, n int) int {
	if batch <= 0 || batch > n {
		batch = n
	}
	return max(batch, min(train.EvalBatch, n))
}

// checkpointer hands a checkpoint to Options.Checkpoint every few epochs;
// a failed save is reported once and training goes on.
type checkpointer struct {
	every, done int
	pack        func(train.EpochStats) (*model.Model, error)
	save        func(*model.Checkpoint) error
	warnf       func(string, ...any)
	failed      bool
}

// OnStep does nothing.
func (c *checkpointer) OnStep(train.StepEvent) {}

// OnEpoch saves a checkpoint every c.every epochs (counted with those
// before a resume).
func (c *checkpointer) OnEpoch(ev train.EpochEvent) {
	epoch := c.done + ev.Stats.Epoch
	if epoch%c.every != 0 || c.failed {
		return
	}
	st := ev.Stats
	st.Epoch = epoch
	m, err := c.pack(st)
	if err == nil {
		err = c.save(&model.Checkpoint{Model: m, Optimizer: ev.OptimizerState(), Epoch: epoch})
	}
	if err != nil {
		c.failed = true
		c.warnf("checkpoint not saved: %v", err)
	}
}

// metricsOf turns an epoch's scores into the model's metrics; MSE is given
// in the targets' units.
func metricsOf(st train.EpochStats, classification bool, yScaler *data.Scaler) map[string]float64 {
	m := map[string]float64{"epoch": float64(st.Epoch)}
	add := func(prefix string, s train.Scores) {
		m[prefix+"loss"] = s.Loss
		if classification {
			m[prefix+"accuracy"] = s.Accuracy
			return
		}
		mse := s.MSE
		if yScaler != nil && len(yScaler.Scale) > 0 {
			// MSE averages over outputs; in original units each output's
			// error is scaled by its own factor. With one output (the
			// common case) this is exact; with several it assumes equal
			// errors per output and is marked as such by the name.
			var f float64
			for _, s := range yScaler.Scale {
				f += s * s
			}
			mse *= f / float64(len(yScaler.Scale))
		}
		m[prefix+"mse"] = mse
		m[prefix+"r2"] = s.R2
	}
	add("train_", st.Train)
	if st.Val != nil {
		add("val_", *st.Val)
	}
	for k, v := range m {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			delete(m, k)
		}
	}
	return m
}

// keeper copies the weights of the best epoch: the highest validation
// accuracy, ties to the lower loss, for classification; the lowest
// validation loss for regression.
type keeper[T tensor.Float] struct {
	net            *nn.Network[T]
	classification bool
	done           int // epochs before a resume, added to epoch numbers
	snap           [][]T
	stats          train.EpochStats
	have           bool
}

// OnStep does nothing.
func (k *keeper[T]) OnStep(train.StepEvent) {}

// OnEpoch copies the weights when the epoch beats the best so far.
func (k *keeper[T]) OnEpoch(ev train.EpochEvent) {
	v := ev.Stats.Val
	if v == nil || math.IsNaN(v.Loss) {
		return
	}
	if k.have {
		b := k.stats.Val
		better := v.Loss < b.Loss
		if k.classification {
			better = v.Accuracy > b.Accuracy || (v.Accuracy == b.Accuracy && v.Loss < b.Loss)
		}
		if !better {
			return
		}
	}
	if k.snap == nil {
		for _, p := range k.kept() {
			k.snap = append(k.snap, slices.Clone(p.Value.Data))
		}
	} else {
		for i, p := range k.kept() {
			copy(k.snap[i], p.Value.Data)
		}
	}
	k.stats, k.have = ev.Stats, true
	k.stats.Epoch += k.done
}

// restore puts the best weights back; false if no epoch was scored.
func (k *keeper[T]) restore() bool {
	if !k.have {
		return false
	}
	for i, p := range k.kept() {
		copy(p.Value.Data, k.snap[i])
	}
	return true
}

// kept returns the tensors the best epoch is: the weights, then the saved
// state (batch norm's running statistics) computed with them.
func (k *keeper[T]) kept() []*nn.Param[T] {
	return append(slices.Clone(k.net.Params()), k.net.Buffers()...)
}

// chooseLoss picks the loss and output activation for the task unless
// named.
func chooseLoss(task data.Task, lossName, out string) (string, activation.Spec, error) {
	if lossName == "auto" || lossName == "" {
		lossName = loss.NameMSE
		if task == data.Classification {
			lossName = loss.NameSoftmaxCrossEntropy
		}
	}
	if _, err := loss.New[float64](lossName, loss.Mean); err != nil {
		return "", activation.Spec{}, fmt.Errorf("fit: %w", err)
	}
	spec := OutputFor(lossName)
	if out != "auto" && out != "" {
		var err error
		if spec, err = activation.Parse(out); err != nil {
			return "", activation.Spec{}, fmt.Errorf("fit: %w", err)
		}
		if err := CheckOutput(lossName, spec); err != nil {
			return "", activation.Spec{}, err
		}
	}
	return lossName, spec, nil
}

// CheckOutput refuses an output activation that does not fit the loss: a
// loss on logits (bce_logits, softmax_cross_entropy) applies its own link
// and needs an identity output; bce needs probabilities (sigmoid) and
// cross_entropy a distribution (softmax).
func CheckOutput(lossName string, out activation.Spec) error {
	want := OutputFor(lossName)
	if out.Name == want.Name {
		return nil
	}
	why := "a loss on logits applies its own link"
	switch lossName {
	case loss.NameBCE:
		why = "it needs probabilities"
	case loss.NameCrossEntropy:
		why = "it needs a probability distribution"
	case loss.NameMSE, loss.NameMAE, loss.NameSquaredError, loss.NameHuber, loss.NameSmoothL1:
		return nil // a regression loss works on any output range
	}
	return fmt.Errorf("fit: loss %s does not fit a %s output (%s): use a %s output", lossName, out.Name, why, want.Name)
}

// OutputFor returns the output activation that fits a loss: sigmoid for
// bce, softmax for cross_entropy, identity for the rest (the losses on
// logits apply their own link).
func OutputFor(lossName string) activation.Spec {
	switch lossName {
	case loss.NameBCE:
		return activation.Spec{Name: activation.NameSigmoid}
	case loss.NameCrossEntropy:
		return activation.Spec{Name: activation.NameSoftmax}
	}
	return activation.Spec{Name: activation.NameIdentity}
}

func mustLoss[T tensor.Float](name string) loss.Loss[T] {
	l, err := loss.New[T](name, loss.Mean)
	if err != nil {
		panic("fit: " + err.Error()) // chooseLoss checked the name
	}
	return l
}

func newRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}

func all(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}
