package heapsnapshot

import (
	"fmt"
	"math"
	"slices"
)

// Traces are the allocation stacks V8 records while allocation tracking is
// on (HeapProfiler.startTrackingHeapObjects with trackAllocations): a call
// tree of functions (trace_tree), each of whose nodes a heap node names by
// its trace_node_id. Parallel arrays only: no Go object per trace node.
//
// V8 knows where each function starts, not the line inside it that
// allocated: a frame is a function and its definition's position.
type Traces struct {
	// Per function (trace_function_infos).
	FuncName   []uint32 // index into Strings
	FuncScript []uint32 // script name, index into Strings ("" for builtins)
	FuncLine   []uint32 // 1-based; 0 when unknown (V8 writes position+1)
	FuncColumn []uint32 // 1-based; 0 when unknown

	// Per trace node, in the file's order: a parent comes before its
	// children.
	NodeID     []uint32 // what a heap node's trace_node_id refers to
	NodeParent []uint32 // index of the parent, NoParent for a top node
	NodeFunc   []uint32 // index into the Func columns

	// byID orders node indexes by id; nil when NodeID[i] == i+1 (V8's
	// numbering), where the id is the index.
	byID []uint32
}

// NoParent is NodeParent's value for a node at the top of the tree.
const NoParent = math.MaxUint32

// maxTraceDepth bounds the trace tree's nesting (V8 records at most 64
// frames; a deeper tree is not V8's).
const maxTraceDepth = 4096

// Len is the number of trace nodes.
func (t *Traces) Len() int {
	if t == nil {
		return 0
	}
	return len(t.NodeID)
}

// Lookup returns the index of the trace node with id, false if none.
func (t *Traces) Lookup(id uint32) (uint32, bool) {
	if t == nil || id == 0 {
		return 0, false
	}
	if t.byID == nil {
		if int(id) <= len(t.NodeID) && t.NodeID[id-1] == id {
			return id - 1, true
		}
		return 0, false
	}
	i, ok := slices.BinarySearchFunc(t.byID, id, func(x, id uint32) int {
		switch {
		case t.NodeID[x] < id:
			return -1
		case t.NodeID[x] > id:
			return 1
		}
		return 0
	})
	if !ok {
		return 0, false
	}
	return t.byID[i], true
}

// Check verifies that every index is in range (strings is the string
// table's length) and builds the id lookup. Parsing and re-opened indexes
// call it, so later readers can index without checking.
func (t *Traces) Check(strings int) error {
	nf := len(t.FuncName)
	if len(t.FuncScript) != nf || len(t.FuncLine) != nf || len(t.FuncColumn) != nf {
		return fmt.Errorf("the trace function columns differ in length")
	}
	nn := len(t.NodeID)
	if len(t.NodeParent) != nn || len(t.NodeFunc) != nn {
		return fmt.Errorf("the trace node columns differ in length")
	}
	for i := range nf {
		if int64(t.FuncName[i]) >= int64(strings) || int64(t.FuncScript[i]) >= int64(strings) {
			return fmt.Errorf("trace function %d has a name or script string out of range (%d strings)", i, strings)
		}
	}
	dense := true
	for i := range nn {
		if int(t.NodeFunc[i]) >= nf {
			return fmt.Errorf("trace node %d refers to function %d, but there are %d", i, t.NodeFunc[i], nf)
		}
		if p := t.NodeParent[i]; p != NoParent && p >= uint32(i) {
			return fmt.Errorf("trace node %d has parent %d, which does not come before it", i, p)
		}
		if t.NodeID[i] != uint32(i)+1 {
			dense = false
		}
	}
	t.byID = nil
	if !dense {
		t.byID = make([]uint32, nn)
		for i := range t.byID {
			t.byID[i] = uint32(i)
		}
		slices.SortStableFunc(t.byID, func(a, b uint32) int {
			return int(int64(t.NodeID[a]) - int64(t.NodeID[b]))
		})
	}
	return nil
}

// The layouts V8 writes; the header's meta may say otherwise.
var (
	defaultTraceFunctionFields = []string{"function_id", "name", "script_name", "script_id", "line", "column"}
	defaultTraceNodeFields     = []string{"id", "function_info_index", "count", "size", "children"}
)

func fieldIndex(fields []string, name string) int {
	for i, f := range fields {
		if f == name {
			return i
		}
	}
	return -1
}

// traceNodeFields is the trace tree's layout: the header's, or V8's when
// the tree comes before the header (which V8 never writes).
func (p *parser) traceNodeFields() []string {
	if p.haveHeader && p.snap.Meta.TraceNodeFields != nil {
		return p.snap.Meta.TraceNodeFields
	}
	return defaultTraceNodeFields
}

// traceTreeUsable: the layout has what a stack needs, so the tree is read
// (else it is skipped like any unknown section).
func (p *parser) traceTreeUsable() bool {
	f := p.traceNodeFields()
	return len(f) <= 64 && fieldIndex(f, "id") >= 0 && fieldIndex(f, "function_info_index") >= 0 &&
		fieldIndex(f, "children") >= 0
}

// traceTree reads the nested trace tree (the opening '[' is consumed): a
// flat run of fields per node, the children field being an array of the
// same form. The nesting is followed with an explicit stack.
func (p *parser) traceTree() error {
	fields := p.traceNodeFields()
	p.traceTreeFields = fields
	nf := len(fields)
	ii, fi, ci := fieldIndex(fields, "id"), fieldIndex(fields, "function_info_index"), fieldIndex(fields, "children")
	t := &p.traces
	t.NodeID, t.NodeParent, t.NodeFunc = t.NodeID[:0], t.NodeParent[:0], t.NodeFunc[:0]
	p.progress = func() string { return commas(int64(len(t.NodeID))) + " trace nodes read" }
	type level struct {
		parent uint32 // the node whose children this array holds
		k      int    // the field the next element is
	}
	stack := []level{{parent: NoParent}}
	fresh, needSep := true, false
	for {
		c, err := p.next()
		if err != nil {
			return err
		}
		top := &stack[len(stack)-1]
		if c == ']' && (fresh || needSep) {
			p.pos++
			if top.k != 0 {
				return p.errAt(p.off()-1, "a trace node ends after %d of its %d fields", top.k, nf)
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				return nil
			}
			// The array closed was the children field of the level below.
			top = &stack[len(stack)-1]
			top.k = (top.k + 1) % nf
			fresh, needSep = false, true
			continue
		}
		if needSep {
			if c != ',' {
				return p.errAt(p.off(), "expected ',' or ']', found %s", quoteByte(c))
			}
			p.pos++
			needSep = false
			continue
		}
		fresh = false
		if top.k == ci {
			if c != '[' {
				return p.errAt(p.off(), "expected a trace node's children array, found %s", quoteByte(c))
			}
			if len(stack) >= maxTraceDepth {
				return p.errAt(p.off(), "the trace tree is nested more than %d deep", maxTraceDepth)
			}
			p.pos++
			stack = append(stack, level{parent: uint32(len(t.NodeID) - 1)})
			fresh = true
			continue
		}
		v, err := p.uintToken()
		if err != nil {
			return err
		}
		if top.k == 0 {
			if len(t.NodeID) >= math.MaxUint32-1 {
				return p.errAt(p.off(), "too many trace nodes")
			}
			t.NodeID = append(t.NodeID, 0)
			t.NodeParent = append(t.NodeParent, top.parent)
			t.NodeFunc = append(t.NodeFunc, 0)
		}
		last := len(t.NodeID) - 1
		switch top.k {
		case ii:
			t.NodeID[last] = v
		case fi:
			t.NodeFunc[last] = v
		}
		top.k = (top.k + 1) % nf
		needSep = true
	}
}

// uintToken reads one unsigned 32-bit JSON integer at the cursor.
func (p *parser) uintToken() (uint32, error) {
	start := p.off()
	var v uint64
	n := 0
	for {
		for p.pos < p.end {
			c := p.buf[p.pos]
			if c < '0' || c > '9' {
				if n == 0 {
					return 0, p.errAt(start, "expected an unsigned integer, found %s", quoteByte(c))
				}
				if c == '.' || c == 'e' || c == 'E' {
					return 0, p.errAt(start, "expected an unsigned integer, found a fraction or exponent")
				}
				return uint32(v), nil
			}
			v = v*10 + uint64(c-'0')
			if v > math.MaxUint32 {
				return 0, p.errAt(start, "number out of range: larger than 4294967295")
			}
			n++
			p.pos++
		}
		if !p.fill() {
			return 0, p.eofErr()
		}
	}
}

// finishTraces turns the sections read into s.Traces, or leaves it nil
// when the snapshot has none (or only an empty tree).
func (p *parser) finishTraces(s *Snapshot) error {
	if !p.seen["trace_tree"] || len(p.traces.NodeID) == 0 {
		return nil
	}
	// A tree read before the header with V8's layout, where the header
	// says otherwise, cannot be trusted: drop it, as a section we skip.
	if mf := s.Meta.TraceNodeFields; mf != nil && !slices.Equal(mf, p.traceTreeFields) {
		return nil
	}
	t := p.traces
	ff := s.Meta.TraceFunctionInfoFields
	if ff == nil {
		ff = defaultTraceFunctionFields
	}
	raw := p.traceFuncRaw
	if len(ff) == 0 || len(raw)%len(ff) != 0 {
		return formatErr(-1, fmt.Sprintf("in \"trace_function_infos\": %d numbers are not a whole number of %d-field functions", len(raw), len(ff)))
	}
	n := len(raw) / len(ff)
	cols := []struct {
		name string
		dst  *[]uint32
	}{{"name", &t.FuncName}, {"script_name", &t.FuncScript}, {"line", &t.FuncLine}, {"column", &t.FuncColumn}}
	for _, c := range cols {
		col := make([]uint32, n)
		if k := fieldIndex(ff, c.name); k >= 0 {
			for i := range col {
				col[i] = raw[i*len(ff)+k]
			}
		}
		*c.dst = col
	}
	p.traceFuncRaw = nil
	if err := t.Check(s.Strings.Len()); err != nil {
		return formatErr(-1, "in the allocation traces: "+err.Error())
	}
	s.Traces = &t
	return nil
}
