package onnx

import (
	"encoding/json"
	"time"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/model"
	"github.com/descent-ml/descent/nn"
)

// MetadataKey is the metadata_props key under which Marshal stores, as
// JSON, what a descent model holds beyond its graph, and where Unmarshal
// looks for it.
const MetadataKey = "descent.model"

// metadataVersion is the layout of the metadata JSON; Unmarshal ignores
// metadata of a newer layout rather than misreading it.
const metadataVersion = 1

// metadata is the descent-only part of a model. The graph stays the
// authority on the architecture and weights: Spec only supplies what the
// graph cannot say (initialisers, a leaky ReLU slope of "default"), and
// only when it agrees with the graph.
type metadata struct {
	Version      int                `json:"version"`
	DType        string             `json:"dtype"`
	Spec         nn.Spec            `json:"spec"`
	Loss         string             `json:"loss"`
	Task         string             `json:"task,omitempty"`
	Scaler       *data.Scaler       `json:"scaler,omitempty"`
	TargetScaler *data.Scaler       `json:"target_scaler,omitempty"`
	Schema       *data.Schema       `json:"schema,omitempty"`
	ClassNames   []string           `json:"class_names,omitempty"`
	FeatureNames []string           `json:"feature_names,omitempty"`
	Training     json.RawMessage    `json:"training,omitempty"`
	Metrics      map[string]float64 `json:"metrics,omitempty"`
	Created      time.Time          `json:"created,omitzero"`
}

func metadataOf(m *model.Model) metadata {
	return metadata{
		Version: metadataVersion, DType: m.DType, Spec: m.Spec, Loss: m.Loss, Task: m.Task,
		Scaler: m.Scaler, TargetScaler: m.TargetScaler, Schema: m.Schema, ClassNames: m.ClassNames, FeatureNames: m.FeatureNames,
		Training: m.Training, Metrics: m.Metrics, Created: m.Created,
	}
}
