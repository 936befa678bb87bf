package plot

import (
	"fmt"
	"math"
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
// prediction or an error as gradient descent proceeds.
func Iterations(path, title, yLabel string, iterations, values []float64) error {
	if len(values) == 0 {
		return fmt.Errorf("plot: %s: no values to plot", path)
	}
	p, err := Lines(title, "iteration", yLabel, []Series{{X: iterations, Y: values}})
	if err != nil {
		return fmt.Errorf("%w (%s)", err, path)
	}
	if allIntegers(iterations) {
		p.X.Tick.Marker = linearTicks{integer: true}
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
