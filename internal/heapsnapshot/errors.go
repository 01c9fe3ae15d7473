package heapsnapshot

import (
	"errors"
	"strconv"
)

// FormatError reports input that is not a valid heap snapshot: empty, not
// JSON, JSON of another kind, truncated, or inconsistent. Its message is one
// line that says what is wrong and where; the CLI prints it and exits 2.
type FormatError struct {
	// Offset is the byte offset in the (decompressed) snapshot where the
	// problem was found, or -1 when it concerns the file as a whole.
	Offset int64
	// Truncated is true when the input ended before the snapshot did.
	Truncated bool
	Msg       string
}

func (e *FormatError) Error() string { return e.Msg }

// IsFormatError reports whether err (or an error it wraps) is a *FormatError.
func IsFormatError(err error) bool {
	var fe *FormatError
	return errors.As(err, &fe)
}

func formatErr(off int64, msg string) *FormatError {
	if off >= 0 {
		msg = "at byte " + commas(off) + ": " + msg
	}
	return &FormatError{Offset: off, Msg: "not a valid heap snapshot: " + msg}
}

// commas formats n with thousands separators, the way people read offsets.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := false
	if n < 0 {
		neg, s = true, s[1:]
	}
	out := make([]byte, 0, len(s)+len(s)/3+1)
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
