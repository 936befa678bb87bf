package data

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadCSV checks that no input makes ReadCSV panic, and that whatever
// it accepts survives WriteCSV and a second ReadCSV with the same numbers.
// The seeds are the files of testdata and a column of IDs.
func FuzzReadCSV(f *testing.F) {
	paths, err := filepath.Glob("testdata/*.csv")
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(0))
	}
	// An ID-like text column, past the category limit below.
	f.Add([]byte(categoryBomb(100)), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, mode uint8) {
		opt := CSVOptions{
			Header:         HeaderMode(mode % 3),
			Missing:        MissingPolicy(mode / 3 % 5),
			MaxRecordBytes: 1 << 16,
			// Small limits, so that short inputs reach them.
			MaxCategories: 64,
			MaxCells:      1 << 16,
		}
		d, s, err := ReadCSV(bytes.NewReader(b), "fuzz.csv", opt)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("ReadCSV accepted data that does not validate: %v", err)
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("ReadCSV returned an invalid schema: %v", err)
		}
		if d.X.Cols != s.NumFeatures() {
			t.Fatalf("X has %d columns, schema %d", d.X.Cols, s.NumFeatures())
		}
		checkRoundTrip(t, d, s)
	})
}
