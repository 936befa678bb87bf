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

// categoryBomb returns the CSV: a numeric column, a text column
// whose every value is new (an ID), and a two-class target.
func categoryBomb(rows int) string {
	var b strings.Builder
	b.WriteString("x,cat,y\n")
	for i := range rows {
		y := "b"
		if i%2 == 1 {
			y = "a"
		}
		fmt.Fprintf(&b, "0,k%d,%s\n", i, y)
	}
	return b.String()
}

// TestCategoryBomb checks that a text column with a new value on every row
// is refused at the first value past the limit, naming the column, without
// building the rows × categories one-hot matrix: 5,000 rows would have made
// 200 MB of it, the 60,000 rows 29 GB.
func TestCategoryBomb(t *testing.T) {
	body := categoryBomb(5000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, _, err := ReadCSV(strings.NewReader(body), "bomb.csv", CSVOptions{})
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("%v; %d bytes allocated", err, alloc)
	var le *LimitError
	if !errors.Is(err, ErrTooLarge) || !errors.As(err, &le) || le.Option != "MaxCategories" {
		t.Fatalf("error %v, want a MaxCategories LimitError wrapping ErrTooLarge", err)
	}
	for _, want := range []string{`bomb.csv line 1002, column "cat" (2)`, "1001 distinct values", "over the limit of 1000", "MaxCategories", "ID or free-text"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	// What the first thousand rows cost to read, with room to spare; far
	// below the one-hot matrix.
	if alloc > 4<<20 {
		t.Errorf("allocated %d bytes, want at most %d", alloc, 4<<20)
	}
}

// TestSizeLimits checks each limit of CSVOptions at its edge: the largest
// file within it loads, one more category, column or row is refused.
func TestSizeLimits(t *testing.T) {
	cats := func(n int) string { // one categorical feature with n values
		var b strings.Builder
		b.WriteString("c,y\n")
		for i := range n {
			fmt.Fprintf(&b, "v%d,%d\n", i, i%2)
		}
		return b.String()
	}
	classes := func(n int) string { // a numeric target with n labels
		var b strings.Builder
		b.WriteString("x,y\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,%d\n", i, i)
		}
		return b.String()
	}
	wide := func(n int) string { // n numeric features, 2 rows
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "f%d,", i)
		}
		b.WriteString("y\n")
		for r := range 2 {
			b.WriteString(strings.Repeat("1,", n))
			fmt.Fprintf(&b, "%d\n", r)
		}
		return b.String()
	}
	rows := func(n int) string { // 2 numeric features, n rows
		var b strings.Builder
		b.WriteString("a,b,y\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,1,%d.5\n", i, i)
		}
		return b.String()
	}
	tests := []struct {
		name, body string
		opt        CSVOptions
		option     string // "" when the file must load
		where      string
	}{
		{"categories at the limit", cats(10), CSVOptions{MaxCategories: 10}, "", ""},
		{"one category too many", cats(11), CSVOptions{MaxCategories: 10}, "MaxCategories", `line 12, column "c" (1)`},
		{"text classes", strings.Replace(cats(11), "c,y", "y,c", 1), CSVOptions{MaxCategories: 10, Targets: []string{"y"}}, "MaxCategories", "11 classes"},
		{"numeric classes", classes(11), CSVOptions{MaxCategories: 10, Task: ClassificationTask}, "MaxCategories", `column "y" (2): too large: 11 classes`},
		{"numeric regression target", classes(11), CSVOptions{MaxCategories: 10}, "", ""},
		{"one-hot features", cats(11), CSVOptions{MaxFeatures: 10}, "MaxFeatures", `line 12, column "c"`},
		{"features at the limit", wide(10), CSVOptions{MaxFeatures: 10}, "", ""},
		{"numeric features", wide(11), CSVOptions{MaxFeatures: 10}, "MaxFeatures", "11 feature columns"},
		{"cells at the limit", rows(10), CSVOptions{MaxCells: 30}, "", ""},
		{"one row too many", rows(11), CSVOptions{MaxCells: 30}, "MaxCells", "line 12: too large: 33 values (11 rows × 3 columns"},
		{"class columns", classes(10), CSVOptions{MaxCells: 100, Task: ClassificationTask}, "MaxCells", "10 rows × 11 columns"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ReadCSV(strings.NewReader(tc.body), "f.csv", tc.opt)
			if tc.option == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			var le *LimitError
			if !errors.Is(err, ErrTooLarge) || !errors.As(err, &le) || le.Option != tc.option || !strings.Contains(err.Error(), tc.where) {
				t.Errorf("error %v, want a %s LimitError saying %q", err, tc.option, tc.where)
			}
		})
	}
}

// TestSizeLimitsWithSchema checks that reading with a schema, whose
// columns are fixed, still caps the rows.
func TestSizeLimitsWithSchema(t *testing.T) {
	_, s, err := ReadCSV(strings.NewReader("a,b,y\n1,2,3.5\n2,3,4.5\n"), "train.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	body := "a,b,y\n" + strings.Repeat("1,2,3.5\n", 11)
	if _, err := ReadCSVWithSchema(strings.NewReader(body), "new.csv", s, CSVOptions{MaxCells: 33}); err != nil {
		t.Errorf("11 rows × 3 with MaxCells 33: %v", err)
	}
	_, err = ReadCSVWithSchema(strings.NewReader(body), "new.csv", s, CSVOptions{MaxCells: 32})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("11 rows × 3 with MaxCells 32: error %v, want ErrTooLarge", err)
	}
}

// TestDefaultLimitsFitMNIST checks that the defaults leave room for MNIST
// as a CSV: 784 pixel features, 60,000 rows, ten one-hot classes.
func TestDefaultLimitsFitMNIST(t *testing.T) {
	if DefaultMaxFeatures < 784 || DefaultMaxCells < 60000*(784+10) {
		t.Errorf("defaults %d features, %d cells cannot hold MNIST", DefaultMaxFeatures, DefaultMaxCells)
	}
}

// TestErrorsQuoteExcerpts checks that an error quotes at most a short
// excerpt of a huge cell or name, with its length, so that one bad cell of
// ten million digits makes a one-line message, not a ten-megabyte one.
func TestErrorsQuoteExcerpts(t *testing.T) {
	digits := strings.Repeat("7", 10_000_000)
	text := strings.Repeat("é", 1_000_000) // cut at a character boundary
	_, s, err := ReadCSV(strings.NewReader("a,c,y\n1,u,2\n3,v,4\n"), "train.csv", CSVOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		read func() error
		want string
	}{
		{"ten million digits", func() error {
			_, _, err := ReadCSV(strings.NewReader("a,y\n1,2\n"+digits+",3\n"), "f.csv", CSVOptions{})
			return err
		}, `"7777777777777777777777777777777777777777…(10000000 bytes)" is not a finite number`},
		{"long text in a numeric column", func() error {
			_, _, err := ReadCSV(strings.NewReader("a,y\n1,2\n"+text+",3\n"), "f.csv", CSVOptions{})
			return err
		}, `…(2000000 bytes)" is not a number`},
		{"long header name", func() error {
			_, _, err := ReadCSV(strings.NewReader(digits+"x,y\n,1\n2,3\n"), "f.csv", CSVOptions{})
			return err
		}, `…(10000001 bytes)"`},
		{"long target name not found", func() error {
			_, _, err := ReadCSV(strings.NewReader("a,y\n1,2\n"), "f.csv", CSVOptions{Targets: []string{text}})
			return err
		}, `…(2000000 bytes)" not found`},
		{"long unknown category", func() error {
			_, err := ReadCSVWithSchema(strings.NewReader("a,c,y\n1,"+text+",2\n"), "new.csv", s, CSVOptions{})
			return err
		}, `…(2000000 bytes)" was not in the training data`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read()
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if len(msg) > 300 || !strings.Contains(msg, tc.want) {
				t.Errorf("error of %d bytes %.400q, want at most 300 saying %q", len(msg), msg, tc.want)
			}
		})
	}
}

// TestErrorListsAreShort checks that a column not found among very many
// lists only the first of them.
func TestErrorListsAreShort(t *testing.T) {
	var b strings.Builder
	for i := range 100_000 {
		fmt.Fprintf(&b, "c%d,", i)
	}
	b.WriteString("y\n" + strings.Repeat("1,", 100_000) + "2\n")
	_, _, err := ReadCSV(strings.NewReader(b.String()), "wide.csv", CSVOptions{Targets: []string{"z"}})
	if err == nil || len(err.Error()) > 1000 || !strings.Contains(err.Error(), "(100001 in all)") {
		t.Errorf("error of %d bytes, want a short one ending (100001 in all): %.300v", len(fmt.Sprint(err)), err)
	}
}
