package playground

import "testing"

// BenchmarkState measures one state poll's work: grids, accuracy and
// weights of the default network.
func BenchmarkState(b *testing.B) {
	s := &session{}
	if err := s.reset(xorDefaults()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.state(false)
	}
}

// BenchmarkEpoch measures one training epoch of the default run.
func BenchmarkEpoch(b *testing.B) {
	s := &session{}
	if err := s.reset(xorDefaults()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		s.r.trainEpochs(1)
	}
}
