// Slices that keep their whole. A sliced string keeps its parent string
// (V8 makes one for a substring of 13 characters or more: a regular
// expression's match, slice(), substring()), and a Buffer or typed array
// view keeps its ArrayBuffer's whole backing store (subarray(), slice()
// of a Buffer): a few bytes kept per entry pin kilobytes. The entries
// themselves stay small, so their retained size does not show it; their
// collection's does.

package leak

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/ui"
)

// Wholes are the larger strings or ArrayBuffers that the slices a
// collection's entries keep hold whole.
type Wholes struct {
	// Kind is "string" (sliced strings and their parents) or "buffer"
	// (views and their ArrayBuffers' backing stores).
	Kind string `json:"kind"`
	// Slices is how many slices or views the entries keep, Wholes how
	// many distinct wholes those keep, of Bytes in all.
	Slices int    `json:"slices"`
	Wholes int    `json:"wholes"`
	Bytes  uint64 `json:"bytes"`
	// Fields are the references from the entries to the slices
	// ("traceId", "digest"; "key" for a Map's or Set's own entries), the
	// commonest first, up to three.
	Fields []string `json:"fields,omitempty"`
	// Alone: most slices are the only one of their whole, so each may
	// be a short part of it or nearly all of it (trim() of a text, a
	// Buffer read whole): the snapshot does not give a slice's length.
	Alone bool `json:"alone,omitempty"`
	// Cut is the line of the program that cut the slices out (cutAt),
	// where the copy belongs; nil when the source does not tell.
	Cut *Statement `json:"cut,omitempty"`
}

// Limits of wholesOf: how many of a collection's entries are looked at,
// and how much the wholes must add up to, and weigh on average, to be
// worth a word (Buffer's own pool hands out 8 KiB slabs shared by small
// Buffers: that is its design, not a leak).
const (
	maxWholesEntries = 1 << 16
	minWholesBytes   = 1 << 20
	minWholeAverage  = 16 << 10
	minWhole         = 1 << 10 // a whole smaller is not counted
	maxFieldItems    = 64      // objects below a field looked at, per entry
	maxFieldDepth    = 3       // references below a field followed
)

// wholesOf looks at the entries of collection h (a Map's or Set's table,
// an Array's elements, an object's properties) and one reference below
// each, for sliced strings and views; nil when their wholes are few,
// small or not much bigger than the slices.
func wholesOf(g *heapgraph.Graph, h uint32) *Wholes {
	s := g.S
	nt := &s.NodeTypeIndex
	var entries []uint32
	fields := map[string]int{}
	add := func(v uint32) {
		for e, to := range g.Edges(v) {
			if len(entries) >= maxWholesEntries {
				return
			}
			switch int(s.EdgeType(e)) {
			case s.EdgeTypeIndex.Element, s.EdgeTypeIndex.Property, s.EdgeTypeIndex.Internal:
				if n := s.EdgeName(e); n != "map" && n != "__proto__" && n != "table" && n != "elements" {
					entries = append(entries, to)
				}
			}
		}
	}
	add(h)
	for _, n := range []string{"table", "elements"} {
		if t, ok := g.EdgeNamed(h, n); ok {
			add(t)
		}
	}
	// Per kind: the slices and wholes seen (with repeats: an entry's
	// fields may share one), made distinct once at the end. Slices, not
	// maps: a big collection's entries may keep millions of them.
	type tally struct{ slices, wholes []uint32 }
	var str, buf tally
	note := func(t *tally, kind string, v, whole uint32, field string) {
		if g.ShallowSize(whole) < minWhole {
			return // a slice of a short string costs nothing to keep
		}
		fields[kind+":"+field]++
		t.slices = append(t.slices, v)
		t.wholes = append(t.wholes, whole)
	}
	distinct := func(ids []uint32) []uint32 {
		slices.Sort(ids)
		return slices.Compact(ids)
	}
	count := func(t *tally, kind string) *Wholes {
		w := &Wholes{Kind: kind, Slices: len(distinct(t.slices))}
		wholes := distinct(t.wholes)
		for _, u := range wholes {
			w.Bytes += g.ShallowSize(u)
		}
		w.Wholes = len(wholes)
		return w
	}
	look := func(v uint32, field string) {
		switch int(s.NodeType[v]) {
		case nt.SlicedString:
			if p, ok := g.EdgeNamed(v, "parent"); ok {
				note(&str, "s", v, p, field)
			}
		case nt.Object:
			ab, ok := g.EdgeNamed(v, "buffer")
			if !ok || g.ClassName(ab) != "ArrayBuffer" {
				return
			}
			if store, ok := g.EdgeNamed(ab, "backing_store"); ok {
				note(&buf, "b", v, store, field)
			}
		}
	}
	for _, v := range entries {
		look(v, "key")
		if int(s.NodeType[v]) != nt.Object {
			continue
		}
		// The entry's own structure, to a few references down (an
		// Upload's chunks, each with its digest): what the entry alone
		// keeps, where each reference may lead to a slice or a view.
		for e, to := range g.Edges(v) {
			if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property || g.IsWeakEdge(e) {
				continue
			}
			field := s.EdgeName(e)
			look(to, field)
			budget := maxFieldItems
			// field is the last property on the way: the one that
			// refers to the slice (a wrapper's value → userAgent).
			var walk func(u uint32, field string, depth int)
			walk = func(u uint32, field string, depth int) {
				for e2, to2 := range g.Edges(u) {
					if budget == 0 || g.IsWeakEdge(e2) {
						continue
					}
					f := field
					if int(s.EdgeType(e2)) == s.EdgeTypeIndex.Property {
						f = s.EdgeName(e2)
					}
					look(to2, f) // shared or not: counted once
					if t := int(s.NodeType[to2]); depth > 1 && (t == nt.Object || t == nt.Array) && g.Dominator(to2) == u {
						budget--
						walk(to2, f, depth-1)
					}
				}
			}
			if g.Dominator(to) == v {
				walk(to, field, maxFieldDepth)
			}
		}
	}
	w := count(&str, "string")
	if b := count(&buf, "buffer"); b.Bytes > w.Bytes {
		w = b
	}
	if w.Bytes < minWholesBytes || w.Wholes == 0 || w.Bytes/uint64(w.Wholes) < minWholeAverage {
		return nil // few or small wholes (node's 8 KiB pool slabs)
	}
	// One slice per whole may be a short part of it or nearly all of it
	// (trim() of a text, a Buffer read whole): a snapshot does not give
	// a slice's length, so the text says "if".
	w.Alone = w.Slices < 2*w.Wholes
	type field struct {
		name string
		n    int
	}
	var fs []field
	for f, n := range fields {
		if strings.HasPrefix(f, w.Kind[:1]+":") {
			fs = append(fs, field{f[2:], n})
		}
	}
	slices.SortFunc(fs, func(a, b field) int { return cmp.Or(b.n-a.n, strings.Compare(a.name, b.name)) })
	for _, f := range fs[:min(3, len(fs))] {
		w.Fields = append(w.Fields, f.name)
	}
	return w
}

// FieldText is the references to the slices as the report says them:
// "traceId, key and services".
func (w *Wholes) FieldText() string {
	switch n := len(w.Fields); n {
	case 0:
		return ""
	case 1:
		return w.Fields[0]
	default:
		return strings.Join(w.Fields[:n-1], ", ") + " and " + w.Fields[n-1]
	}
}

// text is the fix: what the slices keep and how to let it go. Every
// reference to a slice keeps its whole, so the copy belongs where the
// slices are cut out, before they are handed on.
func (w *Wholes) text() string {
	return strings.Replace(w.fixText(), "where it is cut out", w.where(), 1)
}

// where is the place of the copy: the line that cuts, when found.
func (w *Wholes) where() string {
	if w.Cut == nil {
		return "where it is cut out"
	}
	return "where it is cut out (" + cutText(w.Cut) + ")"
}

func (w *Wholes) fixText() string {
	each := ui.Bytes(int64(w.Bytes / uint64(w.Wholes)))
	if w.Kind == "buffer" && w.Alone {
		return fmt.Sprintf("the entries keep %s Buffer views (%s), each on an ArrayBuffer of about %s, %s in all: if these are short parts of bigger buffers (a digest or a header cut with subarray() or slice()), each keeps its whole buffer's memory; then copy each where it is cut out, before it is handed on or kept: Buffer.from(view)",
			ui.Count(int64(w.Slices)), w.FieldText(), each, ui.Bytes(int64(w.Bytes)))
	}
	if w.Kind == "buffer" {
		return fmt.Sprintf("the entries keep %s Buffer views (%s) into %s ArrayBuffers of about %s each, %s in all: a view made by subarray() or slice() keeps its whole buffer's memory, whatever its own length; copy each where it is cut out, before it is handed on or kept: Buffer.from(view)",
			ui.Count(int64(w.Slices)), w.FieldText(), ui.Count(int64(w.Wholes)), each, ui.Bytes(int64(w.Bytes)))
	}
	if w.Alone {
		return fmt.Sprintf("the entries keep %s sliced strings (%s), each part of a longer string of about %s, %s in all: V8 makes a substring, a slice or a regular expression's match of 13 characters or more a slice that keeps its whole parent string, so if these are short parts (an id, a header, a matched field) the parents are what stays; copy each where it is cut out, before it is handed on or kept: Buffer.from(s).toString() or JSON.parse(JSON.stringify(s)) makes a string of its own",
			ui.Count(int64(w.Slices)), w.FieldText(), each, ui.Bytes(int64(w.Bytes)))
	}
	return fmt.Sprintf("the entries keep %s sliced strings (%s), parts of %s longer strings of about %s each, %s in all: V8 makes a substring, a slice or a regular expression's match of 13 characters or more a slice that keeps its whole parent string; copy each where it is cut out, before it is handed on or kept (every copy of the reference keeps the parent): Buffer.from(s).toString() or JSON.parse(JSON.stringify(s)) makes a string of its own",
		ui.Count(int64(w.Slices)), w.FieldText(), ui.Count(int64(w.Wholes)), each, ui.Bytes(int64(w.Bytes)))
}

// dominates: the wholes are most of what the entries cost (retained,
// which counts the wholes the entries alone keep, or not those they
// share), so the entries' own growth is not the leak (an index meant to
// hold every id).
func (w *Wholes) dominates(retained uint64) bool { return !w.Alone && 4*w.Bytes >= 3*retained }
