package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/internal/plural"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/plot"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/train"
)

func init() {
	register("train", command{
		summary: "train a network on a CSV file, MNIST or a built-in dataset and save the model",
		example: "descent train -data datasets/iris.csv -target species -o iris.json -plot loss.png",
		run:     runTrain,
	})
}

// trainFlags are the train command's settings; their defaults are
// fit.Defaults().
type trainFlags struct {
	src, target, task, missing string
	layers, act, output, loss  string
	optimizer, sched           string
	lr, valSplit, l2, smooth   float64
	epochs, batch, patience    int
	ensemble                   int
	refit, scaleTarget         bool
	seed                       uint64
	out, plotPath, format      string
	scale, dtype               string
	checkpointEvery            int
	resume                     string
	initPath, reduction        string
	delta                      float64
	maxParams, maxActivations  int
	classWeight, weightColumn  string
	csv                        *csvFlags
	layersSet                  bool // -layers given with -resume: checked against the checkpoint
	inputShape                 string
	shape                      []int // -input-shape, read
	json                       bool
	hyper                      *optimFlags     // the optimizer's and schedule's own settings
	given                      map[string]bool // the flags the command line set
}

func runTrain(e *env, args []string) error {
	def := fit.Defaults()
	var f trainFlags
	fs := newFlagSet(e, "train")
	fs.StringVar(&f.src, "data", "", "training data `SRC`: a CSV file, mnist:DIR or builtin:NAME")
	fs.StringVar(&f.target, "target", "", "target `column` of a CSV file, by name or index (default: the last); several, comma-separated, for multi-output regression")
	fs.StringVar(&f.task, "task", "auto", "classification, regression or auto (classification for a non-numeric or small-integer target)")
	fs.StringVar(&f.missing, "missing", "error", "missing values: error, drop, mean, median or mode")
	f.csv = addCSVFlags(fs)
	addWeightFlags(fs, &f.classWeight, &f.weightColumn)
	fs.StringVar(&f.layers, "layers", joinInts(def.Hidden), "hidden `layers`: sizes of dense layers, e.g. 64,32 (empty for none), or layers of any kind ("+strings.Join(nn.Kinds(), ", ")+"), e.g. 128,dropout:0.2,64")
	fs.StringVar(&f.inputShape, "input-shape", "", "each sample's `shape`, outermost first, e.g. 1,28,28 (channels, height, width) for a CSV of images; its product must be the feature count")
	fs.StringVar(&f.act, "activation", def.Activation, "activation of the hidden layers")
	fs.StringVar(&f.output, "output", def.Output, "output activation; auto follows the task and loss")
	fs.StringVar(&f.loss, "loss", def.Loss, "loss; auto is softmax_cross_entropy for classification, mse for regression")
	fs.StringVar(&f.optimizer, "optimizer", def.Optimizer.Name, "optimizer: "+strings.Join(optim.Names(), ", ")+" (the default adam has β2 = 0.95)")
	fs.Float64Var(&f.lr, "lr", def.LearningRate, "learning `rate`")
	fs.StringVar(&f.sched, "schedule", def.Schedule.Name, "learning-rate schedule: "+strings.Join(schedule.Names(), ", "))
	fs.Float64Var(&f.l2, "l2", def.Optimizer.L2, "L2 regularisation strength")
	fs.Float64Var(&f.smooth, "label-smoothing", def.LabelSmoothing, "label smoothing ε of the classification losses on logits (0: none)")
	fs.IntVar(&f.epochs, "epochs", def.Epochs, "most passes over the training data")
	fs.IntVar(&f.batch, "batch-size", def.BatchSize, "samples per step (1 is the tutorial's per-sample updates)")
	fs.Float64Var(&f.valSplit, "val-split", def.ValSplit, "fraction held out to choose the epoch (stratified for classification); 0 trains every epoch on all rows")
	fs.IntVar(&f.patience, "patience", def.Patience, "stop after this many epochs without validation improvement (0: never)")
	fs.IntVar(&f.ensemble, "ensemble", def.Ensemble, "train `N` networks of -layers from different seeds and average their outputs, stored as one wider network; a -layers of your own trains one unless -ensemble is given")
	fs.BoolVar(&f.refit, "refit", def.Refit, "after choosing the epoch on the validation split, train again on all rows for that many epochs")
	fs.Uint64Var(&f.seed, "seed", def.Seed, "random `seed` for weights, split and shuffling")
	fs.StringVar(&f.out, "o", "model.json", "where to write the model `file`")
	fs.StringVar(&f.format, "format", "json", "model file format: json or binary")
	fs.StringVar(&f.plotPath, "plot", "", "write the loss curves to this `file`: .png, .svg or .pdf, as its extension says")
	fs.BoolVar(&f.json, "json", false, "print the result (the chosen epoch, the reason training stopped, the metrics) as JSON on stdout")
	fs.StringVar(&f.scale, "scale", string(def.Scale), "feature scaling fitted on the training split: robust, standard, minmax or none")
	fs.BoolVar(&f.scaleTarget, "scale-target", def.ScaleTarget, "standardise regression targets for training (predictions stay in the targets' units)")
	fs.StringVar(&f.dtype, "dtype", def.DType, "element type: float32 (fast) or float64 (exact)")
	fs.IntVar(&f.checkpointEvery, "checkpoint-every", 0, "also save a checkpoint every `N` epochs beside the model (model.checkpoint.json)")
	fs.StringVar(&f.resume, "resume", "", "continue from a checkpoint `file`: its weights, optimizer state and preprocessing; -epochs counts the total")
	fs.StringVar(&f.initPath, "init", "", "start from the weights of a saved model `file` (its network and scaling) with the training settings given here: fine-tuning, or a PyTorch run imported from ONNX")
	fs.StringVar(&f.reduction, "reduction", "mean", "loss reduction over a batch: mean (per sample, see the loss package), sum, mean_all (PyTorch's reduction=\"mean\", over every output) or sum_all (PyTorch's \"sum\")")
	fs.Float64Var(&f.delta, "huber-delta", 1, "δ of the huber loss, β of smooth_l1, where the loss turns from quadratic to linear")
	fs.IntVar(&f.maxParams, "max-params", nn.DefaultMaxParams, "refuse a network with more trainable `values` than this (it bounds memory)")
	fs.IntVar(&f.maxActivations, "max-activations", nn.DefaultMaxActivations, "refuse a network that holds more `values` than this for one batch")
	f.hyper = addOptimFlags(fs)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	f.given = setFlags(fs)
	if err := f.checkFlags(fs); err != nil {
		return err
	}
	o, format, err := f.options(def)
	if err != nil {
		return err
	}
	return trainWith(e, f, o, format)
}

// checkFlags refuses, before any work, values out of range and flags
// that the other flags make meaningless.
func (f *trainFlags) checkFlags(fs *flag.FlagSet) error {
	set := setFlags(fs)
	if err := positive(fs, "epochs", "batch-size", "lr", "max-params", "max-activations"); err != nil {
		return err
	}
	if err := nonNegative(fs, "l2", "patience", "checkpoint-every"); err != nil {
		return err
	}
	if err := fraction(fs, "val-split", "label-smoothing"); err != nil {
		return err
	}
	if err := checkSourceFlags(fs, set, f.src, f.task); err != nil {
		return err
	}
	// fit checks these names too, but only after reading the data.
	for _, a := range []struct{ flag, name string }{{"activation", f.act}, {"output", f.output}} {
		if a.name == "auto" {
			continue
		}
		if _, err := activation.Parse(a.name); err != nil {
			return usagef("train: -%s: %w", a.flag, err)
		}
	}
	if f.loss != "auto" {
		if _, err := loss.New[float64](f.loss, loss.Mean); err != nil {
			return usagef("train: -loss: %w", err)
		}
	}
	if _, err := loss.ParseReduction(f.reduction); err != nil {
		return usagef("train: -reduction: %w", err)
	}
	if set["huber-delta"] && f.loss != loss.NameHuber && f.loss != loss.NameSmoothL1 {
		return usagef("train: -huber-delta is for -loss %s or %s, not %s", loss.NameHuber, loss.NameSmoothL1, f.loss)
	}
	if !(f.delta > 0 && f.delta <= math.MaxFloat64) {
		return usagef("train: -huber-delta %v: want a positive number", f.delta)
	}
	if f.initPath != "" {
		if err := notWith(fs, set, "init", "the starting model fixes the network and the scaling its weights expect",
			"layers", "activation", "output", "scale", "scale-target", "resume"); err != nil {
			return err
		}
	}
	if f.resume != "" {
		// The checkpoint fixes the network, its loss and the scaling its
		// weights were trained on. -layers may repeat the checkpoint's
		// sizes (the command that made it, rerun with -resume); trainWith
		// checks that once the checkpoint is read.
		if err := notWith(fs, set, "resume", "the checkpoint fixes the network, its loss and its scaling",
			"activation", "output", "loss", "scale", "scale-target"); err != nil {
			return err
		}
		f.layersSet = set["layers"]
	}
	if set["refit"] && f.refit && f.valSplit == 0 {
		return usagef("train: -refit needs a validation split to choose the epoch; -val-split is 0")
	}
	for _, p := range []struct{ flag, path string }{{"o", f.out}, {"plot", f.plotPath}} {
		if err := outputPath("train", p.flag, p.path); err != nil {
			return err
		}
	}
	if f.checkpointEvery > 0 {
		if err := outputPath("train", "o", checkpointPath(f.out)); err != nil {
			return err
		}
	}
	return nil
}

// options turns the flags into fit.Options, refusing what cannot work
// before any data is read.
func (f *trainFlags) options(def fit.Options) (fit.Options, model.Format, error) {
	format, err := model.ParseFormat(f.format)
	if err != nil {
		return def, 0, &UsageError{Err: err}
	}
	o := def
	layers, err := parseLayers("train", f.layers)
	if err != nil {
		return o, 0, err
	}
	o.Hidden, o.Layers = nil, nil
	if plainDense(layers) {
		// Sizes alone, as before layer kinds: the model records the same
		// options.
		for _, l := range layers {
			o.Hidden = append(o.Hidden, l.Units)
		}
	} else {
		o.Layers = layers
	}
	if f.shape, err = parseShape("train", f.inputShape); err != nil {
		return o, 0, err
	}
	o.Activation, o.Output, o.Loss, o.DType = f.act, f.output, f.loss, f.dtype
	o.LearningRate, o.Epochs, o.BatchSize, o.Patience = f.lr, f.epochs, f.batch, f.patience
	o.Ensemble = f.ensemble
	if f.given["layers"] && !f.given["ensemble"] {
		// The default network is an ensemble; a network named on the
		// command line is trained as named.
		o.Ensemble = 1
	}
	o.ValSplit, o.Refit, o.Seed, o.LabelSmoothing = f.valSplit, f.refit, f.seed, f.smooth
	o.Scale, o.ScaleTarget = data.ScalerKind(f.scale), f.scaleTarget
	if o.Reduction, err = loss.ParseReduction(f.reduction); err != nil {
		return o, 0, &UsageError{Err: fmt.Errorf("-reduction: %w", err)}
	}
	if f.loss == loss.NameHuber || f.loss == loss.NameSmoothL1 {
		o.Delta = f.delta
	}
	o.Schedule = schedule.Config{Name: f.sched}
	if f.optimizer != def.Optimizer.Name {
		o.Optimizer = optim.Config{Name: f.optimizer} // the default's β2 is Adam's alone
	}
	o.Optimizer.L2 = f.l2
	if err := f.hyper.apply("train", f.given, &o); err != nil {
		return o, 0, err
	}
	o.Limits = nn.Limits{MaxParams: f.maxParams, MaxActivations: f.maxActivations}
	if o.ClassWeight, err = parseWeightFlags("train", f.src, f.classWeight, f.weightColumn); err != nil {
		return o, 0, err
	}
	switch {
	case f.maxParams <= 0 || f.maxActivations <= 0:
		return o, 0, usagef("train: -max-params and -max-activations must be positive")
	case f.epochs < 1:
		return o, 0, usagef("train: -epochs must be at least 1, got %d", f.epochs)
	case f.batch < 1:
		return o, 0, usagef("train: -batch-size must be at least 1, got %d", f.batch)
	case !(f.lr > 0):
		return o, 0, usagef("train: -lr must be a positive number, got %g", f.lr)
	case f.valSplit < 0 || f.valSplit >= 1:
		return o, 0, usagef("train: -val-split must be in [0, 1), got %g", f.valSplit)
	case f.dtype != model.Float32 && f.dtype != model.Float64:
		return o, 0, usagef("train: -dtype must be float32 or float64, got %q", f.dtype)
	}
	// Hidden layers alone already hold this many values, whatever the
	// data: refuse a huge -layers before reading the data.
	spec := nn.Spec{Inputs: 1}
	for _, h := range o.Hidden {
		spec.Layers = append(spec.Layers, nn.LayerSpec{Units: h})
	}
	spec.Layers = append(spec.Layers, nn.LayerSpec{Units: 1})
	if err := f.sizeError(spec.CheckSize(o.Limits, 1), true); err != nil {
		return o, 0, err
	}
	check := o
	check.Epochs = max(check.Epochs, 1)
	if err := fit.Check(check); err != nil {
		return o, 0, &UsageError{Err: err}
	}
	// Fail before training, not after, when an output cannot be written.
	for _, out := range []string{f.out, f.plotPath} {
		if dir := filepath.Dir(out); out != "" {
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				return o, 0, fmt.Errorf("train: cannot write %s: directory %s does not exist", out, dir)
			}
		}
	}
	if f.plotPath != "" {
		if err := plot.CheckPath(f.plotPath); err != nil {
			return o, 0, usagef("train: -plot: %v", err)
		}
	}
	return o, format, nil
}

// sizeError words a network size error for the command line: the limit,
// the flag that raises it and what to make smaller.
func (f *trainFlags) sizeError(err error, early bool) error {
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

// trainWith reads the data, trains through fit and saves what it made.
func trainWith(e *env, f trainFlags, o fit.Options, format model.Format) error {
	if f.resume != "" {
		ckpt, err := model.LoadCheckpoint(f.resume)
		if err != nil {
			return err
		}
		if f.layersSet {
			if got, same := sameHidden(f.layers, ckpt.Model.Spec); !same {
				return usagef("train: -layers %s cannot be used with -resume: %s holds hidden layers %s, and the checkpoint fixes the network", f.layers, f.resume, got)
			}
		}
		if ckpt.Model.DType != f.dtype {
			return usagef("train: %s holds a %s model; pass -dtype %s", f.resume, ckpt.Model.DType, ckpt.Model.DType)
		}
		if ckpt.Epoch >= f.epochs {
			return fmt.Errorf("train: %s already has %s; ask for more with -epochs", f.resume, plural.Count(ckpt.Epoch, "epoch"))
		}
		o.Resume = ckpt
		fmt.Fprintf(e.stderr, "resuming from %s after epoch %d\n", f.resume, ckpt.Epoch)
	}
	if f.initPath != "" {
		m, err := model.Load(f.initPath)
		if err != nil {
			return err
		}
		o.Init = m
		fmt.Fprintf(e.stderr, "starting from the weights of %s (%s)\n", f.initPath, m.Spec)
	}
	// compact: fit reads the features as the loader stores them, so a
	// large file of pixels or counts is held in float32, half the memory,
	// with the same values.
	d, schema, err := loadSource(f.src, sourceOptions{target: f.target, task: f.task, missing: f.missing, seed: f.seed, csv: f.csv, weights: f.weightColumn, inputShape: f.shape, compact: true})
	if err != nil {
		return err
	}
	if err := d.Validate(); err != nil {
		return err
	}
	// What loading left behind (a CSV's text, MNIST's raw bytes) is
	// garbage now. Collected at once, its memory is reused by training;
	// left to the collector's pace, training's own garbage would be added
	// to it until the heap reached twice the data.
	runtime.GC()
	if err := checkClassWeights("train", o.ClassWeight, d); err != nil {
		return err
	}
	taskNote := "as the data says"
	if f.task == "auto" && schema != nil {
		taskNote = "chosen automatically; override with -task"
	}
	fmt.Fprintf(e.stderr, "data: %s (%s); task: %s (%s)\n", f.src, describe(d), d.Task, taskNote)
	if note := weightNote(f.weightColumn, o.ClassWeight); note != "" {
		fmt.Fprintf(e.stderr, "weights: %s; the loss, the metrics and the choice of epoch are weighted\n", note)
	}

	// Ctrl-C or SIGTERM cancels the context: training stops after the
	// current step, the best weights so far are saved, and the exit code
	// then says which signal came.
	ctx, caught, stop := catchSignals(e.ctx)
	defer stop()
	o.Log = e.stderr
	var bars []*progress
	o.RunCallbacks = func(r fit.Run) []train.Callback {
		p := newProgress(e.stderr, r.Done, r.Epochs)
		if r.Name == "refit" {
			p.label = "refit epoch"
		}
		bars = append(bars, p)
		return []train.Callback{p}
	}
	if f.checkpointEvery > 0 {
		path := checkpointPath(f.out)
		o.CheckpointEvery = f.checkpointEvery
		o.Checkpoint = func(c *model.Checkpoint) error { return model.SaveCheckpoint(path, c, format) }
	}

	start := time.Now()
	res, fitErr := fit.Train(ctx, d, schema, o)
	for _, p := range bars {
		p.finish()
	}
	var div *train.DivergenceError
	switch {
	case fitErr == nil:
	case errors.As(fitErr, &div) && res != nil && res.Model != nil:
		// The last good epoch's model is worth keeping; the run failed.
		fitErr = fmt.Errorf("train: %w; the weights of epoch %d, the last good ones, were written to %s", fitErr, res.BestEpoch, f.out)
	case errors.As(fitErr, &div):
		return fmt.Errorf("train: %w; nothing was written", fitErr)
	default:
		var se *nn.SizeError
		if errors.As(fitErr, &se) {
			return f.sizeError(se, false)
		}
		return fitErr
	}
	m := res.Model
	if res.Interrupted {
		fmt.Fprintf(e.stderr, "interrupted: saving the best weights so far, those of epoch %d\n", int(m.Metrics["epoch"]))
	}
	if err := model.Save(f.out, m, format); err != nil {
		return err
	}
	if f.plotPath != "" {
		if err := plotRun(e.stderr, f.plotPath, f.src, m.Loss, res); err != nil {
			return err
		}
	}
	if f.json {
		if err := writeTrainJSON(e.stdout, f.out, res, time.Since(start)); err != nil {
			return err
		}
		if fitErr != nil {
			return fitErr
		}
		stop() // counts a signal still in flight
		return signalled(caught())
	}
	fmt.Fprintf(e.stdout, "%s (%.1fs)\n", summary(res), time.Since(start).Seconds())
	for _, k := range sortedKeys(m.Metrics) {
		fmt.Fprintf(e.stdout, "  %-16s %.6g\n", k, m.Metrics[k])
	}
	fmt.Fprintf(e.stdout, "model written to %s\n", f.out)
	if fitErr != nil {
		return fitErr
	}
	stop() // counts a signal still in flight
	return signalled(caught())
}

// addWeightFlags defines -class-weight and -weight-column on fs.
func addWeightFlags(fs *flag.FlagSet, classWeight, weightColumn *string) {
	fs.StringVar(classWeight, "class-weight", "", "weigh the classes: `balanced` (n/(k·count), each class the same total weight) or name=w pairs, e.g. setosa=2,virginica=0.5 (others weigh 1); classification only")
	fs.StringVar(weightColumn, "weight-column", "", "CSV `column` of per-sample weights (numbers ≥ 0), used by the loss and the metrics, not as a feature")
}

// parseWeightFlags reads -class-weight and checks that -weight-column has
// a CSV source to read.
func parseWeightFlags(cmd, src, classWeight, weightColumn string) (fit.ClassWeights, error) {
	cw, err := fit.ParseClassWeights(classWeight)
	if err != nil {
		return cw, usagef("%s: -class-weight: %w", cmd, err)
	}
	if weightColumn != "" && (strings.HasPrefix(src, "builtin:") || strings.HasPrefix(src, "mnist:")) {
		return cw, usagef("%s: -weight-column needs a CSV file; %s has no columns to name", cmd, src)
	}
	return cw, nil
}

// checkClassWeights refuses class weights that do not fit the data: a
// regression, or a class name the data does not have.
func checkClassWeights(cmd string, cw fit.ClassWeights, d *data.Dataset) error {
	if _, err := cw.For(d); err != nil {
		return usagef("%s: -class-weight: %w", cmd, err)
	}
	return nil
}

// weightNote says how rows are weighted, "" when they are not.
func weightNote(column string, cw fit.ClassWeights) string {
	var parts []string
	if column != "" {
		parts = append(parts, "per row from column "+strconv.Quote(column))
	}
	if !cw.IsZero() {
		parts = append(parts, "by class, "+cw.String())
	}
	return strings.Join(parts, ", times ")
}

// summary says in one line how the run ended and which weights were kept.
func summary(res *fit.Result) string {
	s := res.Selection.Reason()
	switch {
	case res.Refit != nil && res.Model.Metrics["best_epoch"] > 0:
		s += fmt.Sprintf("; epoch %d chosen on validation, then refit on all rows for %s", res.BestEpoch, plural.Count(res.BestEpoch, "epoch"))
	case res.BestEpoch > 0:
		s += fmt.Sprintf("; kept epoch %d, the best on validation", res.BestEpoch)
	}
	return s
}

// plotRun draws the selection run's loss curves with the chosen epoch
// marked.
func plotRun(w io.Writer, path, src, lossName string, res *fit.Result) error {
	c := plot.Curves{LossName: lossName, RestoredEpoch: res.BestEpoch, LogScale: true, Data: filepath.Base(src)}
	// The second panel: accuracy for classification, R² for regression.
	score := func(s *train.Scores) float64 { return s.R2 }
	c.MetricName = "R²"
	if res.Model.Task == data.Classification.String() {
		score, c.MetricName = func(s *train.Scores) float64 { return s.Accuracy }, "accuracy"
	}
	for _, ep := range res.Selection.Epochs {
		c.TrainLoss = append(c.TrainLoss, ep.Train.Loss)
		c.TrainMetric = append(c.TrainMetric, score(&ep.Train))
		if ep.Val != nil {
			c.ValLoss = append(c.ValLoss, ep.Val.Loss)
			c.ValMetric = append(c.ValMetric, score(ep.Val))
		}
	}
	if c.RestoredEpoch > len(c.TrainLoss) {
		c.RestoredEpoch = 0 // chosen before a resume: not on this curve
	}
	if err := plot.TrainingCurves(path, c); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s\n", path)
	return nil
}

// writeTrainJSON prints train's result for scripts: where the model went,
// why training stopped, the epoch whose weights were kept and the
// metrics.
func writeTrainJSON(w io.Writer, out string, res *fit.Result, took time.Duration) error {
	v := struct {
		Model       string             `json:"model"`
		Stopped     string             `json:"stopped"`
		Epochs      int                `json:"epochs"`
		BestEpoch   int                `json:"best_epoch"`
		Refit       bool               `json:"refit"`
		Interrupted bool               `json:"interrupted,omitempty"`
		Seconds     float64            `json:"seconds"`
		Metrics     map[string]float64 `json:"metrics"`
		Warnings    []string           `json:"warnings,omitempty"`
	}{
		Model: out, Stopped: res.Selection.Reason(), Epochs: len(res.Selection.Epochs), BestEpoch: res.BestEpoch,
		Refit: res.Refit != nil, Interrupted: res.Interrupted, Seconds: took.Seconds(),
		Metrics: res.Model.Metrics, Warnings: res.Warnings,
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// checkpointPath puts checkpoints beside the model: model.json →
// model.checkpoint.json.
func checkpointPath(out string) string {
	ext := filepath.Ext(out)
	return strings.TrimSuffix(out, ext) + ".checkpoint" + ext
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// sameHidden reports whether a -layers list names the hidden layers of
// spec (all but the output layer), and returns those as -layers would
// write them. A layer's activation is compared only where the list gives
// one, since the list's default is the run's -activation.
func sameHidden(list string, spec nn.Spec) (string, bool) {
	hidden := spec.Layers[:max(len(spec.Layers)-1, 0)]
	given, err := nn.ParseLayers(list)
	same := err == nil && len(given) == len(hidden)
	shown := make([]nn.LayerSpec, len(hidden))
	for i, h := range hidden {
		shown[i] = h
		if same && given[i].Activation.Name == "" {
			shown[i].Activation = given[i].Activation
		}
		if h.KindName() == nn.KindDense && (!same || given[i].Activation.Name == "") {
			shown[i].Activation = activation.Spec{} // the sizes alone, as -layers takes them
		}
		same = same && nn.FormatLayer(given[i]) == nn.FormatLayer(shown[i])
	}
	return nn.FormatLayers(shown), same
}
