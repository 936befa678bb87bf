package onnx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
	"github.com/descent-ml/descent/onnx/internal/onnxpb"
	"github.com/descent-ml/descent/tensor"
)

// testModel describes a model to build for a test.
type testModel struct {
	acts    []activation.Spec // one per layer
	units   []int             // one per layer
	inputs  int
	noBias  bool
	loss    string
	task    string
	scaler  data.ScalerKind // "" for none
	float64 bool
	// targetScaler maps the outputs back to targets' units (regression).
	targetScaler bool
	// shape is the input sample's shape and spatial the layers (conv2d,
	// pooling) that come before the dense layers in units.
	shape   nn.Shape
	spatial []nn.LayerSpec
}

func act(name string) activation.Spec { return activation.Spec{Name: name} }

// build returns the model with random weights and biases (seeded by
// seed) and, when asked, a scaler fitted on rawFeatures.
func (tm testModel) build(t testing.TB, seed uint64) *model.Model {
	t.Helper()
	spec := nn.Spec{Inputs: tm.inputs, InputShape: tm.shape, Layers: append([]nn.LayerSpec(nil), tm.spatial...)}
	for i, u := range tm.units {
		spec.Layers = append(spec.Layers, nn.LayerSpec{Units: u, Activation: tm.acts[i], NoBias: tm.noBias})
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	var m *model.Model
	var err error
	if tm.float64 {
		net := nn.MustNew[float64](spec, rng)
		for _, p := range net.Params() {
			for j := range p.Value.Data {
				p.Value.Data[j] = rng.NormFloat64() * 0.7
			}
		}
		// Running statistics away from their start, positive as a
		// variance must be.
		for _, b := range net.Buffers() {
			for j := range b.Value.Data {
				b.Value.Data[j] = 0.5 + rng.Float64()
			}
		}
		m, err = model.FromNetwork(net, tm.loss, tm.task)
	} else {
		net := nn.MustNew[float32](spec, rng)
		for _, p := range net.Params() {
			for j := range p.Value.Data {
				p.Value.Data[j] = float32(rng.NormFloat64() * 0.7)
			}
		}
		// Running statistics away from their start, positive as a
		// variance must be.
		for _, b := range net.Buffers() {
			for j := range b.Value.Data {
				b.Value.Data[j] = float32(0.5 + rng.Float64())
			}
		}
		m, err = model.FromNetwork(net, tm.loss, tm.task)
	}
	if err != nil {
		t.Fatal(err)
	}
	if tm.scaler != "" {
		s, err := data.FitScaler(tm.scaler, rawFeatures(rng, 50, tm.inputs))
		if err != nil {
			t.Fatal(err)
		}
		m.Scaler = s
	}
	if tm.targetScaler {
		out := tm.units[len(tm.units)-1]
		s := &data.Scaler{Kind: data.Standard, Offset: make([]float64, out), Scale: make([]float64, out)}
		for j := range out {
			s.Offset[j], s.Scale[j] = 1000*float64(j+1), 50+float64(j)
		}
		m.TargetScaler = s
	}
	return m
}

// rawFeatures returns rows of features on different scales, column j
// around 10·j with spread j+1, rounded to float32 so that ONNX Runtime
// and descent see the same numbers.
func rawFeatures(rng *rand.Rand, rows, cols int) *tensor.Matrix[float64] {
	x := tensor.New[float64](rows, cols)
	for i := range rows {
		for j := range cols {
			x.Data[i*cols+j] = float64(float32(10*float64(j) + float64(j+1)*rng.NormFloat64()))
		}
	}
	return x
}

// runtimeDir is where run.js and its node_modules live.
const runtimeDir = "runtime"

// ortJob is one model run by runtime/run.js.
type ortJob struct {
	Model string    `json:"model"`
	Input string    `json:"input"`
	Rows  int       `json:"rows"`
	Cols  int       `json:"cols"`
	Data  []float64 `json:"data"`
	// Dims, when set, is the input's shape, such as N×C×H×W.
	Dims []int `json:"dims,omitempty"`
}

type ortResult struct {
	Output string    `json:"output"`
	Dims   []int     `json:"dims"`
	Data   []float64 `json:"data"`
	Error  string    `json:"error"`
}

// needRuntime returns the node binary, skipping the test when ONNX
// Runtime is not installed, or failing it in CI, where it must be.
func needRuntime(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(runtimeDir, "node_modules", "onnxruntime-node", "package.json"))
	}
	if err != nil {
		msg := fmt.Sprintf("ONNX Runtime not available (%v); install it with: cd onnx/runtime && ONNXRUNTIME_NODE_INSTALL=skip npm ci", err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// runORT runs every job in one node process, so the runtime loads once.
func runORT(t *testing.T, node string, jobs []ortJob) []ortResult {
	t.Helper()
	in, err := json.Marshal(jobs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(runtimeDir, "run.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node run.js: %v\n%s", err, stderr.String())
	}
	var res []ortResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("node run.js printed %q: %v", stdout.String(), err)
	}
	if len(res) != len(jobs) {
		t.Fatalf("node run.js gave %d results for %d jobs", len(res), len(jobs))
	}
	return res
}

// maxAbsDiff compares ONNX Runtime's result with descent's prediction:
// the largest absolute difference, relative for values beyond ±1 (targets
// in their own units, say, where float32 carries 7 digits of 1,000s).
func maxAbsDiff(r ortResult, want *tensor.Matrix[float64]) (float64, error) {
	if r.Error != "" {
		return 0, errors.New(r.Error)
	}
	if len(r.Dims) != 2 || r.Dims[0] != want.Rows || r.Dims[1] != want.Cols {
		return 0, fmt.Errorf("output %q has shape %v, want [%d %d]", r.Output, r.Dims, want.Rows, want.Cols)
	}
	d := 0.0
	for i, v := range r.Data {
		d = math.Max(d, math.Abs(v-want.Data[i])/math.Max(1, math.Abs(want.Data[i])))
		if math.IsNaN(v) {
			return 0, fmt.Errorf("output element %d is NaN", i)
		}
	}
	return d, nil
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 11)) }

// editModel decodes an ONNX file, lets edit change it and encodes it
// again.
func editModel(t testing.TB, b []byte, edit func(mp *onnxpb.ModelProto)) []byte {
	t.Helper()
	var mp onnxpb.ModelProto
	if err := proto.Unmarshal(b, &mp); err != nil {
		t.Fatal(err)
	}
	edit(&mp)
	out, err := proto.Marshal(&mp)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
