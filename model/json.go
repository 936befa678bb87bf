package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/nn"
)

// wireModel is a model as files hold it. JSON files carry every field; the
// binary header carries all but the values, which follow it.
type wireModel struct {
	Format       string             `json:"format"`
	Version      int                `json:"version"`
	DType        string             `json:"dtype"`
	Task         string             `json:"task,omitempty"`
	Loss         string             `json:"loss"`
	LossDelta    float64            `json:"loss_delta,omitempty"`
	Created      time.Time          `json:"created,omitzero"`
	FeatureNames []string           `json:"feature_names,omitempty"`
	ClassNames   []string           `json:"class_names,omitempty"`
	Metrics      map[string]float64 `json:"metrics,omitempty"`
	Training     json.RawMessage    `json:"training,omitempty"`
	Spec         nn.Spec            `json:"architecture"`
	Scaler       *data.Scaler       `json:"scaler,omitempty"`
	TargetScaler *data.Scaler       `json:"target_scaler,omitempty"`
	Schema       *data.Schema       `json:"schema,omitempty"`
	Checksum     string             `json:"sha256,omitempty"`
	Params       []wireTensor       `json:"params,omitempty"`
	Buffers      []wireTensor       `json:"buffers,omitempty"`
}

type wireTensor struct {
	Name string `json:"name"`
	Rows int    `json:"rows"`
	Cols int    `json:"cols"`
	// Shape is the full shape of a tensor that is not a matrix (format
	// version 2); absent for a matrix.
	Shape []int `json:"shape,omitempty"`
	// Values is kept raw and read by parseValues once the shape is
	// known to fit the architecture and the bytes: decoded by
	// encoding/json, each two-byte "0," would cost a 16-byte string
	// header before any check.
	Values json.RawMessage `json:"values,omitempty"`
}

// wireHeader is the part of a model read before anything else, so that a
// newer file is refused before its unknown fields cause confusing errors.
type wireHeader struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
}

// toWire returns m's fields without the parameter values, with the
// lowest format version that holds them and each tensor's full shape as
// the architecture gives it.
func toWire(m *Model) *wireModel {
	w := &wireModel{
		Format: formatModel, Version: m.formatVersion(), DType: m.DType, Task: m.Task, Loss: m.Loss, LossDelta: m.LossDelta,
		Created: m.Created.UTC(), FeatureNames: m.FeatureNames, ClassNames: m.ClassNames,
		Metrics: m.Metrics, Training: m.Training, Spec: m.Spec, Scaler: m.Scaler, Schema: m.Schema,
		TargetScaler: m.TargetScaler,
	}
	if m.Created.IsZero() {
		w.Created = time.Time{}
	}
	// A model built by hand may leave a shape out; the file has it. The
	// model has been validated, so the layouts match its tensors.
	params, bufs := layout(m.Spec), bufferLayout(m.Spec)
	for i, t := range m.Params {
		w.Params = append(w.Params, wireTensor{Name: t.Name, Rows: t.Rows, Cols: t.Cols, Shape: params[i].Shape})
	}
	for i, t := range m.Buffers {
		w.Buffers = append(w.Buffers, wireTensor{Name: t.Name, Rows: t.Rows, Cols: t.Cols, Shape: bufs[i].Shape})
	}
	return w
}

// fromWire returns the model w describes, its tensors still without
// values.
func fromWire(w *wireModel) (*Model, error) {
	training, err := compactJSON(w.Training)
	if err != nil {
		return nil, fmt.Errorf("%w: training configuration: %w", ErrInvalid, err)
	}
	// Another package's types may read an empty list as empty and write
	// it as absent; one more round trip makes what was read equal what a
	// save and a load give back.
	if w.Scaler, err = normalize(w.Scaler); err != nil {
		return nil, fmt.Errorf("%w: scaler: %w", ErrInvalid, err)
	}
	if w.TargetScaler, err = normalize(w.TargetScaler); err != nil {
		return nil, fmt.Errorf("%w: target scaler: %w", ErrInvalid, err)
	}
	if w.Schema, err = normalize(w.Schema); err != nil {
		return nil, fmt.Errorf("%w: schema: %w", ErrInvalid, err)
	}
	m := &Model{
		Version: w.Version, DType: w.DType, Spec: w.Spec, Loss: w.Loss, LossDelta: w.LossDelta, Task: w.Task,
		Scaler: w.Scaler, TargetScaler: w.TargetScaler, Schema: w.Schema, ClassNames: nilIfEmpty(w.ClassNames), FeatureNames: nilIfEmpty(w.FeatureNames),
		Training: training, Created: w.Created.UTC(),
	}
	if w.Created.IsZero() {
		m.Created = time.Time{}
	}
	if len(w.Metrics) > 0 {
		m.Metrics = w.Metrics
	}
	for _, ts := range [][]wireTensor{w.Params, w.Buffers} {
		for _, t := range ts {
			// An old reader would refuse the unknown field; this one
			// holds the file to what its version promises.
			if len(t.Shape) > 0 && w.Version < 2 {
				return nil, fmt.Errorf("%w: %s has a shape, which needs format version 2; the file says %d", ErrInvalid, errtext.Excerpt(t.Name), w.Version)
			}
		}
	}
	for _, t := range w.Params {
		m.Params = append(m.Params, Tensor{Name: t.Name, Rows: t.Rows, Cols: t.Cols, Shape: t.Shape})
	}
	for _, t := range w.Buffers {
		m.Buffers = append(m.Buffers, Tensor{Name: t.Name, Rows: t.Rows, Cols: t.Cols, Shape: t.Shape})
	}
	return m, nil
}

// fillShapes gives every tensor of m, whose layout has been validated,
// its full shape from the architecture, so that a model loaded from a
// version-1 file (which has none) equals the one FromNetwork makes.
func fillShapes(m *Model) {
	params, bufs := layout(m.Spec), bufferLayout(m.Spec)
	for i := range m.Params {
		m.Params[i].Shape = params[i].Shape
	}
	for i := range m.Buffers {
		m.Buffers[i].Shape = bufs[i].Shape
	}
}

// normalize returns *v after a JSON round trip, or nil for nil.
func normalize[T any](v *T) (*T, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return out, nil
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// checkHeader checks the format name and version a file declares.
func checkHeader(h wireHeader, format string) error {
	return checkHeaderUpTo(h, format, Version)
}

// checkHeaderUpTo is checkHeader for a reader whose newest version is
// newest: a reader of version 1 runs it with 1, so the tests can show how
// such a reader meets a file of version 2.
func checkHeaderUpTo(h wireHeader, format string, newest int) error {
	switch {
	case h.Format != format && (h.Format == formatModel || h.Format == formatCheckpoint):
		return fmt.Errorf("%w: this is a %s file, not a %s file", ErrNotModel, h.Format, format)
	case h.Format != format:
		return fmt.Errorf("%w: format %q, want %q", ErrNotModel, errtext.Excerpt(h.Format), format)
	case h.Version > newest:
		return fmt.Errorf("%w: format version %d is newer than this descent understands (%d); upgrade descent", ErrNewerVersion, h.Version, newest)
	case h.Version < 1:
		return fmt.Errorf("%w: format version %d", ErrInvalid, h.Version)
	}
	return nil
}

// writeModelJSON writes m as an indented JSON object whose lines after the
// first start with indent. Parameter values go one matrix row per line,
// formatted at the model's precision so that they read back bit for bit.
func writeModelJSON(b *bytes.Buffer, m *Model, indent string) error {
	w := toWire(m)
	w.Params, w.Buffers = nil, nil
	w.Checksum = checksum(m)
	head, err := json.MarshalIndent(w, indent, "  ")
	if err != nil {
		return err
	}
	head = bytes.TrimSuffix(head, []byte("\n"+indent+"}"))
	b.Write(head)
	bits := 64
	if m.DType == Float32 {
		bits = 32
	}
	in := indent + "  "
	writeTensorsJSON(b, "params", m.Params, layout(m.Spec), in, bits)
	if len(m.Buffers) > 0 {
		writeTensorsJSON(b, "buffers", m.Buffers, bufferLayout(m.Spec), in, bits)
	}
	b.WriteString("\n" + indent + "}")
	return nil
}

// writeTensorsJSON writes ts as the field key of an object whose fields
// are indented by in, one matrix row per line, each with the full shape
// its layout entry in want gives, if any.
func writeTensorsJSON(b *bytes.Buffer, key string, ts, want []Tensor, in string, bits int) {
	b.WriteString(",\n" + in + `"` + key + `": [`)
	for i, t := range ts {
		if i > 0 {
			b.WriteByte(',')
		}
		name, _ := json.Marshal(t.Name)
		fmt.Fprintf(b, "\n%s  {\"name\": %s, \"rows\": %d, \"cols\": %d, ", in, name, t.Rows, t.Cols)
		if shape := want[i].Shape; len(shape) > 0 {
			dims, _ := json.Marshal(shape)
			fmt.Fprintf(b, "\"shape\": %s, ", bytes.ReplaceAll(dims, []byte(","), []byte(", ")))
		}
		b.WriteString("\"values\": [")
		for j, v := range t.Values {
			switch {
			case j == 0:
				b.WriteString("\n" + in + "    ")
			case j%t.Cols == 0:
				b.WriteString(",\n" + in + "    ")
			default:
				b.WriteString(", ")
			}
			b.WriteString(strconv.FormatFloat(v, 'g', -1, bits))
		}
		b.WriteString("\n" + in + "  ]}")
	}
	b.WriteString("\n" + in + "]")
}

// decodeModelJSON decodes and validates a JSON model.
func decodeModelJSON(b []byte) (*Model, error) {
	var h wireHeader
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, jsonError(b, err)
	}
	if err := checkHeader(h, formatModel); err != nil {
		return nil, err
	}
	var w wireModel
	if err := strictUnmarshal(b, &w); err != nil {
		return nil, err
	}
	m, err := fromWire(&w)
	if err != nil {
		return nil, err
	}
	// The shapes decide how much room the values take, so they are
	// checked against the architecture first.
	if err := m.validateLayout(); err != nil {
		return nil, err
	}
	fillShapes(m)
	bits := 64
	if w.DType == Float32 {
		bits = 32
	}
	for k, wts := range [][]wireTensor{w.Params, w.Buffers} {
		what, ts := "parameter", m.Params
		if k == 1 {
			what, ts = "buffer", m.Buffers
		}
		for i, t := range wts {
			p := &ts[i]
			n, ok := size(p.Rows, p.Cols)
			if !ok {
				return nil, fmt.Errorf("%w: %s %s has impossible shape %d×%d", ErrInvalid, what, p.Name, p.Rows, p.Cols)
			}
			if p.Values, err = parseValues(t.Values, n, bits); err != nil {
				return nil, fmt.Errorf("%w: %s %s %w", ErrInvalid, what, p.Name, err)
			}
		}
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if w.Checksum == "" {
		return nil, fmt.Errorf("%w: no sha256 checksum", ErrInvalid)
	}
	if got := checksum(m); got != w.Checksum {
		return nil, fmt.Errorf("%w: sha256 is %s, the parameters and scaler hash to %s", ErrChecksum, errtext.Excerpt(w.Checksum), got)
	}
	return m, nil
}

// parseValues reads raw, a JSON array that encoding/json has checked is
// well formed, as exactly n finite numbers at the precision bits. It
// checks that raw is long enough for n numbers (each takes a byte and a
// comma) before allocating, and stops at the first bad element, quoting
// at most an excerpt of it. Its errors read after "parameter NAME".
func parseValues(raw []byte, n, bits int) ([]float64, error) {
	dtype := Float64
	if bits == 32 {
		dtype = Float32
	}
	raw = bytes.Trim(raw, jsonSpace)
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return nil, fmt.Errorf("has no values array")
	}
	body := raw[1 : len(raw)-1]
	if n > (len(body)+1)/2 {
		return nil, fmt.Errorf("needs %d values; its %d bytes of values cannot hold them", n, len(body))
	}
	vals := make([]float64, 0, n)
	for j := 0; ; j++ {
		body = bytes.TrimLeft(body, jsonSpace)
		if len(body) == 0 {
			break
		}
		end := bytes.IndexAny(body, ","+jsonSpace)
		if end < 0 {
			end = len(body)
		}
		tok := body[:end]
		// A well-formed element that starts with neither a digit nor a
		// minus sign is a string, an object, an array or a literal.
		if c := tok[0]; c != '-' && (c < '0' || c > '9') {
			return nil, fmt.Errorf("element %d: %s is not a number", j, errtext.Excerpt(string(tok)))
		}
		if j == n {
			return nil, fmt.Errorf("has more than the %d values its shape needs", n)
		}
		v, err := strconv.ParseFloat(string(tok), bits)
		if err != nil || !finite(v) {
			return nil, fmt.Errorf("element %d: %s is not a finite %s", j, errtext.Excerpt(string(tok)), dtype)
		}
		vals = append(vals, v)
		body = bytes.TrimLeft(body[end:], jsonSpace)
		if len(body) > 0 {
			body = body[1:] // the comma
		}
	}
	if len(vals) != n {
		return nil, fmt.Errorf("has %d values, its shape needs %d", len(vals), n)
	}
	return vals, nil
}

// jsonSpace is the white space JSON allows between tokens.
const jsonSpace = " \t\r\n"

// strictUnmarshal decodes one JSON value into v, refusing unknown fields
// and anything after the value.
func strictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return jsonError(b, err)
	}
	if _, err := d.Token(); err == nil {
		return fmt.Errorf("%w: data after the end of the JSON object", ErrInvalid)
	}
	return nil
}

// jsonError describes a JSON decoding error with its line, which
// encoding/json reports only as a byte offset.
func jsonError(b []byte, err error) error {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if err.Error() == "unexpected end of JSON input" || err.Error() == "unexpected EOF" {
		return fmt.Errorf("%w: the JSON ends early (truncated file?)", ErrInvalid)
	}
	if off >= 0 && off <= int64(len(b)) {
		line := 1 + bytes.Count(b[:off], []byte("\n"))
		return fmt.Errorf("%w: line %d: %w", ErrInvalid, line, err)
	}
	return fmt.Errorf("%w: %w", ErrInvalid, err)
}

// checksum returns the hex SHA-256 of the canonical encoding of m's dtype,
// parameters and scaler: the numbers that decide its predictions, which
// nobody edits by hand (see FORMAT.md).
func checksum(m *Model) string {
	h := sha256.New()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		h.Write(buf[:])
	}
	put(uint64(len(m.DType)))
	h.Write([]byte(m.DType))
	putTensors := func(ts []Tensor) {
		for _, t := range ts {
			put(uint64(len(t.Name)))
			h.Write([]byte(t.Name))
			put(uint64(t.Rows))
			put(uint64(t.Cols))
			for _, v := range t.Values {
				put(math.Float64bits(v))
			}
		}
	}
	putTensors(m.Params)
	// The clip and the target scaler join the sum only when present, so
	// files written before they existed keep their checksums.
	for i, s := range []*data.Scaler{m.Scaler, m.TargetScaler} {
		if s == nil {
			continue
		}
		if i == 1 {
			h.Write([]byte("target"))
		}
		put(uint64(len(s.Kind)))
		h.Write([]byte(s.Kind))
		for _, vs := range [][]float64{s.Offset, s.Scale} {
			put(uint64(len(vs)))
			for _, v := range vs {
				put(math.Float64bits(v))
			}
		}
		if s.Clip != 0 {
			h.Write([]byte("clip"))
			put(math.Float64bits(s.Clip))
		}
	}
	// Buffers likewise join only when present.
	if len(m.Buffers) > 0 {
		h.Write([]byte("buffers"))
		put(uint64(len(m.Buffers)))
		putTensors(m.Buffers)
	}
	return hex.EncodeToString(h.Sum(nil))
}
