// Where the slices a collection keeps were cut out. The copy that frees
// their wholes belongs at that line (every later copy of the reference
// keeps the whole too), so the report names it, read from the source:
// the value the adding statement stores under the slices' field, followed
// back to the call that cut it in the adding function, or else a line of
// the program that sets that field with such a call.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
)

// Calls that make a slice that keeps its whole: for strings a substring,
// a split, a trim or a regular expression's match (its captures are
// slices); for Buffers a subarray() or slice(), or a typed array or
// DataView made on another's .buffer.
var (
	stringCutRe = regexp.MustCompile(`\.\s*(?:slice|substring|substr|match|matchAll|exec|split|trim|trimStart|trimEnd)\s*\(`)
	bufferCutRe = regexp.MustCompile(`\.\s*(?:subarray|slice)\s*\(|new\s+(?:Uint8Array|Int8Array|Uint16Array|Int16Array|Uint32Array|Int32Array|Float32Array|Float64Array|BigInt64Array|BigUint64Array|DataView)\s*\(\s*[\w$.]+\.buffer\b|Buffer\.from\s*\(\s*[\w$.]+\.buffer\b`)
)

// maxCutFollow bounds how many names a value is followed through (const
// m = re.exec(text); const id = m[1]).
const maxCutFollow = 3

// cutAt is the line where the slices of w were cut out, nil when it
// cannot be told: first in the function that adds the entries (added),
// following the stored value back through the names it was given; then,
// for a field of the entries' own, a line of the program's scripts that
// sets the field with a cutting call.
func cutAt(w *Wholes, added *Statement, scripts []string, src Sources) *Statement {
	if w == nil || src == nil {
		return nil
	}
	cut := stringCutRe
	if w.Kind == "buffer" {
		cut = bufferCutRe
	}
	if added != nil {
		if st := cutInFunction(w, cut, added, src); st != nil {
			return st
		}
	}
	for _, f := range w.Fields {
		if f == "key" || !identRe.MatchString(f) {
			continue
		}
		re := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(f) + `\s*(?::|=[^=>])[^;]*?` + cut.String())
		if st := findStatement(re, programScripts(scripts, src), src); st != nil {
			return st
		}
	}
	return nil
}

// cutInFunction looks in the function around added for the cut of the
// value it stores under one of w's fields.
func cutInFunction(w *Wholes, cut *regexp.Regexp, added *Statement, src Sources) *Statement {
	b, ok := src.Read(added.Script)
	if !ok {
		return nil
	}
	lines := bytes.Split(b, []byte("\n"))
	if added.Line < 1 || added.Line > len(lines) {
		return nil
	}
	head := headAbove(lines, added.Line, func(i int) bool { return functionHeadRe.Match(lines[i]) })
	if head < 0 {
		head = max(0, added.Line-1-maxFunctionLines)
	}
	at := func(i int) *Statement {
		l := lines[i]
		loc := cut.FindIndex(l)
		return &Statement{Script: added.Script, Line: i + 1, Column: loc[0] + 1, Text: clipLine(l)}
	}
	line := lines[added.Line-1]
	for _, f := range w.Fields {
		// What the adding statement stores under the field: the stored
		// expression itself when it cuts, else the name it reads.
		name := f
		if f == "key" {
			m := firstArgRe.FindSubmatch(line)
			if m == nil {
				continue
			}
			if cut.Match(m[1]) {
				return at(added.Line - 1)
			}
			name = string(bytes.TrimSpace(m[1]))
		} else if m := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(f) + `\s*:\s*([^,}]+)`).FindSubmatch(line); m != nil {
			if cut.Match(m[1]) {
				return at(added.Line - 1)
			}
			name = string(bytes.TrimSpace(m[1]))
		}
		// Follow the name back through the function's assignments,
		// nearest first: const id = m[1] leads to m = re.exec(text).
		for range maxCutFollow {
			if !identRe.MatchString(name) {
				break
			}
			def := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(name) + `\b[^=;(]*?=\s*([^=>].*)$|(?:const|let|var)\s*[\[{][^=]*\b` + regexp.QuoteMeta(name) + `\b[^=]*[\]}]\s*=\s*(.*)$`)
			next := ""
			for i := added.Line - 1; i >= head; i-- {
				m := def.FindSubmatch(lines[i])
				if m == nil || bytes.HasPrefix(bytes.TrimSpace(lines[i]), []byte("//")) {
					continue
				}
				rhs := m[1]
				if rhs == nil {
					rhs = m[2]
				}
				if cut.Match(rhs) {
					return at(i)
				}
				// m[1], m.groups.id, parts?.[2]: the name indexed.
				if r := indexedRe.FindSubmatch(rhs); r != nil {
					next = string(r[1])
				}
				break
			}
			if next == "" || next == name {
				break
			}
			name = next
		}
	}
	return nil
}

var (
	// firstArgRe is the first argument of a Map's set() or a Set's add()
	// (its key).
	firstArgRe = regexp.MustCompile(`\.\s*(?:set|add)\s*\(\s*([^,)]+)`)
	// indexedRe is a value read out of another name: m[1], m.groups.id,
	// parts?.[2].
	indexedRe = regexp.MustCompile(`^\s*([A-Za-z_$][\w$]*)\s*(?:(?:\?\.)?\[|\??\.groups\b)`)
)

// cutText is where a slice was cut, as the fix says it: "sliced-ids.js:21".
func cutText(st *Statement) string {
	return fmt.Sprintf("%s:%d", filepath.Base(st.Script), st.Line)
}
