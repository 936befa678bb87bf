package model

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"math"
)

// Magic numbers start binary files. The first byte is not ASCII, so a
// binary file is never taken for text, as in PNG.
const (
	magicModel      = "\x89DSCMODL"
	magicCheckpoint = "\x89DSCCKPT"
)

// maxHeader bounds a binary header's length, so that a corrupt length
// cannot make the reader allocate gigabytes.
const maxHeader = 64 << 20

// fixedLen is the length of the magic, version and header length.
const fixedLen = 8 + 4 + 4

// crcWriter writes to w while computing the CRC-32 of what it wrote.
type crcWriter struct {
	w   io.Writer
	crc uint32
	err error
}

func (c *crcWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p)
	n, err := c.w.Write(p)
	c.err = err
	return n, err
}

// putFixed writes the magic, the version and the header.
func (c *crcWriter) putFixed(magic string, version int, header []byte) {
	var b [8]byte
	io.WriteString(c, magic)
	binary.LittleEndian.PutUint32(b[:4], uint32(version))
	binary.LittleEndian.PutUint32(b[4:], uint32(len(header)))
	c.Write(b[:])
	c.Write(header)
}

// putFloats writes values as float32 or float64 little-endian bits.
func (c *crcWriter) putFloats(values []float64, bits int) {
	var buf [4096]byte
	n := 0
	for _, v := range values {
		if n+8 > len(buf) {
			c.Write(buf[:n])
			n = 0
		}
		if bits == 32 {
			binary.LittleEndian.PutUint32(buf[n:], math.Float32bits(float32(v)))
			n += 4
		} else {
			binary.LittleEndian.PutUint64(buf[n:], math.Float64bits(v))
			n += 8
		}
	}
	c.Write(buf[:n])
}

// finish writes the CRC of everything before it.
func (c *crcWriter) finish() error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], c.crc)
	c.Write(b[:])
	return c.err
}

// writeModelBinary writes m in the binary format of FORMAT.md.
func writeModelBinary(w io.Writer, m *Model) error {
	wm := toWire(m)
	header, err := json.Marshal(wm)
	if err != nil {
		return err
	}
	c := &crcWriter{w: w}
	c.putFixed(magicModel, wm.Version, header)
	bits := elemBits(m.DType)
	for _, t := range m.Params {
		c.putFloats(t.Values, bits)
	}
	for _, t := range m.Buffers {
		c.putFloats(t.Values, bits)
	}
	return c.finish()
}

func elemBits(dtype string) int {
	if dtype == Float32 {
		return 32
	}
	return 64
}

// splitBinary checks a binary file's magic, version, length and CRC, and
// returns its header and the bytes between the header and the CRC.
func splitBinary(b []byte, magic, format string) (header, body []byte, err error) {
	if len(b) < fixedLen {
		return nil, nil, fmt.Errorf("%w: the file ends after %d bytes, inside its fixed header (truncated file?)", ErrInvalid, len(b))
	}
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, nil, fmt.Errorf("%w: it starts with %q", ErrNotModel, b[:len(magic)])
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v > Version || v < 1 {
		// Read as a JSON header's version so both encodings say the same.
		if err := checkHeader(wireHeader{Format: format, Version: int(min(v, math.MaxInt32))}, format); err != nil {
			return nil, nil, err
		}
	}
	if len(b) < fixedLen+4 {
		return nil, nil, fmt.Errorf("%w: the file ends after %d bytes, before its checksum (truncated file?)", ErrInvalid, len(b))
	}
	n := binary.LittleEndian.Uint32(b[12:])
	if n > maxHeader || int(n) > len(b)-fixedLen-4 {
		return nil, nil, fmt.Errorf("%w: header of %d bytes does not fit in the %d-byte file (truncated file?)", ErrInvalid, n, len(b))
	}
	end := len(b) - 4
	if got, want := crc32.ChecksumIEEE(b[:end]), binary.LittleEndian.Uint32(b[end:]); got != want {
		return nil, nil, fmt.Errorf("%w: stored CRC-32 %08x, contents give %08x", ErrChecksum, want, got)
	}
	return b[fixedLen : fixedLen+int(n)], b[fixedLen+int(n) : end], nil
}

// decodeModelBinary decodes and validates a binary model.
func decodeModelBinary(b []byte) (*Model, error) {
	header, body, err := splitBinary(b, magicModel, formatModel)
	if err != nil {
		return nil, err
	}
	var h wireHeader
	if err := json.Unmarshal(header, &h); err != nil {
		return nil, fmt.Errorf("header: %w", jsonError(header, err))
	}
	if h.Version != int(binary.LittleEndian.Uint32(b[8:])) {
		return nil, fmt.Errorf("%w: header says format version %d, the file %d", ErrInvalid, h.Version, binary.LittleEndian.Uint32(b[8:]))
	}
	if err := checkHeader(h, formatModel); err != nil {
		return nil, err
	}
	var w wireModel
	if err := strictUnmarshal(header, &w); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	m, err := fromWire(&w)
	if err != nil {
		return nil, err
	}
	// The shapes decide how many bytes the values take, so they are
	// checked against the architecture first.
	if err := m.validateLayout(); err != nil {
		return nil, err
	}
	fillShapes(m)
	rest, err := readTensors(body, m.Params, elemBits(m.DType))
	if err != nil {
		return nil, err
	}
	if rest, err = readTensors(rest, m.Buffers, elemBits(m.DType)); err != nil {
		return nil, err
	}
	if len(rest) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last tensor", ErrInvalid, len(rest))
	}
	for _, t := range append(w.Params, w.Buffers...) {
		if t.Values != nil {
			return nil, fmt.Errorf("%w: header holds values for %s", ErrInvalid, t.Name)
		}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if w.Checksum != "" && w.Checksum != checksum(m) {
		return nil, fmt.Errorf("%w: sha256 does not match the parameters and scaler", ErrChecksum)
	}
	return m, nil
}

// readTensors fills each tensor's values from body, checking that the
// bytes are there before allocating, and returns what is left.
func readTensors(body []byte, ts []Tensor, bits int) ([]byte, error) {
	width := bits / 8
	for i := range ts {
		t := &ts[i]
		n, ok := size(t.Rows, t.Cols)
		if !ok || n > len(body)/width {
			return nil, fmt.Errorf("%w: parameter %s (%d×%d) does not fit in the %d bytes left (truncated file?)", ErrInvalid, t.Name, t.Rows, t.Cols, len(body))
		}
		t.Values = make([]float64, n)
		for j := range t.Values {
			if bits == 32 {
				t.Values[j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(body[4*j:])))
			} else {
				t.Values[j] = math.Float64frombits(binary.LittleEndian.Uint64(body[8*j:]))
			}
		}
		body = body[n*width:]
	}
	return body, nil
}
