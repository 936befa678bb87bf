package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainOptimFlags: each optimizer and schedule flag given to train
// reaches the fit options recorded in the model file, an explicit 0 is
// kept as 0, a flag not given stays unset (the library's default), and
// -optimizer sgd does not inherit the default Adam's β2.
func TestTrainOptimFlags(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		optim, sched string // the recorded configs, as JSON
	}{
		{"defaults", nil,
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"name":"flat_cosine"}`},
		{"adam beta1 0 amsgrad", []string{"-optimizer", "adam", "-beta1", "0", "-amsgrad", "-epsilon", "1e-6", "-clip-norm", "1"},
			`{"amsgrad":true,"beta1":0,"beta2":0.95,"clip_norm":1,"epsilon":0.000001,"l2":0.0001,"name":"adam"}`, `{"name":"flat_cosine"}`},
		{"sgd without beta2", []string{"-optimizer", "sgd", "-l2", "0"},
			`{"name":"sgd"}`, `{"name":"flat_cosine"}`},
		{"momentum", []string{"-optimizer", "momentum", "-momentum", "0", "-dampening", "0.5"},
			`{"dampening":0.5,"l2":0.0001,"momentum":0,"name":"momentum"}`, `{"name":"flat_cosine"}`},
		{"nesterov", []string{"-optimizer", "nesterov", "-momentum", "0.8"},
			`{"l2":0.0001,"momentum":0.8,"name":"nesterov"}`, `{"name":"flat_cosine"}`},
		{"rmsprop rho 0", []string{"-optimizer", "rmsprop", "-rho", "0"},
			`{"l2":0.0001,"name":"rmsprop","rho":0}`, `{"name":"flat_cosine"}`},
		// Centered with ρ = 0 divides by ε alone, so another ρ here.
		{"centered rmsprop", []string{"-optimizer", "rmsprop", "-rho", "0.5", "-centered", "-epsilon", "1e-6"},
			`{"centered":true,"epsilon":0.000001,"l2":0.0001,"name":"rmsprop","rho":0.5}`, `{"name":"flat_cosine"}`},
		{"adagrad", []string{"-optimizer", "adagrad", "-lr-decay", "0.1", "-initial-accumulator", "0.1", "-epsilon", "1e-9"},
			`{"epsilon":1e-9,"initial_accumulator":0.1,"l2":0.0001,"lr_decay":0.1,"name":"adagrad"}`, `{"name":"flat_cosine"}`},
		{"adamw weight decay 0", []string{"-optimizer", "adamw", "-weight-decay", "0", "-beta2", "0.99"},
			`{"beta2":0.99,"l2":0.0001,"name":"adamw","weight_decay":0}`, `{"name":"flat_cosine"}`},
		{"step", []string{"-schedule", "step", "-step-every", "1", "-factor", "0.5"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"every":1,"factor":0.5,"name":"step"}`},
		{"exponential", []string{"-schedule", "exponential", "-gamma", "0.9"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"gamma":0.9,"name":"exponential"}`},
		{"invscaling", []string{"-schedule", "invscaling", "-power", "0.25"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"name":"invscaling","power":0.25}`},
		{"cosine", []string{"-schedule", "cosine", "-schedule-length", "5", "-min-lr", "0.0001"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"epochs":5,"min_rate":0.0001,"name":"cosine"}`},
		{"flat cosine", []string{"-flat", "0.25", "-schedule-length", "3"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"epochs":3,"flat":0.25,"name":"flat_cosine"}`},
		{"warm restarts per step", []string{"-schedule", "warm_restarts", "-schedule-length", "4", "-restart-mult", "2", "-schedule-per", "step"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"epochs":4,"mult":2,"name":"warm_restarts","per":"step"}`},
		{"plateau zeros", []string{"-schedule", "plateau", "-factor", "0", "-plateau-patience", "0", "-plateau-threshold", "0", "-plateau-threshold-mode", "abs", "-plateau-cooldown", "1", "-plateau-eps", "0", "-min-lr", "1e-6"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"cooldown":1,"eps":0,"factor":0,"min_delta":0,"min_rate":0.000001,"name":"plateau","patience":0,"threshold_mode":"abs"}`},
		{"warmup start 0", []string{"-schedule", "warmup", "-warmup", "2", "-warmup-start", "0"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"name":"warmup","start":0,"warmup":2}`},
		{"warmup before cosine", []string{"-schedule", "cosine", "-warmup", "1"},
			`{"beta2":0.95,"l2":0.0001,"name":"adam"}`, `{"name":"cosine","warmup":1}`},
	}
	dir := t.TempDir()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.Repeat("m", i+1)+".json")
			args := append([]string{"train", "-data", "builtin:iris", "-layers", "4", "-epochs", "2", "-val-split", "0", "-o", out}, tt.args...)
			code, _, errOut := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			opt, sched := storedOptim(t, out)
			for _, c := range []struct {
				what string
				got  map[string]any
				want string
			}{{"optimizer", opt, tt.optim}, {"schedule", sched, tt.sched}} {
				got, _ := json.Marshal(c.got) // sorted keys, as want is written
				if string(got) != c.want {
					t.Errorf("%s %s\nwant %s", c.what, got, c.want)
				}
			}
		})
	}
}

// TestTrainOptimFlagErrors: a setting the chosen optimizer or schedule does
// not use, or a value out of range, is a usage error (exit 2) naming the
// flag and, for an unused one, which optimizers or schedules use it,
// before any data is read: the data file here does not exist.
func TestTrainOptimFlagErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "absent.csv")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-optimizer", "sgd", "-beta2", "0.9"}, "-beta2: optimizer sgd does not use beta2 (only adam, adamw do)"},
		{[]string{"-optimizer", "sgd", "-beta1", "0"}, "-beta1: optimizer sgd does not use beta1 (only adam, adamw do)"},
		{[]string{"-optimizer", "adam", "-momentum", "0.9"}, "optimizer adam does not use momentum (only momentum, nesterov do)"},
		{[]string{"-optimizer", "nesterov", "-dampening", "0"}, "-dampening: optimizer nesterov does not use dampening (only momentum do)"},
		{[]string{"-optimizer", "adam", "-rho", "0.9"}, "-rho: optimizer adam does not use rho (only rmsprop do)"},
		{[]string{"-optimizer", "adam", "-centered"}, "-centered: optimizer adam does not use centered"},
		{[]string{"-optimizer", "rmsprop", "-amsgrad"}, "-amsgrad: optimizer rmsprop does not use amsgrad"},
		{[]string{"-optimizer", "sgd", "-epsilon", "1e-8"}, "-epsilon: optimizer sgd does not use epsilon"},
		{[]string{"-optimizer", "adam", "-weight-decay", "0"}, "-weight-decay: optimizer adam does not use weight_decay (only adamw do); use l2"},
		{[]string{"-optimizer", "adam", "-lr-decay", "0.1"}, "-lr-decay: optimizer adam does not use lr_decay (only adagrad do)"},
		{[]string{"-optimizer", "rmsprop", "-initial-accumulator", "0"}, "-initial-accumulator: optimizer rmsprop does not use initial_accumulator"},
		{[]string{"-beta1", "1"}, "-beta1 1: optimizer adam: beta1 must be in [0, 1), got 1"},
		{[]string{"-clip-norm", "-1"}, "-clip-norm -1: optimizer adam: clip_norm must be a finite number ≥ 0"},
		{[]string{"-optimizer", "adamw", "-weight-decay", "NaN"}, "-weight-decay NaN"},
		{[]string{"-optimizer", "nope", "-beta1", "0"}, `-optimizer: unknown optimizer "nope"`},
		{[]string{"-gamma", "0.5"}, "-gamma is for -schedule exponential, not flat_cosine"},
		{[]string{"-schedule", "cosine", "-flat", "0.5"}, "-flat is for -schedule flat_cosine, not cosine"},
		{[]string{"-schedule", "exponential", "-factor", "0.5"}, "-factor is for -schedule step or plateau, not exponential"},
		{[]string{"-schedule", "step", "-plateau-patience", "0"}, "-plateau-patience is for -schedule plateau, not step"},
		{[]string{"-schedule", "constant", "-min-lr", "0"}, "-min-lr is for -schedule cosine or flat_cosine or plateau or warm_restarts, not constant"},
		{[]string{"-schedule", "cosine", "-restart-mult", "2"}, "-restart-mult is for -schedule warm_restarts, not cosine"},
		{[]string{"-schedule", "exponential", "-gamma", "0"}, "-gamma 0: want a positive number"},
		{[]string{"-schedule", "exponential", "-gamma", "1.5"}, "-gamma 1.5: schedule exponential: gamma must be in (0, 1]"},
		{[]string{"-schedule", "step", "-step-every", "0"}, "-step-every 0: want a positive number"},
		{[]string{"-schedule", "plateau", "-plateau-threshold-mode", "xyz"}, `threshold_mode must be abs or rel, got "xyz"`},
		{[]string{"-schedule-per", "hour"}, `-schedule-per "hour": want epoch or step`},
		{[]string{"-warmup", "0"}, "-warmup 0: want a number of units ≥ 1"},
		{[]string{"-warmup-start", "0.1"}, "-warmup-start needs -warmup N"},
		{[]string{"-warmup", "2", "-warmup-start", "2"}, "-warmup-start 2: want a fraction in [0, 1]"},
		{[]string{"-schedule", "warmup"}, "-schedule warmup needs -warmup N"},
	}
	for _, tt := range tests {
		for _, cmd := range []string{"train", "tune"} {
			t.Run(cmd+" "+strings.Join(tt.args, " "), func(t *testing.T) {
				args := append([]string{cmd, "-data", missing, "-o", filepath.Join(t.TempDir(), "m.json")}, tt.args...)
				code, _, errOut := runCLI(t, args...)
				if code != 2 || !strings.Contains(errOut, cmd+": ") || !strings.Contains(errOut, tt.want) {
					t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, errOut, tt.want)
				}
			})
		}
	}
}

// TestTuneOptimFlags: tune fixes the optimizer's settings for every
// candidate and the final model.
func TestTuneOptimFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "m.json")
	code, _, errOut := runCLI(t, "tune", "-data", "builtin:iris", "-trials", "2", "-folds", "2", "-epochs", "2", "-o", out,
		"-optimizer", "adamw", "-beta1", "0", "-weight-decay", "0", "-schedule", "cosine", "-min-lr", "1e-5")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	o, s := storedOptim(t, out)
	if o["name"] != "adamw" || o["beta1"] != 0.0 || o["weight_decay"] != 0.0 || o["beta2"] != nil {
		t.Errorf("optimizer %v; want adamw with beta1 0, weight_decay 0 and no beta2", o)
	}
	if s["name"] != "cosine" || s["min_rate"] != 1e-5 {
		t.Errorf("schedule %v; want cosine with min_rate 1e-5", s)
	}
}

// storedOptim reads the optimizer and schedule settings a model file
// records in its training options.
func storedOptim(t *testing.T, path string) (optimizer, schedule map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Training struct {
			Options struct {
				Optimizer, Schedule map[string]any
			} `json:"options"`
		} `json:"training"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.Training.Options.Optimizer, m.Training.Options.Schedule
}
