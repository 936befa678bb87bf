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
// Every layer implements the Layer interface (layer.go): Forward, Backward
// (which sets the parameters' gradients), Params, its input and output
// Shape, Spec and Clone; optional interfaces add a training/evaluation
// mode (Moded), saved untrained state (Stateful), fixed random draws for
// gradient checks (Randomized) and the explain trace (Traced). A
// LayerSpec names its kind (dense when empty, as in files written before
// kinds existed; dropout), and Build, reading one name → constructor
// registry, is the only place a layer is made. Every kind passes the
// conformance suite in conformance_test.go.
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
