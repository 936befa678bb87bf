package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/descent-ml/descent/internal/cli"
)

func TestRunMapsExitCodes(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"version"}, 0},
		{[]string{"demo", "-iterations", "10"}, 0},
		{[]string{"demo", "-nope"}, 2},
		{[]string{"inspect", "-model", "/nonexistent/model.json"}, 1},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := cli.ExitCode(run(tt.args, strings.NewReader(""), &out, &errb), &errb)
		if code != tt.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, errb.String())
		}
		if strings.Contains(errb.String(), "goroutine ") || strings.Contains(errb.String(), "panic") {
			t.Errorf("%v: stderr shows a Go panic: %q", tt.args, errb.String())
		}
	}
}
