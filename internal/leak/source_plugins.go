// A plugin registered per call: the leaked entries are made by a function
// of the program's (a markdown-it plugin that pushes a core rule) which a
// library runs each time the program hands it over (md.use(plugin, …)).
// Handing it over inside a function that runs per request adds one more
// each time; handing it over once, at a module's top level, is the fix.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// pluginPerCall: the code is a closure the program hands a library at
// its line, inside a named function (the plugin), and the program passes
// that function as an argument (md.use(tableOfContents, …)) inside another
// function, which runs per call. The hint leads with that line; the
// plugin's own call is where they are added.
func (f sourceFacts) pluginPerCall(src Sources) {
	l := *f.loc
	if src == nil || f.pattern != PatternCollection || f.holder == nil || f.holder.Package == "" || !programCallback(l) {
		return
	}
	lines, ok := locationLines(l, src)
	if !ok {
		return
	}
	// The closure is an argument of a call on its own line (the
	// plugin's md.core.ruler.push('toc', (state) => {).
	line := lines[l.Line-1]
	if l.Column < 2 || l.Column-1 > len(line) || !callRe.Match(line[:l.Column-1]) {
		return
	}
	plugin := functionAbove(l.Script, lines, l.Line)
	if plugin == nil || !identRe.MatchString(plugin.Function) || plugin.Function == "constructor" {
		return
	}
	passed := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(plugin.Function) + `\s*[,)]`)
	var perCall, once *Statement
	matchLines(passed, f.allScripts(src), src, func(sc string, ls [][]byte, i int, loc []int) {
		if commentBefore(ls[i], loc[0]) || !strings.Contains(string(ls[i][:loc[0]+1]), "(") {
			return
		}
		st := &Statement{Script: sc, Line: i + 1, Column: indentOf(ls[i]) + 1, Text: clipLine(ls[i])}
		if insideFunction(ls, i) {
			if perCall == nil {
				perCall = st
			}
		} else if once == nil {
			once = st
		}
	})
	if perCall == nil {
		return
	}
	fn := "a function"
	if e := enclosingFunction(perCall, src); e != nil && identRe.MatchString(e.Function) {
		fn = e.Function + "()"
	}
	if name, _ := calledAtTopLevel(perCall, f.allScripts(src), src); name != "" {
		return // (its function runs once, at startup)
	}
	add := &Statement{Script: l.Script, Line: l.Line, Column: indentOf(line) + 1, Text: clipLine(line)}
	if lib := libraryLine(*f.added); lib != nil {
		add.Library = libraryMethodAdd(lib, line[:l.Column-1], src)
	}
	*f.added = add
	text := fmt.Sprintf("%s:%d hands %s to the library inside %s (%s), which runs at each call, and each time %s adds another (%s:%d: %s): nothing takes them out, so hand it over once, at startup, where the library object is made",
		filepath.Base(perCall.Script), perCall.Line, plugin.Function, fn, openCall(perCall.Text), plugin.Function,
		filepath.Base(add.Script), add.Line, openCall(add.Text))
	if once != nil {
		text += fmt.Sprintf(" (as %s:%d does: %s)", filepath.Base(once.Script), once.Line, openCall(once.Text))
	}
	*f.hint = text
}

// openCall is a call's line as text, its arguments left open on the lines
// below marked as such (md.use(plugin, {…})).
func openCall(t string) string {
	t = strings.TrimSuffix(strings.TrimSpace(t), ";")
	switch {
	case strings.HasSuffix(t, "=> {"), strings.HasSuffix(t, ") {"):
		return strings.TrimSuffix(t, "{") + "{…})"
	case strings.HasSuffix(t, "{"):
		return t + "…})"
	case strings.HasSuffix(t, "("):
		return t + "…)"
	}
	return t
}

// libraryMethodAdd is, among the library's lines that add like a (the
// same field: this.__rules__.splice(…) and .push(…), or the same indexed
// store: this.hashMap[hash] = …), the one inside the library's method the
// program calls at the end of call (….ruler.push(), Ruler's push();
// stripeLatency.observe(, Histogram's observe()); a when there is none.
func libraryMethodAdd(a *Statement, call []byte, src Sources) *Statement {
	m := calledMethodRe.FindSubmatch(call)
	dot := strings.LastIndexByte(a.Text, '.')
	if m == nil || a.Others == 0 || dot <= 0 {
		return a
	}
	method := string(m[1])
	var re *regexp.Regexp
	if st := indexedStoreRe.FindStringSubmatch(a.Text); st != nil {
		// An indexed store: this.hashMap[hash] = ….
		re = regexp.MustCompile(`(?:^|[^\w$.])` + dottedRe(strings.Join(strings.Fields(st[1]), "")) + `\s*\[[^\]]*\]\s*=[^=]`)
	} else {
		re = regexp.MustCompile(`(?:^|[^\w$.])` + dottedRe(strings.TrimSpace(a.Text[:dot])) + `\s*\.\s*[\w$]+\s*\(`)
	}
	var found *Statement
	matchLines(re, []string{a.Script}, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found != nil {
			return
		}
		if fn := functionAbove(sc, lines, i+1); fn != nil && fn.Function == method {
			found = &Statement{Script: sc, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
		}
	})
	if found == nil {
		return a
	}
	return found
}

// indexedStoreRe is a store at an index of a field: this.hashMap[hash] =.
var indexedStoreRe = lazyRE(`((?:[\w$]+\s*\.\s*)*[\w$]+)\s*\[[^\]]*\]\s*=[^=]`)

// calledMethodRe is the last method called on a line's text before a
// closure argument: push in md.core.ruler.push('toc', .
var calledMethodRe = lazyRE(`\.\s*([\w$]+)\s*\([^()]*$`)
