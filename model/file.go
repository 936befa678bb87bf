package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/descent-ml/descent/internal/atomicfile"
	"github.com/descent-ml/descent/internal/errtext"
)

// Format is the encoding of a model or checkpoint file.
type Format int

const (
	// JSON is readable, indented JSON; the default.
	JSON Format = iota
	// Binary is a compact little-endian encoding for large models; see
	// FORMAT.md.
	Binary
)

// String returns "json" or "binary".
func (f Format) String() string {
	switch f {
	case JSON:
		return "json"
	case Binary:
		return "binary"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat reads "json" or "binary" (case ignored), as a command-line
// flag gives them.
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "json":
		return JSON, nil
	case "binary", "bin":
		return Binary, nil
	}
	return 0, fmt.Errorf("unknown model format %q (known: json, binary)", s)
}

// The format names JSON files carry, so that a model and a checkpoint
// cannot be mistaken for each other.
const (
	formatModel      = "descent-model"
	formatCheckpoint = "descent-checkpoint"
)

// Encode writes m to w in the given format. It refuses an invalid model,
// including one holding NaN or infinite numbers.
func Encode(w io.Writer, m *Model, format Format) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("model: cannot save: %w", err)
	}
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case JSON:
		var b bytes.Buffer
		if err = writeModelJSON(&b, m, ""); err == nil {
			b.WriteByte('\n')
			_, err = b.WriteTo(bw)
		}
	case Binary:
		err = writeModelBinary(bw, m)
	default:
		return fmt.Errorf("model: unknown format %v", format)
	}
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

// DefaultMaxFileSize is the largest model or checkpoint file Load,
// LoadCheckpoint, Decode and DecodeCheckpoint read unless told otherwise
// (LoadOptions.MaxFileSize): 1 GiB holds some 250 million float32
// parameters in the binary encoding, or 40 million in JSON, far beyond
// what descent trains, while a file that big still fits in memory a few
// times over on an ordinary machine.
const DefaultMaxFileSize = 1 << 30

// LoadOptions tunes LoadWith and LoadCheckpointWith; the zero value gives
// the defaults.
type LoadOptions struct {
	// MaxFileSize is the largest file, in bytes, that is read; a larger
	// one is refused before anything is read. Zero means
	// DefaultMaxFileSize. Decoding takes memory a small multiple of the
	// file's size.
	MaxFileSize int64
}

func (o LoadOptions) maxFileSize() int64 {
	if o.MaxFileSize > 0 {
		return o.MaxFileSize
	}
	return DefaultMaxFileSize
}

// Decode reads a model in either format (told apart by their first bytes)
// from r, validating everything. name, usually the file's path, starts
// every error message. At most DefaultMaxFileSize bytes are read.
func Decode(r io.Reader, name string) (*Model, error) {
	b, err := readAll(r, DefaultMaxFileSize)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", name, err))
	}
	m, err := decodeModel(b)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", name, err))
	}
	return m, nil
}

// readAll reads r to its end, refusing more than limit bytes.
func readAll(r io.Reader, limit int64) ([]byte, error) {
	// A bytes.Buffer doubles as it grows, where io.ReadAll grows by a
	// quarter for large inputs and so allocates about five times the
	// input in all.
	var b bytes.Buffer
	if l, ok := r.(interface{ Len() int }); ok { // bytes.Reader, strings.Reader
		b.Grow(int(min(int64(l.Len()), limit)) + bytes.MinRead)
	}
	if _, err := b.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", atomicfile.ErrTooLarge, limit)
	}
	return b.Bytes(), nil
}

// readFile reads the regular file at path, refusing one larger than
// opts allow, and, from its first bytes, one that is neither JSON nor a
// binary file of the wanted kind, before reading the rest.
func readFile(path string, opts LoadOptions, want fileKind) ([]byte, error) {
	var refused error
	b, err := atomicfile.ReadFile(path, opts.maxFileSize(), func(head []byte) error {
		k := sniff(head)
		if k == kindEmpty && len(head) == atomicfile.HeadSize {
			return nil // white space so far; the JSON may start later
		}
		if k == kindJSON || k == want {
			return nil
		}
		var err error
		if want == kindModelBinary {
			_, err = decodeModel(head)
		} else {
			_, err = decodeCheckpoint(head)
		}
		refused = fmt.Errorf("%s: %w", path, err)
		return refused
	})
	if err != nil && err == refused {
		return nil, err // names the file like any decoding error
	}
	if errors.Is(err, atomicfile.ErrTooLarge) {
		return nil, fmt.Errorf("model: %w (LoadOptions.MaxFileSize raises the limit)", err)
	}
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return b, nil
}

// decodeModel decodes and validates a model file's bytes.
func decodeModel(b []byte) (*Model, error) {
	switch sniff(b) {
	case kindJSON:
		return decodeModelJSON(b)
	case kindModelBinary:
		return decodeModelBinary(b)
	case kindCheckpointBinary:
		return nil, fmt.Errorf("%w: this is a training checkpoint; load it as one", ErrNotModel)
	case kindEmpty:
		return nil, fmt.Errorf("%w: the file is empty", ErrNotModel)
	}
	return nil, fmt.Errorf("%w: it starts with %q", ErrNotModel, b[:min(len(b), 8)])
}

type fileKind int

const (
	kindUnknown fileKind = iota
	kindEmpty
	kindJSON
	kindModelBinary
	kindCheckpointBinary
)

// sniff tells the encodings apart by their first bytes: binary files start
// with their magic, JSON ones with '{' after optional white space.
func sniff(b []byte) fileKind {
	switch {
	case bytes.HasPrefix(b, []byte(magicModel)):
		return kindModelBinary
	case bytes.HasPrefix(b, []byte(magicCheckpoint)):
		return kindCheckpointBinary
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	switch {
	case len(t) == 0:
		return kindEmpty
	case t[0] == '{':
		return kindJSON
	}
	return kindUnknown
}

// Save writes m to the file at path atomically: the old file, if any,
// stays in place until the new one is complete and on disk.
func Save(path string, m *Model, format Format) error {
	return writeAtomic(path, func(w io.Writer) error { return Encode(w, m, format) })
}

// Load reads and validates the model file at path, JSON or binary, with
// the default options: see LoadWith.
func Load(path string) (*Model, error) { return LoadWith(path, LoadOptions{}) }

// LoadWith reads and validates the model file at path, JSON or binary. It
// refuses what is not a regular file (a directory, a device, a FIFO) and a
// file larger than opts.MaxFileSize before reading it, and a file whose
// first bytes are neither JSON nor a binary model after reading only
// those.
func LoadWith(path string, opts LoadOptions) (*Model, error) {
	b, err := readFile(path, opts, kindModelBinary)
	if err != nil {
		return nil, errtext.Bound(err)
	}
	m, err := decodeModel(b)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", path, err))
	}
	return m, nil
}

// writeAtomic replaces the file at path with what write produces, never
// leaving a half-written model in its place (see package atomicfile).
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("model: save %s: %w", path, err)
	}
	return nil
}

// compactJSON returns raw compacted, or nil for absent or null, so that a
// free-form field reads back exactly as it is written.
func compactJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
