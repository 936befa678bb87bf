// Package gradcheck compares a network's analytic gradients, from its
// backward pass, with central finite differences of its loss.
//
// For every parameter element w it evaluates the loss at w+h and w−h and
// takes (L(w+h) − L(w−h)) / 2h as the numeric gradient, then reports per
// parameter tensor the worst relative error
//
//	|analytic − numeric| / max(|analytic|, |numeric|, Floor)
//
// The floor keeps gradients that are zero in exact arithmetic, where both
// values are rounding noise, from reading as a 100% error. Run it in
// float64: in float32 the finite differences themselves are too coarse.
// Every layer, activation and loss in descent is tested through Check.
package gradcheck
