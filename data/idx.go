package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/descent-ml/descent/tensor"
)

// IDX is an array read from an IDX file, the format of the MNIST files:
// a big-endian header giving the element type and the size of each
// dimension, then the elements in row-major order.
type IDX struct {
	// Type is the element type code: 0x08 unsigned byte, 0x09 signed
	// byte, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.
	Type byte
	// Dims are the sizes of the dimensions, outermost first.
	Dims []int
	// Data holds the elements converted to float64, unscaled.
	Data []float64
}

// maxIDXElements bounds the element count a header may claim (2^31, over
// 40 times MNIST's training images), so that a corrupt header cannot make
// the reader attempt an absurd allocation.
const maxIDXElements = 1 << 31

// idxElemSize maps a type code to its element size in bytes.
var idxElemSize = map[byte]int{0x08: 1, 0x09: 1, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8}

// LoadIDX reads the IDX file at path, gzipped or not; see ReadIDX.
func LoadIDX(path string) (*IDX, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return ReadIDX(f, path)
}

// ReadIDX reads an IDX array from r, decompressing it first when it starts
// with the gzip magic bytes 0x1f 0x8b. name is used in error messages. It
// checks the magic number, the element type, the dimensions, that the data
// is complete, and that nothing follows it.
func ReadIDX(r io.Reader, name string) (*IDX, error) {
	x, raw, err := readIDXRaw(r, name)
	if err != nil {
		return nil, err
	}
	x.Data = make([]float64, len(raw)/idxElemSize[x.Type])
	be := binary.BigEndian
	for i := range x.Data {
		switch x.Type {
		case 0x08:
			x.Data[i] = float64(raw[i])
		case 0x09:
			x.Data[i] = float64(int8(raw[i]))
		case 0x0B:
			x.Data[i] = float64(int16(be.Uint16(raw[2*i:])))
		case 0x0C:
			x.Data[i] = float64(int32(be.Uint32(raw[4*i:])))
		case 0x0D:
			x.Data[i] = float64(math.Float32frombits(be.Uint32(raw[4*i:])))
		case 0x0E:
			x.Data[i] = math.Float64frombits(be.Uint64(raw[8*i:]))
		}
	}
	return x, nil
}

// readIDX reads the IDX file at path as ReadIDX does, but returns the
// elements as the file's raw big-endian bytes, leaving x.Data nil: MNIST's
// images are 47 MB so, 376 MB as float64.
func readIDX(path string) (x *IDX, raw []byte, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	return readIDXRaw(f, path)
}

// readIDXRaw is ReadIDX without the conversion to float64.
func readIDXRaw(r io.Reader, name string) (*IDX, []byte, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var head [4]byte
	if _, err := io.ReadFull(br, head[:]); err != nil {
		return nil, nil, fmt.Errorf("%s: reading the IDX header: %w", name, unexpectedEOF(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, nil, fmt.Errorf("%s: not an IDX file: magic number starts % x, want 00 00", name, head[:2])
	}
	size, ok := idxElemSize[head[2]]
	if !ok {
		return nil, nil, fmt.Errorf("%s: unknown IDX element type 0x%02x", name, head[2])
	}
	nd := int(head[3])
	if nd == 0 {
		return nil, nil, fmt.Errorf("%s: IDX file with no dimensions", name)
	}
	dimBytes := make([]byte, 4*nd)
	if _, err := io.ReadFull(br, dimBytes); err != nil {
		return nil, nil, fmt.Errorf("%s: reading %d IDX dimensions: %w", name, nd, unexpectedEOF(err))
	}
	x := &IDX{Type: head[2], Dims: make([]int, nd)}
	total := 1
	for i := range nd {
		d := binary.BigEndian.Uint32(dimBytes[4*i:])
		if d > maxIDXElements || total*int(d) > maxIDXElements {
			return nil, nil, fmt.Errorf("%s: IDX dimensions too large (dimension %d is %d; at most %d elements)", name, i, d, maxIDXElements)
		}
		x.Dims[i] = int(d)
		total *= int(d)
	}
	// Read the raw bytes first, at their size rather than as float64, so
	// a header promising more than the file holds costs little.
	raw, err := readUpTo(br, total*size)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(raw) < total*size {
		return nil, nil, fmt.Errorf("%s: truncated: header promises %v elements (%d bytes) but the file holds %d bytes of data", name, x.Dims, total*size, len(raw))
	}
	if _, err := br.ReadByte(); err == nil {
		return nil, nil, fmt.Errorf("%s: data continues past the %v elements the header promises", name, x.Dims)
	} else if err != io.EOF {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	return x, raw, nil
}

// idxFirstRead is the most readUpTo allocates before any data has
// arrived: all of MNIST's largest file (47 MB), yet little for a corrupt
// header that promises gigabytes.
const idxFirstRead = 64 << 20

// readUpTo reads r until it ends or n bytes have come. Where io.ReadAll
// would grow its buffer step by step, leaving each smaller copy as garbage
// (about twice the file at the peak), this allocates what the header
// promises at once, up to idxFirstRead, and past that doubles only as
// data keeps coming.
func readUpTo(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, idxFirstRead))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), len(buf)+min(n-len(buf), cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		k, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// unexpectedEOF turns io.EOF into io.ErrUnexpectedEOF: a file that ends in
// its header is truncated, not empty of records.
func unexpectedEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// LoadMNIST reads the MNIST training set (train true: train-images-idx3-ubyte
// and train-labels-idx1-ubyte) or test set (t10k-...) from dir, each file
// gzipped (with a .gz suffix) or not. Pixels become features scaled to
// [0, 1], one row per image of shape 1×28×28 (SampleShape); labels become one-hot rows with class names
// "0" to "9".
func LoadMNIST(dir string, train bool) (*Dataset, error) {
	return LoadMNISTWith(dir, train, MNISTOptions{})
}

// MNISTOptions are LoadMNISTWith's choices.
type MNISTOptions struct {
	// Float32 stores the pixels in float32 (see Dataset.Compact): 188 MB
	// for the training images instead of 376 MB, and each reads as the
	// same float64 value, b/255, as without it.
	Float32 bool
}

// LoadMNISTWith is LoadMNIST with options.
func LoadMNISTWith(dir string, train bool, o MNISTOptions) (*Dataset, error) {
	prefix := "t10k"
	if train {
		prefix = "train"
	}
	imgPath, err := findIDX(dir, prefix+"-images-idx3-ubyte")
	if err != nil {
		return nil, err
	}
	lblPath, err := findIDX(dir, prefix+"-labels-idx1-ubyte")
	if err != nil {
		return nil, err
	}
	lbl, labels, err := readIDX(lblPath)
	if err != nil {
		return nil, err
	}
	if lbl.Type != 0x08 || len(lbl.Dims) != 1 {
		return nil, fmt.Errorf("%s: want a 1-dimensional unsigned-byte IDX array of labels, got type 0x%02x with dimensions %v", lblPath, lbl.Type, lbl.Dims)
	}
	img, pixels, err := readIDX(imgPath)
	if err != nil {
		return nil, err
	}
	if img.Type != 0x08 || len(img.Dims) != 3 {
		return nil, fmt.Errorf("%s: want a 3-dimensional unsigned-byte IDX array of images, got type 0x%02x with dimensions %v", imgPath, img.Type, img.Dims)
	}
	n := img.Dims[0]
	if lbl.Dims[0] != n {
		return nil, fmt.Errorf("%s has %d images but %s has %d labels", imgPath, n, lblPath, lbl.Dims[0])
	}
	const classes = 10
	y := tensor.New[float64](n, classes)
	for i, v := range labels {
		if v >= classes {
			return nil, fmt.Errorf("%s: label %d is %v, want 0 to 9", lblPath, i, v)
		}
		y.Data[i*classes+int(v)] = 1
	}
	names := make([]string, classes)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	d := &Dataset{
		Y:           y,
		Task:        Classification,
		TargetNames: []string{"digit"},
		ClassNames:  names,
		SampleShape: []int{1, img.Dims[1], img.Dims[2]}, // one grey channel
	}
	cols := img.Dims[1] * img.Dims[2]
	if o.Float32 {
		// The byte values are exact in float32; ReadFeatures divides by
		// 255 in float64, as the line below does.
		d.x32, d.div = tensor.New[float32](n, cols), 255
		for i, b := range pixels {
			d.x32.Data[i] = float32(b)
		}
		return d, nil
	}
	d.X = tensor.New[float64](n, cols)
	for i, b := range pixels {
		d.X.Data[i] = float64(b) / 255
	}
	return d, nil
}

// findIDX returns the path of base or base.gz in dir.
func findIDX(dir, base string) (string, error) {
	for _, name := range []string{base, base + ".gz"} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("data: %w", err)
		}
	}
	return "", fmt.Errorf("data: MNIST file %s not found in %s (nor %s.gz); scripts/fetch-mnist.sh prints a folder that has it", base, dir, base)
}
