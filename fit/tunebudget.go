package fit

import (
	"context"
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

// watchBudget calls cancel once the time since the search started plus
// the reserved estimate reaches the budget; the returned function stops
// the watcher.
func (s *search) watchBudget(cancel context.CancelFunc) (stop func()) {
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
					cancel()
					return
				}
			}
		}
	}()
	s.stopSearch = cancel
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
	s.reserved.Store(int64(s.leftAfterSearch()))
	// A new estimate can spend the budget at once: stop now rather than
	// at the watcher's next tick.
	if s.stopSearch != nil && s.budgetSpent() {
		s.stopSearch()
	}
}

// leftAfterSearch estimates the time the recheck and the final training
// would take if the search stopped now: the final training of the best
// candidate so far or of the base options, whichever costs more, and,
// when the best is not the base, the recheck of both.
func (s *search) leftAfterSearch() time.Duration {
	rateBase, haveBase := s.rates[0]
	var secs float64
	if haveBase {
		secs = s.finalWork(s.base) * rateBase
	}
	for _, t := range s.ranked() {
		if t.Failed != "" {
			continue
		}
		rate, ok := s.rates[t.ID]
		if t.ID == 0 || !ok {
			break
		}
		if !haveBase {
			rateBase = rate
		}
		o := t.apply(s.base)
		secs = max(secs, s.finalWork(o)*rate)
		if s.to.BaseMargin >= 0 {
			secs += s.recheckWork(o)*rate + s.recheckWork(s.base)*rateBase
		}
		break
	}
	if math.IsNaN(secs) || secs <= 0 {
		return 0
	}
	return time.Duration(secs * float64(time.Second))
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
	work := rows * epochs
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
// does (a validation split, no refit, one network), Parallel trainings at
// a time.
func (s *search) recheckWork(o Options) float64 {
	rows := float64(s.d.Len()) * float64(s.to.Folds-1) / float64(s.to.Folds)
	if o.ValSplit > 0 {
		rows *= 1 - o.ValSplit
	}
	return float64(s.to.Folds) * rows * float64(o.Epochs) / float64(s.to.Parallel)
}
