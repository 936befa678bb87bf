package data

import (
	"slices"

	"github.com/descent-ml/descent/tensor"
)

// cells is the growing row-major store of a CSV's feature values: float64,
// or float32 while every value reads back from float32 exactly
// (CSVOptions.Float32), which halves the largest buffer of a load.
type cells struct {
	f64    []float64
	f32    []float32
	narrow bool // values go to f32
}

// len returns the number of values stored.
func (c *cells) len() int {
	if c.narrow {
		return len(c.f32)
	}
	return len(c.f64)
}

// at returns value k.
func (c *cells) at(k int) float64 {
	if c.narrow {
		return float64(c.f32[k])
	}
	return c.f64[k]
}

// set replaces value k by v, widening the store first if v is not exact
// in float32 (a mean fill, say).
func (c *cells) set(k int, v float64) {
	if c.narrow && !exact32(v) {
		c.widen(0)
	}
	if c.narrow {
		c.f32[k] = float32(v)
		return
	}
	c.f64[k] = v
}

// append adds a row of values, widening the store to float64 first if one
// of them is not exact in float32.
func (c *cells) append(row []float64) {
	if c.narrow {
		for _, v := range row {
			if !exact32(v) {
				c.widen(len(row))
				break
			}
		}
	}
	if c.narrow {
		for _, v := range row {
			c.f32 = append(c.f32, float32(v))
		}
		return
	}
	c.f64 = append(c.f64, row...)
}

// capacity returns how many values fit without growing.
func (c *cells) capacity() int {
	if c.narrow {
		return cap(c.f32)
	}
	return cap(c.f64)
}

// grow makes room for n more values without copying again.
func (c *cells) grow(n int) {
	if c.narrow {
		c.f32 = slices.Grow(c.f32, n)
		return
	}
	c.f64 = slices.Grow(c.f64, n)
}

// widen moves the values to f64, with room for extra more beyond the
// capacity f32 had, so that the reserve made for the file still holds.
func (c *cells) widen(extra int) {
	f := make([]float64, len(c.f32), max(cap(c.f32), len(c.f32)+extra))
	for k, v := range c.f32 {
		f[k] = float64(v)
	}
	c.f64, c.f32, c.narrow = f, nil, false
}

// matrix returns the values as a rows×cols matrix in the dataset d: in X,
// or stored in float32; the values are not copied.
func (c *cells) matrix(d *Dataset, rows, cols int) {
	if c.narrow {
		d.X, d.x32 = nil, tensor.FromSlice(rows, cols, c.f32)
		return
	}
	d.X = tensor.FromSlice(rows, cols, c.f64)
}
