package heapgraph

import (
	"bytes"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// DevTools' limits for naming plain objects after their properties.
const (
	minInterfacePropertyCount    = 1
	maxInterfaceNameLength       = 120
	minObjectCountPerInterface   = 2
	minObjectProportionPerIfaces = 1000
	maxPlainObjectNameLength     = 100
)

type classKey struct {
	name                 string
	hasLoc               bool
	script, line, column uint32
}

type classTable struct {
	g     *Graph
	index map[classKey]uint32
}

func (t *classTable) get(k classKey) uint32 {
	if i, ok := t.index[k]; ok {
		return i
	}
	i := uint32(len(t.g.Classes))
	t.g.Classes = append(t.g.Classes, Class{Name: k.name, HasLocation: k.hasLoc, Script: k.script, Line: k.line, Column: k.column})
	t.index[k] = i
	return i
}

// calculateClasses gives every node DevTools' class (calculateObjectNames,
// then the inferred "interfaces" that name plain objects after their
// properties, then the split of object classes by constructor location).
func (a *analysis) calculateClasses() {
	s, g := a.s, a.g
	n := uint32(s.NodeCount)
	nt := s.NodeTypeIndex
	tab := &classTable{g: g, index: map[classKey]uint32{}}
	cls := make([]uint32, n)
	// One class per node name, cached per string index.
	byName := make([]uint32, s.Strings.Len())
	for i := range byName {
		byName[i] = ^uint32(0)
	}
	typeClass := make([]uint32, len(s.Meta.NodeTypes))
	for i, tn := range s.Meta.NodeTypes {
		var name string
		switch i {
		case nt.Hidden:
			name = "(system)"
		case nt.Code:
			name = "(compiled code)"
		case nt.Closure:
			name = "Function"
		case nt.RegExp:
			name = "RegExp"
		default:
			name = "(" + tn + ")"
		}
		typeClass[i] = tab.get(classKey{name: name})
	}
	unknown := tab.get(classKey{name: "(unknown)"})
	for v := uint32(0); v < n; v++ {
		t := int(s.NodeType[v])
		if t == nt.Object || t == nt.Native {
			ni := s.NodeName[v]
			if int(ni) >= len(byName) {
				cls[v] = tab.get(classKey{name: ""})
				continue
			}
			c := byName[ni]
			if c == ^uint32(0) {
				c = tab.get(classKey{name: objectClassName(s.Strings.Get(ni))})
				byName[ni] = c
			}
			cls[v] = c
		} else if t < len(typeClass) {
			cls[v] = typeClass[t]
		} else {
			cls[v] = unknown
		}
	}
	g.class = cls
	sh, plain, total := a.collectShapes(tab)
	a.applyInterfaces(tab, sh, plain, a.inferInterfaces(sh, total))
	a.splitByLocation(tab)
	a.narrowClasses()
}

// class16Limit is the most classes kept in 16-bit class ids (a variable so
// that tests can exercise the 32-bit path).
var class16Limit = 1 << 16

// narrowClasses keeps the class ids in 2 bytes a node when they fit, as
// they nearly always do (heaps have hundreds to thousands of classes): the
// class ids outlive Build, and every byte a node kept is part of the peak.
func (a *analysis) narrowClasses() {
	g := a.g
	if len(g.Classes) > class16Limit {
		return
	}
	c16 := make([]uint16, len(g.class))
	for i, c := range g.class {
		c16[i] = uint16(c)
	}
	g.class, g.class16 = nil, c16
}

// objectClassName shortens DOM-like names: '<div id="a">' -> '<div>'.
func objectClassName(name string) string {
	if strings.HasPrefix(name, "<") {
		if sp := strings.IndexByte(name, ' '); sp != -1 {
			return name[:sp] + ">"
		}
		return name
	}
	if strings.HasPrefix(name, "Detached <") {
		if sp := strings.IndexByte(name[10:], ' '); sp != -1 {
			return name[:10+sp] + ">"
		}
	}
	return name
}

type ifaceDef struct {
	name  string
	props []string
	count int
}

// shapes are the distinct property lists of plain objects, so interface
// naming works once per list rather than once per object. A property name
// is its canonical string index (the first string with its text), so lists
// are compared and hashed as arrays of numbers without touching the text.
type shapes struct {
	s      *heapsnapshot.Snapshot
	canon  []uint32          // string index -> canonical index + 1 (0: not looked up yet)
	byText map[string]uint32 // text -> canonical index, for names met so far
	index  map[string]uint32 // a list's raw bytes -> shape number
	lists  [][]uint32        // shape number -> canonical indices of its property edges, in edge order
	count  []int             // shape number -> plain objects with that list
	buf    []uint32
}

func newShapes(s *heapsnapshot.Snapshot) *shapes {
	return &shapes{s: s, canon: make([]uint32, s.Strings.Len()+1), byText: map[string]uint32{}, index: map[string]uint32{}}
}

// name returns the canonical index of string i. Out-of-range indices read
// as "" (like StringTable.Get) and share the slot past the last string.
func (sh *shapes) name(i uint32) uint32 {
	n := uint32(sh.s.Strings.Len())
	if i > n {
		i = n
	}
	if c := sh.canon[i]; c != 0 {
		return c - 1
	}
	b := sh.s.Strings.Bytes(i)
	c, ok := sh.byText[string(b)] // no allocation for the lookup
	if !ok {
		c = i
		sh.byText[string(b)] = c
	}
	sh.canon[i] = c + 1
	return c
}

// of returns the shape number of plain object v, adding its list when new.
func (sh *shapes) of(v uint32) uint32 {
	s := sh.s
	prop := s.EdgeTypeIndex.Property
	buf := sh.buf[:0]
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		if int(s.EdgeType(e)) == prop {
			buf = append(buf, sh.name(s.EdgeNameOrIndex(e)))
		}
	}
	sh.buf = buf
	var key []byte
	if len(buf) > 0 {
		key = unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), 4*len(buf))
	}
	if id, ok := sh.index[string(key)]; ok {
		return id
	}
	id := uint32(len(sh.lists))
	sh.index[string(key)] = id
	sh.lists = append(sh.lists, append([]uint32(nil), buf...))
	sh.count = append(sh.count, 0)
	return id
}

// text is the text of canonical index c.
func (sh *shapes) text(c uint32) string { return sh.s.Strings.Get(c) }

// collectShapes counts the plain objects (objects named "Object") per
// property list. It marks them in plain and, until applyInterfaces gives
// them their class, holds each one's shape number in its class slot (the
// class of every one of them is "Object" until then).
func (a *analysis) collectShapes(tab *classTable) (sh *shapes, plain []uint64, total int) {
	s, cls := a.s, a.g.class
	sh = newShapes(s)
	n := uint32(s.NodeCount)
	plain = make([]uint64, (n+63)/64)
	object, ok := tab.index[classKey{name: "Object"}]
	if !ok || s.NodeTypeIndex.Object < 0 {
		return sh, plain, 0
	}
	obj := uint8(s.NodeTypeIndex.Object)
	for v := uint32(0); v < n; v++ {
		// A node of class "Object" is an object or native node named
		// "Object": only the objects are plain.
		if cls[v] != object || s.NodeType[v] != obj {
			continue
		}
		setBit(plain, v)
		total++
		id := sh.of(v)
		sh.count[id]++
		cls[v] = id
	}
	return sh, plain, total
}

// inferInterfaces picks the property lists shared by enough plain objects
// (DevTools' inferInterfaceDefinitions). A candidate's key is its name;
// candidates are ordered by first appearance, which visiting the shapes in
// the order of their first object preserves.
func (a *analysis) inferInterfaces(sh *shapes, total int) []ifaceDef {
	byName := map[string]int{}
	var cands []ifaceDef
	var name strings.Builder
	for id, list := range sh.lists {
		name.Reset()
		name.WriteByte('{')
		nameLen := 1 // in UTF-16 units, as JavaScript counts
		var props []string
		for _, c := range list {
			en := sh.text(c)
			if en == "__proto__" {
				continue
			}
			f := formatPropertyName(en)
			fl := utf16Len(f)
			if nameLen > minInterfacePropertyCount && nameLen+fl > maxInterfaceNameLength {
				break
			}
			if nameLen != 1 {
				name.WriteString(", ")
				nameLen += 2
			}
			name.WriteString(f)
			nameLen += fl
			props = append(props, en)
		}
		if len(props) == 0 {
			continue
		}
		name.WriteByte('}')
		key := name.String()
		if i, ok := byName[key]; ok {
			cands[i].count += sh.count[id]
		} else {
			byName[key] = len(cands)
			cands = append(cands, ifaceDef{name: key, props: props, count: sh.count[id]})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].count > cands[j].count })
	minCount := float64(total) / minObjectProportionPerIfaces
	if minCount < minObjectCountPerInterface {
		minCount = minObjectCountPerInterface
	}
	var out []ifaceDef
	for _, c := range cands {
		if float64(c.count) < minCount {
			break
		}
		out = append(out, c)
	}
	return out
}

type propNode struct {
	next        map[string]*propNode
	greatest    string
	hasGreatest bool
	match       *ifaceMatch
}

type ifaceMatch struct {
	name       string
	propCount  int
	index      int
	classIndex uint32
}

func better(a, b *ifaceMatch) *ifaceMatch {
	if b == nil || a.propCount > b.propCount {
		return a
	}
	if b.propCount > a.propCount {
		return b
	}
	if a.index <= b.index {
		return a
	}
	return b
}

// applyInterfaces names each plain object after the best matching
// interface: the one with most properties all present on the object, the
// earliest (most popular) on ties (DevTools' applyInterfaceDefinitions).
// The match is found once per shape; objects then take their shape's class.
// plain and the shape numbers in the class slots are collectShapes'.
func (a *analysis) applyInterfaces(tab *classTable, sh *shapes, plain []uint64, defs []ifaceDef) {
	g := a.g
	object := tab.index[classKey{name: "Object"}] // there is one if plain has a bit set
	shapeClass := make([]uint32, len(sh.lists))
	if len(defs) > 0 {
		matchShapes(tab, sh, defs, shapeClass)
	}
	for i, w := range plain {
		for w != 0 {
			v := uint32(i)<<6 | uint32(bits.TrailingZeros64(w))
			w &= w - 1
			if c := shapeClass[g.class[v]]; c != 0 {
				g.class[v] = c - 1
			} else {
				g.class[v] = object
			}
		}
	}
}

// matchShapes sets shapeClass[id] to the class of the best interface for
// shape id, + 1 (0: none; its objects stay "Object").
func matchShapes(tab *classTable, sh *shapes, defs []ifaceDef, shapeClass []uint32) {
	tree := &propNode{next: map[string]*propNode{}}
	for i, d := range defs {
		props := append([]string(nil), d.props...)
		sort.Slice(props, func(x, y int) bool { return jsLess(props[x], props[y]) })
		cur := tree
		for _, p := range props {
			nx := cur.next[p]
			if nx == nil {
				nx = &propNode{next: map[string]*propNode{}}
				cur.next[p] = nx
				if !cur.hasGreatest || jsLess(cur.greatest, p) {
					cur.greatest, cur.hasGreatest = p, true
				}
			}
			cur = nx
		}
		if cur.match == nil {
			cur.match = &ifaceMatch{name: d.name, propCount: len(props), index: i}
		}
	}
	initial := &ifaceMatch{name: "Object", index: int(^uint(0) >> 1)}
	var props []string
	var states, nextStates []*propNode
	for id, list := range sh.lists {
		props = props[:0]
		for _, c := range list {
			props = append(props, sh.text(c))
		}
		sort.Slice(props, func(x, y int) bool { return jsLess(props[x], props[y]) })
		states = append(states[:0], tree)
		match := better(initial, tree.match)
		for _, p := range props {
			nextStates = nextStates[:0]
			for _, st := range states {
				// A state whose greatest successor is <= p can make no
				// further transitions (properties come sorted).
				if st.hasGreatest && jsLess(p, st.greatest) {
					nextStates = appendUnique(nextStates, st)
				}
				if nx := st.next[p]; nx != nil {
					nextStates = appendUnique(nextStates, nx)
					match = better(match, nx.match)
				}
			}
			states, nextStates = nextStates, states
		}
		if match == initial {
			continue // keeps its "Object" class
		}
		if match.classIndex == 0 {
			match.classIndex = tab.get(classKey{name: match.name}) + 1
		}
		shapeClass[id] = match.classIndex
	}
}

func appendUnique(list []*propNode, n *propNode) []*propNode {
	for _, x := range list {
		if x == n {
			return list
		}
	}
	return append(list, n)
}

// splitByLocation gives objects whose constructor has a source location a
// class of their own per location, as DevTools' class keys do.
func (a *analysis) splitByLocation(tab *classTable) {
	s, g := a.s, a.g
	obj := s.NodeTypeIndex.Object
	// The located classes by plain class and location: fixed-size keys,
	// so a located object costs no hashing of its class name, and the last
	// one found is tried first (heaps have few constructor locations, and
	// the objects of one come in runs).
	type locKey struct{ plain, script, line, column uint32 }
	located := map[locKey]uint32{}
	var last locKey
	lastClass := ^uint32(0)
	for i, v := range s.LocationNode {
		if int(v) >= s.NodeCount || int(s.NodeType[v]) != obj {
			continue
		}
		plain := g.class[v]
		if g.Classes[plain].HasLocation {
			// A later location entry for the same node wins, as in DevTools'
			// location map; recover the plain class.
			plain = tab.get(classKey{name: g.Classes[plain].Name})
		}
		k := locKey{plain, s.LocationScript[i], s.LocationLine[i], s.LocationColumn[i]}
		if k != last || lastClass == ^uint32(0) {
			c, ok := located[k]
			if !ok {
				c = tab.get(classKey{name: g.Classes[plain].Name, hasLoc: true, script: k.script, line: k.line, column: k.column})
				located[k] = c
			}
			last, lastClass = k, c
		}
		g.class[v] = lastClass
	}
}

// jsLess orders strings like JavaScript's default sort and < do: by UTF-16
// code units. It differs from Go's byte order only for characters above
// U+FFFF against U+E000..U+FFFF.
func jsLess(x, y string) bool {
	for x != "" && y != "" {
		rx, nx := utf8.DecodeRuneInString(x)
		ry, ny := utf8.DecodeRuneInString(y)
		if rx != ry {
			return utf16Unit(rx) < utf16Unit(ry) || (utf16Unit(rx) == utf16Unit(ry) && rx < ry)
		}
		x, y = x[nx:], y[ny:]
	}
	return x == "" && y != ""
}

func utf16Unit(r rune) rune {
	if r >= 0x10000 {
		h, _ := utf16.EncodeRune(r)
		return h
	}
	return r
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// formatPropertyName quotes names containing , ' " { or } the way
// JSON.stringify would, so interface names stay unambiguous.
func formatPropertyName(name string) string {
	if !strings.ContainsAny(name, `,'"{}`) {
		return name
	}
	return jsonQuote(name)
}

// jsonQuote is JSON.stringify for a string.
func jsonQuote(s string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		default:
			if !writeControl(&b, r) {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// calculateStatistics is DevTools' calculateStatistics (sizes by kind);
// it needs the retainer counts and the adjusted shallow sizes.
func (a *analysis) calculateStatistics() {
	s, g := a.s, a.g
	nt := s.NodeTypeIndex
	var st Statistics
	internal := s.EdgeTypeIndex.Internal
	// Which nodes have exactly one retainer (any edge type), as two bits
	// per node rather than the retainer index the analysis does not build.
	once := make([]uint64, (s.NodeCount+63)/64)
	twice := make([]uint64, len(once))
	for _, t := range s.EdgeTo {
		if getBit(once, t) {
			setBit(twice, t)
		} else {
			setBit(once, t)
		}
	}
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		size := uint64(s.NodeSelfSize[v])
		switch t := int(s.NodeType[v]); {
		case t == nt.Hidden:
			st.System += size
		case t == nt.Native:
			st.Native += size
			if string(s.Strings.Bytes(s.NodeName[v])) == "system / JSArrayBufferData" {
				st.TypedArrays += size
			}
		case t == nt.Code:
			st.Code += size
		case t == nt.ConcatenatedString || t == nt.SlicedString || t == nt.String:
			st.Strings += size
		case string(s.Strings.Bytes(s.NodeName[v])) == "Array":
			st.JSArrays += size
			for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
				if int(s.EdgeType(e)) != internal || string(s.Strings.Bytes(s.EdgeNameOrIndex(e))) != "elements" {
					continue
				}
				el := s.EdgeTo[e]
				if !getBit(twice, el) { // el has one retainer: v
					st.JSArrays += uint64(s.NodeSelfSize[el])
				}
				break
			}
		}
	}
	g.Stats = st
}

// writeControl writes r escaped as JSON escapes it when it is a control
// character, and reports whether it was one.
func writeControl(b interface{ WriteString(string) (int, error) }, r rune) bool {
	switch r {
	case '\b':
		b.WriteString(`\b`)
	case '\f':
		b.WriteString(`\f`)
	case '\n':
		b.WriteString(`\n`)
	case '\r':
		b.WriteString(`\r`)
	case '\t':
		b.WriteString(`\t`)
	default:
		if r >= 0x20 {
			return false
		}
		b.WriteString(`\u00` + strconv.FormatInt(int64(r)>>4, 16) + strconv.FormatInt(int64(r)&15, 16))
	}
	return true
}
