package leak

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// hintFor writes the fix.
func (x *explainer) hintFor(s *Suspect, t *traced) {
	g, rep, path, repIndex := x.g, t.rep, t.path, t.repIndex
	s.Hint = hint(s)
	if s.keys != nil && s.Pattern == PatternCollection {
		if h := s.Holder; h != nil && expiryCause[h.Package] {
			// The library's own expiry is the cause (keyv deletes an
			// expired key only when it is read again): a key made of
			// an id per call may be what the program needs (an
			// idempotency key), so its shape comes second.
			s.Hint += "; " + s.keys.hint(holderWhat(s.Holder))
		} else {
			s.Hint = s.keys.hint(holderWhat(s.Holder)) + "; " + s.Hint
		}
	}
	if s.labels != nil && s.Pattern == PatternCollection {
		s.Hint = s.labels.hint(holderWhat(s.Holder)) + "; " + s.Hint
	}
	if s.urls != nil && s.Pattern == PatternCollection {
		s.Hint = s.urls.hint(holderWhat(s.Holder)) + "; " + s.Hint
	}
	if s.versions != nil && s.Pattern == PatternCollection {
		s.Hint = s.versions.hint(holderWhat(s.Holder)) + "; " + s.Hint
	}
	if s.texts != nil && s.Pattern == PatternCollection {
		s.Hint = s.texts.hint(holderWhat(s.Holder)) + "; " + s.Hint
	}
	if t.stuck != "" {
		s.Hint = fmt.Sprintf("resolve functions of awaited promises pile up in %s%s and are never called, so %s() calls wait at their await forever: call (or reject) every queued waiter, release in a finally block so no error path skips it, and reject the waiters on timeout or shutdown", t.stuck, countRange(s), s.Location.Function)
	}
	if s.Pattern == PatternClosure && s.Holder == nil && repIndex >= 1 {
		// Kept as the values of a dictionary or a Map: a cache of
		// functions, not callbacks to unregister.
		for k := repIndex - 1; k >= 0 && k >= repIndex-2; k-- {
			v := path[k].Node
			if kind := collectionKind(g, v); kind == "Array" {
				break // a list of functions per key: callbacks, not a cache
			} else if kind == "dictionary" || kind == "Map" {
				s.Hint = functionCacheHint(x.slotName(v), countRange(s))
				if pkg := x.pathPackage(path[:k+1]); pkg != "" && !cachePackages[pkg] && programCallback(s.Location) {
					// The program's own callbacks in a library's
					// table (pubsub-js's messages): registrations,
					// not compiled code.
					s.Hint = registrationHint(x.slotName(v)+" ("+pkg+")", s.Location, countRange(s))
				}
				break
			}
		}
	}
	if (s.Pattern == PatternTimer || s.Pattern == PatternCollection || s.Pattern == PatternEventListener) && s.selfHeld == "" {
		// An object kept by its own timers or listeners, or piling up in a
		// map, is let go by its own method: the leaked object's, or that of
		// one on the way from it to the class named (a library's Actor
		// that keeps the program's context).
		disposed := false
		for k := len(path) - 1; k >= repIndex; k-- {
			v := path[k].Node
			if c := g.ClassName(v); userClassName(c) {
				if m := x.disposer(v); m != "" {
					if pkg := x.classPackage(v); pkg != "" && s.Pattern == PatternTimer && k > repIndex {
						// A library's object whose own timer keeps
						// it (a cron job): its method, not
						// clearInterval, which the program cannot
						// reach.
						s.Hint = libraryTimerHint(s, c, pkg, m)
						if oc, om := x.timerOwner(v, pkg); oc != "" {
							// Made and kept by another object of
							// its package (opossum's CircuitBreaker
							// makes a Status): the program holds and
							// makes that one, and ends it.
							s.Hint = ownedTimerHint(s, oc, c, pkg, om)
							s.madeBy = oc
							c, m = oc, om
						}
					}
					s.Hint += disposerHint(c, m)
					disposed = true
					break
				}
			}
		}
		if !disposed {
			x.handlerDisposer(s, rep)
		}
	}
	if s.Pattern != PatternDetachedDOM && !s.collection && !strings.HasPrefix(s.Class, "Detached ") {
		// A component kept in a cache keeps the element it rendered,
		// removed from the page: worth saying, it is most of the size.
		if el, ok := x.detachedBelow(rep); ok {
			s.Hint += fmt.Sprintf("; each keeps a removed DOM element (%s) alive", g.ClassName(el))
		}
	}
	if c, ok := x.errorStackOn(t.shownRaw); ok {
		// Kept through an Error's unread stack: the cause, whatever
		// else holds the error.
		s.causeHint = errorStackHint(c, s.Class)
		s.Hint = s.causeHint + "; " + s.Hint
	}
}

// keeps says what each leaked object keeps below it (its bulk, an async
// function waiting, a variable shared by closures), after the code line
// of a .bind() or a pending entry.
func (x *explainer) keeps(s *Suspect, t *traced) {
	g, rep := x.g, t.rep
	if l := x.bindSite(s.RootClass, s.scripts); l != nil {
		// A bound function is made by a .bind() call: that line, not
		// the method's own, is the code that keeps its this.
		s.Location = l
	}
	if t.pendingEntry {
		// Where the entry is made and added is the code (the source
		// tells it), not a function its promise's reactions keep.
		s.Location = nil
	}
	s.Bulk = bulkOf(g, rep)
	if s.Bulk == nil && s.Pattern == PatternEventListener {
		// A listener that is a wait for an event (node's once(), whose
		// event and 'error' listeners share what they keep): what the
		// waiting async function keeps.
		s.Bulk = x.awaitedBulk(rep)
	}
	if c, ok := x.errorStackOf(rep); ok && s.causeHint == "" {
		s.causeHint = errorStackHint(c, s.Class)
		s.Hint = s.causeHint + "; " + s.Hint
	}
	x.bulkFrame(s.Bulk)
	if b := s.Bulk; b != nil && b.Frame != nil {
		// Each keeps an async function waiting at an await: its code
		// is where to look, and what waits is what it keeps.
		s.Location = b.Frame
		s.Hint += fmt.Sprintf("; each keeps async %s (%s:%d) suspended at an await that never resumes, with its locals (one keeps %s of %s %s at %s)",
			b.Frame.Function, filepath.Base(b.Frame.Script), b.Frame.Line, ui.Bytes(int64(b.RetainedSize)), article(b.Class), b.Class, b.Text())
	}
	if sc := x.sharedContextOf(s.Bulk); sc != nil && s.causeHint == "" {
		// Kept by a variable the closure never reads: the first thing
		// to say, whatever else holds the objects.
		s.causeHint = sc.text(s.Class, s.Bulk)
		s.Hint = s.causeHint + "; " + s.Hint
	}
}

// expiryCause: libraries whose hint names the cause of growth in their
// own expiry, before anything about the keys.
var expiryCause = map[string]bool{"keyv": true}
