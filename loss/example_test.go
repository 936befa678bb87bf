package loss_test

import (
	"fmt"

	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/tensor"
)

// Label smoothing through the constructor that a command-line flag maps to.
func ExampleNewWith() {
	l, err := loss.NewWith[float64](loss.NameSoftmaxCrossEntropy, loss.Options{Smoothing: 0.1})
	if err != nil {
		fmt.Println(err)
		return
	}
	logits := tensor.FromRows([][]float64{{4, 0, 0}})
	target := tensor.FromRows([][]float64{{1, 0, 0}})
	plain := loss.SoftmaxCrossEntropy[float64]{}
	fmt.Printf("without smoothing %.4f, with 0.1: %.4f\n", plain.Forward(logits, target), l.Forward(logits, target))

	_, err = loss.NewWith[float64](loss.NameMSE, loss.Options{Smoothing: 0.1})
	fmt.Println(err)
	// Output:
	// without smoothing 0.0360, with 0.1: 0.3026
	// loss mse has no label smoothing (smoothing 0.1 asked; bce_logits and softmax_cross_entropy have it)
}

// Balanced class weights on an imbalanced batch: the one row of class 1
// weighs as much as the three rows of class 0 together.
func ExampleWeighted() {
	classes := []int{0, 0, 0, 1}
	cw := loss.BalancedClassWeights(classes, 2)
	w := make([]float64, len(classes))
	for i, c := range classes {
		w[i] = cw[c] // a per-sample weight column would multiply in here
	}
	l := &loss.Weighted[float64]{Loss: loss.SoftmaxCrossEntropy[float64]{}}
	l.SetWeights(w)

	logits := tensor.FromRows([][]float64{{2, 0}, {2, 0}, {2, 0}, {2, 0}}) // always class 0
	target := tensor.FromRows([][]float64{{1, 0}, {1, 0}, {1, 0}, {0, 1}})
	fmt.Printf("class weights %.3f\n", cw)
	fmt.Printf("unweighted %.3f, balanced %.3f\n", loss.SoftmaxCrossEntropy[float64]{}.Forward(logits, target), l.Forward(logits, target))
	// Output:
	// class weights [0.667 2.000]
	// unweighted 0.627, balanced 1.127
}
