// Pattern detached-dom: DOM nodes removed from the document but still
// referenced from JavaScript (browser snapshots).

package leak

import (
	"fmt"
	"strings"
)

// detachedOnPath finds the first DOM node on the path (root side first)
// that is in no document: a leaked element, or the element a leaked
// listener closure hangs from.
func (x *explainer) detachedOnPath(raw []rawStep) (int, bool) {
	for i, r := range raw {
		if detachedDOM(x.g, r.node) {
			return i, true
		}
	}
	return 0, false
}

// domHolder is the JavaScript object that keeps the detached element
// raw[top]: the nearest object above it, past backing stores (a Map's
// table, an array's elements). Kind stays empty: the holder's size is not
// the suspect's count (it holds attached nodes too).
func (x *explainer) domHolder(raw []rawStep, top int) *Holder {
	g := x.g
	s := g.S
	nt := s.NodeTypeIndex
	for j := top - 1; j >= 0; j-- {
		switch int(s.NodeType[raw[j].node]) {
		case nt.Array, nt.Hidden, nt.Native, nt.Synthetic:
			continue
		}
		return &Holder{Class: g.ClassName(raw[j].node), ID: g.ID(raw[j].node)}
	}
	return nil
}

// domListenerHolder reports the EventTarget when the leaked object is a
// DOM event listener: Chrome keeps a listener function under a
// V8EventListener, under an EventListener, under the target's listener
// vectors (InternalNode), under the target (window, document, an element).
// The event's name is not in the snapshot.
func (x *explainer) domListenerHolder(raw []rawStep) *Holder {
	g := x.g
	s := g.S
	listener := false
	for k := len(raw) - 2; k >= 0; k-- {
		v := raw[k].node
		if int(s.NodeType[v]) == s.NodeTypeIndex.Native {
			switch s.NodeNameString(v) {
			case "V8EventListener", "EventListener":
				listener = true
				continue
			case "InternalNode":
				continue
			}
		}
		if !listener {
			return nil
		}
		return &Holder{Class: g.ClassName(v), ID: g.ID(v), Kind: "listeners"}
	}
	return nil
}

// detachedBelow finds a detached DOM node that v keeps alive (in its
// dominator subtree), nearest first.
func (x *explainer) detachedBelow(v uint32) (uint32, bool) {
	g := x.g
	queue := []uint32{v}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if detachedDOM(g, u) {
			return u, true
		}
		for j := g.FirstDominated[u]; j < g.FirstDominated[u+1]; j++ {
			if c := g.Dominated[j]; c != u {
				queue = append(queue, c)
			}
		}
	}
	return 0, false
}

// domCode points at code for a detached element, which has no constructor
// of its own: the first closure it keeps (its event listener, created by
// the code that built the element).
func (x *explainer) domCode(el uint32) *Location {
	g := x.g
	queue := []uint32{el}
	for i := 0; i < len(queue) && i < 256; i++ {
		u := queue[i]
		if int(g.S.NodeType[u]) == g.S.NodeTypeIndex.Closure {
			if l := x.location(u); l != nil {
				return l
			}
		}
		for j := g.FirstDominated[u]; j < g.FirstDominated[u+1]; j++ {
			if c := g.Dominated[j]; c != u {
				queue = append(queue, c)
			}
		}
	}
	return nil
}

// domListener: the suspect's path runs through Chrome's listener wrappers.
func domListener(s *Suspect) bool {
	for _, st := range s.RetainerPath {
		if st.Type == "native" && st.Name == "V8EventListener" {
			return true
		}
	}
	return false
}

// domHint is the fix for a PatternDetachedDOM suspect; per is its count range.
func domHint(s *Suspect, per string) string {
	el := "detached DOM nodes"
	if strings.HasPrefix(s.Class, "Detached <") {
		el = "detached " + strings.TrimPrefix(s.Class, "Detached ") + " elements"
	}
	by := "JavaScript"
	if h := s.Holder; h != nil {
		by = fmt.Sprintf("%s @%d", h.Class, h.ID)
	}
	return fmt.Sprintf("%s%s are removed from the document but still referenced from %s: drop the reference when the element is removed (delete the Map/array entry, clear the variable, or hold it in a WeakMap/WeakRef), and remove listeners on long-lived targets (window, document) that close over it", el, per, by)
}
