package gctrace

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/ui"
)

// Decode reads a log as UTF-8 text through a buffer of bufSize bytes:
// gunzipped when it is gzip-compressed, decoded when it is UTF-16 (what
// Windows PowerShell's > writes), without a byte-order mark. Each is told
// by the first bytes, not by the name.
func Decode(r io.Reader, bufSize int) (io.Reader, error) {
	br := bufio.NewReaderSize(r, bufSize)
	head, _ := br.Peek(2)
	if len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		return decodeText(bufio.NewReaderSize(z, bufSize)), nil
	}
	return decodeText(br), nil
}

// decodeText drops a UTF-8 byte-order mark, and decodes UTF-16 told by
// its mark or, without one, by a NUL after each of the first few ASCII
// bytes.
func decodeText(br *bufio.Reader) io.Reader {
	head, _ := br.Peek(8)
	switch {
	case bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}):
		br.Discard(3)
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		br.Discard(2)
		return &utf16Reader{r: br, big: false}
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		br.Discard(2)
		return &utf16Reader{r: br, big: true}
	case len(head) == 8 && asciiUTF16(head, 1):
		return &utf16Reader{r: br, big: false}
	case len(head) == 8 && asciiUTF16(head, 0):
		return &utf16Reader{r: br, big: true}
	}
	return br
}

// asciiUTF16: every other byte of b, from zero, is NUL and the rest are
// printable ASCII or line ends: ASCII text in UTF-16.
func asciiUTF16(b []byte, zero int) bool {
	for i, c := range b {
		if i%2 == zero {
			if c != 0 {
				return false
			}
		} else if c == 0 || c >= 0x80 {
			return false
		}
	}
	return true
}

// utf16Reader turns UTF-16 text into UTF-8 as it is read. A lone
// surrogate or an odd last byte becomes U+FFFD, as a text editor shows it.
type utf16Reader struct {
	r   *bufio.Reader
	big bool
	out []byte // decoded, not yet returned
	hi  rune   // a high surrogate waiting for its pair
	err error
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 && u.err == nil {
		u.fill()
	}
	if len(u.out) == 0 {
		return 0, u.err
	}
	n := copy(p, u.out)
	u.out = u.out[n:]
	return n, nil
}

// fill decodes what the reader has buffered (at least one unit).
func (u *utf16Reader) fill() {
	if _, err := u.r.Peek(2); err != nil {
		if rest, _ := u.r.Peek(1); len(rest) == 1 {
			u.r.Discard(1)
			u.out = utf8.AppendRune(u.out[:0], utf8.RuneError)
		}
		if u.hi != 0 {
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.hi = 0
		}
		u.err = err
		return
	}
	units := u.r.Buffered() / 2
	b, _ := u.r.Peek(2 * units)
	u.out = u.out[:0]
	for i := 0; i+1 < len(b); i += 2 {
		var c rune
		if u.big {
			c = rune(b[i])<<8 | rune(b[i+1])
		} else {
			c = rune(b[i+1])<<8 | rune(b[i])
		}
		switch {
		case u.hi != 0 && utf16.IsSurrogate(c) && c >= 0xdc00:
			u.out = utf8.AppendRune(u.out, utf16.DecodeRune(u.hi, c))
			u.hi = 0
			continue
		case u.hi != 0:
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
			u.hi = 0
		}
		switch {
		case c >= 0xd800 && c < 0xdc00:
			u.hi = c
		case utf16.IsSurrogate(c):
			u.out = utf8.AppendRune(u.out, utf8.RuneError)
		default:
			u.out = utf8.AppendRune(u.out, c)
		}
	}
	u.r.Discard(2 * units)
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
