package gctrace

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
	"unicode/utf16"
)

// encodeUTF16 is s as UTF-16 units, little- or big-endian.
func encodeUTF16(s string, big bool) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		if big {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// A log as Windows writes it (UTF-16 with or without its mark, UTF-8 with
// a mark, gzipped or not) reads as the same UTF-8 text; bytes that are
// not UTF-16 pass as they are.
func TestDecode(t *testing.T) {
	text := "[18839:0x4298ce30]      512 ms: Scavenge 4.1 (5.2) -> 3.9 (6.2) MB, 0.8 / 0.0 ms  (average mu = 1.000, current mu = 1.000) allocation failure;\r\nheap ✓ 𝔾\r\n"
	gz := func(b []byte) []byte {
		var out bytes.Buffer
		w := gzip.NewWriter(&out)
		w.Write(b)
		w.Close()
		return out.Bytes()
	}
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"utf-8", []byte(text)},
		{"utf-8 mark", append([]byte{0xef, 0xbb, 0xbf}, text...)},
		{"utf-16le mark", append([]byte{0xff, 0xfe}, encodeUTF16(text, false)...)},
		{"utf-16be mark", append([]byte{0xfe, 0xff}, encodeUTF16(text, true)...)},
		{"utf-16le", encodeUTF16(text, false)},
		{"utf-16be", encodeUTF16(text, true)},
		{"gzip utf-16le mark", gz(append([]byte{0xff, 0xfe}, encodeUTF16(text, false)...))},
	} {
		r, err := Decode(bytes.NewReader(c.in), 16)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || string(got) != text {
			t.Errorf("%s: %q, %v", c.name, got, err)
		}
	}
	// An odd last byte and a lone surrogate: U+FFFD, not an error.
	odd := append(append([]byte{0xff, 0xfe}, encodeUTF16("ab", false)...), 0x00, 0xd8, 'c')
	r, _ := Decode(bytes.NewReader(odd), 16)
	if got, _ := io.ReadAll(r); string(got) != "ab\uFFFD\uFFFD" {
		t.Errorf("odd tail: %q", got)
	}
}

// FuzzDecode: any bytes decode without a panic, and text that is not
// UTF-16 or marked comes out as it went in.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("[1:0x1] 5 ms: Mark-Compact 1.0 (2.0) -> 0.5 (2.0) MB\n"))
	f.Add(append([]byte{0xff, 0xfe}, encodeUTF16("x\n", false)...))
	f.Add([]byte{0xfe, 0xff, 0xd8, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(bytes.NewReader(b), 16)
		if err != nil {
			return // (a gzip header that is not one)
		}
		got, _ := io.ReadAll(r)
		if len(b) >= 8 && b[0] != 0x1f && b[0] != 0xef && b[0] != 0xff && b[0] != 0xfe && bytes.IndexByte(b[:8], 0) < 0 && !bytes.Equal(got, b) {
			t.Errorf("plain bytes changed: %q → %q", b, got)
		}
	})
}
