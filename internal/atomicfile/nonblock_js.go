package atomicfile

// nonblock is 0 under GOOS=js, which has no FIFOs and no O_NONBLOCK: the
// playground's WebAssembly build links this package through model but
// never reads a file.
const nonblock = 0
