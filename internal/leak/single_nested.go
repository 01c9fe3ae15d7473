// Nested accumulation: the entries of a collection each keep a collection
// of their own (sessions each with a message history, users each with an
// event log). One snapshot cannot tell which of the two grows: the outer
// collection (entries never deleted) or the inner ones (histories never
// cut); both are said, the outer as the suspect, the inner as "inside".

package leak

import (
	"fmt"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// Inside is what each entry of an accumulation keeps: a collection in the
// same property of every entry (Session.history), of alike objects.
type Inside struct {
	// Property is the entries' property (history); "" when the entries
	// are the collections (a Map of one Set per user).
	Property string `json:"property"`
	Kind     string `json:"kind"`    // the collection's kind (Array, Map)
	Class    string `json:"class"`   // the class of what it holds (ChatMessage)
	Count    int64  `json:"count"`   // objects held, over all entries
	Largest  int64  `json:"largest"` // held by the largest one
	// RetainedSize is what the inner collections retain, over all.
	RetainedSize uint64 `json:"retained_size"`
	// AddedAt: the statement that adds to them (see Suspect.AddedAt).
	AddedAt *Statement `json:"added_at,omitempty"`
}

// Thresholds of the nested accumulation.
const (
	nestedSample     = 64                     // entries looked at before deciding
	nestedMinEntries = minAccumulationEntries // inner entries per outer entry, on average
	nestedDepth      = 4                      // steps from an entry down to its inner collection
)

// innerCollection walks down from entry e along the child that holds
// most of it until a node whose dominated children are mostly alike (at
// least half its retained size, in at least two of one class, none of
// them most). It returns the first step below e, the alike children's
// class and count, and their retained size.
func innerCollection(g *heapgraph.Graph, e uint32, stats map[uint32]*childStat) (first uint32, class uint32, n int64, size uint64, ok bool) {
	v := e
	for depth := 0; depth < nestedDepth; depth++ {
		rv := g.RetainedSize(v)
		big, bigSize := childrenByClass(g, v, stats, 1<<16)
		if depth > 0 || collectionKind(g, v) != "" {
			// (At the entry itself only when it is a collection whose
			// entries are its own children: a dictionary's values.)
			var best uint32
			var bs *childStat
			for k, st := range stats {
				if bs == nil || st.retained > bs.retained {
					best, bs = k, st
				}
			}
			if bs != nil && bs.count >= 2 && bs.retained*2 >= rv && bs.repSize*2 < bs.retained {
				if depth == 0 {
					first = v
				}
				return first, best, bs.count, bs.retained, true
			}
		}
		if bigSize*5 < rv*3 {
			return 0, 0, 0, 0, false
		}
		if depth == 0 {
			first = big
		}
		v = big
	}
	return 0, 0, 0, 0, false
}

// nested finds, for the point pt, whether its entries (the holder's
// children of the representative's class) each keep an inner collection
// of alike objects reached by the same property.
func nested(g *heapgraph.Graph, pt point) (Inside, bool) {
	if pt.list {
		return Inside{}, false
	}
	s := g.S
	cls := g.ClassIndex(pt.rep)
	type inner struct {
		edge  string
		class uint32
		self  bool // the entry is itself a collection (a Set per user)
	}
	stats := map[uint32]*childStat{} // reused for every entry
	var entries []uint32
	for j := g.FirstDominated[pt.holder]; j < g.FirstDominated[pt.holder+1]; j++ {
		if c := g.Dominated[j]; c != pt.holder && g.ClassIndex(c) == cls {
			entries = append(entries, c)
		}
	}
	if len(entries) < minAccumulationEntries {
		return Inside{}, false
	}
	// The property of e that leads to its inner collection.
	edgeTo := func(e, t uint32) string {
		for k := s.FirstEdge[e]; k < s.FirstEdge[e+1]; k++ {
			if s.EdgeTo[k] == t && s.EdgeTypeName(k) == "property" {
				return s.EdgeName(k)
			}
		}
		return ""
	}
	var want inner
	var matched, looked int64
	var total int64
	var size uint64
	var largest int64
	var first uint32 // an inner collection, for its kind
	for i, e := range entries {
		top, class, n, sz, ok := innerCollection(g, e, stats)
		var in inner
		switch {
		case ok && top == e:
			// The entry is a collection whose values are its own
			// children (a dictionary of callbacks per topic).
			in = inner{"", class, true}
		case ok && collectionKind(g, top) != "":
			// A collection in a property of the entry itself (not
			// content further down, a request's payload lines).
			in = inner{edgeTo(e, top), class, false}
		case ok && collectionKind(g, e) != "":
			// The entry is a collection: its own entries, through its
			// backing store.
			in = inner{"", class, true}
			top = e
		}
		if i == 0 {
			want = in
		}
		if i < nestedSample {
			looked++
		}
		if ok && in == want && (in.edge != "" || in.self) {
			if i < nestedSample {
				matched++
			}
			total += n
			size += sz
			if n > largest {
				largest, first = n, top
			}
		}
		if i+1 == nestedSample || i+1 == len(entries) {
			// Decide on the sample: most entries alike inside, and
			// the inner collections most of their size.
			if want.edge == "" && !want.self || matched*5 < looked*4 {
				return Inside{}, false
			}
		}
	}
	if total < int64(len(entries))*nestedMinEntries || size*2 < g.RetainedSize(pt.holder) {
		return Inside{}, false
	}
	return Inside{Property: want.edge, Kind: collectionKind(g, first), Class: g.Classes[want.class].Name, Count: total, Largest: largest, RetainedSize: size}, true
}

// insideHint adds the inner collections to the fix: one snapshot cannot
// tell whether entries are never deleted or their own lists never cut.
func insideHint(a *Accumulation) string {
	if a.Inside.Property == "" {
		return "" // see valuesHint
	}
	return fmt.Sprintf("; each %s keeps its own %s %s (%d %s in all, %d in the largest): if the %s objects are bounded (one per user), it is those that are never cut: cap each one (keep the last N, move older ones to storage)",
		a.RootClass, a.Inside.Property, a.Inside.Kind, a.Inside.Count, a.Inside.Class, a.Inside.Largest, a.RootClass)
}

// valuesHint is the fix of an accumulation whose entries are collections
// of their own (a Map of one Set of sockets per user): one snapshot
// cannot tell whether there are too many Sets or too much in each. twin
// is the program's line that takes the objects out of another collection
// only (see twinRemoval), when there is one.
func valuesHint(a *Accumulation, twin string) string {
	in := a.Inside
	if a.Holder == nil {
		return a.Hint
	}
	n := int64(a.Holder.Entries)
	if n == 0 {
		n = a.Count
	}
	h := fmt.Sprintf("the %s %s holds %d %s, with %d %s objects in all (%d in the largest)", a.Holder.Kind, a.Holder.Field(), n, kindPlural(in.Kind), in.Count, in.Class, in.Largest)
	if twin != "" {
		return h + ": " + twin
	}
	return h + fmt.Sprintf(": if the %s are bounded (one per user), it is their entries that are never deleted: take each out of its %s when done; otherwise, delete a key's %s when what it is for is done", kindPlural(in.Kind), in.Kind, in.Kind)
}

// kindPlural is a collection kind's plural (Maps, dictionaries).
func kindPlural(kind string) string {
	if kind == "dictionary" {
		return "dictionaries"
	}
	return kind + "s"
}
