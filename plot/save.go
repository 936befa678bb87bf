package plot

import (
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/descent-ml/descent/internal/atomicfile"
)

// Width and Height are the size of saved plots: 8 × 5 inches, which is
// 768 × 480 pixels in a PNG at gonum/plot's 96 dots per inch.
const (
	Width  = 8 * vg.Inch
	Height = 5 * vg.Inch
)

// Save writes p to path, Width × Height, in the format named by the path's
// extension: .png, .svg or .pdf (case is ignored). The file is written to
// a temporary file in the same directory and renamed into place, so it
// appears complete or not at all.
func Save(p *plot.Plot, path string) error {
	format, err := formatOf(path)
	if err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error { return Write(w, p, format) })
}

// CheckPath reports whether Save can write a plot to path, judged by its
// extension, so that a command can refuse a bad path before it works.
func CheckPath(path string) error {
	_, err := formatOf(path)
	return err
}

// Write draws p, Width × Height, to w in format "png", "svg" or "pdf"; an
// HTTP handler can use it to serve a plot without a file.
func Write(w io.Writer, p *plot.Plot, format string) error {
	switch format {
	case "png", "svg", "pdf":
	default:
		return fmt.Errorf("plot: unsupported format %q (want png, svg or pdf)", format)
	}
	wt, err := p.WriterTo(Width, Height, format)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if _, err := wt.WriteTo(w); err != nil {
		return fmt.Errorf("plot: writing %s: %w", format, err)
	}
	return nil
}

// saveRow writes plots side by side to path, each PanelWidth × Height, in
// the format named by the path's extension. plot.Align sizes the panels'
// data areas alike, so that their epoch axes line up.
func saveRow(path string, plots []*plot.Plot) error {
	format, err := formatOf(path)
	if err != nil {
		return err
	}
	return writeAtomic(path, func(w io.Writer) error {
		c, err := draw.NewFormattedCanvas(PanelWidth*vg.Length(len(plots)), Height, format)
		if err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		dc := draw.New(c)
		// One background under both panels and the gap between them; a
		// PNG would otherwise be transparent there.
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
		tiles := draw.Tiles{Rows: 1, Cols: len(plots), PadX: vg.Points(12)}
		canvases := plot.Align([][]*plot.Plot{plots}, tiles, dc)
		for i, p := range plots {
			p.Draw(canvases[0][i])
		}
		if _, err := c.WriteTo(w); err != nil {
			return fmt.Errorf("plot: writing %s: %w", format, err)
		}
		return nil
	})
}

// formatOf returns the image format named by path's extension.
func formatOf(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "png", "svg", "pdf":
		return ext, nil
	}
	return "", fmt.Errorf("plot: %s: unknown image type %q (want .png, .svg or .pdf)", path, filepath.Ext(path))
}

// writeAtomic writes path through write, never leaving a half-written
// image in its place (see package atomicfile).
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, write); err != nil {
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	return nil
}
