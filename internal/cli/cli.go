package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// command is one subcommand.
type command struct {
	summary string
	example string
	run     func(env *env, args []string) error
}

// env carries the streams a command reads and writes, and the context
// that cancels it.
type env struct {
	ctx            context.Context
	stdin          io.Reader
	stdout, stderr io.Writer
}

// commands holds every subcommand; each command's file registers itself
// in an init function, so adding a command touches no other file.
var commands = map[string]command{}

func register(name string, c command) {
	if _, dup := commands[name]; dup {
		panic("cli: command " + name + " registered twice")
	}
	commands[name] = c
}

// UsageError marks a bad command line; it maps to exit code 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// Run executes the command line args (without the program name).
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return RunContext(context.Background(), args, stdin, stdout, stderr)
}

// RunContext is Run with a context whose cancellation stops long commands
// (train) as Ctrl-C does.
func RunContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return &UsageError{Err: errors.New("no command given")}
	}
	name := strings.TrimLeft(args[0], "-")
	if name == "help" || name == "h" {
		usage(stdout)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		return usagef("unknown command %q; run \"descent help\" for the list", args[0])
	}
	return cmd.run(e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "descent trains neural networks by gradient descent.")
	fmt.Fprintln(w, "\nUsage: descent <command> [flags]   (descent <command> -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := commands[n]
		fmt.Fprintf(w, "  %-10s %s\n  %-10s   e.g. %s\n", n, c.summary, "", c.example)
	}
}

// newFlagSet returns a flag set for a command that reports errors instead
// of exiting, with usage text that shows an example.
func newFlagSet(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The flag package prints errors and usage itself; parse prints one
	// line for an error instead, and the usage only when asked.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	c := commands[fs.Name()]
	fmt.Fprintf(w, "descent %s: %s\n\nExample:\n  %s\n\nFlags:\n", fs.Name(), c.summary, c.example)
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// parse parses a command's flags, turning a bad flag into a UsageError and
// -h into a clean exit.
func parse(e *env, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(e.stdout, fs)
			return errHelp
		}
		return &UsageError{Err: fmt.Errorf("%s: %w (run \"descent %s -h\" for its flags)", fs.Name(), err, fs.Name())}
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// errHelp reports that a command printed its help; it exits 0.
var errHelp = errors.New("help requested")

// ExitCode prints err (if any) as one line on stderr and returns the
// process exit code: 0 for success or help, 2 for a bad command line,
// 128 plus the signal's number for a command stopped by a signal (130 for
// Ctrl-C, 143 for SIGTERM, as a shell reports them), 1 for any other
// failure, a diverged training run included.
func ExitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, errHelp) {
		return 0
	}
	fmt.Fprintf(stderr, "descent: %s\n", strings.ReplaceAll(err.Error(), "\n", "; "))
	var ue *UsageError
	if errors.As(err, &ue) {
		return 2
	}
	var se *SignalError
	if errors.As(err, &se) {
		if n, ok := se.Signal.(syscall.Signal); ok {
			return 128 + int(n)
		}
	}
	return 1
}

// SignalError reports that a command stopped early because the process
// received a signal, after doing what it does on one (train saves the
// best model so far).
type SignalError struct{ Signal os.Signal }

func (e *SignalError) Error() string { return "stopped by " + signalName(e.Signal) }

// signalName names the signals a command catches as a user knows them.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "Ctrl-C (SIGINT)"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// catchSignals returns a context that is cancelled when the process gets
// SIGINT (Ctrl-C) or SIGTERM (what service managers and job runners stop
// a process with), a function that tells which one came (nil if none),
// and a function that stops catching them. signal.NotifyContext does not
// say which signal came, and the exit code depends on it.
func catchSignals(parent context.Context) (ctx context.Context, caught func() os.Signal, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var (
		mu  sync.Mutex
		got os.Signal
	)
	done := make(chan struct{})
	go func() {
		select {
		case s := <-ch:
			mu.Lock()
			got = s
			mu.Unlock()
			cancel()
		case <-done:
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel()
		})
	}
	caught = func() os.Signal {
		mu.Lock()
		defer mu.Unlock()
		return got
	}
	return ctx, caught, stop
}
