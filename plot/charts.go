package plot

import (
	"fmt"
	"math"
	"strconv"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// LossCurves saves a plot of training loss (solid blue), and validation
// loss (dashed orange) if valLoss is not empty, against the epoch (1, 2, …)
// to path; the extension picks
// the format, as for Save. With logY the loss axis is logarithmic, which
// shows progress late in training; if any loss is zero or negative it
// stays linear, since a log scale cannot show such values.
//
// TrainingCurves draws the picture that puts the validation loss first,
// names the loss and marks the restored epoch.
func LossCurves(path string, trainLoss, valLoss []float64, logY bool) error {
	if len(trainLoss) == 0 {
		return fmt.Errorf("plot: %s: no training losses to plot", path)
	}
	series := []Series{{Name: "training", X: count(len(trainLoss)), Y: trainLoss}}
	if len(valLoss) > 0 {
		series = append(series, Series{Name: "validation", X: count(len(valLoss)), Y: valLoss})
	}
	p, err := Lines("Loss", "epoch", "loss", series)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, path)
	}
	p.X.Tick.Marker = linearTicks{integer: true}
	if logY && UseLogY(p) {
		p.Y.Label.Text = "loss (log scale)"
	}
	return Save(p, path)
}

// Iterations saves a plot of values against iterations to path, titled
// title and with yLabel on the y axis: the tutorial's plots of a
// prediction or an error as gradient descent proceeds. ProgressCurve
// draws the same with a target line or a log axis.
func Iterations(path, title, yLabel string, iterations, values []float64) error {
	return ProgressCurve(path, Progress{Title: title, YLabel: yLabel, Iterations: iterations, Values: values})
}

// Progress is what ProgressCurve draws: one value against the iteration.
type Progress struct {
	// Title and YLabel name the plot and its y axis.
	Title, YLabel string
	// Iterations and Values are the points, of equal length.
	Iterations, Values []float64
	// Target, when TargetSet, is the value the curve should reach, drawn
	// as a dashed horizontal line across the iterations and named in the
	// legend. TargetSet tells a target of 0 from none.
	Target    float64
	TargetSet bool
	// LogScale puts the values on a logarithmic axis, which shows an
	// error that shrinks by orders of magnitude; if any value is zero or
	// negative the axis stays linear, as for UseLogY.
	LogScale bool
}

// ProgressCurve saves the plot of pr to path, in the format its extension
// names (as for Save).
func ProgressCurve(path string, pr Progress) error {
	if len(pr.Values) == 0 {
		return fmt.Errorf("plot: %s: no values to plot", path)
	}
	name := ""
	if pr.TargetSet {
		name = pr.YLabel // a legend only when there are two lines to tell apart
	}
	p, err := Lines(pr.Title, "iteration", pr.YLabel, []Series{{Name: name, X: pr.Iterations, Y: pr.Values}})
	if err != nil {
		return fmt.Errorf("%w (%s)", err, path)
	}
	if allIntegers(pr.Iterations) {
		p.X.Tick.Marker = linearTicks{integer: true}
	}
	if pr.TargetSet && len(pr.Iterations) > 0 {
		// Two points spanning the iterations, so that the y axis always
		// reaches the target, even when the curve stops short of it.
		first, last := pr.Iterations[0], pr.Iterations[len(pr.Iterations)-1]
		target := Series{Name: "target", X: []float64{first, last}, Y: []float64{pr.Target, pr.Target}}
		style := draw.LineStyle{Color: restoredColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		thumbs, err := addLine(p, target, style, false)
		if err != nil {
			return fmt.Errorf("%w (%s)", err, path)
		}
		if thumbs != nil {
			p.Legend.Add("target "+strconv.FormatFloat(pr.Target, 'g', -1, 64), thumbs...)
		}
	}
	if pr.LogScale && UseLogY(p) {
		p.Y.Label.Text = pr.YLabel + " (log scale)"
	}
	return Save(p, path)
}

// count returns 1, 2, …, n.
func count(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i + 1)
	}
	return x
}

// allIntegers reports whether every value is a whole number.
func allIntegers(x []float64) bool {
	for _, v := range x {
		if v != math.Trunc(v) {
			return false
		}
	}
	return true
}
