package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrTooLarge means a file is larger than the limit its reader set.
var ErrTooLarge = errors.New("file too large")

// HeadSize is how many leading bytes ReadFile shows its check before
// reading the rest.
const HeadSize = 512

// ReadFile returns the contents of the regular file at path. It refuses,
// before reading anything, what is not a regular file (a directory, a
// device such as /dev/zero, a FIFO, a socket) and a file larger than
// limit bytes; a file that grows past limit while being read is refused
// too, so at most limit+1 bytes are ever read. check, when not nil, is
// given the first HeadSize bytes (or the whole file when shorter) before
// the rest is read, so a reader can refuse a file of the wrong kind
// without reading all of it; its error is returned as it is. Errors name
// the file.
func ReadFile(path string, limit int64, check func(head []byte) error) ([]byte, error) {
	// Opening a FIFO for reading waits for a writer, so look first; the
	// non-blocking open and the second look cover a file swapped in
	// between.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err // names the file
	}
	if err := regular(path, fi, limit); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := regular(path, fi, limit); err != nil {
		return nil, err
	}
	// The size is a hint (a file may change under us); the limit on the
	// reader is the bound.
	var b bytes.Buffer
	r := io.LimitReader(f, limit+1)
	if check != nil {
		if _, err := io.CopyN(&b, r, HeadSize); err != nil && err != io.EOF {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if err := check(b.Bytes()); err != nil {
			return nil, err
		}
	}
	// The MinRead spare bytes let ReadFrom see the end of the file
	// without doubling the buffer.
	b.Grow(int(min(fi.Size(), limit)) - b.Len() + bytes.MinRead)
	if _, err := b.ReadFrom(r); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if int64(b.Len()) > limit {
		return nil, fmt.Errorf("%s: %w: it grew past the limit of %d bytes while being read", path, ErrTooLarge, limit)
	}
	return b.Bytes(), nil
}

// regular refuses what is not a regular file of at most limit bytes.
func regular(path string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is %s, not a regular file", path, kindOf(fi.Mode()))
	}
	if fi.Size() > limit {
		return fmt.Errorf("%s: %w: %d bytes, more than the limit of %d", path, ErrTooLarge, fi.Size(), limit)
	}
	return nil
}

// kindOf names what a non-regular file is, for messages.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "a special file (" + m.Type().String() + ")"
}
