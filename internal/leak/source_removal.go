// Where entries leave a collection: the statement of the program (or of
// the library that owns the collection) that deletes from it. A collection
// that only grows although such a statement exists is one whose entries
// miss it: an error path, an early return, a callback that never comes.

package leak

import (
	"fmt"
	"regexp"
	"strings"
)

// removesPattern matches a statement that takes entries out of the
// collection by its name: sessions.delete(, pending.clear(), queue.shift(,
// delete cache[key], list.length = 0.
func removesPattern(h *Holder) *regexp.Regexp {
	if h == nil {
		return nil
	}
	name, ok := fieldName(h)
	if !ok {
		return nil
	}
	if e := removalExpr(h.Kind, name); e != "" {
		return regexp.MustCompile(e)
	}
	return nil
}

// removalExpr is the expression of a statement that takes entries out of
// the collection kept in name ("" for a kind that has none): also what a
// trim does (see trimPatterns).
func removalExpr(kind, name string) string {
	n := `\b` + regexp.QuoteMeta(name)
	switch kind {
	case "Array", "Map", "Set", "WeakMap", "WeakSet":
		return n + `\s*(?:\.\s*(?:shift|pop|splice|delete|clear)\s*\(|\.\s*length\s*=[^=])`
	case "dictionary":
		return `\bdelete\s+(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(name) + `\s*\[`
	}
	return ""
}

// removedAt is the statement that deletes from the suspect's collection,
// looked for where it adds first, then in its own scripts and the owning
// library's; nil when there is none to be found.
func removedAt(h *Holder, added *Statement, own []string, src Sources) *Statement {
	re := removesPattern(h)
	if re == nil || src == nil || added == nil {
		return nil
	}
	scripts := []string{added.Script}
	scripts = append(scripts, own...)
	if h.libScript != "" {
		scripts = append(scripts, h.libScript)
	}
	return findStatement(re, scripts, src)
}

// removalHint adds to a growing collection's fix where its entries leave
// it: they do not get there.
func removalHint(st *Statement) string {
	more := ""
	if st.Others > 0 {
		more = fmt.Sprintf(" (and %d more lines)", st.Others)
	}
	return fmt.Sprintf("entries leave it at %s:%d (%s)%s, which the entries that stay never reached: check that every path gets there (an error path, an early return or a callback that never comes skips it)", st.Script, st.Line, strings.TrimSuffix(st.Text, ";"), more)
}
