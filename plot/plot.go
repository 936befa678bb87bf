package plot

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named line: the points (X[i], Y[i]).
type Series struct {
	// Name labels the line in the legend; unnamed lines get no entry.
	Name string
	X, Y []float64
}

// palette holds the line colors used in turn, from the Tableau 10 palette,
// which stays distinguishable for the common forms of color blindness.
// The first two are the training and validation colors of LossCurves.
var palette = []color.Color{
	color.RGBA{R: 31, G: 119, B: 180, A: 255},  // blue
	color.RGBA{R: 255, G: 127, B: 14, A: 255},  // orange
	color.RGBA{R: 44, G: 160, B: 44, A: 255},   // green
	color.RGBA{R: 214, G: 39, B: 40, A: 255},   // red
	color.RGBA{R: 148, G: 103, B: 189, A: 255}, // purple
	color.RGBA{R: 140, G: 86, B: 75, A: 255},   // brown
	color.RGBA{R: 227, G: 119, B: 194, A: 255}, // pink
	color.RGBA{R: 127, G: 127, B: 127, A: 255}, // grey
}

// markerLimit is the most points a line may have and still get a marker
// at every point: enough to show individual epochs of a short run, few
// enough that markers do not merge into a thick smear.
const markerLimit = 40

// ErrNoData is returned when no series has a single finite point to draw.
var ErrNoData = errors.New("plot: nothing to draw: no finite data points")

// Lines returns a line plot of series with the given title and axis labels,
// a light grid and a legend for the named series. The series take turns
// through blue, orange, green, red, purple, brown, pink and grey (Tableau
// 10, kind to colour-blind readers); every second series is dashed, so lines stay apart in
// grey-scale print too. Short series get a marker at each point.
//
// It returns an error if a series' X and Y differ in length or if there is
// no finite point to draw at all.
func Lines(title, xLabel, yLabel string, series []Series) (*plot.Plot, error) {
	p := plot.New()
	style(p)
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	addGrid(p)
	drawn := 0
	for i, s := range series {
		var dashes []vg.Length
		if i%2 == 1 {
			dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		thumbs, err := addLine(p, s, draw.LineStyle{Color: palette[i%len(palette)], Width: vg.Points(2), Dashes: dashes}, true)
		if err != nil {
			return nil, err
		}
		if thumbs == nil {
			continue
		}
		if s.Name != "" {
			p.Legend.Add(s.Name, thumbs...)
		}
		drawn++
	}
	if drawn == 0 {
		return nil, ErrNoData
	}
	return p, nil
}

// addLine adds s to p as a line in style ls, with a marker at each point
// when markers is set and the series is short. It returns what a legend
// entry for the line should show, or nil if s had no finite point to draw;
// the caller adds the entry, so that it can choose the legend's order.
func addLine(p *plot.Plot, s Series, ls draw.LineStyle, markers bool) ([]plot.Thumbnailer, error) {
	if len(s.X) != len(s.Y) {
		return nil, fmt.Errorf("plot: series %q has %d x values but %d y values", s.Name, len(s.X), len(s.Y))
	}
	xys := finite(s.X, s.Y)
	if len(xys) == 0 {
		return nil, nil
	}
	line, points, err := plotter.NewLinePoints(xys)
	if err != nil {
		return nil, fmt.Errorf("plot: series %q: %w", s.Name, err)
	}
	line.LineStyle = ls
	thumbs := []plot.Thumbnailer{line}
	p.Add(line)
	if markers && len(xys) <= markerLimit {
		points.Color = ls.Color
		points.Shape = draw.CircleGlyph{}
		points.Radius = vg.Points(2.5)
		p.Add(points)
		thumbs = append(thumbs, points)
	}
	return thumbs, nil
}

// addGrid adds the light grid that every plot here has.
func addGrid(p *plot.Plot) {
	grid := plotter.NewGrid()
	grid.Vertical.Color = gridColor
	grid.Horizontal.Color = gridColor
	p.Add(grid)
}

// UseLogY puts p's y axis on a logarithmic scale if every plotted y value
// is positive, and reports whether it did. A log scale cannot show zero
// or negative values (gonum/plot would panic), so otherwise the axis stays
// linear. Call it after adding all data.
func UseLogY(p *plot.Plot) bool {
	if !(p.Y.Min > 0) || math.IsInf(p.Y.Max, 0) {
		return false
	}
	p.Y.Scale = plot.LogScale{}
	p.Y.Tick.Marker = logTicks{}
	return true
}

// style gives p a sans-serif font, which stays legible when the PNG is
// shown small, and sizes the text for a plot of Width × Height.
func style(p *plot.Plot) {
	sans := func(s *draw.TextStyle, size float64) {
		s.Font.Variant = "Sans"
		s.Font.Size = vg.Points(size)
	}
	sans(&p.Title.TextStyle, 15)
	p.Title.Padding = vg.Points(8)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		sans(&a.Label.TextStyle, 12)
		sans(&a.Tick.Label, 10)
		a.Tick.Marker = linearTicks{}
	}
	sans(&p.Legend.TextStyle, 11)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = vg.Points(30)
	p.Legend.Padding = vg.Points(2)
	p.Legend.XOffs = -vg.Points(6)
	p.Legend.YOffs = -vg.Points(6)
}

// finite returns the points of x, y whose coordinates are both finite.
func finite(x, y []float64) plotter.XYs {
	xys := make(plotter.XYs, 0, len(x))
	for i := range x {
		if isFinite(x[i]) && isFinite(y[i]) {
			xys = append(xys, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return xys
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// gridColor is a light grey that guides the eye without competing with the
// data.
var gridColor = color.Gray{Y: 210}
