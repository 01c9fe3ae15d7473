// Keys that are whole texts: a cache keyed by the text it compiles or
// parses (a template engine's compiled templates, a regex or query
// cache) grows by one entry per different text, so a text made per call
// (a template with a value spliced into its source, a query with its
// parameters inlined) fills it without end. Its keys say so: most of them
// are long, multi-line or both.

package leak

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Thresholds of a text key.
const (
	minTextKey     = 200 // characters
	minTextKeys    = 3   // keys looked at
	textKeySnippet = 40  // characters of the example shown
)

// minSourceKey: a shorter key is a whole text too when it reads as a
// template's or a query's source (sourceLike).
const minSourceKey = 60

// sourceMarks are what a template's or a query's source holds and an id
// or a label does not: template tags, markup, SQL's clauses.
var sourceMarks = []string{"{{", "{%", "<%", "${", "#{", "</", "SELECT ", "INSERT ", "UPDATE ", "DELETE ", " WHERE "}

// sourceLike: k holds a template tag, closing markup or an SQL clause.
func sourceLike(k string) bool {
	for _, m := range sourceMarks {
		if strings.Contains(k, m) {
			return true
		}
	}
	return false
}

// tokenRe is a key made of a token's characters only (a JWT, base64 or
// hex): an id, however long.
var tokenRe = lazyRE(`^[A-Za-z0-9._~+/=-]+$`)

// textMix: the holder's keys are whole texts.
type textMix struct {
	avg     int    // average length of those looked at, in characters
	example string // the start of one
}

// textKeys reports whether most keys are texts: at least two thirds of
// them (of at least minTextKeys) are minTextKey characters or more, or
// span lines.
func textKeys(keys []string) (textMix, bool) {
	if len(keys) < minTextKeys {
		return textMix{}, false
	}
	long, total := 0, 0
	var example string
	for _, k := range keys {
		n := utf8.RuneCountInString(k)
		if tokenRe.MatchString(k) {
			continue // a token or an id (a JWT, base64): one per client, not a text compiled
		}
		if n >= minTextKey || strings.Count(k, "\n") >= 2 || n >= minSourceKey && sourceLike(k) {
			long++
			total += n
			if example == "" {
				example = k
			}
		}
	}
	if 3*long < 2*len(keys) {
		return textMix{}, false
	}
	return textMix{avg: total / long, example: example}, true
}

func (m textMix) hint(what string) string {
	ex := strings.Join(strings.Fields(m.example), " ")
	if utf8.RuneCountInString(ex) > textKeySnippet {
		ex = string([]rune(ex)[:textKeySnippet]) + "…"
	}
	size := fmt.Sprintf("%d characters on average", m.avg)
	if m.avg >= 1000 {
		// V8 writes at most 1,024 characters of a string's text.
		size = "over 1,000 characters"
	}
	return fmt.Sprintf("the keys of %s are whole texts (%s, like %q): each different text adds an entry, so a text made per call (a template with a value spliced into its source, a query with its values inlined) fills it without end; keep the text fixed, compile or prepare it once, and pass what varies as data (template variables, query parameters)", what, size, ex)
}

// textCallRe: a call of a method, up to its opening parenthesis.
var textCallRe = lazyRE(`\.\s*[A-Za-z_$][\w$]*\s*\(`)

// builtText is the fix when the program's call that adds (added) hands
// the library a text built right there as its first argument
// (Mustache.render(personalise(body, recipient), view)): "" otherwise.
func builtText(added *Statement) string {
	if added == nil || !programScript(added.Script) {
		return ""
	}
	loc := textCallRe.get().FindStringIndex(added.Text)
	if loc == nil {
		return ""
	}
	args, ok := callArgumentsWithin([]byte(added.Text[loc[1]:]), len(added.Text))
	if !ok {
		return ""
	}
	first := splitArgs(args)[0]
	if !builtArgRe.MatchString(first) {
		return ""
	}
	return fmt.Sprintf("%s:%d hands the library %s, a text built at each call, and the library keys what it keeps by that text: pass it the fixed text and what varies as data (a template's variables, a query's parameters)",
		filepath.Base(added.Script), added.Line, first)
}
