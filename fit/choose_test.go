package fit

import (
	"context"
	"reflect"
	"testing"
)

// With AltHidden the selection run also trains the other layout on the
// same split and keeps the one that scores better on the validation rows:
// the model is, bit for bit, the one Train makes with the winner as
// Hidden alone, and the winner's validation score is the better one.
func TestAltHiddenKeepsTheBetterLayout(t *testing.T) {
	d, schema := iris(t)
	o := Defaults()
	o.Epochs, o.Patience, o.Ensemble = 8, 0, 1
	o.SelectByLoss = false // rank by accuracy, then loss
	o.Hidden, o.AltHidden = []int{32}, [][]int{{2}}
	both, err := Train(context.Background(), d, schema, o)
	if err != nil {
		t.Fatal(err)
	}
	alone := map[int]*Result{}
	for _, h := range []int{2, 32} {
		one := o
		one.Hidden, one.AltHidden = []int{h}, nil
		if alone[h], err = Train(context.Background(), d, schema, one); err != nil {
			t.Fatal(err)
		}
	}
	acc := func(r *Result) (float64, float64) {
		return r.Model.Metrics["val_accuracy"], r.Model.Metrics["val_loss"]
	}
	a2, l2 := acc(alone[2])
	a32, l32 := acc(alone[32])
	want := 2
	if a32 > a2 || (a32 == a2 && l32 < l2) {
		want = 32
	}
	got := both.Model.Spec.Layers[0].Units
	if got != want {
		t.Errorf("kept %d hidden units; validation gives 2 units %v/%v, 32 units %v/%v, so want %d", got, a2, l2, a32, l32, want)
	}
	if !reflect.DeepEqual(both.Model.Params, alone[want].Model.Params) {
		t.Errorf("the model differs from Train's with hidden %d alone", want)
	}
	if want != 2 {
		t.Errorf("on this data the alternative (2 units) should win, so that the test checks the switch; it did not (%v/%v against %v/%v)", a2, l2, a32, l32)
	}
}

// SelectByLoss chooses a classifier's epoch by the validation loss alone:
// the best epoch is the first with the lowest validation loss, where
// ranking by accuracy first may pick another.
func TestSelectByLoss(t *testing.T) {
	d, schema := iris(t)
	o := Defaults()
	o.Epochs, o.Patience, o.Ensemble, o.Hidden, o.Refit = 30, 0, 1, []int{8}, false
	o.SelectByLoss = true
	res, err := Train(context.Background(), d, schema, o)
	if err != nil {
		t.Fatal(err)
	}
	want, lowest := 0, 0.0
	for _, e := range res.Selection.Epochs {
		if want == 0 || e.Val.Loss < lowest {
			want, lowest = e.Epoch, e.Val.Loss
		}
	}
	if res.BestEpoch != want {
		t.Errorf("best epoch %d; the lowest validation loss (%v) is at epoch %d", res.BestEpoch, lowest, want)
	}
}
