package heapsnapshot

import (
	"strconv"
	"unicode/utf8"
)

// The JSON pieces of the file other than the big number arrays: strings
// (with their escapes), values skipped, and the small header object read
// whole, each bounded in size and depth.

// readString appends the unescaped JSON string at the cursor (after its
// opening quote) to dst. Invalid surrogates become U+FFFD.
func (p *parser) readString(dst []byte, limit int) ([]byte, error) {
	start := p.off()
	for {
		b := p.buf[p.pos:p.end]
		i := 0
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		dst = append(dst, b[:i]...)
		p.pos += i
		if len(dst) > limit {
			return dst, p.errAt(start, "string too long")
		}
		if i == len(b) {
			if !p.fill() {
				return dst, p.eofErr()
			}
			continue
		}
		if b[i] == '"' {
			p.pos++
			return dst, nil
		}
		for p.end-p.pos < 12 && p.fill() {
		}
		if p.end-p.pos < 2 {
			return dst, p.eofErr()
		}
		e := p.buf[p.pos+1]
		switch e {
		case '"', '\\', '/':
			dst = append(dst, e)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if p.end-p.pos < 6 {
				return dst, p.eofErr()
			}
			r, ok := hex4(p.buf[p.pos+2 : p.pos+6])
			if !ok {
				return dst, p.errAt(p.off(), "invalid \\u escape in a string")
			}
			p.pos += 6
			if r >= 0xd800 && r < 0xdc00 {
				if p.end-p.pos >= 6 && p.buf[p.pos] == '\\' && p.buf[p.pos+1] == 'u' {
					if r2, ok := hex4(p.buf[p.pos+2 : p.pos+6]); ok && r2 >= 0xdc00 && r2 < 0xe000 {
						r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
						p.pos += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xdc00 && r < 0xe000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, p.errAt(p.off(), "invalid escape %s in a string", quoteByte(e))
		}
		p.pos += 2
	}
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// skipValue skips one JSON value of any size without building it. It checks
// only nesting, strings and that the input does not end early: the sections
// it skips are ones we do not use.
func (p *parser) skipValue() error {
	depth := 0
	for {
		c, err := p.next()
		if err != nil {
			return err
		}
		switch {
		case c == '{' || c == '[':
			depth++
			if depth > 10000 {
				return p.errAt(p.off(), "JSON nested too deeply")
			}
			p.pos++
		case c == '}' || c == ']':
			if depth == 0 {
				return p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
			}
			depth--
			p.pos++
		case c == ',' || c == ':':
			if depth == 0 {
				return p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
			}
			p.pos++
			continue
		case c == '"':
			p.pos++
			if err := p.skipString(); err != nil {
				return err
			}
		case c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'):
			p.scalar()
		default:
			return p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
		}
		if depth == 0 {
			return nil
		}
	}
}

func (p *parser) skipString() error {
	for {
		for p.pos < p.end {
			c := p.buf[p.pos]
			if c == '"' {
				p.pos++
				return nil
			}
			if c == '\\' {
				if p.pos+1 >= p.end {
					break
				}
				p.pos += 2
				continue
			}
			p.pos++
		}
		if !p.fill() {
			return p.eofErr()
		}
	}
}

// scalar consumes a number or literal token and returns its text.
func (p *parser) scalar() []byte {
	var out []byte
	for {
		for p.pos < p.end {
			c := p.buf[p.pos]
			if !(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				return out
			}
			if len(out) < 64 {
				out = append(out, c)
			}
			p.pos++
		}
		if !p.fill() {
			return out
		}
	}
}

// jv is a small JSON value; only the header is parsed into this form.
type jv struct {
	kind byte // 's' string, 'n' number, 'a' array, 'o' object, 'l' literal
	s    string
	a    []jv
	keys []string
}

func (v *jv) get(k string) *jv {
	if v == nil || v.kind != 'o' {
		return nil
	}
	for i, kk := range v.keys {
		if kk == k {
			return &v.a[i]
		}
	}
	return nil
}

func (v *jv) strings() ([]string, bool) {
	if v == nil || v.kind != 'a' {
		return nil, false
	}
	out := make([]string, len(v.a))
	for i := range v.a {
		if v.a[i].kind != 's' {
			return nil, false
		}
		out[i] = v.a[i].s
	}
	return out, true
}

func (p *parser) value(depth int) (jv, error) {
	if depth > 32 {
		return jv{}, p.errAt(p.off(), "JSON nested too deeply")
	}
	c, err := p.next()
	if err != nil {
		return jv{}, err
	}
	switch {
	case c == '{' || c == '[':
		p.pos++
		v := jv{kind: 'a'}
		end := byte(']')
		if c == '{' {
			v.kind, end = 'o', '}'
		}
		for first := true; ; first = false {
			c, err := p.next()
			if err != nil {
				return v, err
			}
			if c == end && first {
				p.pos++
				return v, nil
			}
			if v.kind == 'o' {
				if err := p.expect('"', "a key string"); err != nil {
					return v, err
				}
				k, err := p.readString(nil, 1<<16)
				if err != nil {
					return v, err
				}
				v.keys = append(v.keys, string(k))
				if err := p.expect(':', "':'"); err != nil {
					return v, err
				}
			}
			e, err := p.value(depth + 1)
			if err != nil {
				return v, err
			}
			if len(v.a) >= 1<<16 {
				return v, p.errAt(p.off(), "header too large")
			}
			v.a = append(v.a, e)
			c, err = p.next()
			if err != nil {
				return v, err
			}
			p.pos++
			if c == end {
				return v, nil
			}
			if c != ',' {
				return v, p.errAt(p.off()-1, "expected ',' or %s, found %s", quoteByte(end), quoteByte(c))
			}
		}
	case c == '"':
		p.pos++
		s, err := p.readString(nil, 1<<16)
		return jv{kind: 's', s: string(s)}, err
	case c == '-' || (c >= '0' && c <= '9'):
		t := p.scalar()
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return jv{}, p.errAt(p.off(), "invalid number %q", t)
		}
		return jv{kind: 'n', s: string(t)}, nil
	case c == 't' || c == 'f' || c == 'n':
		t := string(p.scalar())
		if t != "true" && t != "false" && t != "null" {
			return jv{}, p.errAt(p.off(), "invalid literal %q", t)
		}
		return jv{kind: 'l', s: t}, nil
	}
	return jv{}, p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
}
