package fit

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/train"
)

// selection is the selection run: the split, then a network of Hidden
// trained on the training part and scored each epoch on the validation
// part. With Options.AltHidden it also trains a network of each of those
// layouts on the same split, at the same time, and keeps the one whose
// best epoch scored best on the validation part (accuracy, then loss, for
// classification; loss for regression), setting j.o.Hidden to its layout
// so that the refit and the ensemble use it.
func (j *job[T]) selection(ctx context.Context) (trainPart, valPart *part, m *model.Model, hist *train.History, best bestEpoch, err error) {
	trainPart, valPart = j.split()
	if valPart == nil || len(j.o.AltHidden) == 0 || len(j.o.Layers) > 0 || j.o.Resume != nil || j.o.Init != nil {
		m, hist, best, err = j.run(ctx, trainPart, valPart, j.o.Epochs, 0)
		return trainPart, valPart, m, hist, best, err
	}
	type outcome struct {
		trainPart, valPart *part
		m                  *model.Model
		hist               *train.History
		best               bestEpoch
		err                error
		interrupted        bool
	}
	alts := make([]outcome, len(j.o.AltHidden))
	done := make(chan struct{})
	go func() {
		defer close(done)
		// The alternatives run one after another beside the main run: two
		// trainings at once, one per core of a small machine.
		for i, h := range j.o.AltHidden {
			aj := *j
			aj.res = &Result{}
			aj.o.Hidden = slices.Clone(h)
			aj.o.Callbacks, aj.o.RunCallbacks, aj.o.Log = nil, nil, nil
			aj.o.CheckpointEvery, aj.o.Checkpoint = 0, nil
			a := &alts[i]
			a.trainPart, a.valPart = j.split() // fresh: a run scales its parts' targets in place
			a.m, a.hist, a.best, a.err = aj.run(ctx, a.trainPart, a.valPart, j.o.Epochs, 0)
			a.interrupted = aj.res.Interrupted
		}
	}()
	m, hist, best, err = j.run(ctx, trainPart, valPart, j.o.Epochs, 0)
	<-done
	if err != nil || j.res.Interrupted {
		return trainPart, valPart, m, hist, best, err
	}
	chosen := -1
	for i, a := range alts {
		if a.interrupted {
			j.res.Interrupted = true
			continue
		}
		var div *train.DivergenceError
		if a.err != nil && !errors.As(a.err, &div) {
			return nil, nil, nil, nil, bestEpoch{}, a.err
		}
		if a.err != nil || a.best.stats.Val == nil {
			continue // a diverged alternative is not a candidate
		}
		cur := best
		if chosen >= 0 {
			cur = alts[chosen].best
		}
		if j.better(a.best, cur) {
			chosen = i
		}
	}
	if chosen < 0 {
		j.logf("selection: hidden %s scored best on the validation rows of %s", joinSizes(j.o.Hidden), describeAlts(j.o.AltHidden))
		return trainPart, valPart, m, hist, best, nil
	}
	a := alts[chosen]
	j.logf("selection: hidden %s scored best on the validation rows, of %s and %s; keeping it", joinSizes(j.o.AltHidden[chosen]), joinSizes(j.o.Hidden), describeAlts(j.o.AltHidden))
	j.o.Hidden = slices.Clone(j.o.AltHidden[chosen])
	return a.trainPart, a.valPart, a.m, a.hist, a.best, nil
}

// better reports whether epoch a scored better on the validation rows
// than b, as the keeper ranks epochs: accuracy, then loss, for
// classification; loss for regression.
func (j *job[T]) better(a, b bestEpoch) bool {
	va, vb := a.stats.Val, b.stats.Val
	if vb == nil {
		return va != nil
	}
	if va == nil {
		return false
	}
	if j.d.Task.String() == "classification" && !j.o.SelectByLoss {
		return va.Accuracy > vb.Accuracy || (va.Accuracy == vb.Accuracy && va.Loss < vb.Loss)
	}
	return va.Loss < vb.Loss
}

// joinSizes writes hidden layer sizes as -layers takes them.
func joinSizes(h []int) string {
	if len(h) == 0 {
		return "(none)"
	}
	s := fmt.Sprint(h[0])
	for _, v := range h[1:] {
		s += fmt.Sprintf(",%d", v)
	}
	return s
}

// describeAlts lists the alternative layouts.
func describeAlts(alts [][]int) string {
	var s []string
	for _, h := range alts {
		s = append(s, joinSizes(h))
	}
	if len(s) == 1 {
		return s[0]
	}
	return fmt.Sprint(s)
}
