package onnx

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// constant is a decoded float initializer or Constant node value.
type constant struct {
	name   string
	dims   []int64
	values []float64
	// double is set when the tensor holds float64 elements.
	double bool
}

// decodeTensor reads a float or double tensor, checking that its data
// matches its shape before allocating anything, so a corrupt file cannot
// ask for a huge allocation.
func decodeTensor(t *onnxpb.TensorProto, name string) (*constant, error) {
	quoted := errtext.Excerpt(name) // for messages; the file may hold any name
	if t.GetDataLocation() == onnxpb.TensorProto_EXTERNAL {
		return nil, fmt.Errorf("tensor %q is stored in an external file, which descent does not read", quoted)
	}
	n := 1
	for _, d := range t.GetDims() {
		if d < 0 || (d > 0 && int64(n) > math.MaxInt32/d) {
			return nil, fmt.Errorf("tensor %q has impossible shape %v", quoted, t.GetDims())
		}
		n *= int(d)
	}
	c := &constant{name: name, dims: t.GetDims()}
	raw := t.GetRawData()
	switch onnxpb.TensorProto_DataType(t.GetDataType()) {
	case onnxpb.TensorProto_FLOAT:
		if len(raw) > 0 {
			if len(raw) != 4*n {
				return nil, fmt.Errorf("tensor %q of shape %v holds %d bytes of float data, want %d", quoted, t.GetDims(), len(raw), 4*n)
			}
			c.values = make([]float64, n)
			for i := range c.values {
				c.values[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
			}
			return c, nil
		}
		if len(t.GetFloatData()) != n {
			return nil, fmt.Errorf("tensor %q of shape %v holds %d floats, want %d", quoted, t.GetDims(), len(t.GetFloatData()), n)
		}
		c.values = make([]float64, n)
		for i, v := range t.GetFloatData() {
			c.values[i] = float64(v)
		}
		return c, nil
	case onnxpb.TensorProto_DOUBLE:
		c.double = true
		if len(raw) > 0 {
			if len(raw) != 8*n {
				return nil, fmt.Errorf("tensor %q of shape %v holds %d bytes of double data, want %d", quoted, t.GetDims(), len(raw), 8*n)
			}
			c.values = make([]float64, n)
			for i := range c.values {
				c.values[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
			}
			return c, nil
		}
		if len(t.GetDoubleData()) != n {
			return nil, fmt.Errorf("tensor %q of shape %v holds %d doubles, want %d", quoted, t.GetDims(), len(t.GetDoubleData()), n)
		}
		c.values = append([]float64(nil), t.GetDoubleData()...)
		return c, nil
	}
	return nil, fmt.Errorf("tensor %q has element type %s; descent reads float and double", quoted, dataTypeName(t.GetDataType()))
}

func dataTypeName(t int32) string {
	if s, ok := onnxpb.TensorProto_DataType_name[t]; ok {
		return s
	}
	return fmt.Sprintf("%d", t)
}

// vector returns the constant as a vector of n elements: its shape must be
// [n] or [1, n], or a scalar ([] or [1]), which is repeated n times.
func (c *constant) vector(n int) ([]float64, bool) {
	switch {
	case len(c.values) == 1 && (len(c.dims) == 0 || len(c.dims) == 1 || (len(c.dims) == 2 && c.dims[0] == 1)):
		out := make([]float64, n)
		for i := range out {
			out[i] = c.values[0]
		}
		return out, true
	case len(c.values) == n && (len(c.dims) == 1 || (len(c.dims) == 2 && c.dims[0] == 1)):
		return c.values, true
	}
	return nil, false
}

// isScalar reports whether the constant is one number equal to want in
// float32, the precision ONNX graphs carry these constants in.
func (c *constant) isScalar(want float64) bool {
	return len(c.values) == 1 && float32(c.values[0]) == float32(want)
}
