// Package kernel holds the numeric routines every layer, activation and loss
// goes through: matrix products (Gemm) and element-wise loops over slices.
//
// Keeping them in one small package lets faster implementations (SIMD
// assembly, goroutine splitting) replace the portable Go code without
// touching the layers above. Every routine is generic over float32 and
// float64; the caller owns all memory, and no routine allocates.
//
// Results never depend on how many goroutines a routine uses: work is split
// by output rows, and each output element is always accumulated in the same
// order.
package kernel
