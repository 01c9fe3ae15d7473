package heapindex

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// Summary is what DevTools' Summary view needs from an index: the counts,
// the statistics and the per-class rows. OpenSummary reads it from the
// header and the small info section alone, so a summary from the index
// touches a few pages of the file however big the snapshot is.
type Summary struct {
	NodeCount, EdgeCount int
	Stats                heapgraph.Statistics
	Rows                 []heapgraph.ClassSummary // sorted as Graph.Summary sorts them
}

// maxInfo bounds the info section OpenSummary reads (class tables of real
// heaps are a few MB).
const maxInfo = 1 << 30

// OpenSummary reads the Summary of the snapshot with identity id from the
// index at path. It checks what it reads as Open does (version, identity,
// size, the header's and the info section's checksums) but not the big
// arrays, which it never reads. errors.Is(err, fs.ErrNotExist) when there
// is no index, ErrStale when it belongs to another snapshot, ErrNoSummary
// when the index has no saved rows.
func OpenSummary(path string, id Identity) (*Summary, error) {
	f, size, n, err := openChecked(path, &id)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	hlen := int64(fixedHeader + entrySize*n + 4)
	if size < hlen {
		return nil, errorf("cut off in its header")
	}
	h := make([]byte, hlen)
	if _, err := f.ReadAt(h, 0); err != nil {
		return nil, errorf("cut off in its header")
	}
	e, err := infoEntry(h, n, size, true)
	if err != nil {
		return nil, err
	}
	if e.length > maxInfo {
		return nil, errorf("info section of %d bytes", e.length)
	}
	inf := make([]byte, e.length)
	if _, err := f.ReadAt(inf, int64(e.off)); err != nil {
		return nil, errorf("cut off in its info section")
	}
	return decodeSummary(h, n, size, inf, true)
}

// ErrNoSummary means the index has no saved Summary rows (Open still
// gives the graph, which computes them).
var ErrNoSummary = errors.New("index: no saved summary")

// infoEntry checks the header h (n sections, of a file of size bytes;
// its checksum only when verify) and returns the info section's entry.
func infoEntry(h []byte, n int, size int64, verify bool) (entry, error) {
	le := binary.LittleEndian
	hlen := len(h)
	if verify && crc32.Checksum(h[:hlen-4], castagnoli) != le.Uint32(h[hlen-4:]) {
		return entry{}, errorf("header checksum mismatch (corrupt)")
	}
	entries, err := readEntries(h, n, size)
	if err != nil {
		return entry{}, err
	}
	for _, e := range entries {
		if e.id == secInfo {
			return e, nil
		}
	}
	return entry{}, errorf("section %d is missing", secInfo)
}

// decodeSummary checks the info section inf against its entry in the
// header h and decodes the Summary; verify false skips the checksums
// (for fuzzing what lies behind them).
func decodeSummary(h []byte, n int, size int64, inf []byte, verify bool) (*Summary, error) {
	e, err := infoEntry(h, n, size, verify)
	if err != nil {
		return nil, err
	}
	if uint64(len(inf)) != e.length {
		return nil, errorf("info section of %d bytes, the header says %d", len(inf), e.length)
	}
	if verify && crc32.Checksum(inf, castagnoli) != e.crc {
		return nil, errorf("checksum mismatch (corrupt)")
	}
	var in info
	if err := json.Unmarshal(inf, &in); err != nil {
		return nil, errorf("bad info section: %v", err)
	}
	if in.NodeCount < 1 || in.EdgeCount < 0 {
		return nil, errorf("has %d nodes and %d edges", in.NodeCount, in.EdgeCount)
	}
	if len(in.Summary) == 0 {
		return nil, ErrNoSummary
	}
	rows := classSummaries(in.Summary, in.Classes)
	if rows == nil {
		return nil, errorf("summary rows name classes beyond the class table")
	}
	return &Summary{NodeCount: in.NodeCount, EdgeCount: in.EdgeCount, Stats: in.Stats, Rows: rows}, nil
}
