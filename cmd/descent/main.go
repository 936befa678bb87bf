// Command descent trains neural networks by gradient descent: run
// "descent help" for the commands.
package main

import (
	"io"
	"os"

	"github.com/descent-ml/descent/internal/cli"
)

func main() {
	os.Exit(cli.ExitCode(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr), os.Stderr))
}

// run executes one command line; main only maps its error to an exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return cli.Run(args, stdin, stdout, stderr)
}
