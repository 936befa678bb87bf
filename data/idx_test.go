package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// idxBytes encodes an IDX array of the given type from raw element bytes.
func idxBytes(typ byte, dims []int, raw []byte) []byte {
	b := []byte{0, 0, typ, byte(len(dims))}
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, raw...)
}

func gzipBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadIDX(t *testing.T) {
	be := binary.BigEndian
	tests := []struct {
		name string
		typ  byte
		dims []int
		raw  []byte
		want []float64
	}{
		{"ubyte", 0x08, []int{2, 2}, []byte{0, 1, 128, 255}, []float64{0, 1, 128, 255}},
		{"sbyte", 0x09, []int{3}, []byte{0xff, 0x80, 0x7f}, []float64{-1, -128, 127}},
		{"int16", 0x0B, []int{2}, be.AppendUint16(be.AppendUint16(nil, 0xfffe), 300), []float64{-2, 300}},
		{"int32", 0x0C, []int{1}, be.AppendUint32(nil, 0xffffffff), []float64{-1}},
		{"float32", 0x0D, []int{1}, be.AppendUint32(nil, 0x3fc00000), []float64{1.5}},
		{"float64", 0x0E, []int{1}, be.AppendUint64(nil, 0x400c000000000000), []float64{3.5}},
		{"empty", 0x08, []int{0, 28}, nil, []float64{}},
	}
	for _, tt := range tests {
		plain := idxBytes(tt.typ, tt.dims, tt.raw)
		for _, b := range [][]byte{plain, gzipBytes(t, plain)} {
			x, err := ReadIDX(bytes.NewReader(b), tt.name)
			if err != nil {
				t.Errorf("%s: %v", tt.name, err)
				continue
			}
			if x.Type != tt.typ || !reflect.DeepEqual(x.Dims, tt.dims) || !reflect.DeepEqual(x.Data, tt.want) {
				t.Errorf("%s: got type %#x dims %v data %v, want %#x %v %v", tt.name, x.Type, x.Dims, x.Data, tt.typ, tt.dims, tt.want)
			}
		}
	}
}

func TestReadIDXErrors(t *testing.T) {
	good := idxBytes(0x08, []int{2, 3}, []byte{1, 2, 3, 4, 5, 6})
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"empty", nil, "reading the IDX header: unexpected EOF"},
		{"short header", good[:6], "reading 2 IDX dimensions: unexpected EOF"},
		{"bad magic", append([]byte{1, 2}, good[2:]...), "not an IDX file"},
		{"bad type", append([]byte{0, 0, 0x07}, good[3:]...), "unknown IDX element type 0x07"},
		{"no dims", []byte{0, 0, 8, 0}, "no dimensions"},
		{"truncated", good[:len(good)-1], "truncated: header promises [2 3] elements (6 bytes) but the file holds 5 bytes"},
		{"trailing", append(good, 7), "data continues past"},
		{"huge", idxBytes(0x08, []int{1 << 30, 1 << 30}, nil), "IDX dimensions too large"},
		{"bad gzip", []byte{0x1f, 0x8b, 0, 0}, "gzip"},
		{"truncated gzip", gzipBytes(t, good)[:20], "unexpected EOF"},
	}
	for _, tt := range tests {
		_, err := ReadIDX(bytes.NewReader(tt.b), "f.idx")
		if err == nil || !strings.Contains(err.Error(), "f.idx") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one naming f.idx and containing %q", tt.name, err, tt.want)
		}
	}
}

// writeMNIST writes a small MNIST-style pair of files into dir.
func writeMNIST(t *testing.T, dir, prefix string, gz bool, n int, labels []byte) {
	t.Helper()
	pix := make([]byte, n*2*3)
	for i := range pix {
		pix[i] = byte(i * 51 % 256)
	}
	files := map[string][]byte{
		prefix + "-images-idx3-ubyte": idxBytes(0x08, []int{n, 2, 3}, pix),
		prefix + "-labels-idx1-ubyte": idxBytes(0x08, []int{len(labels)}, labels),
	}
	for name, b := range files {
		if gz {
			name += ".gz"
			b = gzipBytes(t, b)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLoadMNIST(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		writeMNIST(t, dir, "t10k", gz, 2, []byte{7, 0})
		d, err := LoadMNIST(dir, false)
		if err != nil {
			t.Fatal(err)
		}
		if d.Len() != 2 || d.X.Cols != 6 || d.Y.Cols != 10 || d.Class(0) != 7 || d.Class(1) != 0 || d.ClassNames[7] != "7" {
			t.Errorf("gz %v: got %d×%d, Y %d cols, classes %d %d", gz, d.Len(), d.X.Cols, d.Y.Cols, d.Class(0), d.Class(1))
		}
		if got, want := d.SampleShape, []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
			t.Errorf("gz %v: sample shape %v, want %v (one channel, rows, columns)", gz, got, want)
		}
		if got, want := d.X.At(0, 1), 51.0/255; got != want {
			t.Errorf("pixel = %v, want %v", got, want)
		}
		if err := d.Validate(); err != nil {
			t.Error(err)
		}
		if _, err := LoadMNIST(dir, true); err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte not found") {
			t.Errorf("missing training files: error %v", err)
		}
	}
	dir := t.TempDir()
	writeMNIST(t, dir, "train", false, 2, []byte{1, 2, 3})
	if _, err := LoadMNIST(dir, true); err == nil || !strings.Contains(err.Error(), "has 2 images but") {
		t.Errorf("count mismatch: error %v", err)
	}
	dir = t.TempDir()
	writeMNIST(t, dir, "train", false, 2, []byte{1, 10})
	if _, err := LoadMNIST(dir, true); err == nil || !strings.Contains(err.Error(), "train-labels-idx1-ubyte: label 1 is 10") {
		t.Errorf("bad label: error %v", err)
	}
}

// TestLoadMNISTReal loads the real files when DESCENT_MNIST_DIR names a
// folder holding them (scripts/fetch-mnist.sh prints one).
func TestLoadMNISTReal(t *testing.T) {
	dir := os.Getenv("DESCENT_MNIST_DIR")
	if dir == "" {
		t.Skip("DESCENT_MNIST_DIR not set; DESCENT_MNIST_DIR=$(scripts/fetch-mnist.sh) runs this test")
	}
	for _, tt := range []struct {
		train bool
		n     int
		first int
	}{{true, 60000, 5}, {false, 10000, 7}} {
		start := time.Now()
		d, err := LoadMNIST(dir, tt.train)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("train=%v: %d×%d in %v", tt.train, d.Len(), d.X.Cols, time.Since(start))
		if d.Len() != tt.n || d.X.Cols != 784 || d.Class(0) != tt.first {
			t.Errorf("train=%v: got %d×%d, first label %d; want %d×784, %d", tt.train, d.Len(), d.X.Cols, d.Class(0), tt.n, tt.first)
		}
		if err := d.Validate(); err != nil {
			t.Error(err)
		}
		lo, hi := 1.0, 0.0
		for _, v := range d.X.Values() {
			lo, hi = min(lo, v), max(hi, v)
		}
		if lo != 0 || hi != 1 {
			t.Errorf("pixels span [%v, %v], want [0, 1]", lo, hi)
		}
	}
}
