// Classification: which pattern a suspect is, decided by the holder
// nearest the leaked object, and the fix hint for it. Each pattern's
// detection, naming and hint live in its own pattern_*.go file.

package leak

import (
	"fmt"

	"github.com/leakhound/leakhound/internal/ui"
)

// classify tags the suspect with a pattern from what holds it nearest: the
// path is walked back from the leaked object and the first holder that
// explains it wins (the Map holding the Session, the _events entry holding
// the listener, the Timeout whose callback holds the closure). A timer or
// emitter further up the path (every http.Server has a connection-checking
// interval on the way to its request handler) is how the holder is reached,
// not why it grows.
func (x *explainer) classify(rep uint32, raw []rawStep) (Pattern, *Holder) {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	name := func(v uint32) string { return s.NodeNameString(v) }
	if top, ok := x.detachedOnPath(raw); ok {
		return PatternDetachedDOM, x.domHolder(raw, top)
	}
	if h := x.domListenerHolder(raw); h != nil {
		return PatternEventListener, h
	}
	if timerObject(name(rep)) {
		if name(rep) == "TimersList" && len(raw) >= 2 {
			// Lists of one timer each, by duration: node's
			// timerListMap holds them.
			return PatternTimer, x.collectionHolder(raw, len(raw)-2)
		}
		return PatternTimer, nil
	}
	switch name(rep) {
	case "Promise":
		if !x.settledPromise(rep) {
			return PatternPromise, nil
		}
		// A settled promise is a value (a loader's or memoiser's
		// cache entry): what holds it decides.
	case "system / PromiseReaction", "PromiseReaction":
		return PatternPromise, nil
	}
	t := int(s.NodeType[rep])
	last := len(raw) - 1
	steps := 0 // distinct steps walked back, runs (a linked list) count once
	// listOwner is what holds the nearest run of the same step (History
	// → .head → HistoryNode .next ×300): a linked list of the program's.
	listOwner, inRun := noShape, false
	for k := last - 1; k >= 0; k-- {
		if raw[k+1].foldLabel != raw[k].foldLabel || name(raw[k+1].node) != name(raw[k].node) {
			steps++
			if inRun && listOwner == noShape {
				// Past the head (History.head → HistoryNode) to
				// the list's owner.
				j := k
				for j > 0 && name(raw[j].node) == name(raw[k+1].node) {
					j--
				}
				listOwner = raw[j].node
			}
			inRun = false
		} else if k+1 < last || raw[k+1].foldLabel != "" {
			inRun = true
		}
		holder := raw[k].node
		in := raw[k+1]
		if h := x.listenerHolder(raw, k); h != nil {
			return PatternEventListener, h
		}
		if timerHolder(name(holder)) {
			if listOwner != noShape && int(s.NodeType[rep]) != nt.Closure {
				// A chain below one timer (spans linked by parent
				// in its AsyncLocalStorage store): the chain grows,
				// not the timers.
				return PatternCollection, x.listHolder(listOwner)
			}
			return PatternTimer, nil
		}
		switch name(holder) {
		case "system / PromiseReaction", "PromiseReaction":
			return PatternPromise, nil
		}
		if in.edgeName == "reactions_or_result" && !x.settledPromise(holder) {
			return PatternPromise, nil
		}
		if k == last-1 && t == nt.Closure && !x.intoKeyed(raw, k) {
			// A closure kept directly by something that is not an
			// emitter or a timer: the same function's closures pile up.
			// (A Map's or Set's values are a collection: a cache of
			// compiled functions.) An array of them is their holder:
			// where they are pushed and taken out.
			if x.intoCollection(holder, in) {
				if h := x.collectionHolder(raw, k); h.Kind == "Array" && h.Name != "" {
					return PatternClosure, h
				}
			}
			return PatternClosure, nil
		}
		if ht := int(s.NodeType[holder]); name(holder) == "AsyncContextFrame" ||
			k >= 1 && name(raw[k-1].node) == "AsyncContextFrame" && (ht == nt.Array || ht == nt.Hidden) {
			// node 24+'s async context of one resource (a Map of the
			// AsyncLocalStorage stores it runs with, and its table): not a collection
			// the program fills, but a way the timer or promise above
			// it keeps a store.
			continue
		}
		if x.intoCollection(holder, in) {
			if listOwner != noShape && int(s.NodeType[rep]) != nt.Closure {
				// The list is nearer than any collection it is in.
				return PatternCollection, x.listHolder(listOwner)
			}
			return PatternCollection, x.collectionHolder(raw, k)
		}
		if steps > 8 {
			// Far from the leaked object the path only says how its
			// holder is reached.
			break
		}
	}
	if t == nt.Closure {
		return PatternClosure, nil
	}
	if listOwner != noShape {
		return PatternCollection, x.listHolder(listOwner)
	}
	switch {
	case t == nt.String || t == nt.ConcatenatedString || t == nt.SlicedString:
		return PatternStringBuffer, nil
	}
	switch name(rep) {
	case "ArrayBuffer", "Buffer", "Uint8Array", "SharedArrayBuffer":
		return PatternStringBuffer, nil
	}
	return PatternOther, nil
}

// listHolder is the holder of a linked list owned by v, with the package
// whose class v is (a library's signal and its subscribers).
func (x *explainer) listHolder(v uint32) *Holder {
	return &Holder{Class: x.g.ClassName(v), ID: x.g.ID(v), Kind: "linked list", Package: x.classPackage(v)}
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// countRange is " (first → last)" of the suspect's count.
func countRange(s *Suspect) string {
	n := len(s.Count)
	switch {
	case n < 2:
		return ""
	case s.CountUnit != "":
		return fmt.Sprintf(" (%d → %d %s)", s.Count[0], s.Count[n-1], s.CountUnit)
	}
	return fmt.Sprintf(" (%d → %d)", s.Count[0], s.Count[n-1])
}

// article is ui.Article.
func article(word string) string { return ui.Article(word) }

func hint(s *Suspect) string {
	per := countRange(s)
	if s.selfHeld != "" {
		return finalizerHint(s, per)
	}
	if h := s.Holder; h != nil && h.Slot != "" {
		return slotHint(s, h, per)
	}
	switch s.Pattern {
	case PatternEventListener:
		return listenerHint(s, per)
	case PatternTimer:
		return timerHint(s, per)
	case PatternCollection:
		return collectionHint(s, per)
	case PatternClosure:
		return closureHint(s, per)
	case PatternPromise:
		return promiseHint(s, per)
	case PatternStringBuffer:
		return stringHint(s, per)
	case PatternDetachedDOM:
		return domHint(s, per)
	}
	return "follow the retaining path to the code that keeps adding to it"
}
