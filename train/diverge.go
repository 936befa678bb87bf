package train

import "fmt"

// DivergenceError reports that training blew up: the loss or a weight
// became NaN or infinite.
type DivergenceError struct {
	// Epoch and Step locate the step that diverged, both from 1.
	Epoch, Step int
	// Problem says what went wrong, e.g. "loss is +Inf".
	Problem string
	// LearningRate is the rate in use at the time.
	LearningRate float64
}

// Error returns e.g. "diverged at epoch 3, step 17: loss is +Inf; the
// learning rate (0.5) is probably too high — try 0.05".
func (e *DivergenceError) Error() string {
	return fmt.Sprintf("diverged at epoch %d, step %d: %s; the learning rate (%g) is probably too high — try %g",
		e.Epoch, e.Step, e.Problem, e.LearningRate, e.LearningRate/10)
}
