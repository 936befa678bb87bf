package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/plot"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

func init() {
	register("train", command{
		summary: "train a network on a CSV file, MNIST or a built-in dataset and save the model",
		example: "descent train -data builtin:iris -layers 16 -epochs 100 -o iris.json -plot loss.png",
		run:     runTrain,
	})
}

// trainFlags are the train command's settings.
type trainFlags struct {
	src, target, task, missing string
	layers, act, output, loss  string
	optimizer                  string
	lr, valSplit, l2           float64
	epochs, batch, patience    int
	seed                       uint64
	out, plotPath, format      string
	scale, dtype               string
	checkpointEvery            int
	resume                     string
	maxParams, maxActivations  int
	csv                        *csvFlags
}

func runTrain(e *env, args []string) error {
	var f trainFlags
	fs := newFlagSet(e, "train")
	fs.StringVar(&f.src, "data", "", "training data `SRC`: a CSV file, mnist:DIR or builtin:NAME")
	fs.StringVar(&f.target, "target", "", "target `column` of a CSV file, by name or index (default: the last); several, comma-separated, for multi-output regression")
	fs.StringVar(&f.task, "task", "auto", "classification, regression or auto (classification for a non-numeric or small-integer target)")
	fs.StringVar(&f.missing, "missing", "error", "missing values: error, drop, mean, median or mode")
	f.csv = addCSVFlags(fs)
	fs.StringVar(&f.layers, "layers", "16,8", "hidden layer `sizes`, e.g. 64,32 (empty for none)")
	fs.StringVar(&f.act, "activation", "relu", "activation of the hidden layers")
	fs.StringVar(&f.output, "output", "auto", "output activation; auto follows the task and loss")
	fs.StringVar(&f.loss, "loss", "auto", "loss; auto is softmax_cross_entropy for classification, mse for regression")
	fs.StringVar(&f.optimizer, "optimizer", "adam", "optimizer: "+strings.Join(optim.Names(), ", "))
	fs.Float64Var(&f.lr, "lr", 0.001, "learning `rate`")
	fs.Float64Var(&f.l2, "l2", 0, "L2 regularisation strength")
	fs.IntVar(&f.epochs, "epochs", 200, "passes over the training data")
	fs.IntVar(&f.batch, "batch-size", 32, "samples per step (1 is the tutorial's per-sample updates)")
	fs.Float64Var(&f.valSplit, "val-split", 0.2, "fraction held out for validation (stratified for classification)")
	fs.IntVar(&f.patience, "patience", 20, "stop after this many epochs without validation improvement (0: never)")
	fs.Uint64Var(&f.seed, "seed", 1, "random `seed` for weights, split and shuffling")
	fs.StringVar(&f.out, "o", "model.json", "where to write the model `file`")
	fs.StringVar(&f.format, "format", "json", "model file format: json or binary")
	fs.StringVar(&f.plotPath, "plot", "", "write the loss curves to this `PNG` (and an SVG twin)")
	fs.StringVar(&f.scale, "scale", "standard", "feature scaling fitted on the training split: standard, minmax or none")
	fs.StringVar(&f.dtype, "dtype", "float32", "element type: float32 (fast) or float64 (exact)")
	fs.IntVar(&f.checkpointEvery, "checkpoint-every", 0, "also save a checkpoint every `N` epochs beside the model (model.checkpoint.json)")
	fs.StringVar(&f.resume, "resume", "", "continue from a checkpoint `file`: its weights, optimizer state and preprocessing; -epochs counts the total")
	fs.IntVar(&f.maxParams, "max-params", nn.DefaultMaxParams, "refuse a network with more trainable `values` than this (it bounds memory)")
	fs.IntVar(&f.maxActivations, "max-activations", nn.DefaultMaxActivations, "refuse a network that holds more `values` than this for one batch")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	switch f.dtype {
	case model.Float32:
		return trainTyped[float32](e, f)
	case model.Float64:
		return trainTyped[float64](e, f)
	}
	return usagef("train: -dtype must be float32 or float64, got %q", f.dtype)
}

func trainTyped[T tensor.Float](e *env, f trainFlags) error {
	format, err := model.ParseFormat(f.format)
	if err != nil {
		return &UsageError{Err: err}
	}
	hidden, err := parseInts("layers", f.layers)
	if err != nil {
		return err
	}
	act, err := activation.Parse(f.act)
	if err != nil {
		return &UsageError{Err: err}
	}
	if f.maxParams <= 0 || f.maxActivations <= 0 {
		return usagef("train: -max-params and -max-activations must be positive")
	}
	// Hidden layers alone already hold this many values, whatever the
	// data: refuse a huge -layers before reading the data.
	if err := checkSize(f, hiddenSpec(1, hidden, act, 1), 1, true); err != nil {
		return err
	}
	if f.valSplit < 0 || f.valSplit >= 1 {
		return usagef("train: -val-split must be in [0, 1), got %g", f.valSplit)
	}
	// Fail before training, not after, when an output cannot be written.
	for _, out := range []string{f.out, f.plotPath} {
		if dir := filepath.Dir(out); out != "" {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return fmt.Errorf("train: cannot write %s: directory %s does not exist", out, dir)
			}
		}
	}
	optCfg := optim.Config{Name: f.optimizer, Common: optim.Common{L2: f.l2}}
	if err := optCfg.Validate(); err != nil {
		return &UsageError{Err: err}
	}
	if _, err := loss.New[float64](f.loss, loss.Mean); f.loss != "auto" && err != nil {
		return &UsageError{Err: err}
	}

	var ckpt *model.Checkpoint
	if f.resume != "" {
		if ckpt, err = model.LoadCheckpoint(f.resume); err != nil {
			return err
		}
		if ckpt.Model.DType != f.dtype {
			return usagef("train: %s holds a %s model; pass -dtype %s", f.resume, ckpt.Model.DType, ckpt.Model.DType)
		}
	}

	d, schema, err := loadSource(f.src, sourceOptions{target: f.target, task: f.task, missing: f.missing, seed: f.seed, csv: f.csv})
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	taskNote := "as the data says"
	if f.task == "auto" && schema != nil {
		taskNote = "chosen automatically; override with -task"
	}
	fmt.Fprintf(e.stderr, "data: %s (%s); task: %s (%s)\n", f.src, describe(d), d.Task, taskNote)

	// Hold out validation data before fitting the scaler, so the scaler
	// never sees it.
	trainSet, valSet := d, (*data.Dataset)(nil)
	if f.valSplit > 0 {
		var strata []int
		if d.Task == data.Classification {
			strata = d.Classes()
		}
		tr, va := data.TrainTestSplit(d.Len(), f.valSplit, newRand(f.seed^1), strata)
		if len(va) == 0 || len(tr) == 0 {
			fmt.Fprintf(e.stderr, "note: %d samples are too few for a %g validation split; training without validation\n", d.Len(), f.valSplit)
		} else {
			trainSet, valSet = d.Subset(tr), d.Subset(va)
		}
	}
	scaler, err := data.FitScaler(data.ScalerKind(f.scale), trainSet.X)
	if err != nil {
		return &UsageError{Err: err}
	}
	if ckpt != nil && ckpt.Model.Scaler != nil {
		scaler = ckpt.Model.Scaler // keep the preprocessing the weights were trained with
	}
	for _, s := range []*data.Dataset{trainSet, valSet} {
		if s != nil {
			if err := scaler.Transform(s.X); err != nil {
				return err
			}
		}
	}

	lossName, outAct, err := chooseLoss(d, f.loss, f.output)
	if err != nil {
		return err
	}
	l, err := loss.New[T](lossName, loss.Mean)
	if err != nil {
		return &UsageError{Err: err}
	}
	spec := hiddenSpec(d.X.Cols, hidden, act, d.Y.Cols)
	spec.Layers[len(spec.Layers)-1].Activation = outAct
	if err := checkSize(f, spec, batchRows(f.batch, trainSet.Len()), false); err != nil {
		return err
	}
	net, err := nn.New[T](spec, newRand(f.seed))
	if err != nil {
		return &UsageError{Err: err}
	}
	epochs := f.epochs
	if ckpt != nil {
		if net, err = model.Network[T](ckpt.Model); err != nil {
			return fmt.Errorf("train: %s: %w", f.resume, err)
		}
		if net.Inputs() != d.X.Cols || net.Outputs() != d.Y.Cols {
			return fmt.Errorf("train: %s has %d inputs and %d outputs, the data %d and %d", f.resume, net.Inputs(), net.Outputs(), d.X.Cols, d.Y.Cols)
		}
		lossName, spec = ckpt.Model.Loss, net.Spec()
		if l, err = loss.New[T](lossName, loss.Mean); err != nil {
			return err
		}
		if epochs -= ckpt.Epoch; epochs <= 0 {
			return fmt.Errorf("train: %s already has %d epochs; ask for more with -epochs", f.resume, ckpt.Epoch)
		}
		fmt.Fprintf(e.stderr, "resuming from %s after epoch %d\n", f.resume, ckpt.Epoch)
	}
	fmt.Fprintf(e.stderr, "network: %s, %d parameters, loss %s, optimizer %s, lr %g, %s\n", archString(spec), net.NumParams(), lossName, f.optimizer, f.lr, f.dtype)

	cfg := train.Config{
		Epochs:       epochs,
		BatchSize:    f.batch,
		LearningRate: f.lr,
		Optimizer:    optCfg,
		Seed:         f.seed,
		Patience:     f.patience,
		RestoreBest:  valSet != nil || f.patience > 0,
	}

	// Ctrl-C or SIGTERM cancels the context: Fit stops after the current
	// step, the best weights so far are saved, and the exit code then
	// says which signal came.
	ctx, caught, stop := catchSignals(e.ctx)
	defer stop()
	if ckpt != nil {
		cfg.OptimizerState = &ckpt.Optimizer
	}
	fill := func(m *model.Model) {
		m.Scaler, m.Schema, m.ClassNames, m.FeatureNames = scaler, schema, d.ClassNames, d.FeatureNames
		m.Created = time.Now().UTC()
		if raw, err := json.Marshal(struct {
			Source string       `json:"source"`
			Config train.Config `json:"config"`
			Scale  string       `json:"scale"`
		}{f.src, cfg, f.scale}); err == nil {
			m.Training = raw
		}
	}
	done := 0
	if ckpt != nil {
		done = ckpt.Epoch
	}
	progress := newProgress(e.stderr, done, epochs)
	cfg.Callbacks = []train.Callback{progress}
	if f.checkpointEvery > 0 {
		cfg.Callbacks = append(cfg.Callbacks, &checkpointer[T]{net: net, every: f.checkpointEvery, done: done, path: checkpointPath(f.out), lossName: lossName, task: d.Task.String(), format: format, fill: fill, stderr: e.stderr})
	}

	start := time.Now()
	hist, fitErr := train.Fit(ctx, net, l, trainSet, valSet, cfg)
	progress.finish()
	var div *train.DivergenceError
	switch {
	case fitErr == nil:
	case errors.Is(fitErr, context.Canceled):
		// Fit has put the best epoch's weights back (cfg.RestoreBest), and
		// finalMetrics reads that epoch's scores.
		switch {
		case hist.Restored:
			fmt.Fprintf(e.stderr, "interrupted: saving the best weights so far, those of epoch %d\n", done+hist.RestoredEpoch)
		case len(hist.Epochs) == 0:
			fmt.Fprintf(e.stderr, "interrupted before the first epoch ended: saving the weights of the last step\n")
		default:
			fmt.Fprintf(e.stderr, "interrupted: saving the weights of the last step\n")
		}
	case errors.As(fitErr, &div):
		// Fit has put back the last good weights (the best epoch's with
		// cfg.RestoreBest); they are worth keeping unless they are the
		// untrained ones. Either way the run failed: exit 1.
		if !hist.Restored || hist.RestoredEpoch == 0 {
			return fmt.Errorf("train: %w; no epoch before it was good, so nothing was written", fitErr)
		}
		fitErr = fmt.Errorf("train: %w; the weights of epoch %d, the last good ones, were written to %s", fitErr, done+hist.RestoredEpoch, f.out)
	default:
		return fitErr
	}
	if hist == nil {
		return errors.New("train: no history returned")
	}

	m, err := model.FromNetwork(net, lossName, d.Task.String())
	if err != nil {
		return err
	}
	fill(m)
	m.Metrics = finalMetrics(hist)
	if err := model.Save(f.out, m, format); err != nil {
		return err
	}
	if f.plotPath != "" {
		if err := plotLoss(e.stdout, f.plotPath, hist); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "%s (%.1fs)\n", hist.Reason(), time.Since(start).Seconds())
	for _, k := range sortedKeys(m.Metrics) {
		fmt.Fprintf(e.stdout, "  %-16s %.6g\n", k, m.Metrics[k])
	}
	fmt.Fprintf(e.stdout, "model written to %s\n", f.out)
	if div != nil {
		return fitErr
	}
	if sig := caught(); sig != nil {
		return &SignalError{Signal: sig}
	}
	return nil
}

// hiddenSpec returns the network -layers asks for between inputs and
// outputs; the output layer's activation is left for the caller.
func hiddenSpec(inputs int, hidden []int, act activation.Spec, outputs int) nn.Spec {
	s := nn.Spec{Inputs: inputs}
	for _, h := range hidden {
		s.Layers = append(s.Layers, nn.LayerSpec{Units: h, Activation: act})
	}
	s.Layers = append(s.Layers, nn.LayerSpec{Units: outputs})
	return s
}

// batchRows is the most samples a training step or an evaluation runs
// forward at once, which sets the activations' memory.
func batchRows(batch, n int) int {
	if batch <= 0 || batch > n {
		batch = n
	}
	return max(batch, min(train.EvalBatch, n))
}

// checkSize refuses, before anything is allocated, a network larger than
// -max-params or -max-activations allow, naming the flag that raises the
// limit; before the data is read, spec is the lower bound of one input and
// one output, and early says so.
func checkSize(f trainFlags, spec nn.Spec, rows int, early bool) error {
	err := spec.CheckSize(nn.Limits{MaxParams: f.maxParams, MaxActivations: f.maxActivations}, rows)
	var se *nn.SizeError
	if !errors.As(err, &se) {
		return err
	}
	flagName, smaller := "-max-params", "-layers"
	if se.What != "parameters" {
		flagName, smaller = "-max-activations", "-layers or -batch-size"
	}
	what := "-layers " + f.layers
	if early {
		what += ", even with one input and one output"
	}
	return usagef("train: %s: %w; use a smaller %s, or raise the limit with %s if the memory is there", what, err, smaller, flagName)
}

// chooseLoss picks the loss and output activation for the task unless the
// user named them.
func chooseLoss(d *data.Dataset, lossFlag, outFlag string) (string, activation.Spec, error) {
	lossName := lossFlag
	if lossName == "auto" {
		lossName = loss.NameMSE
		if d.Task == data.Classification {
			lossName = loss.NameSoftmaxCrossEntropy
		}
	}
	if _, err := loss.New[float64](lossName, loss.Mean); err != nil {
		return "", activation.Spec{}, &UsageError{Err: err}
	}
	out := outputFor(lossName)
	if outFlag != "auto" {
		var err error
		if out, err = activation.Parse(outFlag); err != nil {
			return "", activation.Spec{}, &UsageError{Err: err}
		}
	}
	return lossName, out, nil
}

func archString(s nn.Spec) string {
	parts := []string{fmt.Sprint(s.Inputs)}
	for _, l := range s.Layers {
		parts = append(parts, fmt.Sprintf("%d %s", l.Units, l.Activation))
	}
	return strings.Join(parts, " → ")
}

// finalMetrics reads the scores of the weights kept: the restored epoch's
// when Fit put earlier weights back, else the last epoch's; none for
// weights no epoch scored.
func finalMetrics(h *train.History) map[string]float64 {
	m := map[string]float64{}
	st := h.Last()
	switch {
	case h.Restored:
		st = nil // the starting weights, if no epoch matches
		for i := range h.Epochs {
			if h.Epochs[i].Epoch == h.RestoredEpoch {
				st = &h.Epochs[i]
			}
		}
	case h.Stop == train.Cancelled && h.StopStep > 0:
		st = nil // stopped within an epoch: these weights were never scored
	}
	if st == nil {
		return m
	}
	add := func(prefix string, s train.Scores, classification bool) {
		m[prefix+"loss"] = s.Loss
		if classification {
			m[prefix+"accuracy"] = s.Accuracy
		} else {
			m[prefix+"mse"] = s.MSE
			m[prefix+"r2"] = s.R2
		}
	}
	cls := st.Train.Accuracy != 0 || (st.Train.MSE == 0 && st.Train.R2 == 0)
	add("train_", st.Train, cls)
	if st.Val != nil {
		add("val_", *st.Val, cls)
	}
	for k, v := range m {
		if v != v || v-v != 0 {
			delete(m, k)
		}
	}
	return m
}

func plotLoss(w io.Writer, path string, h *train.History) error {
	var tl, vl []float64
	for _, ep := range h.Epochs {
		tl = append(tl, ep.Train.Loss)
		if ep.Val != nil {
			vl = append(vl, ep.Val.Loss)
		}
	}
	svg := strings.TrimSuffix(path, filepath.Ext(path)) + ".svg"
	for _, p := range []string{path, svg} {
		if err := plot.LossCurves(p, tl, vl, true); err != nil {
			return err
		}
		fmt.Fprintf(w, "wrote %s\n", p)
	}
	return nil
}

// checkpointPath puts checkpoints beside the model: model.json →
// model.checkpoint.json.
func checkpointPath(out string) string {
	ext := filepath.Ext(out)
	return strings.TrimSuffix(out, ext) + ".checkpoint" + ext
}

// checkpointer saves a checkpoint every few epochs, atomically, so a crash
// or Ctrl-C loses at most that many epochs.
type checkpointer[T tensor.Float] struct {
	net            *nn.Network[T]
	every, done    int // done: epochs finished before this run
	path, lossName string
	task           string
	format         model.Format
	fill           func(*model.Model)
	stderr         io.Writer
	err            error
}

// OnStep does nothing.
func (c *checkpointer[T]) OnStep(train.StepEvent) {}

// OnEpoch writes the checkpoint every c.every epochs; a failed write is
// reported once and training goes on.
func (c *checkpointer[T]) OnEpoch(ev train.EpochEvent) {
	epoch := c.done + ev.Stats.Epoch
	if epoch%c.every != 0 || c.err != nil {
		return
	}
	m, err := model.FromNetwork(c.net, c.lossName, c.task)
	if err == nil {
		c.fill(m)
		err = model.SaveCheckpoint(c.path, &model.Checkpoint{Model: m, Optimizer: ev.OptimizerState(), Epoch: epoch}, c.format)
	}
	if err != nil {
		c.err = err
		fmt.Fprintf(c.stderr, "warning: checkpoint not saved: %v\n", err)
	}
}
