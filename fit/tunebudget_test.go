package fit

import (
	"context"
	"math"
	"testing"
	"time"
)

// TestTuneBudgetKeepsTimeForTheEnd: with a budget, the search stops
// early enough to leave its estimate of the recheck and the final
// training. Final options of a million epochs on an ensemble of 8 cost
// hours, far more than a 20-second budget, so the search stops as soon as
// it has measured the base options' speed, long before the budget.
func TestTuneBudgetKeepsTimeForTheEnd(t *testing.T) {
	d, schema := iris(t)
	base := Defaults()
	base.Epochs = 1_000_000
	to := tiny(2)
	to.Budget = 20 * time.Second
	res, err := Tune(context.Background(), d, schema, base, to)
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != "budget" || res.Reserved <= 0 {
		t.Fatalf("stopped %q with %v reserved; want budget and a positive reserve", res.Stopped, res.Reserved)
	}
	if res.Elapsed >= to.Budget || res.Elapsed+res.Reserved < to.Budget {
		t.Errorf("search %v with %v reserved for a budget of %v: want the search to stop before the budget, when the two reach it", res.Elapsed, res.Reserved, to.Budget)
	}
	if res.Brackets != 1 {
		t.Errorf("%d brackets: want the first one only", res.Brackets)
	}
}

// TestFinalWork: the estimate of the final training counts the selection
// run on the rows the validation split leaves (three runs' time with
// three alternative layouts beside it), the refit on all of them,
// and the ensemble's other members Parallel at a time, none past
// EnsembleRows; the recheck trains every fold once, Parallel at a time.
func TestFinalWork(t *testing.T) {
	s := &search{d: linear(1000, 2), to: TuneOptions{Folds: 5, Parallel: 2}}
	o := Defaults() // 128 epochs, 20 % validation, refit, ensemble of 8
	want := 800.0*128 + 1000*128 + 7*1000*128/2.0
	if got := s.finalWork(o); !near(got, want) {
		t.Errorf("defaults: %v row-epochs, want %v", got, want)
	}
	o.EnsembleRows = 999
	if got, want := s.finalWork(o), 800.0*128+1000*128; !near(got, want) {
		t.Errorf("more rows than EnsembleRows: %v, want %v (no ensemble)", got, want)
	}
	o.Refit, o.Ensemble = false, 4
	o.EnsembleRows = 0
	if got, want := s.finalWork(o), 800.0*128+3*800*128/2.0; !near(got, want) {
		t.Errorf("no refit, ensemble of 4: %v, want %v (members on the selection run's rows)", got, want)
	}
	if got, want := s.recheckWork(Defaults()), 5*(800*0.8)*128/2.0; !near(got, want) {
		t.Errorf("recheck: %v, want %v", got, want)
	}
	// Three alternative layouts train one after another beside the
	// selection run: three runs' time.
	alt := Defaults()
	alt.AltHidden = [][]int{{64}, {256}, {128, 128}}
	if got, want := s.finalWork(alt), 3*800.0*128+1000*128+7*1000*128/2.0; !near(got, want) {
		t.Errorf("three alternatives: %v row-epochs, want %v", got, want)
	}
	if got, want := s.recheckWork(alt), 3*5*(800*0.8)*128/2.0; !near(got, want) {
		t.Errorf("recheck with three alternatives: %v, want %v", got, want)
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }

// TestReserveCountsCandidatesInFlight: the estimate of what is left after
// the search covers a candidate in flight that would rank above the best
// so far once scored (more epochs), from the speed of its last rung, so
// that a costly candidate stops the search before it starts, not after
// it ends; one that trains fewer epochs than the best does not count.
func TestReserveCountsCandidatesInFlight(t *testing.T) {
	s := &search{d: linear(1000, 2), base: Defaults(), to: TuneOptions{Folds: 5, Parallel: 2, BaseMargin: 1}}
	s.trials = []Trial{
		{ID: 0, Epochs: 27, Score: 0.9},
		{ID: 1, Epochs: 9, Score: 0.8, LearningRate: 0.003, Hidden: []int{512, 512}, BatchSize: 32},
	}
	s.rates = map[int]float64{0: 1e-6, 1: 1e-5}
	base := s.finalWork(s.base) * 1e-6
	sec := func(v float64) time.Duration { return time.Duration(v * float64(time.Second)) }
	if got, want := s.leftAfterSearch(), sec(base); got != want {
		t.Errorf("the base leading, nothing in flight: %v, want the base's final training, %v", got, want)
	}
	s.inFlight, s.flightEpochs = []int{0, 1}, 81
	c := s.trials[1]
	c.Epochs = 81
	o := c.apply(s.base)
	want := sec(max(base, s.finalWork(o)*1e-5) + s.recheckWork(o)*1e-5 + s.recheckWork(s.base)*1e-6)
	if got := s.leftAfterSearch(); got != want || got <= sec(base) {
		t.Errorf("candidate 1 in flight at 81 epochs: %v, want %v (its final training and both rechecks)", got, want)
	}
	s.flightEpochs = 3
	if got, want := s.leftAfterSearch(), sec(base); got != want {
		t.Errorf("candidate 1 in flight at 3 epochs, fewer than the best's 27: %v, want %v", got, want)
	}
}
