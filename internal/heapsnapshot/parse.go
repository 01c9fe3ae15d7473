package heapsnapshot

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"unicode/utf8"
)

// Options tunes Read and Open.
type Options struct {
	// OnProgress, if set, is called from the reading goroutine with the
	// number of input bytes (as stored: compressed for gzip) consumed so far.
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
		p.r, p.gz = zr, true
	}
	return p.parse()
}

type countingReader struct {
	r  io.Reader
	n  int64
	fn func(int64)
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	if c.fn != nil && n > 0 {
		c.fn(c.n)
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

	section  string // section being read, for messages
	progress func() string

	seen map[string]bool
	// Sections that came before the header are kept raw and replayed.
	raw map[string][]uint32
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
	// hold up to a window (32 KB) of output not handed to us yet.
	left := p.size - (p.cr.n - int64(p.br.Buffered()))
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
		if fe, ok := err.(*FormatError); ok && fe.Truncated {
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
		if err := p.section_(k); err != nil {
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

func isSection(k string) bool {
	switch k {
	case "snapshot", "nodes", "edges", "strings", "locations":
		return true
	}
	return false
}

func (p *parser) section_(k string) error {
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
	default:
		// trace_function_infos, trace_tree, samples, and keys from the future.
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
		p.progress = func() string { return commas(int64(len(rs.vals))) + " numbers read" }
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
	if err := sk.put(raw, -1); err != nil {
		return err
	}
	return sk.close(-1)
}

type sink interface {
	put(vals []uint32, off int64) error
	close(off int64) error
}

type rawSink struct {
	vals []uint32
	done func([]uint32)
}

func (r *rawSink) put(v []uint32, _ int64) error { r.vals = append(r.vals, v...); return nil }
func (r *rawSink) close(int64) error             { r.done(r.vals); return nil }

// uintArray reads a JSON array of unsigned integers (the opening '[' is
// consumed) in chunks cut after a comma, handing the numbers to sk.
func (p *parser) uintArray(sk sink) error {
	first := true
	var vals []uint32
	for {
		b := p.buf[p.pos:p.end]
		if i := bytes.IndexByte(b, ']'); i >= 0 {
			var err error
			vals, err = p.chunk(b[:i], true, first, vals[:0], sk)
			if err != nil {
				return err
			}
			p.pos += i + 1
			return sk.close(p.off())
		}
		if j := bytes.LastIndexByte(b, ','); j >= 0 {
			var err error
			vals, err = p.chunk(b[:j+1], false, first, vals[:0], sk)
			if err != nil {
				return err
			}
			first = false
			p.pos += j + 1
		} else if len(b) > 64 {
			// No separator in a long run: only leading whitespace is legal.
			k := 0
			for k < len(b) && isWS(b[k]) {
				k++
			}
			if len(b)-k > 32 {
				return p.errAt(p.off()+int64(k), "expected a number of at most 10 digits followed by ',' or ']'")
			}
			p.pos += k
		}
		if !p.fill() {
			return p.eofErr()
		}
	}
}

func (p *parser) chunk(b []byte, final, first bool, vals []uint32, sk sink) ([]uint32, error) {
	off := p.off()
	if final && first {
		k := 0
		for k < len(b) && isWS(b[k]) {
			k++
		}
		if k == len(b) {
			return vals, nil // empty array
		}
	}
	if !final {
		b = b[:len(b)-1] // the comma we cut after
	}
	vals, bad, msg := parseUints(b, vals)
	if bad >= 0 {
		return vals, p.errAt(off+int64(bad), "%s", msg)
	}
	return vals, sk.put(vals, off)
}

// parseUints parses "n, n, n" (JSON whitespace allowed) appending to dst. On
// error it returns the byte index of the problem and a message, else -1.
func parseUints(b []byte, dst []uint32) ([]uint32, int, string) {
	i, n := 0, len(b)
	for {
		for i < n && isWS(b[i]) {
			i++
		}
		if i == n {
			return dst, i, "expected a number, found ',' or ']'"
		}
		if b[i]-'0' > 9 {
			if b[i] == '-' {
				return dst, i, "number out of range: negative"
			}
			return dst, i, "expected an unsigned integer, found " + quoteByte(b[i])
		}
		start := i
		v := uint64(b[i] - '0')
		i++
		for i < n {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			v = v*10 + uint64(d)
			i++
			if i-start > 10 {
				return dst, start, "number out of range: more than 10 digits"
			}
		}
		if v > math.MaxUint32 {
			return dst, start, "number out of range: " + strconv.FormatUint(v, 10) + " does not fit in 32 bits"
		}
		dst = append(dst, uint32(v))
		for i < n && isWS(b[i]) {
			i++
		}
		if i == n {
			return dst, -1, ""
		}
		if b[i] != ',' {
			if b[i] == '.' || b[i] == 'e' || b[i] == 'E' {
				return dst, start, "expected an unsigned integer, found a fraction or exponent"
			}
			return dst, i, "expected ',' or ']', found " + quoteByte(b[i])
		}
		i++
	}
}

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

// growTo returns s extended to at least n elements (n <= limit).
func growTo[T uint8 | uint32](s []T, n, limit int) []T {
	if s == nil {
		return nil
	}
	if n <= len(s) {
		return s
	}
	m := max(2*len(s), n, 1024)
	if m > limit {
		m = limit
	}
	if m <= cap(s) {
		return s[:m]
	}
	ns := make([]T, m)
	copy(ns, s)
	return ns
}

type nodeSink struct {
	p      *parser
	s      *Snapshot
	roles  []role
	f, row int
	rows   int // allocated rows
	limit  int
	ntypes int
}

func (p *parser) newNodeSink() *nodeSink {
	s := &p.snap
	n := p.capFor(p.nodeHint, p.nf)
	ns := &nodeSink{p: p, s: s, roles: p.nodeRoles, rows: n, limit: int(p.nodeHint), ntypes: len(s.Meta.NodeTypes)}
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
		return fmt.Sprintf("%d%% of the nodes read", pct(int64(ns.row), p.nodeHint))
	}
	return ns
}

func pct(a, b int64) int64 {
	if b <= 0 {
		return 0
	}
	return a * 100 / b
}

func (ns *nodeSink) grow(off int64) error {
	if ns.row >= ns.limit {
		return ns.p.errAt(off, "more nodes than the header's node_count (%s)", commas(int64(ns.limit)))
	}
	s := ns.s
	n := ns.row + 1
	s.NodeType = growTo(s.NodeType, n, ns.limit)
	s.NodeName = growTo(s.NodeName, n, ns.limit)
	s.NodeID = growTo(s.NodeID, n, ns.limit)
	s.NodeSelfSize = growTo(s.NodeSelfSize, n, ns.limit)
	s.NodeTraceNodeID = growTo(s.NodeTraceNodeID, n, ns.limit)
	s.NodeDetachedness = growTo(s.NodeDetachedness, n, ns.limit)
	s.FirstEdge = growTo(s.FirstEdge, len(s.NodeType)+1, ns.limit+1)
	ns.rows = len(s.NodeType)
	return nil
}

func (ns *nodeSink) put(vals []uint32, off int64) error {
	s, roles, f, row := ns.s, ns.roles, ns.f, ns.row
	defer func() { ns.f, ns.row = f, row }()
	for _, v := range vals {
		if f == 0 && row >= ns.rows {
			ns.f, ns.row = f, row
			if err := ns.grow(off); err != nil {
				return err
			}
		}
		switch roles[f] {
		case rType:
			if int(v) >= ns.ntypes {
				return ns.p.errAt(off, "node %s has type %d, but meta.node_types lists only %d types", commas(int64(row)), v, ns.ntypes)
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
			s.NodeTraceNodeID[row] = v
		case rDetached:
			if v > 255 {
				return ns.p.errAt(off, "node %s has detachedness %d (out of range)", commas(int64(row)), v)
			}
			s.NodeDetachedness[row] = uint8(v)
		}
		f++
		if f == len(roles) {
			f = 0
			row++
		}
	}
	return nil
}

func (ns *nodeSink) close(off int64) error {
	if ns.f != 0 {
		return ns.p.errAt(off, "the array has %d numbers left over after the last whole node (%d fields per node)", ns.f, len(ns.roles))
	}
	if int64(ns.row) != ns.p.nodeHint {
		return ns.p.errAt(off, "the header's node_count is %s but there are %s nodes", commas(ns.p.nodeHint), commas(int64(ns.row)))
	}
	s, n := ns.s, ns.row
	s.NodeCount = n
	s.NodeType, s.NodeName, s.NodeID, s.NodeSelfSize = s.NodeType[:n], s.NodeName[:n], s.NodeID[:n], s.NodeSelfSize[:n]
	if s.NodeTraceNodeID != nil {
		s.NodeTraceNodeID = s.NodeTraceNodeID[:n]
	}
	if s.NodeDetachedness != nil {
		s.NodeDetachedness = s.NodeDetachedness[:n]
	}
	s.FirstEdge = s.FirstEdge[:n+1]
	// Prefix sums turn edge counts into CSR offsets.
	var sum uint64
	for i := 1; i <= n; i++ {
		sum += uint64(s.FirstEdge[i])
		if sum > math.MaxUint32 {
			return ns.p.errAt(off, "the nodes' edge_count fields add up to more than 2^32")
		}
		s.FirstEdge[i] = uint32(sum)
	}
	return nil
}

type edgeSink struct {
	p      *parser
	s      *Snapshot
	roles  []role
	f, row int
	rows   int
	limit  int
	nf     uint32
	nodes  uint32
	ntypes int
}

func (p *parser) newEdgeSink() *edgeSink {
	s := &p.snap
	n := p.capFor(p.edgeHint, p.ef)
	es := &edgeSink{p: p, s: s, roles: p.edgeRole, rows: n, limit: int(p.edgeHint),
		nf: uint32(p.nf), nodes: uint32(p.nodeHint), ntypes: len(s.Meta.EdgeTypes)}
	s.EdgeType = make([]uint8, n)
	s.EdgeNameOrIndex = make([]uint32, n)
	s.EdgeTo = make([]uint32, n)
	p.progress = func() string {
		return fmt.Sprintf("%d%% of the edges read", pct(int64(es.row), p.edgeHint))
	}
	return es
}

func (es *edgeSink) put(vals []uint32, off int64) error {
	s, roles, f, row := es.s, es.roles, es.f, es.row
	defer func() { es.f, es.row = f, row }()
	for _, v := range vals {
		if f == 0 && row >= es.rows {
			if row >= es.limit {
				return es.p.errAt(off, "more edges than the header's edge_count (%s)", commas(int64(es.limit)))
			}
			s.EdgeType = growTo(s.EdgeType, row+1, es.limit)
			s.EdgeNameOrIndex = growTo(s.EdgeNameOrIndex, row+1, es.limit)
			s.EdgeTo = growTo(s.EdgeTo, row+1, es.limit)
			es.rows = len(s.EdgeType)
		}
		switch roles[f] {
		case rType:
			if int(v) >= es.ntypes {
				return es.p.errAt(off, "edge %s has type %d, but meta.edge_types lists only %d types", commas(int64(row)), v, es.ntypes)
			}
			s.EdgeType[row] = uint8(v)
		case rName:
			s.EdgeNameOrIndex[row] = v
		case rTo:
			q := v / es.nf
			if q*es.nf != v {
				return es.p.errAt(off, "edge %s points to node offset %d, which is not a multiple of the node field count %d", commas(int64(row)), v, es.nf)
			}
			if q >= es.nodes {
				return es.p.errAt(off, "edge %s points to node %s, but there are only %s nodes", commas(int64(row)), commas(int64(q)), commas(int64(es.nodes)))
			}
			s.EdgeTo[row] = q
		}
		f++
		if f == len(roles) {
			f = 0
			row++
		}
	}
	return nil
}

func (es *edgeSink) close(off int64) error {
	if es.f != 0 {
		return es.p.errAt(off, "the array has %d numbers left over after the last whole edge (%d fields per edge)", es.f, len(es.roles))
	}
	if int64(es.row) != es.p.edgeHint {
		return es.p.errAt(off, "the header's edge_count is %s but there are %s edges", commas(es.p.edgeHint), commas(int64(es.row)))
	}
	s, n := es.s, es.row
	s.EdgeCount = n
	s.EdgeType, s.EdgeNameOrIndex, s.EdgeTo = s.EdgeType[:n], s.EdgeNameOrIndex[:n], s.EdgeTo[:n]
	return nil
}

type locationSink struct {
	p    *parser
	vals []uint32
}

func (p *parser) newLocationSink() *locationSink {
	ls := &locationSink{p: p}
	p.progress = func() string { return commas(int64(len(ls.vals))) + " numbers read" }
	return ls
}

func (ls *locationSink) put(v []uint32, _ int64) error { ls.vals = append(ls.vals, v...); return nil }

func (ls *locationSink) close(off int64) error {
	p, s := ls.p, &ls.p.snap
	fields := s.Meta.LocationFields
	lf := len(fields)
	if lf == 0 {
		return nil
	}
	if len(ls.vals)%lf != 0 {
		return p.errAt(off, "the array length %d is not a multiple of the %d location fields", len(ls.vals), lf)
	}
	n := len(ls.vals) / lf
	idx := func(name string) int {
		for i, f := range fields {
			if f == name {
				return i
			}
		}
		return -1
	}
	oi, si, li, ci := idx("object_index"), idx("script_id"), idx("line"), idx("column")
	if oi < 0 {
		return nil
	}
	s.LocationNode = make([]uint32, n)
	s.LocationScript = make([]uint32, n)
	s.LocationLine = make([]uint32, n)
	s.LocationColumn = make([]uint32, n)
	nf := uint32(p.nf)
	for i := 0; i < n; i++ {
		row := ls.vals[i*lf : i*lf+lf]
		o := row[oi]
		if o%nf != 0 || int64(o/nf) >= p.nodeHint {
			return p.errAt(off, "location %d refers to node offset %d, which is not a node", i, o)
		}
		s.LocationNode[i] = o / nf
		if si >= 0 {
			s.LocationScript[i] = row[si]
		}
		if li >= 0 {
			s.LocationLine[i] = row[li]
		}
		if ci >= 0 {
			s.LocationColumn[i] = row[ci]
		}
	}
	ls.vals = nil
	return nil
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

// readString appends the unescaped JSON string at the cursor (after its
// opening quote) to dst. Invalid surrogates become U+FFFD.
func (p *parser) readString(dst []byte, limit int) ([]byte, error) {
	start := p.off()
	for {
		b := p.buf[p.pos:p.end]
		i := 0
		for i < len(b) && b[i] != '"' && b[i] != '\\' {
			i++
		}
		dst = append(dst, b[:i]...)
		p.pos += i
		if len(dst) > limit {
			return dst, p.errAt(start, "string too long")
		}
		if i == len(b) {
			if !p.fill() {
				return dst, p.eofErr()
			}
			continue
		}
		if b[i] == '"' {
			p.pos++
			return dst, nil
		}
		for p.end-p.pos < 12 && p.fill() {
		}
		if p.end-p.pos < 2 {
			return dst, p.eofErr()
		}
		e := p.buf[p.pos+1]
		switch e {
		case '"', '\\', '/':
			dst = append(dst, e)
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			if p.end-p.pos < 6 {
				return dst, p.eofErr()
			}
			r, ok := hex4(p.buf[p.pos+2 : p.pos+6])
			if !ok {
				return dst, p.errAt(p.off(), "invalid \\u escape in a string")
			}
			p.pos += 6
			if r >= 0xd800 && r < 0xdc00 {
				if p.end-p.pos >= 6 && p.buf[p.pos] == '\\' && p.buf[p.pos+1] == 'u' {
					if r2, ok := hex4(p.buf[p.pos+2 : p.pos+6]); ok && r2 >= 0xdc00 && r2 < 0xe000 {
						r = 0x10000 + (r-0xd800)<<10 + (r2 - 0xdc00)
						p.pos += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			} else if r >= 0xdc00 && r < 0xe000 {
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
			continue
		default:
			return dst, p.errAt(p.off(), "invalid escape %s in a string", quoteByte(e))
		}
		p.pos += 2
	}
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// skipValue skips one JSON value of any size without building it. It checks
// only nesting, strings and that the input does not end early: the sections
// it skips are ones we do not use.
func (p *parser) skipValue() error {
	depth := 0
	for {
		c, err := p.next()
		if err != nil {
			return err
		}
		switch {
		case c == '{' || c == '[':
			depth++
			if depth > 10000 {
				return p.errAt(p.off(), "JSON nested too deeply")
			}
			p.pos++
		case c == '}' || c == ']':
			if depth == 0 {
				return p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
			}
			depth--
			p.pos++
		case c == ',' || c == ':':
			if depth == 0 {
				return p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
			}
			p.pos++
			continue
		case c == '"':
			p.pos++
			if err := p.skipString(); err != nil {
				return err
			}
		case c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'):
			p.scalar()
		default:
			return p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
		}
		if depth == 0 {
			return nil
		}
	}
}

func (p *parser) skipString() error {
	for {
		for p.pos < p.end {
			c := p.buf[p.pos]
			if c == '"' {
				p.pos++
				return nil
			}
			if c == '\\' {
				if p.pos+1 >= p.end {
					break
				}
				p.pos += 2
				continue
			}
			p.pos++
		}
		if !p.fill() {
			return p.eofErr()
		}
	}
}

// scalar consumes a number or literal token and returns its text.
func (p *parser) scalar() []byte {
	var out []byte
	for {
		for p.pos < p.end {
			c := p.buf[p.pos]
			if !(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
				return out
			}
			if len(out) < 64 {
				out = append(out, c)
			}
			p.pos++
		}
		if !p.fill() {
			return out
		}
	}
}

// jv is a small JSON value; only the header is parsed into this form.
type jv struct {
	kind byte // 's' string, 'n' number, 'a' array, 'o' object, 'l' literal
	s    string
	a    []jv
	keys []string
}

func (v *jv) get(k string) *jv {
	if v == nil || v.kind != 'o' {
		return nil
	}
	for i, kk := range v.keys {
		if kk == k {
			return &v.a[i]
		}
	}
	return nil
}

func (v *jv) strings() ([]string, bool) {
	if v == nil || v.kind != 'a' {
		return nil, false
	}
	out := make([]string, len(v.a))
	for i := range v.a {
		if v.a[i].kind != 's' {
			return nil, false
		}
		out[i] = v.a[i].s
	}
	return out, true
}

func (p *parser) value(depth int) (jv, error) {
	if depth > 32 {
		return jv{}, p.errAt(p.off(), "JSON nested too deeply")
	}
	c, err := p.next()
	if err != nil {
		return jv{}, err
	}
	switch {
	case c == '{' || c == '[':
		p.pos++
		v := jv{kind: 'a'}
		end := byte(']')
		if c == '{' {
			v.kind, end = 'o', '}'
		}
		for first := true; ; first = false {
			c, err := p.next()
			if err != nil {
				return v, err
			}
			if c == end && first {
				p.pos++
				return v, nil
			}
			if v.kind == 'o' {
				if err := p.expect('"', "a key string"); err != nil {
					return v, err
				}
				k, err := p.readString(nil, 1<<16)
				if err != nil {
					return v, err
				}
				v.keys = append(v.keys, string(k))
				if err := p.expect(':', "':'"); err != nil {
					return v, err
				}
			}
			e, err := p.value(depth + 1)
			if err != nil {
				return v, err
			}
			if len(v.a) >= 1<<16 {
				return v, p.errAt(p.off(), "header too large")
			}
			v.a = append(v.a, e)
			c, err = p.next()
			if err != nil {
				return v, err
			}
			p.pos++
			if c == end {
				return v, nil
			}
			if c != ',' {
				return v, p.errAt(p.off()-1, "expected ',' or %s, found %s", quoteByte(end), quoteByte(c))
			}
		}
	case c == '"':
		p.pos++
		s, err := p.readString(nil, 1<<16)
		return jv{kind: 's', s: string(s)}, err
	case c == '-' || (c >= '0' && c <= '9'):
		t := p.scalar()
		if _, err := strconv.ParseFloat(string(t), 64); err != nil {
			return jv{}, p.errAt(p.off(), "invalid number %q", t)
		}
		return jv{kind: 'n', s: string(t)}, nil
	case c == 't' || c == 'f' || c == 'n':
		t := string(p.scalar())
		if t != "true" && t != "false" && t != "null" {
			return jv{}, p.errAt(p.off(), "invalid literal %q", t)
		}
		return jv{kind: 'l', s: t}, nil
	}
	return jv{}, p.errAt(p.off(), "expected a value, found %s", quoteByte(c))
}

// header interprets the "snapshot" object: meta and counts.
func (p *parser) header(v jv, off int64) error {
	bad := func(format string, a ...any) error {
		return formatErr(off, "in the \"snapshot\" header: "+fmt.Sprintf(format, a...))
	}
	if v.kind != 'o' {
		return bad("expected an object")
	}
	meta := v.get("meta")
	if meta == nil {
		return bad("no \"meta\"")
	}
	m := &p.snap.Meta
	var ok bool
	if m.NodeFields, ok = meta.get("node_fields").strings(); !ok {
		return bad("meta.node_fields is missing or not a list of strings")
	}
	if m.EdgeFields, ok = meta.get("edge_fields").strings(); !ok {
		return bad("meta.edge_fields is missing or not a list of strings")
	}
	if lf := meta.get("location_fields"); lf != nil {
		if m.LocationFields, ok = lf.strings(); !ok {
			return bad("meta.location_fields is not a list of strings")
		}
	} else {
		m.LocationFields = []string{"object_index", "script_id", "line", "column"}
	}
	types := func(fields []string, key string) ([]string, error) {
		ti := -1
		for i, f := range fields {
			if f == "type" {
				ti = i
			}
		}
		t := meta.get(key)
		if t == nil || t.kind != 'a' || ti < 0 || ti >= len(t.a) {
			return nil, bad("meta.%s does not describe the type field", key)
		}
		names, ok := t.a[ti].strings()
		if !ok {
			return nil, bad("meta.%s[%d] is not a list of type names", key, ti)
		}
		if len(names) > 256 {
			return nil, bad("meta.%s lists %d types; at most 256 are supported", key, len(names))
		}
		return names, nil
	}
	var err error
	if m.NodeTypes, err = types(m.NodeFields, "node_types"); err != nil {
		return err
	}
	if m.EdgeTypes, err = types(m.EdgeFields, "edge_types"); err != nil {
		return err
	}
	if len(m.NodeFields) > 64 || len(m.EdgeFields) > 64 {
		return bad("too many node or edge fields")
	}
	p.nf, p.ef = len(m.NodeFields), len(m.EdgeFields)
	p.nodeRoles = make([]role, p.nf)
	have := map[role]bool{}
	for i, f := range m.NodeFields {
		r := map[string]role{"type": rType, "name": rName, "id": rID, "self_size": rSelfSize,
			"edge_count": rEdgeCount, "trace_node_id": rTrace, "detachedness": rDetached}[f]
		if r != rIgnore && have[r] {
			return bad("meta.node_fields lists %q twice", f)
		}
		have[r] = true
		p.nodeRoles[i] = r
	}
	for _, r := range []role{rType, rName, rID, rSelfSize, rEdgeCount} {
		if !have[r] {
			return bad("meta.node_fields lacks one of type, name, id, self_size, edge_count")
		}
	}
	p.edgeRole = make([]role, p.ef)
	have = map[role]bool{}
	for i, f := range m.EdgeFields {
		r := map[string]role{"type": rType, "name_or_index": rName, "to_node": rTo}[f]
		if r != rIgnore && have[r] {
			return bad("meta.edge_fields lists %q twice", f)
		}
		have[r] = true
		p.edgeRole[i] = r
	}
	if !have[rType] || !have[rName] || !have[rTo] {
		return bad("meta.edge_fields lacks one of type, name_or_index, to_node")
	}
	count := func(k string, max int64) (int64, error) {
		c := v.get(k)
		if c == nil || c.kind != 'n' {
			return -1, bad("no %q", k)
		}
		n, err := strconv.ParseInt(c.s, 10, 64)
		if err != nil || n < 0 || n > max {
			return -1, bad("%s %s is out of range", k, c.s)
		}
		return n, nil
	}
	if p.nodeHint, err = count("node_count", math.MaxUint32/int64(p.nf)); err != nil {
		return err
	}
	if p.edgeHint, err = count("edge_count", math.MaxUint32); err != nil {
		return err
	}
	if tf := v.get("trace_function_count"); tf != nil && tf.kind == 'n' {
		n, _ := strconv.ParseInt(tf.s, 10, 64)
		p.snap.TraceFunctionCount = int(n)
	}
	p.haveHeader = true
	return nil
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
	for e, n := range s.EdgeNameOrIndex {
		if t := int(s.EdgeType[e]); t != el && t != hid && n >= ns {
			return nil, formatErr(-1, fmt.Sprintf("edge %s has name string %d, but there are only %s strings", commas(int64(e)), n, commas(int64(ns))))
		}
	}
	if s.NodeCount == 0 {
		return nil, formatErr(-1, "the snapshot has no nodes (not even the root)")
	}
	out := *s
	return &out, nil
}
