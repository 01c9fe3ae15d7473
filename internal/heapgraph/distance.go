package heapgraph

import (
	"bytes"
	"math/bits"
	"sort"
	"strconv"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// ephemeron is a parsed WeakMap entry edge name such as
// "3 / part of key (Object @123) -> value (Foo @456) pair in WeakMap (table @789)".
type ephemeron struct {
	dup   string // the part after the leading number: equal for both edges of a pair
	table uint64 // id of the WeakMap's table
}

// ephemeronTable holds the strings of the snapshot that name WeakMap entry
// edges, sorted by string index. There are as many as WeakMap entries, not
// one per node.
type ephemeronTable struct {
	idx []uint32
	eph []ephemeron
	has []uint64 // bit per string: is an ephemeron name (fast reject)
}

// buildEphemeronTable finds the WeakMap entry edge names, i.e. the strings
// DevTools matches with
//
//	^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$
//
// (see parseEphemeron, which is equivalent and much faster than a regexp).
func buildEphemeronTable(st *heapsnapshot.StringTable) ephemeronTable {
	var t ephemeronTable
	for i := 0; i < st.Len(); i++ {
		dup, table, ok := parseEphemeron(st.Bytes(uint32(i)))
		if !ok {
			continue
		}
		if t.has == nil {
			t.has = make([]uint64, (st.Len()+63)/64)
		}
		setBit(t.has, uint32(i))
		t.idx = append(t.idx, uint32(i))
		t.eph = append(t.eph, ephemeron{dup: string(dup), table: table})
	}
	return t
}

var (
	ephKeyPrefix   = []byte(" / part of key (")
	ephValueMiddle = []byte(") -> value (")
	ephTableSuffix = []byte(") pair in WeakMap (table @")
)

// parseEphemeron matches b against DevTools' WeakMap edge name pattern and
// returns the part after the leading number and the table id. The lazy
// ".*?" parts may hold anything but JavaScript line terminators, so a match
// exists exactly when the fixed parts are where the pattern puts them and
// " @" digits ") -> value (" occurs between key and value.
func parseEphemeron(b []byte) (dup []byte, table uint64, ok bool) {
	n := len(b)
	if n < 63 || !isDigit(b[0]) || b[n-1] != ')' {
		return nil, 0, false
	}
	d := 0
	for d < n && isDigit(b[d]) {
		d++
	}
	g := b[d:]
	if !bytes.HasPrefix(g, ephKeyPrefix) || bytes.ContainsAny(g, "\n\r\u2028\u2029") {
		return nil, 0, false
	}
	// ... pair in WeakMap (table @T)
	body := g[:len(g)-1]
	tEnd := len(body)
	tStart := tEnd
	for tStart > 0 && isDigit(body[tStart-1]) {
		tStart--
	}
	if tStart == tEnd || !bytes.HasSuffix(body[:tStart], ephTableSuffix) {
		return nil, 0, false
	}
	id, err := strconv.ParseUint(string(body[tStart:tEnd]), 10, 64)
	if err != nil {
		id = ^uint64(0) // DevTools' parseInt would give a huge number: no node has that id
	}
	if tStart-len(ephTableSuffix) < len(ephKeyPrefix) {
		return nil, 0, false
	}
	rest := body[len(ephKeyPrefix) : tStart-len(ephTableSuffix)]
	// rest = X " @" d1 ") -> value (" Y " @" d2
	e := len(rest)
	for e > 0 && isDigit(rest[e-1]) {
		e--
	}
	if e == len(rest) || e < 2 || rest[e-1] != '@' || rest[e-2] != ' ' {
		return nil, 0, false
	}
	head := rest[:e-2]
	for off := 0; ; {
		k := bytes.Index(head[off:], ephValueMiddle)
		if k < 0 {
			return nil, 0, false
		}
		k += off
		j := k
		for j > 0 && isDigit(head[j-1]) {
			j--
		}
		if j < k && j >= 2 && head[j-1] == '@' && head[j-2] == ' ' {
			return g, id, true
		}
		off = k + 1
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (t *ephemeronTable) lookup(str uint32) (ephemeron, bool) {
	if t.has == nil || int(str>>6) >= len(t.has) || !getBit(t.has, str) {
		return ephemeron{}, false
	}
	i := sort.Search(len(t.idx), func(i int) bool { return t.idx[i] >= str })
	if i < len(t.idx) && t.idx[i] == str {
		return t.eph[i], true
	}
	return ephemeron{}, false
}

// calculateDistances is DevTools' JSHeapSnapshot.calculateDistances: a BFS
// from the user roots (distance 1), then a BFS from the root with base
// BaseSystemDistance for what is left, skipping weak edges and the edges
// DevTools filters out (see distanceFilter).
func (a *analysis) calculateDistances() {
	s, g := a.s, a.g
	n := s.NodeCount
	dist := make([]int32, n)
	for i := range dist {
		dist[i] = NoDistance
	}
	queue := make([]uint32, 0, n)
	f := newDistanceFilter(a)
	root := g.Root
	for e := s.FirstEdge[root]; e < s.FirstEdge[root+1]; e++ {
		to := s.EdgeTo[e]
		if a.isUserRoot(to) {
			dist[to] = 1
			queue = append(queue, to)
		}
	}
	userRoots := len(queue)
	mark := make([]uint64, (n+63)/64)
	a.bfs(queue, dist, f, mark)
	if userRoots > 0 {
		dist[root] = BaseSystemDistance
	} else {
		dist[root] = 0
	}
	a.bfs(append(queue[:0], root), dist, f, mark)
	g.distance = dist
}

// bfs goes level by level from the nodes in queue (one level). Each new
// level is complete before it is visited, so when it is dense it is
// visited in node order (mark, all clear, is the scratch for that): its
// edges are then read forward through the edge arrays instead of at
// random, the cache misses that cost. The order within a level changes no
// distance: every node of the next level gets the same one, whichever
// edge finds it, and a WeakMap entry's value gets its distance from the
// later level of its two edges (see distanceFilter.allow) whatever the
// order within a level.
func (a *analysis) bfs(queue []uint32, dist []int32, f *distanceFilter, mark []uint64) {
	s := a.s
	weak := s.EdgeTypeIndex.Weak
	firstEdge, edgeTo := s.FirstEdge, s.EdgeTo
	levelEnd := len(queue)
	lo, hi := ^uint32(0), uint32(0) // the next level's nodes lie in [lo, hi]
	for i := 0; i < len(queue); i++ {
		if i == levelEnd {
			inNodeOrder(queue[i:], mark, lo, hi)
			levelEnd = len(queue)
			lo, hi = ^uint32(0), 0
		}
		v := queue[i]
		d := dist[v] + 1
		for e, end := firstEdge[v], firstEdge[v+1]; e < end; e++ {
			to := edgeTo[e]
			if dist[to] != NoDistance || int(s.EdgeType(e)) == weak {
				continue
			}
			if !f.allow(v, e) {
				continue
			}
			dist[to] = d
			queue = append(queue, to)
			setBit(mark, to)
			lo, hi = min(lo, to), max(hi, to)
		}
	}
}

// inNodeOrder puts a level (its nodes marked in mark, all in [lo, hi]) in
// node order when it is dense enough for that to pay: at least one node
// per 256 of the range. It clears their marks either way.
func inNodeOrder(level []uint32, mark []uint64, lo, hi uint32) {
	if len(level) == 0 {
		return
	}
	first, last := lo>>6, hi>>6
	if int(last-first+1) > 4*len(level) {
		for _, v := range level {
			mark[v>>6] &^= 1 << (v & 63)
		}
		return
	}
	j := 0
	for w := first; w <= last; w++ {
		x := mark[w]
		if x == 0 {
			continue
		}
		mark[w] = 0
		for x != 0 {
			level[j] = w<<6 | uint32(bits.TrailingZeros64(x))
			j++
			x &= x - 1
		}
	}
}

// distanceFilter holds the state of DevTools' distance edge filter.
type distanceFilter struct {
	a *analysis
	// pending holds WeakMap entries whose first edge was skipped: the value's
	// distance is set by the second edge (the greater of key+1, table+1).
	pending map[string]struct{}
	// node types and names that the filter special-cases
	nativeContextName, mapDescriptorsName uint32
	hasNativeContext, hasMapDescriptors   bool
}

func newDistanceFilter(a *analysis) *distanceFilter {
	f := &distanceFilter{a: a, pending: map[string]struct{}{}}
	st := &a.s.Strings
	for i := 0; i < st.Len(); i++ {
		switch string(st.Bytes(uint32(i))) {
		case "system / NativeContext":
			f.nativeContextName, f.hasNativeContext = uint32(i), true
		case "(map descriptors)":
			f.mapDescriptorsName, f.hasMapDescriptors = uint32(i), true
		}
	}
	return f
}

func (f *distanceFilter) allow(v, e uint32) bool {
	s := f.a.s
	nt, et := s.NodeTypeIndex, s.EdgeTypeIndex
	t := int(s.NodeType[v])
	if t == nt.Hidden && f.hasNativeContext && s.NodeName[v] == f.nativeContextName &&
		string(edgeNameBytes(s, e)) == "sloppy_function_map" {
		return false
	}
	if t == nt.Array && f.hasMapDescriptors && s.NodeName[v] == f.mapDescriptorsName {
		// Descriptor arrays may be shared by maps, so their descriptor links
		// (every third slot from 3 on) do not mean reachability.
		idx, ok := jsParseInt(edgeNameBytes(s, e))
		if !ok {
			return true
		}
		return idx < 2 || idx%3 != 1
	}
	if int(s.EdgeType(e)) == et.Internal {
		if m, ok := f.a.g.ephemerons.lookup(s.EdgeNameOrIndex(e)); ok {
			if _, seen := f.pending[m.dup]; seen {
				delete(f.pending, m.dup)
			} else {
				f.pending[m.dup] = struct{}{}
				return false
			}
		}
	}
	return true
}

// edgeNameBytes is the edge's name as DevTools' edge.name() gives it.
func edgeNameBytes(s *heapsnapshot.Snapshot, e uint32) []byte {
	if s.EdgeHasStringName(e) {
		return s.Strings.Bytes(s.EdgeNameOrIndex(e))
	}
	return strconv.AppendUint(nil, uint64(s.EdgeNameOrIndex(e)), 10)
}

// jsParseInt mimics JavaScript's parseInt(s, 10) for the values that matter
// here: leading white space, an optional sign, then decimal digits.
func jsParseInt(b []byte) (int64, bool) {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == '\f' || b[i] == '\v') {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	var v int64
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if v < 1<<50 {
			v = v*10 + int64(b[i]-'0')
		}
		i++
	}
	if i == start {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// calculateShallowSizes is DevTools' JSHeapSnapshot.calculateShallowSizes:
// arrays, hidden objects and external string data owned by exactly one
// other object give their size to that owner, so that e.g. an Array's
// backing store counts as part of the Array.
func (a *analysis) calculateShallowSizes() {
	s := a.s
	if !a.hasUser {
		// Snapshots with internals exposed have no user roots; DevTools shows
		// the real allocations then.
		return
	}
	const unvisited = ^uint32(0)
	const multiple = ^uint32(0) - 1
	n := uint32(s.NodeCount)
	nt := s.NodeTypeIndex
	owners := make([]uint32, n)
	for i := uint32(0); i < n; i++ {
		t := int(s.NodeType[i])
		if t == nt.Hidden || t == nt.Array ||
			(t == nt.Native && string(s.Strings.Bytes(s.NodeName[i])) == "system / ExternalStringData") {
			owners[i] = unvisited
		} else {
			owners[i] = i
		}
	}
	// Ownership flows from every self-owned node to the nodes it reaches; the
	// result is a fixpoint, so the visiting order does not matter. Only
	// nodes whose owner changed go on the stack, not every node.
	weak := s.EdgeTypeIndex.Weak
	var work []uint32
	visit := func(id uint32) {
		owner := owners[id]
		for e := s.FirstEdge[id]; e < s.FirstEdge[id+1]; e++ {
			if int(s.EdgeType(e)) == weak {
				continue
			}
			t := s.EdgeTo[e]
			switch owners[t] {
			case unvisited:
				owners[t] = owner
				work = append(work, t)
			case t, owner, multiple:
			default:
				owners[t] = multiple
				work = append(work, t)
			}
		}
	}
	for i := uint32(0); i < n; i++ {
		if owners[i] != i {
			continue
		}
		visit(i)
		for len(work) > 0 {
			id := work[len(work)-1]
			work = work[:len(work)-1]
			visit(id)
		}
	}
	for i := uint32(0); i < n; i++ {
		o := owners[i]
		if o == unvisited || o == multiple || o == i {
			continue
		}
		if int(s.NodeType[o]) == nt.Synthetic || o == a.g.Root {
			continue
		}
		s.NodeSelfSize[o] += s.NodeSelfSize[i]
		s.NodeSelfSize[i] = 0
	}
}
