// Package data brings real files into descent: CSV tables and MNIST-style
// IDX files become a Dataset, with clear errors (file, line, column) for
// anything malformed. It also splits data (train/test, k-fold, stratified)
// and holds the preprocessing (standardisation, min-max scaling, label
// encoding) that is fitted on training data and saved with a model.
package data
