package kernel

// Float is the set of element types descent computes in.
type Float interface {
	~float32 | ~float64
}
