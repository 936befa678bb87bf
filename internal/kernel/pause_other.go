//go:build purego || !amd64

package kernel

// pause does nothing where there is no assembly; spinning loops just spin.
func pause() {}
