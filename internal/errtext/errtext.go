// Package errtext keeps error messages about untrusted input short: a
// file can hold a ten-megabyte number or name, and an error that quotes
// it whole is a ten-megabyte line in a terminal or a log.
package errtext

import (
	"fmt"
	"unicode/utf8"
)

// ExcerptLen is how many bytes of a long string Excerpt keeps: enough to
// recognise a value, short enough for one line.
const ExcerptLen = 40

// MaxLen bounds the length of a message Bound returns; the file name,
// the location and the reason fit well within it.
const MaxLen = 1024

// Excerpt returns s when it is at most ExcerptLen bytes long, else its
// first ExcerptLen bytes (cut at a character boundary) followed by "…"
// and its length, as in "12345678901234567890…(10000000 bytes)".
func Excerpt(s string) string {
	if len(s) <= ExcerptLen {
		return s
	}
	cut := ExcerptLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…(%d bytes)", s[:cut], len(s))
}

// Bound returns err unchanged when its message is at most MaxLen bytes,
// else an error that keeps the message's start and end around a note of
// how much was left out, and unwraps to err so that errors.Is and
// errors.As still see everything err wraps. A nil err gives nil.
func Bound(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if len(msg) <= MaxLen {
		return err
	}
	head, tail := MaxLen/2, MaxLen/4
	for head > 0 && !utf8.RuneStart(msg[head]) {
		head--
	}
	start := len(msg) - tail
	for start < len(msg) && !utf8.RuneStart(msg[start]) {
		start++
	}
	return &bounded{
		msg: fmt.Sprintf("%s…(%d bytes left out)…%s", msg[:head], start-head, msg[start:]),
		err: err,
	}
}

type bounded struct {
	msg string
	err error
}

func (b *bounded) Error() string { return b.msg }
func (b *bounded) Unwrap() error { return b.err }
