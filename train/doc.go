// Package train fits a network to a dataset by mini-batch gradient
// descent: Fit runs the epochs, shuffles, gathers mini-batches, steps an
// optimizer (package optim) with a learning-rate schedule (package
// schedule), scores every epoch on the training and validation data, stops
// early when asked, and returns a History of the run.
//
// A run is deterministic: shuffling and the validation split draw from
// math/rand/v2 sources derived from Config.Seed alone (never the global
// source), and the steps run on one goroutine, so the same seed, data and
// starting weights give bit-identical weights and history whatever
// GOMAXPROCS is.
//
// Fit never leaves a broken model behind. When the loss or a weight
// becomes NaN or ±Inf it stops with a *DivergenceError naming the epoch and
// step and puts back the last good weights; when its context is cancelled
// it returns at once, the model as the last completed step left it.
//
// Progress bars, live charts and the playground watch a run through
// Callbacks, called after every step and every epoch.
//
// Training a trained network again continues from its weights; to carry on
// with the optimizer's moments as well, pass the History.OptimizerState of
// the earlier run as Config.OptimizerState.
package train
