package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/tensor"
	"github.com/descent-ml/descent/train"
)

// progress reports each epoch: a progress bar on a terminal, one line per
// epoch otherwise (logs, pipes, tests).
type progress struct {
	w            io.Writer
	done, epochs int // done: epochs finished before this run (resume)
	bar          *progressbar.ProgressBar
}

func newProgress(w io.Writer, done, epochs int) *progress {
	p := &progress{w: w, done: done, epochs: epochs}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(epochs,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("training"),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
		)
	}
	return p
}

// OnStep does nothing: epochs are the unit of progress.
func (p *progress) OnStep(train.StepEvent) {}

// OnEpoch prints or advances the bar.
func (p *progress) OnEpoch(ev train.EpochEvent) {
	line := epochLine(ev.Stats)
	if p.bar != nil {
		p.bar.Describe(line)
		_ = p.bar.Add(1)
		return
	}
	mark := ""
	if ev.Best {
		mark = "  *"
	}
	total := p.done + ev.Epochs
	fmt.Fprintf(p.w, "epoch %*d/%d  %s%s\n", len(fmt.Sprint(total)), p.done+ev.Stats.Epoch, total, line, mark)
}

func (p *progress) finish() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

func epochLine(s train.EpochStats) string {
	var b strings.Builder
	fmt.Fprintf(&b, "loss %.4g", s.Train.Loss)
	score := func(prefix string, sc train.Scores) {
		if sc.Accuracy != 0 {
			fmt.Fprintf(&b, "  %sacc %.4f", prefix, sc.Accuracy)
		} else if sc.MSE != 0 {
			fmt.Fprintf(&b, "  %smse %.4g", prefix, sc.MSE)
		}
	}
	score("", s.Train)
	if s.Val != nil {
		fmt.Fprintf(&b, "  val_loss %.4g", s.Val.Loss)
		score("val_", *s.Val)
	}
	return b.String()
}

// bestKeeper snapshots the weights at every epoch that improves the
// monitored loss, so an interrupted run can still save its best model.
type bestKeeper[T tensor.Float] struct {
	net  *nn.Network[T]
	snap [][]T
}

func newBestKeeper[T tensor.Float](net *nn.Network[T]) *bestKeeper[T] {
	return &bestKeeper[T]{net: net}
}

// OnStep does nothing.
func (b *bestKeeper[T]) OnStep(train.StepEvent) {}

// OnEpoch copies the weights when the epoch is the best so far.
func (b *bestKeeper[T]) OnEpoch(ev train.EpochEvent) {
	if !ev.Best {
		return
	}
	if b.snap == nil {
		for _, p := range b.net.Params() {
			b.snap = append(b.snap, slices.Clone(p.Value.Data))
		}
		return
	}
	for i, p := range b.net.Params() {
		copy(b.snap[i], p.Value.Data)
	}
}

// restore puts the best weights back, if an epoch completed.
func (b *bestKeeper[T]) restore() bool {
	if b.snap == nil {
		return false
	}
	for i, p := range b.net.Params() {
		copy(p.Value.Data, b.snap[i])
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
