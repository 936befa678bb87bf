package data

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// hugeLine is an io.Reader producing a header, one good row, then a line of
// n bytes of digits with no newline, made up as it is read.
type hugeLine struct {
	prefix string
	n      int64
	read   int64
}

func (h *hugeLine) Read(p []byte) (int, error) {
	if h.prefix != "" {
		k := copy(p, h.prefix)
		h.prefix = h.prefix[k:]
		return k, nil
	}
	if h.read >= h.n {
		return 0, io.EOF
	}
	k := int64(len(p))
	if rest := h.n - h.read; k > rest {
		k = rest
	}
	for i := range p[:k] {
		p[i] = '7'
	}
	h.read += k
	return int(k), nil
}

// TestLongLine feeds a lazily generated 1 GiB line and checks that the
// reader fails after reading about MaxRecordBytes, naming the line, without
// the heap growing anywhere near the line's size.
func TestLongLine(t *testing.T) {
	const gig = 1 << 30
	for _, limit := range []int{0, 1 << 20} {
		h := &hugeLine{prefix: "a,b\n1,2\n", n: gig}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := ReadCSV(h, "huge.csv", CSVOptions{MaxRecordBytes: limit})
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrRecordTooLong) || !strings.Contains(err.Error(), "huge.csv line 3") {
			t.Errorf("limit %d: error %v, want ErrRecordTooLong naming huge.csv line 3", limit, err)
		}
		want := int64(limit)
		if want == 0 {
			want = DefaultMaxRecordBytes
		}
		t.Logf("limit %d: %v after reading %d bytes, %d bytes allocated", limit, err, h.read, after.TotalAlloc-before.TotalAlloc)
		if h.read > 2*want {
			t.Errorf("limit %d: read %d bytes before failing, want at most %d", limit, h.read, 2*want)
		}
		// TotalAlloc counts every allocation, freed or not. encoding/csv
		// parses the partial line it holds when the read fails: its line
		// and record buffers each grow by doubling to the cap and the
		// fields are copied to a string, about 8× the cap in all. The bound
		// is what matters: 16× the cap, not the 1 GiB of the line.
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(16*want) {
			t.Errorf("limit %d: allocated %d bytes, want at most %d", limit, alloc, 16*want)
		}
	}
}

// TestLongQuotedRecord checks the cap on a record whose lines are short but
// whose quoted field runs on over many of them.
func TestLongQuotedRecord(t *testing.T) {
	body := "a,b\n1,\"" + strings.Repeat("x\n", 1<<16)
	_, _, err := ReadCSV(strings.NewReader(body), "q.csv", CSVOptions{MaxRecordBytes: 1 << 12})
	if !errors.Is(err, ErrRecordTooLong) || !strings.Contains(err.Error(), "q.csv line") {
		t.Errorf("error %v, want ErrRecordTooLong naming q.csv and a line", err)
	}
}

// TestSmallRecordCap checks that a small cap rejects only long records: a
// file of many short lines, far longer in all than the cap, loads.
func TestSmallRecordCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("a,b\n")
	for i := range 20000 {
		fmt.Fprintf(&b, "%d,%d\n", i, i%3)
	}
	d, _, err := ReadCSV(strings.NewReader(b.String()), "many.csv", CSVOptions{MaxRecordBytes: 64})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 20000 {
		t.Errorf("%d rows, want 20000", d.Len())
	}
	_, _, err = ReadCSV(strings.NewReader(b.String()+strings.Repeat("1", 65)+",1\n"), "many.csv", CSVOptions{MaxRecordBytes: 64})
	if !errors.Is(err, ErrRecordTooLong) || !strings.Contains(err.Error(), "many.csv line 20002:") || strings.Count(err.Error(), "many.csv") != 1 {
		t.Errorf("error %v, want ErrRecordTooLong naming many.csv line 20002 once", err)
	}
}
