package playground

import (
	"reflect"
	"strings"

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
	// Fields are the settings' JSON names and kinds, in order: the page
	// writes and reads share links from them, so that a new field of
	// Settings is in the link without a change to the page.
	Fields []settingField `json:"setting_fields"`
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
		Fields: settingFields(),
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

// settingField is one field of Settings as a share link carries it.
type settingField struct {
	Name string `json:"name"`
	// Kind is string, int, float, bool, list (of strings), numbers,
	// layers (Hidden) or json (anything else, written as JSON).
	Kind string `json:"kind"`
}

// settingFields lists the JSON fields of Settings with their kinds.
func settingFields() []settingField {
	var out []settingField
	t := reflect.TypeFor[Settings]()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, settingField{Name: name, Kind: fieldKind(f.Type)})
	}
	return out
}

func fieldKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "bool"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "int"
	case reflect.Float32, reflect.Float64:
		return "float"
	case reflect.Slice:
		switch e := fieldKind(t.Elem()); {
		case t.Elem() == reflect.TypeFor[Layer]():
			return "layers"
		case e == "string":
			return "list"
		case e == "int" || e == "float":
			return "numbers"
		}
	}
	return "json"
}
