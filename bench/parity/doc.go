// Package parity holds no code: its tests compare descent's losses,
// activations, batch normalisation and plain SGD training runs with
// values PyTorch computed (testdata/*.json, written by gen_loss.py and
// gen_batchnorm.py), to 1e-9 in float64.
package parity
