package gctrace

import (
	"bufio"
	"compress/gzip"
	"io"
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
