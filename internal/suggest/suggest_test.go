package suggest

import "testing"

func TestClosest(t *testing.T) {
	cmds := []string{"train", "tune", "predict", "eval", "inspect", "demo"}
	tests := []struct {
		s    string
		want string
	}{
		{"trian", "train"},      // swapped neighbours: one edit
		{"tran", "train"},       // one letter missing
		{"Predcit", "predict"},  // case ignored, swap
		{"evl", "eval"},         // short: one edit allowed
		{"xyz", ""},             // nothing close
		{"tn", ""},              // two edits from "tune" is half of nothing
		{"inspectt", "inspect"}, // one extra letter
		{"demonstration", ""},   // far from every name
	}
	for _, tt := range tests {
		if got := Closest(tt.s, cmds); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.s, got, tt.want)
		}
	}
	if got, want := Closest("regresion", []string{"auto", "classification", "regression"}), "regression"; got != want {
		t.Errorf("Closest(regresion) = %q, want %q", got, want)
	}
}

func TestHint(t *testing.T) {
	known := []string{"adam", "sgd", "momentum"}
	if got, want := Hint("adma", known), `; did you mean "adam"?`; got != want {
		t.Errorf("Hint(adma) = %q, want %q", got, want)
	}
	if got := Hint("lbfgs", known); got != "" {
		t.Errorf("Hint(lbfgs) = %q, want none", got)
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"train", "trian", 1}, {"same", "same", 0},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
