// Package nn builds feed-forward networks of any shape and trains them by
// gradient descent, exactly as the classic tutorial derives it, on whole
// batches at once.
//
// A Dense layer computes its sum of products z = x·W + b and its output
// a = f(z); its Backward takes dLoss/da, applies the chain rule through f to
// get dLoss/dz, accumulates dLoss/dW = xᵀ·dLoss/dz and dLoss/db (the column
// sums of dLoss/dz), and returns dLoss/dx = dLoss/dz·Wᵀ for the layer below.
// A Network chains layers and exposes its parameters as an ordered list, the
// only link an optimizer needs.
//
// Every layer keeps its workspaces (z, a and the gradients) from one batch
// to the next, so after the first step of a given batch size a training
// step allocates nothing. A Network is therefore not safe for concurrent
// use; Clone gives each goroutine its own.
//
// For learners and for the explain command, a non-nil Network.Trace records
// every value one step computes: the SOPs and activations, the loss and its
// gradient, each chain-rule factor and each update. The normal path only
// checks that the pointer is nil.
package nn
