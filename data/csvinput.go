package data

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
)

// capReader sits between the input and the CSV parser and fails as soon as
// one line, or the record being read, grows past limit bytes. encoding/csv
// buffers a whole line before returning it, so without this cap a file with
// a gigabyte-long line would need a gigabyte of memory before any error.
type capReader struct {
	r       io.Reader
	name    string
	limit   int64
	line    int   // 1-based number of the line being delivered
	lineLen int64 // bytes of that line delivered so far
	total   int64 // bytes delivered in all
	recAt   int64 // offset where the current record starts (set by the reader loop)
	err     error
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	chunk := p[:n]
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		if i < 0 {
			c.lineLen += int64(len(chunk))
			break
		}
		c.lineLen += int64(i)
		if c.lineLen > c.limit {
			break
		}
		c.line++
		c.lineLen = 0
		chunk = chunk[i+1:]
	}
	c.total += int64(n)
	switch {
	case c.lineLen > c.limit:
		c.err = &CSVError{File: c.name, Line: c.line, Err: fmt.Errorf("%w: line is longer than %d bytes", ErrRecordTooLong, c.limit)}
	case c.total-c.recAt > c.limit+peekSize:
		// Lines within the cap but a quoted field spanning many of them.
		// peekSize allows for what the buffer above has read ahead.
		c.err = &CSVError{File: c.name, Line: c.line, Err: fmt.Errorf("%w: record is longer than %d bytes (a quoted field spanning many lines?)", ErrRecordTooLong, c.limit)}
	}
	if c.err != nil {
		return 0, c.err
	}
	return n, err
}

// peekSize is how much of the input is looked at to detect the delimiter.
const peekSize = 64 << 10

// openCSV wraps r with the record cap, strips a UTF-8 byte-order mark and
// returns a csv.Reader set up for streaming with the chosen or detected
// delimiter.
func openCSV(r io.Reader, name string, opt CSVOptions) (*csv.Reader, *capReader, error) {
	limit := int64(opt.MaxRecordBytes)
	if limit <= 0 {
		limit = DefaultMaxRecordBytes
	}
	cr := &capReader{r: r, name: name, limit: limit, line: 1}
	br := bufio.NewReaderSize(cr, peekSize)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	delim := opt.Delimiter
	if delim == 0 {
		head, err := br.Peek(peekSize)
		var ce *CSVError
		// A CSVError (an over-long line) comes back on the next read, with
		// the record reader's context; detect the delimiter from what came.
		if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) && !errors.As(err, &ce) {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		delim = detectDelimiter(head)
	}
	switch delim {
	case '"', '\r', '\n', 0xFFFD:
		return nil, nil, fmt.Errorf("%s: %q cannot be a delimiter", name, delim)
	}
	c := csv.NewReader(br)
	c.Comma = delim
	c.FieldsPerRecord = -1 // checked by the caller, which can name the expected count
	c.ReuseRecord = true
	return c, cr, nil
}

// detectDelimiter picks ',', ';' or '\t' from the first two lines of head:
// the candidate that occurs (outside quotes) the same, non-zero number of
// times on both lines, preferring the most frequent, then the order
// comma, semicolon, tab. With only one line, the most frequent wins.
// "a;b\n1,5;2,5" thus picks ';' although commas are more frequent.
func detectDelimiter(head []byte) rune {
	cands := []byte{',', ';', '\t'}
	lines := make([][3]int, 0, 2)
	var cnt [3]int
	inQuote := false
	for _, b := range head {
		if b == '"' {
			inQuote = !inQuote
			continue
		}
		if inQuote {
			continue
		}
		if b == '\n' {
			lines = append(lines, cnt)
			cnt = [3]int{}
			if len(lines) == 2 {
				break
			}
			continue
		}
		for i, c := range cands {
			if b == c {
				cnt[i]++
			}
		}
	}
	if len(lines) < 2 && cnt != ([3]int{}) {
		lines = append(lines, cnt)
	}
	best, bestN := ',', 0
	for i, c := range cands {
		n := 0
		for j, l := range lines {
			if j == 0 {
				n = l[i]
			} else if l[i] != n {
				n = 0
			}
		}
		if n > bestN {
			best, bestN = rune(c), n
		}
	}
	if bestN == 0 && len(lines) == 2 {
		// No candidate agrees on both lines: fall back to the first line.
		for i, c := range cands {
			if lines[0][i] > bestN {
				best, bestN = rune(c), lines[0][i]
			}
		}
	}
	return best
}

// readRecord reads the next record and returns it with its line number,
// turning the parser's errors into CSVErrors that name the file.
func readRecord(c *csv.Reader, cr *capReader, name string) ([]string, int, error) {
	cr.recAt = c.InputOffset()
	rec, err := c.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, err
		}
		var ce *CSVError
		if errors.As(err, &ce) {
			return nil, 0, ce
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if pe.StartLine != pe.Line {
				// A quote opened on StartLine ran on; that is where to look.
				return nil, 0, &CSVError{File: name, Line: pe.StartLine, Err: fmt.Errorf("record starting here: line %d, byte %d: %w", pe.Line, pe.Column, pe.Err)}
			}
			return nil, 0, &CSVError{File: name, Line: pe.Line, Err: fmt.Errorf("byte %d: %w", pe.Column, pe.Err)}
		}
		return nil, 0, fmt.Errorf("%s: %w", name, err)
	}
	line, _ := c.FieldPos(0)
	return rec, line, nil
}
