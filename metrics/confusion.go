package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ConfusionMatrix counts predictions by true and predicted class:
// Counts[t][p] is the number of samples of true class t predicted as class
// p. The diagonal holds the correct predictions.
type ConfusionMatrix struct {
	Counts [][]int
}

// NewConfusionMatrix tallies pred against truth for classes classes. A class
// index outside 0…classes-1 is an error; slices of different lengths panic.
func NewConfusionMatrix(pred, truth []int, classes int) (*ConfusionMatrix, error) {
	mustSameLen(len(pred), len(truth))
	if classes < 1 {
		return nil, fmt.Errorf("metrics: a confusion matrix needs at least 1 class, got %d", classes)
	}
	c := &ConfusionMatrix{Counts: make([][]int, classes)}
	for k := range c.Counts {
		c.Counts[k] = make([]int, classes)
	}
	for i, p := range pred {
		t := truth[i]
		if t < 0 || t >= classes {
			return nil, fmt.Errorf("metrics: sample %d has true class %d, outside 0 to %d", i, t, classes-1)
		}
		if p < 0 || p >= classes {
			return nil, fmt.Errorf("metrics: sample %d has predicted class %d, outside 0 to %d", i, p, classes-1)
		}
		c.Counts[t][p]++
	}
	return c, nil
}

// Classes returns the number of classes.
func (c *ConfusionMatrix) Classes() int { return len(c.Counts) }

// Total returns the number of samples counted.
func (c *ConfusionMatrix) Total() int {
	n := 0
	for _, row := range c.Counts {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// Accuracy returns the fraction of samples on the diagonal, or NaN if the
// matrix is empty.
func (c *ConfusionMatrix) Accuracy() float64 {
	hits := 0
	for k := range c.Counts {
		hits += c.Counts[k][k]
	}
	return ratio(hits, c.Total())
}

// Support returns the number of samples whose true class is k.
func (c *ConfusionMatrix) Support(k int) int {
	n := 0
	for _, v := range c.Counts[k] {
		n += v
	}
	return n
}

// Predicted returns the number of samples predicted as class k.
func (c *ConfusionMatrix) Predicted(k int) int {
	n := 0
	for _, row := range c.Counts {
		n += row[k]
	}
	return n
}

// Precision returns the fraction of samples predicted as class k that are
// of class k, or 0 if none were predicted as k.
func (c *ConfusionMatrix) Precision(k int) float64 {
	return zeroDivision(c.Counts[k][k], c.Predicted(k))
}

// Recall returns the fraction of samples of class k that were predicted as
// k, or 0 if there are none of class k.
func (c *ConfusionMatrix) Recall(k int) float64 {
	return zeroDivision(c.Counts[k][k], c.Support(k))
}

// F1 returns the harmonic mean of Precision(k) and Recall(k), or 0 if both
// are 0.
func (c *ConfusionMatrix) F1(k int) float64 {
	p, r := c.Precision(k), c.Recall(k)
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// MacroPrecision returns the unweighted mean of Precision over the classes
// that occur in the truth or the predictions (see macro), or NaN if there
// are none.
func (c *ConfusionMatrix) MacroPrecision() float64 { return c.macro(c.Precision) }

// MacroRecall returns the unweighted mean of Recall over the classes that
// occur in the truth or the predictions, or NaN if there are none.
func (c *ConfusionMatrix) MacroRecall() float64 { return c.macro(c.Recall) }

// MacroF1 returns the unweighted mean of the per-class F1 scores over the
// classes that occur in the truth or the predictions, or NaN if there are
// none. Like scikit-learn it averages the F1 scores, which is not the same
// as the F1 of MacroPrecision and MacroRecall.
func (c *ConfusionMatrix) MacroF1() float64 { return c.macro(c.F1) }

// macro averages score over the classes that occur in the truth or the
// predictions. A class absent from both says nothing about the model, and
// scikit-learn, which by default averages over the labels it sees, also
// leaves it out; counting it as 0 would make a validation split that
// happens to lack a class look worse than it is.
func (c *ConfusionMatrix) macro(score func(k int) float64) float64 {
	var sum float64
	n := 0
	for k := range c.Counts {
		if c.Support(k) == 0 && c.Predicted(k) == 0 {
			continue
		}
		sum += score(k)
		n++
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// String formats the matrix with classes named by their indices.
func (c *ConfusionMatrix) String() string { return c.Format(nil) }

// Format returns the matrix as an aligned text table, one row per true
// class and one column per predicted class, for printing in a terminal:
//
//	true \ predicted  setosa  versicolor  virginica
//	setosa                50           0          0
//	versicolor             0          47          3
//	virginica              0           2         48
//
// classNames labels the classes; missing names fall back to the class
// index.
func (c *ConfusionMatrix) Format(classNames []string) string {
	names := labels(classNames, c.Classes())
	corner := "true \\ predicted"
	table := [][]string{append([]string{corner}, names...)}
	for t, row := range c.Counts {
		line := []string{names[t]}
		for _, v := range row {
			line = append(line, strconv.Itoa(v))
		}
		table = append(table, line)
	}
	return formatTable(table)
}

// Report returns a per-class table of precision, recall, F1 and support,
// followed by the macro averages and the accuracy, in the style of
// scikit-learn's classification_report:
//
//	class       precision  recall     f1  support
//	setosa          1.000   1.000  1.000       50
//	…
//	macro avg       0.967   0.967  0.967      150
//	accuracy                       0.967      150
func (c *ConfusionMatrix) Report(classNames []string) string {
	names := labels(classNames, c.Classes())
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }
	table := [][]string{{"class", "precision", "recall", "f1", "support"}}
	for k, name := range names {
		table = append(table, []string{name, f(c.Precision(k)), f(c.Recall(k)), f(c.F1(k)), strconv.Itoa(c.Support(k))})
	}
	total := strconv.Itoa(c.Total())
	table = append(table,
		[]string{"macro avg", f(c.MacroPrecision()), f(c.MacroRecall()), f(c.MacroF1()), total},
		[]string{"accuracy", "", "", f(c.Accuracy()), total},
	)
	return formatTable(table)
}

// labels returns n class labels, taken from names where given and the
// class index otherwise.
func labels(names []string, n int) []string {
	out := make([]string, n)
	for k := range out {
		if k < len(names) && names[k] != "" {
			out[k] = names[k]
		} else {
			out[k] = strconv.Itoa(k)
		}
	}
	return out
}

// formatTable aligns cells into columns two spaces apart: the first column
// left-aligned (labels), the others right-aligned (numbers). Widths count
// runes rather than bytes so that non-ASCII class names stay aligned.
func formatTable(rows [][]string) string {
	var widths []int
	for _, row := range rows {
		for j, cell := range row {
			if j == len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], len([]rune(cell)))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		var line strings.Builder
		for j, cell := range row {
			pad := strings.Repeat(" ", widths[j]-len([]rune(cell)))
			switch {
			case j == 0:
				line.WriteString(cell + pad)
			default:
				line.WriteString("  " + pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// ratio returns num/den as a float64, NaN when den is 0.
func ratio(num, den int) float64 {
	if den == 0 {
		return math.NaN()
	}
	return float64(num) / float64(den)
}

// zeroDivision returns num/den, or 0 when den is 0 (scikit-learn's
// zero_division=0).
func zeroDivision(num, den int) float64 {
	if den == 0 {
		return 0
	}
	return float64(num) / float64(den)
}
