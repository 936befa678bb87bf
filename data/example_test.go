package data_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/descent-ml/descent/data"
)

func ExampleReadCSV() {
	const table = `size,color,label
1.5,red,yes
2.0,blue,no
,red,yes
3.5,green,no
`
	d, schema, err := data.ReadCSV(strings.NewReader(table), "table.csv", data.CSVOptions{Missing: data.MissingMedian})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Task, d.Len(), "samples")
	fmt.Println(d.FeatureNames)
	fmt.Println(d.X.Row(2), d.ClassNames, d.Class(2))
	fmt.Println("fill for size:", schema.Columns[0].Fill)

	_, _, err = data.ReadCSV(strings.NewReader(table), "table.csv", data.CSVOptions{})
	fmt.Println(err)
	// Output:
	// classification 4 samples
	// [size color=blue color=green color=red]
	// [2 0 0 1] [no yes] 1
	// fill for size: 2
	// table.csv line 4, column "size" (1): missing value (empty); use a missing-value policy (drop, mean, median, mode) to accept it
}

func ExampleTrainTestSplit() {
	labels := []int{0, 0, 0, 0, 1, 1, 1, 1}
	rng := rand.New(rand.NewPCG(42, 0))
	train, test := data.TrainTestSplit(len(labels), 0.25, rng, labels)
	fmt.Println(len(train), "train,", len(test), "test")
	// Output: 6 train, 2 test
}
