// Package tensor provides the dense row-major matrix every part of descent
// computes on, generic over float32 and float64, and the few operations a
// feed-forward network needs (products, bias broadcast, column sums).
//
// A batch of samples is a Matrix with one sample per row. The operations
// write into matrices the caller owns and never allocate, so a training
// step can reuse the same memory every time. Shape mistakes are programming
// errors and panic with a "tensor:" message.
package tensor
