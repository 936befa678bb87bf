package playground

import (
	"github.com/descent-ml/descent/activation"
	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/optim"
)

// pageData is what index.html is rendered with.
type pageData struct {
	Config pageConfig
}

type pageConfig struct {
	Datasets    []datasetInfo `json:"datasets"`
	Activations []string      `json:"activations"`
	Outputs     []string      `json:"outputs"`
	Losses      []string      `json:"losses"`
	Optimizers  []string      `json:"optimizers"`
	Defaults    Settings      `json:"defaults"`
	MaxHidden   int           `json:"max_hidden"`
	MaxUnits    int           `json:"max_units"`
	MaxSamples  int           `json:"max_samples"`
	MaxUpload   int64         `json:"max_upload"`
	MaxSpeed    int           `json:"max_speed"`
	// Token is sent back in the X-Descent-Token header; another site's
	// page cannot read it, as it cannot read this page.
	Token string `json:"token,omitempty"`
	// Static is set in an exported site: the page trains in a Web Worker
	// running the WebAssembly build instead of asking a server.
	Static bool `json:"static,omitempty"`
}

type datasetInfo struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	About string `json:"about"`
	Dims  int    `json:"dims"`
}

var datasetLabels = map[string]string{
	"xor": "XOR", "circles": "Circles", "moons": "Moons", "spiral": "Spiral", "blobs": "Blobs",
	"linear": "Linear", "sin": "sin(x)", "point": "One point", DatasetCSV: "Your CSV",
}

// newPageConfig returns what the page needs to know before its first
// request; the caller sets Token or Static.
func newPageConfig(maxUpload int64) pageConfig {
	cfg := pageConfig{
		Activations: hiddenActivations,
		Outputs:     activation.Names(),
		Losses:      loss.Names(),
		Optimizers:  optim.Names(),
		Defaults:    Defaults(),
		MaxHidden:   MaxHiddenLayers, MaxUnits: MaxUnits, MaxSamples: MaxSamples,
		MaxUpload: maxUpload, MaxSpeed: MaxSpeed,
	}
	for _, n := range datasetNames {
		about, dims := datasets.Description(n), 2
		switch n {
		case "sin", "point":
			dims = 1
		case DatasetCSV:
			about, dims = "a table of your own: the last column is the target", 0
		}
		cfg.Datasets = append(cfg.Datasets, datasetInfo{Name: n, Label: datasetLabels[n], About: about, Dims: dims})
	}
	return cfg
}
