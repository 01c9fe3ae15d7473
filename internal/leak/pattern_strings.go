// Pattern string-or-buffer: strings and buffers that accumulate.

package leak

func plainString(class string) string {
	switch class {
	case "(concatenated string)", "(sliced string)", "(thin string)":
		return "(string)"
	}
	return class
}

func isBufferClass(c string) bool {
	switch c {
	case "Buffer", "Uint8Array", "FastBuffer", "ArrayBuffer":
		return true
	}
	return false
}

// stringHint is the fix for a PatternStringBuffer suspect; per is its count range.
func stringHint(s *Suspect, per string) string {
	if isBufferClass(s.Class) {
		return "buffers accumulate: stream or cap them instead of keeping them all; a small slice (subarray/slice) of a large buffer keeps the whole parent alive, so keep a copy (Buffer.from(slice))"
	}
	return "strings or buffers accumulate: stream or cap them instead of keeping them all"
}
