//go:build race

package kernel

// raceEnabled is set under the race detector, where sync.Pool drops items
// on purpose and allocation counts mean nothing.
const raceEnabled = true
