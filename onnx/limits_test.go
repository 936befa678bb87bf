package onnx_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/internal/errtext"
	"github.com/descent-ml/descent/onnx"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
)

// allocated returns how many bytes f allocates: an upper bound on the
// memory it can hold at once.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// field returns one length-delimited protobuf field.
func field(num protowire.Number, v []byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

// TestImportAmplification feeds files whose few bytes stand for much
// memory once decoded: the probe's 20 MB of empty nodes peaked at 2.2 GB.
// Each must be refused having allocated less than the file's size.
func TestImportAmplification(t *testing.T) {
	const n = 1 << 20
	emptyNodes := bytes.Repeat(field(1, nil), n)                                // GraphProto.node
	emptyInputs := field(1, bytes.Repeat(field(1, nil), n))                     // one node, NodeProto.input
	packedDims := field(5, field(1, make([]byte, 2*n)))                         // an initializer, TensorProto.dims
	emptyAttrs := field(1, bytes.Repeat(field(5, nil), n))                      // one node, NodeProto.attribute
	emptyOpsets := bytes.Repeat(protowire.AppendVarint([]byte{8<<3 | 2}, 0), n) // ModelProto.opset_import
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty nodes", field(7, emptyNodes)},
		{"empty input names", field(7, emptyInputs)},
		{"packed dims", field(7, packedDims)},
		{"empty attributes", field(7, emptyAttrs)},
		{"empty opset imports", emptyOpsets},
	} {
		var err error
		alloc := allocated(func() { _, err = onnx.Unmarshal(tc.b, onnx.ImportOptions{}) })
		if !errors.Is(err, onnx.ErrNotONNX) || !strings.Contains(err.Error(), "bytes of memory") {
			t.Errorf("%s: error %v, want ErrNotONNX about the memory decoding would take", tc.name, err)
		}
		if alloc > uint64(len(tc.b)) {
			t.Errorf("%s: refusing a %d-byte file allocated %d bytes, want at most its size", tc.name, len(tc.b), alloc)
		}
	}
}

// TestImportWithinBudget checks that ordinary files pass the wire check
// and decode in a small multiple of their size.
func TestImportWithinBudget(t *testing.T) {
	big := hidden(act(activation.NameTanh))
	big.units, big.inputs = []int{300, 1}, 400
	for _, b := range [][]byte{
		mustMarshal(t, hidden(act(activation.NameTanh)).build(t, 1), onnx.Options{}),
		mustMarshal(t, big.build(t, 1), onnx.Options{}),
	} {
		var err error
		alloc := allocated(func() { _, err = onnx.Unmarshal(b, onnx.ImportOptions{}) })
		if err != nil {
			t.Fatal(err)
		}
		if limit := uint64(8*len(b) + 2<<20); alloc > limit {
			t.Errorf("importing a %d-byte file allocated %d bytes, want at most %d", len(b), alloc, limit)
		}
	}
}

func TestLoadLimits(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "m.onnx")
	b := mustMarshal(t, hidden(act(activation.NameTanh)).build(t, 1), onnx.Options{})
	if err := os.WriteFile(good, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := onnx.Load(good, onnx.ImportOptions{MaxFileSize: int64(len(b))}); err != nil {
		t.Errorf("a file at the limit: %v", err)
	}
	_, err := onnx.Load(good, onnx.ImportOptions{MaxFileSize: int64(len(b)) - 1})
	if err == nil || !strings.Contains(err.Error(), "ImportOptions.MaxFileSize") || !strings.Contains(err.Error(), "more than the limit") {
		t.Errorf("a file over the limit: error %v, want one naming the limit and ImportOptions.MaxFileSize", err)
	}

	// 64 MiB of zeros, refused from the first bytes.
	zeros := filepath.Join(dir, "zeros.onnx")
	if err := os.WriteFile(zeros, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(zeros, 64<<20); err != nil {
		t.Fatal(err)
	}
	alloc := allocated(func() { _, err = onnx.Load(zeros, onnx.ImportOptions{}) })
	if !errors.Is(err, onnx.ErrNotONNX) || !strings.Contains(err.Error(), "cannot start a protobuf message") {
		t.Errorf("zeros: error %v, want ErrNotONNX saying it cannot start a message", err)
	}
	if alloc > 1<<20 {
		t.Errorf("refusing 64 MiB of zeros allocated %d bytes, want under 1 MiB", alloc)
	}
}

// TestImportErrorsShort checks that names from the file are quoted as
// excerpts: a ten-megabyte operator name is not a ten-megabyte error.
func TestImportErrorsShort(t *testing.T) {
	long := strings.Repeat("X", 10_000_000)
	base := stripMetadata(t, mustMarshal(t, hidden(act(activation.NameTanh)).build(t, 1), onnx.Options{}))
	for _, tc := range []struct {
		name string
		edit func(mp *onnxpb.ModelProto)
		want string
	}{
		{"operator", func(mp *onnxpb.ModelProto) { mp.Graph.Node[1].OpType = long }, errtext.Excerpt(long)},
		{"node name", func(mp *onnxpb.ModelProto) { mp.Graph.Node[1].OpType, mp.Graph.Node[1].Name = "Conv", long }, errtext.Excerpt(long)},
		{"initializer", func(mp *onnxpb.ModelProto) {
			init := mp.Graph.Initializer[0]
			old := init.Name
			init.Name, init.Dims = long, append(init.Dims, 2)
			for _, n := range mp.Graph.Node {
				for i, in := range n.Input {
					if in == old {
						n.Input[i] = long
					}
				}
			}
		}, "holds"},
		{"output name", func(mp *onnxpb.ModelProto) { mp.Graph.Output[0].Name = long }, "neither used by a node nor the graph's output"},
	} {
		_, err := onnx.Unmarshal(editModel(t, base, tc.edit), onnx.ImportOptions{})
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if n := len(err.Error()); n > 2*errtext.MaxLen {
			t.Errorf("%s: error of %d bytes, want at most %d", tc.name, n, 2*errtext.MaxLen)
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %.300q, want it to mention %q", tc.name, err, tc.want)
		}
	}
}
