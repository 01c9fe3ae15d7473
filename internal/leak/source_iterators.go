// An iterator wrapper that does not pass return() on: the program wraps
// a library's async iterator (a GraphQL subscription's, filtered or
// mapped) in an object of its own whose next() pulls from the source,
// and whose return() ends the wrapper without calling source.return().
// When the consumer stops (graphql-ws calls return() when a client
// completes or disconnects), the source stays subscribed: its listener
// stays registered and every later event is queued for nobody.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// returnHeadRe is an iterator's return() method head (async return() {,
// return: async () => {).
var returnHeadRe = lazyRE(`^\s*(?:async\s+)?return\s*\([^)]*\)\s*\{\s*$|^\s*return\s*:\s*(?:async\s+)?(?:function\b[^{]*|\([^)]*\)\s*=>)\s*\{\s*$`)

// sourceNextRe is a pull from another iterator: await source.next(.
var sourceNextRe = lazyRE(`\b([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\.\s*next\s*\(`)

// droppedReturn is a wrapper's return() that does not call its source's,
// with the source's name and, when one is there, a sibling method that
// does (throw()).
type droppedReturn struct {
	ret    *Statement // the return() head
	source string
	fn     string     // the function that makes the wrapper, when named
	does   *Statement // a line of the wrapper that does call source.return
}

// iteratorWrapper finds, for leaked objects of an iterator class, a
// wrapper in the program's scripts whose return() drops its source; nil
// when the class is not an iterator or none is found.
func iteratorWrapper(class string, scripts []string, src Sources) *droppedReturn {
	if !strings.Contains(class, "Iterator") {
		return nil
	}
	var found *droppedReturn
	matchLines(returnHeadRe.get(), scripts, src, func(sc string, lines [][]byte, i int, _ []int) {
		if found != nil || !programScript(sc) {
			return
		}
		// The object around it: from the nearest head above indented
		// less (the wrapper's return { … } or its function) to its end.
		k := headAbove(lines, i+1, func(int) bool { return true })
		if k < 0 {
			return
		}
		end := min(bodyEnd(lines, k+1), len(lines))
		var source string
		for j := k; j < end; j++ {
			if m := sourceNextRe.FindSubmatch(lines[j]); m != nil && !bytes.Contains(m[1], []byte("this")) {
				source = strings.Join(strings.Fields(string(m[1])), "")
				break
			}
		}
		if source == "" {
			return
		}
		retEnd := min(bodyEnd(lines, i+1), len(lines))
		calls := regexp.MustCompile(`\b` + regexp.QuoteMeta(source) + `\s*\.\s*return\b`)
		for j := i; j < retEnd; j++ {
			if calls.Match(lines[j]) {
				return // it passes return() on
			}
		}
		d := &droppedReturn{ret: &Statement{Script: sc, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])}, source: source}
		for j := k; j < end; j++ {
			if calls.Match(lines[j]) {
				d.does = &Statement{Script: sc, Line: j + 1, Text: clipLine(lines[j])}
				break
			}
		}
		if fn := functionAbove(sc, lines, k+1); fn != nil && identRe.MatchString(fn.Function) {
			d.fn = fn.Function
		}
		found = d
	})
	return found
}

// hint is the fix: pass return() on.
func (d *droppedReturn) hint() string {
	who := "an iterator wrapper"
	if d.fn != "" {
		who = d.fn + "()'s iterator"
	}
	at := fmt.Sprintf("%s:%d", filepath.Base(d.ret.Script), d.ret.Line)
	also := ""
	if d.does != nil {
		also = fmt.Sprintf(", as %s:%d does (%s)", filepath.Base(d.does.Script), d.does.Line, strings.TrimSuffix(strings.TrimSpace(d.does.Text), ";"))
	}
	return fmt.Sprintf("%s pulls from %s, and its return() at %s ends the wrapper without calling %s.return(): when the consumer stops (a subscription completed or a client gone: graphql-ws and for await…of call return()), %s stays subscribed, its listener registered and every later event queued for nobody; call await %s.return?.() in return()%s",
		who, d.source, at, d.source, d.source, d.source, also)
}

// iteratorReturns puts a wrapper's dropped return() first, and makes it
// the code line; or, for async generators of the program that wrap a
// source with for await…of, their head.
func (f sourceFacts) iteratorReturns(src Sources) {
	if f.pattern != PatternCollection && f.pattern != PatternClosure && f.pattern != PatternEventListener {
		return
	}
	if d := iteratorWrapper(f.class, f.allScripts(src), src); d != nil {
		*f.hint = d.hint() + "; " + *f.hint
		f.setLoc(d.ret, src)
		return
	}
	if w := generatorWrapper(f.class, f.allScripts(src), src); w != nil {
		// The cause, whatever holds them: bounding what holds the
		// generators (a topic's listeners, the promise jobs queued when
		// the snapshot was taken) is not the fix.
		*f.hint = w.hint()
		f.setLoc(w.head, src)
	}
}

// generatorHeadRe is an async generator function's head, its name group 1.
var generatorHeadRe = lazyRE(`\basync\s+function\s*\*\s*([A-Za-z_$][\w$]*)\s*\(`)

// forAwaitRe is a for await…of loop over a source, the source group 1.
var forAwaitRe = lazyRE(`\bfor\s+await\s*\(\s*(?:const|let|var)\s+[^;]+?\s+of\s+([A-Za-z_$][\w$]*(?:\s*\.\s*[A-Za-z_$][\w$]*)*)\s*\)`)

// guardedYieldRe is a yield behind a test on its line (if (ok) yield x).
var guardedYieldRe = lazyRE(`\bif\s*\(.*\)\s*(?:\{\s*)?yield\b`)

// awaitingGenerator is an async generator of the program that loops over
// a source with for await…of.
type awaitingGenerator struct {
	head    *Statement // the generator's head
	name    string
	source  string
	guarded bool // it yields only some values (a filter)
}

// generatorWrapper finds, for leaked objects named after a function, an
// async generator of that name in the program's scripts that loops over a
// source with for await…of: nil otherwise.
//
// A consumer that stops (graphql-ws calls return() when a subscription
// completes) reaches such a generator only at a yield: while it waits in
// its loop for the source's next value, the return() is queued, and the
// loop's exit, which calls source.return(), runs only once a value comes
// and is yielded. A filter that passes none for this consumer (events for
// other users) keeps it waiting for good, and the source stays
// subscribed.
func generatorWrapper(class string, scripts []string, src Sources) *awaitingGenerator {
	if !identRe.MatchString(class) {
		return nil
	}
	var found *awaitingGenerator
	matchLines(generatorHeadRe.get(), scripts, src, func(sc string, lines [][]byte, i int, _ []int) {
		if found != nil || !programScript(sc) {
			return
		}
		m := generatorHeadRe.FindSubmatch(lines[i])
		if m == nil || string(m[1]) != class {
			return
		}
		end := min(bodyEnd(lines, i+1), len(lines))
		for j := i; j < end; j++ {
			f := forAwaitRe.FindSubmatch(lines[j])
			if f == nil {
				continue
			}
			w := &awaitingGenerator{head: &Statement{Script: sc, Line: i + 1, Column: indentOf(lines[i]) + 1, Text: clipLine(lines[i])},
				name: class, source: strings.Join(strings.Fields(string(f[1])), "")}
			for k := j; k < end; k++ {
				if guardedYieldRe.Match(lines[k]) {
					w.guarded = true
				}
			}
			found = w
			return
		}
	})
	return found
}

// hint is the fix: an iterator whose return() ends the source at once.
func (w *awaitingGenerator) hint() string {
	why := "and one whose source goes quiet waits for good"
	if w.guarded {
		why = "; it yields only the values its test passes, and one whose values all fail it (events for other users) waits for good"
	}
	return fmt.Sprintf("%s() (%s:%d) is an async generator that loops over %s with for await…of: when its consumer stops (a subscription completed or a client gone: graphql-ws calls return()), a generator waiting in that loop for %s's next value gets the return() only at its next yield%s: %s.return() is never called, and %s stays subscribed, its listener registered and every later event queued for nobody; write it as an iterator object whose return() calls %s.return() at once",
		w.name, filepath.Base(w.head.Script), w.head.Line, w.source, w.source, why, w.source, w.source, w.source)
}
