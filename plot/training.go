package plot

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Curves is what TrainingCurves draws: the losses of one run, epoch by
// epoch.
type Curves struct {
	// TrainLoss and ValLoss are the training and validation losses of
	// epochs 1, 2, …; either may be empty, not both.
	TrainLoss, ValLoss []float64
	// LossName names the loss in the title and on the y axis, for example
	// "softmax_cross_entropy"; "" means just "loss".
	LossName string
	// RestoredEpoch is the epoch whose weights the run kept, counted from
	// 1; it gets a vertical line and a legend entry. 0 means none.
	RestoredEpoch int
	// LogScale puts the loss on a logarithmic axis, as LossCurves' logY.
	LogScale bool
	// Data names the data the run trained on, for the title ("iris.csv");
	// "" leaves it out.
	Data string
	// TrainMetric and ValMetric are a score of epochs 1, 2, … that
	// rises as the model improves: accuracy for classification, R² for
	// regression. When either is given, TrainingCurves draws them in a
	// second panel beside the loss, as the loss is drawn; both empty
	// draws the loss alone.
	TrainMetric, ValMetric []float64
	// MetricName names the score on the second panel, "accuracy" or "R²";
	// "" means "score".
	MetricName string
}

// PanelWidth is the width of each panel when TrainingCurves draws two side
// by side: together 12 inches, so that each keeps most of a single plot's
// 8 inches and its title stays on one line.
const PanelWidth = 6 * vg.Inch

// Colors of TrainingCurves: validation in the palette's blue, training in
// Tableau's light blue so that it reads as the same quantity on other
// data, and the restored epoch in the palette's red.
var (
	valColor      = palette[0]
	trainColor    = color.RGBA{R: 174, G: 199, B: 232, A: 255}
	restoredColor = palette[3]
)

// TrainingCurves saves the picture of a run to path, in the format its
// extension names (as for Save): the validation loss against the epoch as
// a solid line, first in the legend, the training loss as a lighter dashed
// line behind it, and a dashed vertical line at c.RestoredEpoch. The title
// names the loss. Without validation losses the training loss is the
// solid line. With c.TrainMetric or c.ValMetric, a second panel to the
// right draws the score the same way, the restored epoch marked too, and
// the image is two PanelWidths wide.
//
// It returns an error, before drawing anything, for an unknown extension,
// no losses at all, or a restored epoch outside the epochs plotted.
func TrainingCurves(path string, c Curves) error {
	if _, err := formatOf(path); err != nil {
		return err
	}
	epochs := max(len(c.TrainLoss), len(c.ValLoss))
	if epochs == 0 {
		return fmt.Errorf("plot: %s: no losses to plot", path)
	}
	if c.RestoredEpoch < 0 || c.RestoredEpoch > epochs {
		return fmt.Errorf("plot: %s: restored epoch %d is outside the %d epochs plotted", path, c.RestoredEpoch, epochs)
	}
	name := c.LossName
	if name == "" {
		name = "loss"
	}
	title := "loss"
	if c.LossName != "" {
		title += " (" + c.LossName + ")"
	}
	if c.Data != "" {
		title += " on " + c.Data
	}
	p, err := curvePanel(c.TrainLoss, c.ValLoss, title, name, c.RestoredEpoch, false)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, path)
	}
	if c.LogScale && UseLogY(p) {
		p.Y.Label.Text = name + " (log scale)"
	}
	if len(c.TrainMetric) == 0 && len(c.ValMetric) == 0 {
		return Save(p, path)
	}
	metric := c.MetricName
	if metric == "" {
		metric = "score"
	}
	m, err := curvePanel(c.TrainMetric, c.ValMetric, metric, metric, c.RestoredEpoch, true)
	if err != nil {
		return fmt.Errorf("%w (%s)", err, path)
	}
	// The score rises as the loss falls: its legend goes to the bottom
	// right, which its curves leave empty, and the restored epoch's line
	// rises from the curve to the top, clear of the legend.
	m.Legend.Top = false
	m.Legend.YOffs = vg.Points(6)
	return saveRow(path, []*plot.Plot{p, m})
}

// curvePanel draws one quantity of a run against the epoch: the validation
// values as the solid line, the training values as a lighter dashed line
// behind them, and the restored epoch marked on the solid line. The title
// is what, prefixed with "Validation" or "Training" after the solid line.
// With up, the restored epoch's line rises from the point to the top
// rather than dropping to the axis.
func curvePanel(train, val []float64, what, yLabel string, restored int, up bool) (*plot.Plot, error) {
	main, mainName, title := val, "validation", "Validation "+what
	if len(val) == 0 {
		main, mainName, title = train, "training", "Training "+what
	}
	p := plot.New()
	style(p)
	p.Title.Text = title
	p.X.Label.Text = "epoch"
	p.Y.Label.Text = yLabel
	p.X.Tick.Marker = linearTicks{integer: true}
	addGrid(p)
	// The training line goes on first so that the main line is drawn over
	// it; the legend still lists the main line first.
	var trainThumbs []plot.Thumbnailer
	if len(val) > 0 && len(train) > 0 {
		trainStyle := draw.LineStyle{Color: trainColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(6), vg.Points(3)}}
		var err error
		trainThumbs, err = addLine(p, Series{Name: "training", X: count(len(train)), Y: train}, trainStyle, false)
		if err != nil {
			return nil, err
		}
	}
	mainStyle := draw.LineStyle{Color: valColor, Width: vg.Points(2.5)}
	mainThumbs, err := addLine(p, Series{Name: mainName, X: count(len(main)), Y: main}, mainStyle, true)
	if err != nil {
		return nil, err
	}
	if mainThumbs == nil && trainThumbs == nil {
		return nil, ErrNoData
	}
	if mainThumbs != nil {
		p.Legend.Add(mainName, mainThumbs...)
	}
	if trainThumbs != nil {
		p.Legend.Add("training", trainThumbs...)
	}
	if restored > 0 && restored <= max(len(train), len(val)) {
		m := epochMarker{
			epoch: float64(restored),
			y:     math.NaN(),
			line:  draw.LineStyle{Color: restoredColor, Width: vg.Points(1.5), Dashes: []vg.Length{vg.Points(2), vg.Points(2)}},
			ring:  draw.GlyphStyle{Color: restoredColor, Radius: vg.Points(5), Shape: draw.RingGlyph{}},
			up:    up,
		}
		if i := restored - 1; i < len(main) && isFinite(main[i]) {
			m.y = main[i]
		}
		p.Add(m)
		p.Legend.Add("restored epoch "+strconv.Itoa(restored), m)
	}
	return p, nil
}

// epochMarker marks the restored epoch: a ring round its point on the main
// curve with a line dropped from it to the epoch axis. Stopping the line at
// the curve keeps it clear of the legend above, which a full-height line
// would cross whenever the restored epoch is late in the run, as it often
// is. Without a finite point (y is NaN) the line spans the whole height.
//
// It has no data range, so it never widens the axes; the epoch is checked
// to lie within them before it is added.
type epochMarker struct {
	epoch, y float64
	line     draw.LineStyle
	ring     draw.GlyphStyle
	// up draws the line from the point up to the top instead, for a
	// score whose legend is at the bottom.
	up bool
}

// Plot draws the line, and the ring if there is a point.
func (m epochMarker) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x := trX(m.epoch)
	if math.IsNaN(m.y) {
		c.StrokeLine2(m.line, x, c.Min.Y, x, c.Max.Y)
		return
	}
	y := trY(m.y)
	if m.up {
		c.StrokeLine2(m.line, x, y+m.ring.Radius, x, c.Max.Y)
	} else {
		c.StrokeLine2(m.line, x, c.Min.Y, x, y-m.ring.Radius)
	}
	c.DrawGlyph(m.ring, vg.Point{X: x, Y: y})
}

// GlyphBoxes makes room for the ring at the edges of the plot.
func (m epochMarker) GlyphBoxes(p *plot.Plot) []plot.GlyphBox {
	if math.IsNaN(m.y) {
		return nil
	}
	return []plot.GlyphBox{{X: p.X.Norm(m.epoch), Y: p.Y.Norm(m.y), Rectangle: m.ring.Rectangle()}}
}

// Thumbnail draws a short vertical line, as the marker looks on the plot.
func (m epochMarker) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(m.line, x, c.Min.Y, x, c.Max.Y)
}
