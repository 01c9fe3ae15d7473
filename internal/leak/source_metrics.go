// A metric reached through its registry (Registry._metrics.<name>), not
// through the program's variable: the program's call that adds its label
// sets is found by the metric's name, at the line that makes it (new
// client.Histogram({ name: 'stripe_api_request_duration_seconds', … })),
// then by that variable's calls (stripeLatency.observe({ path: … })).

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// metricNamedCall is the program's call of the metric named in h
// (h.OwnerName) that passes label, found through the variable the
// program makes it into; nil when none is found.
func metricNamedCall(h *Holder, label string, files []string, src Sources) *Statement {
	if h == nil || h.OwnerName == "" || label == "" || src == nil {
		return nil
	}
	verbs := libraryAdds[h.Package]
	if verbs == "" {
		return nil
	}
	named := regexp.MustCompile(`\bname\s*:\s*['"\x60]` + regexp.QuoteMeta(h.OwnerName) + `['"\x60]`)
	madeRe := regexp.MustCompile(`(?:\b(?:const|let|var)\s+|\bthis\s*\.\s*|\bexports\s*\.\s*)([A-Za-z_$][\w$]*)\s*=\s*new\s+[\w$.]+\s*\(`)
	var variable string
	matchLines(named, files, src, func(sc string, lines [][]byte, i int, loc []int) {
		for k := i; k >= 0 && k >= i-maxOptionLines && variable == ""; k-- {
			if m := madeRe.FindSubmatch(lines[k]); m != nil {
				variable = string(m[1])
			}
		}
	})
	if variable == "" {
		return nil
	}
	call := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(variable) + `\s*\.\s*(?:` + verbs + `)\s*\(`)
	labelRe := regexp.MustCompile(`(?:^|[^\w$.])['"]?` + regexp.QuoteMeta(label) + `['"]?\s*:`)
	var found *Statement
	matchLines(call, files, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found != nil || commentBefore(lines[i], loc[0]) {
			return
		}
		// Its label object, on its line or the few below.
		for k := i; k < len(lines) && k <= i+3; k++ {
			if labelRe.Match(lines[k]) {
				found = &Statement{Script: sc, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}
				return
			}
		}
	})
	return found
}

// metricAdds: added is the program's call of one of the metric library's
// adding methods (histogram.observe(…)), not its new or a library line.
func metricAdds(h *Holder, added *Statement) bool {
	if h == nil {
		return false
	}
	verbs := libraryAdds[h.Package]
	return added != nil && verbs != "" && programScript(added.Script) &&
		regexp.MustCompile(`\.\s*(?:`+verbs+`)\s*\(`).MatchString(added.Text)
}

// libraryLine is the library's own statement of added: itself, or the one
// it goes through.
func libraryLine(added *Statement) *Statement {
	switch {
	case added == nil:
		return nil
	case !programScript(added.Script):
		return added
	}
	return added.Library
}

// maxOptionLines: how far above a metric's name: option its new may be.
const maxOptionLines = 6

// boundedAlready is another line of the program that passes the same
// value through a function first (endpointOf(event.path)) where a metric's
// label takes it raw at st (path: event.path): that function is the fix.
// "" when there is none.
func boundedAlready(st *Statement, label string, src Sources) string {
	lines, ok := locationLines(&Location{Script: st.Script, Line: st.Line}, src)
	if !ok {
		return ""
	}
	m := regexp.MustCompile(`(?:^|[^\w$.])['"]?` + regexp.QuoteMeta(label) + `['"]?\s*:\s*([A-Za-z_$][\w$.]*)\s*[,}]`).FindSubmatch(lines[st.Line-1])
	if m == nil {
		return ""
	}
	raw := string(m[1])
	wrapped := regexp.MustCompile(`([A-Za-z_$][\w$.]*)\s*\(\s*` + regexp.QuoteMeta(raw) + `\s*\)`)
	for i, l := range lines {
		if w := wrapped.FindSubmatch(l); w != nil && !commentLine(l) && !functionHeadRe.Match(l) {
			return fmt.Sprintf("pass %s(%s), as %s:%d does", w[1], raw, filepath.Base(st.Script), i+1)
		}
	}
	return ""
}

// metricLabelLine is the fix's lead for a label given a raw value at st:
// the line, and the bounding function the program already has.
func metricLabelLine(st *Statement, label string, src Sources) string {
	t := fmt.Sprintf("%s:%d gives the label %s its value (%s)", filepath.Base(st.Script), st.Line, label, strings.TrimSuffix(strings.TrimSpace(st.Text), ";"))
	if b := boundedAlready(st, label, src); b != "" {
		return t + ": " + b
	}
	return t + ": change it there"
}
