// Package optim holds the optimizers that turn gradients into parameter
// updates: gradient descent, SGD, momentum, Nesterov, AdaGrad, RMSProp,
// Adam and AdamW. Each documents its exact update equations.
//
// An optimizer sees a network only through its ordered parameter list
// (nn.Network.Params) and keeps its per-parameter state indexed by position
// in that list, never by map order, so a run is reproducible and its state
// can be saved with a checkpoint and restored.
//
// Every optimizer works on the effective gradient g̃ = s·g + λ·w, where λ is
// the optional L2 coefficient (Common.L2) and s the optional clipping factor
// that bounds the global gradient norm (Common.ClipNorm); the gradients
// themselves are never modified. Arithmetic is done in float64 whatever the
// parameters' type, and the state is kept in float64. After the first
// step, which allocates the state, a step allocates nothing.
//
// Build an optimizer by name with New and a Config (the form a command line
// fills in), or use a type directly: every optimizer's zero value is ready,
// an unset (nil) field meaning its documented default and a set one, 0
// included, being used as given. Each default that differs from PyTorch's
// says so where it is declared (DefaultRho, DefaultMomentum).
//
//	opt, err := optim.New[float64](optim.Config{Name: "adam", Beta1: optim.Float(0)})
//	...
//	net.Gradient(l, x, y)
//	opt.Step(net.Params(), 0.001)
package optim
