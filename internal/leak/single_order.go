// The order of one snapshot's suspects: the program's accumulations by
// size, then those within a bound, those running functions hold and
// node's own state; and the folding of suspects that report one thing
// (the same holder, the values of one Map, a deeper one on another's
// path).

package leak

import (
	"fmt"
	"slices"
)

func kindOrder(k string) int {
	switch k {
	case KindAccumulation:
		return 0
	case KindClassGroup:
		return 1
	}
	return 2
}

// dedupeSingle drops a suspect whose holder a larger one already reports.
func dedupeSingle(sus []Accumulation) []Accumulation {
	seen := map[uint32]bool{}
	out := sus[:0]
	for _, a := range sus {
		key := a.key
		if a.Holder != nil {
			key = a.Holder.ID
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, a)
	}
	return out
}

// sameCodeGroups drops a class group (objects of one class held the same
// way) whose class and program code are those of an item before it and
// whose path runs through that item's holder: the same objects seen from
// another level of what holds them (node's timer lists, one list among
// them, each timer's closure, the job's callback array), not another
// leak. Objects of the class held elsewhere (expired sessions in an
// archive beside live ones in a Map) stay. So does a class group whose path
// runs through an earlier item's queue of waiting tasks: what those tasks
// keep. Run once the code is read; ranks are given again.
func sameCodeGroups(sus []Accumulation) []Accumulation {
	type codeKey struct {
		class        string
		script       string
		line, column int
	}
	holders := map[codeKey][]uint32{} // the holders of the items with that code
	var queues []uint32               // the holders of tasks waiting in a queue
	out := sus[:0]
	for _, a := range sus {
		if a.Kind == KindClassGroup && pathThrough(a.RetainerPath, queues) {
			// What the waiting tasks keep (their requests' parsers).
			continue
		}
		if a.waiting && a.Holder != nil {
			queues = append(queues, a.Holder.ID)
		}
		l := a.Location
		if !programLocation(l) || a.Runtime {
			out = append(out, a)
			continue
		}
		k := codeKey{a.Class, l.Script, l.Line, l.Column}
		if a.Kind == KindClassGroup && pathThrough(a.RetainerPath, holders[k]) {
			continue
		}
		if a.Holder != nil {
			holders[k] = append(holders[k], a.Holder.ID)
		}
		out = append(out, a)
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

// pathThrough: one of the path's steps is one of the objects ids.
func pathThrough(path []PathStep, ids []uint32) bool {
	for _, st := range path {
		if slices.Contains(ids, st.ID) {
			return true
		}
	}
	return false
}

// singleOrder: the program's accumulations first, those it keeps within a
// bound next (big by design, not what grows), then work in flight (what
// running functions hold, pending timers, requests being received,
// clients connected), node's own state last; each by retained size.
func singleOrder(a, b Accumulation) int {
	if a.Runtime != b.Runtime {
		if a.Runtime {
			return 1
		}
		return -1
	}
	if fa, fb := a.inFlight(), b.inFlight(); fa != fb {
		if fa {
			return 1
		}
		return -1
	}
	if wa, wb := a.WithinBound(), b.WithinBound(); wa != wb {
		if wa {
			return 1
		}
		return -1
	}
	switch {
	case a.RetainedSize > b.RetainedSize:
		return -1
	case a.RetainedSize < b.RetainedSize:
		return 1
	}
	// The same holder found twice: its entries say more than its size.
	return kindOrder(a.Kind) - kindOrder(b.Kind)
}

// mergeValues makes the accumulations in the values of one Map or WeakMap
// (a result Map per pooled connection, an event list per carrier) one
// suspect: the largest, with the totals of all. Each is one value among
// many; what accumulates is the collection of them, as a series sees it.
func mergeValues(sus []Accumulation) []Accumulation {
	type key struct {
		valueOf, kind, class string
		owner                uint32
	}
	first := map[key]int{}
	n := map[int]int{}
	out := sus[:0]
	for _, a := range sus {
		h := a.Holder
		if a.Kind != KindAccumulation || h == nil || h.ValueOf == "" {
			out = append(out, a)
			continue
		}
		k := key{h.ValueOf, h.Kind, a.Class, h.OwnerID}
		if i, ok := first[k]; ok {
			t := &out[i]
			t.Count += a.Count
			t.RetainedSize += a.RetainedSize
			t.Share += a.Share
			n[i]++
			continue
		}
		first[k] = len(out)
		out = append(out, a)
	}
	for i, more := range n {
		a := &out[i]
		a.Hint += fmt.Sprintf("; %d more %ss like it, values of %s too: %d entries and %s in all", more, a.Holder.Kind, a.Holder.ValueOf, a.Count, kib(a.RetainedSize))
	}
	return out
}

// deeperFirst: when a suspect's objects are on another's retaining path
// and that other holds nearly all of the same bytes (a scheduler kept by
// its own timer, and the list of callbacks inside it), the other, deeper
// one says where the memory is: it takes the first one's place.
func deeperFirst(sus []Accumulation) []Accumulation {
	drop := make([]bool, len(sus))
	for i := range sus {
		a := &sus[i]
		if len(a.RetainerPath) == 0 || a.Runtime {
			continue
		}
		top := a.RetainerPath[len(a.RetainerPath)-1].ID
		for j := i + 1; j < len(sus); j++ {
			b := &sus[j]
			if drop[j] || b.Runtime || b.RetainedSize*10 < a.RetainedSize*9 {
				continue
			}
			for _, st := range b.RetainerPath[:max(0, len(b.RetainerPath)-1)] {
				if st.ID == top {
					sus[i], sus[j] = sus[j], sus[i]
					drop[j] = true
					break
				}
			}
			if drop[j] {
				break
			}
		}
	}
	out := sus[:0]
	for i, a := range sus {
		if !drop[i] {
			out = append(out, a)
		}
	}
	return out
}

// inFlight: held by work under way when the snapshot was taken (a
// running function, pending timers, requests being received, clients
// still connected), not memory kept.
func (a *Accumulation) inFlight() bool {
	// (Among node's own state, connected sockets are its sockets: their
	// order stays by size.)
	return a.OnStack || a.Pending || a.Receiving || a.Settling || a.Connected && !a.Runtime
}
