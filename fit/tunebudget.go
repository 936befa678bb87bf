package fit

import (
	"math"
	"time"
)

// The budget covers the whole of a tune: the search, the recheck after it
// and the final training of the chosen options. The last two are not
// known until the search ends, so the search keeps an estimate of them,
// made from how fast the candidates that would be rechecked and trained
// trained in the search, and stops when the time spent plus that estimate
// reaches the budget.

// budgetTick is how often the watcher compares the time with the budget.
const budgetTick = 10 * time.Millisecond

// watchBudget calls s.stopSearch once the time since the search started
// plus the reserved estimate reaches the budget; the returned function
// stops the watcher.
func (s *search) watchBudget() (stop func()) {
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(budgetTick)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if s.budgetSpent() {
					s.stopSearch()
					return
				}
			}
		}
	}()
	return func() { close(done) }
}

// budgetSpent reports whether the time since the search started plus the
// reserved estimate has reached the budget.
func (s *search) budgetSpent() bool {
	return time.Since(s.start)+time.Duration(s.reserved.Load()) >= s.to.Budget
}

// measure records candidate id's speed from its folds' trainings of
// epochs epochs, and updates the estimate of the work left after the
// search.
func (s *search) measure(id, epochs int, folds []foldScore) {
	var secs, work float64
	for _, f := range folds {
		secs += f.secs
		work += float64(s.folds[f.fold].train.Len() * epochs)
	}
	if work <= 0 {
		return
	}
	if s.rates == nil {
		s.rates = map[int]float64{}
	}
	s.rates[id] = secs / work
	s.updateReserve()
}

// updateReserve makes a new estimate of the work left after the search
// and stops the search at once if that spends the budget, rather than at
// the watcher's next tick.
func (s *search) updateReserve() {
	if s.stopSearch == nil {
		return
	}
	s.reserved.Store(int64(s.leftAfterSearch()))
	if s.budgetSpent() {
		s.stopSearch()
	}
}

// leftAfterSearch estimates the time the recheck and the final training
// would take if the search stopped now, or once the rung in flight ends:
// the final training of the base options, and for the best candidate so
// far, and for each candidate in flight that would rank above it when
// scored (it trains more epochs), its final training or the base's,
// whichever costs more, plus the recheck of both; the most of these. A
// candidate whose end would not fit thus stops the search as its rung
// starts, and the best so far is kept, rather than found too late.
func (s *search) leftAfterSearch() time.Duration {
	rateBase, haveBase := s.rates[0]
	var base float64
	if haveBase {
		base = s.finalWork(s.base) * rateBase
	}
	secs := base
	consider := func(t Trial, epochs int) {
		rate, ok := s.rates[t.ID]
		if t.ID == 0 || t.Failed != "" || !ok {
			return
		}
		rb := rateBase
		if !haveBase {
			rb = rate
		}
		t.Epochs = epochs
		o := t.apply(s.base)
		c := max(base, s.finalWork(o)*rate)
		if s.to.BaseMargin >= 0 {
			c += s.recheckWork(o)*rate + s.recheckWork(s.base)*rb
		}
		secs = max(secs, c)
	}
	leader := 0
	for _, t := range s.ranked() {
		if t.Failed == "" {
			leader = t.Epochs
			consider(t, t.Epochs)
			break
		}
	}
	if s.flightEpochs >= leader {
		for _, id := range s.inFlight {
			consider(s.trials[id], s.flightEpochs)
		}
	}
	if math.IsNaN(secs) || secs <= 0 {
		return 0
	}
	return time.Duration(secs * float64(time.Second))
}

// selectionRuns is how many runs' time a selection run of o takes: with
// Options.AltHidden the alternatives train one after another beside the
// main run (see job.selection), so the longer of the two sides.
func selectionRuns(o Options) float64 {
	if o.ValSplit > 0 && len(o.AltHidden) > 0 && len(o.Layers) == 0 && o.Init == nil {
		return float64(len(o.AltHidden))
	}
	return 1
}

// finalWork is the work of Train(o) on all the rows, in rows × epochs of
// one training among Parallel: the selection run on the rows the
// validation split leaves, the refit on all rows, and the ensemble's
// other members, Parallel at a time. Patience may end a run sooner.
func (s *search) finalWork(o Options) float64 {
	n, epochs := float64(s.d.Len()), float64(o.Epochs)
	rows := n
	if o.ValSplit > 0 {
		rows = n * (1 - o.ValSplit)
	}
	work := rows * epochs * selectionRuns(o)
	if o.Refit && o.ValSplit > 0 {
		rows = n
		work += rows * epochs
	}
	if o.Ensemble > 1 && (o.EnsembleRows == 0 || s.d.Len() <= o.EnsembleRows) && o.Init == nil {
		work += float64(o.Ensemble-1) * rows * epochs / float64(s.to.Parallel)
	}
	return work
}

// recheckWork is the work of scoring o again on every fold as the recheck
// does (a selection run on a validation split, no refit, one network),
// Parallel trainings at a time.
func (s *search) recheckWork(o Options) float64 {
	rows := float64(s.d.Len()) * float64(s.to.Folds-1) / float64(s.to.Folds)
	if o.ValSplit > 0 {
		rows *= 1 - o.ValSplit
	}
	return float64(s.to.Folds) * rows * float64(o.Epochs) * selectionRuns(o) / float64(s.to.Parallel)
}
