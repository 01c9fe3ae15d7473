package heapsnapshot

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync/atomic"
)

// Options tunes Read and Open.
type Options struct {
	// OnProgress, if set, is called with the number of input bytes (as
	// stored: compressed for gzip) consumed so far. For gzip input it is
	// called from a helper goroutine: it must be safe for concurrent use
	// (ui.Progress's methods are).
	OnProgress func(bytesRead int64)
	// Size is the input size in bytes when known (0 = unknown). Open fills
	// it from the file. It bounds what a lying header can make us allocate.
	Size int64
	// Workers is the number of goroutines parsing the big number arrays;
	// 0 means GOMAXPROCS.
	Workers int
}

// Open reads the heap snapshot at path (plain or gzip, detected by content).
// Invalid content yields a *FormatError; I/O failures are returned as is.
func Open(path string, opts Options) (*Snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if opts.Size <= 0 {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			opts.Size = st.Size()
		}
	}
	return Read(f, opts)
}

// Read parses a heap snapshot from r (plain or gzip, detected by the magic
// bytes). Invalid content yields a *FormatError.
func Read(r io.Reader, opts Options) (*Snapshot, error) {
	cr := &countingReader{r: r, fn: opts.OnProgress}
	br := bufio.NewReaderSize(cr, 64<<10)
	p := &parser{cr: cr, br: br, size: opts.Size, workers: opts.Workers}
	p.r = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			if fe := gzipErr(err, 0); fe != nil {
				return nil, fe
			}
			return nil, err
		}
		defer zr.Close()
		ra := newReadahead(zr)
		defer ra.Close()
		p.r, p.gz = ra, true
	}
	return p.parse()
}

// countingReader counts the bytes read. For gzip input it is read by the
// readahead goroutine while the parser asks how much is left, so the count
// is atomic.
type countingReader struct {
	r  io.Reader
	n  atomic.Int64
	fn func(int64)
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	total := c.n.Add(int64(n))
	if c.fn != nil && n > 0 {
		c.fn(total)
	}
	return n, err
}

// gzipErr turns decompression failures into FormatErrors (nil if err is not one).
func gzipErr(err error, off int64) *FormatError {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &FormatError{Offset: off, Truncated: true, Msg: fmt.Sprintf(
			"the gzip stream ends after %s decompressed bytes: the file is truncated — was the process killed while writing it?",
			commas(off))}
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &ce):
		return &FormatError{Offset: off, Msg: "not a valid heap snapshot: corrupt gzip data after " +
			commas(off) + " decompressed bytes: " + err.Error()}
	}
	return nil
}

const (
	minBuf = 1 << 20
	// maxDeflateRatio bounds how much a gzip stream can expand (deflate's
	// theoretical maximum is about 1032:1), so even a compressed input tells
	// us how much a header may honestly claim.
	maxDeflateRatio = 1032
)

type role uint8

const (
	rIgnore role = iota
	rType
	rName
	rID
	rSelfSize
	rEdgeCount
	rTrace
	rDetached
	rTo
)

type parser struct {
	r        io.Reader
	cr       *countingReader
	br       *bufio.Reader
	gz       bool
	size     int64
	workers  int
	buf      []byte
	pos, end int
	base     int64 // offset of buf[0] in the decompressed stream
	eof      bool
	rerr     error

	snap                Snapshot
	haveHeader          bool
	nodeHint, edgeHint  int64
	nf, ef              int
	nodeRoles, edgeRole []role

	section string // section being read, for messages
	// valuesRead counts the numbers of the current array handed to its
	// sink, in order; progress messages read it.
	valuesRead atomic.Int64
	failed     atomic.Bool // a worker found bad input: stop reading
	progress   func() string

	seen map[string]bool
	// Sections that came before the header are kept raw and replayed.
	raw map[string][]uint32

	// Allocation traces: the tree as read, the layout it was read with,
	// and the function infos, split into columns once the header is known.
	traces          Traces
	traceTreeFields []string
	traceFuncRaw    []uint32
}

// fill reads more input, keeping the unread bytes. It returns false when no
// more bytes arrived.
func (p *parser) fill() bool {
	if p.eof {
		return false
	}
	if p.buf == nil {
		n := minBuf
		if p.size > 0 && !p.gz && p.size < minBuf {
			n = int(max(p.size+1, 4096))
		}
		p.buf = make([]byte, n)
	}
	if p.pos > 0 {
		n := copy(p.buf, p.buf[p.pos:p.end])
		p.base += int64(p.pos)
		p.pos, p.end = 0, n
	}
	if p.end == len(p.buf) {
		nb := make([]byte, 2*len(p.buf))
		copy(nb, p.buf[:p.end])
		p.buf = nb
	}
	for {
		n, err := p.r.Read(p.buf[p.end:])
		p.end += n
		if err != nil {
			p.eof = true
			if err != io.EOF {
				p.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

func (p *parser) off() int64 { return p.base + int64(p.pos) }

// remaining is an upper bound of the decompressed bytes still to come, or -1.
func (p *parser) remaining() int64 {
	if p.size <= 0 {
		return -1
	}
	buffered := int64(p.end - p.pos)
	if !p.gz {
		r := p.size - p.off()
		if r < buffered {
			r = buffered
		}
		return r
	}
	// Compressed bytes not yet consumed by the decompressor, which may also
	// hold up to a window (32 KB) of output not handed to us yet. The
	// reader's buffer (64 KiB) belongs to the readahead goroutine: count it
	// as unread, an upper bound.
	left := p.size - (p.cr.n.Load() - 64<<10)
	if left < 0 {
		left = 0
	}
	if left > math.MaxInt64/maxDeflateRatio/2 {
		return -1
	}
	return left*maxDeflateRatio + buffered + 64<<10
}

func (p *parser) errAt(off int64, format string, a ...any) error {
	msg := fmt.Sprintf(format, a...)
	if p.section != "" {
		msg = "in \"" + p.section + "\": " + msg
	}
	return formatErr(off, msg)
}

// eofErr explains why the input ended: a read error, or truncation.
func (p *parser) eofErr() error {
	off := p.base + int64(p.end)
	if p.rerr != nil && !errors.Is(p.rerr, io.ErrUnexpectedEOF) {
		if fe := gzipErr(p.rerr, off); fe != nil {
			return fe
		}
		return p.rerr
	}
	if off == 0 {
		if p.gz && errors.Is(p.rerr, io.ErrUnexpectedEOF) {
			return gzipErr(p.rerr, 0)
		}
		return &FormatError{Offset: 0, Msg: "not a valid heap snapshot: the file is empty"}
	}
	where := ""
	if p.section != "" {
		where = " (in \"" + p.section + "\"" + p.progressText() + ")"
	}
	of := ""
	if p.gz {
		of = " of the decompressed data"
		if p.rerr != nil {
			of = " of the decompressed data, where the gzip stream stops"
		}
	} else if p.size > 0 {
		of = " of " + commas(p.size)
	}
	return &FormatError{Offset: off, Truncated: true, Msg: fmt.Sprintf(
		"the snapshot ends at byte %s%s%s: the file is truncated — was the process killed while writing it?",
		commas(off), of, where)}
}

func (p *parser) progressText() string {
	if p.progress == nil {
		return ""
	}
	return ", " + p.progress()
}

func isWS(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// skipWS skips whitespace; false means the input ended.
func (p *parser) skipWS() bool {
	for {
		for p.pos < p.end {
			if !isWS(p.buf[p.pos]) {
				return true
			}
			p.pos++
		}
		if !p.fill() {
			return false
		}
	}
}

// next returns the next non-whitespace byte without consuming it.
func (p *parser) next() (byte, error) {
	if !p.skipWS() {
		return 0, p.eofErr()
	}
	return p.buf[p.pos], nil
}

func (p *parser) expect(c byte, what string) error {
	b, err := p.next()
	if err != nil {
		return err
	}
	if b != c {
		return p.errAt(p.off(), "expected %s, found %s", what, quoteByte(b))
	}
	p.pos++
	return nil
}

func quoteByte(b byte) string {
	if b >= 0x20 && b < 0x7f {
		return "'" + string(rune(b)) + "'"
	}
	return fmt.Sprintf("byte 0x%02x", b)
}

func (p *parser) parse() (*Snapshot, error) {
	p.nodeHint, p.edgeHint = -1, -1
	p.seen = map[string]bool{}
	p.fill()
	// A UTF-8 byte order mark is harmless; skip it.
	if p.end >= 3 && p.buf[0] == 0xef && p.buf[1] == 0xbb && p.buf[2] == 0xbf {
		p.pos = 3
	}
	c, err := p.next()
	if err != nil {
		if fe, ok := err.(*FormatError); ok && fe.Truncated && !(p.gz && errors.Is(p.rerr, io.ErrUnexpectedEOF)) {
			return nil, &FormatError{Offset: 0, Msg: "not a valid heap snapshot: the file is empty"}
		}
		return nil, err
	}
	if c != '{' {
		if c == '[' || c == '"' || c == '-' || (c >= '0' && c <= '9') || c == 't' || c == 'f' || c == 'n' {
			return nil, formatErr(-1, "the file is JSON (or starts like it) but its top level is not an object, so it is not a V8 heap snapshot")
		}
		return nil, formatErr(-1, fmt.Sprintf("the file is not JSON (it starts with %s)", quoteByte(c)))
	}
	p.pos++
	var key []byte
	for first := true; ; first = false {
		c, err := p.next()
		if err != nil {
			return nil, err
		}
		if c == '}' && first {
			p.pos++
			break
		}
		if c != '"' {
			return nil, p.errAt(p.off(), "expected a key string, found %s", quoteByte(c))
		}
		p.pos++
		keyOff := p.off()
		key, err = p.readString(key[:0], 256)
		if err != nil {
			return nil, err
		}
		if err := p.expect(':', "':'"); err != nil {
			return nil, err
		}
		k := string(key)
		if p.seen[k] && isSection(k) {
			return nil, formatErr(keyOff, fmt.Sprintf("key %q appears twice", k))
		}
		p.seen[k] = true
		if err := p.readSection(k); err != nil {
			return nil, err
		}
		p.section, p.progress = "", nil
		c, err = p.next()
		if err != nil {
			return nil, err
		}
		p.pos++
		if c == '}' {
			break
		}
		if c != ',' {
			return nil, p.errAt(p.off()-1, "expected ',' or '}' after the value of %q, found %s", k, quoteByte(c))
		}
	}
	if p.skipWS() {
		return nil, formatErr(p.off(), "unexpected data after the end of the snapshot")
	}
	if p.rerr != nil {
		return nil, p.eofErr()
	}
	return p.finish()
}

// jscMsg says why a JavaScriptCore heap snapshot is refused and how to get
// a V8 one.
const jscMsg = `this is a JavaScriptCore heap snapshot (Bun's default format, Safari), not V8's; in Bun write V8's with Bun.generateHeapSnapshot("v8")`

func isSection(k string) bool {
	switch k {
	case "snapshot", "nodes", "edges", "strings", "locations", "trace_function_infos", "trace_tree":
		return true
	}
	return false
}

func (p *parser) readSection(k string) error {
	switch k {
	case "snapshot":
		p.section = "snapshot"
		off := p.off()
		v, err := p.value(0)
		if err != nil {
			return err
		}
		if err := p.header(v, off); err != nil {
			return err
		}
		for _, s := range []string{"nodes", "edges", "locations"} {
			if raw, ok := p.raw[s]; ok {
				p.section = s
				if err := p.replay(s, raw); err != nil {
					return err
				}
				delete(p.raw, s)
			}
		}
		return nil
	case "nodes", "edges", "locations":
		p.section = k
		if err := p.expect('[', "'['"); err != nil {
			return err
		}
		sk, err := p.sinkFor(k)
		if err != nil {
			return err
		}
		return p.uintArray(sk)
	case "strings":
		p.section = k
		if err := p.expect('[', "'['"); err != nil {
			return err
		}
		return p.stringsArray()
	case "trace_function_infos":
		p.section = k
		if err := p.expect('[', "'['"); err != nil {
			return err
		}
		rs := &rawSink{done: func(v []uint32) { p.traceFuncRaw = v }}
		if r := p.remaining(); r >= 0 {
			rs.vals = make([]uint32, 0, min(r/2+1, 1<<16))
		}
		p.progress = func() string { return commas(p.valuesRead.Load()) + " numbers read" }
		return p.uintArray(rs)
	case "trace_tree":
		p.section = k
		if !p.traceTreeUsable() {
			return p.skipValue()
		}
		if err := p.expect('[', "'['"); err != nil {
			return err
		}
		return p.traceTree()
	case "type", "nodeClassNames", "edgeTypes":
		// JavaScriptCore's heap snapshot (Bun's default, Safari's Web
		// Inspector) has these at the top level; V8 never does. Refuse it
		// at its first key rather than after reading its nodes.
		if !p.seen["snapshot"] {
			return formatErr(-1, jscMsg)
		}
		return p.skipValue()
	default:
		// samples, and keys from the future.
		return p.skipValue()
	}
}

// sinkFor returns where the numbers of section k go: straight into the
// columns once the header is known, else into a raw buffer.
func (p *parser) sinkFor(k string) (sink, error) {
	if !p.haveHeader {
		rs := &rawSink{}
		if r := p.remaining(); r >= 0 {
			rs.vals = make([]uint32, 0, min(r/2+1, 1<<20))
		}
		p.progress = func() string { return commas(p.valuesRead.Load()) + " numbers read" }
		if p.raw == nil {
			p.raw = map[string][]uint32{}
		}
		rs.done = func(v []uint32) { p.raw[k] = v }
		return rs, nil
	}
	switch k {
	case "nodes":
		return p.newNodeSink(), nil
	case "edges":
		return p.newEdgeSink(), nil
	default:
		return p.newLocationSink(), nil
	}
}

func (p *parser) replay(k string, raw []uint32) error {
	sk, err := p.sinkFor(k)
	if err != nil {
		return err
	}
	if err := sk.ensure(int64(len(raw)), -1); err != nil {
		return err
	}
	if err := sk.scatter(0, raw, -1); err != nil {
		return err
	}
	return sk.close(int64(len(raw)), -1)
}

// stringsArray reads the string table (the opening '[' is consumed).
func (p *parser) stringsArray() error {
	st := &p.snap.Strings
	if r := p.remaining(); r >= 0 {
		st.Data = make([]byte, 0, min(r, math.MaxUint32))
	}
	st.Offsets = append(make([]uint32, 0, 1024), 0)
	p.progress = func() string { return commas(int64(st.Len())) + " strings read" }
	c, err := p.next()
	if err != nil {
		return err
	}
	if c == ']' {
		p.pos++
		return nil
	}
	for {
		if !slowStrings && p.stringsFast(st) {
			return nil
		}
		if err := p.expect('"', "a string"); err != nil {
			return err
		}
		st.Data, err = p.readString(st.Data, math.MaxUint32)
		if err != nil {
			return err
		}
		st.Offsets = append(st.Offsets, uint32(len(st.Data)))
		c, err := p.next()
		if err != nil {
			return err
		}
		p.pos++
		if c == ']' {
			return nil
		}
		if c != ',' {
			return p.errAt(p.off()-1, "expected ',' or ']', found %s", quoteByte(c))
		}
	}
}

// slowStrings turns stringsFast off (tests compare the two paths).
var slowStrings bool

// stringsFast reads the elements of the strings array that lie whole in
// the buffer and have no escape (nearly all), from p.pos, the start of an
// element, without the per-byte calls of the general path, which takes
// over at anything else (an escape, the buffer's end, an error). It
// reports whether it consumed the closing ']'.
func (p *parser) stringsFast(st *StringTable) bool {
	b := p.buf[:p.end]
	i := p.pos
	for {
		for i < len(b) && isWS(b[i]) {
			i++
		}
		if i >= len(b) || b[i] != '"' {
			return false
		}
		k := i + 1
		for k < len(b) && b[k] != '"' && b[k] != '\\' {
			k++
		}
		if k >= len(b) || b[k] != '"' {
			return false
		}
		m := k + 1
		for m < len(b) && isWS(b[m]) {
			m++
		}
		if m >= len(b) || (b[m] != ',' && b[m] != ']') || len(st.Data)+k-i-1 > math.MaxUint32 {
			return false
		}
		st.Data = append(st.Data, b[i+1:k]...)
		st.Offsets = append(st.Offsets, uint32(len(st.Data)))
		i = m + 1
		p.pos = i
		if b[m] == ']' {
			return true
		}
	}
}

func (p *parser) finish() (*Snapshot, error) {
	s := &p.snap
	for _, k := range []string{"snapshot", "nodes", "edges", "strings"} {
		if !p.seen[k] {
			if !p.seen["snapshot"] && !p.seen["nodes"] {
				return nil, formatErr(-1, "the file is JSON but not a V8 heap snapshot (no \"snapshot\" header or \"nodes\")")
			}
			return nil, formatErr(-1, fmt.Sprintf("the %q section is missing", k))
		}
	}
	if s.FirstEdge[s.NodeCount] != uint32(s.EdgeCount) {
		return nil, formatErr(-1, fmt.Sprintf("the nodes' edge_count fields add up to %s, but there are %s edges",
			commas(int64(s.FirstEdge[s.NodeCount])), commas(int64(s.EdgeCount))))
	}
	ns := uint32(s.Strings.Len())
	for i, n := range s.NodeName {
		if n >= ns {
			return nil, formatErr(-1, fmt.Sprintf("node %s has name string %d, but there are only %s strings", commas(int64(i)), n, commas(int64(ns))))
		}
	}
	s.ResolveTypes()
	el, hid := s.EdgeTypeIndex.Element, s.EdgeTypeIndex.Hidden
	for e, v := range s.EdgeTypeAndName {
		if t := int(EdgeTypeOf(v)); t == el || t == hid {
			continue
		}
		if n := v & edgeNameMask; n >= ns || n == edgeNameMask {
			if n = s.EdgeNameOrIndex(uint32(e)); n >= ns {
				return nil, formatErr(-1, fmt.Sprintf("edge %s has name string %d, but there are only %s strings", commas(int64(e)), n, commas(int64(ns))))
			}
		}
	}
	if s.NodeCount == 0 {
		return nil, formatErr(-1, "the snapshot has no nodes (not even the root)")
	}
	if err := p.finishTraces(s); err != nil {
		return nil, err
	}
	out := *s
	return &out, nil
}
