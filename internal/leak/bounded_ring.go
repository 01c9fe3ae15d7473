// Rings: an Array written by an index that wraps (ring[next] = entry;
// next = (next + 1) % CAPACITY) holds at most CAPACITY entries, whatever
// the traffic: it overwrites its oldest slot. No size test or removal
// shows that bound, only the wrap of the index.

package leak

import (
	"bytes"
	"regexp"
	"strings"
)

// ringTrim finds the wrap of the index the program writes the Array name
// with, in the suspect's scripts and their folders; nil when it is not
// written by an index, or the index never wraps.
func ringTrim(name string, own []string, src Sources) *Trim {
	write := regexp.MustCompile(`(?:^|[^\w$.]|\bthis\s*\.\s*)` + regexp.QuoteMeta(name) + `\s*\[\s*((?:this\s*\.\s*)?[\w$]+)\s*(?:\+\+\s*)?\]\s*=[^=]`)
	var t *Trim
	matchStatements(write, own, src, nil, func(sc string, lines [][]byte, i int, _ []int) {
		if t != nil {
			return
		}
		idx := string(write.FindSubmatch(lines[i])[1])
		wrap := wrapPattern(idx)
		for k, l := range lines {
			m := wrap.FindSubmatchIndex(l)
			if m == nil || commentBefore(l, m[0]) {
				continue
			}
			bound := ""
			for g := 1; 2*g < len(m); g++ {
				if m[2*g] >= 0 {
					bound = string(l[m[2*g]:m[2*g+1]])
				}
			}
			t = &Trim{At: Statement{Script: sc, Line: k + 1, Column: m[0] + 1, Text: clipLine(l)}, Bound: bound, Ring: true}
			return
		}
	})
	if t != nil {
		t.Limit = boundValue(t.Bound, "", t.At.Script, own, src)
	}
	return t
}

// wrapPattern matches the wrap of index idx at a bound (the bound is its
// one group that matched): idx = (idx + 1) % N, idx %= N,
// idx = ++idx % N, a local computed as a remainder (const idx = (start +
// length) % N), or a reset to 0 once it reaches N.
func wrapPattern(idx string) *regexp.Regexp {
	q := regexp.QuoteMeta(idx)
	if strings.HasPrefix(idx, "this") {
		q = `this\s*\.\s*` + regexp.QuoteMeta(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(idx, "this")), ".")))
	}
	b := `((?:this\s*\.\s*)?[\w$]+(?:\.[\w$]+)*)`
	return regexp.MustCompile(q + `\s*=\s*\(\s*(?:` + q + `\s*\+\s*1|1\s*\+\s*` + q + `|\+\+\s*` + q + `)\s*\)\s*%\s*` + b +
		`|\b(?:const|let|var)\s+` + q + `\s*=\s*[^;=]*%\s*` + b + `\s*;?\s*$` +
		`|` + q + `\s*%=\s*` + b +
		`|` + q + `\s*=\s*\+\+\s*` + q + `\s*%\s*` + b +
		`|if\s*\(\s*(?:\+\+\s*)?` + q + `(?:\s*\+\+)?\s*(?:>=|===?|>)\s*` + b + `\s*\)\s*\{?\s*` + q + `\s*=\s*0\b`)
}

// ringOf is ringTrim for a holder: an Array kept in a variable or field.
func ringOf(h *Holder, own []string, src Sources) *Trim {
	if h == nil || h.Kind != "Array" || src == nil {
		return nil
	}
	name, ok := lastName(h.Name)
	if !ok {
		return nil
	}
	t := ringTrim(name, own, src)
	if t != nil && t.Limit < 0 && h.Entries > 0 && (bytes.HasSuffix([]byte(t.Bound), []byte(".length")) || preallocated(name, t.Bound, t.At.Script, src)) {
		// (ring.length, or an Array made as long as the bound: as long
		// as the Array is.)
		t.Limit = h.Entries
	}
	return t
}

// preallocated: script makes the Array name as long as the ring's bound
// (this.items = new Array(capacity) beside a wrap at this.capacity), so
// its length in the heap is the bound.
func preallocated(name, bound, script string, src Sources) bool {
	b, ok := lastName(bound)
	if !ok {
		return false
	}
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*=\s*new\s+Array\s*\(\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(b) + `\s*\)`)
	return findStatement(re, []string{script}, src) != nil
}
