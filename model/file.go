package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/descent-ml/descent/internal/atomicfile"
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

// Decode reads a model in either format (told apart by their first bytes)
// from r, validating everything. name, usually the file's path, starts
// every error message.
func Decode(r io.Reader, name string) (*Model, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	m, err := decodeModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return m, nil
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

// Load reads and validates the model file at path, JSON or binary.
func Load(path string) (*Model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m, err := decodeModel(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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
