//go:build race

package nn_test

// raceEnabled is set under the race detector, where sync.Pool drops items
// on purpose (the kernels pool their split jobs) and allocation counts mean
// nothing.
const raceEnabled = true
