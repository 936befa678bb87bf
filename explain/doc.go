// Package explain turns one recorded training step (an nn.Trace) into the
// tutorial's story: for every neuron its sum of products (SOP) and
// activation, the error, and for every weight the chain of derivatives
// dE/dpred · dpred/dsop · dsop/dw, their product and the update
// old → new. The command line prints it as text or JSON; the playground
// shows it when a weight is clicked.
//
// Steps are explained for one sample at a time (batch size 1), so every
// number printed is a plain product of the numbers above it.
package explain
