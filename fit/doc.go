// Package fit is descent's whole training pipeline in one call: data in
// (a CSV file or a data.Dataset), a trained, saved-ready model.Model out,
// with its preprocessing inside. The command line's train and tune
// commands and the playground call it; a Go program can too:
//
//	res, err := fit.TrainCSV(ctx, "iris.csv", data.CSVOptions{Targets: []string{"species"}}, fit.Defaults())
//	...
//	model.Save("iris.json", res.Model, model.JSON)
//
// # Defaults
//
// Defaults gives settings chosen to work well on tabular data without
// tuning, taken from RealMLP-TD (Holzmüller et al., "Better by Default",
// 2024) where they fit a plain dense network and measured against
// scikit-learn's MLP on a suite of data sets (bench/tabular):
//
//   - robust feature scaling (median, interquartile range) with smooth
//     clipping, so that outliers cannot squash a column;
//   - regression targets standardised for training and mapped back in
//     the model, so that the loss starts near 1 whatever the units;
//   - an ensemble of 8 networks of one hidden layer of 128 (deeper ones
//     did no better on the suite and cost more), refit from different
//     seeds and averaged, stored as one network of 8×128 units that
//     computes exactly that average (on data of up to 10,000 rows; one
//     network beyond); Adam with β2 = 0.95, a small L2 penalty,
//     the learning rate held flat for half the run and then annealed along
//     a half cosine, and label smoothing 0.1;
//   - the epoch chosen on a stratified 20 % validation split by the
//     validation loss (for classification too: on a small split accuracy
//     moves in coarse steps, the loss does not), then a refit on every
//     row for that many epochs along the same schedule, so that no row is
//     wasted.
//
// # Determinism
//
// The seed decides the split, the weights and the shuffling; the same seed
// and data give the same model bit for bit at any GOMAXPROCS.
package fit
