// Package parity holds no code: its tests compare descent's losses,
// activations and a plain SGD training run with values PyTorch computed
// (testdata/*.json, written by gen_loss.py), to 1e-9 in float64.
package parity
