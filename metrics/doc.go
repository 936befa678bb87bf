// Package metrics scores predictions against true values: accuracy, a
// confusion matrix with per-class and macro-averaged precision, recall and
// F1, and log loss for classifiers; MSE, RMSE, MAE and R² for regression.
//
// All functions are pure: they read their arguments and allocate their
// results, nothing more.
//
// Conventions:
//
//   - Empty input gives NaN, the value of the 0/0 the metric would compute,
//     so that an empty validation set shows up as "NaN" rather than as a
//     perfect or a zero score.
//   - Arguments of different lengths are a programming mistake and panic
//     with a message starting "metrics: ".
//   - A class index outside 0…classes-1 can come from a model and a dataset
//     that do not belong together, so NewConfusionMatrix and LogLoss report
//     it as an error.
//   - Precision, recall and F1 follow scikit-learn with zero_division=0: a
//     class that is never predicted has precision 0, a class that never
//     occurs has recall 0, and F1 is 0 when precision + recall is 0.
package metrics
