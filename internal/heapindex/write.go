package heapindex

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"unsafe"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// info is the JSON section: everything that is not a big array.
type info struct {
	NodeCount          int                  `json:"node_count"`
	EdgeCount          int                  `json:"edge_count"`
	Meta               heapsnapshot.Meta    `json:"meta"`
	TraceFunctionCount int                  `json:"trace_function_count"`
	ExtraNativeBytes   uint64               `json:"extra_native_bytes"`
	Classes            []heapgraph.Class    `json:"classes"`
	Stats              heapgraph.Statistics `json:"stats"`
	Summary            []summaryRow         `json:"summary"`
}

// summaryRow is a heapgraph.ClassSummary without its name (the class
// table has it).
type summaryRow struct {
	Class    uint32 `json:"c"`
	Count    int    `json:"n"`
	Shallow  uint64 `json:"s"`
	Retained uint64 `json:"r"`
	Distance int32  `json:"d"`
}

// section is one array to write: data, or (streamed) length bytes that
// come in pieces while it is written.
type section struct {
	id       uint32
	data     []byte
	streamed bool
	length   uint64
}

func (sec section) size() uint64 {
	if sec.streamed {
		return sec.length
	}
	return uint64(len(sec.data))
}

func bytesOf[T uint8 | uint16 | uint32 | int32 | uint64](a []T) []byte {
	if len(a) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&a[0])), len(a)*int(unsafe.Sizeof(a[0])))
}

// bigNameBytes lays the big edge names out as uint32 pairs.
func bigNameBytes(b []heapsnapshot.EdgeBigName) []byte {
	if len(b) == 0 {
		return nil
	}
	a := make([]uint32, 0, 2*len(b))
	for _, x := range b {
		a = append(a, x.Edge, x.NameOrIndex)
	}
	return bytesOf(a)
}

// sections lists the arrays of g in file order; nil arrays are left out.
// The retainer index is streamed when g has not built it.
func sections(g *heapgraph.Graph) ([]section, error) {
	s := g.S
	p := g.PartsToSave()
	inf, err := json.Marshal(info{
		NodeCount: s.NodeCount, EdgeCount: s.EdgeCount, Meta: s.Meta,
		TraceFunctionCount: s.TraceFunctionCount, ExtraNativeBytes: s.ExtraNativeBytes,
		Classes: p.Classes, Stats: p.Stats, Summary: summaryRows(p.Summary),
	})
	if err != nil {
		return nil, err
	}
	all := []section{
		{id: secInfo, data: inf},
		{id: secNodeType, data: bytesOf(s.NodeType)}, {id: secNodeName, data: bytesOf(s.NodeName)}, {id: secNodeID, data: bytesOf(s.NodeID)},
		{id: secNodeSelfSize, data: bytesOf(s.NodeSelfSize)}, {id: secNodeTrace, data: bytesOf(s.NodeTraceNodeID)},
		{id: secNodeDetachedness, data: bytesOf(s.NodeDetachedness)}, {id: secFirstEdge, data: bytesOf(s.FirstEdge)},
		{id: secEdgeName, data: bytesOf(s.EdgeTypeAndName)}, {id: secEdgeBigNames, data: bigNameBytes(s.EdgeBigNames)}, {id: secEdgeTo, data: bytesOf(s.EdgeTo)},
		{id: secStrData, data: s.Strings.Data}, {id: secStrOffsets, data: bytesOf(s.Strings.Offsets)},
		{id: secLocNode, data: bytesOf(s.LocationNode)}, {id: secLocScript, data: bytesOf(s.LocationScript)},
		{id: secLocLine, data: bytesOf(s.LocationLine)}, {id: secLocColumn, data: bytesOf(s.LocationColumn)},
		{id: secDominator, data: bytesOf(p.Dominator)}, {id: secRetained, data: bytesOf(p.Retained)}, {id: secRetained32, data: bytesOf(p.Retained32)}, {id: secDistance, data: bytesOf(p.Distance)},
		{id: secClass, data: bytesOf(p.Class)}, {id: secClass16, data: bytesOf(p.Class16)}, {id: secDetachedness, data: bytesOf(p.Detachedness)},
		{id: secFirstDominated, data: bytesOf(p.FirstDominated)}, {id: secDominated, data: bytesOf(p.Dominated)},
		{id: secFirstRetainer, streamed: true, length: 4 * uint64(s.NodeCount+1)},
		{id: secRetainerNode, streamed: true, length: 4 * uint64(s.EdgeCount)},
		{id: secRetainerEdge, streamed: true, length: 4 * uint64(s.EdgeCount)},
		{id: secIDOrder, data: bytesOf(p.IDOrder)},
	}
	if t := s.Traces; t != nil {
		all = append(all, section{id: secTraceFuncName, data: bytesOf(t.FuncName)}, section{id: secTraceFuncScript, data: bytesOf(t.FuncScript)},
			section{id: secTraceFuncLine, data: bytesOf(t.FuncLine)}, section{id: secTraceFuncColumn, data: bytesOf(t.FuncColumn)},
			section{id: secTraceNodeID, data: bytesOf(t.NodeID)}, section{id: secTraceNodeParent, data: bytesOf(t.NodeParent)},
			section{id: secTraceNodeFunc, data: bytesOf(t.NodeFunc)})
	}
	out := all[:0]
	for _, sec := range all {
		// Optional arrays are absent rather than empty; the others are
		// written even when empty so the reader can tell.
		if sec.data == nil && !sec.streamed && (sec.id == secNodeTrace || sec.id == secNodeDetachedness || sec.id == secDetachedness ||
			sec.id == secRetained || sec.id == secRetained32 || sec.id == secClass || sec.id == secClass16 || sec.id == secEdgeBigNames) {
			continue
		}
		out = append(out, sec)
	}
	return out, nil
}

func pad(n uint64) uint64 { return (n + align - 1) &^ (align - 1) }

// Size is the size in bytes of g's index, to check free disk space first.
func Size(g *heapgraph.Graph) (int64, error) {
	secs, err := sections(g)
	if err != nil {
		return 0, err
	}
	_, size := layout(secs)
	return int64(size), nil
}

// layout returns the section entries (offsets, no checksums) and the file size.
func layout(secs []section) ([]entry, uint64) {
	off := pad(uint64(fixedHeader + entrySize*len(secs) + 4))
	ents := make([]entry, len(secs))
	for i, sec := range secs {
		ents[i] = entry{id: sec.id, elem: elemSize(sec.id), off: off, length: sec.size()}
		off = pad(off + sec.size())
	}
	return ents, off
}

// retainerPiece is how many entries of the retainer index are built at a
// time when the graph has not built it whole (8 bytes an entry, an entry
// an edge): a quarter of the edges, or retainerPieceMin, whichever is
// more (each piece is a pass over the edges).
func retainerPiece(edges int) int { return max(edges/4, retainerPieceMin) }

// retainerPieceMin is a variable so that tests can write small indexes in
// many pieces.
var retainerPieceMin = 4 << 20

// Write writes the index of g, the analysed snapshot with identity id, to
// w (a new file) and returns its size. The arrays go to their offsets; the
// retainer index, when g has not built it, goes in pieces (see
// retainerPiece), so that writing an index does not hold all of it; the
// header, with every section's checksum, goes last.
func Write(w io.WriterAt, g *heapgraph.Graph, id Identity) (int64, error) {
	if !littleEndian() {
		return 0, errors.New("index: not supported on big-endian machines")
	}
	secs, err := sections(g)
	if err != nil {
		return 0, err
	}
	ents, size := layout(secs)
	// The arrays' checksums on every core, then the arrays.
	var data [][]byte
	var at []int
	for i, sec := range secs {
		if !sec.streamed {
			data, at = append(data, sec.data), append(at, i)
		}
	}
	for k, c := range checksums(data) {
		ents[at[k]].crc = c
	}
	for k, b := range data {
		if _, err := w.WriteAt(b, int64(ents[at[k]].off)); err != nil {
			return 0, err
		}
	}
	// The retainer index: its nodes and edges piece by piece, each
	// section's checksum updated in order, then its offsets.
	var first, nodes, edges *entry
	for i := range ents {
		switch ents[i].id {
		case secFirstRetainer:
			first = &ents[i]
		case secRetainerNode:
			nodes = &ents[i]
		case secRetainerEdge:
			edges = &ents[i]
		}
	}
	var done int64 // bytes of each of the two per-edge sections written
	err = g.RetainerPieces(retainerPiece(g.S.EdgeCount), func(f []uint32) error {
		b := bytesOf(f)
		first.crc = crc32.Checksum(b, castagnoli)
		_, err := w.WriteAt(b, int64(first.off))
		return err
	}, func(n, e []uint32) error {
		bn, be := bytesOf(n), bytesOf(e)
		nodes.crc = crc32.Update(nodes.crc, castagnoli, bn)
		edges.crc = crc32.Update(edges.crc, castagnoli, be)
		if _, err := w.WriteAt(bn, int64(nodes.off)+done); err != nil {
			return err
		}
		if _, err := w.WriteAt(be, int64(edges.off)+done); err != nil {
			return err
		}
		done += int64(len(bn))
		return nil
	})
	if err != nil {
		return 0, err
	}
	// The padding after the last section (the others are holes, zeros).
	last := ents[len(ents)-1]
	if end := last.off + last.length; end < size {
		if _, err := w.WriteAt(make([]byte, size-end), int64(end)); err != nil {
			return 0, err
		}
	}
	if _, err := w.WriteAt(encodeHeader(ents, size, id), 0); err != nil {
		return 0, err
	}
	return int64(size), nil
}

func encodeHeader(ents []entry, size uint64, id Identity) []byte {
	le := binary.LittleEndian
	h := make([]byte, fixedHeader+entrySize*len(ents)+4)
	copy(h, magic)
	le.PutUint32(h[8:], Version)
	le.PutUint32(h[12:], uint32(len(ents)))
	le.PutUint64(h[16:], ents[0].off)
	le.PutUint64(h[24:], size)
	le.PutUint64(h[32:], uint64(id.Size))
	le.PutUint64(h[40:], uint64(id.ModTime))
	copy(h[48:80], id.Hash[:])
	for i, e := range ents {
		b := h[fixedHeader+entrySize*i:]
		le.PutUint32(b[0:], e.id)
		le.PutUint32(b[4:], e.elem)
		le.PutUint64(b[8:], e.off)
		le.PutUint64(b[16:], e.length)
		le.PutUint32(b[24:], e.crc)
	}
	end := len(h) - 4
	le.PutUint32(h[end:], crc32.Checksum(h[:end], castagnoli))
	return h
}

func summaryRows(rows []heapgraph.ClassSummary) []summaryRow {
	out := make([]summaryRow, len(rows))
	for i, r := range rows {
		out[i] = summaryRow{Class: r.Class, Count: r.Count, Shallow: r.Shallow, Retained: r.Retained, Distance: r.Distance}
	}
	return out
}
