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

// section is one array to write.
type section struct {
	id   uint32
	data []byte
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
func sections(g *heapgraph.Graph) ([]section, error) {
	s := g.S
	p := g.Parts()
	inf, err := json.Marshal(info{
		NodeCount: s.NodeCount, EdgeCount: s.EdgeCount, Meta: s.Meta,
		TraceFunctionCount: s.TraceFunctionCount, ExtraNativeBytes: s.ExtraNativeBytes,
		Classes: p.Classes, Stats: p.Stats, Summary: summaryRows(p.Summary),
	})
	if err != nil {
		return nil, err
	}
	all := []section{
		{secInfo, inf},
		{secNodeType, bytesOf(s.NodeType)}, {secNodeName, bytesOf(s.NodeName)}, {secNodeID, bytesOf(s.NodeID)},
		{secNodeSelfSize, bytesOf(s.NodeSelfSize)}, {secNodeTrace, bytesOf(s.NodeTraceNodeID)},
		{secNodeDetachedness, bytesOf(s.NodeDetachedness)}, {secFirstEdge, bytesOf(s.FirstEdge)},
		{secEdgeName, bytesOf(s.EdgeTypeAndName)}, {secEdgeBigNames, bigNameBytes(s.EdgeBigNames)}, {secEdgeTo, bytesOf(s.EdgeTo)},
		{secStrData, s.Strings.Data}, {secStrOffsets, bytesOf(s.Strings.Offsets)},
		{secLocNode, bytesOf(s.LocationNode)}, {secLocScript, bytesOf(s.LocationScript)},
		{secLocLine, bytesOf(s.LocationLine)}, {secLocColumn, bytesOf(s.LocationColumn)},
		{secDominator, bytesOf(p.Dominator)}, {secRetained, bytesOf(p.Retained)}, {secRetained32, bytesOf(p.Retained32)}, {secDistance, bytesOf(p.Distance)},
		{secClass, bytesOf(p.Class)}, {secClass16, bytesOf(p.Class16)}, {secDetachedness, bytesOf(p.Detachedness)},
		{secFirstDominated, bytesOf(p.FirstDominated)}, {secDominated, bytesOf(p.Dominated)},
		{secFirstRetainer, bytesOf(p.FirstRetainer)}, {secRetainerNode, bytesOf(p.RetainerNode)},
		{secRetainerEdge, bytesOf(p.RetainerEdge)}, {secIDOrder, bytesOf(p.IDOrder)},
	}
	if t := s.Traces; t != nil {
		all = append(all, section{secTraceFuncName, bytesOf(t.FuncName)}, section{secTraceFuncScript, bytesOf(t.FuncScript)},
			section{secTraceFuncLine, bytesOf(t.FuncLine)}, section{secTraceFuncColumn, bytesOf(t.FuncColumn)},
			section{secTraceNodeID, bytesOf(t.NodeID)}, section{secTraceNodeParent, bytesOf(t.NodeParent)},
			section{secTraceNodeFunc, bytesOf(t.NodeFunc)})
	}
	out := all[:0]
	for _, sec := range all {
		// Optional arrays are absent rather than empty; the others are
		// written even when empty so the reader can tell.
		if sec.data == nil && (sec.id == secNodeTrace || sec.id == secNodeDetachedness || sec.id == secDetachedness ||
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
		ents[i] = entry{id: sec.id, elem: elemSize(sec.id), off: off, length: uint64(len(sec.data))}
		off = pad(off + uint64(len(sec.data)))
	}
	return ents, off
}

// Write writes the index of g, the analysed snapshot with identity id, to
// w. It returns the bytes written.
func Write(w io.Writer, g *heapgraph.Graph, id Identity) (int64, error) {
	if !littleEndian() {
		return 0, errors.New("index: not supported on big-endian machines")
	}
	secs, err := sections(g)
	if err != nil {
		return 0, err
	}
	ents, size := layout(secs)
	// Checksums first (the header holds them), on every core.
	data := make([][]byte, len(secs))
	for i, sec := range secs {
		data[i] = sec.data
	}
	for i, c := range checksums(data) {
		ents[i].crc = c
	}
	hdr := encodeHeader(ents, size, id)
	var n int64
	write := func(b []byte) error {
		k, err := w.Write(b)
		n += int64(k)
		return err
	}
	if err := write(hdr); err != nil {
		return n, err
	}
	var zero [align]byte
	for i, sec := range secs {
		if gap := int64(ents[i].off) - n; gap > 0 {
			if err := write(zero[:gap]); err != nil {
				return n, err
			}
		}
		if err := write(sec.data); err != nil {
			return n, err
		}
	}
	if gap := int64(size) - n; gap > 0 {
		if err := write(zero[:gap]); err != nil {
			return n, err
		}
	}
	return n, nil
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
