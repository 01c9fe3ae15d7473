// Where a removal sits, read from the source: in a read method under an
// expiry test, in a promise chain's .finally() or .then(), in an
// ending-event listener, of a stream a .pipe() chain feeds. Each says
// which entries never get there (removalSite.hint, in source_removal.go).

package leak

import (
	"bytes"
	"regexp"
	"strings"
)

// removalSite is where a removal sits, read once from the source: in a
// read method under an expiry test (lazy), in a promise chain's
// .finally() (chain), in an ending-event listener (closing), of a stream
// a .pipe() chain feeds (pipe).
type removalSite struct {
	lazyFn      string // the read method (get)
	chain       *Statement
	chainFn     string // the chained call's function (run)
	closing     bool
	recv, event string
	pipe        *Statement
	asyncHook   string // the async_hooks hook it is in (after)
	// fulfilled: the .then( line whose callback the removal is in, run
	// only when the promise fulfils (fulfilledOnly).
	fulfilled *Statement
}

// siteOf reads where the removal st sits.
func siteOf(st *Statement, src Sources) removalSite {
	var r removalSite
	if fn, ok := lazyExpiry(st, src); ok {
		r.lazyFn = fn
	}
	r.fulfilled = fulfilledOnly(st, src)
	r.asyncHook = asyncHookOf(st, src)
	r.chain, r.chainFn, _ = settledChain(st, src)
	if r.recv, r.event, r.closing = closingHandler(st, src); r.closing {
		r.pipe = pipeTo(st, r.recv, src)
	}
	return r
}

// closingHandler finds the ending-event listener (res.once('close', …))
// whose body holds st, a few lines up: its emitter and event.
func closingHandler(st *Statement, src Sources) (recv, event string, ok bool) {
	lines, found := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !found || st.Line > len(lines) {
		return "", "", false
	}
	if m := handlerRe.FindSubmatch(lines[st.Line-1]); m != nil && endingEvents[string(m[2])] {
		// On the listener's own line: socket.on('close', () => set.delete(socket)).
		return string(m[1]), string(m[2]), true
	}
	depth := indentOf(lines[st.Line-1])
	for k := st.Line - 2; k >= 0 && k >= st.Line-8; k-- {
		l := lines[k]
		if len(bytes.TrimSpace(l)) == 0 || indentOf(l) >= depth {
			continue
		}
		m := handlerRe.FindSubmatch(l)
		if m == nil || !endingEvents[string(m[2])] {
			return "", "", false // another block holds it
		}
		return string(m[1]), string(m[2]), true
	}
	return "", "", false
}

// settledChainRe is a promise chain's settling handler holding a removal:
// .finally(() => …) (or a .then() after a .catch()).
var settledChainRe = lazyRE(`^\s*\.\s*finally\s*\(`)

// chainHeadRe is the call a promise chain starts with: this.run(job).
var chainHeadRe = lazyRE(`((?:this\s*\.\s*)?[A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\(`)

// settledChain: st is in the .finally() of a promise chain: the chain's
// first line (its call) and the called function's name.
func settledChain(st *Statement, src Sources) (head *Statement, fn string, ok bool) {
	lines, found := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !found || st.Line > len(lines) || !settledChainRe.Match(lines[st.Line-1]) {
		return nil, "", false
	}
	k := st.Line - 2
	for k >= 0 && bytes.HasPrefix(bytes.TrimSpace(lines[k]), []byte(".")) {
		k--
	}
	if k < 0 || k < st.Line-12 {
		return nil, "", false
	}
	m := chainHeadRe.FindSubmatch(bytes.TrimSpace(lines[k]))
	if m == nil {
		return nil, "", false
	}
	name := string(m[1])
	name = strings.TrimSpace(name[strings.LastIndexByte(name, '.')+1:])
	if name == "await" || name == "return" {
		return nil, "", false
	}
	return &Statement{Script: st.Script, Line: k + 1, Column: indentOf(lines[k]) + 1, Text: clipLine(lines[k])}, name, true
}

// thenOpenRe is a line that opens a .then( callback's body: .then((res)
// => {, .then(function (res) {.
var thenOpenRe = lazyRE(`\.\s*then\s*\(\s*(?:async\s+)?(?:(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*=>|function\b[^{]*)\s*\{\s*$`)

// fulfilledOnly is the line opening the .then( callback that the removal
// st is in, when that callback is the first (a promise's fulfilment
// only) and no .catch( or .finally( follows it on the lines after the
// callback's end; nil otherwise.
func fulfilledOnly(st *Statement, src Sources) *Statement {
	lines, found := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !found {
		return nil
	}
	k := headAbove(lines, st.Line, func(i int) bool { return true })
	if k < 0 || !thenOpenRe.Match(lines[k]) {
		return nil
	}
	end := bodyEnd(lines, k+1)
	for j := end; j < len(lines) && j <= end+1; j++ {
		if bytes.Contains(lines[j], []byte(".catch(")) || bytes.Contains(lines[j], []byte(".finally(")) ||
			bytes.Contains(lines[j], []byte("}, (")) || bytes.Contains(lines[j], []byte("}, function")) {
			return nil // a rejection handler follows
		}
	}
	return &Statement{Script: st.Script, Line: k + 1, Text: clipLine(lines[k])}
}

// expiryTestRe is a test that an entry has expired: against the clock.
var expiryTestRe = lazyRE(`^\s*(?:\}\s*else\s+)?if\s*\(.*(?:Date\.now\(\)|performance\.now\(\)|\bnow\b).*\)|^\s*(?:\}\s*else\s+)?if\s*\(.*\b(?:expire[sd]?|expiry|expiresAt|ttl|deadline)\b.*\)`)

// readMethodRe names a method that reads a cache.
var readMethodRe = lazyRE(`^(?:get|has|read|peek|lookup|fetch|find)\w*$`)

// lazyExpiry: st deletes inside a read method (get()), under a test that
// the entry has expired: entries leave only when read after they expire.
func lazyExpiry(st *Statement, src Sources) (fn string, ok bool) {
	lines, found := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !found || st.Line > len(lines) {
		return "", false
	}
	f := functionAbove(st.Script, lines, st.Line)
	if f == nil {
		return "", false
	}
	if freshReturnAbove(lines, f, st.Line) {
		return f.Function, true
	}
	if !readMethodRe.MatchString(f.Function) {
		return "", false
	}
	depth := indentOf(lines[st.Line-1])
	for k := st.Line - 2; k >= f.Line-1 && k >= st.Line-6; k-- {
		l := lines[k]
		if len(bytes.TrimSpace(l)) == 0 || indentOf(l) >= depth {
			continue
		}
		return f.Function, expiryTestRe.Match(l)
	}
	return "", false
}

// freshReturnRe is a read that returns an entry while it is fresh: if
// (hit.validUntil > now) return hit;
var freshReturnRe = lazyRE(`^\s*if\s*\(.*(?:Date\.now\(\)|performance\.now\(\)|\bnow\b|\b(?:expire[sd]?|expiry|expiresAt|validUntil|ttl|deadline)\b).*\)\s*return\b`)

// freshReturnAbove: the statement before the removal at line (1-based), in
// f's body, returns the entry it read (a .get( above in f) while it is
// fresh: what follows deletes the stale one, on a read.
func freshReturnAbove(lines [][]byte, f *Location, line int) bool {
	depth := indentOf(lines[line-1])
	for k := line - 2; k >= f.Line; k-- {
		l := lines[k]
		if len(bytes.TrimSpace(l)) == 0 {
			continue
		}
		if indentOf(l) != depth || !freshReturnRe.Match(l) {
			return false
		}
		for j := k - 1; j >= f.Line-1; j-- {
			if bytes.Contains(lines[j], []byte(".get(")) {
				return true
			}
		}
		return false
	}
	return false
}

// pipeTo is the statement that pipes into recv (src.pipe(gzip).pipe(sink)),
// in the function around st's listener: nil when there is none.
func pipeTo(st *Statement, recv string, src Sources) *Statement {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok || !identRe.MatchString(recv) {
		return nil
	}
	re := regexp.MustCompile(`\.\s*pipe\s*\(\s*` + regexp.QuoteMeta(recv) + `\s*[,)]`)
	for k := max(0, st.Line-40); k < len(lines) && k < st.Line+40; k++ {
		if re.Match(lines[k]) && !commentLine(lines[k]) {
			return &Statement{Script: st.Script, Line: k + 1, Column: indentOf(lines[k]) + 1, Text: clipLine(lines[k])}
		}
	}
	return nil
}
