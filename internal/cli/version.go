package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/descent-ml/descent/model"
)

func init() {
	register("version", command{
		summary: "print descent's version, the model format it writes and the Go toolchain",
		example: "descent version",
		run:     runVersion,
	})
}

// Version is descent's release; builds from a module proxy report the
// module version instead.
const Version = "0.1.0-dev"

func runVersion(e *env, args []string) error {
	fs := newFlagSet(e, "version")
	if err := parse(e, fs, args); err != nil {
		return err
	}
	v := Version
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	fmt.Fprintf(e.stdout, "descent %s (model format %d, %s, %s/%s)\n", v, model.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}
