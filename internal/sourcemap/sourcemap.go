// Package sourcemap reads Source Map v3 files, the maps tsc, esbuild,
// webpack, rollup and swc write beside the JavaScript that node runs, and
// answers one question: which line of which original file (a .ts under
// src/, a package's file bundled into dist/server.js) a position of the
// built file came from.
//
// The mappings are decoded once into columns of int32 (struct of arrays),
// one row per segment, with each generated line's first row: a lookup is a
// binary search on one line's rows. A map is bounded by MaxBytes and every
// count by the input's own length, so a hostile file cannot make the
// reader allocate more than a few times its size.
package sourcemap

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// MaxBytes bounds a map file (and a data: URL's decoded map): a bundle of
// a big service with its sources inlined stays well under it.
const MaxBytes = 64 << 20

// Map is one parsed source map.
type Map struct {
	// Sources are the original files, resolved against the map's folder
	// and sourceRoot to absolute paths where they name files; a source
	// given as a URL other than file: (webpack://app/./src/x.ts) is kept
	// as written.
	Sources []string
	// contents is sourcesContent, per source ("" when the map has none).
	contents []string
	names    []string

	// One row per mapped segment, by generated line then column.
	genCol  []int32
	src     []int32
	line    []int32
	col     []int32
	name    []int32 // -1 when the segment names nothing
	lineRow []int32 // generated line i's rows are lineRow[i]:lineRow[i+1]
}

// Position is a place in an original source, 0-based.
type Position struct {
	Source string // Map.Sources entry
	Line   int
	Column int
}

// Error is a map that cannot be read, with why.
type Error struct{ Why string }

func (e *Error) Error() string { return "source map: " + e.Why }

func errorf(format string, args ...any) error { return &Error{fmt.Sprintf(format, args...)} }

type rawMap struct {
	Version        int               `json:"version"`
	SourceRoot     string            `json:"sourceRoot"`
	Sources        []*string         `json:"sources"`
	SourcesContent []*string         `json:"sourcesContent"`
	Names          []string          `json:"names"`
	Mappings       string            `json:"mappings"`
	Sections       []json.RawMessage `json:"sections"`
}

// Parse reads a v3 source map. dir is the folder its relative sources are
// resolved against (the map file's own folder; "" leaves them as written).
func Parse(data []byte, dir string) (*Map, error) {
	if len(data) > MaxBytes {
		return nil, errorf("%d bytes, over the %d MiB this reader takes", len(data), MaxBytes>>20)
	}
	// A map served over HTTP may start with )]}' to stop it running as script.
	data = bytes.TrimPrefix(data, []byte(")]}'"))
	var r rawMap
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, errorf("not JSON: %v", err)
	}
	if r.Version != 3 {
		return nil, errorf("version %d, not 3", r.Version)
	}
	if len(r.Sections) > 0 {
		// Index maps (concatenated bundles) are rare in node services.
		return nil, errorf("an index map (sections) is not supported")
	}
	m := &Map{Sources: make([]string, len(r.Sources)), contents: make([]string, len(r.Sources)), names: r.Names}
	for i, s := range r.Sources {
		if s != nil {
			m.Sources[i] = resolve(dir, r.SourceRoot, *s)
		}
		if i < len(r.SourcesContent) && r.SourcesContent[i] != nil {
			m.contents[i] = *r.SourcesContent[i]
		}
	}
	if err := m.decode(r.Mappings); err != nil {
		return nil, err
	}
	return m, nil
}

// resolve turns a map's source entry into a file path when it names one.
func resolve(dir, root, src string) string {
	s := src
	if root != "" && !strings.Contains(s, "://") && !strings.HasPrefix(s, "/") {
		s = strings.TrimSuffix(root, "/") + "/" + s
	}
	if strings.HasPrefix(s, "file://") {
		if u, err := url.Parse(s); err == nil {
			p := filepath.FromSlash(u.Path)
			if len(p) > 2 && p[0] == '\\' && p[2] == ':' {
				p = p[1:] // file:///C:/app/src/x.ts
			}
			return p
		}
		return src
	}
	if strings.Contains(s, "://") || dir == "" {
		return s
	}
	if filepath.IsAbs(filepath.FromSlash(s)) {
		return filepath.Clean(filepath.FromSlash(s))
	}
	return filepath.Join(dir, filepath.FromSlash(path.Clean(s)))
}

// Content is source i's text from the map's sourcesContent, false when the
// map does not carry it.
func (m *Map) Content(i int) (string, bool) {
	if i < 0 || i >= len(m.contents) || m.contents[i] == "" {
		return "", false
	}
	return m.contents[i], true
}

// Segments is how many mapped segments the map has.
func (m *Map) Segments() int { return len(m.genCol) }

// Bytes is about how much memory the map holds: its columns, its source
// texts and names.
func (m *Map) Bytes() int {
	n := 20*len(m.genCol) + 4*len(m.lineRow)
	for i := range m.Sources {
		n += len(m.Sources[i]) + len(m.contents[i])
	}
	for _, s := range m.names {
		n += len(s)
	}
	return n
}

// Original is where the built file's position (line, column: 0-based) came
// from: the last segment of that line at or before the column, else the
// line's first segment (V8 puts a function's start on its parameter list,
// which some tools leave unmapped). False when the line maps nothing.
func (m *Map) Original(line, column int) (Position, bool) {
	cols, lo, ok := m.lineCols(line)
	if !ok || len(cols) == 0 {
		return Position{}, false
	}
	// The last row at or before the column (the first past it, less one).
	k := sort.Search(len(cols), func(i int) bool { return int(cols[i]) > column })
	r := lo + max(k-1, 0)
	if m.src[r] < 0 {
		// A segment with a generated column only: code the map says came
		// from nowhere (a helper the compiler added).
		return Position{}, false
	}
	return Position{Source: m.Sources[m.src[r]], Line: int(m.line[r]), Column: int(m.col[r])}, true
}

// NameAt is the original name of the identifier that starts exactly at
// the built position (the map's names entry): what a minifier's `r` was
// called in the source. "" when no segment names one there.
func (m *Map) NameAt(line, column int) string {
	cols, lo, ok := m.lineCols(line)
	if !ok || column < 0 {
		return ""
	}
	if k, found := slices.BinarySearch(cols, int32(min(column, maxInt32))); found && m.name[lo+k] >= 0 {
		return m.names[m.name[lo+k]]
	}
	return ""
}

// lineCols is generated line's segment columns (sorted) and its first
// row.
func (m *Map) lineCols(line int) (cols []int32, lo int, ok bool) {
	if line < 0 || line+1 >= len(m.lineRow) {
		return nil, 0, false
	}
	lo, hi := int(m.lineRow[line]), int(m.lineRow[line+1])
	return m.genCol[lo:hi], lo, true
}

// decode reads the mappings string: segments separated by ',' within a
// line and ';' between lines, each 1, 4 or 5 base64 VLQ fields relative to
// the previous segment's (the generated column only within a line).
func (m *Map) decode(s string) error {
	// Counting first sizes every column exactly: at most one segment per
	// separator, so the rows are bounded by the string's length.
	segs := 1 + strings.Count(s, ",") + strings.Count(s, ";")
	lines := 1 + strings.Count(s, ";")
	m.genCol = make([]int32, 0, segs)
	m.src = make([]int32, 0, segs)
	m.line = make([]int32, 0, segs)
	m.col = make([]int32, 0, segs)
	m.name = make([]int32, 0, segs)
	m.lineRow = make([]int32, 0, lines+1)
	m.lineRow = append(m.lineRow, 0)
	var src, line, col, name int64
	i := 0
	var f [5]int64
	for i <= len(s) {
		// One line: its segments up to ';' or the end.
		var gen int64
		for i < len(s) && s[i] != ';' {
			if s[i] == ',' {
				i++
				continue
			}
			n := 0
			for i < len(s) && s[i] != ',' && s[i] != ';' {
				if n == 5 {
					return errorf("a segment with more than 5 fields at byte %d of mappings", i)
				}
				v, next, err := vlq(s, i)
				if err != nil {
					return err
				}
				f[n] = v
				n++
				i = next
			}
			switch n {
			case 1, 4, 5:
			default:
				return errorf("a segment with %d fields at byte %d of mappings", n, i)
			}
			gen += f[0]
			if gen < 0 || gen > maxInt32 {
				return errorf("generated column %d out of range at byte %d of mappings", gen, i)
			}
			m.genCol = append(m.genCol, int32(gen))
			if n == 1 {
				m.src = append(m.src, -1)
				m.line = append(m.line, 0)
				m.col = append(m.col, 0)
				m.name = append(m.name, -1)
				continue
			}
			src += f[1]
			line += f[2]
			col += f[3]
			if src < 0 || src >= int64(len(m.Sources)) {
				return errorf("source %d of %d at byte %d of mappings", src, len(m.Sources), i)
			}
			if line < 0 || line > maxInt32 || col < 0 || col > maxInt32 {
				return errorf("original position %d:%d out of range at byte %d of mappings", line, col, i)
			}
			m.src = append(m.src, int32(src))
			m.line = append(m.line, int32(line))
			m.col = append(m.col, int32(col))
			nm := int32(-1)
			if n == 5 {
				name += f[4]
				if name < 0 || name >= int64(len(m.names)) {
					return errorf("name %d of %d at byte %d of mappings", name, len(m.names), i)
				}
				nm = int32(name)
			}
			m.name = append(m.name, nm)
		}
		m.sortLine()
		m.lineRow = append(m.lineRow, int32(len(m.genCol)))
		i++ // past ';' (or the end)
	}
	return nil
}

// sortLine puts the last line's rows in column order: the spec asks for
// it, and a few tools do not keep it.
func (m *Map) sortLine() {
	lo := int(m.lineRow[len(m.lineRow)-1])
	if slices.IsSorted(m.genCol[lo:]) {
		return
	}
	idx := make([]int, len(m.genCol)-lo)
	for i := range idx {
		idx[i] = lo + i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return int(m.genCol[a]) - int(m.genCol[b]) })
	for _, c := range []*[]int32{&m.genCol, &m.src, &m.line, &m.col, &m.name} {
		col := *c
		tmp := make([]int32, len(idx))
		for i, r := range idx {
			tmp[i] = col[r]
		}
		copy(col[lo:], tmp)
	}
}

const maxInt32 = 1<<31 - 1

// vlq decodes one base64 VLQ number at s[i:], returning it and where the
// next one starts.
func vlq(s string, i int) (int64, int, error) {
	var v uint64
	shift := uint(0)
	for {
		if i >= len(s) {
			return 0, i, errorf("a number cut off at the end of mappings")
		}
		d := b64[s[i]]
		if d < 0 {
			return 0, i, errorf("%q is not base64 at byte %d of mappings", s[i], i)
		}
		i++
		if shift > 31 {
			return 0, i, errorf("a number too big at byte %d of mappings", i)
		}
		v |= uint64(d&31) << shift
		shift += 5
		if d&32 == 0 {
			break
		}
	}
	n := int64(v >> 1)
	if v&1 == 1 {
		n = -n
	}
	return n, i, nil
}

var b64 = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	const a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	for i := 0; i < len(a); i++ {
		t[a[i]] = int8(i)
	}
	return t
}()

// maxTail is how much of a script's end is read for its sourceMappingURL
// comment before giving up on a longer last line (an inline map).
const maxTail = MaxBytes * 4 / 3

// Find reads the source map of the script file at p: the one its last
// sourceMappingURL comment names (a file beside it, or an inline data:
// URL). m is nil when the script names none, or a map file that is not
// there or that allow (when not nil) refuses; err says why a map that is
// there cannot be read.
func Find(p string, allow func(mapPath string) bool) (m *Map, mapPath string, err error) {
	url, ok := mappingURL(p)
	if !ok {
		return nil, "", nil
	}
	if rest, ok := strings.CutPrefix(url, "data:"); ok {
		data, err := dataURL(rest)
		if err != nil {
			return nil, "", err
		}
		m, err := Parse(data, filepath.Dir(p))
		return m, p, err
	}
	if strings.Contains(url, "://") && !strings.HasPrefix(url, "file://") {
		return nil, "", nil // served from elsewhere: not ours to fetch
	}
	mp := resolve(filepath.Dir(p), "", url)
	if allow != nil && !allow(mp) {
		return nil, "", nil
	}
	st, err := os.Stat(mp)
	if err != nil {
		return nil, "", nil // the map was not shipped: the built file is what we have
	}
	if !st.Mode().IsRegular() || st.Size() > MaxBytes {
		return nil, mp, errorf("%s: not a file of at most %d MiB", mp, MaxBytes>>20)
	}
	data, err := os.ReadFile(mp)
	if err != nil {
		return nil, mp, nil
	}
	m, err = Parse(data, filepath.Dir(mp))
	return m, mp, err
}

// dataURL decodes data:application/json;base64,... (rest is after "data:").
func dataURL(rest string) ([]byte, error) {
	meta, payload, ok := strings.Cut(rest, ",")
	if !ok {
		return nil, errorf("a data: URL without a comma")
	}
	if !strings.HasSuffix(meta, ";base64") {
		s, err := url.PathUnescape(payload)
		if err != nil {
			return nil, errorf("a data: URL: %v", err)
		}
		return []byte(s), nil
	}
	if base64.StdEncoding.DecodedLen(len(payload)) > MaxBytes {
		return nil, errorf("an inline map over %d MiB", MaxBytes>>20)
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimRight(payload, "\r\n"))
	if err != nil {
		return nil, errorf("an inline map that is not base64: %v", err)
	}
	return b, nil
}

// mappingURL is the URL of the last `//# sourceMappingURL=` comment of the
// script at p (also the older `//@` form), read from the file's end: 4 KiB
// first (an analysis asks of every script of a big program), then eight
// times more while the last line goes on (an inline map).
func mappingURL(p string) (string, bool) {
	f, err := os.Open(p)
	if err != nil {
		return "", false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	size := st.Size()
	for n := int64(4 << 10); ; n *= 8 {
		n = min(n, size, maxTail)
		buf := make([]byte, n)
		if _, err := f.ReadAt(buf, size-n); err != nil {
			return "", false
		}
		if u, ok, whole := lastMappingURL(buf, n == size); ok || whole || n == size || n == maxTail {
			return u, ok
		}
	}
}

// lastMappingURL finds the comment on the last non-empty lines of tail, the
// end of a script (all of it when atStart). whole is false when the last
// line may start before tail does: read more.
func lastMappingURL(tail []byte, atStart bool) (u string, ok, whole bool) {
	t := bytes.TrimRight(tail, " \t\r\n")
	for k := 0; k < 3 && len(t) > 0; k++ {
		nl := bytes.LastIndexByte(t, '\n')
		line := bytes.TrimSpace(t[nl+1:])
		i := commentStart(line)
		if i < 0 {
			if nl < 0 {
				return "", false, atStart
			}
			t = bytes.TrimRight(t[:nl], " \t\r\n")
			continue
		}
		if nl < 0 && !atStart {
			// The comment's line may start before the tail: this is its
			// end only (a text that happens to read like a comment).
			return "", false, false
		}
		v := bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(line[i:]), []byte("*/")))
		if len(v) == 0 || bytes.ContainsAny(v, " \t\"'`") {
			return "", false, true
		}
		return string(v), true, true
	}
	return "", false, true
}

// commentStart is where the URL starts in a sourceMappingURL comment line,
// -1 when line is not one.
func commentStart(line []byte) int {
	for _, p := range [][]byte{[]byte("//# sourceMappingURL="), []byte("//@ sourceMappingURL="), []byte("/*# sourceMappingURL=")} {
		if bytes.HasPrefix(line, p) {
			return len(p)
		}
	}
	return -1
}
