package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/optim"
)

var update = flag.Bool("update", false, "rewrite the files in testdata")

// checkpoint returns a checkpoint of the classifier with Adam-like state.
func checkpoint(t testing.TB) *Checkpoint {
	m := classifier(t)
	st := optim.State{Name: "adam", Step: 42}
	for k := range 2 {
		var slot [][]float64
		for _, p := range m.Params {
			s := make([]float64, len(p.Values))
			for j := range s {
				s[j] = float64(k+1) * p.Values[j] / 3
			}
			slot = append(slot, s)
		}
		st.Slots = append(st.Slots, slot)
	}
	return &Checkpoint{Model: m, Optimizer: st, Epoch: 7, History: []byte(`[{"epoch":1,"loss":0.9},{"epoch":2,"loss":0.5}]`)}
}

func encoded(t testing.TB, m *Model, f Format) []byte {
	var b bytes.Buffer
	if err := Encode(&b, m, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodedCheckpoint(t testing.TB, c *Checkpoint, f Format) []byte {
	var b bytes.Buffer
	if err := EncodeCheckpoint(&b, c, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// replaceOnce replaces the first old in b by new, failing when absent.
func replaceOnce(t testing.TB, b []byte, old, new string) []byte {
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%q not found", old)
	}
	return bytes.Replace(b, []byte(old), []byte(new), 1)
}

// reseal recomputes a binary file's CRC after a deliberate change.
func reseal(b []byte) []byte {
	b = bytes.Clone(b)
	end := len(b) - 4
	binary.LittleEndian.PutUint32(b[end:], crc32.ChecksumIEEE(b[:end]))
	return b
}

// corpus returns the test files by name: good models and checkpoints,
// and under bad/ one file for each way a model file can be wrong.
func corpus(t testing.TB) map[string][]byte {
	mj := encoded(t, classifier(t), JSON)
	mb := encoded(t, classifier(t), Binary)
	m32 := binary32(t)
	bin32 := encoded(t, m32, Binary)
	headerLen := int(binary.LittleEndian.Uint32(bin32[12:]))
	nan := bytes.Clone(bin32)
	binary.LittleEndian.PutUint32(nan[fixedLen+headerLen+8:], math.Float32bits(float32(math.NaN())))
	future := bytes.Clone(mb)
	binary.LittleEndian.PutUint32(future[8:], 3)
	corrupt := bytes.Clone(mb)
	corrupt[len(corrupt)-40] ^= 0x10
	valuesAt := bytes.Index(mj, []byte(`"values": [`)) + len(`"values": [`)
	digit := valuesAt + bytes.IndexAny(mj[valuesAt:], "123456789")
	corruptJSON := bytes.Clone(mj)
	corruptJSON[digit] = "21"[min(1, int(corruptJSON[digit]-'1'))]
	cj := encoded(t, convModel(t), JSON)
	return map[string][]byte{
		"model.json":      mj,
		"model.bin":       mb,
		"model32.json":    encoded(t, m32, JSON),
		"model32.bin":     bin32,
		"checkpoint.json": encodedCheckpoint(t, checkpoint(t), JSON),
		"checkpoint.bin":  encodedCheckpoint(t, checkpoint(t), Binary),
		"batchnorm.json":  encoded(t, batchNormModel(t), JSON),
		"batchnorm.bin":   encoded(t, batchNormModel(t), Binary),
		"conv.json":       cj,
		"conv.bin":        encoded(t, convModel(t), Binary),

		"bad/empty.json":         nil,
		"bad/blank.json":         []byte(" \n\t\n"),
		"bad/text.txt":           []byte("weights: 1 2 3\n"),
		"bad/truncated.json":     mj[:len(mj)/2],
		"bad/truncated.bin":      mb[:len(mb)*2/3],
		"bad/truncated-head.bin": mb[:10],
		"bad/corrupt.json":       corruptJSON,
		"bad/corrupt.bin":        corrupt,
		"bad/shape.json":         replaceOnce(t, mj, `"units": 5`, `"units": 6`),
		"bad/count.json":         replaceOnce(t, mj, `"no_bias": true`, `"no_bias": false`),
		"bad/nan.json":           replaceOnce(t, mj, `"values": [`+"\n      ", `"values": [`+"\n      NaN, "),
		"bad/nan-string.json":    replaceOnce(t, mj, `"values": [`+"\n      ", `"values": [`+"\n      \"NaN\", "),
		"bad/overflow.json":      replaceOnce(t, mj, `"values": [`+"\n      ", `"values": [`+"\n      1e999, "),
		"bad/nan.bin":            reseal(nan),
		"bad/activation.json":    replaceOnce(t, mj, `"name": "relu"`, `"name": "swish"`),
		"bad/loss.json":          replaceOnce(t, mj, `"loss": "softmax_cross_entropy"`, `"loss": "hinge"`),
		"bad/future.json":        replaceOnce(t, mj, `"version": 1`, `"version": 3`),
		"bad/future.bin":         future,
		"bad/magic.bin":          append([]byte("\x89DSCXXXX"), mb[8:]...),
		"bad/nochecksum.json":    replaceOnce(t, mj, `"sha256"`, `"sha255"`),
		"bad/unknown-field.json": replaceOnce(t, mj, `"dtype"`, `"colour": "red", "dtype"`),
		"bad/trailing.json":      append(bytes.Clone(mj), "{}"...),
		"bad/checkpoint.json":    encodedCheckpoint(t, checkpoint(t), JSON),
		"bad/checkpoint.bin":     encodedCheckpoint(t, checkpoint(t), Binary),
		"bad/scaler.json":        replaceOnce(t, mj, `"scale": [`+"\n      2", `"scale": [`+"\n      0"),
		"bad/scaler-digit.json":  replaceOnce(t, mj, `"offset": [`+"\n      0.5", `"offset": [`+"\n      0.6"),
		"bad/float32-range.json": replaceOnce(t, encoded(t, m32, JSON), `"values": [`+"\n      ", `"values": [`+"\n      1e39, "),
		"bad/tensor-shape.json":  replaceOnce(t, cj, `"shape": [3, 2, 3, 3]`, `"shape": [3, 2, 9]`),
		"bad/matrix-shape.json":  replaceOnce(t, cj, `"cols": 3, "values"`, `"cols": 3, "shape": [1, 3], "values"`),
		"bad/v1-shape.json":      replaceOnce(t, cj, `"version": 2`, `"version": 1`),
	}
}

// TestCorpus checks that testdata holds what corpus makes; with -update it
// writes the files. The format must not drift unnoticed: a change here
// means old files may no longer load.
func TestCorpus(t *testing.T) {
	for name, want := range corpus(t) {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update ./model)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what this version writes (run go test -update ./model if the change is intended)", path)
		}
	}
}

func TestLoadGood(t *testing.T) {
	for _, tt := range []struct {
		file string
		want *Model
	}{
		{"model.json", classifier(t)},
		{"model.bin", classifier(t)},
		{"model32.json", binary32(t)},
		{"model32.bin", binary32(t)},
		{"batchnorm.json", batchNormModel(t)},
		{"batchnorm.bin", batchNormModel(t)},
		{"conv.json", convModel(t)},
		{"conv.bin", convModel(t)},
	} {
		got, err := Load(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Errorf("Load: %v", err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %+v, want %+v", tt.file, got, tt.want)
		}
	}
	for _, file := range []string{"checkpoint.json", "checkpoint.bin"} {
		got, err := LoadCheckpoint(filepath.Join("testdata", file))
		if err != nil {
			t.Errorf("LoadCheckpoint: %v", err)
			continue
		}
		if want := checkpoint(t); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, want %+v", file, got, want)
		}
	}
}

func TestLoadBad(t *testing.T) {
	tests := []struct {
		file string
		is   error
		msg  string
	}{
		{"empty.json", ErrNotModel, "the file is empty"},
		{"blank.json", ErrNotModel, "the file is empty"},
		{"text.txt", ErrNotModel, `starts with "weights:"`},
		{"truncated.json", ErrInvalid, "truncated"},
		{"truncated.bin", ErrInvalid, "truncated"},
		{"truncated-head.bin", ErrInvalid, "truncated"},
		{"corrupt.json", ErrChecksum, "sha256"},
		{"corrupt.bin", ErrChecksum, "CRC-32"},
		{"shape.json", ErrInvalid, "layer1.weight 3×5, the architecture needs layer1.weight 3×6"},
		{"count.json", ErrInvalid, "5 parameter tensors, the architecture needs 6"},
		{"nan.json", ErrInvalid, "invalid character 'N'"},
		{"nan-string.json", ErrInvalid, "NaN"},
		{"overflow.json", ErrInvalid, "1e999 is not a finite float64"},
		{"nan.bin", ErrInvalid, "NaN, not a finite number"},
		{"activation.json", ErrInvalid, `unknown activation "swish"`},
		{"loss.json", ErrInvalid, `unknown loss "hinge"`},
		{"future.json", ErrNewerVersion, "format version 3 is newer than this descent understands (2); upgrade descent"},
		{"future.bin", ErrNewerVersion, "format version 3 is newer than this descent understands (2); upgrade descent"},
		{"magic.bin", ErrNotModel, "starts with"},
		{"nochecksum.json", ErrInvalid, "sha255"},
		{"unknown-field.json", ErrInvalid, `unknown field "colour"`},
		{"trailing.json", ErrInvalid, "after top-level value"},
		{"checkpoint.json", ErrNotModel, "descent-checkpoint file, not a descent-model file"},
		{"checkpoint.bin", ErrNotModel, "checkpoint"},
		{"scaler.json", ErrInvalid, "column 0 has offset 0.5, scale 0"},
		{"scaler-digit.json", ErrChecksum, "sha256"},
		{"float32-range.json", ErrInvalid, "1e39 is not a finite float32"},
		{"tensor-shape.json", ErrInvalid, "parameter 1 is layer1.weight 3×2×9 (3×18), the architecture needs layer1.weight 3×2×3×3 (3×18)"},
		{"matrix-shape.json", ErrInvalid, "parameter 2 is layer1.bias 1×3 (1×3), the architecture needs layer1.bias 1×3"},
		{"v1-shape.json", ErrInvalid, "layer1.weight has a shape, which needs format version 2; the file says 1"},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", "bad", tt.file)
		m, err := Load(path)
		if err == nil {
			t.Errorf("Load(%s) = %+v, want an error", path, m)
			continue
		}
		if !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tt.msg) || !errors.Is(err, tt.is) {
			t.Errorf("Load(%s) error:\n%v\nwant it to start with the path, mention %q and be %v", path, err, tt.msg, tt.is)
		}
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	c := checkpoint(t)
	dir := t.TempDir()
	for _, f := range []Format{JSON, Binary} {
		path := filepath.Join(dir, "ckpt."+f.String())
		if err := SaveCheckpoint(path, c, f); err != nil {
			t.Fatal(err)
		}
		got, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%v: got %+v, want %+v", f, got, c)
		}
		if _, err := Load(path); !errors.Is(err, ErrNotModel) {
			t.Errorf("Load of a checkpoint: %v, want ErrNotModel", err)
		}
	}
	if _, err := LoadCheckpoint(filepath.Join("testdata", "model.bin")); !errors.Is(err, ErrNotModel) {
		t.Errorf("LoadCheckpoint of a model: %v, want ErrNotModel", err)
	}
}

func TestCheckpointRefuses(t *testing.T) {
	tests := []struct {
		name   string
		change func(c *Checkpoint)
	}{
		{"short buffer", func(c *Checkpoint) { c.Optimizer.Slots[1][2] = c.Optimizer.Slots[1][2][1:] }},
		{"missing buffer", func(c *Checkpoint) { c.Optimizer.Slots[0] = c.Optimizer.Slots[0][1:] }},
		{"NaN moment", func(c *Checkpoint) { c.Optimizer.Slots[0][0][0] = math.NaN() }},
		{"negative epoch", func(c *Checkpoint) { c.Epoch = -1 }},
		{"bad history", func(c *Checkpoint) { c.History = []byte("[1,") }},
		{"bad model", func(c *Checkpoint) { c.Model.Params[0].Values[0] = math.Inf(1) }},
	}
	for _, tt := range tests {
		c := checkpoint(t)
		tt.change(c)
		if err := EncodeCheckpoint(io.Discard, c, JSON); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: EncodeCheckpoint error %v, want ErrInvalid", tt.name, err)
		}
	}
}

// tempFiles lists what Save may have left behind in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, ".*.tmp-*"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	good := classifier(t)
	if err := Save(path, good, JSON); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}

	// A failure half-way through writing, as a full disk would give.
	errDisk := errors.New("no space left on device")
	err := writeAtomic(path, func(w io.Writer) error {
		w.Write(before[:len(before)/2])
		return errDisk
	})
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), path) {
		t.Errorf("writeAtomic error %v, want the write's error naming %s", err, path)
	}

	// An invalid model is refused before anything is replaced.
	bad := classifier(t)
	bad.Params[0].Values[0] = math.NaN()
	if err := Save(path, bad, Binary); !errors.Is(err, ErrInvalid) {
		t.Errorf("Save of a NaN model: %v, want ErrInvalid", err)
	}

	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, before) {
		t.Error("a failed save changed the old file")
	}
	if got, err := Load(path); err != nil || !reflect.DeepEqual(got, good) {
		t.Errorf("old file no longer loads: %v", err)
	}
	if tmp := tempFiles(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}

	// A failing rename: the target is a non-empty directory.
	target := filepath.Join(dir, "taken")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Save(target, good, JSON); err == nil {
		t.Error("Save over a directory succeeded")
	}
	if tmp := tempFiles(t, dir); len(tmp) != 0 {
		t.Errorf("temporary files left behind after a failed rename: %v", tmp)
	}

	// A save that succeeds replaces the file, keeping its mode.
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Save(path, binary32(t), Binary); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(path); err != nil || !reflect.DeepEqual(got, binary32(t)) {
		t.Errorf("new model did not replace the old: %v", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the old file's 0600", fi.Mode().Perm())
	}

	if err := Save(filepath.Join(dir, "missing", "m.json"), good, JSON); err == nil {
		t.Error("Save into a missing directory succeeded")
	}
}
