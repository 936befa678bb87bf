package plot

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
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

// formatOf returns the image format named by path's extension.
func formatOf(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "png", "svg", "pdf":
		return ext, nil
	}
	return "", fmt.Errorf("plot: %s: unknown image type %q (want .png, .svg or .pdf)", path, filepath.Ext(path))
}

// writeAtomic writes path through write, via a temporary file in the same
// directory (a rename is atomic only within one file system) that is
// removed again if anything fails.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := write(f); err != nil {
		return fmt.Errorf("plot: %s: %w", path, err)
	}
	// CreateTemp makes the file private (0600); an image is meant to be
	// shared like any file the user creates.
	if err := f.Chmod(0o644); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	return nil
}
