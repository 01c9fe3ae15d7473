// Pattern closure: closures of one function kept by something that is not
// an emitter, a timer or a collection.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// closureHint is the fix for a PatternClosure suspect; per is its count range.
func closureHint(s *Suspect, per string) string {
	return fmt.Sprintf("closures of the same function accumulate%s: unregister callbacks when they are no longer needed, and avoid capturing large objects in long-lived closures", per)
}

// functionCacheHint is the fix for closures of one function kept as the
// values of a keyed collection (slot names it): a cache of compiled code
// (templates, validators, new Function) whose key changes from call to
// call, so each call compiles and keeps one more.
func functionCacheHint(slot, per string) string {
	where := "a keyed collection"
	if slot != "" {
		where = slot
	}
	return fmt.Sprintf("functions of the same code are kept as the values of %s%s, one per key: a cache of compiled code (templates, validators, new Function) grows without end when its key changes with every call (holds per-call data such as ids or user input); build the key from what selects the code (a template's name and version) and pass the per-call data as arguments or locals, or bound the cache (an LRU)", where, per)
}

// registrationHint is the fix for the program's own callbacks kept by a
// library's table (pubsub-js's messages, mobx's observers_): each is a
// registration the program made and never undid, not a cache entry to
// bound. where names the table, fn the program's function.
func registrationHint(where string, fn *Location, per string) string {
	at := fmt.Sprintf("%s at %s:%d", fn.Function, filepath.Base(fn.Script), fn.Line)
	return fmt.Sprintf("the program's function %s is registered with a library, which keeps it in %s%s, one per registration, with everything it captures: each stays until it is removed through the library; keep what the registering call returns (an unsubscribe or dispose function, a token) and call or pass it back when what the callback serves is done (a connection's 'close', the end of a request), or register once and look up per-call state elsewhere", at, where, per)
}

// programCallback: l is a function of the program (not a scope guess, not
// a library's or compiled code).
func programCallback(l *Location) bool {
	return programLocation(l) && l.Role == "" && l.Script != ""
}

// registeredCallback: the path from the holder to the suspect's objects
// goes through one of the program's functions, held by the library's
// entry (a mobx Reaction's onInvalidate_ closure) or by the library's
// table itself (pubsub-js's messages[topic][token]): the entries are the
// program's registrations. A program's object between the table and the
// function (an entry the program made) makes it something else.
func registeredCallback(s *Suspect) bool {
	h := s.Holder
	if h == nil || h.Package == "" || !programCallback(s.Location) {
		return false
	}
	below, plain := false, true
	for _, st := range s.RetainerPath {
		if st.ID == h.ID {
			below = true
			continue
		}
		if !below {
			continue
		}
		if st.Type == "closure" {
			return s.valuePackage == h.Package || plain
		}
		plain = plain && plainContainer(st.Class)
	}
	return false
}

// plainContainer: a class no program defines, that only holds entries
// (a plain object, an array, a Map's or a Set's own tables).
func plainContainer(class string) bool {
	switch class {
	case "Object", "Array", "Map", "Set":
		return true
	}
	return strings.HasPrefix(class, "(") || strings.HasPrefix(class, "system / ")
}

// callOpenRe is a call's name and opening parenthesis (PubSub.subscribe(,
// reaction().
var callOpenRe = regexp.MustCompile(`[A-Za-z_$][\w$]*\s*\(`)

// iterationCalls take a callback for the call itself, not to keep it.
var iterationCalls = map[string]bool{"map": true, "forEach": true, "filter": true, "reduce": true, "some": true, "every": true,
	"find": true, "findIndex": true, "sort": true, "then": true, "catch": true, "finally": true, "if": true, "for": true,
	"while": true, "switch": true, "function": true, "return": true}

// registeredAt is the statement that hands the program's callback at loc
// to a call (PubSub.subscribe(topic, (msg, data) => {, or reaction( on
// the line above its first argument): the innermost call still open where
// the function starts, on its line or up to two lines above. nil when
// there is none, or it is an array's or a promise's own method.
func registeredAt(loc *Location, src Sources) *Statement {
	lines, ok := locationLines(loc, src)
	if !ok {
		return nil
	}
	depth := 0 // parentheses closed between a candidate call and the function
	for i := loc.Line - 1; i >= 0 && i >= loc.Line-3; i-- {
		line := lines[i]
		end := len(line)
		if i == loc.Line-1 && loc.Column > 0 && loc.Column-1 <= len(line) {
			end = loc.Column - 1
		}
		for j := end - 1; j >= 0; j-- {
			switch line[j] {
			case ')':
				depth++
			case '(':
				if depth > 0 {
					depth--
					continue
				}
				// The call still open at the function: its name.
				// (The last match: the call that ends at the parenthesis.)
				var m []int
				if all := callOpenRe.FindAllIndex(line[:j+1], -1); len(all) > 0 {
					m = all[len(all)-1]
				}
				if m == nil || m[1] != j+1 || commentBefore(line, m[0]) {
					return nil
				}
				name := string(bytes.TrimSpace(bytes.TrimSuffix(line[m[0]:m[1]], []byte("("))))
				if iterationCalls[name] {
					return nil
				}
				return &Statement{Script: loc.Script, Line: i + 1, Column: m[0] + 1, Text: clipLine(line)}
			}
		}
	}
	return nil
}
