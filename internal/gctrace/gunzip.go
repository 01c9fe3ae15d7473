package gctrace

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/ui"
)

// MaybeGunzip reads gzip-compressed logs transparently (detected by magic
// bytes, not by name) through a buffer of bufSize bytes.
func MaybeGunzip(r io.Reader, bufSize int) (io.Reader, error) {
	br := bufio.NewReaderSize(r, bufSize)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// Counter counts the bytes read from a log file, so that a damaged gzip
// stream can say where it ends (GzipDamage).
type Counter struct {
	R io.Reader
	N int64
}

func (c *Counter) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}

// GzipDamage words a gzip stream's damage, n bytes into the file, as one
// line, or returns "" when err is not that.
func GzipDamage(err error, n int64) string {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the gzip stream is cut off after %s bytes (the file is truncated)", ui.Count(n))
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader), errors.As(err, &corrupt):
		return fmt.Sprintf("the gzip stream is corrupt (%v) within its first %s bytes", err, ui.Count(n))
	}
	return ""
}
