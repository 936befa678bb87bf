package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/descent-ml/descent/internal/atomicfile"
	"github.com/descent-ml/descent/internal/suggest"
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
		if len(args) > 1 {
			// "descent help train" is "descent train -h".
			if _, ok := commands[args[1]]; !ok {
				return unknownCommand(args[1])
			}
			return commands[args[1]].run(e, []string{"-h"})
		}
		usage(stdout)
		return nil
	}
	cmd, ok := commands[name]
	if !ok {
		return unknownCommand(args[0])
	}
	return cmd.run(e, args[1:])
}

// unknownCommand is the usage error for a command name that is not one,
// with the nearest real name when it looks like a typo.
func unknownCommand(name string) error {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names) // a tie goes to the same name every time
	if c := suggest.Closest(name, names); c != "" {
		return usagef("unknown command %q; did you mean %q?", name, c)
	}
	return usagef("unknown command %q; run \"descent help\" for the list", name)
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
	done, exited := make(chan struct{}), make(chan struct{})
	record := func(s os.Signal) {
		mu.Lock()
		got = s
		mu.Unlock()
		cancel()
	}
	go func() {
		defer close(exited)
		select {
		case s := <-ch:
			record(s)
		case <-done:
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			<-exited
			// A signal delivered just before Stop may still sit in ch
			// while the goroutine took done: it still counts.
			select {
			case s := <-ch:
				record(s)
			default:
			}
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

// positive refuses, as a usage error naming the flag, any of the named
// flags whose value is not a number above zero: counts, rates and sizes,
// where zero would silently mean something else or nothing at all.
func positive(fs *flag.FlagSet, names ...string) error {
	return checkRange(fs, names, func(v float64) bool { return v > 0 }, "must be positive")
}

// nonNegative refuses any of the named flags whose value is below zero.
func nonNegative(fs *flag.FlagSet, names ...string) error {
	return checkRange(fs, names, func(v float64) bool { return v >= 0 }, "must be ≥ 0")
}

// fraction refuses any of the named flags whose value is outside [0, 1).
func fraction(fs *flag.FlagSet, names ...string) error {
	return checkRange(fs, names, func(v float64) bool { return v >= 0 && v < 1 }, "must be in [0, 1)")
}

func checkRange(fs *flag.FlagSet, names []string, ok func(float64) bool, want string) error {
	for _, n := range names {
		f := fs.Lookup(n)
		if f == nil {
			panic("cli: no flag -" + n + " on " + fs.Name()) // a typo in the caller
		}
		v, err := strconv.ParseFloat(f.Value.String(), 64)
		if err != nil || !ok(v) {
			return usagef("%s: -%s %s, got %s", fs.Name(), n, want, f.Value)
		}
	}
	return nil
}

// setFlags returns the names of the flags the command line set.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// notWith refuses any flag of names that the command line set together
// with flag other, because other makes it meaningless; why says so.
func notWith(fs *flag.FlagSet, set map[string]bool, other, why string, names ...string) error {
	for _, n := range names {
		if set[n] {
			return usagef("%s: -%s cannot be used with -%s: %s", fs.Name(), n, other, why)
		}
	}
	return nil
}

// taskNames are the values of -task.
var taskNames = []string{"auto", "classification", "regression"}

// checkSourceFlags refuses a -task that is not one, and flags that only a
// CSV file can use (-task, -target, -missing and the CSV flags) given
// with builtin: or mnist: data, whose task and columns are fixed.
func checkSourceFlags(fs *flag.FlagSet, set map[string]bool, src, task string) error {
	if !slices.Contains(taskNames, task) {
		return usagef("%s: -task %q: want %s%s", fs.Name(), task, strings.Join(taskNames, ", "), suggest.Hint(task, taskNames))
	}
	kind, _, ok := strings.Cut(src, ":")
	if !ok || (kind != "builtin" && kind != "mnist") {
		return nil
	}
	for _, n := range []string{"task", "target", "missing", "drop", "max-categories", "max-features", "max-cells"} {
		if set[n] && fs.Lookup(n) != nil {
			return usagef("%s: -%s applies to CSV files only; %s data comes with its task and columns fixed", fs.Name(), n, kind)
		}
	}
	return nil
}

// outputPath refuses, before any work, an output file whose folder does
// not exist. "-" (standard output) and "" (no output) pass.
func outputPath(cmd, flagName, path string) error {
	if path == "" || path == "-" {
		return nil
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usagef("%s: -%s %s: folder %s does not exist", cmd, flagName, path, dir)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("%s: -%s %s is a folder; give a file name", cmd, flagName, path)
	}
	return nil
}

// writeOutput writes what write produces to path, atomically, or to
// standard output when path is "-" or "": the one rule for every command
// whose -o names where data goes (predict, eval -o).
func writeOutput(e *env, path string, write func(io.Writer) error) error {
	if path == "" || path == "-" {
		return write(e.stdout)
	}
	return atomicfile.Write(path, write)
}
