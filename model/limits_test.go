package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/descent-ml/descent/internal/errtext"
)

// allocated returns how many bytes f allocates: an upper bound on the
// memory it can hold at once, which is what a hostile file attacks.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func writeTemp(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLoadSizeLimit checks that a file larger than the limit is refused
// before it is read, with an error naming the option that raises it.
func TestLoadSizeLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		load func(string, LoadOptions) error
	}{
		{"model.json", encoded(t, classifier(t), JSON), func(p string, o LoadOptions) error { _, err := LoadWith(p, o); return err }},
		{"ckpt.bin", encodedCheckpoint(t, checkpoint(t), Binary), func(p string, o LoadOptions) error { _, err := LoadCheckpointWith(p, o); return err }},
	} {
		path := writeTemp(t, tc.name, tc.b)
		size := int64(len(tc.b))
		if err := tc.load(path, LoadOptions{MaxFileSize: size}); err != nil {
			t.Errorf("%s at its own size as the limit: %v", tc.name, err)
		}
		err := tc.load(path, LoadOptions{MaxFileSize: size - 1})
		if err == nil || !strings.Contains(err.Error(), "LoadOptions.MaxFileSize") || !strings.Contains(err.Error(), "more than the limit") {
			t.Errorf("%s over the limit: error %v, want one naming the limit and LoadOptions.MaxFileSize", tc.name, err)
		}
	}
}

// TestLoadRefusesAtHead checks that a large file of zeros, the probe's
// 2 GB file in small, is refused from its first bytes: before, Load read
// all of it first.
func TestLoadRefusesAtHead(t *testing.T) {
	const size = 64 << 20
	path := filepath.Join(t.TempDir(), "zeros")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func() error{
		func() error { _, err := Load(path); return err },
		func() error { _, err := LoadCheckpoint(path); return err },
	} {
		var err error
		alloc := allocated(func() { err = load() })
		if !errors.Is(err, ErrNotModel) || !strings.Contains(err.Error(), `starts with "\x00`) {
			t.Errorf("error %v, want ErrNotModel saying what it starts with", err)
		}
		if alloc > 1<<20 {
			t.Errorf("refusing a %d-byte file of zeros allocated %d bytes, want under 1 MiB", size, alloc)
		}
	}
}

// TestJSONValuesBounded feeds a model whose first weight matrix lists
// far more values than its shape: the numbers must not be decoded before
// the count is checked (encoding/json would spend 16 bytes on each
// two-byte "0,").
func TestJSONValuesBounded(t *testing.T) {
	extra := strings.Repeat("0,", 4<<20)
	b := replaceOnce(t, encoded(t, classifier(t), JSON), `"values": [`, `"values": [`+extra)
	var err error
	alloc := allocated(func() { _, err = Decode(bytes.NewReader(b), "m.json") })
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "more than the 15 values its shape needs") {
		t.Errorf("error %v, want ErrInvalid saying there are more values than the shape needs", err)
	}
	if limit := 8 * uint64(len(b)); alloc > limit {
		t.Errorf("decoding a %d-byte model allocated %d bytes, want at most %d (8× the file)", len(b), alloc, limit)
	}
}

// TestCheckpointSlotsBounded checks that the number of optimizer buffers
// a checkpoint declares, or lists, is checked against the bytes, the
// model and MaxOptimizerSlots before anything is allocated for them (the
// probe's 100 MB file made the reader allocate 1.5 GB).
func TestCheckpointSlotsBounded(t *testing.T) {
	bin := encodedCheckpoint(t, checkpoint(t), Binary)
	hlen := int(binary.LittleEndian.Uint32(bin[12:]))
	header := replaceOnce(t, bin[fixedLen:fixedLen+hlen], `"num_slots":2`, `"num_slots":10000000`)
	var crafted []byte
	crafted = append(crafted, bin[:fixedLen]...)
	binary.LittleEndian.PutUint32(crafted[12:], uint32(len(header)))
	crafted = append(crafted, header...)
	crafted = append(crafted, bin[fixedLen+hlen:len(bin)-4]...)
	crafted = append(crafted, make([]byte, 10_000_000+4)...)
	crafted = reseal(crafted)

	// 3 million empty buffers, and one buffer of 3 million empty
	// parameter lists (the first is refused for its length).
	js := encodedCheckpoint(t, checkpoint(t), JSON)
	manySlots := replaceOnce(t, js, `"optimizer_slots": [`, `"optimizer_slots": [`+strings.Repeat("[],", 3_000_000))
	manyParams := replaceOnce(t, js, `"optimizer_slots": [`, `"optimizer_slots": [[`+strings.Repeat("[],", 3_000_000)+"[]],")

	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"binary num_slots", crafted, "10000000 optimizer buffers; a checkpoint holds 0 to 16"},
		{"JSON buffers", manySlots, "more than 16 optimizer buffers"},
		{"JSON parameters", manyParams, "optimizer buffer 1 for layer1.weight"},
	} {
		var err error
		alloc := allocated(func() { _, err = DecodeCheckpoint(bytes.NewReader(tc.b), "c") })
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrInvalid mentioning %q", tc.name, err, tc.want)
		}
		if limit := 8 * uint64(len(tc.b)); alloc > limit {
			t.Errorf("%s: decoding a %d-byte checkpoint allocated %d bytes, want at most %d (8× the file)", tc.name, len(tc.b), alloc, limit)
		}
	}
	// A binary checkpoint whose buffers do not fill the bytes exactly.
	short := bytes.Clone(bin[:len(bin)-4-8])
	if _, err := DecodeCheckpoint(bytes.NewReader(reseal(append(short, 0, 0, 0, 0))), "c"); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "the file has") {
		t.Errorf("short buffers: error %v, want ErrInvalid comparing the sizes", err)
	}
}

// TestErrorsShort checks that an error about a huge field quotes only an
// excerpt of it: a weight of ten million digits gave a 10 MB error line.
func TestErrorsShort(t *testing.T) {
	mj := encoded(t, classifier(t), JSON)
	long := strings.Repeat("7", 10_000_000)
	for _, tc := range []struct {
		name string
		b    []byte
		is   error
		want string
	}{
		{"long number", replaceOnce(t, mj, `"values": [`, `"values": [`+long+","), ErrInvalid, "element 0: " + errtext.Excerpt(long) + " is not a finite float64"},
		{"long string value", replaceOnce(t, mj, `"values": [`, `"values": ["`+long+`",`), ErrInvalid, "is not a number"},
		{"long format", replaceOnce(t, mj, `"descent-model"`, `"`+long+`"`), ErrNotModel, "format"},
		{"long name", replaceOnce(t, mj, `"layer1.weight"`, `"`+long+`"`), ErrInvalid, "the architecture needs layer1.weight"},
		{"long checksum", replaceOnce(t, mj, `"sha256": "`, `"sha256": "`+long), ErrChecksum, "sha256 is 7777"},
		{"long task", replaceOnce(t, mj, `"task": "classification"`, `"task": "`+long+`"`), ErrInvalid, "unknown task"},
		{"long loss", replaceOnce(t, mj, `"loss": "`, `"loss": "`+long), ErrInvalid, "loss"},
	} {
		_, err := Decode(bytes.NewReader(tc.b), "m.json")
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if n := len(err.Error()); n > 2*errtext.MaxLen {
			t.Errorf("%s: error of %d bytes, want at most %d", tc.name, n, 2*errtext.MaxLen)
		}
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "m.json: ") {
			t.Errorf("%s: error %.300q, want %v mentioning %q", tc.name, err, tc.is, tc.want)
		}
	}
}
