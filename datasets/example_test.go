package datasets_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/descent-ml/descent/datasets"
)

func ExampleByName() {
	rng := rand.New(rand.NewPCG(1, 2))
	d, err := datasets.ByName("moons", 0, 0, rng) // 0, 0: default size and noise
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Len(), d.Task, d.FeatureNames, d.ClassNames)

	_, err = datasets.ByName("mooons", 0, 0, rng)
	fmt.Println(err)
	// Output:
	// 200 classification [x1 x2] [0 1]
	// datasets: unknown dataset "mooons" (known: blobs, circles, iris, linear, moons, point, sin, spiral, xor); did you mean "moons"?
}

func ExampleIris() {
	d, err := datasets.Iris()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Len(), d.FeatureNames)
	fmt.Println(d.ClassNames, d.X.Row(0), d.ClassNames[d.Class(0)])
	// Output:
	// 150 [sepal_length sepal_width petal_length petal_width]
	// [setosa versicolor virginica] [5.1 3.5 1.4 0.2] setosa
}
