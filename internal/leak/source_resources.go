// A library's resource that the program makes per call and frees on some
// ways out only: const stmt = this.db.prepare(…) … stmt.free(), with a
// return before the free. The library keeps each one it made (sql.js's
// statements, a pool's leases) until it is freed, so the return that
// skips it is the leak, whatever the library's names (a minified build's
// Database.tb).

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// disposeVerbs are methods that give a made resource back to the library
// that keeps it.
const disposeVerbs = `free|close|release|destroy|dispose|finalize|unsubscribe|disconnect|end`

// resourceExit finds, in the program's scripts, a local made by a call on
// owner (the program's name for the library object that holds the
// leaked entries: const stmt = this.db.prepare(…)) whose function gives
// it back (stmt.free()) on some ways out and not on another. made is the
// making statement, call the disposal as the program writes it; nil when
// there is none.
func resourceExit(owner string, scripts []string, src Sources) (made *Statement, e *exit, call string) {
	if !identRe.MatchString(owner) || src == nil {
		return nil, nil, ""
	}
	makes := regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:await\s+)?(?:this\s*\.\s*)?` + regexp.QuoteMeta(owner) + `\s*\.\s*[A-Za-z_$][\w$]*\s*\(`)
	matchLines(makes, programScripts(scripts, src), src, func(sc string, lines [][]byte, i int, loc []int) {
		if made != nil || commentBefore(lines[i], loc[0]) {
			return
		}
		local := string(makes.FindSubmatch(lines[i])[1])
		from, to := enclosingLines(sc, lines, i, src)
		if from == 0 && to == len(lines) {
			return // (a module's top level makes it once)
		}
		dispose := regexp.MustCompile(`\b` + regexp.QuoteMeta(local) + `\s*\.\s*(?:` + disposeVerbs + `)\s*\(\s*\)`)
		var first []byte
		for k := i + 1; k < to && first == nil; k++ {
			first = dispose.Find(lines[k])
		}
		if first == nil {
			return // (never given back here: handed on, or kept)
		}
		st := &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		if x := skippedExit(st, dispose, src); x != nil {
			made, e, call = st, x, strings.Join(strings.Fields(string(first)), "")
		}
	})
	return made, e, call
}

// resourceFix: the leaked entries are kept in a library object's
// collection, and the program makes them per call through that object
// and frees them on some ways out: the way out that skips it is the fix,
// and the making line is the code and where they are added.
func (f sourceFacts) resourceFix(src Sources) {
	h := f.holder
	if h == nil || h.Package == "" || src == nil || f.pattern != PatternCollection {
		return
	}
	made, e, call := resourceExit(h.OwnerName, f.allScripts(src), src)
	if made == nil {
		return
	}
	lib := *f.added
	if lib != nil && programLocation(&Location{Script: lib.Script}) {
		lib = lib.Library
	}
	*f.added = &Statement{Script: made.Script, Line: made.Line, Column: made.Column, Text: made.Text, Library: lib}
	f.setLoc(made, src)
	text := strings.TrimSuffix(made.Text, ";")
	if strings.HasSuffix(text, "(") {
		text += "…)" // its arguments on the lines below
	}
	// (Bounding the library's table would drop resources in use: the
	// way out is the fix.)
	rest := strings.TrimSuffix(strings.TrimSuffix(*f.hint, boundAdvice), ": ")
	rest = strings.TrimSuffix(strings.TrimSuffix(rest, boundAdviceOne), ": ")
	*f.hint = fmt.Sprintf("%s (%s) keeps each one made at %s:%d (%s) until %s is called: %s; %s",
		h.OwnerName, h.Package, filepath.Base(made.Script), made.Line, text, call, exitText(e, call), rest)
}

// methodCallRe is a method called on a statement's line, before its
// arguments: addDynamicView in view = this.tickets.addDynamicView(name).
var methodCallRe = lazyRE(`\.\s*([A-Za-z_$][\w$]*)\s*\(`)

// pairedRemovalExit: the removal st is a library method (removeDynamicView)
// that a function of the program calls after it adds, in the same
// function, through the same method the suspect's adds use
// (addDynamicView), and a way out of that function before the removal
// skips it (an empty page's early return). add is that function's adding
// call, which makes the entries that stay; nil when there is none.
func pairedRemovalExit(added, st *Statement, files []string, src Sources) (add *Statement, e *exit, call string) {
	if added == nil || st == nil || src == nil || programLocation(&Location{Script: st.Script}) {
		return nil, nil, ""
	}
	m := methodCallRe.FindAllStringSubmatch(added.Text, -1)
	fn := enclosingFunction(st, src)
	if m == nil || fn == nil || !identRe.MatchString(fn.Function) {
		return nil, nil, ""
	}
	// (The first call on the line is the one that adds: the others are
	// in its arguments.)
	adds := regexp.MustCompile(`\.\s*` + regexp.QuoteMeta(m[0][1]) + `\s*\(`)
	for _, r := range callSites(fn, programScripts(files, src), src) {
		lines, ok := locationLines(&Location{Script: r.Script, Line: r.Line}, src)
		if !ok {
			continue
		}
		from, _ := enclosingLines(r.Script, lines, r.Line-1, src)
		if from == 0 {
			continue
		}
		for k := r.Line - 2; k > from; k-- {
			if loc := adds.FindIndex(lines[k]); loc != nil && !commentBefore(lines[k], loc[0]) {
				col := loc[0]
				for col > 0 && (isIdentByte(lines[k][col-1]) || lines[k][col-1] == '.') {
					col-- // to the start of the call's receiver (this.tickets.addDynamicView)
				}
				a := &Statement{Script: r.Script, Line: k + 1, Column: col + 1, Text: clipLine(lines[k])}
				if x := skippedExit(a, regexp.MustCompile(regexp.QuoteMeta(callPrefix(r.Text))), src); x != nil {
					return a, x, strings.TrimSuffix(strings.TrimSpace(r.Text), ";")
				}
				break
			}
		}
	}
	return nil, nil, ""
}
