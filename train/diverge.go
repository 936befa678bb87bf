package train

import "fmt"

// DivergenceError reports that training blew up: the loss, a weight or a
// value in the optimizer's state became NaN or infinite, or the monitored
// loss grew past Config.DivergeFactor times that of the starting weights.
type DivergenceError struct {
	// Epoch and Step locate the step that diverged, both from 1.
	Epoch, Step int
	// Problem says what went wrong, e.g. "loss is +Inf".
	Problem string
	// LearningRate is the rate in use at the time, and Optimizer the
	// optimizer's name: the likely cause is a rate too high for it.
	LearningRate float64
	Optimizer    string
	// Suggested is a rate to try instead: a tenth of LearningRate, or the
	// optimizer's default rate when LearningRate is more than ten times
	// that.
	Suggested float64
}

// Error returns e.g. "diverged at epoch 3, step 17: loss is +Inf; the
// learning rate (0.5) is probably too high for sgd — try 0.05".
func (e *DivergenceError) Error() string {
	forOpt := ""
	if e.Optimizer != "" {
		forOpt = " for " + e.Optimizer
	}
	suggested := e.Suggested
	if suggested == 0 {
		suggested = e.LearningRate / 10
	}
	return fmt.Sprintf("diverged at epoch %d, step %d: %s; the learning rate (%g) is probably too high%s — try %g",
		e.Epoch, e.Step, e.Problem, e.LearningRate, forOpt, suggested)
}
