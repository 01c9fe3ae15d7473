// Registrations: the program's own callbacks kept by a library's table (a
// pub/sub's topics, an emitter's listener lists of its own, an observable's
// subscribers, a signal's linked list of subscriber nodes, a scheduler's
// jobs). Each is a registration the program made and never undid, not a
// cache entry to bound: the fix names the call that handed the callback
// over, and where it is undone on one way out only.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// registrationHint is the fix for the program's own callbacks kept by a
// library's table (pubsub-js's messages, mobx's observers_): each is a
// registration the program made and never undid, not a cache entry to
// bound. where names the table, fn the program's function.
func registrationHint(where string, fn *Location, per string) string {
	at := fmt.Sprintf("%s at %s:%d", fn.Function, filepath.Base(fn.Script), fn.Line)
	return fmt.Sprintf("the program's function %s is registered with a library, which keeps it in %s%s, one per registration, with everything it captures: each stays until it is removed through the library; %s", at, where, per, registrationAdvice)
}

// registrationAdvice ends registrationHint; emitterAdvice takes its place
// when the registering call is an emitter's on(), which returns no handle.
const (
	registrationAdvice = "keep what the registering call returns (an unsubscribe or dispose function, a token) and call or pass it back when what the callback serves is done (a connection's 'close', the end of a request), or register once and look up per-call state elsewhere"
	emitterAdvice      = "remove it with the emitter's off() or removeListener() and the same function when what it serves is done, on every way that ends (an answer, a timeout, an error, a closed connection), or register once and look up per-call state elsewhere"
)

// listenerAddVerbs are the methods that add a listener to an emitter, node's and
// the DOM's.
const listenerAddVerbs = `on|once|addListener|prependListener|prependOnceListener|addEventListener`

// emitterVerbRe: a registering call that adds a listener to an emitter.
var emitterVerbRe = lazyRE(`\.\s*(?:` + listenerAddVerbs + `)\s*\(`)

// listenerVerbRe: a registering call that adds a listener: an emitter's
// on(), or a stream's onValue(), onEnd()...
var listenerVerbRe = lazyRE(`\.\s*(?:` + listenerAddVerbs + `|on[A-Z]\w*)\s*\(`)

// registeredRemoval is the program's removal of the function at loc by
// its name (bus.off(channel, onQuote)), in loc's script: when the
// registrations stay, it is on one way out only. nil when there is none.
func registeredRemoval(loc *Location, src Sources) *Statement {
	lines, ok := locationLines(loc, src)
	if !ok || !identRe.MatchString(loc.Function) {
		return nil
	}
	re := regexp.MustCompile(`\.\s*(?:` + removalVerbs + `)\s*\(\s*(?:[^()]*,\s*)?` + regexp.QuoteMeta(loc.Function) + `\s*\)`)
	for i, l := range lines {
		if m := re.FindIndex(l); m != nil && !commentBefore(l, m[0]) {
			return &Statement{Script: loc.Script, Line: i + 1, Column: m[0] + 1, Text: clipLine(l)}
		}
	}
	return nil
}

// registeredCallback: the path from the holder to the suspect's objects
// goes through one of the program's functions, held by the library's
// entry (a mobx Reaction's onInvalidate_ closure) or by the library's
// table itself (pubsub-js's messages[topic][token]): the entries are the
// program's registrations. A program's object between the table and the
// function (an entry the program made) makes it something else, and so
// does a cache's package: what a cache keeps is a value to read back.
func registeredCallback(s *Suspect) bool {
	h := s.Holder
	if h == nil || h.Package == "" || cachePackages[h.Package] || !programCallback(s.Location) || s.pendingSlot != "" {
		// (Entries that keep a pending promise's resolve are calls
		// waiting, a limiter's queued tasks, not registrations.)
		return false
	}
	if h.Kind == "linked list" {
		// A library's list of subscriber nodes (a signal's targets),
		// the program's callback below them.
		return true
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
			// (The library's own entry, or its table itself, keeping
			// the program's function: not a resolve function of a
			// promise the library made.)
			return s.valuePackage == h.Package && s.heldCallback || plain && s.heldCallback
		}
		plain = plain && plainContainer(st.Class)
	}
	return false
}

// callbackBelow is the program's function that a library's holder h keeps
// directly (through plain containers only) on the way down raw to the
// leaked objects, when the objects are not that function itself; nil
// when there is none.
func (x *explainer) callbackBelow(h *Holder, raw []rawStep) *Location {
	if k, ok := x.closureUnder(h, raw); ok && k < len(raw)-1 {
		if l := x.location(raw[k].node); programCallback(l) {
			return l
		}
	}
	return nil
}

// heldCallback: on the way down raw from a library's holder h, the first
// function of the program's is reached through plain containers and the
// library's own objects and functions only (a scheduler's Job, a
// reaction's onInvalidate_ arrow and its scope): the library keeps the
// program's function. A promise's resolve function, a promise or the
// program's own object on the way makes it something else.
func (x *explainer) heldCallback(h *Holder, raw []rawStep) bool {
	if h == nil || h.Package == "" {
		return false
	}
	g := x.g
	s := g.S
	for _, r := range raw[holderStep(g, h, raw)+1:] {
		v := r.node
		if int(s.NodeType[v]) == s.NodeTypeIndex.Closure {
			fn := v
			if t, ok := x.boundTarget(v); ok {
				fn = t // this.push.bind(this): the program's push
			}
			l := x.location(fn)
			if programCallback(l) {
				return true
			}
			if l == nil || libraryPackage(l.Script) != h.Package {
				return false
			}
			continue // the library's own wrapper around it
		}
		if !plainContainer(g.ClassName(v)) && x.classPackage(v) != h.Package {
			return false
		}
	}
	// The path ends at the library's entry for it ({middleware, step,
	// tags}): the program's function it keeps in a property is the
	// callback, as on a path that went on to it.
	if n := len(raw); n > 0 && holderStep(g, h, raw)+1 < n {
		v := raw[n-1].node
		if int(s.NodeType[v]) == s.NodeTypeIndex.Object && plainContainer(g.ClassName(v)) {
			for e, to := range g.Edges(v) {
				if s.EdgeTypeName(e) == "property" && int(s.NodeType[to]) == s.NodeTypeIndex.Closure && programCallback(x.location(to)) {
					return true
				}
			}
		}
	}
	return false
}

// closureUnder is the step of raw of the first function below the
// holder h, reached from it through plain containers only.
func (x *explainer) closureUnder(h *Holder, raw []rawStep) (int, bool) {
	if h == nil || h.Package == "" {
		return 0, false
	}
	g := x.g
	s := g.S
	from := holderStep(g, h, raw) + 1
	for k, r := range raw[from:] {
		if int(s.NodeType[r.node]) == s.NodeTypeIndex.Closure {
			return from + k, true
		}
		if !plainContainer(g.ClassName(r.node)) {
			return 0, false
		}
	}
	return 0, false
}

// holderStep is the step of raw that is the holder h, or the last step
// when none is: raw[holderStep+1:] is what lies below the holder, or
// nothing.
func holderStep(g *heapgraph.Graph, h *Holder, raw []rawStep) int {
	for k, r := range raw {
		if g.ID(r.node) == h.ID {
			return k
		}
	}
	return len(raw) - 1
}

// plainContainer: a class no program defines, that only holds entries
// (a plain object, an array, a Map's or a Set's own tables).
func plainContainer(class string) bool {
	switch class {
	case "Object", "Array", "Map", "Set":
		return true
	}
	// (A plain object is named after its properties: {type, fn}.)
	return strings.HasPrefix(class, "(") || strings.HasPrefix(class, "{") || strings.HasPrefix(class, "system / ")
}

// callOpenRe is a call's name and opening parenthesis (PubSub.subscribe(,
// reaction().
var callOpenRe = lazyRE(`[A-Za-z_$][\w$]*\s*\(`)

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
	if st := registeredInline(loc, lines); st != nil {
		return st
	}
	return registeredByName(loc, lines)
}

// registeredByName is the call that hands the function at loc over by
// its name (bus.on(channel, onQuote), after function onQuote() {…}): in
// its script, below its head, the first call with the name as its last
// argument that is not a removal or an array's or a promise's method.
func registeredByName(loc *Location, lines [][]byte) *Statement {
	if !identRe.MatchString(loc.Function) {
		return nil
	}
	re := regexp.MustCompile(`\.\s*([A-Za-z_$][\w$]*)\s*\(\s*(?:[^()]*,\s*)?` + regexp.QuoteMeta(loc.Function) + `\s*\)`)
	removal := regexp.MustCompile(`^(?:` + removalVerbs + `)$`)
	for i := loc.Line; i < len(lines); i++ {
		for _, m := range re.FindAllSubmatchIndex(lines[i], -1) {
			verb := string(lines[i][m[2]:m[3]])
			if removal.MatchString(verb) || iterationCalls[verb] || commentBefore(lines[i], m[0]) {
				continue
			}
			col := bytes.LastIndexFunc(lines[i][:m[0]], func(r rune) bool {
				return !(r == '.' || r == '_' || r == '$' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z')
			}) + 1
			return &Statement{Script: loc.Script, Line: i + 1, Column: col + 1, Text: clipLine(lines[i])}
		}
	}
	return nil
}

// registeredInline is registeredAt for a function written inside the
// call's parentheses.
func registeredInline(loc *Location, lines [][]byte) *Statement {
	if m := functionDeclRe.FindIndex(lines[loc.Line-1]); m != nil && loc.Column <= m[1] {
		// A declaration (function onQuote() {…}) is a statement of its
		// own, never an argument.
		return nil
	}
	depth, braces := 0, 0 // parentheses and braces closed between a candidate call and the function
	for i := loc.Line - 1; i >= 0 && i >= loc.Line-3; i-- {
		line := lines[i]
		end := len(line)
		if i == loc.Line-1 && loc.Column > 0 && loc.Column-1 <= len(line) {
			end = loc.Column - 1
		}
		for j := end - 1; j >= 0; j-- {
			switch line[j] {
			case ';':
				if depth == 0 && braces == 0 {
					return nil // the statement before
				}
			case '}':
				braces++
			case '{':
				if braces > 0 {
					braces--
					continue
				}
				// An open block: an object literal passed to the call
				// (CronJob.from({ onTick: () => … })) goes on, a
				// function's body (app.get(path, (req, res) => {) is
				// where the function is a statement.
				k := j - 1
				for k >= 0 && (line[k] == ' ' || line[k] == '\t') {
					k--
				}
				if k < 0 || line[k] != '(' && line[k] != ',' && line[k] != ':' && line[k] != '[' {
					return nil
				}
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

// functionDeclRe is the head of a function declaration.
// (V8 places a function at its parameters' parenthesis.)
var functionDeclRe = lazyRE(`^\s*(?:export\s+(?:default\s+)?)?(?:async\s+)?function\s*\*?\s*[A-Za-z_$][\w$]*\s*\(`)

// registration is the program's call that hands the suspect's callback
// (its location) to a library that keeps it, with the library's own line
// (what *f.added was) under it; nil when there is none. It also makes the
// hint a registration's: the program's callback in a library's table is
// to be removed through the library, on every way what it serves ends.
func (f sourceFacts) registration(src Sources) *Statement {
	lib := *f.added
	loc := *f.loc
	if !programCallback(loc) {
		return nil
	}
	libHolder := f.holder != nil && f.holder.Package != "" && !cachePackages[f.holder.Package] && f.held && (f.pattern == PatternCollection || f.pattern == PatternClosure)
	if !f.registered && f.pattern != PatternClosure && !libHolder {
		return nil
	}
	programAdds := lib != nil && lib.Library == nil && programLocation(&Location{Script: lib.Script})
	if programAdds && !libHolder {
		return nil
	}
	reg := registeredAt(loc, src)
	if reg == nil || programAdds && reg.Line != lib.Line {
		return nil
	}
	switch {
	case programAdds:
		reg = lib
	case lib != nil && lib.Script == reg.Script && lib.Line == reg.Line:
		reg = lib // the same call, already told with the library's line
	default:
		reg.Library = lib
	}
	if libHolder && !strings.Contains(*f.hint, registrationAdvice) {
		*f.hint = registrationHint(strings.TrimPrefix(holderWhat(f.holder), "the ")+" ("+f.holder.Package+")", loc, f.per)
	}
	if emitterVerbRe.MatchString(reg.Text) {
		*f.hint = strings.Replace(*f.hint, registrationAdvice, emitterAdvice, 1)
	}
	if rm := registeredRemoval(loc, src); rm != nil {
		*f.hint = fmt.Sprintf("%s:%d removes it (%s), but the ones that stay never got there: that removal is on one way out only; remove it on every way what it serves ends (a timeout, an error, a closed connection), in the one place they all go through",
			filepath.Base(rm.Script), rm.Line, strings.TrimSuffix(rm.Text, ";")) + "; " + *f.hint
	} else if h := passedOwner(reg, f.path, append(slices.Clone(f.allFiles()), f.scripts...), src); h != "" {
		*f.hint = h + "; " + *f.hint
	} else if h := keptHandle(reg, loc, src); h != "" {
		*f.hint = h + "; " + *f.hint
	} else if h := undoneEndings(reg, f.scripts, src); h != "" {
		*f.hint = h + "; " + *f.hint
	} else if h := factoryCallers(reg, f.allFiles(), src); h != "" {
		*f.hint = h + "; " + *f.hint
	}
	return reg
}

// bodyEnd is the line after the body of the function whose head is at
// line head (1-based): where the indentation comes back to the head's.
func bodyEnd(lines [][]byte, head int) int {
	indent := indentOf(lines[head-1])
	end := head
	for end < len(lines) && (len(bytes.TrimSpace(lines[end])) == 0 || indentOf(lines[end]) > indent) {
		end++
	}
	return end
}
