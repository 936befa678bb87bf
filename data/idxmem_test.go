package data

import (
	"bytes"
	"runtime"
	"testing"
)

// TestReadIDXAllocatesTheDataOnce: reading an IDX file allocates its raw
// bytes once and the float64 elements once, not a chain of ever larger
// copies as io.ReadAll makes (about five times the file in all), so that
// loading MNIST does not peak far above the data it returns.
func TestReadIDXAllocatesTheDataOnce(t *testing.T) {
	const n = 4 << 20 // elements: large enough that buffers of fixed size do not count
	for _, gz := range []bool{false, true} {
		file := idxBytes(0x08, []int{n}, bytes.Repeat([]byte{7}, n))
		if gz {
			file = gzipBytes(t, file)
		}
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		x, err := ReadIDX(bytes.NewReader(file), "test.idx")
		runtime.ReadMemStats(&m1)
		if err != nil {
			t.Fatal(err)
		}
		if len(x.Data) != n {
			t.Fatalf("gzip %v: %d elements, want %d", gz, len(x.Data), n)
		}
		need := uint64(n + 8*n) // the raw bytes and the float64 elements
		got := m1.TotalAlloc - m0.TotalAlloc
		t.Logf("gzip %v: allocated %.1f MB for %.1f MB of bytes and elements", gz, float64(got)/1e6, float64(need)/1e6)
		if limit := need + need/10; got > limit {
			t.Errorf("gzip %v: ReadIDX allocated %d bytes, over %d: the raw bytes are copied as they grow", gz, got, limit)
		}
	}
}
