// Package plot draws the command line's charts (a run's loss curves, with
// the validation loss first and the restored epoch marked, and
// per-iteration traces) as PNG, SVG or PDF files. It is a thin layer over
// gonum.org/v1/plot: Lines builds an ordinary *plot.Plot that a caller may
// adjust further before handing it to Save.
//
// Files are written atomically: the image goes to a temporary file in the
// target directory which is then renamed over the target, so a reader (or a
// browser polling the file during training) never sees half an image.
//
// Non-finite values (NaN, ±Inf, as a diverging loss produces) are left out
// of the lines rather than failing the whole plot.
package plot
