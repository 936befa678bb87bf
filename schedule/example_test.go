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
