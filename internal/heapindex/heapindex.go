// Package heapindex saves an analysed heap snapshot as an index file and
// re-opens it without parsing or analysing the snapshot again.
//
// An index is a versioned binary file of fixed-width little-endian arrays:
// the parsed snapshot (struct of arrays, CSR edges, string table) and
// everything heapgraph computed (dominators, retained sizes, distances,
// class ids, the dominator tree, the retainer CSR, the id order). Arrays
// start at 64-byte boundaries, so on unix the file is memory-mapped and the
// graph's slices point straight into the mapping: re-opening costs one
// pass to verify the file, and memory is the pages the process touches.
//
// Layout (all little-endian):
//
//	header   magic "LHHEAPIX", format version, section count, data offset,
//	         file size, the snapshot's identity (size, mtime, SHA-256 of its
//	         first and last MiB), then one 32-byte entry per section (id,
//	         element size, offset, byte length, CRC-32C) and the CRC-32C of
//	         all of the above.
//	sections one JSON section (meta, classes, statistics, counts) and the
//	         arrays, each at a 64-byte aligned offset.
//
// A file whose version, identity, size or any checksum does not match is
// refused with an error saying why; it is never used for an answer.
package heapindex

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"
)

// Version is the format version. Bump it whenever the layout changes or
// heapgraph's numbers for a snapshot change, so old indexes are not used.
const Version = 6

// Ext is the file name extension of index files.
const Ext = ".lhx"

const (
	magic       = "LHHEAPIX"
	align       = 64
	entrySize   = 32
	fixedHeader = 80
	hashBytes   = 1 << 20 // hashed at each end of the snapshot
	maxSections = 64
)

// ErrStale means the index was written for another snapshot, or for this
// path before the snapshot changed.
var ErrStale = errors.New("index is for a different snapshot")

// Identity identifies a snapshot file cheaply: its size, modification time
// and a hash of its first and last MiB (not the whole file: a multi-GB file
// must not be read just to find its index).
type Identity struct {
	Size    int64
	ModTime int64 // Unix nanoseconds
	Hash    [32]byte
}

// Identify computes the identity of the snapshot at path.
func Identify(path string) (Identity, error) {
	f, err := os.Open(path)
	if err != nil {
		return Identity{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Identity{}, err
	}
	id := Identity{Size: st.Size(), ModTime: st.ModTime().UnixNano()}
	h := sha256.New()
	head := min(st.Size(), hashBytes)
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, head)); err != nil {
		return Identity{}, err
	}
	if tail := max(head, st.Size()-hashBytes); tail < st.Size() {
		if _, err := io.Copy(h, io.NewSectionReader(f, tail, st.Size()-tail)); err != nil {
			return Identity{}, err
		}
	}
	h.Sum(id.Hash[:0])
	return id, nil
}

// Name is the index file name for a snapshot with identity id: a hash of
// the identity, so any copy of the file with the same identity shares it.
func (id Identity) Name() string {
	var b [48]byte
	binary.LittleEndian.PutUint64(b[0:], uint64(id.Size))
	binary.LittleEndian.PutUint64(b[8:], uint64(id.ModTime))
	copy(b[16:], id.Hash[:])
	sum := sha256.Sum256(b[:])
	return hex.EncodeToString(sum[:12]) + Ext
}

// littleEndian reports whether this machine stores numbers little-endian,
// as the file does; arrays are used in place only then.
func littleEndian() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}

// Section ids. Their numbers are part of the format.
const (
	secInfo = iota + 1
	secNodeType
	secNodeName
	secNodeID
	secNodeSelfSize
	secNodeTrace
	secNodeDetachedness
	secFirstEdge
	secEdgeType // up to version 5; since 6 the types are in secEdgeName
	secEdgeName // heapsnapshot.Snapshot.EdgeTypeAndName since version 6
	secEdgeTo
	secStrData
	secStrOffsets
	secLocNode
	secLocScript
	secLocLine
	secLocColumn
	secDominator
	secRetained
	secDistance
	secClass
	secDetachedness
	secFirstDominated
	secDominated
	secFirstRetainer
	secRetainerNode
	secRetainerEdge
	secIDOrder
	secRetained32 // instead of secRetained when every retained size fits in 32 bits
	// Allocation traces (version 4), present only for a traced snapshot.
	secTraceFuncName
	secTraceFuncScript
	secTraceFuncLine
	secTraceFuncColumn
	secTraceNodeID
	secTraceNodeParent
	secTraceNodeFunc
	secClass16      // instead of secClass when there are at most 65,536 classes (version 5)
	secEdgeBigNames // edge, name_or_index pairs of EdgeBigNames; absent when empty (version 6)
	secLast
)

// elemSize is the element size of each section's array.
func elemSize(id uint32) uint32 {
	switch id {
	case secInfo, secNodeType, secNodeDetachedness, secEdgeType, secStrData, secDetachedness:
		return 1
	case secRetained:
		return 8
	case secClass16:
		return 2
	}
	return 4
}

type entry struct {
	id, elem    uint32
	off, length uint64
	crc         uint32
}

func errorf(format string, args ...any) error {
	return fmt.Errorf("index: "+format, args...)
}
