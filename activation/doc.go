// Package activation holds the functions a layer applies to its sum of
// products (SOP): sigmoid, tanh, ReLU, leaky ReLU, identity, softmax,
// softplus and GELU.
//
// Each activation's Forward and Backward sit side by side in one file.
// Backward takes dLoss/dOutput and returns dLoss/dSOP through the chain
// rule; it is given both the SOP z and the output a = f(z), so each function
// uses whichever makes its derivative cheapest and exact (sigmoid uses
// a·(1−a), which is σ'(z), never σ'(a)). The loops themselves live in the
// internal kernel package, so faster versions can replace them without
// touching this package.
//
// Activations are described by a Spec (a name and, for leaky ReLU, a slope),
// which is what model files store and what the command line parses.
package activation
