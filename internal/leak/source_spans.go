// Tracing spans kept until they end. A span processor (OpenTelemetry's
// onStart / onEnd, or the program's own table of open spans) lets go of a
// span when its end() runs; a span the program starts and, on one way out
// of its function, never ends stays for good. The fix is that way out.

package leak

import (
	"regexp"
	"strings"
)

// spanStartRe is a span started into a variable (group 1):
// const span = tracer.startSpan('name', …).
var spanStartRe = lazyRE(`\b(?:const|let|var)\s+([\w$]+)\s*=\s*(?:await\s+)?[\w$.]*\.startSpan\s*\(`)

// spanClass: a tracing span's class, as tracing libraries name them
// (Span, SpanImpl, RecordingSpan, NonRecordingSpan).
func spanClass(class string) bool {
	return strings.HasSuffix(class, "Span") || strings.HasPrefix(class, "Span")
}

// unendedSpan is, for spans (class), the first way out of a program
// function that starts a span into a variable and leaves without calling
// its end(), the call that ends it ("span.end()") and the statement that
// starts it; nil when every such function ends its span on every way out,
// or none starts one.
func unendedSpan(class string, scripts []string, src Sources) (*exit, string, *Statement) {
	if !spanClass(class) || src == nil {
		return nil, "", nil
	}
	var found *exit
	var start *Statement
	call := ""
	matchLines(spanStartRe.get(), scripts, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found != nil || commentBefore(lines[i], loc[0]) {
			return
		}
		v := spanStartRe.FindSubmatch(lines[i])[1]
		begin := &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		end := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(string(v)) + `\s*\.\s*end\s*\(`)
		e := skippedExit(begin, end, src)
		if e == nil {
			e = skippedInCallback(sc, lines, i, end)
		}
		if e != nil {
			found, call, start = e, string(v)+".end()", begin
		}
	})
	return found, call, start
}

// skippedInCallback: the span started at line i (0-based) is ended inside
// a callback the function runs its work in (context.with(ctx, async () =>
// { … try { … } finally { span.end(); } })): the way out of that callback
// that skips the end, as skippedExit finds it in the callback's body.
func skippedInCallback(sc string, lines [][]byte, i int, end *regexp.Regexp) *exit {
	head := headAbove(lines, i+1, func(k int) bool { return nestedFuncRe.Match(lines[k]) || functionHeadRe.Match(lines[k]) })
	if head < 0 {
		return nil
	}
	stop := min(bodyEnd(lines, head+1), len(lines))
	for k := i + 1; k < stop; k++ {
		if !nestedFuncRe.Match(lines[k]) || commentLine(lines[k]) {
			continue
		}
		cb := min(bodyEnd(lines, k+1), stop)
		ends := false
		for j := k + 1; j < cb && !ends; j++ {
			ends = end.Match(lines[j])
		}
		if !ends {
			k = cb - 1 // (nothing in it ends the span: past it)
			continue
		}
		return skippedExitFrom(sc, lines, k, k+1, end)
	}
	return nil
}
