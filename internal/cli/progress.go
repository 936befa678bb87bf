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
}

func newProgress(w io.Writer, done, epochs int) *progress {
	p := &progress{w: w, done: done, epochs: epochs, label: "epoch"}
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
	fmt.Fprintf(p.w, "%s %*d/%d  %s%s\n", p.label, len(fmt.Sprint(total)), p.done+ev.Stats.Epoch, total, line, mark)
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
