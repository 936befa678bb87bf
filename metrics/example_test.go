package metrics_test

import (
	"fmt"

	"github.com/descent-ml/descent/metrics"
)

func ExampleConfusionMatrix_Format() {
	truth := []int{0, 0, 1, 1, 2, 2}
	pred := []int{0, 0, 1, 2, 2, 2}
	c, err := metrics.NewConfusionMatrix(pred, truth, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(c.Format([]string{"setosa", "versicolor", "virginica"}))
	fmt.Printf("accuracy %.3f, macro F1 %.3f\n", c.Accuracy(), c.MacroF1())
	// Output:
	// true \ predicted  setosa  versicolor  virginica
	// setosa                 2           0          0
	// versicolor             0           1          1
	// virginica              0           0          2
	// accuracy 0.833, macro F1 0.822
}

func ExampleR2() {
	pred := []float64{1, 2, 3}
	truth := []float64{1, 2, 5}
	fmt.Printf("MSE %.4f, R² %.4f\n", metrics.MSE(pred, truth), metrics.R2(pred, truth))
	// Output: MSE 1.3333, R² 0.5385
}
