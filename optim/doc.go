// Package optim holds the optimizers that turn gradients into parameter
// updates: gradient descent, SGD, momentum, Nesterov, AdaGrad, RMSProp,
// Adam and AdamW. Each documents its exact update equations.
//
// An optimizer sees a network only through its ordered parameter list
// (nn.Network.Params) and keeps its per-parameter state indexed by position
// in that list, never by map order, so a run is reproducible and its state
// can be saved with a checkpoint and restored.
package optim
