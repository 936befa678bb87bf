//go:build !purego

package kernel

// pause tells the CPU that the caller is spinning on a memory location (the
// PAUSE instruction), which saves power and lets the loop end without a
// memory-order stall when the location changes.
//
//go:noescape
func pause()
