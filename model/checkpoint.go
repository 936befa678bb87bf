package model

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// Checkpoint is a snapshot of training from which it can resume: the model
// so far, the optimizer's state, the number of epochs done and the
// history of metrics up to them.
type Checkpoint struct {
	// Model is the network and everything saved with it.
	Model *Model
	// Optimizer is the optimizer's state, its slots indexed by position in
	// Model.Params.
	Optimizer optim.State
	// Epoch is the number of epochs completed.
	Epoch int
	// History is the trainer's history so far, as free-form JSON (may be
	// nil).
	History json.RawMessage
}

// Validate checks the model, and that the optimizer's slots match its
// parameters and hold finite numbers.
func (c *Checkpoint) Validate() error {
	if err := c.Model.Validate(); err != nil {
		return fmt.Errorf("model: %w", err)
	}
	if c.Epoch < 0 {
		return fmt.Errorf("%w: epoch %d", ErrInvalid, c.Epoch)
	}
	if c.Optimizer.Step < 0 {
		return fmt.Errorf("%w: optimizer step %d", ErrInvalid, c.Optimizer.Step)
	}
	if c.History != nil && !json.Valid(c.History) {
		return fmt.Errorf("%w: history is not valid JSON", ErrInvalid)
	}
	ps := c.Model.Params
	for k, slot := range c.Optimizer.Slots {
		if len(slot) != len(ps) {
			return fmt.Errorf("%w: optimizer buffer %d covers %d parameters, the model has %d", ErrInvalid, k+1, len(slot), len(ps))
		}
		for i, s := range slot {
			if len(s) != len(ps[i].Values) {
				return fmt.Errorf("%w: optimizer buffer %d has %d values for %s, which has %d", ErrInvalid, k+1, len(s), ps[i].Name, len(ps[i].Values))
			}
			for j, v := range s {
				if !finite(v) {
					return fmt.Errorf("%w: optimizer buffer %d for %s element %d is %v, not a finite number", ErrInvalid, k+1, ps[i].Name, j, v)
				}
			}
		}
	}
	return nil
}

// Resume rebuilds the checkpoint's network in element type T and restores
// opt's state for its parameters, so that training continues where the
// checkpoint left it. opt must be the kind of optimizer that saved the
// state; the caller continues from epoch c.Epoch+1.
func Resume[T tensor.Float](c *Checkpoint, opt optim.Optimizer[T]) (*nn.Network[T], error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("model: checkpoint: %w", err)
	}
	net, err := Network[T](c.Model)
	if err != nil {
		return nil, err
	}
	if err := opt.SetState(c.Optimizer, net.Params()); err != nil {
		return nil, fmt.Errorf("model: checkpoint: %w", err)
	}
	return net, nil
}

// wireCheckpoint is a checkpoint as JSON files hold it; the binary header
// holds Format, Version, Epoch, History and Optimizer without slots.
type wireCheckpoint struct {
	Format    string          `json:"format"`
	Version   int             `json:"version"`
	Epoch     int             `json:"epoch"`
	History   json.RawMessage `json:"history,omitempty"`
	Optimizer wireOptim       `json:"optimizer"`
	Model     json.RawMessage `json:"model,omitempty"`
}

type wireOptim struct {
	Name string `json:"name"`
	Step int64  `json:"step"`
	// NumSlots is how many buffers follow the model (binary only; JSON
	// files hold them in optimizer_slots).
	NumSlots int `json:"num_slots,omitempty"`
}

// EncodeCheckpoint writes c to w in the given format.
func EncodeCheckpoint(w io.Writer, c *Checkpoint, format Format) error {
	if err := c.Validate(); err != nil {
		return fmt.Errorf("model: cannot save checkpoint: %w", err)
	}
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case JSON:
		err = writeCheckpointJSON(bw, c)
	case Binary:
		err = writeCheckpointBinary(bw, c)
	default:
		return fmt.Errorf("model: unknown format %v", format)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("model: %w", err)
	}
	return nil
}

// DecodeCheckpoint reads a checkpoint in either format from r, validating
// everything; name starts every error message. At most
// DefaultMaxFileSize bytes are read.
func DecodeCheckpoint(r io.Reader, name string) (*Checkpoint, error) {
	b, err := readAll(r, DefaultMaxFileSize)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", name, err))
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", name, err))
	}
	return c, nil
}

// SaveCheckpoint writes c to the file at path atomically, as Save does.
func SaveCheckpoint(path string, c *Checkpoint, format Format) error {
	return writeAtomic(path, func(w io.Writer) error { return EncodeCheckpoint(w, c, format) })
}

// LoadCheckpoint reads and validates the checkpoint file at path with the
// default options: see LoadCheckpointWith.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	return LoadCheckpointWith(path, LoadOptions{})
}

// LoadCheckpointWith reads and validates the checkpoint file at path,
// refusing what LoadWith refuses.
func LoadCheckpointWith(path string, opts LoadOptions) (*Checkpoint, error) {
	b, err := readFile(path, opts, kindCheckpointBinary)
	if err != nil {
		return nil, errtext.Bound(err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, errtext.Bound(fmt.Errorf("%s: %w", path, err))
	}
	return c, nil
}

func decodeCheckpoint(b []byte) (*Checkpoint, error) {
	switch sniff(b) {
	case kindJSON:
		return decodeCheckpointJSON(b)
	case kindCheckpointBinary:
		return decodeCheckpointBinary(b)
	case kindModelBinary:
		return nil, fmt.Errorf("%w: this is a model, not a training checkpoint", ErrNotModel)
	case kindEmpty:
		return nil, fmt.Errorf("%w: the file is empty", ErrNotModel)
	}
	return nil, fmt.Errorf("%w: it starts with %q", ErrNotModel, b[:min(len(b), 8)])
}

func writeCheckpointJSON(w io.Writer, c *Checkpoint) error {
	head, err := json.MarshalIndent(wireCheckpoint{
		Format: formatCheckpoint, Version: c.Model.formatVersion(), Epoch: c.Epoch, History: c.History,
		Optimizer: wireOptim{Name: c.Optimizer.Name, Step: c.Optimizer.Step},
	}, "", "  ")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Write(bytes.TrimSuffix(head, []byte("\n}")))
	// The optimizer's slots go one parameter per line, and the model
	// last, as in a model file.
	b.WriteString(",\n  \"optimizer_slots\": [")
	for k, slot := range c.Optimizer.Slots {
		if k > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n    [")
		for i, s := range slot {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("\n      [")
			for j, v := range s {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
			}
			b.WriteByte(']')
		}
		b.WriteString("\n    ]")
	}
	b.WriteString("\n  ],\n  \"model\": ")
	if err := writeModelJSON(&b, c.Model, "  "); err != nil {
		return err
	}
	b.WriteString("\n}\n")
	_, err = b.WriteTo(w)
	return err
}

func decodeCheckpointJSON(b []byte) (*Checkpoint, error) {
	var h wireHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, jsonError(b, err)
	}
	if err := checkHeader(h, formatCheckpoint); err != nil {
		return nil, err
	}
	// The slots stay raw until the model says how many numbers each
	// holds, as a model's values do (see wireTensor).
	var w struct {
		wireCheckpoint
		Slots json.RawMessage `json:"optimizer_slots"`
	}
	if err := strictUnmarshal(b, &w); err != nil {
		return nil, err
	}
	if w.Optimizer.NumSlots != 0 {
		return nil, fmt.Errorf("%w: num_slots belongs in binary checkpoints only", ErrInvalid)
	}
	if len(w.Model) == 0 {
		return nil, fmt.Errorf("%w: no model", ErrInvalid)
	}
	m, err := decodeModelJSON(w.Model)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	slots, err := parseSlots(w.Slots, m)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return finishCheckpoint(&w.wireCheckpoint, m, slots)
}

// MaxOptimizerSlots bounds the optimizer buffers per parameter a
// checkpoint may hold. The optimizers in package optim keep at most two
// (Adam's moments); the margin leaves room for new ones, while a file
// cannot make the reader allocate a list as long as the file.
const MaxOptimizerSlots = 16

// parseSlots reads a JSON checkpoint's optimizer_slots, well formed as
// encoding/json has checked: at most MaxOptimizerSlots buffers, each one
// array per parameter of m, read by parseValues.
func parseSlots(raw []byte, m *Model) ([][][]float64, error) {
	raw = bytes.Trim(raw, jsonSpace)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var slots [][][]float64
	err := eachElement(raw, MaxOptimizerSlots, func(k int, slot []byte) error {
		per := make([][]float64, 0, len(m.Params))
		err := eachElement(slot, len(m.Params), func(i int, vals []byte) error {
			p := m.Params[i]
			v, err := parseValues(vals, len(p.Values), 64)
			if err != nil {
				return fmt.Errorf("optimizer buffer %d for %s: it %w", k+1, p.Name, err)
			}
			per = append(per, v)
			return nil
		})
		if err != nil {
			if errors.Is(err, errTooMany) {
				return fmt.Errorf("optimizer buffer %d covers more than the model's %d parameters", k+1, len(m.Params))
			}
			return err
		}
		slots = append(slots, per)
		return nil
	})
	if errors.Is(err, errTooMany) {
		return nil, fmt.Errorf("more than %d optimizer buffers", MaxOptimizerSlots)
	}
	return slots, err
}

var errTooMany = errors.New("too many elements")

// eachElement calls f with each element of the JSON array raw (well
// formed, as encoding/json has checked), and returns errTooMany at the
// element after max without looking further.
func eachElement(raw []byte, max int, f func(i int, elem []byte) error) error {
	raw = bytes.Trim(raw, jsonSpace)
	if len(raw) < 2 || raw[0] != '[' {
		return fmt.Errorf("%s is not an array", errtext.Excerpt(string(raw)))
	}
	depth, inString, start, i := 0, false, 1, 0
	for j := 1; j < len(raw); j++ {
		c := raw[j]
		switch {
		case inString && c == '\\':
			j++ // the escaped byte cannot end the string
		case c == '"':
			inString = !inString
		case inString:
		case c == '[' || c == '{':
			depth++
		case (c == ']' || c == '}') && depth > 0:
			depth--
		case depth == 0 && (c == ',' || c == ']'): // the element ends
			elem := bytes.Trim(raw[start:j], jsonSpace)
			start = j + 1
			if len(elem) == 0 {
				continue // the empty array
			}
			if i == max {
				return errTooMany
			}
			if err := f(i, elem); err != nil {
				return err
			}
			i++
		}
	}
	return nil
}

// finishCheckpoint assembles and validates a decoded checkpoint.
func finishCheckpoint(w *wireCheckpoint, m *Model, slots [][][]float64) (*Checkpoint, error) {
	hist, err := compactJSON(w.History)
	if err != nil {
		return nil, fmt.Errorf("%w: history: %w", ErrInvalid, err)
	}
	if len(slots) == 0 {
		slots = nil
	}
	c := &Checkpoint{Model: m, Epoch: w.Epoch, History: hist,
		Optimizer: optim.State{Name: w.Optimizer.Name, Step: w.Optimizer.Step, Slots: slots}}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// writeCheckpointBinary writes the layout of FORMAT.md: the fixed header,
// the JSON header, the embedded binary model (its length first), every
// optimizer buffer as float64, and the CRC-32.
func writeCheckpointBinary(w io.Writer, c *Checkpoint) error {
	// A checkpoint takes its model's version, so that one of a dense
	// model keeps the bytes of version 1.
	version := c.Model.formatVersion()
	header, err := json.Marshal(wireCheckpoint{
		Format: formatCheckpoint, Version: version, Epoch: c.Epoch, History: c.History,
		Optimizer: wireOptim{Name: c.Optimizer.Name, Step: c.Optimizer.Step, NumSlots: len(c.Optimizer.Slots)},
	})
	if err != nil {
		return err
	}
	var mb bytes.Buffer
	if err := writeModelBinary(&mb, c.Model); err != nil {
		return err
	}
	cw := &crcWriter{w: w}
	cw.putFixed(magicCheckpoint, version, header)
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(mb.Len()))
	cw.Write(n[:])
	cw.Write(mb.Bytes())
	for _, slot := range c.Optimizer.Slots {
		for _, s := range slot {
			cw.putFloats(s, 64)
		}
	}
	return cw.finish()
}

func decodeCheckpointBinary(b []byte) (*Checkpoint, error) {
	header, body, err := splitBinary(b, magicCheckpoint, formatCheckpoint)
	if err != nil {
		return nil, err
	}
	var h wireHeader
	if err := json.Unmarshal(header, &h); err != nil {
		return nil, fmt.Errorf("header: %w", jsonError(header, err))
	}
	if err := checkHeader(h, formatCheckpoint); err != nil {
		return nil, err
	}
	var w wireCheckpoint
	if err := strictUnmarshal(header, &w); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if w.Model != nil {
		return nil, fmt.Errorf("%w: binary header holds a JSON model", ErrInvalid)
	}
	if len(body) < 8 {
		return nil, fmt.Errorf("%w: no model length", ErrInvalid)
	}
	n := binary.LittleEndian.Uint64(body)
	body = body[8:]
	if n > uint64(len(body)) {
		return nil, fmt.Errorf("%w: model of %d bytes does not fit in the %d bytes left", ErrInvalid, n, len(body))
	}
	m, err := decodeModelBinary(body[:n])
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	body = body[n:]
	// Every size is checked against the bytes left before anything is
	// allocated: each buffer holds one float64 per parameter value.
	count := 0
	for _, p := range m.Params {
		count += len(p.Values)
	}
	if k := w.Optimizer.NumSlots; k < 0 || k > MaxOptimizerSlots {
		return nil, fmt.Errorf("%w: %d optimizer buffers; a checkpoint holds 0 to %d", ErrInvalid, k, MaxOptimizerSlots)
	}
	if need := w.Optimizer.NumSlots * 8 * count; len(body) != need {
		return nil, fmt.Errorf("%w: %d optimizer buffers of %d parameter values take %d bytes, the file has %d after the model", ErrInvalid, w.Optimizer.NumSlots, count, need, len(body))
	}
	slots := make([][][]float64, w.Optimizer.NumSlots)
	for k := range slots {
		ts := make([]Tensor, len(m.Params))
		for i, p := range m.Params {
			ts[i] = Tensor{Name: p.Name, Rows: p.Rows, Cols: p.Cols}
		}
		if body, err = readTensors(body, ts, 64); err != nil {
			return nil, fmt.Errorf("optimizer buffer %d: %w", k+1, err)
		}
		slots[k] = make([][]float64, len(ts))
		for i, t := range ts {
			slots[k][i] = t.Values
		}
	}
	if len(body) != 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last optimizer buffer", ErrInvalid, len(body))
	}
	return finishCheckpoint(&w, m, slots)
}
