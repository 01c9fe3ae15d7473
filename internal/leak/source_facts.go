// What the program's source adds to a suspect: where it is added, the
// code line, and the fix rewritten from the statements found (a timer's
// clear, a registration, a removal, a trim), all filled in one place for
// a series and for one snapshot.

package leak

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// sourceFacts is what the program's source adds to a suspect, of a series
// or of one snapshot: the statement that adds, a TTL rounded down to 0, the
// line that makes a library cache's key, the function that adds and (with
// removal) where entries leave the collection.
type sourceFacts struct {
	holder  *Holder
	class   string
	path    []PathStep
	scripts []string
	pattern Pattern
	keyed   bool // the key analysis explained the holder's keys (keys*.go)
	texts   bool // its keys are whole texts (keys_texts.go)
	// label is the metric label whose values are all new (keys_labels.go).
	label string
	// field is the field of JSON keys whose values are all new (a
	// memoizer's JSON.stringify(args) with a request id in one).
	field string
	// port: the holder's keys end with a client's port (Suspect.portKeys).
	port bool
	// registered: the entries are the program's callbacks kept by a
	// library's table (registeredCallback); held: the library's holder
	// keeps the program's function itself (Suspect.heldCallback).
	registered, held bool
	// trimmed: the program trims the collection at a bound (Trim): no
	// advice on where entries should leave.
	trimmed bool
	// listenerPackage: the listeners are this package's own functions
	// (Suspect.listenerPackage).
	listenerPackage string
	// madeBy: the library class whose objects make the leaked ones
	// (Suspect.madeBy); valueScript: Suspect.valueScript.
	madeBy, valueScript string
	added               **Statement
	loc                 **Location
	hint                *string
	// relabel is the suspect's pattern, set to event-listener when the
	// callbacks a library keeps were added with an emitter's on().
	relabel *Pattern
	// per is the suspect's count range, for a hint written here.
	per string
	// files are all the program's scripts the snapshot names
	// (explainer.programFiles), for a search that must see them all.
	// Asked only by the searches that need them (listing them reads every
	// script's end, for its source map).
	files func() []string
	// bulk: where most of one leaked object's size is (Suspect.Bulk).
	bulk *Bulk
	// wholes: the entries keep slices of bigger wholes (Suspect.Wholes);
	// retained: what the entries themselves retain (the last snapshot).
	wholes   *Wholes
	retained uint64
	// chain: the closures wrap one another (Suspect.chain).
	chain *wrapChain
	// all memoizes allScripts for one fill: listing the program's
	// folders reads directories, and a fill searches them several times.
	all *[]string
}

// fill runs the rules in order: each step may set where the entries
// are added, the code line and the hint, and a later step may refine or
// replace what an earlier one said. The steps are split by what they
// read; their order is the rules' precedence.
func (f sourceFacts) fill(src Sources, removal bool) {
	f.all = new([]string) // (before the defers, which copy f)
	if f.chain != nil && src != nil && f.wrappedHook(src) {
		// A hook wrapped per call: the line that wraps it and the
		// put-back it misses are the whole story.
		return
	}
	defer f.finishOnlyFirst(src, removal)
	// Keys that are copies of a few objects: what to key by comes
	// first, whatever else holds.
	defer f.copiedKeys()
	if f.wholes != nil {
		defer f.slicesFirst(src, removal)
	}
	// The write that makes a store's sessions worth saving: after the
	// line that makes them, which it overrides.
	defer f.sessionWrites(src)
	// So is a wrapper's return() that drops its source iterator.
	defer f.iteratorReturns(src)
	// An entry set over another without ending the other's: the cause,
	// whatever else was said.
	defer f.replacedEntries(src)
	// A library's resource the program makes per call and frees on some
	// ways out: after the line that makes them, which it overrides.
	defer f.resourceFix(src)
	// A library's method as the code: the program's call of it.
	defer f.libraryCallSite(src)
	// A plugin the program hands over per call: after the line that
	// makes them, whose function it names.
	defer f.pluginPerCall(src)
	// Last (but for where slices are cut): the line that makes them.
	defer f.madeAt(src)
	done, exported, libReg := f.whereAdded(src, removal)
	if done {
		return
	}
	clear := f.timerClear(src)
	f.removedByFunction(src, removal)
	if f.loadedOnce(src, removal) {
		return
	}
	f.valueLines(src)
	added := *f.added
	switch {
	case strings.Contains(clear, overwrittenText):
		// The clear is there; the timer it misses is the one before:
		// "never cleared" would mislead.
		*f.hint = clear
	case clear != "":
		*f.hint = clear + "; " + *f.hint
	}
	if f.pattern == PatternClosure {
		// Callbacks the program subscribes and unsubscribes by name:
		// the way out that skips the unsubscribe, or that none does.
		if t := subscriptionFix(added, f.scripts, src, removal); t != "" {
			if strings.HasPrefix(*f.hint, closuresText) {
				*f.hint = t
			} else {
				*f.hint = t + "; " + *f.hint
			}
		}
	}
	switch {
	case f.pattern == PatternCollection, f.pattern == PatternEventListener, f.pattern == PatternTimer:
	case f.pattern == PatternClosure && f.holder != nil: // callbacks in an array
	default:
		return
	}
	f.codeFunction(src)
	if f.waits(src) {
		return
	}
	added = *f.added
	if libReg && strings.Contains(*f.hint, registrationAdvice) {
		// rxjs: the pipe's order keeps them, whatever is released.
		if t := unsafeTakeUntil(added, src); t != "" {
			*f.hint = strings.Replace(*f.hint, registrationAdvice, t, 1)
		}
	}
	if added != nil && strings.Contains(*f.hint, registrationAdvice) {
		// Registered on a long-lived object, where the program makes the
		// same registration on an object of the call elsewhere.
		if t := perCallReceiver(added, f.scripts, src); t != "" {
			*f.hint = strings.Replace(*f.hint, registrationAdvice, t, 1)
		} else if t := releaseModel(added, f.scripts, src); t != "" {
			// The program releases another registration on the same
			// object: that is how.
			*f.hint = strings.Replace(*f.hint, registrationAdvice, t, 1)
		}
	}
	if added != nil && !strings.Contains(*f.hint, "makes the same registration") && programScript(added.Script) {
		// Whatever the reading above (a registration, or a collection
		// of a library's that only grows): the same registration on an
		// object of the call is the model.
		if t := perCallReceiver(added, f.scripts, src); t != "" {
			*f.hint = t + "; " + *f.hint
		}
	}
	if libReg && added != nil && strings.Contains(*f.hint, registrationAdvice) {
		// The program keeps what registering returned and lets go of it
		// somewhere: the way out that skips that is the fix.
		if rm := handleRelease(added, src); rm != nil {
			o := overwrittenRelease(added, rm, src)
			if o == "" {
				o = timerMissesRelease(added, rm, src)
			}
			if o != "" {
				// (Which release it misses is said: that a disposal
				// method is called elsewhere is beside the point.)
				*f.hint = disposerClauseRe.ReplaceAllString(strings.Replace(*f.hint, registrationAdvice, o, 1), "")
			} else if e, call := cleanupExit(added, rm, f.scripts, src); e != nil {
				*f.hint = strings.Replace(*f.hint, registrationAdvice, fmt.Sprintf("the program lets go of it at %s:%d (%s), yet they stay: %s",
					filepath.Base(rm.Script), rm.Line, strings.TrimSuffix(rm.Text, ";"), exitText(e, call)), 1)
			}
		}
	}
	if f.pattern != PatternCollection && f.pattern != PatternClosure || f.trimmed || libReg {
		// (How a library takes registrations out inside is not the
		// program's to change.)
		return
	}
	f.removalFix(src, removal, exported)
}

// setKeyArgRe is the key a statement passes to a Map's set: tenant in
// this.handles.set(tenant, db).
var setKeyArgRe = lazyRE(`\.\s*set\s*\(\s*([A-Za-z_$][\w$]*)\s*,`)

// copiedKeys puts first that the holder's keys are copies of a few
// objects (deferred: it sees the final hint).
func (f sourceFacts) copiedKeys() {
	h := f.holder
	if h == nil || h.copies == nil || f.pattern != PatternCollection || h.Package != "" {
		// (A library's cache keyed by its callers' objects has its
		// library's words: ajv's compile once, a memoizer's resolver.)
		return
	}
	arg := ""
	if a := *f.added; a != nil && a.Library == nil {
		if m := setKeyArgRe.FindStringSubmatch(a.Text); m != nil {
			arg = m[1]
		}
	}
	what := "the Map"
	if n, ok := fieldName(h); ok {
		what += " " + n
	}
	*f.hint = h.copies.text(what, arg) + "; " + *f.hint
}

// finishOnlyFirst puts first cleanup that a response's 'finish' alone
// runs, whatever else holds (deferred: it sees the final hint).
func (f sourceFacts) finishOnlyFirst(src Sources, removal bool) {
	// Cleanup that a response's 'finish' alone runs: the first
	// thing to say, whatever else holds.
	if src == nil || strings.Contains(*f.hint, "emits 'finish'") {
		return // (closingOnlyRemoval said it of a listener's removal)
	}
	if st, fn := finishOnly(pathNames(f.path, f.holder), f.allScripts(src), src); st != nil {
		*f.hint = finishOnlyHint(st, fn, removal) + "; " + disposerClauseRe.ReplaceAllString(*f.hint, "")
	}
}

// slicesFirst says what the entries' slices keep whole (deferred: it
// comes first in the final hint), and the line that cuts them.
func (f sourceFacts) slicesFirst(src Sources, removal bool) {
	// What the slices keep whole comes first: it is most of the
	// cost. When it is nearly all of it, the entries' own growth is
	// not the leak (an index meant to keep every id), and advice on
	// taking them out would mislead.
	if f.wholes.Cut == nil && src != nil && (f.wholes.Alone || f.holder != nil && f.holder.Package != "") {
		// (Alone: one view per buffer, and no line of the program
		// cuts them: whole chunks, a stream's own, most likely.)
		// Views a library cut from its own buffers (undici's
		// body chunks of responses in flight), not from
		// anything the program cuts: no copy of the program's
		// to advise.
		return
	}
	if c := f.wholes.Cut; c != nil {
		// The slices are made where they are cut out: that
		// line, in its function, is the code.
		f.setLoc(c, src)
	}
	switch {
	case strings.HasPrefix(*f.hint, f.wholes.text()):
		// Said first already, before what holds them (a cache at
		// its bound), which stays said.
	case removal && (strings.Contains(*f.hint, "entries leave it at ") || strings.Contains(*f.hint, twinText)):
		// A series, and a way out its entries miss: they pile
		// up, whatever each keeps; that comes first.
		*f.hint += "; each also keeps more than it holds: " + f.wholes.text()
	case f.wholes.dominates(f.retained):
		*f.hint = f.wholes.text()
	case f.wholes.Alone:
		// Each may be a short part or nearly all of its whole.
		*f.hint = f.wholes.text() + "; if they are whole, not parts, the entries are what stays: " + *f.hint
	default:
		*f.hint = f.wholes.text() + "; apart from the slices: " + *f.hint
	}
}

// whereAdded finds where the entries are added: the library object that
// makes them, node's performance timeline (done: nothing more to say),
// a library's compile cache, an Agent's sockets, a listener's add, the
// program's export a library object hangs from, a registration.
func (f sourceFacts) whereAdded(src Sources, removal bool) (done, exported, libReg bool) {
	*f.added = addedAt(f.holder, f.class, f.path, f.scripts, src)
	if f.files != nil {
		*f.added = packageCaller(*f.added, f.files(), src)
	}
	if t := builtArgCaller(*f.added, f.scripts, src); t != "" && f.pattern == PatternCollection {
		// Its caller's text is new at each call: that call is the fix.
		*f.hint = t + "; " + *f.hint
	}
	if t := builtText(*f.added); f.texts && t != "" {
		// The text built at the call is the key: that call is the fix.
		*f.hint = t + "; " + *f.hint
	}
	if f.madeBy != "" && src != nil {
		if st := onlyNew(f.madeBy, f.allScripts(src), src); st != nil {
			// The program's one new of the library object that makes
			// and keeps them (new CircuitBreaker, whose Status runs the
			// timers) both makes them and starts their timers.
			*f.added = st
			f.setLoc(st, src)
		}
	}
	if kind := perfBuffer(f.path, f.holder); kind != "" {
		// node's performance timeline: the program's call that makes
		// the entries without clearing them is all there is to say.
		var st *Statement
		if src != nil {
			if st = unclearedEntries(kind, f.allScripts(src), src); st != nil {
				*f.added = st
				f.setLoc(st, src)
			}
		}
		*f.hint = perfHint(kind, st, f.per, removal)
		return true, false, false
	}
	if h := f.holder; h != nil && compileMethods[h.Package] != "" && src != nil {
		// What the library compiles and keeps comes from the program's
		// call that hands it a fresh object each time.
		if st := perCallCompile(h.Package, f.allScripts(src), src); st != nil {
			*f.added = st
			f.setLoc(st, src)
			if !st.lookup {
				*f.hint = fmt.Sprintf("%s:%d compiles an object built at each call (%s): compile it once and reuse the result", filepath.Base(st.Script), st.Line, st.Text) + "; " + *f.hint
			}
		}
	}
	if f.holder != nil && perRequestPackages[f.holder.Package] && src != nil {
		if st := madeOnce(f.holder, f.allScripts(src), src); st != nil {
			*f.hint += fmt.Sprintf("; it is made once, for the whole process, at %s:%d (%s): make it where each request begins instead", filepath.Base(st.Script), st.Line, st.Text)
		}
	}
	table, _, agentName, agent := agentTable(f.path, f.holder)
	if agent || f.holder != nil && (f.holder.Package == "undici" || undiciTable(f.holder)) {
		// Connections belong to their pool or Agent: the program does
		// not destroy them one by one.
		*f.hint = disposerHintRe.ReplaceAllString(*f.hint, "")
	}
	if agent && table == "sockets" && src != nil && f.holder != nil {
		if st, n := agentMaxSockets(agentName, f.allScripts(src), src); st != nil && f.holder.Entries >= n {
			// At the cap the program gave it: busy, not growing.
			*f.hint = fmt.Sprintf("the Agent is at the maxSockets it was given (%d, %s:%d: %s): every socket it may open for the origin is busy and further requests wait in its queue; that is its bound, not growth: a socket goes back to it when its response is read to the end", n, filepath.Base(st.Script), st.Line, strings.TrimSuffix(st.Text, ";"))
		}
	}
	if agent && table != "freeSockets" && src != nil {
		// An Agent's sockets stay in use while their responses are not
		// read: the callback that leaves one unread is the code.
		if st, returns := unreadResponse(f.allScripts(src), src); st != nil {
			*f.hint = unreadHint(st, returns) + "; " + *f.hint
			f.setLoc(st, src)
		}
	}
	if *f.added == nil && f.pattern == PatternEventListener {
		*f.added = listenerAddedAt(f.holder, *f.loc, f.scripts, src)
		if made := listenerMadeAt(*f.added, *f.loc, src); made != nil {
			// The listener added by its variable was made above the
			// add (const listener = throttle(deliver, ms)), not where
			// the code pointed (a function of what it keeps).
			f.setLoc(made, src)
		}
	}
	if f.pattern == PatternEventListener && sharedMethodAdd(*f.added, *f.loc) {
		f.setLoc(*f.added, src)
	}
	if a := *f.added; a == nil || !programLocation(&Location{Script: a.Script}) {
		// All the library's own code: the program's export its object
		// hangs from is the program's line (where it is made).
		if ex, name := programExport(f.path, src); ex != nil {
			ex.Library, exported = a, true
			*f.added = ex
			if !programLocation(*f.loc) {
				*f.loc = &Location{Function: name, Script: ex.Script, Line: ex.Line, Column: ex.Column}
			}
		}
	}
	added := *f.added
	if f.wholes != nil {
		f.wholes.Cut = cutAt(f.wholes, added, f.scripts, src)
	}
	if t := ttlHint(f.holder, f.scripts, src); t != "" {
		*f.hint = t + "; " + *f.hint
	}
	if reg := f.registration(src); reg != nil {
		*f.added, added = reg, reg
		libReg = f.holder != nil && f.holder.Package != ""
	}
	if h := f.holder; added != nil && added.Library == nil && src != nil && programScript(added.Script) && h != nil && h.libScript != "" {
		// The program's call that hands over what the library keeps,
		// through the library's own add: by the field's name
		// (this.data[key] = …), or by a local it was read into (mobx:
		// let listeners = x.changeListeners_; …push).
		if re := nameAddsOf(h, false); re != nil {
			added.Library = ownFieldFirst(findStatementWhere(re, []string{h.libScript}, src, h.libraryOwn), re, h, src)
			added.inside = added.Library != nil
		}
		if added.Library == nil {
			// (An Array's push through a local is a registration, as
			// mobx's listeners; a Map's or Set's add is a cache's.)
			added.Library = aliasAdd(h, src)
			added.inside = added.Library != nil && h.Kind != "Array"
		}
	}
	if h := f.holder; added != nil && added.Library == nil && programScript(added.Script) && h != nil && h.emitterScript != "" {
		// The program's add, through the library emitter's own push.
		added.Library = emitterAdd(h.emitterScript, src)
		added.inside = added.Library != nil
	}
	if t := freshArgHint(f.holder, added, f.files, src); t != "" {
		// The cause, before the memoizer's maximum: a bound would only
		// hide that the cache never hits.
		*f.hint = t
		return true, exported, libReg
	}
	if t := entryTTLHint(f.holder, added); t != "" {
		// The cause, and all the fix: the generic advice (a stdTTL,
		// a maxKeys, a del()) would not stop it or would break the cache.
		*f.hint = t
		return true, exported, libReg
	}
	return false, exported, libReg
}

// timerClear is a timer's clear, or what its endings miss; else a
// disposal method called elsewhere, or a library's subscriptions that a
// timer's ending skips.
func (f sourceFacts) timerClear(src Sources) (clear string) {
	added := *f.added
	endings := false
	if f.pattern == PatternTimer {
		if added == nil {
			// An arrow passed inline: the call on its line.
			added = timerStartedAt(*f.loc, src)
			if added == nil && programCallback(*f.loc) {
				// The callback handed to a library whose object runs
				// the timer (CronJob.from({ onTick: () => … })).
				added = registeredAt(*f.loc, src)
			}
			*f.added = added
		}
		clear, endings = clearHint(added, f.scripts, src)
	}
	if endings {
		// Which of its endings misses the clear says more than that a
		// disposal method exists, which may not clear it at all.
		*f.hint = disposerHintRe.ReplaceAllString(*f.hint, "")
	} else {
		var listener *Location // its calls run only when its event fires
		if f.pattern == PatternEventListener {
			listener = *f.loc
		}
		if src != nil {
			// (Its call may be anywhere: a framework's hook in app.js.)
			var made *Location // where the objects are made, for what ends them
			if f.pattern != PatternEventListener {
				made = *f.loc
			}
			var at *Statement
			*f.hint, at = calledDisposerMade(*f.hint, f.allScripts(src), src, *f.added, listener, made)
			if at != nil {
				// A callback ends the wait without disposing of what the
				// function made: that line makes (and adds) them.
				f.setLoc(at, src)
				if *f.added == nil {
					*f.added = at
				}
			}
		}
		if h := f.holder; src != nil && *f.added == nil && h != nil && h.Package != "" && f.pattern == PatternCollection {
			// A library's subscriptions released on one way the work
			// ends, not on a timer's: that timer is the fix, and the
			// subscribing call is where they are added.
			if sub, t := timerSkipsRelease(*f.loc, src); sub != nil {
				*f.added, added = sub, sub
				f.setLoc(sub, src)
				*f.hint = disposerClauseRe.ReplaceAllString(*f.hint, "")
				*f.hint = afterSubject(*f.hint, t)
			}
		}
	}
	if f.pattern == PatternEventListener && f.listenerPackage != "" && added == nil {
		// A library's object that adds its own listener to a shared
		// emitter when it is made (a template Environment on one
		// loader): the program makes one per call.
		if mk := findStatement(newPattern(f.class), f.scripts, src); mk != nil && programLocation(&Location{Script: mk.Script}) {
			*f.added, added = mk, mk
			*f.hint = fmt.Sprintf("each %s (%s) adds its own listener to the emitter when it is made, and nothing removes it: make one %s at startup and reuse it, not one per request or call (%s:%d makes them)",
				f.class, f.listenerPackage, f.class, filepath.Base(mk.Script), mk.Line) + "; " + *f.hint
		}
	}
	return clear
}

// removedByFunction: a removal that passes a function made in the
// removing call (it removes another function); then what the added
// statement says: listeners, a registry, a key, a route.
func (f sourceFacts) removedByFunction(src Sources, removal bool) {
	added := *f.added
	// A removal with a function made in the removing call: for a
	// listener any such removal, for other callbacks (a library's table
	// of them) one that binds the very method that keeps the objects.
	fresh, on := "", (*Statement)(nil)
	switch l := *f.loc; {
	case f.pattern == PatternEventListener:
		event := ""
		if f.holder != nil {
			event = f.holder.Event
		}
		if fresh, on = freshRemoval("", event, f.scripts, src); fresh != "" {
			*f.hint = spliceListenerFix(*f.hint, fresh)
		} else if w := inlineRemoval(*f.added, f.scripts, src); w != "" {
			*f.hint = spliceListenerFix(*f.hint, w)
		} else if fix := f.listenerCallFix(event, src, removal); fix != "" &&
			(strings.Contains(*f.hint, removeEachAdvice) || strings.Contains(*f.hint, removeTargetAdvice)) {
			// The program's own call says how to remove what it adds;
			// a disposal method of the objects is beside that point.
			*f.hint = disposerClauseRe.ReplaceAllString(spliceListenerFix(*f.hint, fix), "")
		}
	case l != nil && programCallback(l):
		if fresh, on = freshRemoval(l.Function, "", f.scripts, src); fresh != "" {
			// (What the registering call returns is not the point:
			// the removal is there and removes another function.)
			*f.hint = fresh + "; " + strings.Replace(*f.hint, "; "+registrationAdvice, "", 1)
		}
	}
	if on != nil && (*f.added == nil || (*f.added).Library != nil || !programLocation(&Location{Script: (*f.added).Script})) {
		// The program's call that adds it says more than a library's line.
		on.Library = *f.added
		*f.added, added = on, on
	}
	if a := *f.added; a != nil && f.relabel != nil && (f.registered || fresh != "") &&
		(f.pattern == PatternClosure || f.pattern == PatternCollection) && listenerVerbRe.MatchString(a.Text) {
		// The callbacks a library keeps were added as listeners.
		*f.relabel = PatternEventListener
	}
	if h := f.holder; h != nil && h.moduleScript != "" && registryAdd(added) {
		// Keyed by each entry's own id (tasks.set(task.id, task)): a
		// registry of what the library made, not a cache of what the
		// program passes; its entries leave when released.
		*f.hint = strings.Replace(strings.Replace(*f.hint, moduleCacheAdvice, registryAdvice, 1), " (its own cache)", " (a registry)", 1)
	}
	// Its key is what makes a library's module cache grow, or a
	// collection whose keys say they are unique (keys.go, keys_urls.go,
	// keys_labels.go).
	if h := f.holder; h != nil && (h.moduleScript != "" || f.keyed) {
		k := keyStatement(added, src)
		if k == nil && added != nil && src != nil {
			k = callerKey(added, f.allScripts(src), src)
		}
		if k == nil && h.wrapped && f.files != nil && src != nil {
			// A memoizer's key: the option that builds it, where the
			// program wraps the function.
			k = memoKeyOption(h.OwnerName, f.files, src)
		}
		if k != nil {
			var by *Statement
			if o := optionKey(h, k, f.files, src); o != nil {
				// The factory's key option: what this instance passes.
				k = o
			} else if fn := enclosingFunction(added, src); fn == nil || !strings.Contains(k.Text, fn.Function+"(") {
				// const key = endpointKey(delivery): and what that
				// returns (the call's arguments, or that line, decide);
				// not the adding function's own return, when the key
				// is built in the call of it.
				by = calledKey(k, f.allScripts(src), src)
			}
			if f.keyed && strings.Contains(*f.hint, undoAdvice) {
				// The keys say why entries pile up: what a disposal
				// method fails to undo is beside the point.
				*f.hint = disposerClauseRe.ReplaceAllString(*f.hint, "")
			}
			*f.hint += fmt.Sprintf("; its key is made at %s:%d: %s", k.Script, k.Line, strings.TrimRight(k.Text, ";,"))
			if by != nil {
				*f.hint += fmt.Sprintf(", which returns %s:%d: %s", filepath.Base(by.Script), by.Line, strings.TrimSuffix(by.Text, ";"))
			}
		}
	}
	if h := f.holder; h != nil && libraryAdds[h.Package] == routeVerbs && src != nil && (added == nil || !programLocation(&Location{Script: added.Script})) {
		// A router reached through no variable (getRouter(id).use(…)):
		// the registration inside a request handler.
		if st := handlerRegistration(f.allScripts(src), src); st != nil {
			st.Library = added
			*f.added, added = st, st
		}
	}
	if h := f.holder; h != nil && added != nil && libraryAdds[h.Package] == routeVerbs && programLocation(&Location{Script: added.Script}) && added.Column > 1 {
		// The registration the suspect grows by, at its line.
		*f.hint = fmt.Sprintf("%s:%d registers a route each time it runs (%s): register one route for all of them, once, at startup", filepath.Base(added.Script), added.Line, strings.TrimSpace(added.Text)) + "; " + *f.hint
	}
}

// loadedOnce: with one snapshot, a program's collection filled once, at
// startup (true: nothing more to say).
func (f sourceFacts) loadedOnce(src Sources, removal bool) bool {
	added := *f.added
	if a := added; !removal && a != nil && src != nil && f.pattern == PatternCollection && f.holder != nil && f.holder.Package == "" &&
		programLocation(&Location{Script: a.Script}) && a.Library == nil {
		// One snapshot, filled by a module's top level, or by a
		// function only a module's top level calls: a data set loaded
		// once, not entries piling up.
		if !inFunction(a.Script, a.Line, src) {
			*f.hint = fmt.Sprintf("%s:%d adds them at the top level of its module, which runs once, when the module loads: %s", filepath.Base(a.Script), a.Line, loadedOnceAdvice)
			return true
		}
		if fn, call := calledAtTopLevel(a, f.allScripts(src), src); call != nil && removedAt(f.holder, a, f.scripts, src) == nil {
			*f.hint = fmt.Sprintf("%s:%d adds them in %s(), which only modules' top levels call (%s:%d: %s), once, at startup: %s",
				filepath.Base(a.Script), a.Line, fn, filepath.Base(call.Script), call.Line, strings.TrimSuffix(call.Text, ";"), loadedOnceAdvice)
			if l := *f.loc; l.keeperOnly() || l == nil {
				// The function that fills it, not the variable that keeps it.
				*f.loc = enclosingFunction(a, src)
			}
			return true
		}
	}
	return false
}

// valueLines: the line that gives a key's field, port or label its new
// value at each call.
func (f sourceFacts) valueLines(src Sources) {
	added := *f.added
	if f.field != "" && src != nil {
		if st := fieldSetAt(f.field, f.allScripts(src), src); st != nil {
			// Where the field that makes each key new gets its value.
			*f.hint = fmt.Sprintf("%s:%d gives %s a new value at each call (%s): leave it out of the key, or out of what is memoized", filepath.Base(st.Script), st.Line, f.field, strings.TrimSuffix(strings.TrimSpace(st.Text), ",")) + "; " + *f.hint
		}
	}
	if f.port && src != nil {
		if st := findStatement(remotePortRe.get(), f.allScripts(src), src); st != nil {
			// The line that joins the port in.
			*f.hint = fmt.Sprintf("%s:%d puts the client's port in the key (%s): leave it out", filepath.Base(st.Script), st.Line, strings.TrimSuffix(strings.TrimSpace(st.Text), ";")) + "; " + *f.hint
		}
	}
	if h := f.holder; f.label != "" && h != nil && h.Package != "" && src != nil && f.files != nil && !metricAdds(h, added) {
		// Reached through its registry: the program's call by the
		// metric's name.
		if call := metricNamedCall(h, f.label, f.files(), src); call != nil {
			if lib := libraryLine(added); lib != nil {
				call.Library = libraryMethodAdd(lib, []byte(call.Text), src)
			}
			*f.added, added = call, call
		}
	}
	if f.label != "" {
		if st, stop := labelSetAt(f.label, added, src); st != nil {
			if stop {
				// The timer's stop adds the label set: that call,
				// not the start, is where the entries come from.
				*f.added, added = st, st
				f.setLoc(st, src)
			}
			// The line to change: where that label gets its value.
			if programScript(st.Script) && !programLocation(*f.loc) {
				f.setLoc(st, src)
			}
			*f.hint = metricLabelLine(st, f.label, src) + "; " + *f.hint
		}
	}
}

// codeFunction: the code line is the function that adds (registers,
// starts the timer), the program's call first.
func (f sourceFacts) codeFunction(src Sources) {
	added := *f.added
	for st := added; st != nil; st = st.Library {
		// The function that adds (registers, starts the timer), not
		// another of the same scope or the class's constructor; a
		// location inside it (the listener defined there) says more.
		// The program's call first, then the library's statement.
		l := *f.loc
		if l.keeperOnly() {
			// A function that only keeps them gives way to the one
			// that adds, or to the statement alone (at the top level,
			// in an arrow); the program's scope stays before a
			// library's function.
			if fn := enclosingFunction(st, src); fn == nil || programLocation(fn) || !programLocation(l) {
				*f.loc = fn
			}
			break
		}
		if l != nil && l.Script != st.Script && (st.Library == nil || programLocation(l)) {
			// Elsewhere in the program: keep it. A library's
			// location gives way to the program's function that calls.
			continue
		}
		if f.pattern == PatternEventListener && programLocation(l) {
			// The listener itself (a method handed to on()) is the
			// code that keeps them; added at says where it is added.
			break
		}
		if fn := enclosingFunction(st, src); fn != nil && (l == nil || l.Line < fn.Line || l.Line > st.Line) {
			*f.loc = fn
			break
		}
	}
}

// waits: a listener that is a sibling's once, or a wait for an event
// (true: nothing more to say); the await a suspended function waits at.
func (f sourceFacts) waits(src Sources) bool {
	added := *f.added
	if f.pattern == PatternEventListener {
		if other := siblingOnce(f.holder, added, src); other != nil {
			*f.hint = siblingOnceHint(f.holder, added, other)
			return true
		}
	}
	if b := f.bulk; b != nil && b.Frame != nil && f.pattern == PatternEventListener {
		// The listeners are a wait for an event: the await is the code
		// and where they are added; the fix is the event's emit.
		if w := awaitOnce(b.Frame, src); w != nil {
			at := *b.Frame
			at.Line, at.Column = w.Line, w.Column
			*f.loc, *f.added, added = &at, w, w
			*f.hint = awaitedHint(f.holder, w, b.Frame, f.scripts, src)
			return true
		}
	}
	if b := f.bulk; b != nil && b.Frame != nil && added != nil {
		// The await the suspended function waits at: the one that
		// calls the function that keeps the entry (waitFor()).
		if w := awaitCalling(b.Frame, added, src); w != nil {
			at := *b.Frame
			at.Line, at.Column = w.Line, w.Column
			*f.loc = &at
			*f.hint = strings.Replace(*f.hint, fmt.Sprintf("(%s:%d) suspended at an await that never resumes", filepath.Base(b.Frame.Script), b.Frame.Line),
				fmt.Sprintf("suspended at %s:%d (%s), an await that never resumes", filepath.Base(w.Script), w.Line, strings.TrimSuffix(w.Text, ";")), 1)
		}
	}
	return false
}

// allFiles is f.files(), nil when the caller gave none.
func (f sourceFacts) allFiles() []string {
	if f.files == nil {
		return nil
	}
	return f.files()
}

// allScripts are the suspect's scripts, those beside them, and every
// script of the program the snapshot names: for a search that must not
// miss a call in another folder.
func (f sourceFacts) allScripts(src Sources) []string {
	if f.all != nil && *f.all != nil {
		return *f.all
	}
	scripts := programScripts(f.scripts, src)
	if f.files != nil {
		for _, sc := range f.files() {
			if !slices.Contains(scripts, sc) {
				scripts = append(scripts, sc)
			}
		}
	}
	if f.all != nil {
		*f.all = scripts
	}
	return scripts
}

// afterSubject replaces what a hint says after its subject ("the Map
// inflight holds 500 entries: …") with text.
func afterSubject(hint, text string) string {
	if i := strings.Index(hint, ": "); i >= 0 {
		return hint[:i+2] + text
	}
	return text
}

// loadedOnceAdvice ends the fix of what a module's top level adds, once.
const loadedOnceAdvice = "a data set loaded at startup, big by design, not what grows; if it costs too much memory, load less of it or look it up elsewhere"

// listenerCallFix is the fix said with the program's call that adds the
// listeners (listenerFix), else, for an event held in a variable, with
// the one place that removes them (closingOnlyRemoval); "" for none.
func (f sourceFacts) listenerCallFix(event string, src Sources, series bool) string {
	if fix := wrappedKept(*f.added, src); fix != "" {
		return fix
	}
	if fix := listenerFix(*f.added, event, f.scripts, src, series); fix != "" {
		if h := f.holder; h != nil && h.noRemoval && strings.Contains(fix, "nothing removes it") {
			return noRemovalFix(*f.added, event, h)
		}
		return fix
	}
	return closingOnlyRemoval(*f.added, f.allScripts(src), src)
}

// remotePortRe: code that reads a connection's source port.
var remotePortRe = lazyRE(`\bremotePort\b`)
