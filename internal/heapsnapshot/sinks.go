package heapsnapshot

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// capFor bounds a header count by what the rest of the input can hold,
// assuming at least two bytes ("0,") per number.
func (p *parser) capFor(hint int64, fields int) int {
	c := hint
	if r := p.remaining(); r >= 0 {
		if m := r/int64(2*fields) + 1; m < c {
			c = m
		}
	} else if c > 1<<16 {
		c = 1 << 16 // unknown input size: start small and grow
	}
	return int(c)
}

// growTo returns s extended to at least n elements, at most limit.
func growTo[T uint8 | uint32](s []T, n, limit int) []T {
	if s == nil || n <= len(s) {
		return s
	}
	m := min(max(2*len(s), n, 1024), limit)
	ns := make([]T, m)
	copy(ns, s)
	return ns
}

func pct(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	return a * 100 / b
}

// nodeSink writes the nodes array into the per-node columns. A node's
// edge_count goes to FirstEdge[n+1]; close turns the counts into offsets.
type nodeSink struct {
	p      *parser
	s      *Snapshot
	roles  []role
	nf     int64
	rows   int // allocated rows
	limit  int // the header's node_count
	ntypes uint32
	// Field positions within a row (-1 when absent), for whole-row copying.
	ti, ni, ii, si, ei, tri, di int
	// A trace id or DOM state other than 0 was stored. Usually none is, and
	// then close drops the column without reading it: reading it would map
	// the kernel's shared zero page, and the next allocation to reuse that
	// memory would pay a copy-on-write fault and a TLB flush on every core
	// for each page (measured: 0.2 s of the locations' parse at 1 GB).
	anyTrace, anyDetached atomic.Bool
}

func fieldPos(roles []role, r role) int {
	for i, x := range roles {
		if x == r {
			return i
		}
	}
	return -1
}

func (p *parser) newNodeSink() *nodeSink {
	s := &p.snap
	n := p.capFor(p.nodeHint, p.nf)
	ns := &nodeSink{p: p, s: s, roles: p.nodeRoles, nf: int64(p.nf), rows: n, limit: int(p.nodeHint),
		ntypes: uint32(len(s.Meta.NodeTypes))}
	r := p.nodeRoles
	ns.ti, ns.ni, ns.ii, ns.si = fieldPos(r, rType), fieldPos(r, rName), fieldPos(r, rID), fieldPos(r, rSelfSize)
	ns.ei, ns.tri, ns.di = fieldPos(r, rEdgeCount), fieldPos(r, rTrace), fieldPos(r, rDetached)
	s.NodeType = make([]uint8, n)
	s.NodeName = make([]uint32, n)
	s.NodeID = make([]uint32, n)
	s.NodeSelfSize = make([]uint32, n)
	s.FirstEdge = make([]uint32, n+1)
	for _, r := range p.nodeRoles {
		switch r {
		case rTrace:
			s.NodeTraceNodeID = make([]uint32, n)
		case rDetached:
			s.NodeDetachedness = make([]uint8, n)
		}
	}
	p.progress = func() string {
		return fmt.Sprintf("%d%% of the nodes read", pct(p.valuesRead.Load()/ns.nf, p.nodeHint))
	}
	return ns
}

func (ns *nodeSink) parallel() bool { return ns.rows == ns.limit }

func (ns *nodeSink) tooMany(off int64) error {
	return ns.p.errAt(off, "more nodes than the header's node_count (%s)", commas(int64(ns.limit)))
}

func (ns *nodeSink) ensure(total, off int64) error {
	need := int((total + ns.nf - 1) / ns.nf)
	if need <= ns.rows {
		return nil
	}
	if need > ns.limit {
		return ns.tooMany(off)
	}
	s := ns.s
	s.NodeType = growTo(s.NodeType, need, ns.limit)
	s.NodeName = growTo(s.NodeName, need, ns.limit)
	s.NodeID = growTo(s.NodeID, need, ns.limit)
	s.NodeSelfSize = growTo(s.NodeSelfSize, need, ns.limit)
	s.NodeTraceNodeID = growTo(s.NodeTraceNodeID, need, ns.limit)
	s.NodeDetachedness = growTo(s.NodeDetachedness, need, ns.limit)
	s.FirstEdge = growTo(s.FirstEdge, len(s.NodeType)+1, ns.limit+1)
	ns.rows = len(s.NodeType)
	return nil
}

func (ns *nodeSink) scatter(start int64, vals []uint32, off int64) error {
	s := ns.s
	row, f := int(start/ns.nf), int(start%ns.nf)
	if len(vals) > 0 && int((start+int64(len(vals))-1)/ns.nf) >= ns.rows {
		return ns.tooMany(off)
	}
	nf := int(ns.nf)
	i := 0
	// A partial row at either end goes value by value; whole rows in between
	// are copied field by field without a switch per number.
	for ; f != 0 && i < len(vals); i++ {
		if err := ns.one(row, f, vals[i], off); err != nil {
			return err
		}
		if f++; f == nf {
			f = 0
			row++
		}
	}
	typ, name, id, self, first := s.NodeType, s.NodeName, s.NodeID, s.NodeSelfSize, s.FirstEdge
	trace, det := s.NodeTraceNodeID, s.NodeDetachedness
	ti, ni, ii, si, ei, tri, di := ns.ti, ns.ni, ns.ii, ns.si, ns.ei, ns.tri, ns.di
	var anyTrace, anyDetached bool
	for ; i+nf <= len(vals); i += nf {
		r := vals[i : i+nf : i+nf]
		t := r[ti]
		if t >= ns.ntypes {
			return ns.badType(row, t, off)
		}
		typ[row] = uint8(t)
		name[row] = r[ni]
		id[row] = r[ii]
		self[row] = r[si]
		first[row+1] = r[ei]
		// Trace ids and DOM states are 0 in most snapshots (no allocation
		// tracking, no DOM): a zero is not stored, so the pages of those
		// arrays are never touched and cost no memory (make gives zeroed
		// pages, which the kernel maps only when written).
		if tri >= 0 {
			if t := r[tri]; t != 0 {
				trace[row] = t
				anyTrace = true
			}
		}
		if di >= 0 {
			if d := r[di]; d != 0 {
				if d > math.MaxUint8 {
					return ns.badDetached(row, d, off)
				}
				det[row] = uint8(d)
				anyDetached = true
			}
		}
		row++
	}
	if anyTrace {
		ns.anyTrace.Store(true)
	}
	if anyDetached {
		ns.anyDetached.Store(true)
	}
	for ; i < len(vals); i++ {
		if err := ns.one(row, f, vals[i], off); err != nil {
			return err
		}
		f++
	}
	return nil
}

func (ns *nodeSink) badType(row int, v uint32, off int64) error {
	return ns.p.errAt(off, "node %s has type %d, but meta.node_types lists only %d types", commas(int64(row)), v, ns.ntypes)
}

func (ns *nodeSink) badDetached(row int, v uint32, off int64) error {
	return ns.p.errAt(off, "node %s has detachedness %d (out of range)", commas(int64(row)), v)
}

// one stores field f of node row.
func (ns *nodeSink) one(row, f int, v uint32, off int64) error {
	s := ns.s
	switch ns.roles[f] {
	case rType:
		if v >= ns.ntypes {
			return ns.badType(row, v, off)
		}
		s.NodeType[row] = uint8(v)
	case rName:
		s.NodeName[row] = v
	case rID:
		s.NodeID[row] = v
	case rSelfSize:
		s.NodeSelfSize[row] = v
	case rEdgeCount:
		s.FirstEdge[row+1] = v
	case rTrace:
		if v != 0 {
			s.NodeTraceNodeID[row] = v
			ns.anyTrace.Store(true)
		}
	case rDetached:
		if v > math.MaxUint8 {
			return ns.badDetached(row, v, off)
		}
		if v != 0 {
			s.NodeDetachedness[row] = uint8(v)
			ns.anyDetached.Store(true)
		}
	}
	return nil
}

func (ns *nodeSink) close(total, off int64) error {
	if r := total % ns.nf; r != 0 {
		return ns.p.errAt(off, "the array has %d numbers left over after the last whole node (%d fields per node)", r, ns.nf)
	}
	n := int(total / ns.nf)
	if int64(n) != ns.p.nodeHint {
		return ns.p.errAt(off, "the header's node_count is %s but there are %s nodes", commas(ns.p.nodeHint), commas(int64(n)))
	}
	s := ns.s
	s.NodeCount = n
	s.NodeType, s.NodeName, s.NodeID, s.NodeSelfSize = s.NodeType[:n], s.NodeName[:n], s.NodeID[:n], s.NodeSelfSize[:n]
	// Without allocation tracking every trace id is 0: free 4 bytes a node.
	if s.NodeTraceNodeID != nil {
		s.NodeTraceNodeID = s.NodeTraceNodeID[:n]
		if !ns.anyTrace.Load() {
			s.NodeTraceNodeID = nil
		}
	}
	// Node.js writes every DOM state as unknown: free a byte a node.
	if s.NodeDetachedness != nil {
		s.NodeDetachedness = s.NodeDetachedness[:n]
		if !ns.anyDetached.Load() {
			s.NodeDetachedness, s.DetachednessUnknown = nil, true
		}
	}
	s.FirstEdge = s.FirstEdge[:n+1]
	// Prefix sums turn edge counts into CSR offsets.
	var sum uint64
	fe := s.FirstEdge
	for i := 1; i < len(fe); i++ {
		sum += uint64(fe[i])
		fe[i] = uint32(sum)
	}
	if sum > math.MaxUint32 {
		return ns.p.errAt(off, "the nodes' edge_count fields add up to more than 2^32")
	}
	return nil
}

// edgeSink writes the edges array into the per-edge columns, turning
// to_node field offsets into node ordinals.
type edgeSink struct {
	p           *parser
	s           *Snapshot
	roles       []role
	ef          int64
	rows        int
	limit       int
	nodes       uint32 // the header's node_count
	ntypes      uint32
	div         divider
	ti, ni, toi int // field positions within a row
	// big collects the names too big for EdgeTypeAndName; the workers of
	// a parallel parse add to it.
	bigMu sync.Mutex
	big   []EdgeBigName
}

func (p *parser) newEdgeSink() *edgeSink {
	s := &p.snap
	n := p.capFor(p.edgeHint, p.ef)
	es := &edgeSink{p: p, s: s, roles: p.edgeRole, ef: int64(p.ef), rows: n, limit: int(p.edgeHint),
		nodes: uint32(p.nodeHint), ntypes: uint32(len(s.Meta.EdgeTypes)), div: newDivider(uint32(p.nf))}
	es.ti, es.ni, es.toi = fieldPos(p.edgeRole, rType), fieldPos(p.edgeRole, rName), fieldPos(p.edgeRole, rTo)
	s.EdgeTypeAndName = make([]uint32, n)
	s.EdgeBigNames = nil
	s.EdgeTo = make([]uint32, n)
	p.progress = func() string {
		return fmt.Sprintf("%d%% of the edges read", pct(p.valuesRead.Load()/es.ef, p.edgeHint))
	}
	return es
}

func (es *edgeSink) parallel() bool { return es.rows == es.limit }

// signed: an element's index at or past 2^31 is written negative by node
// 24 and later.
func (es *edgeSink) signed() bool { return true }

func (es *edgeSink) tooMany(off int64) error {
	return es.p.errAt(off, "more edges than the header's edge_count (%s)", commas(int64(es.limit)))
}

func (es *edgeSink) ensure(total, off int64) error {
	need := int((total + es.ef - 1) / es.ef)
	if need <= es.rows {
		return nil
	}
	if need > es.limit {
		return es.tooMany(off)
	}
	s := es.s
	s.EdgeTypeAndName = growTo(s.EdgeTypeAndName, need, es.limit)
	s.EdgeTo = growTo(s.EdgeTo, need, es.limit)
	es.rows = len(s.EdgeTo)
	return nil
}

func (es *edgeSink) scatter(start int64, vals []uint32, off int64) error {
	s := es.s
	row, f := int(start/es.ef), int(start%es.ef)
	if len(vals) > 0 && int((start+int64(len(vals))-1)/es.ef) >= es.rows {
		return es.tooMany(off)
	}
	ef := int(es.ef)
	i := 0
	for ; f != 0 && i < len(vals); i++ {
		if err := es.one(row, f, vals[i], off); err != nil {
			return err
		}
		if f++; f == ef {
			f = 0
			row++
		}
	}
	tn, to := s.EdgeTypeAndName, s.EdgeTo
	div, nodes, ntypes := es.div, es.nodes, es.ntypes
	ti, ni, toi := es.ti, es.ni, es.toi
	for ; i+ef <= len(vals); i += ef {
		r := vals[i : i+ef : i+ef]
		t, q, nm := r[ti], div.exact(r[toi]), r[ni]
		if t >= ntypes || q >= nodes || nm >= edgeNameMask {
			for k := range r {
				if err := es.one(row, k, r[k], off); err != nil {
					return err
				}
			}
			row++
			continue
		}
		tn[row] = t<<edgeTypeShift | nm
		to[row] = q
		row++
	}
	for ; i < len(vals); i++ {
		if err := es.one(row, f, vals[i], off); err != nil {
			return err
		}
		f++
	}
	return nil
}

// one stores field f of edge row. A row cut between two chunks has its
// type and name written by two workers into the same word, so both are
// ORed in atomically (the word starts at 0 and each part is written once).
func (es *edgeSink) one(row, f int, v uint32, off int64) error {
	s := es.s
	switch es.roles[f] {
	case rType:
		if v >= es.ntypes {
			return es.p.errAt(off, "edge %s has type %d, but meta.edge_types lists only %d types", commas(int64(row)), v, es.ntypes)
		}
		atomic.OrUint32(&s.EdgeTypeAndName[row], v<<edgeTypeShift)
	case rName:
		w, big := packEdge(0, v)
		if big {
			es.bigMu.Lock()
			es.big = append(es.big, EdgeBigName{uint32(row), v})
			es.bigMu.Unlock()
		}
		atomic.OrUint32(&s.EdgeTypeAndName[row], w)
	case rTo:
		q := es.div.exact(v)
		if q >= es.nodes {
			d := es.div.d
			if v%d != 0 {
				return es.p.errAt(off, "edge %s points to node offset %d, which is not a multiple of the node field count %d", commas(int64(row)), v, d)
			}
			return es.p.errAt(off, "edge %s points to node %s, but there are only %s nodes", commas(int64(row)), commas(int64(v/d)), commas(int64(es.nodes)))
		}
		s.EdgeTo[row] = q
	}
	return nil
}

func (es *edgeSink) close(total, off int64) error {
	if r := total % es.ef; r != 0 {
		return es.p.errAt(off, "the array has %d numbers left over after the last whole edge (%d fields per edge)", r, es.ef)
	}
	n := int(total / es.ef)
	if int64(n) != es.p.edgeHint {
		return es.p.errAt(off, "the header's edge_count is %s but there are %s edges", commas(es.p.edgeHint), commas(int64(n)))
	}
	s := es.s
	s.EdgeCount = n
	s.EdgeTypeAndName, s.EdgeTo = s.EdgeTypeAndName[:n], s.EdgeTo[:n]
	slices.SortFunc(es.big, func(a, b EdgeBigName) int { return cmp.Compare(a.Edge, b.Edge) })
	s.EdgeBigNames = es.big
	return nil
}

// divider divides by d exactly, without a hardware division: for d =
// 2^shift * odd, v/d = (v>>shift) * odd^-1 mod 2^32 when d divides v. When
// it does not, the result is at least 2^32/odd, so one comparison against
// the node count (<= MaxUint32/d) rejects both a non-multiple and an
// out-of-range target.
type divider struct {
	d, inv uint32
	shift  uint
	low    uint32 // mask of the bits that must be zero
}

func newDivider(d uint32) divider {
	shift := uint(0)
	for d>>shift&1 == 0 {
		shift++
	}
	odd := d >> shift
	inv := odd // Newton's iteration doubles the correct low bits each step.
	for i := 0; i < 5; i++ {
		inv *= 2 - odd*inv
	}
	return divider{d: d, inv: inv, shift: shift, low: 1<<shift - 1}
}

// exact returns v/d if d divides v, else a value >= 2^32/odd.
func (dv divider) exact(v uint32) uint32 {
	if v&dv.low != 0 {
		return math.MaxUint32
	}
	return (v >> dv.shift) * dv.inv
}

// locationSink gathers the locations array, whose length the header does
// not give. Appending to four growing columns cost more than parsing the
// numbers (every growth is a fresh allocation and its page faults), so the
// chunks are kept as parsed, possibly by several workers at once, and the
// columns are made once, at their final length, in close.
type locationSink struct {
	p              *parser
	s              *Snapshot
	lf             int64
	oi, si, li, ci int // field positions, -1 when absent
	div            divider

	mu     sync.Mutex
	pieces []locationPiece
}

type locationPiece struct {
	start int64    // index in the array of vals[0]
	vals  []uint32 // as in the file, but node ordinals for node offsets
}

func (p *parser) newLocationSink() *locationSink {
	s := &p.snap
	fields := s.Meta.LocationFields
	idx := func(name string) int {
		for i, f := range fields {
			if f == name {
				return i
			}
		}
		return -1
	}
	ls := &locationSink{p: p, s: s, lf: int64(len(fields)), oi: idx("object_index"), si: idx("script_id"),
		li: idx("line"), ci: idx("column"), div: newDivider(uint32(p.nf))}
	p.progress = func() string { return commas(p.valuesRead.Load()) + " numbers read" }
	return ls
}

func (ls *locationSink) parallel() bool            { return ls.lf > 0 && ls.oi >= 0 }
func (ls *locationSink) ensure(int64, int64) error { return nil }

// scatter keeps a copy of vals (the caller reuses its buffer) with the
// node offsets checked and turned into node ordinals.
func (ls *locationSink) scatter(start int64, vals []uint32, off int64) error {
	if ls.lf == 0 || ls.oi < 0 {
		return nil // nothing to tie locations to
	}
	vals = slices.Clone(vals)
	lf, oi := ls.lf, int64(ls.oi)
	first := (oi - start%lf + lf) % lf // index in vals of the first object_index
	for k := first; k < int64(len(vals)); k += lf {
		node := ls.div.exact(vals[k])
		if int64(node) >= ls.p.nodeHint {
			return ls.p.errAt(off, "location %d refers to node offset %d, which is not a node", (start+k)/lf, vals[k])
		}
		vals[k] = node
	}
	piece := locationPiece{start: start, vals: vals}
	ls.mu.Lock()
	ls.pieces = append(ls.pieces, piece)
	ls.mu.Unlock()
	return nil
}

func (ls *locationSink) close(total, off int64) error {
	if ls.lf == 0 || ls.oi < 0 {
		return nil
	}
	if total%ls.lf != 0 {
		return ls.p.errAt(off, "the array length %d is not a multiple of the %d location fields", total, ls.lf)
	}
	s, n := ls.s, total/ls.lf
	if n == 0 {
		return nil
	}
	// Absent fields read as 0.
	cols := make([][]uint32, ls.lf) // by field; nil for a field not kept
	column := func(f int) []uint32 {
		c := make([]uint32, n)
		if f >= 0 {
			cols[f] = c
		}
		return c
	}
	s.LocationNode, s.LocationScript = column(ls.oi), column(ls.si)
	s.LocationLine, s.LocationColumn = column(ls.li), column(ls.ci)
	for _, pc := range ls.pieces {
		f, row := pc.start%ls.lf, pc.start/ls.lf
		for _, v := range pc.vals {
			if col := cols[f]; col != nil {
				col[row] = v
			}
			if f++; f == ls.lf {
				f, row = 0, row+1
			}
		}
	}
	ls.pieces = nil
	return nil
}
