package plural

import "testing"

func TestCount(t *testing.T) {
	tests := []struct {
		n    int
		noun string
		want string
	}{
		{0, "sample", "0 samples"},
		{1, "sample", "1 sample"},
		{2, "sample", "2 samples"},
		{-1, "row", "-1 row"},
		{1, "class", "1 class"},
		{3, "class", "3 classes"},
		{2, "box", "2 boxes"},
		{1, "epoch", "1 epoch"},
		{12, "epoch", "12 epochs"},
	}
	for _, tt := range tests {
		if got := Count(tt.n, tt.noun); got != tt.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tt.n, tt.noun, got, tt.want)
		}
	}
}

func TestOf(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{1, "1 matrix"}, {0, "0 matrices"}, {2, "2 matrices"}} {
		if got := Of(tt.n, "matrix", "matrices"); got != tt.want {
			t.Errorf("Of(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
