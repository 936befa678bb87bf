//go:build !js

package atomicfile

import "syscall"

// nonblock opens a FIFO without waiting for a writer (see ReadFile).
const nonblock = syscall.O_NONBLOCK
