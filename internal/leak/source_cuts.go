// Where the slices a collection keeps were cut out. The copy that frees
// their wholes belongs at that line (every later copy of the reference
// keeps the whole too), so the report names it, read from the source:
// the value stored under the slices' field, followed back through the
// names and fields it passed through to the call that cut it.

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
	stringCutRe = lazyRE(`\.\s*(?:slice|substring|substr|match|matchAll|exec|split|trim|trimStart|trimEnd)\s*\(`)
	bufferCutRe = lazyRE(`\.\s*(?:subarray|slice)\s*\(|new\s+(?:Uint8Array|Int8Array|Uint16Array|Int16Array|Uint32Array|Int32Array|Float32Array|Float64Array|BigInt64Array|BigUint64Array|DataView)\s*\(\s*[\w$.]+\.buffer\b|Buffer\.from\s*\(\s*[\w$.]+\.buffer\b`)
)

// maxCutFollow bounds how many names and fields a value is followed
// through (const m = re.exec(text); const id = m[1]; { ua: m[10] };
// { userAgent: rec.ua }).
const maxCutFollow = 4

var (
	// firstArgRe is the first argument of a Map's set() or a Set's add()
	// (its key).
	firstArgRe = lazyRE(`\.\s*(?:set|add)\s*\(\s*([^,)]+)`)
	// indexedRe is a value read out of another name: m[1], m.groups.id,
	// parts?.[2].
	indexedRe = lazyRE(`^\s*([A-Za-z_$][\w$]*)\s*(?:(?:\?\.)?\[|\??\.groups\b)`)
	// memberRe is a field read off an object: rec.ua, this.req.userAgent.
	memberRe = lazyRE(`^\s*[A-Za-z_$][\w$]*(?:\s*\??\.\s*[A-Za-z_$][\w$]*)*\s*\??\.\s*([A-Za-z_$][\w$]*)\s*[,;)}]?\s*$`)
)

// cutFinder follows values back to the call that cut them.
type cutFinder struct {
	cut     *regexp.Regexp
	scripts []string // the program's scripts, for a field set elsewhere
	src     Sources
	seen    map[string]bool // fields already looked for
}

// cutAt is the line where the slices of w were cut out, nil when it
// cannot be told: the value the adding statement (added) or its function
// stores under one of w's fields, followed back; else a line of the
// program that sets that field.
func cutAt(w *Wholes, added *Statement, scripts []string, src Sources) *Statement {
	if w == nil || src == nil {
		return nil
	}
	c := &cutFinder{cut: stringCutRe.get(), scripts: programScripts(scripts, src), src: src, seen: map[string]bool{}}
	if w.Kind == "buffer" {
		c.cut = bufferCutRe.get()
	}
	if added != nil {
		if st := c.inFunction(w.Fields, added); st != nil {
			return st
		}
	}
	for _, f := range w.Fields {
		if st := c.field(f, maxCutFollow); st != nil {
			return st
		}
	}
	return nil
}

// fieldExprRe is a field set in an object literal or by an assignment,
// with what it is set to: "userAgent: rec.ua", "this.ua = m[10]".
func fieldExprRe(f string) *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(f) + `\s*(?::|=[^=>])\s*([^,;}]+)`)
}

// inFunction looks in the function around added for the value it stores
// under one of fields: in the adding statement, or set on the object it
// adds in the lines above it.
func (c *cutFinder) inFunction(fields []string, added *Statement) *Statement {
	lines, head, ok := c.function(added.Script, added.Line)
	if !ok {
		return nil
	}
	i := added.Line - 1
	for _, f := range fields {
		if f == "key" {
			if m := firstArgRe.FindSubmatch(lines[i]); m != nil {
				if st := c.follow(added.Script, lines, head, i, string(m[1]), maxCutFollow); st != nil {
					return st
				}
			}
			continue
		}
		if !identRe.MatchString(f) {
			continue
		}
		// The field set in the adding statement or above it, nearest
		// first; or stored as a variable of its name ({ digest }).
		re := fieldExprRe(f)
		for k := i; k >= head; k-- {
			if m := re.FindSubmatch(lines[k]); m != nil && !commentLine(lines[k]) {
				if st := c.follow(added.Script, lines, head, k, string(m[1]), maxCutFollow); st != nil {
					return st
				}
				break
			}
		}
		if st := c.follow(added.Script, lines, head, i, f, maxCutFollow); st != nil {
			return st
		}
	}
	return nil
}

// field looks for the lines of the program that set field f and follows
// what they set it to.
func (c *cutFinder) field(f string, depth int) *Statement {
	if depth == 0 || f == "key" || !identRe.MatchString(f) || c.seen[f] {
		return nil
	}
	c.seen[f] = true
	var found *Statement
	re := fieldExprRe(f)
	matchLines(re, c.scripts, c.src, func(sc string, lines [][]byte, i int, _ []int) {
		if found != nil || commentLine(lines[i]) {
			return
		}
		m := re.FindSubmatch(lines[i])
		head := headAbove(lines, i+1, func(k int) bool { return functionHeadRe.Match(lines[k]) || nestedFuncRe.Match(lines[k]) })
		if head < 0 {
			head = max(0, i-maxFunctionLines)
		}
		found = c.follow(sc, lines, head, i, string(m[1]), depth-1)
	})
	return found
}

// follow is where expr, read at line i (0-based) of a function whose head
// is line head, was cut: that line when expr cuts; else the assignment of
// the name it reads, above it in the function (m in m[1]); else, for a
// field read off an object (rec.ua), the lines that set that field.
func (c *cutFinder) follow(script string, lines [][]byte, head, i int, expr string, depth int) *Statement {
	if depth < 0 {
		return nil
	}
	if loc := c.cut.FindStringIndex(expr); loc != nil {
		return c.at(script, lines, i)
	}
	name := expr
	if r := indexedRe.FindStringSubmatch(expr); r != nil {
		// A part read out of a match or a split (m[10], parts[3]):
		// the part becomes a value of its own here, so the copy
		// belongs on this line.
		if c.follow(script, lines, head, i, r[1], depth-1) == nil {
			return nil
		}
		col := bytes.Index(lines[i], []byte(bytes.TrimSpace([]byte(expr))))
		return &Statement{Script: script, Line: i + 1, Column: max(col, 0) + 1, Text: clipLine(lines[i])}
	} else if r := memberRe.FindStringSubmatch(expr); r != nil {
		return c.field(r[1], depth)
	}
	name = string(bytes.TrimSpace([]byte(name)))
	if !identRe.MatchString(name) || depth == 0 {
		return nil
	}
	q := regexp.QuoteMeta(name)
	def := regexp.MustCompile(`(?:^|[^\w$.])` + q + `\b[^=;(]*?=\s*([^=>].*)$|(?:const|let|var)\s*[\[{][^=]*\b` + q + `\b[^=]*[\]}]\s*=\s*(.*)$`)
	for k := i; k >= head; k-- {
		m := def.FindSubmatch(lines[k])
		if m == nil || commentLine(lines[k]) {
			continue
		}
		rhs := m[1]
		if rhs == nil {
			rhs = m[2]
		}
		return c.follow(script, lines, head, k, string(rhs), depth-1)
	}
	return nil
}

// at is line i of script as the statement that cuts.
func (c *cutFinder) at(script string, lines [][]byte, i int) *Statement {
	l := lines[i]
	col := 1
	if loc := c.cut.FindIndex(l); loc != nil {
		col = loc[0] + 1
	}
	return &Statement{Script: script, Line: i + 1, Column: col, Text: clipLine(l)}
}

// function is script's lines and the head (0-based) of the function
// around line (1-based).
func (c *cutFinder) function(script string, line int) ([][]byte, int, bool) {
	b, ok := c.src.Read(script)
	if !ok {
		return nil, 0, false
	}
	lines := bytes.Split(b, []byte("\n"))
	if line < 1 || line > len(lines) {
		return nil, 0, false
	}
	head := headAbove(lines, line, func(i int) bool { return functionHeadRe.Match(lines[i]) })
	if head < 0 {
		head = max(0, line-1-maxFunctionLines)
	}
	return lines, head, true
}

// cutText is where a slice was cut, as the fix says it: "sliced-ids.js:21".
func cutText(st *Statement) string {
	return fmt.Sprintf("%s:%d", filepath.Base(st.Script), st.Line)
}
