package schedule_test

import (
	"fmt"

	"github.com/descent-ml/descent/schedule"
)

func ExampleStepDecay() {
	s := schedule.StepDecay{Every: 2, Factor: 0.5}
	for epoch := range 6 {
		fmt.Print(s.Rate(0.1, epoch, 6), " ")
	}
	fmt.Println()
	// Output: 0.1 0.1 0.05 0.05 0.025 0.025
}

func ExampleFlatCosine() {
	// Ten epochs: five at lr0, then half a cosine down towards 0.
	s, err := schedule.New(schedule.Config{Name: schedule.NameFlatCosine})
	if err != nil {
		fmt.Println(err)
		return
	}
	for epoch := range 10 {
		fmt.Printf("%.4f ", s.Rate(0.01, epoch, 10))
	}
	fmt.Println()
	// Output: 0.0100 0.0100 0.0100 0.0100 0.0100 0.0100 0.0090 0.0065 0.0035 0.0010
}
