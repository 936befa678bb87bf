package fit_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/descent-ml/descent/data"
	"github.com/descent-ml/descent/fit"
	"github.com/descent-ml/descent/model"
)

// A CSV file in, a saved model out, and predictions for new rows from the
// loaded model: the whole pipeline with the default settings.
func ExampleTrainCSV() {
	res, err := fit.TrainCSV(context.Background(), "../datasets/iris.csv",
		data.CSVOptions{Targets: []string{"species"}}, fit.Defaults())
	if err != nil {
		log.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "iris-example.json")
	if err := model.Save(path, res.Model, model.JSON); err != nil {
		log.Fatal(err)
	}
	m, err := model.Load(path)
	if err != nil {
		log.Fatal(err)
	}
	preds, err := m.PredictRecords(
		[]string{"sepal_length", "sepal_width", "petal_length", "petal_width"},
		[][]string{{"5.1", "3.5", "1.4", "0.2"}, {"6.7", "3.0", "5.2", "2.3"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range preds {
		fmt.Println(p.Class)
	}
	// Output:
	// setosa
	// virginica
}
