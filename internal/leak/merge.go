package leak

import (
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// mergeSuspects makes one leak one suspect, so no growth is counted twice:
//
//   - Suspects kept by the same collection or the same emitter's event (a
//     Map's keys and its values, two kinds of listener closure on one
//     event) are one leak: their sizes add up, they are different objects.
//   - A suspect whose retaining path runs through the leaked objects of
//     another (the poller inside a leaked Timeout's callback, the
//     Float64Array inside a leaked widget) is part of that one: freeing the
//     outer objects frees it. Its sizes are not added (the outer objects'
//     retained size mostly holds them already); the larger of the two is
//     kept per snapshot, so nothing is counted twice.
func mergeSuspects(sus []Suspect, ex *explainer, cand []uint64, shapes, loose []uint32) []Suspect {
	localize(sus, ex, cand, shapes, loose)
	countChained(sus, cand, shapes, loose)
	n := len(sus)
	if n < 2 {
		return sus
	}
	parent := make([]int, n)
	for i := range parent {
		parent[i] = -1
	}
	// Paths through another suspect's leaked objects.
	through := make([]bool, n)
	byShape := map[uint32]int{}
	for i := range sus {
		if !sus[i].collection && sus[i].shape != noShape && parent[i] < 0 {
			byShape[sus[i].shape] = i
		}
	}
	g := ex.g
	for i := range sus {
		if parent[i] >= 0 {
			continue
		}
		path := ex.ownerPath(sus[i].rep)
		// Nearest to the leaked object first, skipping the object itself.
		for k := len(path) - 2; k >= 0; k-- {
			// Old objects of the other suspect's shape count too: the
			// leak's objects are not all new (one made before S1 holds
			// new ones), and the path is only one of them.
			u := path[k].Node
			if u == g.Root {
				continue
			}
			sh := shapes[u]
			if int(sh) >= len(loose) {
				continue
			}
			if j, ok := byShape[loose[sh]]; ok && j != i && ex.className(u) == ex.className(sus[j].rep) {
				parent[i] = j
				through[i] = true
				break
			}
		}
	}
	// Objects that hold each other's (a signal's list of effect nodes,
	// each effect's list of the signals it reads, the view an effect
	// keeps) make the paths a cycle: one leak, kept whole under its
	// largest part rather than dropped.
	breakCycles(parent)
	// A WeakMap's values live only while their keys do: when what keeps
	// a key alive is another suspect's leaked objects (a listener that
	// holds the key), the values are that leak's bytes.
	weak := make([]bool, n)
	for i := range sus {
		if parent[i] >= 0 || !weakHolder(&sus[i]) {
			continue
		}
		key, ok := ex.weakKeyOf(sus[i].rep)
		if !ok {
			continue
		}
		path := ex.path(key)
		for k := len(path) - 1; k >= 0; k-- {
			u := path[k].Node
			if u == g.Root || int(shapes[u]) >= len(loose) {
				continue
			}
			if j, ok := byShape[loose[shapes[u]]]; ok && j != i && !weakHolder(&sus[j]) {
				parent[i], weak[i] = j, true
				break
			}
		}
	}
	// Same holder: one leak, under the suspect of that holder that leads.
	type holderKey struct {
		id    uint32
		event string
	}
	var keys []keyed[holderKey]
	reactions := make([]bool, n) // merged as reactions of one promise
	for i := range sus {
		h := sus[i].Holder
		if parent[i] >= 0 {
			continue
		}
		var k holderKey
		switch {
		case h != nil && h.OwnerID != 0 && h.Name == "_events":
			// An emitter's _events object growing by the names of
			// events made per call: the same leak as their listeners.
			k = holderKey{h.OwnerID, "\x00listeners"}
		case h != nil && h.OwnerID != 0:
			// The collections of one object (a cache's Map and
			// its parallel key and value arrays) are one leak.
			k = holderKey{h.OwnerID, "\x00owner"}
		case h != nil && h.Kind == "listeners":
			// One emitter: the listeners one call adds for several
			// events ('tick' and 'error') are one leak.
			k = holderKey{h.ID, "\x00listeners"}
		case h != nil:
			k = holderKey{h.ID, h.Event}
		case sus[i].Pattern == PatternPromise:
			// The reactions of one pending promise (every call's
			// Promise.race against one shutdown promise adds a
			// resolve/reject pair and a derived promise): one leak.
			p, ok := ex.reactionsHolder(sus[i].rep)
			if !ok {
				continue
			}
			k = holderKey{g.ID(p), "\x00reactions"}
			reactions[i] = true
		default:
			continue
		}
		keys = append(keys, keyed[holderKey]{i, k})
	}
	leadBy(keys, parent, sus)
	// Same code and mechanism: collections filled, or listeners or timers
	// added, by one line of the program (a counter and a histogram
	// labelled per request in one handler) are one leak.
	type locKey struct {
		pattern      Pattern
		script       string
		line, column int
	}
	var locs []keyed[locKey]
	for i := range sus {
		l := sus[i].Location
		if parent[i] >= 0 || !programLocation(l) || sus[i].single {
			continue
		}
		switch sus[i].Pattern {
		case PatternCollection, PatternEventListener, PatternTimer:
		default:
			continue
		}
		if h := sus[i].Holder; h != nil && h.Slot != "" {
			continue
		}
		locs = append(locs, keyed[locKey]{i, locKey{sus[i].Pattern, l.Script, l.Line, l.Column}})
	}
	leadBy(locs, parent, sus)
	root := func(i int) int {
		for steps := 0; parent[i] >= 0 && steps < n; steps++ {
			i = parent[i]
		}
		return i
	}
	out := make([]Suspect, 0, n)
	index := map[int]int{}
	namedGrowth := map[int]int64{} // growth of the part whose class names a merged suspect
	explains := map[int]int{}      // a part that explains a merged suspect of pattern other
	taken := map[int]bool{}        // merged suspects whose code is a part's
	for i := range sus {
		if root(i) == i {
			index[i] = len(out)
			out = append(out, sus[i])
		}
	}
	// Only a suspect that no other contains adds its own size.
	sameHolder := func(i, r int) bool {
		// The WeakMap's values are separate objects the key's holder
		// keeps: its bytes, added once.
		return !through[i] && parent[i] == r || weak[i] && r != i
	}
	// The share of each such part's bytes that are fields of its root's
	// objects (a timestamp per delivery record, a record's body string)
	// is in the root's retained size already, whatever path the part's
	// representative took: measured for all parts in one pass.
	var asks []shareAsk
	for i := range sus {
		if r := root(i); r != i && sameHolder(i, r) && sus[i].shape != noShape {
			asks = append(asks, shareAsk{part: i, shape: sus[i].shape, class: g.ClassIndex(sus[r].rep)})
		}
	}
	inside := ex.insideShares(asks, len(sus), shapes, loose)
	for i := range sus {
		r := root(i)
		if r == i {
			continue
		}
		t, ok := index[r]
		if !ok {
			continue // a cycle of parents: leave it out rather than loop
		}
		into, from := &out[t], &sus[i]
		if len(into.Parts) == 0 {
			into.Parts = append(into.Parts, partOf(into))
			namedGrowth[t] = into.GrowthBytes
		}
		into.Parts = append(into.Parts, partOf(from))
		if _, ok := explains[t]; !ok && into.Pattern == PatternOther && from.Pattern != PatternOther && from.Holder != nil && from.Class == into.Class {
			// The same objects reached through what V8 holds (the
			// stack) and through the program's collection: the
			// collection explains them.
			explains[t] = i
		}
		sameHolder := sameHolder(i, r)
		outside := 1 - inside[i]
		for k := range into.RetainedSize {
			if k >= len(from.RetainedSize) {
				break
			}
			if add := uint64(float64(from.RetainedSize[k]) * outside); sameHolder && add > 0 {
				into.RetainedSize[k] += add
			} else if from.RetainedSize[k] > into.RetainedSize[k] {
				into.RetainedSize[k] = from.RetainedSize[k]
			}
		}
		ownLiteral := strings.HasPrefix(into.Class, "{") && into.Holder != nil && into.Holder.Package == ""
		if !userClassName(into.Class) && userClassName(from.Class) && !ex.nodeClass(from.rep) &&
			(!ownLiteral || ex.classTier(from.rep) == tierProgram) {
			// Name the program's object the leak holds, and the
			// program's code that keeps it when the holder's own part
			// has none (a library's list nodes, an effect's callback
			// below them). Object literals in the program's own
			// collection are the program's already: only a class of
			// the program's renames them (not the library connection
			// its jobs wait on).
			into.Class = from.Class
			if guessedCode(into.Location) && programLocation(from.Location) && !from.Location.keeperOnly() {
				into.Location = from.Location
				into.heldCallback = into.heldCallback || from.heldCallback
				taken[t] = true
				if registeredCallback(into) {
					into.Hint = hint(into)
				}
			}
		} else if into.valuePackage != "" && !programLocation(into.Location) && userClassName(from.Class) && !functionClass(from.Class) && !ex.nodeClass(from.rep) &&
			programLocation(from.Location) && from.GrowthBytes > namedGrowth[t] {
			// A library's entries (a scheduler's invocations) that
			// mostly keep the program's objects (its subscriptions):
			// the program's object is what leaks, and its code is
			// where.
			into.Class = from.Class
			namedGrowth[t] = from.GrowthBytes
			if guessedCode(into.Location) {
				into.Location = from.Location
				into.heldCallback = into.heldCallback || from.heldCallback
				taken[t] = true
			}
		} else if into.Class == "(string)" && sameHolder && strings.HasPrefix(from.Class, "{") {
			// A Map's keys and its values, object literals: the values
			// are the entries the program made and reads.
			into.Class = from.Class
		} else if functionClass(into.Class) && userClassName(from.Class) && !functionClass(from.Class) && !ex.nodeClass(from.rep) &&
			from.GrowthBytes > namedGrowth[t] {
			// Listener functions that are mostly an object's (a
			// piped stream's listeners on the destination, and the
			// stream): the object is what leaks, and counts.
			into.Class = from.Class
			namedGrowth[t] = from.GrowthBytes
			if len(from.Count) == len(into.Count) {
				into.Count = append([]int64(nil), from.Count...)
				into.NewObjects = from.NewObjects
			}
		}
		if sameHolder && reactions[i] && len(from.Count) == len(into.Count) {
			// Each call subscribed to the promise adds one of each
			// part (a resolve and a reject function, a derived
			// promise): the part with the fewest objects counts the
			// calls, not the resolve/reject pair twice.
			for k := range into.Count {
				into.Count[k] = min(into.Count[k], from.Count[k])
			}
			into.NewObjects = min(into.NewObjects, from.NewObjects)
		}
		last := len(into.RetainedSize) - 1
		into.GrowthBytes = int64(into.RetainedSize[last]) - int64(into.RetainedSize[0])
		into.GrowthCount = into.Count[len(into.Count)-1] - into.Count[0]
	}
	for t, i := range explains {
		// The explaining part's reading (pattern, holder, path, code,
		// hint), with the merged numbers.
		agg := out[t]
		out[t] = sus[i]
		m := &out[t]
		m.Count, m.RetainedSize, m.GrowthBytes, m.GrowthCount = agg.Count, agg.RetainedSize, agg.GrowthBytes, agg.GrowthCount
		m.NewObjects, m.Parts, m.CountUnit = agg.NewObjects, agg.Parts, agg.CountUnit
	}
	return sameCode(out, taken)
}

// keyed is a suspect (its index) and the key of the group it joins.
type keyed[K comparable] struct {
	i int
	k K
}

// leadBy merges each group of suspects (same key) into the one that
// leads it: the one with most growth under it, counting what merged into
// it already as paths through its objects. A small list of a library's
// (an editor's document items) must not lead a leak whose bytes are all
// under the same object's other list (its observers, keeping every
// session's undo manager), nor a schema object the cache entry whose
// compiled validator holds all the bytes.
func leadBy[K comparable](members []keyed[K], parent []int, sus []Suspect) {
	n := len(parent)
	weight := make([]int64, n)
	for i := range sus {
		r := i
		for steps := 0; parent[r] >= 0 && steps < n; steps++ {
			r = parent[r]
		}
		weight[r] = max(weight[r], sus[i].GrowthBytes)
	}
	lead := map[K]int{}
	for _, m := range members {
		if j, ok := lead[m.k]; !ok || weight[m.i] > weight[j] {
			lead[m.k] = m.i
		}
	}
	for _, m := range members {
		if j := lead[m.k]; j != m.i {
			parent[m.i] = j
		}
	}
}

// guessedCode: l is not the program's code that keeps the objects: none, a
// library's, or a function whose scope only holds them.
func guessedCode(l *Location) bool {
	return !programLocation(l) || l.keeperOnly()
}

// sameCode folds suspects that only their parts tied to the program's
// code (taken: the root's part had none) into the first one with the
// same pattern, class and code: one callback kept by two of a library's
// lists (an effect subscribed to two signals) is one leak, whose objects
// both reach; the second's size is in the first's already, or would be
// counted twice.
func sameCode(out []Suspect, taken map[int]bool) []Suspect {
	type codeKey struct {
		pattern      Pattern
		class        string
		script       string
		line, column int
	}
	first := map[codeKey]int{}
	keep := out[:0]
	for i := range out {
		s := &out[i]
		if l := s.Location; taken[i] && l != nil {
			k := codeKey{s.Pattern, s.Class, l.Script, l.Line, l.Column}
			if j, ok := first[k]; ok {
				keep[j].Parts = append(keep[j].Parts, partOf(s))
				continue
			}
			first[k] = len(keep)
		}
		keep = append(keep, *s)
	}
	return keep
}

// countChained fixes the new-object count of leaks that form a chain. A
// suspect counts its leak roots, the new objects no other new object
// dominates; in a linked list (an AbortSignal's Listener list, each new
// Listener reached only through the one before) that is only the first
// one. Every new object of the suspect's shape is one of its leaked
// objects: when the roots are far fewer, that count is the one to give.
func countChained(sus []Suspect, cand []uint64, shapes, loose []uint32) {
	want := map[uint32]int{}
	for i := range sus {
		if !sus[i].collection && sus[i].shape != noShape {
			want[sus[i].shape] = 0
		}
	}
	if len(want) == 0 {
		return
	}
	for v, sh := range shapes {
		if int(sh) >= len(loose) || !isSet(cand, uint32(v)) {
			continue
		}
		if c, ok := want[loose[sh]]; ok {
			want[loose[sh]] = c + 1
		}
	}
	for i := range sus {
		// Far fewer roots than objects is a chain; a merged suspect
		// that counts calls (see mergeSuspects) is left as it is.
		if c, ok := want[sus[i].shape]; ok && !sus[i].collection && c > 4*sus[i].NewObjects {
			sus[i].NewObjects = c
		}
	}
}

// holderSteps is how far up its retaining path an object of a suspect is
// looked for its holder (Map → table → entry, object → properties → value).
const holderSteps = 4

// localize narrows the per-snapshot figures of suspects kept by one holder
// to that holder. A shape keeps only the last steps of a path, so the keys
// of one Map share their shape with the string keys of every other Map:
// the shape's totals then count the whole heap's keys (3,761 strings for a
// Map of 25). In the last snapshot the objects under the holder are known;
// the rest of the shape is taken to be what it is there at every snapshot
// (it did not grow, or it would be its own suspect), and is taken off.
//
// A leak spread over many holders (an item array per old session) is left
// as it is: most of the shape's new objects are then under other holders.
func localize(sus []Suspect, ex *explainer, cand []uint64, shapes, loose []uint32) {
	g := ex.g
	eligible := func(s *Suspect) bool {
		// Keys are what share a shape across collections; an array is
		// often one chunk of a larger queue (node's FixedQueue), whose
		// other chunks are the same leak.
		return !s.localized && !s.collection && s.shape != noShape && s.Holder != nil && s.Holder.ID != 0 &&
			len(s.Count) > 0 && (s.Holder.Kind == "Map" || s.Holder.Kind == "Set")
	}
	// holderAbove finds the node with id holderID within holderSteps up
	// v's path: the holder's node comes from the suspect's own path, with
	// no scan of the heap for its id.
	holderAbove := func(v, holderID uint32) (uint32, bool) {
		for k := 0; k < holderSteps; k++ {
			p, _, start, ok := ex.sh.parent(v)
			if !ok || start {
				return 0, false
			}
			if g.ID(p) == holderID {
				return p, true
			}
			v = p
		}
		return 0, false
	}
	// heldBy runs for many nodes: a plain loop, no closure per call.
	heldBy := func(v, h uint32) bool {
		for k := 0; k < holderSteps; k++ {
			p, _, start, ok := ex.sh.parent(v)
			if !ok || start {
				return false
			}
			if p == h {
				return true
			}
			v = p
		}
		return false
	}
	type tally struct {
		holder                 uint32
		count, newHere, newAll int64
		retained               uint64
	}
	tallies := map[int]*tally{}
	byShape := map[uint32][]int{}
	for i := range sus {
		s := &sus[i]
		if !eligible(s) {
			continue
		}
		h, ok := holderAbove(s.rep, s.Holder.ID)
		if !ok {
			continue // the holder is not right above: nothing to narrow to
		}
		tallies[i] = &tally{holder: h}
		byShape[s.shape] = append(byShape[s.shape], i)
	}
	if len(tallies) == 0 {
		return
	}
	// One pass over the nodes for every suspect.
	for v, sh := range shapes {
		if int(sh) >= len(loose) {
			continue
		}
		idx, ok := byShape[loose[sh]]
		if !ok {
			continue
		}
		isNew := isSet(cand, uint32(v))
		for _, i := range idx {
			t := tallies[i]
			if isNew {
				t.newAll++
			}
			if !heldBy(uint32(v), t.holder) {
				continue
			}
			if isNew {
				t.newHere++
			}
			t.count++
			if d := g.Dominator(uint32(v)); int(shapes[d]) >= len(loose) || loose[shapes[d]] != loose[sh] {
				t.retained += g.RetainedSize(uint32(v))
			}
		}
	}
	for i, t := range tallies {
		s := &sus[i]
		last := len(s.Count) - 1
		if t.count >= s.Count[last] || 2*t.newHere < t.newAll {
			continue
		}
		s.localized = true
		before := countRange(s)
		otherCount := s.Count[last] - t.count
		otherBytes := int64(s.RetainedSize[last]) - int64(t.retained)
		for k := range s.Count {
			s.Count[k] = max(0, s.Count[k]-otherCount)
			s.RetainedSize[k] = uint64(max(0, int64(s.RetainedSize[k])-otherBytes))
		}
		s.GrowthCount = s.Count[last] - s.Count[0]
		s.GrowthBytes = int64(s.RetainedSize[last]) - int64(s.RetainedSize[0])
		if before != "" {
			// The hint quotes the counts.
			s.Hint = strings.Replace(s.Hint, before, countRange(s), 1)
		}
	}
}

// functionClass: the class of a function (DevTools names closures "f()").
func functionClass(name string) bool { return strings.HasSuffix(name, "()") }

// shareAsk asks what share of the bytes of part's objects (every object
// of its shape in the last snapshot) lies within an object of class.
type shareAsk struct {
	part         int
	shape, class uint32
}

// insideShares answers asks in one pass over the nodes: by suspect index
// (n of them), the share of the bytes of the part's objects that lie within
// an object of the asked class (one of their dominators, a few steps up),
// so that those bytes are in that object's retained size. A representative
// alone would not do: the one a part shows may sit elsewhere (a message in
// a bounded backlog) while most of its objects are fields of the leaked
// sessions.
func (x *explainer) insideShares(asks []shareAsk, n int, shapes, loose []uint32) []float64 {
	share := make([]float64, n)
	if len(asks) == 0 {
		return share
	}
	g := x.g
	byShape := map[uint32][]int{} // loose shape -> asks
	for k, a := range asks {
		byShape[a.shape] = append(byShape[a.shape], k)
	}
	in, all := make([]uint64, len(asks)), make([]uint64, len(asks))
	for v, sh := range shapes {
		if int(sh) >= len(loose) {
			continue
		}
		ks, ok := byShape[loose[sh]]
		if !ok {
			continue
		}
		u := uint32(v)
		if d := g.Dominator(u); int(shapes[d]) < len(loose) && loose[shapes[d]] == loose[sh] {
			continue // within another of the part's objects: counted there
		}
		b := g.RetainedSize(u)
		for _, k := range ks {
			all[k] += b
			if c := asks[k].class; g.ClassIndex(u) != c && x.within(u, c) {
				in[k] += b
			}
		}
	}
	for k, a := range asks {
		if all[k] > 0 {
			share[a.part] = float64(in[k]) / float64(all[k])
		}
	}
	return share
}

// within reports whether one of v's dominators, a few steps up, is of
// class c.
func (x *explainer) within(v, c uint32) bool {
	g := x.g
	for k := 0; k < holderSteps; k++ {
		d := g.Dominator(v)
		if d == v || d == g.Root {
			return false
		}
		if g.ClassIndex(d) == c {
			return true
		}
		v = d
	}
	return false
}

// nativeRegistries: node's lists of the native objects it made (a Hash's,
// a zlib stream's), which keep each one, and through it its JavaScript
// object, for as long as that lives: a path through one says nothing of
// who keeps it.
var nativeRegistries = map[string]bool{"Node / BaseObjectList": true, "Node / CleanupQueue": true}

// ownerPath is v's shortest path, or, when that runs through one of node's
// native registries, the shortest through a retainer of v that does not
// (the program's record whose hash field holds a Hash).
func (x *explainer) ownerPath(v uint32) heapgraph.Path {
	path := x.path(v)
	if !x.throughRegistry(path) {
		return path
	}
	for r, e := range x.g.Retainers(v) {
		if x.g.IsWeakEdge(e) {
			continue
		}
		if p := x.path(r); len(p) > 0 && !x.throughRegistry(p) {
			return append(p, heapgraph.Step{Edge: e, Node: v})
		}
	}
	return path
}

// throughRegistry: path runs through one of nativeRegistries.
func (x *explainer) throughRegistry(path heapgraph.Path) bool {
	for _, st := range path {
		if nativeRegistries[x.g.S.NodeNameString(st.Node)] {
			return true
		}
	}
	return false
}

// breakCycles makes the first (largest) suspect of each cycle of parents
// a root, so every suspect in it merges into that one.
func breakCycles(parent []int) {
	n := len(parent)
	for i := range parent {
		j, steps := parent[i], 0
		for ; j >= 0 && j != i && steps < n; steps++ {
			j = parent[j]
		}
		if j != i {
			continue
		}
		first := i
		for j = parent[i]; j != i; j = parent[j] {
			first = min(first, j)
		}
		parent[first] = -1
	}
}

// foldInside: the growing collection m lies inside the leaked objects of
// a path suspect in sus, one that grew at least as much (the tags Array
// each wrapped hook fills): that suspect's retained size holds it already
// and freeing its objects frees it, so m is not a leak of its own. A wrap
// chain keeps it to name where its entries are added.
func (x *explainer) foldInside(m *Suspect, sus []Suspect, shapes, loose []uint32) bool {
	g := x.g
	v := m.rep
	for k := 0; k < holderSteps; k++ {
		d := g.Dominator(v)
		if d == v || d == g.Root {
			return false
		}
		if sh := shapes[d]; int(sh) < len(loose) {
			for j := range sus {
				s := &sus[j]
				if s.collection || s.shape == noShape || s.shape != loose[sh] || s.GrowthBytes < m.GrowthBytes {
					continue
				}
				if c := s.chain; c != nil && c.inner == nil && m.Holder != nil {
					c.inner = &chainCollection{holder: m.Holder, class: m.Class, path: m.RetainerPath, scripts: m.scripts}
				}
				return true
			}
		}
		v = d
	}
	return false
}
