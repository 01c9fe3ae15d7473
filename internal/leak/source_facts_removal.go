// The last step of a fill: where the entries of a collection (or the
// callbacks) the program keeps leave it, or that nothing takes them out,
// and the way out of the adding function that misses the removal.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// removalFix: where entries leave (or that none does), and the way out
// that misses it, for a collection or callbacks the program keeps.
func (f sourceFacts) removalFix(src Sources, removal, exported bool) {
	added := *f.added
	if f.label != "" && f.holder != nil && f.holder.Package != "" {
		// The library's own removal (metric.remove(labels)) is in its
		// hint; where it deletes inside is beside the point.
		return
	}
	if d := discardedTrim(f.holder, added, src); d != "" {
		// The trim is there and does nothing: that line is the fix,
		// and the general advice on bounding it is beside the point.
		*f.hint = d
		return
	}
	st := removedAt(f.holder, added, f.scripts, src)
	if t := trimOf(f.holder, added, f.scripts, src); st != nil && t != nil && t.At.Script == st.Script && t.At.Line == st.Line {
		if v, made, ok := instanceOption(f.holder, t, f.files, src); ok && v < 0 {
			// The way out is the factory's trim, and this instance
			// was made without the bound it trims at.
			text := strings.TrimSuffix(strings.TrimSpace(made.Text), ";")
			if strings.HasSuffix(text, "(") {
				text += "…)" // its arguments on the lines below
			}
			*f.hint += fmt.Sprintf("; %s:%d takes entries out only past %s, and %s is made without one at %s:%d (%s), so it has none: pass a %s there, or keep what varies out of the key",
				filepath.Base(st.Script), st.Line, t.Bound, f.holder.madeAs, filepath.Base(made.Script), made.Line, text, t.Bound)
			return
		}
	}
	if exported && st != nil && !programLocation(&Location{Script: st.Script}) {
		// The library's own trim, which the program never calls: its
		// options (at the export's line) are what decide.
		st = nil
	}
	var c string // a fix that names the line to change
	if st == nil && f.holder != nil && f.files != nil {
		if e := endedInPlace(f.holder, f.allScripts(src), src); e != "" {
			// The program ends an entry where it should take it out:
			// that line is the fix, whatever the entries are.
			*f.hint = e
			return
		}
	}
	if st == nil {
		if c = twinRemoval(added, src); c == "" {
			c = callHint(f.holder, added, removal)
		}
		if c == "" {
			if w := windowOnly(f.holder, added, f.scripts, src); w != "" {
				// The window it reads is the bound it meant: that is
				// the fix, not an LRU.
				if strings.Contains(*f.hint, boundAdvice) {
					*f.hint = strings.Replace(*f.hint, boundAdvice, w, 1)
				} else {
					*f.hint = w
				}
				return
			}
		}
	}
	switch {
	case st != nil:
		// Where entries leave says more than the general advice; a
		// library's method that takes them out and that the program
		// never calls says most.
		site := siteOf(st, src)
		rh := site.hint(st, f.scripts, f.allFiles(), src, removal)
		fault := ""
		if strings.Contains(rh, staleAdvice) {
			files := f.allFiles()
			if len(files) == 0 {
				files = programScripts(f.scripts, src)
			}
			if fault = sweepFault(st, files, src); fault != "" {
				// The test is what keeps them: fix it there.
				rh = strings.Replace(rh, staleAdvice, fault, 1)
			}
		}
		if strings.Contains(rh, staleAdvice) && f.valueScript != "" {
			if h := staleField(guardCondition(st, src), f.valueScript, src); h != "" {
				rh = strings.Replace(rh, staleAdvice, h, 1)
			}
		}
		bound := ", or bound it"
		if site.fulfilled != nil && st.Others == 0 && strings.HasPrefix(rh, "entries leave it at") {
			// Where the failed calls stay is the fix; what the keys
			// are made of (URLs with ids, one call each) is as meant.
			name := "the collection"
			if f.holder != nil {
				if n, ok := fieldName(f.holder); ok {
					name = "the " + f.holder.Kind + " " + n
				}
			}
			*f.hint = "entries leave " + name + strings.TrimPrefix(rh, "entries leave it")
			return
		}
		if site.pipe != nil || partialHook(site.asyncHook) || fault != "" {
			bound = "" // (an entry per live resource is its bound)
		}
		if site.chain != nil {
			bound = "" // (bounding would drop calls still in flight)
			if d := noDeadline(site.chainFn, st.Script, f.allScripts(src), src); d != "" {
				rh += "; " + d
			}
		}
		if site.lazyFn != "" {
			if o := optionalSweep(f.holder, f.allFiles, src); o != "" {
				// The class sweeps, but not this instance.
				rh = strings.Replace(rh, lazySweepAdvice, o, 1)
			}
		}
		if km := keyMismatch(added, st); km != "" {
			// The way out is there and reached; it asks for another key.
			rh, bound = km, ""
		} else if u, method := uncalledRemoval(f.holder, st, f.allScripts(src), src); u != "" {
			// The library's way out, never called, is the fix; a
			// disposal method of what its entries keep would not take
			// them out.
			rh, bound = u, ""
			if c := undoCall(added, method); c != "" {
				rh += fmt.Sprintf(" (%s, in a finally of the function that adds one at %s:%d)", c, filepath.Base(added.Script), added.Line)
			}
			*f.hint = disposerHintRe.ReplaceAllString(*f.hint, "")
		} else if a, e, call := pairedRemovalExit(added, st, f.allFiles(), src); e != nil && strings.Contains(rh, everyPathAdvice) {
			// The program's function that adds and then calls the
			// library's removal, with a way out between: that add
			// makes the entries that stay.
			rh, bound = strings.Replace(rh, everyPathAdvice, exitText(e, call), 1), ""
			if a.Library == nil && added != nil && !programLocation(&Location{Script: added.Script}) {
				a.Library = added
			} else if added != nil {
				a.Library = added.Library
			}
			*f.added = a
			f.setLoc(a, src)
		} else if e, call := cleanupExit(added, st, f.scripts, src); e != nil {
			// The way out that skips it is where to add it; bounding
			// would only drop live work (an in-flight request, a job
			// still running) along with the lost.
			if strings.Contains(rh, everyPathAdvice) {
				rh = strings.Replace(rh, everyPathAdvice, exitText(e, call), 1)
			} else if e.event != "" {
				// A sibling ending handler without the cleanup is the
				// way out, whatever feeds the emitter.
				rh = exitText(e, call)
			}
			bound = ""
		} else if e, call, start := unendedSpan(f.class, f.allScripts(src), src); e != nil {
			// Spans leave when they end: the way out of the function
			// that starts one without ending it, which is the code.
			if at, ok := strings.CutPrefix(rh, "entries leave it only at "); ok && strings.HasSuffix(at, uncalledText) {
				rh = "entries leave it at " + strings.TrimSuffix(at, uncalledText) + ", which runs when a span ends, which the entries that stay never reached: " + everyPathAdvice
			}
			rh, bound = strings.Replace(rh, everyPathAdvice, exitText(e, call), 1), ""
			if l := *f.loc; l == nil || !programLocation(l) || l.Function == f.class || l.Function == "constructor" {
				// (The span's constructor says less than the call
				// that starts this one.)
				f.setLoc(start, src)
			}
			*f.hint = strings.Replace(disposerHintRe.ReplaceAllString(*f.hint, ""), ", or bound the Map", "", 1)
		} else if e := markedEnded(added, st, removesPattern(f.holder), src); e != nil && strings.Contains(rh, everyPathAdvice) {
			// Marked ended and left in: that is where to take it out.
			rh, bound = strings.Replace(rh, everyPathAdvice, fmt.Sprintf("%s:%d marks an entry ended without %s (%s): an entry marked ended stays until taken out; take it out there", filepath.Base(e.at.Script), e.at.Line, removalCall(st), strings.TrimSuffix(e.at.Text, ";")), 1), ""
		} else if e := settlingTimer(added, removesPattern(f.holder), src); e != nil && strings.Contains(rh, everyPathAdvice) {
			rh, bound = strings.Replace(rh, everyPathAdvice, exitText(e, removalCall(st)), 1), ""
		} else if d := disconnectRooms(st, f.allScripts(src), src); d != "" && strings.Contains(rh, everyPathAdvice) {
			rh, bound = strings.Replace(rh, everyPathAdvice, d, 1), ""
			// (The listener to change is the fix: not a method of what
			// the entries keep, whether the program calls it or not.)
			*f.hint = disposerClauseRe.ReplaceAllString(*f.hint, "")
		} else if eo := endOnly(st, f.allScripts(src), src); eo != "" {
			rh, bound = strings.Replace(rh, everyPathAdvice, eo, 1), ""
		} else if g := guardedCalls(st, f.allScripts(src), src); g != "" && strings.Contains(rh, everyPathAdvice) {
			// Every call is behind a test or in a catch: the outcome
			// that is neither is the way out.
			rh, bound = strings.Replace(rh, everyPathAdvice, g, 1), ""
		} else if e := skippedBranch(st, src); e != nil {
			// The removal is in a branch that returns; the other
			// branch goes on to the end without it.
			rh, bound = strings.Replace(rh, everyPathAdvice, exitText(e, strings.TrimSuffix(strings.TrimSpace(st.Text), ";")), 1), ""
		}
		if removal && bound == ", or bound it" && strings.Contains(rh, everyPathAdvice) && site.lazyFn == "" && !site.closing && f.holder != nil && (f.holder.Kind == "Map" || f.holder.Kind == "dictionary") {
			// Entries that record their age and are never swept by it:
			// the sweep is the fix for those no path removes.
			// (Not when only a response's 'finish' removes them: that
			// event is the cause, and finishOnlyFirst says so.)
			if fin, _ := finishOnly(pathNames(f.path, f.holder), f.allScripts(src), src); fin == nil {
				if a := ageAdvice(added, f.class, f.allScripts(src), src); a != "" {
					bound = "; " + a
				}
			}
		}
		if r := reloadHint(added, st, removal, src); r != "" {
			// Cleared and filled again by one function: a table loaded
			// whole, not entries piling up.
			*f.hint = afterSubject(*f.hint, r)
		} else if site.closing && st.Others == 0 && bound != "" {
			// Entries that leave when their request or socket closes:
			// that, not a bound or a copy, is what to say.
			*f.hint = afterSubject(*f.hint, rh)
		} else if strings.Contains(*f.hint, boundAdvice) {
			*f.hint = strings.Replace(*f.hint, boundAdvice, rh+bound, 1)
		} else if !removal && strings.Contains(*f.hint, boundAdviceOne) {
			*f.hint = strings.Replace(*f.hint, boundAdviceOne, rh+bound, 1)
		} else if !strings.HasSuffix(*f.hint, insteadText) {
			*f.hint += "; " + rh
		}
	case c == "":
		if n := f.neverRemoved(added, src); n != "" && removal && strings.Contains(*f.hint, boundAdvice) {
			*f.hint = strings.Replace(*f.hint, boundAdvice, n, 1)
		}
	case removal && strings.Contains(*f.hint, boundAdvice):
		*f.hint = strings.Replace(*f.hint, boundAdvice, c, 1)
	default:
		// First: it names the line; the general advice follows.
		if i := strings.Index(*f.hint, ": "); i >= 0 {
			*f.hint = (*f.hint)[:i+2] + c + "; otherwise, " + (*f.hint)[i+2:]
		} else {
			*f.hint += "; " + c
		}
	}
}

// neverRemoved is the fix for the program's own collection that no
// script of the program ever takes entries out of: "" when one does, or
// the search cannot see the whole program.
func (f sourceFacts) neverRemoved(added *Statement, src Sources) string {
	h := f.holder
	if h == nil || h.Package != "" || added == nil || f.files == nil || !programLocation(&Location{Script: added.Script}) {
		return ""
	}
	re := removesPattern(h)
	name, ok := fieldName(h)
	if re == nil || !ok || findStatement(re, f.allScripts(src), src) != nil {
		return ""
	}
	removes := name + ".delete() or .clear()"
	switch h.Kind {
	case "Array":
		removes = name + ".splice(), .shift() or a reset"
	case "dictionary":
		removes = "delete " + name + "[…]"
	}
	if f.keyed && strings.Contains(*f.hint, " out of the key") {
		// A part of the key makes each new: a cache by key, whose
		// entries have no work to end.
		return fmt.Sprintf("nothing in the program takes entries out of it (no %s in any script; %s:%d adds them): with the key fixed it holds one entry per distinct key; bound it too (an LRU with a maximum size) if those can be many",
			removes, filepath.Base(added.Script), added.Line)
	}
	return fmt.Sprintf("nothing in the program takes entries out of it (no %s in any script; %s:%d adds them): delete each entry when its work is done, on every way that work ends (success, failure, giving up), or keep the value on the object it belongs to instead of adding it at %s:%d; bound it (an LRU with a TTL) only if it is meant as a cache",
		removes, filepath.Base(added.Script), added.Line, filepath.Base(added.Script), added.Line)
}

// removalCall is how a fix names the removal st makes, for another place
// to make it: its call with the arguments elided (this.jobs.delete(…)).
func removalCall(st *Statement) string {
	return strings.TrimPrefix(callPrefix(st.Text), "return ") + "…)"
}

// clearRe is a statement that empties a whole collection.
var clearRe = lazyRE(`\.\s*clear\s*\(\s*\)|\.\s*length\s*=\s*0\b`)

// reloadHint is the fix for a collection that one function empties and
// then fills (partners.clear(); for (…) partners.set(…)): it holds one
// load, "" otherwise.
func reloadHint(added, rm *Statement, grew bool, src Sources) string {
	if added == nil || rm == nil || !clearRe.MatchString(rm.Text) || added.Script != rm.Script || rm.Line >= added.Line {
		return ""
	}
	fa, fr := enclosingFunction(added, src), enclosingFunction(rm, src)
	if fa == nil || fr == nil || fa.Line != fr.Line || !identRe.MatchString(fa.Function) {
		return ""
	}
	at := fmt.Sprintf("%s:%d", filepath.Base(rm.Script), rm.Line)
	if grew {
		return fmt.Sprintf("%s() empties it (%s) and fills it again, so it holds one load, yet it grew: each load brings more entries than the last, or entries are added elsewhere too", fa.Function, at)
	}
	return fmt.Sprintf("%s() empties it (%s) and fills it again: it holds what the last load brought, a table loaded whole (big by design, not what grows)", fa.Function, at)
}

// addKeyRe and deleteKeyRe take the key of an add (m.set(k, …), s.add(k),
// o[k] = …) and of a delete (m.delete(k), delete o[k]) when it is a name
// or a field (session.id).
var (
	addKeyRe    = lazyRE(`\.\s*(?:set|add)\s*\(\s*([\w$]+(?:\s*\.\s*[\w$]+)+)\s*[,)]|\[\s*([\w$]+(?:\s*\.\s*[\w$]+)+)\s*\]\s*=[^=]`)
	deleteKeyRe = lazyRE(`\.\s*delete\s*\(\s*([\w$]+(?:\s*\.\s*[\w$]+)+)\s*\)|\bdelete\s+[\w$.]+\[\s*([\w$]+(?:\s*\.\s*[\w$]+)+)\s*\]`)
)

// keyMismatch is the fix when the one removal deletes by another field
// of the object the add keys by (set(session.clientId, …), then
// delete(session.id)): it runs and finds nothing. "" otherwise.
func keyMismatch(added, rm *Statement) string {
	if added == nil || rm == nil || rm.Others > 0 {
		return ""
	}
	key := func(re *lazyRegexp, text string) string {
		m := re.FindStringSubmatch(text)
		if m == nil {
			return ""
		}
		return strings.Join(strings.Fields(m[1]+m[2]), "")
	}
	a, d := key(addKeyRe, added.Text), key(deleteKeyRe, rm.Text)
	if a == "" || d == "" || a == d {
		return ""
	}
	ia, id := strings.LastIndexByte(a, '.'), strings.LastIndexByte(d, '.')
	if a[:ia] != d[:id] {
		return "" // other objects: nothing says they are the same
	}
	return fmt.Sprintf("entries leave it at %s:%d (%s), but %s:%d adds them under %s, not %s: the keys differ, so that delete finds nothing; delete by %s there",
		filepath.Base(rm.Script), rm.Line, strings.TrimSuffix(strings.TrimSpace(rm.Text), ";"), filepath.Base(added.Script), added.Line, a, d, a)
}

// endingCalls are the calls that end an entry's work: cancel() of a
// debounced function, stop() of a job, close() of a handle.
const endingCalls = `cancel|stop|close|destroy|dispose|abort|end|unsubscribe|clear|flush|terminate|disconnect`

// endedInPlace is the fix for the program's collection that nothing takes
// entries out of, when a function of the program looks an entry up only
// to end it (this.flushers.get(sku)?.cancel() in delist()): it leaves
// the entry in, and that is where to delete it. "" otherwise.
func endedInPlace(h *Holder, scripts []string, src Sources) string {
	name, ok := fieldName(h)
	if !ok || h.Package != "" || src == nil {
		return ""
	}
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*\.\s*get\s*\(\s*([^()]*?)\s*\)\s*\??\.\s*(?:` + endingCalls + `)\s*\(`)
	st := findStatement(re, scripts, src)
	if st == nil || !programScript(st.Script) {
		return ""
	}
	m := re.FindStringSubmatch(st.Text)
	if m == nil {
		return ""
	}
	prefix := name
	if strings.Contains(strings.Join(strings.Fields(st.Text), ""), "this."+name+".get(") {
		prefix = "this." + name
	}
	in := ""
	if fn := enclosingFunction(st, src); fn != nil && identRe.MatchString(fn.Function) {
		in = fn.Function + "() "
	}
	return fmt.Sprintf("%s(%s:%d) ends the entry it looks up in %s (%s) and leaves it there, and nothing else takes entries out: delete it there too (%s.delete(%s)), and wherever else an entry's work ends",
		in, filepath.Base(st.Script), st.Line, name, strings.TrimSuffix(strings.TrimSpace(st.Text), ";"), prefix, m[1])
}
