package gctrace

// Number and token scanning shared by the line parsers: no allocation.

func bytesToMB(v []byte) float64 {
	x, n := parseNum(v)
	if n == 0 {
		return 0
	}
	return x / (1024 * 1024)
}

// num parses a number at the start of b.
func num(b []byte) (float64, []byte, bool) {
	v, n := parseNum(b)
	if n == 0 {
		return 0, b, false
	}
	return v, b[n:], true
}

// paren parses " (25.2)".
func paren(b []byte) (float64, []byte, bool) {
	if len(b) < 2 || b[0] != ' ' || b[1] != '(' {
		return 0, b, false
	}
	v, n := parseNum(b[2:])
	if n == 0 || 2+n >= len(b) || b[2+n] != ')' {
		return 0, b, false
	}
	return v, b[3+n:], true
}

func lit(b []byte, s string) ([]byte, bool) {
	if len(b) < len(s) || string(b[:len(s)]) != s {
		return b, false
	}
	return b[len(s):], true
}

// parseNum reads an unsigned decimal number ("12", "12.77", ".5" is not
// accepted) and returns it with the count of bytes consumed (0 if none).
// V8 prints at most a few decimals, so summing digits is exact enough and
// much faster than strconv.ParseFloat on the hot path.
func parseNum(b []byte) (float64, int) {
	i := 0
	var ip uint64
	extra := 0 // digits beyond what uint64 holds exactly
	for i < len(b) && isDigit(b[i]) {
		if ip < 1e17 {
			ip = ip*10 + uint64(b[i]-'0')
		} else {
			extra++
		}
		i++
	}
	if i == 0 {
		return 0, 0
	}
	v := float64(ip)
	// Clamp absurd magnitudes so sums over a hostile log stay finite
	// (JSON has no Inf); no real V8 value comes near 1e18.
	for ; extra > 0 && v < 1e18; extra-- {
		v *= 10
	}
	v = min(v, 1e18)
	if i+1 < len(b) && b[i] == '.' && isDigit(b[i+1]) {
		i++
		var fp uint64
		scale := 1.0
		for i < len(b) && isDigit(b[i]) {
			if scale < 1e15 {
				fp = fp*10 + uint64(b[i]-'0')
				scale *= 10
			}
			i++
		}
		v += float64(fp) / scale
	}
	return v, i
}

func skipSpaces(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
