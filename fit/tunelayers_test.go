package fit

import (
	"context"
	"reflect"
	"testing"

	"github.com/descent-ml/descent/nn"
)

// Tune draws dropout with the network: some candidates get a dropout
// layer after each hidden layer, and their options say so.
func TestTuneDrawsDropout(t *testing.T) {
	d, schema := iris(t)
	to := tiny(2)
	to.Trials = 9
	res, err := Tune(context.Background(), d, schema, Defaults(), to)
	if err != nil {
		t.Fatal(err)
	}
	withDrop := 0
	for _, tr := range res.Trials {
		if tr.Dropout == 0 {
			continue
		}
		withDrop++
		o := tr.apply(Defaults())
		if len(o.Hidden) != 0 || len(o.Layers) != 2*len(tr.Hidden) {
			t.Fatalf("trial %d (%v, dropout %g): options Hidden %v, Layers %v; want a dense and a dropout layer per hidden layer", tr.ID, tr.Hidden, tr.Dropout, o.Hidden, o.Layers)
		}
		for i, l := range o.Layers {
			want := nn.LayerSpec{Units: tr.Hidden[i/2]}
			if i%2 == 1 {
				want = nn.LayerSpec{Kind: nn.KindDropout, Rate: tr.Dropout}
			}
			if !reflect.DeepEqual(l, want) {
				t.Errorf("trial %d layer %d: %+v, want %+v", tr.ID, i+1, l, want)
			}
		}
	}
	if withDrop == 0 {
		t.Errorf("no candidate of %d drew dropout", len(res.Trials))
	}
}

// With Options.Layers set, Tune keeps that architecture for every
// candidate and searches the rest; the search repeats bit for bit
// whatever the parallelism.
func TestTuneFixedLayers(t *testing.T) {
	d, schema := iris(t)
	base := Defaults()
	layers, err := nn.ParseLayers("16,dropout:0.25,8")
	if err != nil {
		t.Fatal(err)
	}
	base.Hidden, base.Layers = nil, layers
	var runs [][]Trial
	for _, parallel := range []int{1, 2} {
		res, err := Tune(context.Background(), d, schema, base, tiny(parallel))
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range res.Trials {
			if tr.Layers != nn.FormatLayers(layers) || tr.Hidden != nil || tr.Dropout != 0 {
				t.Errorf("trial %d: layers %q, hidden %v, dropout %g; want %q alone", tr.ID, tr.Layers, tr.Hidden, tr.Dropout, nn.FormatLayers(layers))
			}
		}
		if !reflect.DeepEqual(res.Best.Layers, layers) || res.Best.Hidden != nil {
			t.Errorf("best options: layers %v, hidden %v; want %v", res.Best.Layers, res.Best.Hidden, layers)
		}
		runs = append(runs, res.Trials)
	}
	if !reflect.DeepEqual(runs[0], runs[1]) {
		t.Errorf("parallel 2 trials:\n%+v\nparallel 1:\n%+v", runs[1], runs[0])
	}
}
