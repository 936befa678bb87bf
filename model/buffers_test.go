package model

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/tensor"
)

// batchNormNet returns a network with a batch normalisation layer trained
// for a few steps, so that its running statistics are neither the
// starting 0 and 1 nor its parameters' values.
func batchNormNet(t testing.TB) (*nn.Network[float64], *tensor.Matrix[float64]) {
	t.Helper()
	spec := nn.Spec{Inputs: 3, Layers: []nn.LayerSpec{
		{Units: 4, Activation: activation.Spec{Name: activation.NameTanh}},
		{Kind: nn.KindBatchNorm},
		{Units: 2, Activation: activation.Spec{Name: activation.NameIdentity}},
	}}
	net := nn.MustNew[float64](spec, rand.New(rand.NewPCG(9, 9)))
	x := tensor.FromRows([][]float64{{1, 2, 3}, {-1, 0.5, 2}, {0, -2, 1}, {3, 1, -1}})
	y := tensor.FromRows([][]float64{{1, 0}, {0, 1}, {1, 1}, {0, 0}})
	for range 5 {
		net.Step(loss.MSE[float64]{}, x, y, 0.1)
	}
	return net, x
}

func batchNormModel(t testing.TB) *Model {
	t.Helper()
	net, _ := batchNormNet(t)
	m, err := FromNetwork(net, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBuffersRoundTrip checks that the running statistics are saved and
// loaded bit for bit in both formats, in a model and in a checkpoint, and
// that the loaded network evaluates as the saved one did.
func TestBuffersRoundTrip(t *testing.T) {
	net, x := batchNormNet(t)
	net.SetTraining(false)
	want := net.Forward(x).Clone()
	m, err := FromNetwork(net, "mse", "regression")
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.Buffers); got != 2 {
		t.Fatalf("%d buffers, want 2", got)
	}
	if got := m.Buffers[1]; got.Name != "layer2.running_var" || got.Values[0] == 1 {
		t.Fatalf("buffer 2 is %+v, want a moved layer2.running_var", got)
	}
	dir := t.TempDir()
	for _, f := range []Format{JSON, Binary} {
		back := roundTrip(t, m, f)
		if !reflect.DeepEqual(back.Buffers, m.Buffers) {
			t.Errorf("%v: buffers %+v, want %+v", f, back.Buffers, m.Buffers)
		}
		got, err := Network[float64](back)
		if err != nil {
			t.Fatal(err)
		}
		got.SetTraining(false)
		if out := got.Forward(x); !reflect.DeepEqual(out.Data, want.Data) {
			t.Errorf("%v: loaded network evaluates to %v, want %v", f, out.Data, want.Data)
		}
		c := &Checkpoint{Model: m, Optimizer: optim.State{Name: "sgd", Step: 5}, Epoch: 1}
		path := filepath.Join(dir, "ckpt."+f.String())
		if err := SaveCheckpoint(path, c, f); err != nil {
			t.Fatal(err)
		}
		cb, err := LoadCheckpoint(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(cb.Model.Buffers, m.Buffers) {
			t.Errorf("%v checkpoint: buffers %+v, want %+v", f, cb.Model.Buffers, m.Buffers)
		}
	}
}

// TestBuffersChecksum checks that the checksum covers the buffers: a
// changed running statistic with the file's CRC made right again is still
// refused, in both formats.
func TestBuffersChecksum(t *testing.T) {
	m := batchNormModel(t)
	j := encoded(t, m, JSON)
	at := bytes.Index(j, []byte(`"name": "layer2.running_mean"`))
	if at < 0 {
		t.Fatalf("no running_mean in\n%s", j)
	}
	at += bytes.Index(j[at:], []byte(`"values": [`))
	digit := at + bytes.IndexAny(j[at:], "123456789")
	j[digit] = "21"[min(1, int(j[digit]-'1'))]
	if _, err := Decode(bytes.NewReader(j), "bn.json"); !errors.Is(err, ErrChecksum) {
		t.Errorf("JSON with a changed running mean: %v, want ErrChecksum", err)
	}
	// A binary file has no sha256; its CRC covers every byte.
	b := encoded(t, m, Binary)
	// The last float64 before the CRC is the last running variance.
	end := len(b) - 4 - 8
	binary.LittleEndian.PutUint64(b[end:], math.Float64bits(2.5))
	if _, err := Decode(bytes.NewReader(b), "bn.bin"); !errors.Is(err, ErrChecksum) {
		t.Errorf("binary with a changed running variance: %v, want ErrChecksum", err)
	}
	// The change itself is read back when the CRC is made right.
	back, err := Decode(bytes.NewReader(reseal(b)), "bn.bin")
	if err != nil || back.Buffers[1].Values[3] != 2.5 {
		t.Errorf("resealed binary: %v, want running_var[3] 2.5", err)
	}
}

// TestBuffersRefused checks what Validate refuses about buffers.
func TestBuffersRefused(t *testing.T) {
	tests := []struct {
		name   string
		change func(m *Model)
		want   string
	}{
		{"missing", func(m *Model) { m.Buffers = nil }, "0 buffers, the architecture needs 2"},
		{"renamed", func(m *Model) { m.Buffers[0].Name = "layer2.mean" }, `buffer 1 is layer2.mean 1×4, the architecture needs layer2.running_mean 1×4`},
		{"short", func(m *Model) { m.Buffers[1].Values = m.Buffers[1].Values[1:] }, "buffer layer2.running_var has 3 values"},
		{"NaN", func(m *Model) { m.Buffers[0].Values[2] = math.NaN() }, "buffer layer2.running_mean element 2 is NaN"},
		{"negative variance", func(m *Model) { m.Buffers[1].Values[3] = -0.5 }, "a variance cannot be negative"},
	}
	for _, tt := range tests {
		m := batchNormModel(t)
		tt.change(m)
		err := m.Validate()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want ErrInvalid containing %q", tt.name, err, tt.want)
		}
	}
	// A model without stateful layers has no buffers and writes none, so
	// its files read as before buffers existed.
	if j := encoded(t, classifier(t), JSON); bytes.Contains(j, []byte(`"buffers"`)) {
		t.Error(`a dense model's JSON has a "buffers" field`)
	}
	m := classifier(t)
	m.Buffers = batchNormModel(t).Buffers
	if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "2 buffers, the architecture needs 0") {
		t.Errorf("buffers on a dense model: %v", err)
	}
}
