// Package heapsnapshot reads V8 heap snapshots (.heapsnapshot, plain or
// gzipped) into compact struct-of-arrays form: one slice per node field,
// edges in CSR layout, and one string table. It knows the file format and
// nothing about dominators or leaks (see package heapgraph).
//
// Layout is driven by snapshot.meta (node_fields, edge_fields, node_types,
// edge_types): field order differs across Node versions and is never
// hard-coded.
package heapsnapshot

import (
	"bytes"
	"cmp"
	"io"
	"os"
	"slices"
)

// Meta is the snapshot.meta header, as written by V8.
type Meta struct {
	NodeFields []string // e.g. type,name,id,self_size,edge_count,trace_node_id,detachedness
	NodeTypes  []string // names of node field "type" values: hidden,array,string,object,...
	EdgeFields []string // e.g. type,name_or_index,to_node
	EdgeTypes  []string // context,element,property,internal,hidden,shortcut,weak
	// LocationFields is usually object_index,script_id,line,column.
	LocationFields []string
	// The allocation traces' layouts (nil when the header has none):
	// function_id,name,script_name,script_id,line,column and
	// id,function_info_index,count,size,children.
	TraceFunctionInfoFields []string `json:",omitempty"`
	TraceNodeFields         []string `json:",omitempty"`
}

// Snapshot is a parsed heap snapshot. Nodes are identified by their ordinal
// (0..NodeCount-1), never by the field offset V8 uses in the file. Node 0 is
// the synthetic root.
//
// Every per-node and per-edge slice has exactly NodeCount / EdgeCount
// elements (or is nil when the snapshot lacks that field).
type Snapshot struct {
	Meta Meta

	NodeCount int
	EdgeCount int

	// Per node (struct of arrays).
	NodeType         []uint8  // index into Meta.NodeTypes
	NodeName         []uint32 // index into Strings
	NodeID           []uint32 // V8 snapshot object id (stable within a process)
	NodeSelfSize     []uint32 // shallow size in bytes
	NodeTraceNodeID  []uint32 // nil if absent or all 0 (no allocation tracking)
	NodeDetachedness []uint8  // nil if absent or all 0 (0 unknown, 1 attached, 2 detached)
	// DetachednessUnknown: the field was there with every state unknown
	// (Node.js writes it so), and the parser (or heapgraph.Build, for a
	// snapshot made otherwise) dropped NodeDetachedness.
	DetachednessUnknown bool

	// FirstEdge is CSR: the edges of node n are FirstEdge[n]..FirstEdge[n+1]-1.
	// len(FirstEdge) == NodeCount+1.
	FirstEdge []uint32

	// Per edge. The edges are most of the memory, so an edge's type (an
	// index into Meta.EdgeTypes) and its name_or_index (a string index, or
	// the index of an element or hidden edge) share 4 bytes: read them with
	// EdgeType and EdgeNameOrIndex. A name_or_index that does not fit in
	// 28 bits (a sparse array's index, say) is kept in EdgeBigNames.
	EdgeTypeAndName []uint32
	EdgeBigNames    []EdgeBigName // sorted by edge
	EdgeTo          []uint32      // target node ordinal (not a field offset)

	Strings StringTable

	// Locations maps closures and scripts to source: parallel slices.
	LocationNode   []uint32 // node ordinal
	LocationScript []uint32
	LocationLine   []uint32 // 0-based, as V8 writes it
	LocationColumn []uint32 // 0-based

	// TraceFunctionCount is the header's trace_function_count (allocation
	// tracking).
	TraceFunctionCount int

	// Traces are the allocation stacks (trace_function_infos and
	// trace_tree) of a snapshot taken with allocation tracking on; nil
	// otherwise.
	Traces *Traces

	// ExtraNativeBytes is the header's extra_native_bytes: memory Chrome's
	// embedder accounts for without nodes (DevTools adds it to the total and
	// the native size). 0 for node.
	ExtraNativeBytes uint64

	// Types resolved from Meta for fast comparisons; -1 when the snapshot
	// has no such type.
	NodeTypeIndex NodeTypeIndex
	EdgeTypeIndex EdgeTypeIndex
}

// NodeTypeIndex holds the numeric value of each well-known node type name.
type NodeTypeIndex struct {
	Hidden, Array, String, Object, Code, Closure, RegExp, Number, Native,
	Synthetic, ConcatenatedString, SlicedString, Symbol, BigInt, ObjectShape int
}

// EdgeTypeIndex holds the numeric value of each well-known edge type name.
type EdgeTypeIndex struct {
	Context, Element, Property, Internal, Hidden, Shortcut, Weak int
}

// StringTable stores all strings of the snapshot back to back in one byte
// slice, so millions of strings cost two allocations, not millions.
type StringTable struct {
	Data    []byte
	Offsets []uint32 // len = count+1; string i is Data[Offsets[i]:Offsets[i+1]]
}

// Len is the number of strings.
func (t *StringTable) Len() int {
	if len(t.Offsets) == 0 {
		return 0
	}
	return len(t.Offsets) - 1
}

// Get returns string i, or "" when i is out of range.
func (t *StringTable) Get(i uint32) string {
	if int(i) >= t.Len() {
		return ""
	}
	return string(t.Data[t.Offsets[i]:t.Offsets[i+1]])
}

// Bytes returns string i without copying; the caller must not keep or modify it.
func (t *StringTable) Bytes(i uint32) []byte {
	if int(i) >= t.Len() {
		return nil
	}
	return t.Data[t.Offsets[i]:t.Offsets[i+1]]
}

// NodeTypeName returns the type name of node n ("object", "closure", ...).
func (s *Snapshot) NodeTypeName(n uint32) string {
	t := int(s.NodeType[n])
	if t < len(s.Meta.NodeTypes) {
		return s.Meta.NodeTypes[t]
	}
	return "unknown"
}

// NodeNameString returns the name of node n.
func (s *Snapshot) NodeNameString(n uint32) string { return s.Strings.Get(s.NodeName[n]) }

// EdgeBigName is the name_or_index of an edge that does not fit in
// EdgeTypeAndName's 28 bits.
type EdgeBigName struct{ Edge, NameOrIndex uint32 }

// MaxEdgeTypes is how many edge types EdgeTypeAndName can tell apart (V8
// has 7).
const MaxEdgeTypes = 16

const (
	edgeTypeShift = 28
	edgeNameMask  = 1<<edgeTypeShift - 1 // also the mark of a big name
)

// EdgeTypeOf is the type in an EdgeTypeAndName value.
func EdgeTypeOf(v uint32) uint8 { return uint8(v >> edgeTypeShift) }

// packEdge is the EdgeTypeAndName value of an edge, and whether its
// name_or_index must also go in EdgeBigNames.
func packEdge(typ uint8, nameOrIndex uint32) (v uint32, big bool) {
	if nameOrIndex >= edgeNameMask {
		return uint32(typ)<<edgeTypeShift | edgeNameMask, true
	}
	return uint32(typ)<<edgeTypeShift | nameOrIndex, false
}

// EdgeType returns edge e's type, an index into Meta.EdgeTypes.
func (s *Snapshot) EdgeType(e uint32) uint8 { return uint8(s.EdgeTypeAndName[e] >> edgeTypeShift) }

// EdgeNameOrIndex returns edge e's name_or_index: a string index, or the
// index of an element or hidden edge.
func (s *Snapshot) EdgeNameOrIndex(e uint32) uint32 {
	if v := s.EdgeTypeAndName[e] & edgeNameMask; v != edgeNameMask {
		return v
	}
	return s.bigName(e)
}

func (s *Snapshot) bigName(e uint32) uint32 {
	if i, ok := s.findBigName(e); ok {
		return s.EdgeBigNames[i].NameOrIndex
	}
	return edgeNameMask // a hand-made snapshot's edge without its entry
}

// findBigName is where edge e's entry is, or would go, in EdgeBigNames.
func (s *Snapshot) findBigName(e uint32) (int, bool) {
	return slices.BinarySearchFunc(s.EdgeBigNames, e, func(b EdgeBigName, e uint32) int { return cmp.Compare(b.Edge, e) })
}

// SetEdge sets edge e's type and name_or_index (for snapshots built in
// code; the parser fills the arrays itself).
func (s *Snapshot) SetEdge(e uint32, typ uint8, nameOrIndex uint32) {
	v, big := packEdge(typ, nameOrIndex)
	s.EdgeTypeAndName[e] = v
	i, has := s.findBigName(e)
	switch {
	case big && has:
		s.EdgeBigNames[i].NameOrIndex = nameOrIndex
	case big:
		s.EdgeBigNames = slices.Insert(s.EdgeBigNames, i, EdgeBigName{e, nameOrIndex})
	case has:
		s.EdgeBigNames = slices.Delete(s.EdgeBigNames, i, i+1)
	}
}

// EdgeTypeName returns the type name of edge e.
func (s *Snapshot) EdgeTypeName(e uint32) string {
	t := int(s.EdgeType(e))
	if t < len(s.Meta.EdgeTypes) {
		return s.Meta.EdgeTypes[t]
	}
	return "unknown"
}

// EdgeHasStringName reports whether edge e's name_or_index is a string index
// (false for element and hidden edges, whose value is a number).
func (s *Snapshot) EdgeHasStringName(e uint32) bool {
	t := int(s.EdgeType(e))
	return t != s.EdgeTypeIndex.Element && t != s.EdgeTypeIndex.Hidden
}

// EdgeName returns the edge's name as DevTools prints it: the property name,
// or the decimal index for element and hidden edges.
func (s *Snapshot) EdgeName(e uint32) string {
	if s.EdgeHasStringName(e) {
		return s.Strings.Get(s.EdgeNameOrIndex(e))
	}
	return uitoa(s.EdgeNameOrIndex(e))
}

func uitoa(v uint32) string {
	var b [10]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return string(b[i:])
}

// ResolveTypes fills NodeTypeIndex and EdgeTypeIndex from Meta.
func (s *Snapshot) ResolveTypes() {
	find := func(list []string, name string) int {
		for i, v := range list {
			if v == name {
				return i
			}
		}
		return -1
	}
	nt, et := s.Meta.NodeTypes, s.Meta.EdgeTypes
	s.NodeTypeIndex = NodeTypeIndex{
		Hidden: find(nt, "hidden"), Array: find(nt, "array"), String: find(nt, "string"),
		Object: find(nt, "object"), Code: find(nt, "code"), Closure: find(nt, "closure"),
		RegExp: find(nt, "regexp"), Number: find(nt, "number"), Native: find(nt, "native"),
		Synthetic: find(nt, "synthetic"), ConcatenatedString: find(nt, "concatenated string"),
		SlicedString: find(nt, "sliced string"), Symbol: find(nt, "symbol"),
		BigInt: find(nt, "bigint"), ObjectShape: find(nt, "object shape"),
	}
	s.EdgeTypeIndex = EdgeTypeIndex{
		Context: find(et, "context"), Element: find(et, "element"), Property: find(et, "property"),
		Internal: find(et, "internal"), Hidden: find(et, "hidden"), Shortcut: find(et, "shortcut"),
		Weak: find(et, "weak"),
	}
}

// LooksComplete reports whether the file at path ends as a heap snapshot's
// JSON does (the strings array, then the object: `]}`), so that its writer
// (node writing a near-heap-limit snapshot itself) has finished it. A quick
// check on the tail, not a parse.
func LooksComplete(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() < 2 {
		return false
	}
	n := min(st.Size(), 64)
	buf := make([]byte, n)
	if _, err := f.ReadAt(buf, st.Size()-n); err != nil && err != io.EOF {
		return false
	}
	return bytes.HasSuffix(bytes.TrimRight(buf, " \r\n\t"), []byte("]}"))
}
