package train_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/descent-ml/descent/datasets"
	"github.com/descent-ml/descent/loss"
	"github.com/descent-ml/descent/optim"
	"github.com/descent-ml/descent/schedule"
	"github.com/descent-ml/descent/train"
)

// A per-step schedule sets the rate before every optimizer step, counting
// steps over the whole run; a per-epoch one holds it for the epoch.
func TestScheduleEveryStep(t *testing.T) {
	d := datasets.Moons(40, 0.1, rand.New(rand.NewPCG(1, 1)))
	const lr0, epochs, steps = 0.1, 3, 4 // 40 rows in batches of 10
	for _, per := range []string{schedule.PerEpoch, schedule.PerStep} {
		cfg := train.Config{Epochs: epochs, BatchSize: 10, LearningRate: lr0, Optimizer: optim.Config{Name: "sgd"},
			Schedule: schedule.Config{Name: schedule.NameCosine, Per: per}, NoShuffle: true, RecordSteps: true}
		h, err := train.Fit(context.Background(), newNet(mlp(2, 2, 4), 1), loss.SoftmaxCrossEntropy[float64]{}, d, nil, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Steps) != epochs*steps {
			t.Fatalf("per %s: %d steps recorded, want %d", per, len(h.Steps), epochs*steps)
		}
		for i, s := range h.Steps {
			want := schedule.Cosine{}.Rate(lr0, i/steps, epochs)
			if per == schedule.PerStep {
				want = schedule.Cosine{}.Rate(lr0, i, epochs*steps)
			}
			if s.LearningRate != want {
				t.Errorf("per %s: step %d rate %v, want %v", per, i, s.LearningRate, want)
			}
		}
	}
}
