package playground

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/initializer"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// Random streams of a run, each its own PCG sequence drawn from the seed so
// that changing, say, the batch size does not change the data.
const (
	streamData = iota + 1
	streamSplit
	streamInit
	streamShuffle
)

func newRand(seed uint64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15*stream))
}

// maxHistory is the most loss points kept; beyond it every other point is
// dropped and the stride doubles, so a long run stays a small poll.
const maxHistory = 600

// upload is a parsed CSV file.
type upload struct {
	name   string
	data   *data.Dataset
	schema *data.Schema
}

// session is one browser tab's run. Its fields below mu are guarded by mu;
// the training goroutine holds mu while it steps.
type session struct {
	id string
	// lastSeen is the time of the last request, in Unix nanoseconds.
	lastSeen atomic.Int64

	mu      sync.Mutex
	version int // counts resets, so the page knows when to fetch the data
	upload  *upload
	r       *run
	running bool
	// parked is set when training stopped because no request came for
	// Options.PauseAfter; the next state request resumes it.
	parked bool
	closed bool // set when the session ends; it never trains again
	until  int
	speed  int
	stop   chan struct{} // closed to stop the training goroutine
	done   chan struct{} // closed when it has stopped
}

// run is everything one set of settings trains: the data, the network,
// the optimizer, the random sources and the progress so far.
type run struct {
	settings    Settings
	all         *data.Dataset // the whole dataset, raw features
	isTest      []bool        // per sample of all
	train, test *data.Dataset // scaled features, training targets
	scaler      *data.Scaler  // nil for built-in data
	task        data.Task
	classes     int
	lossName    string
	lossFn      loss.Loss[float64]
	link        activation.Func[float64] // nil when outputs are predictions
	// feats are the network's inputs made from two-feature data (nil for
	// other data); up is the upload the run was built from.
	feats []feature
	up    *upload
	// inputs name the network's inputs.
	inputs []string

	net     *nn.Network[float64]
	view    *nn.Network[float64] // a copy for drawing grids, so training buffers stay sized
	opt     optim.Optimizer[float64]
	shuffle *rand.Rand
	order   []int
	xb, yb  tensor.Matrix[float64]

	epoch               int
	trainLoss, testLoss float64
	hist                history
	diverged            string
	drawn               *drawn // see cached
}

// history is the loss curve, one point per every epochs.
type history struct {
	Every  int       `json:"every"`
	Epochs []int     `json:"epochs"`
	Train  []float64 `json:"train"`
	Test   []float64 `json:"test,omitempty"`
}

func (h *history) add(epoch int, train, test float64, hasTest bool) {
	if epoch%h.Every != 0 {
		return
	}
	h.Epochs = append(h.Epochs, epoch)
	h.Train = append(h.Train, train)
	if hasTest {
		h.Test = append(h.Test, test)
	}
	if len(h.Epochs) > maxHistory {
		h.Every *= 2
		keep := 0
		for i, e := range h.Epochs {
			if e%h.Every == 0 {
				h.Epochs[keep], h.Train[keep] = e, h.Train[i]
				if hasTest {
					h.Test[keep] = h.Test[i]
				}
				keep++
			}
		}
		h.Epochs, h.Train = h.Epochs[:keep], h.Train[:keep]
		if hasTest {
			h.Test = h.Test[:keep]
		}
	}
}

// reset rebuilds the run from settings: data, split, network, optimizer.
// The caller holds mu and has stopped training. On error the old run stays.
//
// Settings that differ from the run's only in the learning rate and the
// L1 and L2 coefficients change the run in place instead: training goes
// on from the same weights and epoch, as TensorFlow Playground does. The
// same settings again rebuild the run (the page's "Reset with the same
// seed").
func (s *session) reset(st Settings) error {
	if s.r != nil && s.r.up == s.upload && s.r.live(st) {
		s.r.settings = st.normalize()
		return nil
	}
	r, err := newRun(st, s.upload)
	if err != nil {
		return err
	}
	s.r = r
	s.version++
	return nil
}

// live reports whether st differs from the run's settings, and only in
// what training can take without a reset: the learning rate and the
// regularisation.
func (r *run) live(st Settings) bool {
	st = st.normalize()
	if st.Validate() != nil {
		return false
	}
	cur := r.settings
	if st.LearningRate == cur.LearningRate && st.L1 == cur.L1 && st.L2 == cur.L2 {
		return false // nothing live changed: a reset was asked for
	}
	st.LearningRate, st.L1, st.L2 = cur.LearningRate, cur.L1, cur.L2
	return reflect.DeepEqual(st, cur)
}

// newRun builds a run from settings and, for DatasetCSV, an upload.
func newRun(st Settings, up *upload) (*run, error) {
	st = st.normalize()
	if err := st.Validate(); err != nil {
		return nil, err
	}
	all, err := dataset(st, up)
	if err != nil {
		return nil, err
	}
	task := all.Task
	classes := 0
	if task == data.Classification {
		classes = all.Y.Cols
	}
	lossName, outputs, outAct, err := outputLayer(st, task, classes, all.Y.Cols)
	if err != nil {
		return nil, err
	}
	lossFn, err := loss.New[float64](lossName, loss.Mean)
	if err != nil {
		return nil, err
	}
	var link activation.Func[float64]
	if l, ok := lossFn.(loss.Linked); ok {
		if link, err = activation.New[float64](l.Link()); err != nil {
			return nil, err
		}
	}

	// Targets as the network sees them: one class-index column for a
	// single output, otherwise Y as it is.
	y := all.Y
	if task == data.Classification && outputs == 1 {
		y = tensor.New[float64](all.Len(), 1)
		for i := range y.Data {
			y.Data[i] = float64(all.Class(i))
		}
	}
	var strata []int
	if task == data.Classification {
		strata = all.Classes()
	}
	trainIdx, testIdx := data.TrainTestSplit(all.Len(), st.TestRatio, newRand(st.Seed, streamSplit), strata)
	if len(trainIdx) == 0 {
		return nil, fmt.Errorf("the dataset has no training samples")
	}
	full := &data.Dataset{X: all.X, Y: y, Task: task}
	train, test := full.Subset(trainIdx), full.Subset(testIdx)
	var scaler *data.Scaler
	if st.Dataset == DatasetCSV {
		// Uploaded columns can have any range; built-in data is already
		// centred near the origin and is drawn in its own coordinates.
		if scaler, err = data.FitScaler(data.Standard, train.X); err != nil {
			return nil, err
		}
		if err := scaler.Transform(train.X); err != nil {
			return nil, err
		}
		if err := scaler.Transform(test.X); err != nil {
			return nil, err
		}
	}

	var feats []feature
	inputs := all.FeatureNames
	if all.X.Cols == 2 {
		// The chosen features of the (scaled) columns are the inputs.
		feats = chosenFeatures(st.Features)
		train.X, test.X = expand(feats, train.X), expand(feats, test.X)
		n1, n2 := "x1", "x2"
		if len(all.FeatureNames) == 2 {
			n1, n2 = all.FeatureNames[0], all.FeatureNames[1]
		}
		inputs = inputNames(feats, n1, n2)
	}
	spec := nn.Spec{Inputs: train.X.Cols}
	for _, l := range st.Hidden {
		a, err := activation.Parse(l.Activation)
		if err != nil {
			return nil, err
		}
		spec.Layers = append(spec.Layers, nn.LayerSpec{Units: l.Units, Activation: a, NoBias: !st.Bias})
		if st.Dropout > 0 {
			spec.Layers = append(spec.Layers, nn.LayerSpec{Kind: nn.KindDropout, Rate: st.Dropout})
		}
	}
	oa, err := activation.Parse(outAct)
	if err != nil {
		return nil, fmt.Errorf("output layer: %w", err)
	}
	out := nn.LayerSpec{Units: outputs, Activation: oa, NoBias: !st.Bias}
	if st.Dataset == "point" && len(st.Hidden) == 0 {
		// The tutorial draws its single weight from U[0, 1).
		out.Init = initializer.Spec{Name: initializer.NameRand}
	}
	spec.Layers = append(spec.Layers, out)
	net, err := nn.New[float64](spec, newRand(st.Seed, streamInit))
	if err != nil {
		return nil, err
	}
	// L1 and L2 are added to the gradients by trainEpochs, not by the
	// optimizer, so that they can change while training goes on.
	opt, err := optim.New[float64](optim.Config{Name: st.Optimizer})
	if err != nil {
		return nil, err
	}

	isTest := make([]bool, all.Len())
	for _, i := range testIdx {
		isTest[i] = true
	}
	r := &run{settings: st,
		all: all, isTest: isTest, train: train, test: test, scaler: scaler, task: task, classes: classes,
		lossName: lossName, lossFn: lossFn, link: link, feats: feats, up: up, inputs: inputs,
		net: net, view: net.Clone(), opt: opt, shuffle: newRand(st.Seed, streamShuffle),
		order: make([]int, train.Len()), hist: history{Every: 1}}
	for i := range r.order {
		r.order[i] = i
	}
	r.view.SetTraining(false) // the view only predicts
	r.trainLoss, r.testLoss = r.evaluate()
	r.hist.add(0, r.trainLoss, r.testLoss, test.Len() > 0)
	return r, nil
}

// dataset returns the raw dataset the settings name.
func dataset(st Settings, up *upload) (*data.Dataset, error) {
	if st.Dataset == DatasetCSV {
		if up == nil {
			return nil, fmt.Errorf("upload a CSV file first")
		}
		return up.data, nil
	}
	if d := playgroundSet(st.Dataset, st.Samples, st.Noise, newRand(st.Seed, streamData)); d != nil {
		return d, nil
	}
	d, err := datasets.ByName(st.Dataset, st.Samples, st.Noise, newRand(st.Seed, streamData))
	if err != nil {
		return nil, err
	}
	if st.Noise == 0 && st.Dataset != "point" {
		// ByName reads 0 as "the default noise"; the slider's 0 means none.
		switch st.Dataset {
		case "xor":
			d = datasets.NoisyXOR(st.Samples, 0, newRand(st.Seed, streamData))
		case "circles":
			d = datasets.Circles(st.Samples, 0, newRand(st.Seed, streamData))
		case "moons":
			d = datasets.Moons(st.Samples, 0, newRand(st.Seed, streamData))
		case "spiral":
			d = datasets.Spiral(st.Samples, datasets.SpiralClasses, 0, newRand(st.Seed, streamData))
		case "blobs":
			// Blobs of zero spread would be three points; keep a little.
			d = datasets.Blobs(st.Samples, datasets.BlobClasses, 0.05, newRand(st.Seed, streamData))
		case "linear":
			d = datasets.Linear(st.Samples, 0, newRand(st.Seed, streamData))
		case "sin":
			d = datasets.Sin(st.Samples, 0, newRand(st.Seed, streamData))
		}
	}
	return d, nil
}

// outputLayer picks the loss, the number of outputs and the output
// activation for a task, honouring the user's choices where they fit.
func outputLayer(st Settings, task data.Task, classes, targets int) (lossName string, outputs int, act string, err error) {
	lossName = st.Loss
	if lossName == "" {
		// As `descent train` does: one output per class, so that `descent
		// eval` reads the exported model against one-hot targets.
		lossName = loss.NameSoftmaxCrossEntropy
		if task == data.Regression {
			lossName = loss.NameMSE
		}
	}
	switch lossName {
	case loss.NameBCE, loss.NameBCEWithLogits, loss.NameCrossEntropy, loss.NameSoftmaxCrossEntropy:
		if task != data.Classification {
			return "", 0, "", fmt.Errorf("loss %s is for classification; this dataset is regression (use mse, squared_error or mae)", lossName)
		}
	}
	// The output activation that fits a classification loss is the
	// library's rule (fit.OutputFor), as in `descent train`.
	switch lossName {
	case loss.NameBCE, loss.NameBCEWithLogits:
		if classes != 2 {
			return "", 0, "", fmt.Errorf("loss %s needs two classes, the data has %d (use softmax_cross_entropy)", lossName, classes)
		}
		outputs, act = 1, fit.OutputFor(lossName).Name
	case loss.NameCrossEntropy, loss.NameSoftmaxCrossEntropy:
		outputs, act = classes, fit.OutputFor(lossName).Name
	default: // squared_error, mse, mae
		switch {
		case task == data.Regression:
			outputs, act = targets, activation.NameIdentity
		case classes == 2:
			outputs, act = 1, activation.NameSigmoid
		default:
			outputs, act = classes, activation.NameSigmoid
		}
	}
	if st.Output != "" {
		act = st.Output
		// A loss that does not fit the chosen output is refused here, as
		// the library refuses it (fit.CheckOutput).
		spec, err := activation.Parse(act)
		if err != nil {
			return "", 0, "", err
		}
		if err := fit.CheckOutput(lossName, spec); err != nil {
			return "", 0, "", errors.New(strings.TrimPrefix(err.Error(), "fit: "))
		}
	}
	return lossName, outputs, act, nil
}

// maxTickSteps bounds the mini-batch steps of one training tick (about
// 25 ms of work for the largest network), so that a state request never
// waits long for the lock; a tick still trains at least one whole epoch,
// which keeps the history per epoch and the run deterministic.
const maxTickSteps = 2000

// epochsWithin returns how many whole epochs fit in a budget of steps,
// at least 1.
func (s *run) epochsWithin(steps int) int {
	batch := min(s.settings.BatchSize, len(s.order))
	perEpoch := (len(s.order) + batch - 1) / batch
	return max(1, steps/perEpoch)
}

// trainEpochs runs up to n epochs of mini-batch training. The caller holds
// mu. It stops early on divergence or at the run's limit.
func (s *run) trainEpochs(n int) {
	batch := min(s.settings.BatchSize, len(s.order))
	params := s.net.Params()
	for range n {
		if s.diverged != "" || s.epoch >= MaxEpochs {
			return
		}
		for i := len(s.order) - 1; i > 0; i-- {
			j := s.shuffle.IntN(i + 1)
			s.order[i], s.order[j] = s.order[j], s.order[i]
		}
		for b := 0; b < len(s.order); b += batch {
			idx := s.order[b:min(b+batch, len(s.order))]
			gather(&s.xb, s.train.X, idx)
			gather(&s.yb, s.train.Y, idx)
			v := s.net.Gradient(s.lossFn, &s.xb, &s.yb)
			if !finite(v) {
				s.diverged = fmt.Sprintf("the loss became %v at epoch %d: lower the learning rate and reset", v, s.epoch+1)
				return
			}
			s.regularize(params)
			s.opt.Step(params, s.settings.LearningRate)
		}
		s.epoch++
		s.trainLoss, s.testLoss = s.evaluate()
		if !finite(s.trainLoss) {
			s.diverged = fmt.Sprintf("the loss became %v at epoch %d: lower the learning rate and reset", s.trainLoss, s.epoch)
		}
		s.hist.add(s.epoch, s.trainLoss, s.testLoss, s.test.Len() > 0)
	}
}

// regularize adds the penalties' gradients to every parameter's: λ₂·w for
// (λ₂/2)·Σw², as optim.Common.L2 does, and λ₁·sign(w) for λ₁·Σ|w| (0 at
// w = 0, the subgradient that leaves a zero weight at zero).
func (s *run) regularize(params []*nn.Param[float64]) {
	l1, l2 := s.settings.L1, s.settings.L2
	if l1 == 0 && l2 == 0 {
		return
	}
	for _, p := range params {
		g := p.Grad.Data
		for k, w := range p.Value.Data {
			d := l2 * w
			switch {
			case w > 0:
				d += l1
			case w < 0:
				d -= l1
			}
			g[k] += d
		}
	}
}

func gather(dst *tensor.Matrix[float64], src *tensor.Matrix[float64], idx []int) {
	dst.Resize(len(idx), src.Cols)
	for r, i := range idx {
		copy(dst.Data[r*src.Cols:(r+1)*src.Cols], src.Row(i))
	}
}

// evaluate returns the loss on the training and test sets (NaN for an
// empty test set).
func (s *run) evaluate() (train, test float64) {
	defer s.scoring()()
	train = s.net.Loss(s.lossFn, s.train.X, s.train.Y)
	test = math.NaN()
	if s.test.Len() > 0 {
		test = s.net.Loss(s.lossFn, s.test.X, s.test.Y)
	}
	return train, test
}

// scoring puts the network in evaluation mode (dropout passes values
// through) and returns what puts its mode back.
func (s *run) scoring() func() {
	training := s.net.Training()
	s.net.SetTraining(false)
	return func() { s.net.SetTraining(training) }
}

// predictions returns the network's predictions for x (scaled), through the
// loss's link; the result belongs to net.
func (s *run) predictions(net *nn.Network[float64], x *tensor.Matrix[float64]) *tensor.Matrix[float64] {
	out := net.Forward(x)
	if s.link != nil {
		p := tensor.New[float64](out.Rows, out.Cols)
		s.link.Forward(p, out)
		return p
	}
	return out
}

// accuracy returns the fraction of d classified correctly (NaN for
// regression or no samples).
func (s *run) accuracy(d *data.Dataset) float64 {
	if s.task != data.Classification || d.Len() == 0 {
		return math.NaN()
	}
	defer s.scoring()()
	p := s.predictions(s.net, d.X)
	right := 0
	for i := range p.Rows {
		want := 0
		if d.Y.Cols == 1 {
			want = int(d.Y.At(i, 0))
		} else {
			want = d.Class(i)
		}
		if model.ClassOf(p.Row(i)) == want {
			right++
		}
	}
	return float64(right) / float64(d.Len())
}

// start begins training in a goroutine until epoch until (0: MaxEpochs),
// speed epochs per tick. The caller holds mu.
//
// The goroutine parks the session (stops, remembering that it was
// running) once no request has reached it for tr.pauseAfter: a tab that
// was closed without its DELETE arriving trains no more. The next state
// request resumes it (see resume).
func (s *session) start(tr *trainer, until, speed int) {
	if until <= 0 || until > MaxEpochs {
		until = MaxEpochs
	}
	s.until, s.speed, s.parked = until, speed, false
	if s.running || s.closed || s.r.diverged != "" || s.r.epoch >= until {
		return
	}
	s.running = true
	stop, done := make(chan struct{}), make(chan struct{})
	s.stop, s.done = stop, done
	tr.wg.Add(1)
	go func() {
		defer tr.wg.Done()
		defer close(done)
		t := time.NewTicker(tr.tick)
		defer t.Stop()
		defer func() {
			// A bug in training stops this session, not the server with
			// every other session in it.
			if v := recover(); v != nil {
				s.mu.Lock()
				if s.stop == stop {
					s.running = false
					if s.r != nil {
						s.r.diverged = fmt.Sprintf("training stopped on an internal error (%v): reset to start again", v)
					}
				}
				s.mu.Unlock()
			}
		}()
		for {
			select {
			case <-tr.ctx.Done():
				s.mu.Lock()
				s.running = false
				s.mu.Unlock()
				return
			case <-stop:
				return
			case <-t.C:
			}
			if !s.tick(tr, stop) {
				return
			}
		}
	}()
}

// tick trains one tick of the goroutine that stop belongs to, in a
// training slot, and reports whether the goroutine goes on.
func (s *session) tick(tr *trainer, stop chan struct{}) bool {
	if tr.abandoned(s) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.stop == stop && s.running {
			s.running, s.parked = false, true
		}
		return false
	}
	if !tr.acquire(stop) { // stopped, or the server closes
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.stop == stop && tr.ctx.Err() != nil {
			s.running = false
		}
		return false
	}
	defer tr.release()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stop != stop || !s.running {
		return false
	}
	r := s.r
	r.trainEpochs(min(s.speed, s.until-r.epoch, r.epochsWithin(maxTickSteps)))
	if r.epoch >= s.until || r.diverged != "" {
		s.running = false
		return false
	}
	return true
}

// resume restarts a parked session's training where it stopped. The
// caller holds mu.
func (s *session) resume(tr *trainer) {
	if s.parked {
		s.start(tr, s.until, s.speed)
	}
}

// end stops training for good: a request that found the session before
// it was removed cannot start it again. The caller holds mu.
func (s *session) end() {
	s.closed = true
	s.pause()
}

// pause stops the training goroutine and waits for it. The caller holds
// mu; pause releases it while waiting.
func (s *session) pause() {
	s.parked = false
	if !s.running {
		return
	}
	s.running = false
	stop, done := s.stop, s.done
	close(stop)
	s.mu.Unlock()
	<-done
	s.mu.Lock()
}
