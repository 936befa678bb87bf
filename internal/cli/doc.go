// Package cli implements the descent command: one file per subcommand, each
// with its own flag.FlagSet, all reached through Run so that tests drive
// every command in-process.
package cli
