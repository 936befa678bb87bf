package model

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"

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
// everything; name starts every error message.
func DecodeCheckpoint(r io.Reader, name string) (*Checkpoint, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// SaveCheckpoint writes c to the file at path atomically, as Save does.
func SaveCheckpoint(path string, c *Checkpoint, format Format) error {
	return writeAtomic(path, func(w io.Writer) error { return EncodeCheckpoint(w, c, format) })
}

// LoadCheckpoint reads and validates the checkpoint file at path.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	c, err := decodeCheckpoint(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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
		Format: formatCheckpoint, Version: Version, Epoch: c.Epoch, History: c.History,
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
	var w struct {
		wireCheckpoint
		Slots [][][]float64 `json:"optimizer_slots"`
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
	return finishCheckpoint(&w.wireCheckpoint, m, w.Slots)
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
	header, err := json.Marshal(wireCheckpoint{
		Format: formatCheckpoint, Version: Version, Epoch: c.Epoch, History: c.History,
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
	cw.putFixed(magicCheckpoint, header)
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
	if w.Optimizer.NumSlots < 0 || w.Optimizer.NumSlots > len(body) {
		return nil, fmt.Errorf("%w: %d optimizer buffers", ErrInvalid, w.Optimizer.NumSlots)
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
