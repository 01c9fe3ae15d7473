// Bounded collections: a history, a queue or a cache that the program
// trims once it passes a bound grows across snapshots until it reaches
// that bound, exactly like a leak. Snapshots cannot tell the two apart
// before the bound is reached; the program's source can. When the
// statement that trims the suspect's collection is found, and the bound it
// trims at is found too and the collection holds no more than that, the
// suspect is a buffer still filling: a note, not a leak. A trim whose
// bound is not found, or that the collection has outgrown, stays a
// suspect and says so in its evidence (a cap that does not hold is a leak
// worth knowing about).

package leak

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// Trim is the statement that keeps a collection bounded.
type Trim struct {
	At Statement `json:"at"`
	// Bound is what the size is compared with, as written ("this.max",
	// "MAX_ENTRIES", "300"); Limit is its value when the source gives
	// one (a literal, a constant, a default), else -1.
	Bound string `json:"bound"`
	Limit int    `json:"limit"`
	// Library is the npm package of a cache the program creates with a
	// maximum (At is that creation, Bound the maximum); "" for a trim the
	// program writes itself.
	Library string `json:"library,omitempty"`
	// Size: the library's maximum caps its entries' total size as it
	// measures them (lru-cache's maxSize with a sizeCalculation), not their
	// number, so no count of entries passes it.
	Size bool `json:"size,omitempty"`
	// Created is the class the program creates only while a counter is
	// below Bound (a pool's writers); At is that guard.
	Created string `json:"created,omitempty"`
	// Guard: the program adds to the collection only while it holds
	// fewer than Bound (a ring buffer overwrites once full); At is that
	// test.
	Guard bool `json:"guard,omitempty"`
	// Through is the program's variable or field holding a library's
	// container (a deque, a list), which the program trims through that
	// container's own methods (runs.length, runs.shift()); "" otherwise.
	// The container's own array then counts its spare capacity too.
	Through string `json:"through,omitempty"`
	// Ring: the program writes the Array by an index that wraps at Bound
	// (ring[next] = e; next = (next + 1) % N); At is that wrap.
	Ring bool `json:"ring,omitempty"`
}

// trimWindow is how many lines after the size test the removal may be
// (an if block that evicts the oldest key of a Map takes three).
const trimWindow = 4

// trimPatterns are the size test and the removal for the collection kept
// in property or variable name, nil when the kind has no such statement.
func trimPatterns(kind, name string) (test, remove *regexp.Regexp) {
	n := `\b` + regexp.QuoteMeta(name)
	size := n + `\s*\.\s*(?:length|size)`
	// Taking entries out, or putting a new collection in its place.
	removal := removalExpr(kind, name) + `|` + n + `\s*=[^=>]`
	switch kind {
	case "Array", "Map", "Set":
	case "dictionary":
		size = `Object\s*\.\s*keys\s*\(\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(name) + `\s*\)\s*\.\s*length`
	default:
		return nil, nil
	}
	// "size > bound" or "size >= bound" (captured), or "bound < size".
	test = regexp.MustCompile(size + `\s*>=?\s*([^)&|;{?]+)|([\w$.]+)\s*<=?\s*(?:this\s*\.\s*)?` + size)
	return test, regexp.MustCompile(removal)
}

// guardPatterns are the other way to keep a collection bounded: add to it
// only while its size is below a bound (a ring buffer overwrites once
// full): the size test and the addition.
func guardPatterns(kind, name string) (test, add *regexp.Regexp) {
	n := `\b` + regexp.QuoteMeta(name)
	size := n + `\s*\.\s*(?:length|size)`
	addition := n + `\s*\.\s*(?:push|unshift|set|add)\s*\(`
	switch kind {
	case "Array", "Map", "Set":
	case "dictionary":
		size = `Object\s*\.\s*keys\s*\(\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(name) + `\s*\)\s*\.\s*length`
		addition = n + `\s*\[[^\]]+\]\s*=[^=]`
	default:
		return nil, nil
	}
	// "size < bound" or "size <= bound" (captured), or "bound > size".
	test = regexp.MustCompile(size + `\s*<=?\s*([^)&|;{?]+)|([\w$.]+)\s*>=?\s*(?:this\s*\.\s*)?` + size)
	return test, regexp.MustCompile(addition)
}

// boundOf is the statement that bounds what a suspect counts: the
// program's trim of h's collection, else the creation of the library
// cache that owns it with its maximum, else the cap on creating class.
//
// files, when not nil, lists every script of the program: a bound that is
// an option with a default is what the callers pass, wherever they are.
func boundOf(h *Holder, class string, added *Statement, own []string, files func() []string, src Sources) *Trim {
	if t := trimOf(h, added, own, src); t != nil {
		if v, _, ok := instanceOption(h, t, files, src); ok {
			// The options this instance was made with decide.
			if v < 0 {
				return nil // none: it is unbounded
			}
			t.Limit = v
			return t
		}
		if m := boundIdentRe.FindStringSubmatch(t.Bound); m != nil && files != nil && h != nil {
			if o := optionArgument(m[1], h.Owner, append([]string{t.At.Script}, own...), files(), src); o >= 0 {
				t.Limit = o
			}
		}
		return t
	}
	if t := libraryBound(h, own, src); t != nil {
		return t
	}
	return creationCap(class, own, src)
}

// trimOf looks for the statement that trims h's collection once it passes
// a bound, in the script that adds to it, then in the suspect's own
// scripts and their folders; nil when there is none.
func trimOf(h *Holder, added *Statement, own []string, src Sources) *Trim {
	if h == nil || src == nil {
		return nil
	}
	if h.Package != "" {
		return containerTrim(h, added, own, src)
	}
	name, ok := lastName(h.Name)
	if !ok && h.ValueOf != "" && added != nil {
		// One of a Map's values, taken into a variable to add to it
		// (list = this.byCarrier.get(k); list.push(e)): the trim tests
		// that variable.
		name, ok = addedVariable(added.Text)
	}
	if !ok {
		return nil
	}
	test, remove := trimPatterns(h.Kind, name)
	if test == nil {
		return nil
	}
	t := findTrim(h, name, added, own, src, test, remove)
	if t == nil {
		test, add := guardPatterns(h.Kind, name)
		if t = findTrim(h, name, added, own, src, test, add); t != nil {
			t.Guard = true
		}
	}
	if t != nil {
		t.Limit = boundValue(t.Bound, h.Owner, t.At.Script, own, src)
		return t
	}
	return ringOf(h, own, src)
}

// containerTrim is trimOf for a library's container that the program
// keeps in a variable or field (const runs = new Denque()) and trims with
// the container's own length and methods, as it would an Array:
// while (runs.length > MAX) runs.shift().
func containerTrim(h *Holder, added *Statement, own []string, src Sources) *Trim {
	name, ok := lastName(h.OwnerName)
	if !ok || h.moduleScript != "" {
		return nil
	}
	if added != nil && !programLocation(&Location{Script: added.Script}) {
		added = nil // the library's own line: look in the program's scripts
	}
	t := trimOf(&Holder{Kind: "Array", Name: name}, added, own, src)
	if t != nil && t.Library == "" {
		t.Through = name
	}
	return t
}

// addedVariableRe is the variable an adding statement adds to.
var addedVariableRe = lazyRE(`(?:^|[^\w$.])([A-Za-z_$][\w$]*)\s*\.\s*(?:push|unshift|set|add)\s*\(`)

// addedVariable is the variable the statement text adds to ("list" of
// "list.push(event);").
func addedVariable(text string) (string, bool) {
	m := addedVariableRe.FindStringSubmatch(strings.TrimSpace(text))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// lastName is the last name of a dotted one ("items" of "reports.items"),
// and whether it is an identifier the source can spell.
func lastName(dotted string) (string, bool) {
	name := dotted[strings.LastIndexByte(dotted, '.')+1:]
	return name, identRe.MatchString(name)
}

// findTrim looks for a size test of h's collection (kept in name) with
// the statement it guards (test, then follow) in the scripts where that
// collection lives.
func findTrim(h *Holder, name string, added *Statement, own []string, src Sources, test, follow *regexp.Regexp) *Trim {
	remove := follow
	// A variable is trimmed in its own module: the one that adds to it
	// when known, else the suspect's scripts. A class's field is trimmed
	// in the class, wherever in the program's folders it is declared.
	scripts, siblings := own, h.Owner != ""
	if added != nil {
		scripts = append([]string{added.Script}, own...)
		if !siblings {
			scripts = scripts[:1]
		}
	}
	var t *Trim
	eachScript(scripts, siblings, src, func(sc string, b []byte) bool {
		lines := bytes.Split(b, []byte("\n"))
		if h.Owner == "" {
			t = scanTrim(sc, lines, 0, len(lines), name, test, remove, nil)
			return t != nil
		}
		// A field of a class instance: in that class's code, or through
		// another variable elsewhere (acct.recent), never as another
		// class's own field of the same name (this.entries).
		if from, to, ok := classBody(lines, h.Owner); ok {
			if t = scanTrim(sc, lines, from, to, name, test, remove, nil); t != nil {
				return true
			}
		}
		t = scanTrim(sc, lines, 0, len(lines), name, test, remove, func(before []byte) bool {
			before = bytes.TrimRight(before, " \t")
			if !bytes.HasSuffix(before, []byte(".")) {
				return false
			}
			before = bytes.TrimRight(before[:len(before)-1], " \t")
			return !bytes.HasSuffix(before, []byte("this")) && len(before) > 0
		})
		return t != nil
	})
	return t
}

// scanTrim looks in lines [from, to) of script sc for a size test of
// name followed by a removal; accept, when set, vets the text before the
// tested name.
func scanTrim(sc string, lines [][]byte, from, to int, name string, test, remove *regexp.Regexp, accept func(before []byte) bool) *Trim {
	for i := from; i < to; i++ {
		line := lines[i]
		m := test.FindSubmatchIndex(line)
		if m == nil || commentBefore(line, m[0]) {
			continue
		}
		var bound []byte
		at := m[0]
		if m[2] >= 0 { // "name.length > bound"
			bound = line[m[2]:m[3]]
			at += bytes.Index(line[m[0]:m[1]], []byte(name))
		} else { // "bound < name.length"
			bound = line[m[4]:m[5]]
			at += bytes.LastIndex(line[m[0]:m[1]], []byte(name))
		}
		if accept != nil && !accept(line[:at]) {
			continue
		}
		if counterNear(lines, i, bound) {
			// while (drop < x.length && …) drop++: a loop's counter
			// (how many to cut, a time-based trim), not a bound.
			continue
		}
		for k := i; k < to && k <= i+trimWindow; k++ {
			off := 0
			if k == i {
				off = m[1]
			}
			if r := remove.FindIndex(lines[k][off:]); r != nil && !commentBefore(lines[k], off+r[0]) {
				return &Trim{At: Statement{Script: sc, Line: i + 1, Column: m[0] + 1, Text: clipLine(line)},
					Bound: strings.TrimSpace(string(bound)), Limit: -1}
			}
		}
	}
	return nil
}

// counterNear reports whether bound is a plain name that is counted up or
// down (drop++, i += 1) on line i or the few around it.
func counterNear(lines [][]byte, i int, bound []byte) bool {
	b := bytes.TrimSpace(bound)
	if !identRe.Match(b) {
		return false
	}
	re := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(string(b)) + `\s*(?:\+\+|--|[-+]=)|(?:\+\+|--)\s*` + regexp.QuoteMeta(string(b)) + `\b`)
	for k := max(0, i-trimWindow); k < len(lines) && k <= i+trimWindow; k++ {
		if re.Match(lines[k]) {
			return true
		}
	}
	return false
}

// classBody is the range of lines of class name's declaration in lines:
// from its "class name" line to the closing brace indented no deeper.
func classBody(lines [][]byte, name string) (from, to int, ok bool) {
	if !identRe.MatchString(name) {
		return 0, 0, false // not a name a class can be declared with
	}
	re := regexp.MustCompile(`\bclass\s+` + regexp.QuoteMeta(name) + `\b`)
	for i, line := range lines {
		m := re.FindIndex(line)
		if m == nil || commentBefore(line, m[0]) {
			continue
		}
		indent := len(line) - len(bytes.TrimLeft(line, " \t"))
		for k := i + 1; k < len(lines); k++ {
			l := lines[k]
			in := len(l) - len(bytes.TrimLeft(l, " \t"))
			if in <= indent && bytes.HasPrefix(l[in:], []byte("}")) {
				return i, k + 1, true
			}
		}
		return i, len(lines), true
	}
	return 0, 0, false
}

// holds reports whether a collection of entries is within the trim's bound.
func (t *Trim) holds(entries int) bool { return t.Limit >= 0 && (t.Size || entries <= t.Limit) }

// where is the trim's script and line, for notes and evidence.
func (t *Trim) where() string { return fmt.Sprintf("%s:%d", t.At.Script, t.At.Line) }

// bound is "this.windowSize (300)", or the bound alone when its value is
// unknown.
func (t *Trim) bound() string {
	if t.Limit < 0 || t.Bound == strconv.Itoa(t.Limit) {
		return t.Bound
	}
	return fmt.Sprintf("%s (%d)", t.Bound, t.Limit)
}

// says is what bounds the collection, as a clause: "app.js:12 trims it
// past MAX (300)".
func (t *Trim) says() string {
	switch {
	case t.Library != "" && t.Size:
		return fmt.Sprintf("it is a cache of the %s package, created at %s with maxSize %s, a bound on its entries' total size, not on their number", t.Library, t.where(), t.bound())
	case t.Library != "":
		return fmt.Sprintf("it is a cache of the %s package, created at %s with a maximum of %s", t.Library, t.where(), t.bound())
	case t.Created != "":
		return fmt.Sprintf("%s creates %s only below %s", t.where(), t.Created, t.bound())
	case t.Guard:
		return fmt.Sprintf("%s adds to it only below %s", t.where(), t.bound())
	case t.Ring:
		return fmt.Sprintf("%s wraps the index it is written at, at %s (a ring)", t.where(), t.bound())
	}
	return fmt.Sprintf("%s trims it past %s", t.where(), t.bound())
}

// boundedNote says why a growing collection is not reported.
func boundedNote(s *Suspect, t *Trim, entries int) string {
	what := "the collection"
	if h := s.Holder; h != nil {
		what = h.Kind + " " + h.Field()
		if t.Through != "" && h.Owner != "" {
			what = h.Owner + " " + t.Through // the container, not its array
		}
	}
	filling := "a bounded buffer still filling"
	switch {
	case t.Library != "":
		filling = "a bounded cache still filling"
	case t.Created != "":
		filling = "a pool still filling to its maximum"
	}
	holds := "it holds"
	if t.Created != "" {
		holds = "there are"
	}
	return fmt.Sprintf("%s grew (%s %s) but %s; %s %s: %s, not reported as a leak",
		what, joinCounts(s.Count), unitWord(s.CountUnit), t.says(), holds, ui.Count(int64(entries)), filling)
}

func joinCounts(c []int64) string {
	parts := make([]string, len(c))
	for i, v := range c {
		parts[i] = ui.Count(v)
	}
	return strings.Join(parts, " → ")
}

// sieveBounded turns the suspects that are one collection the program
// trims at a bound it has not passed into notes. The others whose
// collection has a trim say what it means in their evidence: a bound
// that does not hold, one not found in the source, or, for a group of
// collections each within its bound, that what grows is how many there
// are.
//
// A trim against a field of the holder's owner that is undefined in the
// heap (this.maxEvents when the option was read under another name)
// never runs, since a size is never greater than undefined: unset, when
// given, tells whether owner's field name is undefined in the last
// snapshot.
// heap is the last snapshot's reachable size: a bound at which the
// collection, at what each entry keeps now, would hold more than that is
// kept as a suspect (outgrows).
func sieveBounded(sus []Suspect, src Sources, files func() []string, heap uint64, holders func(s *Suspect) []int64, unset func(owner uint32, name string) bool) (kept []Suspect, notes []string) {
	for _, s := range sus {
		t := boundOf(s.Holder, s.Class, s.AddedAt, s.scripts, files, src)
		if t == nil || s.CountUnit != "" && s.CountUnit != "entries" || len(s.Count) == 0 {
			kept = append(kept, s)
			continue
		}
		if f, ok := ownField(t.Bound); ok && t.Limit < 0 && t.Library == "" && unset != nil && s.Holder != nil && s.Holder.OwnerID != 0 && unset(s.Holder.OwnerID, f) {
			s.Evidence += fmt.Sprintf("; %s, and %s is undefined in the heap: the trim never runs", t.says(), t.Bound)
			s.Hint = undefinedBoundHint(t, f, s.Holder, s.scripts, src)
			kept = append(kept, s)
			continue
		}
		total := int(s.Count[len(s.Count)-1])
		n := total
		if s.Holder != nil && s.Holder.Entries > 0 && t.Created == "" && t.Through == "" {
			n = s.Holder.Entries
		}
		var why string
		switch {
		case t.Limit < 0:
			why = fmt.Sprintf("%s, a bound not found in the source: if that bound is small, this is a buffer still filling", t.says())
		case t.Size && n >= total:
			// One cache: it evicts past its total size, whatever the
			// number of entries.
			notes = append(notes, boundedNote(&s, t, n))
			continue
		case n > t.Limit:
			why = fmt.Sprintf("%s, yet it holds %s: that bound does not hold", t.says(), ui.Count(int64(n)))
			switch {
			case t.Library != "":
				s.Hint += fmt.Sprintf("; the cache created at %s (`%s`) holds more than its maximum of %d: check which option the library reads as its maximum", t.where(), t.At.Text, t.Limit)
			case t.Created != "":
				s.Hint += fmt.Sprintf("; %s is created only below %d at %s (`%s`), yet there are more: they are created elsewhere too, or that counter goes down while they are still kept", t.Created, t.Limit, t.where(), t.At.Text)
			case t.Guard:
				s.Hint += fmt.Sprintf("; the test at %s (`%s`) adds only below %d, yet it holds more: something else adds to it too", t.where(), t.At.Text, t.Limit)
			default:
				s.Hint += fmt.Sprintf("; the trim at %s (`%s`) never brought it back to %d: check the condition that guards it and the path that adds", t.where(), t.At.Text, t.Limit)
			}
		case total <= t.Limit && len(s.RetainedSize) > 0 && outgrows(s.kept(), total, t.Limit, heap):
			// Within its bound, but each entry keeps so much that the
			// bound is no bound: at it, more than the whole heap now.
			s.outgrowBound(t.says(), t.where(), t.Library, t.Limit, heap)
			kept = append(kept, s)
			continue
		case total <= t.Limit:
			notes = append(notes, boundedNote(&s, t, n))
			continue
		case s.Holder == nil:
			kept = append(kept, s)
			continue
		default:
			each := fmt.Sprintf("%s trims each %s past %s", t.where(), s.Holder.Kind, t.bound())
			if t.Guard {
				each = fmt.Sprintf("%s adds to each %s only below %s", t.where(), s.Holder.Kind, t.bound())
			}
			if t.Ring {
				each = fmt.Sprintf("%s wraps each %s's index at %s (a ring)", t.where(), s.Holder.Kind, t.bound())
			}
			if t.Library != "" {
				each = fmt.Sprintf("each is a cache of the %s package, created at %s with a maximum of %s", t.Library, t.where(), t.bound())
			}
			if hc := holderCounts(holders, &s); steadyGroup(hc, total, t.Limit) {
				how := fmt.Sprintf("there are %s of them in every snapshot (%s)", ui.Count(hc[len(hc)-1]), joinCounts(hc))
				if hc[len(hc)-1] > hc[0] {
					// A pool that grew to its size once, each member with
					// its own cache.
					how = fmt.Sprintf("their number stopped growing (%s; take more snapshots to see that it stays)", joinCounts(hc))
				}
				notes = append(notes, fmt.Sprintf("%s grew (%s %s) but %s, and %s: at most %s in all, collections still filling, not reported as a leak",
					s.Holder.Kind+" "+s.Holder.Field(), joinCounts(s.Count), unitWord(s.CountUnit), each, how, ui.Count(hc[len(hc)-1]*int64(t.Limit))))
				continue
			}
			if hc := holderCounts(holders, &s); t.Ring && n >= t.Limit && len(hc) >= 2 && hc[len(hc)-1] <= hc[len(hc)-2] && hc[len(hc)-1] > 0 {
				// Rings full at their bound, no more of them: each new
				// entry overwrites an old one, so what grows is what
				// the newer entries keep (strings where the old had
				// shared ones), at most a ring's worth each.
				notes = append(notes, fmt.Sprintf("%s grew (%s %s) but %s, this one is full (%s), and there are %s of them (%s): a full ring overwrites its oldest entry, so what grows is what the newer entries keep, at most %s entries' worth in all, not reported as a leak",
					s.Holder.Kind+" "+s.Holder.Field(), joinCounts(s.Count), unitWord(s.CountUnit), each, ui.Count(int64(n)), ui.Count(hc[len(hc)-1]), joinCounts(hc), ui.Count(hc[len(hc)-1]*int64(t.Limit))))
				continue
			}
			why = fmt.Sprintf("%s and this one holds %s: the growth is them filling up, or more of them", each, ui.Count(int64(n)))
		}
		s.Evidence += "; " + why
		kept = append(kept, s)
	}
	return kept, notes
}

// sieveNotes turns the suspects note gives a note for into notes.
func sieveNotes(sus []Suspect, note func(s *Suspect) (string, bool)) (kept []Suspect, notes []string) {
	for _, s := range sus {
		if n, ok := note(&s); ok {
			notes = append(notes, n)
			continue
		}
		kept = append(kept, s)
	}
	return kept, notes
}

func holderCounts(holders func(s *Suspect) []int64, s *Suspect) []int64 {
	if holders == nil {
		return nil
	}
	return holders(s)
}

// steadyGroup: collections whose number (hc, per snapshot) did not grow
// over the last interval, each within limit, can hold total.
func steadyGroup(hc []int64, total, limit int) bool {
	n := len(hc)
	if n < 2 || hc[n-1] < 2 || limit <= 0 {
		return false
	}
	// Their number did not grow over the last interval: it may have
	// grown before (a pool reaching its size), not at every snapshot.
	if hc[n-1] > hc[n-2] {
		return false
	}
	return int64(total) <= hc[n-1]*int64(limit)
}

// WithinBound: the program trims the holder at a bound it has not passed.
func (a *Accumulation) WithinBound() bool {
	return a.Trim != nil && a.AtBound == 0 && a.Trim.holds(a.entries())
}

// outgrows: n entries retaining retained in all, at a bound of limit,
// would retain more than heap.
func outgrows(retained uint64, n, limit int, heap uint64) bool {
	return n > 0 && limit > n && heap > 0 && retained/uint64(n)*uint64(limit) > heap
}

// kept is what s's objects keep in the last snapshot: their retained
// size and, when many of their slices share each whole (which no one
// entry then retains), those wholes.
func (s *Suspect) kept() uint64 {
	k := s.RetainedSize[len(s.RetainedSize)-1]
	if w := s.Wholes; w != nil && !w.Alone {
		k += w.Bytes
	}
	return k
}

// outgrowBound says, in s's evidence and fix, that its bound (bound, set
// at where, a cache library's when library is not "") lets it keep more than the whole heap at what each of its
// objects keeps now.
func (s *Suspect) outgrowBound(bound, where, library string, limit int, heap uint64) {
	if s.outgrown {
		return // (a cache's count and its Array's length: one bound)
	}
	s.outgrown = true
	n := s.Count[len(s.Count)-1]
	each := s.kept() / uint64(n)
	at := each * uint64(limit)
	s.Evidence += fmt.Sprintf("; %s, and it holds %s, but at what each keeps now (%s) that bound is about %s: more than the whole heap (%s)",
		bound, ui.Count(n), ui.Bytes(int64(each)), ui.Bytes(int64(at)), ui.Bytes(int64(heap)))
	if w := s.Wholes; w != nil && !w.Alone && 4*w.Bytes >= 3*s.kept() {
		// What each entry keeps is mostly the wholes its slices keep:
		// copying them (the fix already said) is what helps; the bound
		// only says how far it would go.
		s.Hint += fmt.Sprintf("; with the wholes, each entry keeps about %s, so the bound of %s (%s) would let it reach about %s, more than the whole heap now: a bound by count does not bound what the slices keep",
			ui.Bytes(int64(each)), ui.Count(int64(limit)), where, ui.Bytes(int64(at)))
		return
	}
	fix := fmt.Sprintf("each entry keeps about %s, so the bound of %s (%s) lets it reach about %s, more than the whole heap now: make each entry keep less (its bulk line says what), or bound it by bytes, not by count%s",
		ui.Bytes(int64(each)), ui.Count(int64(limit)), where, ui.Bytes(int64(at)), byBytes(library))
	if c := s.causeHint; c != "" && strings.HasPrefix(s.Hint, c) {
		// What each keeps by mistake first, then what the bound allows.
		s.Hint = c + "; " + fix + s.Hint[len(c):]
		return
	}
	s.Hint = fix + "; " + s.Hint
}

// atBoundHint is the fix of an accumulation bounded too generously for
// what each entry keeps: full, it would hold more than the heap holds now.
func atBoundHint(a *Accumulation, total uint64) string {
	n := a.entries()
	each := a.RetainedSize / uint64(n)
	t := fmt.Sprintf("%s bounds this at %s, but each of the %s entries keeps %s: at that bound it would hold about %s, more than the whole heap now (%s)",
		a.Trim.where(), a.Trim.bound(), ui.Count(int64(n)), ui.Bytes(int64(each)), ui.Bytes(int64(a.AtBound)), ui.Bytes(int64(total)))
	if b := a.Bulk; b != nil && a.causeHint == "" { // (said already)
		t += fmt.Sprintf(", and %s of each is %s %s at %s", pct(b.RetainedSize, b.Of), article(b.Class), b.Class, bulkPath(b))
	}
	return t + ": make each entry keep less (what it keeps above), or bound it by bytes, not by count" + byBytes(a.Trim.Library) + " (or lower the bound)"
}

// byBytes names a cache library's options for a bound in bytes.
func byBytes(library string) string {
	switch library {
	case "lru-cache":
		return " (lru-cache: maxSize with sizeCalculation)"
	case "quick-lru":
		return " (quick-lru bounds by count only: keep entries small, or use lru-cache's maxSize)"
	}
	return ""
}

// entries is the holder's size: its entries when known, else the count.
func (a *Accumulation) entries() int {
	if a.Holder != nil && a.Holder.Entries > 0 && (a.Trim == nil || a.Trim.Created == "" && a.Trim.Through == "") {
		return a.Holder.Entries
	}
	return int(a.Count)
}

// boundedHint is the fix of an accumulation kept within a bound: none
// needed, unless the bound itself is too generous.
func boundedHint(a *Accumulation) string {
	if a.Trim.Created != "" {
		return fmt.Sprintf("the program creates %s only below %s (%s) and there are %s: big by design, not what grows; if they cost too much memory, lower that maximum",
			a.Trim.Created, a.Trim.bound(), a.Trim.where(), ui.Count(int64(a.entries())))
	}
	if a.Trim.Guard {
		return fmt.Sprintf("the program adds to this only below %s (%s) and it holds %s: big by design, not what grows; if it costs too much memory, lower that bound",
			a.Trim.bound(), a.Trim.where(), ui.Count(int64(a.entries())))
	}
	if a.Trim.Ring {
		return fmt.Sprintf("a ring: the program writes it at an index that wraps at %s (%s), over its oldest entry, and it holds %s: big by design, not what grows; if it costs too much memory, lower that bound",
			a.Trim.bound(), a.Trim.where(), ui.Count(int64(a.entries())))
	}
	if a.Trim.Library != "" && a.Trim.Size {
		return fmt.Sprintf("a cache of the %s package that the program creates at %s with maxSize %s, a bound on its entries' total size as its sizeCalculation counts it, not on their number; it holds %s entries and evicts the least recently used past that total: big by design, not what grows; if it costs too much memory, lower maxSize",
			a.Trim.Library, a.Trim.where(), a.Trim.bound(), ui.Count(int64(a.entries())))
	}
	if a.Trim.Library != "" {
		return fmt.Sprintf("a cache of the %s package that the program creates at %s with a maximum of %s, holding %s: big by design, not what grows; if it costs too much memory, lower that maximum",
			a.Trim.Library, a.Trim.where(), a.Trim.bound(), ui.Count(int64(a.entries())))
	}
	return fmt.Sprintf("the program trims this at %s past %s and it holds %s: big by design, not what grows; if it costs too much memory, lower that bound",
		a.Trim.where(), a.Trim.bound(), ui.Count(int64(a.entries())))
}
