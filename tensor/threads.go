package tensor

import "github.com/descent-ml/descent/internal/kernel"

// SetThreads sets how many goroutines one matrix product or long
// element-wise loop may use, for every network in the process; n <= 0
// means runtime.GOMAXPROCS(0), the default. Results are bit-identical
// whatever the setting.
//
// Helper goroutines keep a core busy for up to 200 µs after each split
// job, waiting for the next, as OpenMP runtimes do by default: that is what
// makes splitting a training step's short products pay. A service that
// trains now and then beside other work can call SetThreads(1) to keep all
// the work on the calling goroutine.
func SetThreads(n int) { kernel.SetWorkers(n) }

// Threads returns how many goroutines one product or loop may use.
func Threads() int { return kernel.Workers() }
