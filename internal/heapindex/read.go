package heapindex

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// openChecked opens the index at path and checks its fixed header against
// id (version, identity, size); n is the number of section entries.
func openChecked(path string, id *Identity) (f *os.File, size int64, n int, err error) {
	f, err = os.Open(path)
	if err != nil {
		return nil, 0, 0, err
	}
	st, err := f.Stat()
	if err == nil {
		hdr := make([]byte, fixedHeader)
		if _, rerr := io.ReadFull(f, hdr); rerr != nil {
			err = errorf("cut off in its header")
		} else {
			size = st.Size()
			n, err = checkFixed(hdr, size, id)
		}
	}
	if err != nil {
		f.Close()
		return nil, 0, 0, err
	}
	return f, size, n, nil
}

// Open re-opens the index at path as the analysed graph of the snapshot
// with identity id. It verifies the whole file first (version, identity,
// size, every checksum, every index in range) and returns an error saying
// what is wrong otherwise; errors.Is(err, fs.ErrNotExist) when there is no
// index, ErrStale when it belongs to another snapshot.
//
// On unix the graph's arrays live in a private read-write mapping of the
// file (writes, which nothing does, would stay in memory). The mapping is
// never unmapped, so no slice can outlive it; its pages are released when
// the graph and its snapshot are garbage.
func Open(path string, id Identity) (*heapgraph.Graph, error) {
	if !littleEndian() {
		return nil, errors.New("index: not supported on big-endian machines")
	}
	// Check the header before mapping anything: a stale index is the
	// common case and costs one small read.
	f, size, _, err := openChecked(path, &id)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, unmap, release, err := mapFile(f, size)
	if err != nil {
		return nil, err
	}
	g, err := decode(data, &id, true)
	if err != nil {
		unmap()
		return nil, err
	}
	// A long-running process (leaks, mcp) opens many indexes: once the
	// graph and its snapshot are garbage, their pages are given back.
	var refs atomic.Int32
	refs.Store(2)
	drop := func(struct{}) {
		if refs.Add(-1) == 0 {
			release()
		}
	}
	runtime.AddCleanup(g, drop, struct{}{})
	runtime.AddCleanup(g.S, drop, struct{}{})
	return g, nil
}

// checkFixed checks the fixed part of the header and returns the section
// count.
func checkFixed(h []byte, fileSize int64, id *Identity) (int, error) {
	le := binary.LittleEndian
	if len(h) < fixedHeader || !bytes.Equal(h[:8], []byte(magic)) {
		return 0, errorf("not a leakhound index")
	}
	if v := le.Uint32(h[8:]); v != Version {
		return 0, errorf("format version %d, this leakhound reads version %d", v, Version)
	}
	if size := le.Uint64(h[24:]); size != uint64(fileSize) {
		return 0, errorf("is %d bytes, its header says %d (cut off?)", fileSize, size)
	}
	if id != nil {
		got := Identity{Size: int64(le.Uint64(h[32:])), ModTime: int64(le.Uint64(h[40:]))}
		copy(got.Hash[:], h[48:80])
		if got != *id {
			return 0, ErrStale
		}
	}
	n := int(le.Uint32(h[12:]))
	if n < 1 || n > maxSections {
		return 0, errorf("has %d sections", n)
	}
	return n, nil
}

// decode checks data, a whole index file, and builds the graph on its
// arrays. id nil skips the identity check, verify false the checksums
// (for fuzzing what lies behind them).
func decode(data []byte, id *Identity, verify bool) (*heapgraph.Graph, error) {
	if uintptr(unsafe.Pointer(unsafe.SliceData(data)))%align != 0 {
		data = alignedCopy(data)
	}
	le := binary.LittleEndian
	n, err := checkFixed(data, int64(len(data)), id)
	if err != nil {
		return nil, err
	}
	hlen := fixedHeader + entrySize*n + 4
	if len(data) < hlen {
		return nil, errorf("cut off in its header")
	}
	if verify && crc32.Checksum(data[:hlen-4], castagnoli) != le.Uint32(data[hlen-4:]) {
		return nil, errorf("header checksum mismatch (corrupt)")
	}
	entries, err := readEntries(data[:hlen], n, int64(len(data)))
	if err != nil {
		return nil, err
	}
	secs := map[uint32][]byte{}
	crcs := make([]uint32, 0, n)
	var order [][]byte
	for _, e := range entries {
		sec := data[e.off : e.off+e.length]
		secs[e.id] = sec
		order = append(order, sec)
		crcs = append(crcs, e.crc)
	}
	if verify {
		if err := verifySections(order, crcs); err != nil {
			return nil, err
		}
	}
	for _, need := range []uint32{secInfo, secNodeType, secNodeName, secNodeID, secNodeSelfSize, secFirstEdge,
		secEdgeName, secEdgeTo, secStrData, secStrOffsets, secDominator, secDistance,
		secFirstDominated, secDominated, secFirstRetainer, secRetainerNode, secRetainerEdge, secIDOrder} {
		if _, ok := secs[need]; !ok {
			return nil, errorf("section %d is missing", need)
		}
	}
	if (secs[secRetained] == nil) == (secs[secRetained32] == nil) {
		return nil, errorf("needs exactly one retained-size section")
	}
	if (secs[secClass] == nil) == (secs[secClass16] == nil) {
		return nil, errorf("needs exactly one class-id section")
	}
	var inf info
	if err := json.Unmarshal(secs[secInfo], &inf); err != nil {
		return nil, errorf("bad info section: %v", err)
	}
	if inf.NodeCount < 1 || inf.EdgeCount < 0 {
		return nil, errorf("has %d nodes and %d edges", inf.NodeCount, inf.EdgeCount)
	}
	s := &heapsnapshot.Snapshot{
		Meta: inf.Meta, NodeCount: inf.NodeCount, EdgeCount: inf.EdgeCount,
		NodeType: view[uint8](secs[secNodeType]), NodeName: view[uint32](secs[secNodeName]),
		NodeID: view[uint32](secs[secNodeID]), NodeSelfSize: view[uint32](secs[secNodeSelfSize]),
		NodeTraceNodeID: view[uint32](secs[secNodeTrace]), NodeDetachedness: view[uint8](secs[secNodeDetachedness]),
		FirstEdge: view[uint32](secs[secFirstEdge]), EdgeTypeAndName: view[uint32](secs[secEdgeName]),
		EdgeBigNames: bigNames(view[uint32](secs[secEdgeBigNames])), EdgeTo: view[uint32](secs[secEdgeTo]),
		Strings:      heapsnapshot.StringTable{Data: view[uint8](secs[secStrData]), Offsets: view[uint32](secs[secStrOffsets])},
		LocationNode: view[uint32](secs[secLocNode]), LocationScript: view[uint32](secs[secLocScript]),
		LocationLine: view[uint32](secs[secLocLine]), LocationColumn: view[uint32](secs[secLocColumn]),
		TraceFunctionCount: inf.TraceFunctionCount, ExtraNativeBytes: inf.ExtraNativeBytes,
	}
	s.ResolveTypes()
	if _, ok := secs[secTraceNodeID]; ok {
		t := &heapsnapshot.Traces{
			FuncName: view[uint32](secs[secTraceFuncName]), FuncScript: view[uint32](secs[secTraceFuncScript]),
			FuncLine: view[uint32](secs[secTraceFuncLine]), FuncColumn: view[uint32](secs[secTraceFuncColumn]),
			NodeID: view[uint32](secs[secTraceNodeID]), NodeParent: view[uint32](secs[secTraceNodeParent]),
			NodeFunc: view[uint32](secs[secTraceNodeFunc]),
		}
		if err := t.Check(s.Strings.Len()); err != nil {
			return nil, errorf("%v", err)
		}
		s.Traces = t
	}
	g, err := heapgraph.FromParts(s, heapgraph.Parts{
		Dominator: view[uint32](secs[secDominator]), Retained: view[uint64](secs[secRetained]), Retained32: view[uint32](secs[secRetained32]),
		Distance: view[int32](secs[secDistance]), Class: view[uint32](secs[secClass]), Class16: view[uint16](secs[secClass16]),
		Detachedness: view[uint8](secs[secDetachedness]), FirstDominated: view[uint32](secs[secFirstDominated]),
		Dominated: view[uint32](secs[secDominated]), FirstRetainer: view[uint32](secs[secFirstRetainer]),
		RetainerNode: view[uint32](secs[secRetainerNode]), RetainerEdge: view[uint32](secs[secRetainerEdge]),
		IDOrder: view[uint32](secs[secIDOrder]), Classes: inf.Classes, Stats: inf.Stats,
		Summary: classSummaries(inf.Summary, inf.Classes),
	})
	if err != nil {
		return nil, errorf("%v", err)
	}
	return g, nil
}

// readEntries checks and returns the section table of a header h (the
// fixed part, n entries and the header checksum, already verified) of a
// file of fileSize bytes.
func readEntries(h []byte, n int, fileSize int64) ([]entry, error) {
	le := binary.LittleEndian
	hlen := uint64(len(h))
	seen := map[uint32]bool{}
	out := make([]entry, 0, n)
	for i := range n {
		b := h[fixedHeader+entrySize*i:]
		e := entry{id: le.Uint32(b[0:]), elem: le.Uint32(b[4:]), off: le.Uint64(b[8:]), length: le.Uint64(b[16:]), crc: le.Uint32(b[24:])}
		if e.id == 0 || e.id >= secLast || e.elem != elemSize(e.id) {
			return nil, errorf("section %d has id %d, element size %d", i, e.id, e.elem)
		}
		if seen[e.id] {
			return nil, errorf("section %d appears twice", e.id)
		}
		seen[e.id] = true
		if e.off%align != 0 || e.off < hlen || e.off > uint64(fileSize) ||
			e.length > uint64(fileSize)-e.off || e.length%uint64(e.elem) != 0 {
			return nil, errorf("section %d lies outside the file", e.id)
		}
		out = append(out, e)
	}
	return out, nil
}

// verifySections checks every section's CRC-32C.
func verifySections(secs [][]byte, crcs []uint32) error {
	for i, c := range checksums(secs) {
		if c != crcs[i] {
			return errorf("checksum mismatch (corrupt)")
		}
	}
	return nil
}

// checksums computes the CRC-32C of each section on every core, biggest
// first so the workers finish together.
func checksums(secs [][]byte) []uint32 {
	out := make([]uint32, len(secs))
	order := make([]int, len(secs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(secs[order[a]]) > len(secs[order[b]]) })
	next := make(chan int, len(secs))
	for _, i := range order {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = crc32.Checksum(secs[i], castagnoli)
			}
		}()
	}
	wg.Wait()
	return out
}

// view is b as a slice of T, in place (b is aligned and little-endian);
// nil for an absent section.
// bigNames reads the pairs that bigNameBytes wrote. A missing pair (a
// corrupt file the checksums let through) only leaves an edge's name
// unknown: EdgeNameOrIndex then returns an index no string has.
func bigNames(a []uint32) []heapsnapshot.EdgeBigName {
	if len(a) < 2 {
		return nil
	}
	b := make([]heapsnapshot.EdgeBigName, len(a)/2)
	for i := range b {
		b[i] = heapsnapshot.EdgeBigName{Edge: a[2*i], NameOrIndex: a[2*i+1]}
	}
	return b
}

func view[T uint8 | uint16 | uint32 | int32 | uint64](b []byte) []T {
	if b == nil {
		return nil
	}
	var z T
	n := len(b) / int(unsafe.Sizeof(z))
	if n == 0 {
		return []T{}
	}
	return unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(b))), n)
}

// alignedCopy copies b into memory aligned for every array type.
func alignedCopy(b []byte) []byte {
	out := alignedBuffer(len(b))
	copy(out, b)
	return out
}

// readAll reads the whole file into aligned memory (systems without mmap).
func readAll(f *os.File, size int64) ([]byte, error) {
	if size < 0 || int64(int(size)) != size {
		return nil, errorf("too big to read on this system")
	}
	buf := alignedBuffer(int(size))
	if _, err := f.ReadAt(buf, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf, nil
}

// alignedBuffer is n bytes of zeroed memory aligned for every array type.
func alignedBuffer(n int) []byte {
	words := make([]uint64, (n+align+7)/8)
	base := unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), len(words)*8)
	skip := int((align - uintptr(unsafe.Pointer(&base[0]))%align) % align)
	return base[skip : skip+n]
}

// classSummaries names the saved summary rows; nil (computed on demand)
// when a row's class is out of range, which FromParts then never sees.
func classSummaries(rows []summaryRow, classes []heapgraph.Class) []heapgraph.ClassSummary {
	out := make([]heapgraph.ClassSummary, 0, len(rows))
	for _, r := range rows {
		if int(r.Class) >= len(classes) {
			return nil
		}
		out = append(out, heapgraph.ClassSummary{Class: r.Class, Name: classes[r.Class].Name,
			Count: r.Count, Shallow: r.Shallow, Retained: r.Retained, Distance: r.Distance})
	}
	return out
}
