// Pattern event-listener: listeners piling up on an EventEmitter's
// _events or an EventTarget's kEvents map.

package leak

import (
	"fmt"
	"sort"
	"strings"
)

// listenerHolder reports the emitter when raw[k] stores listeners: an
// EventEmitter's _events object (one listener under the event's name, or an
// array of them), or an EventTarget's listener Map (AbortSignal and other
// web EventTargets keep listeners in a symbol-keyed kEvents Map).
func (x *explainer) listenerHolder(raw []rawStep, k int) *Holder {
	g := x.g
	s := g.S
	eventsOf := x.eventsOwner
	v := raw[k].node
	if em, ok := eventsOf(v); ok {
		h := &Holder{Class: g.ClassName(em), ID: g.ID(em), Kind: "listeners", Package: x.classPackage(em), Name: x.emitterName(raw, k-1, em)}
		if raw[k+1].edgeType == "property" {
			x.setEvent(h, v, raw[k+1].edgeName, raw[k+1].node)
		} else {
			h.OtherEvents = x.otherEvents(v, h.Event)
		}
		return h
	}
	// An EventTarget's listener Map (or its table), reached by kEvents.
	for j := k; j >= 1 && j >= k-1; j-- {
		if strings.Contains(raw[j].edgeName, "kEvents") {
			et := raw[j-1].node
			return &Holder{Class: x.protoClass(et), ID: g.ID(et), Kind: "listeners", Event: x.mapKeyOf(raw, j)}
		}
	}
	// An array of listeners under _events.<event>.
	if k > 0 && s.NodeNameString(v) == "Array" {
		if em, ok := eventsOf(raw[k-1].node); ok {
			h := &Holder{Class: g.ClassName(em), ID: g.ID(em), Kind: "listeners", Package: x.classPackage(em), Name: x.emitterName(raw, k-2, em)}
			if raw[k].edgeType == "property" {
				x.setEvent(h, raw[k-1].node, raw[k].edgeName, v)
			} else {
				h.OtherEvents = x.otherEvents(raw[k-1].node, h.Event)
			}
			return h
		}
	}
	// A table of callback lists, one per event, under any name
	// (nanoevents' events, a hand-rolled emitter's handlers): the list
	// is an Array of functions kept under the event's name.
	if k > 0 && k+1 < len(raw) && s.NodeNameString(v) == "Array" && raw[k].edgeType == "property" &&
		int(s.NodeType[raw[k+1].node]) == s.NodeTypeIndex.Closure && x.callbackTable(raw[k-1].node) {
		em := raw[k-1].node
		table := ""
		if k >= 2 {
			em, table = raw[k-2].node, raw[k-1].edgeName
			if k >= 3 && raw[k-2].edgeType == "property" {
				table = raw[k-2].edgeName + "." + table // bus.events
			}
		}
		return &Holder{Class: g.ClassName(em), ID: g.ID(em), Kind: "listeners", Package: x.classPackage(em), Table: table,
			Event: raw[k].edgeName, Listeners: x.listenerCount(v)}
	}
	return nil
}

// emitterName is the variable or property the path reaches emitter em by
// (eventBus; an ES module's variable through its cell), when raw[j] is
// em; "" otherwise.
func (x *explainer) emitterName(raw []rawStep, j int, em uint32) string {
	name := ""
	if j >= 0 && raw[j].node == em {
		switch raw[j].edgeType {
		case "property", "context", "shortcut":
			name = raw[j].edgeName
		case "internal":
			if j >= 1 && x.cellValue(raw[j-1].node, raw[j].edgeType, raw[j].edgeName) {
				name, _ = x.g.CellName(raw[j-1].node)
			}
		}
	}
	if !identRe.MatchString(name) || genericName(name) {
		// Reached another way (a context's slot by index, a module's
		// exports, a method's receiver): by the name something keeps
		// it under.
		name = x.slotName(em)
	}
	if identRe.MatchString(name) {
		return name
	}
	return ""
}

// callbackTable reports whether t is a table of callback lists: a plain
// object (an instance of a class is something else: a Semaphore's queue
// of waiters) and, of the (up to 16) Arrays among its properties, at least
// two thirds hold only functions (the first 8 elements looked at). A
// table of records or of arrays of data is not one.
func (x *explainer) callbackTable(t uint32) bool {
	s := x.g.S
	if x.g.ClassName(t) != "Object" {
		return false
	}
	lists, arrays := 0, 0
	for e := s.FirstEdge[t]; e < s.FirstEdge[t+1] && arrays < 16; e++ {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property {
			continue
		}
		a := s.EdgeTo[e]
		if int(s.NodeType[a]) != s.NodeTypeIndex.Object || s.NodeNameString(a) != "Array" {
			continue
		}
		arrays++
		fns, others := 0, 0
		for f := s.FirstEdge[a]; f < s.FirstEdge[a+1] && fns+others < 8; f++ {
			if int(s.EdgeType(f)) != s.EdgeTypeIndex.Element {
				continue
			}
			if int(s.NodeType[s.EdgeTo[f]]) == s.NodeTypeIndex.Closure {
				fns++
			} else {
				others++
			}
		}
		if fns > 0 && others == 0 {
			lists++
		}
	}
	return lists > 0 && 3*lists >= 2*arrays
}

// eventsOwner is the emitter whose _events object v is.
func (x *explainer) eventsOwner(v uint32) (uint32, bool) {
	g := x.g
	s := g.S
	for r, e := range g.Retainers(v) {
		if s.EdgeTypeName(e) == "property" && s.EdgeName(e) == "_events" {
			return r, true
		}
	}
	return 0, false
}

// listenerArray is the holder of a growing array that is an emitter's
// listener list (_events.<event>): the emitter, as for its listeners, so
// that the array and the listeners it holds are one leak.
func (x *explainer) listenerArray(v uint32) *Holder {
	g := x.g
	s := g.S
	for r, e := range g.Retainers(v) {
		if s.EdgeTypeName(e) != "property" {
			continue
		}
		em, ok := x.eventsOwner(r)
		if !ok {
			continue
		}
		h := &Holder{Class: g.ClassName(em), ID: g.ID(em), Kind: "listeners", Package: x.classPackage(em), Name: x.emitterName(nil, -1, em)}
		x.setEvent(h, r, s.EdgeName(e), v)
		return h
	}
	return nil
}

// protoClass names v after its prototype's constructor when that differs
// from V8's name for it: node makes an AbortSignal as an EventTarget and
// then gives it AbortSignal.prototype, so V8 calls it EventTarget.
func (x *explainer) protoClass(v uint32) string {
	g := x.g
	s := g.S
	if proto, ok := g.Prototype(v); ok {
		for e2, ctor := range g.Edges(proto) {
			if s.EdgeTypeName(e2) == "property" && s.EdgeName(e2) == "constructor" &&
				int(s.NodeType[ctor]) == s.NodeTypeIndex.Closure {
				if n := s.NodeNameString(ctor); n != "" {
					return n
				}
			}
		}
	}
	return g.ClassName(v)
}

// otherEvents lists the events of an _events object, other than event,
// that hold more listeners than node's MaxListenersExceededWarning
// threshold, most listeners first.
func (x *explainer) otherEvents(events uint32, event string) []EventListeners {
	s := x.g.S
	var out []EventListeners
	for e := s.FirstEdge[events]; e < s.FirstEdge[events+1]; e++ {
		if s.EdgeTypeName(e) != "property" || s.EdgeName(e) == event {
			continue
		}
		if n := x.listenerCount(s.EdgeTo[e]); n > 10 {
			out = append(out, EventListeners{Event: s.EdgeName(e), Listeners: n})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Listeners > out[j].Listeners })
	return out
}

// listenerCount counts what _events.<event> holds: one function, or an
// array of them.
func (x *explainer) listenerCount(v uint32) int {
	s := x.g.S
	if int(s.NodeType[v]) == s.NodeTypeIndex.Closure {
		return 1
	}
	n := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
			n++
		}
	}
	return n
}

// mapKeyOf returns the string key of the Map entry the path takes after the
// Map at raw[j] (table slot i holds the value, slot i-1 its key), or "".
func (x *explainer) mapKeyOf(raw []rawStep, j int) string {
	if j+2 >= len(raw) || raw[j+2].edgeType != "internal" || !isNumber(raw[j+2].edgeName) {
		return ""
	}
	s := x.g.S
	want := raw[j+2].edgeName
	var i int
	fmt.Sscan(want, &i)
	key := fmt.Sprint(i - 1)
	for e, to := range x.g.Edges(raw[j+1].node) {
		if s.EdgeName(e) == key && int(s.NodeType[to]) == s.NodeTypeIndex.String {
			return s.NodeNameString(to)
		}
	}
	return ""
}

// eventTargetListener: the suspect's listeners are in an EventTarget's
// kEvents map (AbortSignal and other web EventTargets), not an
// EventEmitter's _events.
func eventTargetListener(s *Suspect) bool {
	for _, st := range s.RetainerPath {
		if strings.Contains(st.Edge, "kEvents") {
			return true
		}
	}
	return false
}

// onceListener: the listeners were registered with once(). Node up to 22
// wraps each in a bound onceWrapper; node 24 in a closure named wrapper
// that holds the listener (its `listener` property or context variable).
// Only the steps below the emitter count: a once() wrapper further up (an
// http.Server's once('error') on the way to the request handler) is how
// the emitter is reached, not how its listeners were added.
func onceListener(s *Suspect) bool {
	p := s.RetainerPath
	if s.Holder != nil && s.Holder.ID != 0 {
		for i, st := range p {
			if st.ID == s.Holder.ID {
				p = s.RetainerPath[i:]
			}
		}
	}
	for i, st := range p {
		if st.Type != "closure" {
			continue
		}
		if st.Name == "bound onceWrapper" || st.Name == "onceWrapper" {
			return true
		}
		if st.Name == "wrapper" {
			for _, next := range p[i+1 : min(i+3, len(p))] {
				if next.Edge == "listener" {
					return true
				}
			}
		}
	}
	return false
}

// listenerHint is the fix for a PatternEventListener suspect; per is its count range.
func listenerHint(s *Suspect, per string) string {
	if domListener(s) {
		what := "listeners"
		if strings.HasPrefix(s.Class, "Detached <") {
			what = "listeners that keep removed " + strings.TrimPrefix(s.Class, "Detached ") + " elements"
		}
		on := "the event target"
		if s.Holder != nil {
			on = s.Holder.Class
		}
		return fmt.Sprintf("%s pile up on %s%s: call removeEventListener (same function, same capture flag) when the element or component goes away, or add them with {signal} and abort its AbortController then", what, on, per)
	}
	ev := "the event"
	if s.Holder != nil && s.Holder.Event != "" {
		ev = "'" + s.Holder.Event + "'"
	}
	if s.Holder != nil && s.Holder.Listeners > 0 {
		per = fmt.Sprintf(" (%d now)", s.Holder.Listeners)
	}
	if h := s.Holder; h != nil && h.EventsLike > 0 {
		// An event per call, a listener or two on each.
		ev, per = fmt.Sprintf("'%s' (one event per call, %d of them)", EventShape(h.Event), h.EventsLike), ""
	}
	if s.Holder != nil && len(s.Holder.OtherEvents) > 0 {
		ev, per = ev+per, ""
		for i, o := range s.Holder.OtherEvents {
			if i == maxHintEvents {
				// One object subscribing to sixty topics: a few say it.
				ev += fmt.Sprintf(" and %d more events", len(s.Holder.OtherEvents)-i)
				break
			}
			ev += fmt.Sprintf(", '%s' (%d)", o.Event, o.Listeners)
		}
	}
	if eventTargetListener(s) {
		// An EventTarget (an AbortSignal): no off(), no once().
		on := "the EventTarget"
		if s.Holder != nil {
			on = "the " + s.Holder.Class
		}
		if s.Holder != nil && s.Holder.Event == "abort" {
			// 'abort' fires once at most: { once: true } does not
			// help while the signal lives on.
			return fmt.Sprintf("listeners for 'abort' pile up on %s%s, which lives longer than the calls that listen: %s when each call ends, or add each with { signal } of a per-call AbortController that you abort when the call ends", on, per, removeTargetAdvice)
		}
		return fmt.Sprintf("listeners for %s pile up on %s%s: %s when the work is done, or add the listener with { once: true } if it should run once", ev, on, per, removeTargetAdvice)
	}
	if n, ok := pipedInto(s); ok {
		return pipeHint(s, n)
	}
	if abortableWait(s) {
		// events.once(emitter, name, { signal }): the signal ends the
		// wait as surely as the event does.
		return fmt.Sprintf("these are waits of events.once() for %s%s, each given an AbortSignal: when the event comes or the signal aborts, once() settles and removes its listeners, so they are waits in flight if every signal has a deadline (AbortSignal.timeout(ms), or aborted when the request closes); if they pile up over snapshots, some signal never aborts: give it a timeout", ev, per)
	}
	if onceListener(s) {
		// once() only removes a listener when its event fires.
		why := "the event has not fired since they were added"
		if s.Holder != nil {
			switch s.Holder.Event {
			case "exit", "beforeExit":
				why = "'" + s.Holder.Event + "' fires only when the process ends"
			}
		}
		return fmt.Sprintf("once() listeners for %s pile up on the emitter%s: a once() listener goes away only when its event fires, and %s; remove the listener (emitter.off with the same function) when its job ends, or register one long-lived listener that cleans up a Set of pending items", ev, per, why)
	}
	at, off, offs := "on the emitter", "emitter.off with the same function", "emitter.off / removeListener, or an AbortSignal"
	if s.Holder != nil && s.Holder.Table != "" {
		// A library's or the program's own table of callback lists: its
		// on() usually returns the function that unregisters.
		at = "in " + s.Holder.Table
		off = "call the function on() or subscribe() returned, or the emitter's off()"
		offs = off
	}
	if c := connectionContext(s); c != "" {
		return fmt.Sprintf("listeners for %s pile up %s%s, each keeping what a request or connection made (with its %s): remove the listener (%s) when the request or connection ends (on its 'close'), or pass an AbortSignal aborted then", ev, at, per, c, off)
	}
	return fmt.Sprintf("listeners for %s pile up %s%s: %s (%s), or register it with once() if it should fire once", ev, at, per, removeEachAdvice, offs)
}

// removeEachAdvice begins the general advice for listeners, which the
// program's own call, when found, replaces (listenerFix).
const removeEachAdvice = "remove each listener when its work is done"

// removeTargetAdvice is removeEachAdvice for an EventTarget.
const removeTargetAdvice = "call removeEventListener (same function)"

// maxHintEvents: how many of the emitter's other events a hint names.
const maxHintEvents = 4

// pipedInto: the listeners are those pipe() adds to its destination (it
// listens for 'unpipe' there, and for 'drain', 'error', 'close', 'finish');
// n is how many 'unpipe' listeners there are: one a live pipe.
func pipedInto(s *Suspect) (n int, ok bool) {
	h := s.Holder
	if h == nil {
		return 0, false
	}
	if h.Event == "unpipe" {
		return h.Listeners, true
	}
	for _, o := range h.OtherEvents {
		if o.Event == "unpipe" {
			return o.Listeners, true
		}
	}
	return 0, false
}

// pipeHint is the fix for streams piped into a long-lived destination and
// never unpiped; n is the number of pipes.
func pipeHint(s *Suspect, n int) string {
	dest := "the " + s.Holder.Class
	if p := s.Holder.Package; p != "" {
		dest += " (" + p + ")"
	}
	h := fmt.Sprintf("streams are piped into %s, which lives on, and never unpiped (%d pipes now): every pipe() adds 'unpipe', 'drain', 'error', 'close' and 'finish' listeners to the destination, and they keep the source until it ends or is unpiped; end each source (or unpipe it) when its work is done, or use stream.pipeline(), which cleans up", dest, n)
	if s.Holder.Package == "winston" {
		h += "; with winston, a logger made per request (createLogger with a shared transport) is such a source: keep one logger and call logger.child({ ... }) per request, which pipes nothing"
	}
	return h
}

// abortableWait: the path runs through node's events.once() resolver to
// the AbortSignal it was given (a few references on, through its scope's
// contexts): a wait that its signal can end.
func abortableWait(s *Suspect) bool {
	p := s.RetainerPath
	for i := range p {
		if p[i].Type != "closure" || p[i].Name != "resolver" {
			continue
		}
		// resolver → context → previous → signal: a variable of
		// once()'s scope.
		for j := i + 1; j < len(p) && j <= i+3; j++ {
			if p[j].Edge == "signal" && strings.Contains(p[j].Class, "AbortSignal") {
				return true
			}
		}
	}
	return false
}
