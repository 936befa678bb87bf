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

// A schedule outside train.Fit, per optimizer step: a warm-up of 3 steps
// from 0, then cosine annealing over the remaining 7 of a 10-step loop.
func ExampleWarmup_perStep() {
	s, err := schedule.New(schedule.Config{Name: schedule.NameCosine, Warmup: 3, Start: new(float64), Per: schedule.PerStep})
	if err != nil {
		fmt.Println(err)
		return
	}
	const steps = 10
	for step := range steps {
		lr := s.Rate(0.1, step, steps)
		// opt.Step(net.Params(), lr) would go here.
		fmt.Printf("%.3f ", lr)
	}
	fmt.Println()
	// Output: 0.000 0.033 0.067 0.100 0.095 0.081 0.061 0.039 0.019 0.005
}
