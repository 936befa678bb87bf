package errtext

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestExcerpt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"1e999", "1e999"},
		{strings.Repeat("7", ExcerptLen), strings.Repeat("7", ExcerptLen)},
		{strings.Repeat("7", 10_000_000), strings.Repeat("7", ExcerptLen) + "…(10000000 bytes)"},
		// A cut inside a three-byte character moves back to its start.
		{strings.Repeat("a", ExcerptLen-1) + strings.Repeat("€", 10), strings.Repeat("a", ExcerptLen-1) + "…(69 bytes)"},
	}
	for _, tt := range tests {
		if got := Excerpt(tt.in); got != tt.want {
			t.Errorf("Excerpt(%d bytes) = %q, want %q", len(tt.in), got, tt.want)
		}
	}
}

func TestBound(t *testing.T) {
	base := errors.New("invalid model")
	short := fmt.Errorf("m.json: %w: line 3", base)
	if got := Bound(short); got != short {
		t.Errorf("Bound changed a short error: %v", got)
	}
	long := fmt.Errorf("m.json: %w: format %q, want %q", base, strings.Repeat("x", 1<<20), "descent-model")
	got := Bound(long)
	if len(got.Error()) > MaxLen+64 {
		t.Errorf("bounded message is %d bytes, want at most about %d", len(got.Error()), MaxLen)
	}
	if !strings.HasPrefix(got.Error(), "m.json: invalid model: format") || !strings.HasSuffix(got.Error(), `want "descent-model"`) {
		t.Errorf("bounded message lost its start or end: %q", got)
	}
	if !errors.Is(got, base) {
		t.Errorf("bounded error does not wrap %v", base)
	}
	if Bound(nil) != nil {
		t.Error("Bound(nil) is not nil")
	}
}
