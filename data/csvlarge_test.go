package data

import (
	"bufio"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// writeMNISTLikeCSV writes rows × (cols+1) integers like MNIST as CSV: a
// header, then cols pixel values (mostly 0, else 1..255) and a label 0..9.
func writeMNISTLikeCSV(path string, rows, cols int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	rng := rand.New(rand.NewPCG(1, 2))
	for j := range cols {
		w.WriteString("px" + strconv.Itoa(j) + ",")
	}
	w.WriteString("label\n")
	var buf []byte
	for range rows {
		buf = buf[:0]
		for range cols {
			v := 0
			if rng.IntN(5) == 0 { // about a fifth of MNIST's pixels are ink
				v = 1 + rng.IntN(255)
			}
			buf = strconv.AppendInt(buf, int64(v), 10)
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(buf, int64(rng.IntN(10)), 10)
		buf = append(buf, '\n')
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// TestLoadLargeCSV measures loading a 60000×785 CSV, the size of MNIST's
// training set. It is slow and memory-hungry, so it runs only when
// DESCENT_LARGE_CSV is set:
//
//	DESCENT_LARGE_CSV=1 go test -run LoadLargeCSV -v ./data/
//
// It loads the features in float32 (CSVOptions.Float32, as train does) and
// logs the load time and the heap; run the test binary under
// /usr/bin/time -v to see the peak resident memory of the whole process.
func TestLoadLargeCSV(t *testing.T) {
	if os.Getenv("DESCENT_LARGE_CSV") == "" {
		t.Skip("DESCENT_LARGE_CSV not set; this test writes and loads a 60000×785 CSV")
	}
	const rows, cols = 60000, 784
	path := filepath.Join(t.TempDir(), "mnist-like.csv")
	if err := writeMNISTLikeCSV(path, rows, cols); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := cpuTime()
	start := time.Now()
	d, _, err := LoadCSV(path, CSVOptions{Float32: true})
	elapsed := time.Since(start)
	cpu := cpuTime() - cpu0
	if err != nil {
		t.Fatal(err)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	peak := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(peak)
	if !d.Compact() {
		t.Fatal("whole-number pixels were not stored in float32")
	}
	final := 4*d.Len()*d.NumFeatures() + 8*d.Y.Rows*d.Y.Cols
	t.Logf("%d×%d file of %.0f MB loaded in %v wall, %v CPU (user+system, all threads) (%.0f MB/s)", rows, cols+1, float64(st.Size())/1e6, elapsed.Round(time.Millisecond), cpu.Round(time.Millisecond), float64(st.Size())/1e6/elapsed.Seconds())
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("final matrices %.0f MB (features in float32); allocated during load %.0f MB; heap in use now %.0f MB; heap obtained from the OS %.0f MB",
		float64(final)/1e6, float64(alloc)/1e6, float64(after.HeapInuse)/1e6, float64(after.HeapSys)/1e6)
	// The text, parsed once, and about the final matrices: see
	// TestLoadFloat32Memory. As float64 the load allocated 489 MB.
	if limit := uint64(st.Size()) + uint64(final)*5/4; alloc > limit {
		t.Errorf("loading allocated %d bytes, over %d: the text and the matrices", alloc, limit)
	}
	if d.Len() != rows || d.NumFeatures() != cols || d.Task != Classification || len(d.ClassNames) != 10 {
		t.Errorf("got %d×%d %v with %d classes", d.Len(), d.X.Cols, d.Task, len(d.ClassNames))
	}
}

// cpuTime returns the process's user plus system time so far; on a
// machine shared with other work it says more than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadCSV60000x785 loads the MNIST-sized CSV of TestLoadLargeCSV;
// the file is written once, outside the timing.
func BenchmarkLoadCSV60000x785(b *testing.B) {
	path := filepath.Join(b.TempDir(), "mnist-like.csv")
	if err := writeMNISTLikeCSV(path, 60000, 784); err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := LoadCSV(path, CSVOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
