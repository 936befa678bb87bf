package cli

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/descent-ml/descent/train"
)

// progress reports each epoch: a progress bar on a terminal, one line per
// epoch otherwise (logs, pipes, tests).
type progress struct {
	w            io.Writer
	done, epochs int    // done: epochs finished before this run (resume)
	label        string // "epoch", or "refit epoch" for a refit
	bar          *progressbar.ProgressBar
	explained    bool // the line saying what * marks was printed
}

func newProgress(w io.Writer, done, epochs int) *progress {
	p := &progress{w: w, done: done, epochs: epochs, label: "epoch"}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.bar = progressbar.NewOptions(epochs,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label(done, epochs)),
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

// OnEpoch prints the epoch's line; on a terminal it keeps the line above
// the bar (the bar is cleared, the line printed, the bar drawn again
// below it) so the history stays on screen, as Keras does.
func (p *progress) OnEpoch(ev train.EpochEvent) {
	if p.bar != nil {
		_ = p.bar.Clear()
	}
	if !p.explained && ev.Stats.Val != nil {
		fmt.Fprintln(p.w, "(* marks an epoch better on validation than every one before it: the weights kept so far)")
		p.explained = true
	}
	mark := ""
	if ev.Best {
		mark = "  *"
	}
	total := p.done + ev.Epochs
	fmt.Fprintf(p.w, "%s %*d/%d  %s%s\n", p.label, len(fmt.Sprint(total)), p.done+ev.Stats.Epoch, total, epochLine(ev.Stats), mark)
	if p.bar != nil {
		_ = p.bar.Add(1)
	}
}

// label is the bar's description: short, so the bar fits 80 columns.
func label(done, epochs int) string {
	if done > 0 {
		return fmt.Sprintf("training (from epoch %d)", done+1)
	}
	return "training"
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
		// R² rather than MSE for regression: the loss may be on scaled
		// targets, and R² reads the same in any units.
		if sc.Accuracy != 0 {
			fmt.Fprintf(&b, "  %sacc %.4f", prefix, sc.Accuracy)
		} else if sc.MSE != 0 {
			fmt.Fprintf(&b, "  %sr2 %.4f", prefix, sc.R2)
		}
	}
	score("", s.Train)
	if s.Val != nil {
		fmt.Fprintf(&b, "  val_loss %.4g", s.Val.Loss)
		score("val_", *s.Val)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
