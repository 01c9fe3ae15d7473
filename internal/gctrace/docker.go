package gctrace

import (
	"bytes"
	"encoding/hex"
	"unicode/utf8"
)

// dockerPrefix starts each line of Docker's json-file log driver
// (/var/lib/docker/containers/*/*-json.log): {"log":"…","stream":…}.
var dockerPrefix = []byte(`{"log":"`)

// dockerLog is the "log" string of a json-file line, unescaped into buf
// (reused by the caller) without its trailing newline; ok is false for any
// other line, or one whose string does not end on it. Go's encoding/json
// wrote it, so '<', '>' and '&' come as \u003c, \u003e and \u0026.
func dockerLog(line, buf []byte) ([]byte, bool) {
	if !bytes.HasPrefix(line, dockerPrefix) {
		return nil, false
	}
	b := line[len(dockerPrefix):]
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '"':
			return bytes.TrimRight(buf, "\r\n"), true
		case c != '\\':
			buf = append(buf, c)
			continue
		}
		if i++; i >= len(b) {
			return nil, false
		}
		switch b[i] {
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'b', 'f':
			buf = append(buf, ' ')
		case 'u':
			if i+4 >= len(b) {
				return nil, false
			}
			r, ok := hex4(b[i+1 : i+5])
			if !ok {
				return nil, false
			}
			buf = utf8.AppendRune(buf, r)
			i += 4
		default: // \" \\ \/
			buf = append(buf, b[i])
		}
	}
	return nil, false
}

// hex4 reads four hex digits.
func hex4(b []byte) (rune, bool) {
	var two [2]byte
	if _, err := hex.Decode(two[:], b); err != nil {
		return 0, false
	}
	return rune(two[0])<<8 | rune(two[1]), true
}
