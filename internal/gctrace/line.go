// Package gctrace reads the GC traces V8 prints for Node.js (--trace-gc,
// --trace-gc-nvp, --trace-gc-verbose, --trace-gc-ignore-scavenger) and
// turns them into per-isolate statistics: pause percentiles per GC type,
// time in GC, the post-GC heap trend over major GCs and a verdict.
//
// The line parser is hand-written byte scanning (no regexps, no
// allocation per line) because logs can be gigabytes; the analyser keeps
// memory independent of the log's length (bounded sketches and
// downsampled series).
package gctrace

import "bytes"

// Kind classifies one log line.
type Kind uint8

const (
	// KindOther is a line V8 did not print (the application's output).
	KindOther Kind = iota
	// KindGC is a --trace-gc line: "Scavenge 4.1 (4.2) -> 3.9 (5.2) MB, ...".
	KindGC
	// KindNVP is a --trace-gc-nvp line: "pause=1.5 mutator=22.7 gc=s ...".
	KindNVP
	// KindSpace is a --trace-gc-verbose per-space line:
	// "Old space, used: 2734 KB, available: 0 KB, committed: 2784 KB".
	KindSpace
	// KindV8 is another line carrying V8's "[pid:0xisolate]" prefix that we
	// do not interpret ("Shrinking page ...", "Total time spent in GC ...").
	KindV8
	// KindMalformed looks like a GC line (prefix and "ms: ") but does not
	// parse; it is counted and otherwise ignored.
	KindMalformed
)

func (k Kind) String() string {
	switch k {
	case KindGC:
		return "gc"
	case KindNVP:
		return "nvp"
	case KindSpace:
		return "space"
	case KindV8:
		return "v8"
	case KindMalformed:
		return "malformed"
	}
	return "other"
}

// Event is what ParseLine extracts. Byte-slice fields point into the line
// and are only valid until the line's buffer is reused.
type Event struct {
	PID     int64  // process id from the "[pid:0xisolate]" prefix; 0 if absent
	Isolate uint64 // isolate address from the prefix; 0 if absent

	// GC lines (KindGC, KindNVP).
	TimeMs            float64 // ms since the isolate started, printed when the GC ended
	Type              []byte  // as V8 prints it: "Scavenge", "Mark-Compact (reduce)", ...
	Major             bool    // a full (old-generation) collection
	BeforeMB          float64 // object size before the GC, V8's "MB" (MiB)
	BeforeCommittedMB float64 // memory V8 held before (the number in parentheses)
	AfterMB           float64
	AfterCommittedMB  float64
	PauseMs           float64 // main-thread pause of the atomic phase; Unknown when the line lost it
	ExternalMs        float64 // time in embedder (external) callbacks, part of the pause
	IncrementalMs     float64 // incremental marking on the main thread before the pause
	IncrementalSteps  int64
	MuAverage         float64 // V8's mutator utilisation; -1 when not printed
	MuCurrent         float64
	MutatorMs         float64 // NVP only: mutator time since the previous GC; -1 otherwise
	Reason            []byte  // "allocation failure", "finalize incremental marking via task", ...
	// Forced: the GC reason says something outside the program's own
	// allocation asked for it (global.gc(), a heap snapshot, a low-memory
	// notification); see ForcedReason.
	Forced bool
	// Cut: the line ends (or the next record starts) before V8 finished
	// printing it: a record cut off at V8's fixed-size buffer in the
	// out-of-memory replay, or shortened when pasted. What it gave is used.
	Cut bool
	// Next is the offset in the line of another V8 record that follows
	// this one without a newline (V8's out-of-memory replay joins records
	// it cut off; pasted logs lose newlines); 0 when none does.
	Next int

	// Space lines (KindSpace): sizes in KB as printed; -1 when absent.
	Space       []byte
	UsedKB      float64
	AvailableKB float64
	CommittedKB float64
}

// Unknown marks a figure the line did not give (a pause cut off with the
// rest of the line).
const Unknown = -1

// ParseLine classifies line (without its trailing newline; a trailing '\r'
// is tolerated) and fills ev for KindGC, KindNVP and KindSpace. V8's
// record may follow anything else on the line (a log collector's prefix,
// application output without a newline). When another record follows the
// first on the same line, ev.Next says where; call ParseLine again on
// line[ev.Next:]. It never allocates, never panics and stays linear in
// the line's length, whatever the input.
func ParseLine(line []byte, ev *Event) Kind {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	k := parseLine(line, ev)
	// The parsers record the next record's place as the length of the
	// line from there; turn it into an offset.
	if ev.Next > 0 && ev.Next < len(line) {
		ev.Next = len(line) - ev.Next
	} else {
		ev.Next = 0
	}
	return k
}

func resetEvent(ev *Event) {
	*ev = Event{MuAverage: -1, MuCurrent: -1, MutatorMs: -1, UsedKB: -1, AvailableKB: -1, CommittedKB: -1}
}

func parseLine(line []byte, ev *Event) Kind {
	resetEvent(ev)
	rest, ok := parsePrefix(line, ev)
	if !ok {
		// The record can sit after something else on the line: a
		// timestamp or process-manager prefix (docker --timestamps, pm2,
		// journald) or application output written without a newline.
		if k := parseEmbedded(line, ev); k != KindOther {
			return k
		}
		// Very old V8 printed GC lines without the prefix; accept them only
		// if they parse completely, so application output is never taken
		// for a GC.
		rest = skipSpaces(line)
		if len(rest) == 0 || !isDigit(rest[0]) {
			return KindOther
		}
		if k := parseTimed(rest, ev); (k == KindGC || k == KindNVP) && !ev.Cut {
			return k
		}
		resetEvent(ev)
		return KindOther
	}
	rest = skipSpaces(rest)
	if len(rest) > 0 && isDigit(rest[0]) {
		if k := parseTimed(rest, ev); k != KindOther {
			return k
		}
	} else if parseSpace(rest, ev) {
		return KindSpace
	}
	if ev.Isolate == 0 {
		// A bare "[0] " is also what tools such as concurrently put
		// before each line of a child's output: look further, and count
		// the line as the application's if nothing of V8's follows.
		return parseEmbedded(line, ev)
	}
	return KindV8
}

// parseEmbedded looks for V8's "[pid:0xisolate]" prefix after the start
// of the line, at every '[' in turn (a journald "node[123]: " or a JSON
// array can come first), and classifies what follows it. It accepts only
// what is unmistakably V8's: a GC, NVP or space record that parses, a
// damaged GC record, or another line under a full pid:isolate prefix. It
// does not guess at the prefix's form, so any prefix works, and costs one
// IndexByte scan on application lines.
func parseEmbedded(line []byte, ev *Event) Kind {
	for off := 1; off < len(line); {
		i := bytes.IndexByte(line[off:], '[')
		if i < 0 {
			break
		}
		off += i
		rest, ok := parsePrefix(line[off:], ev)
		off++
		if !ok {
			continue
		}
		full := ev.Isolate != 0
		rest = skipSpaces(rest)
		if len(rest) > 0 && isDigit(rest[0]) {
			if k := parseTimed(rest, ev); k != KindOther {
				return k
			}
		} else if parseSpace(rest, ev) {
			return KindSpace
		}
		if full {
			return KindV8
		}
		resetEvent(ev)
	}
	return KindOther
}

// LooksLikeGC tells whether a line that did not parse still seems to hold
// a GC record (" ms: Scavenge", " ms: Mark-", " ms: pause="), so that a
// log whose GC lines are damaged or split says so instead of reading as
// application output.
func LooksLikeGC(line []byte) bool {
	for off := 0; off < len(line); {
		i := bytes.Index(line[off:], []byte(" ms: "))
		if i < 0 {
			return false
		}
		off += i + 5
		b := line[off:]
		if looksLikeGC(b) || bytes.HasPrefix(b, []byte("pause=")) || bytes.HasPrefix(b, []byte("GC: {")) {
			return true
		}
	}
	return false
}

// maxName bounds a GC type's or a space's name ("Minor Mark-Compact
// (during sweeping)", "Shared large object space"): the search for the
// record anywhere in a line tries every "[", so each try must cost O(1)
// on lines that are not V8's.
const maxName = 64

// parsePrefix reads V8's "[1234:0x1a2b3c]" prefix. Windows prints the
// address without "0x" ("[43580:000002C9E4AAE000]") and V8 before 4.x
// printed only the pid ("[1234]").
func parsePrefix(b []byte, ev *Event) ([]byte, bool) {
	if len(b) < 3 || b[0] != '[' {
		return b, false
	}
	i := 1
	var pid int64
	start := i
	for i < len(b) && isDigit(b[i]) && i-start < 12 {
		pid = pid*10 + int64(b[i]-'0')
		i++
	}
	if i == start || i >= len(b) {
		return b, false
	}
	if b[i] == ']' {
		ev.PID = pid
		return b[i+1:], true
	}
	if b[i] != ':' {
		return b, false
	}
	i++
	if i+1 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') {
		i += 2
	}
	var iso uint64
	start = i
	for i < len(b) && i-start < 16 {
		d, ok := hexVal(b[i])
		if !ok {
			break
		}
		iso = iso<<4 | uint64(d)
		i++
	}
	// V8 13+ adds a third field in the lines it prints through
	// PrintIsolate (--trace-gc-nvp): "[7674:0x37385000:0]".
	if i > start && i+1 < len(b) && b[i] == ':' && isDigit(b[i+1]) {
		j := i + 1
		for j < len(b) && isDigit(b[j]) && j-i <= 12 {
			j++
		}
		i = j
	}
	if i == start || i >= len(b) || b[i] != ']' {
		return b, false
	}
	ev.PID, ev.Isolate = pid, iso
	return b[i+1:], true
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// parseTimed parses "262 ms: <GC description>" in either the human or
// the NVP form.
func parseTimed(b []byte, ev *Event) Kind {
	t, n := parseNum(b)
	if n == 0 {
		return KindOther
	}
	b = b[n:]
	if !bytes.HasPrefix(b, []byte(" ms: ")) {
		return KindOther
	}
	b = b[5:]
	nvp := bytes.HasPrefix(b, []byte("pause="))
	json := bytes.HasPrefix(b, []byte("GC: {"))
	if !nvp && !json && !looksLikeGC(b) {
		// Other timed V8 lines: "[HeapController] ...", "Memory reducer: ...".
		return KindOther
	}
	ev.TimeMs = t
	// A record V8 cut off runs straight into the next one; this one ends
	// where that starts.
	// V8 never prints two records on a line, so this one was cut.
	if end := nextRecord(b); end >= 0 {
		ev.Next = len(b) - end
		b = b[:end]
		ev.Cut = true
	}
	if nvp || json {
		if nvp && parseNVP(b, ev) || json && parseNVPJSON(b[4:], ev) {
			return KindNVP
		}
		return KindMalformed
	}
	if parseHuman(b, ev) {
		return KindGC
	}
	return KindMalformed
}

// nextRecord finds where another V8 record starts in b: a
// "[pid:0xisolate]" (or "[pid]") prefix, then "<time> ms: " and a GC type
// or "pause=". Each '[' costs O(1) plus the spaces and digits after it,
// which no other '[' shares, so the scan is linear.
func nextRecord(b []byte) int {
	var scratch Event
	for off := 0; off < len(b); {
		i := bytes.IndexByte(b[off:], '[')
		if i < 0 {
			return -1
		}
		off += i
		rest, ok := parsePrefix(b[off:], &scratch)
		if ok {
			rest = skipSpaces(rest)
			if _, n := parseNum(rest); n > 0 {
				rest = rest[n:]
				if len(rest) > 5 && string(rest[:5]) == " ms: " {
					rest = rest[5:]
					if looksLikeGC(rest) || bytes.HasPrefix(rest, []byte("pause=")) || bytes.HasPrefix(rest, []byte("GC: {")) {
						return off
					}
				}
			}
		}
		off++
	}
	return -1
}

// looksLikeGC tells a GC record from V8's other timed messages by the
// names of V8's collectors: Scavenge, Mark-sweep and Mark-Compact, Minor
// Mark-Compact and Minor Mark-Sweep, V8 10's "Shared " and V8 14's
// "Incremental " prefixes.
func looksLikeGC(b []byte) bool {
	for _, p := range [...]string{"Scavenge", "Mark-", "Minor ", "Shared Mark-", "Shared Scavenge", "Incremental Mark-", "Incremental Minor "} {
		if len(b) >= len(p) && string(b[:len(p)]) == p {
			return true
		}
	}
	return false
}

// parseHuman parses the --trace-gc form after "ms: ", e.g.
//
//	Mark-Compact (reduce) 16.2 (25.2) -> 12.8 (30.2) MB, pooled: 0 MB, 12.77 / 0.00 ms  (+ 1.5 ms in 75 steps since start of marking, ...) (average mu = 1.000, current mu = 1.000) reason; collector reason
//
// A line that names a GC type and its heap sizes before and after is a
// GC; everything after the sizes may be missing (V8 cut the line off at
// its 256-byte ring-buffer entry, or a paste cut it short): the pause is
// then Unknown and ev.Cut is set. V8 printed the parts in this order from
// V8 4 to V8 14; the committed sizes in parentheses, "pooled: N MB" (V8
// 12+, "%1.f" so often "0"), the external time after " / ", the
// incremental group and mutator utilisation (V8 6+) are each optional.
func parseHuman(b []byte, ev *Event) bool {
	// The type runs up to the first token that starts with a digit, within
	// maxName bytes.
	i := 0
	for {
		j := bytes.IndexByte(b[i:min(len(b), maxName)], ' ')
		if j < 0 {
			return false
		}
		i += j + 1
		if i < len(b) && isDigit(b[i]) {
			break
		}
	}
	typ := bytes.TrimRight(b[:i], " ")
	if len(typ) == 0 || !isLetter(typ[0]) {
		return false
	}
	ev.Type = typ
	ev.Major = isMajor(typ)
	ev.PauseMs = Unknown
	b = b[i:]
	var ok bool
	if ev.BeforeMB, b, ok = num(b); !ok {
		return false
	}
	ev.BeforeCommittedMB, b, _ = paren(b)
	if b, ok = lit(b, " -> "); !ok {
		return false
	}
	if ev.AfterMB, b, ok = num(b); !ok {
		return false
	}
	// From here on a line that ends is a cut record with its sizes: a GC.
	var got bool
	if ev.AfterCommittedMB, b, got = paren(b); !got && len(b) > 0 && b[0] == ' ' && len(b) > 1 && b[1] == '(' {
		return cutHere(ev) // "(1839." cut inside the number
	}
	if len(b) == 0 {
		return cutHere(ev)
	}
	if b, ok = lit(b, " MB"); !ok {
		if len(b) < 3 && string(" MB")[:len(b)] == string(b) {
			return cutHere(ev)
		}
		return false
	}
	if len(b) == 0 || b[0] != ',' {
		return cutHere(ev)
	}
	b = skipSpaces(b[1:])
	if rest, ok := lit(b, "pooled:"); ok {
		b = skipSpaces(rest)
		if _, rest, ok = num(b); !ok {
			return cutHere(ev)
		}
		if b, ok = lit(rest, " MB,"); !ok {
			return cutHere(ev)
		}
		b = skipSpaces(b)
	}
	// The pause is known only when its " ms" made it: a cut number is no
	// number.
	first, firstLen := parseNum(b)
	if firstLen == 0 {
		return cutHere(ev)
	}
	firstInt := bytes.IndexByte(b[:firstLen], '.') < 0
	b = b[firstLen:]
	pause, external := first, 0.0
	if rest, ok := lit(b, " / "); ok {
		second, n := parseNum(rest)
		if n == 0 {
			return cutHere(ev)
		}
		if firstInt && bytes.IndexByte(rest[:n], '.') >= 0 {
			// V8 before 4.9 printed "external / duration" with an integer
			// external time; later versions print "duration / external".
			pause, external = second, first
		} else {
			external = second
		}
		b = rest[n:]
	}
	if b, ok = lit(b, " ms"); !ok {
		return cutHere(ev)
	}
	ev.PauseMs, ev.ExternalMs = pause, external
	b = skipSpaces(b)
	// Optional incremental-marking group: "(+ 1.5 ms in 75 steps ...)".
	// V8 formats it into a 128-byte buffer, so with large numbers it can
	// lose its closing parenthesis; it then ends where "(average mu"
	// starts.
	if bytes.HasPrefix(b, []byte("(+ ")) {
		g := b[3:]
		end := index2(g, '(', ')')
		if end >= 0 && g[end] == ')' {
			b = skipSpaces(g[end+1:])
		} else if end >= 0 {
			b = g[end:]
		} else {
			b = nil
			ev.Cut = true
		}
		if end >= 0 {
			g = g[:end]
		}
		if v, n := parseNum(g); n > 0 {
			if g2, ok2 := lit(g[n:], " ms in "); ok2 {
				ev.IncrementalMs = v
				if s, n2 := parseNum(g2); n2 > 0 {
					ev.IncrementalSteps = int64(s)
				}
			}
		}
	}
	// Optional "(average mu = 1.000, current mu = 1.000)"; the ring buffer
	// cuts lines here most often ("(average mu = 0.104, curren").
	if bytes.HasPrefix(b, []byte("(average mu")) {
		end := bytes.IndexByte(b, ')')
		g := b
		if end < 0 {
			ev.Cut = true
			b = nil
		} else {
			g = b[:end]
			b = skipSpaces(b[end+1:])
		}
		if g, ok = lit(g, "(average mu = "); ok {
			if v, n := parseNum(g); n > 0 && (n < len(g) || end >= 0) {
				ev.MuAverage = v
				if g2, ok2 := lit(g[n:], ", current mu = "); ok2 {
					if v2, n2 := parseNum(g2); n2 > 0 && (n2 < len(g2) || end >= 0) {
						ev.MuCurrent = v2
					}
				}
			}
		}
	}
	ev.Reason = reason(b)
	ev.Forced = ForcedReason(ev.Reason)
	return true
}

// index2 is bytes.IndexAny for two bytes without building a set per call.
func index2(b []byte, x, y byte) int {
	for i, c := range b {
		if c == x || c == y {
			return i
		}
	}
	return -1
}

// cutHere ends a record whose line stopped after its sizes.
func cutHere(ev *Event) bool {
	ev.Cut = true
	return true
}

// reason keeps the GC reason from the rest of the line: "gc reason;
// collector reason" (V8 9+), "gc reason collector reason" (V8 6-8) or
// "[gc reason] [collector reason]." (V8 4-5).
func reason(b []byte) []byte {
	if k := bytes.IndexByte(b, ';'); k >= 0 {
		b = b[:k]
	}
	b = bytes.TrimRight(b, " .")
	if len(b) > 0 && b[0] == '[' {
		if k := bytes.IndexByte(b, ']'); k > 0 {
			b = b[1:k]
		}
	}
	b = bytes.TrimSpace(b)
	for _, c := range collectorReasons {
		if len(b) > len(c) && string(b[len(b)-len(c):]) == c && b[len(b)-len(c)-1] == ' ' {
			return bytes.TrimRight(b[:len(b)-len(c)], " ")
		}
	}
	return b
}

// collectorReasons are the collector reasons V8 6-8 printed after the GC
// reason with only a space between.
var collectorReasons = [...]string{"GC in old space requested", "GC in old space forced by flags",
	"scavenge might not succeed", "promotion failure", "Old generation size limit reached"}

// forcedReasons are the GC reasons (V8's GarbageCollectionReason names,
// as --trace-gc prints them) of collections the program's allocation did
// not cause: global.gc() with --expose-gc ("testing"; V8 5 printed its
// caller "Isolate::RequestGarbageCollection"), heap snapshots and the
// inspector's collectGarbage ("heap profiler", "low memory notification"),
// the embedder's memory-pressure notification ("memory pressure"), and
// tools measuring memory. "external memory pressure" is not among them:
// V8 starts it when the program's own Buffers and ArrayBuffers pass a
// limit.
var forcedReasons = [...]string{"testing", "Isolate::RequestGarbageCollection", "heap profiler",
	"low memory notification", "memory pressure", "measure memory", "sampling profiler", "debugger"}

// ForcedReason tells whether a GC reason names a collection something
// outside the program's allocation asked for.
func ForcedReason(r []byte) bool {
	for _, f := range forcedReasons {
		if string(r) == f {
			return true
		}
	}
	return false
}

// NVP short names and the long names V8 prints for the same collectors.
var nvpNames = [...]struct{ short, long string }{
	{"s", "Scavenge"},
	{"mc", "Mark-Compact"},
	{"ms", "Mark-sweep"},
	{"mmc", "Minor Mark-Compact"},
	{"mms", "Minor Mark-Sweep"},
}

// Long names, plain and with the suffixes NVP encodes as flags, built once
// so that ParseLine never allocates. Callers must not modify ev.Type.
var nvpLong, nvpReduce, nvpSweeping [len(nvpNames)][]byte

func init() {
	for i, nm := range nvpNames {
		nvpLong[i] = []byte(nm.long)
		nvpReduce[i] = []byte(nm.long + " (reduce)")
		nvpSweeping[i] = []byte(nm.long + " (during sweeping)")
	}
}

// parseNVP reads the key=value form. Keys differ between V8 versions
// (total_size_before vs start_object_size); unknown keys are skipped.
func parseNVP(b []byte, ev *Event) bool {
	var st nvpState
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		tok := b
		if sp >= 0 {
			tok, b = b[:sp], b[sp+1:]
		} else {
			b = nil
		}
		eq := bytes.IndexByte(tok, '=')
		if eq <= 0 {
			continue
		}
		if !st.field(ev, tok[:eq], tok[eq+1:]) {
			return false
		}
	}
	return st.finish(ev)
}

// nvpState collects the fields of one NVP record, in either form.
type nvpState struct {
	gotPause, gotType, gotBefore, gotAfter bool
	reduce, sweeping                       bool
	typeIdx                                int
}

// field takes one key and its value; false when the record is damaged.
func (st *nvpState) field(ev *Event, key, val []byte) bool {
	switch string(key) { // no allocation: the compiler special-cases this
	case "pause":
		v, n := parseNum(val)
		if n == 0 {
			return false
		}
		ev.PauseMs, st.gotPause = v, true
	case "mutator":
		if v, n := parseNum(val); n > 0 {
			ev.MutatorMs = v
		}
	case "gc":
		for i, nm := range nvpNames {
			if string(val) == nm.short {
				st.typeIdx, st.gotType = i, true
			}
		}
	case "reduce_memory":
		st.reduce = len(val) > 0 && val[0] == '1' || string(val) == "true"
	case "during_sweeping":
		st.sweeping = len(val) > 0 && val[0] == '1' || string(val) == "true"
	case "reason": // V8 14's JSON form only
		ev.Reason = val
	case "total_size_before", "start_object_size":
		ev.BeforeMB, st.gotBefore = bytesToMB(val), true
	case "total_size_after", "end_object_size":
		ev.AfterMB, st.gotAfter = bytesToMB(val), true
	case "start_memory_size":
		ev.BeforeCommittedMB = bytesToMB(val)
	case "end_memory_size":
		ev.AfterCommittedMB = bytesToMB(val)
	case "incremental":
		if v, n := parseNum(val); n > 0 {
			ev.IncrementalMs = v
		}
	case "incremental_steps_count":
		if v, n := parseNum(val); n > 0 {
			ev.IncrementalSteps = int64(v)
		}
	}
	return true
}

// finish names the record's type. A record without its sizes (V8 cuts
// NVP lines, which run past a kilobyte, to 255 bytes in its out-of-memory
// replay) is no sample of the heap.
func (st *nvpState) finish(ev *Event) bool {
	if !st.gotPause || !st.gotType || !st.gotBefore || !st.gotAfter {
		return false
	}
	name := nvpLong[st.typeIdx]
	if st.reduce {
		name = nvpReduce[st.typeIdx]
	} else if st.sweeping {
		name = nvpSweeping[st.typeIdx]
	}
	ev.Type = name
	ev.Major = st.typeIdx == 1 || st.typeIdx == 2
	ev.Forced = ForcedReason(ev.Reason)
	return true
}

// parseSpace reads "Old space,   used: 2734 KB, available: 0 KB, committed: 2784 KB".
func parseSpace(b []byte, ev *Event) bool {
	// Names are short; looking no further keeps a line of many "[1]"s
	// (each tried as a prefix) linear.
	comma := bytes.IndexByte(b[:min(len(b), maxName)], ',')
	if comma <= 0 {
		return false
	}
	name := b[:comma]
	// V8's space names are words ("Old space", "Memory allocator"); this
	// keeps "node[123]: [pid:0x…] Old space, used: …" from reading the
	// text after a journald "[123]" as a space's name.
	if !isLetter(name[0]) || bytes.IndexByte(name, '[') >= 0 || bytes.IndexByte(name, ':') >= 0 {
		return false
	}
	b = b[comma+1:]
	got := false
	// V8 prints at most four fields; a bound keeps hostile lines linear.
	for f := 0; len(b) > 0 && f < 8; f++ {
		b = skipSpaces(b)
		colon := bytes.IndexByte(b[:min(len(b), maxName)], ':')
		if colon <= 0 {
			break
		}
		key := b[:colon]
		// V8 13 marks sizes sweeping may still change with a '*' after
		// "KB", V8 14 before the number: "available:*     178 KB".
		b = skipSpaces(b[colon+1:])
		if len(b) > 0 && b[0] == '*' {
			b = skipSpaces(b[1:])
		}
		v, n := parseNum(b)
		if n == 0 {
			return false
		}
		b = b[n:]
		switch string(key) {
		case "used":
			ev.UsedKB, got = v, true
		case "available":
			ev.AvailableKB = v
		case "committed":
			ev.CommittedKB = v
		}
		if len(b) >= 3 && string(b[:3]) == " KB" {
			b = b[3:]
			if len(b) > 0 && b[0] == '*' {
				b = b[1:]
			}
		}
		if len(b) > 0 && b[0] == ',' {
			b = b[1:]
		} else {
			break
		}
	}
	if !got {
		return false
	}
	ev.Space = name
	return true
}

// isMajor tells full collections (Mark-sweep, Mark-Compact and their
// suffixed forms) from young-generation ones (Scavenge, Minor ...).
func isMajor(typ []byte) bool {
	typ = bytes.TrimPrefix(typ, []byte("Shared "))
	typ = bytes.TrimPrefix(typ, []byte("Incremental "))
	return bytes.HasPrefix(typ, []byte("Mark-"))
}

// parseNVPJSON reads V8 14's --trace-gc-nvp form, one JSON object:
// {"pause":3.487,"mutator":116.5,"gc":"s","reduce_memory":false,
// "reason":"allocation failure",...,"start_object_size":5226056,...}. It
// scans keys and flat values without decoding (no allocation); a line cut
// short keeps what it read, but without both sizes it is no GC.
func parseNVPJSON(b []byte, ev *Event) bool {
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	b = b[1:]
	var st nvpState
	for len(b) > 0 {
		if b[0] == ',' || b[0] == ' ' {
			b = b[1:]
			continue
		}
		if b[0] != '"' {
			break
		}
		end := bytes.IndexByte(b[1:], '"')
		if end < 0 {
			break
		}
		key := b[1 : 1+end]
		b = b[2+end:]
		if len(b) == 0 || b[0] != ':' {
			break
		}
		b = b[1:]
		var val []byte
		if len(b) > 0 && b[0] == '"' {
			e := 1
			for e < len(b) && b[e] != '"' {
				if b[e] == '\\' {
					e++
				}
				e++
			}
			if e >= len(b) {
				break
			}
			val, b = b[1:e], b[e+1:]
		} else {
			e := index2(b, ',', '}')
			if e < 0 {
				e = len(b)
			}
			val, b = b[:e], b[e:]
		}
		if !st.field(ev, key, val) {
			return false
		}
	}
	return st.finish(ev)
}

func bytesToMB(v []byte) float64 {
	x, n := parseNum(v)
	if n == 0 {
		return 0
	}
	return x / (1024 * 1024)
}

// num parses a number at the start of b.
func num(b []byte) (float64, []byte, bool) {
	v, n := parseNum(b)
	if n == 0 {
		return 0, b, false
	}
	return v, b[n:], true
}

// paren parses " (25.2)".
func paren(b []byte) (float64, []byte, bool) {
	if len(b) < 2 || b[0] != ' ' || b[1] != '(' {
		return 0, b, false
	}
	v, n := parseNum(b[2:])
	if n == 0 || 2+n >= len(b) || b[2+n] != ')' {
		return 0, b, false
	}
	return v, b[3+n:], true
}

func lit(b []byte, s string) ([]byte, bool) {
	if len(b) < len(s) || string(b[:len(s)]) != s {
		return b, false
	}
	return b[len(s):], true
}

// parseNum reads an unsigned decimal number ("12", "12.77", ".5" is not
// accepted) and returns it with the count of bytes consumed (0 if none).
// V8 prints at most a few decimals, so summing digits is exact enough and
// much faster than strconv.ParseFloat on the hot path.
func parseNum(b []byte) (float64, int) {
	i := 0
	var ip uint64
	extra := 0 // digits beyond what uint64 holds exactly
	for i < len(b) && isDigit(b[i]) {
		if ip < 1e17 {
			ip = ip*10 + uint64(b[i]-'0')
		} else {
			extra++
		}
		i++
	}
	if i == 0 {
		return 0, 0
	}
	v := float64(ip)
	// Clamp absurd magnitudes so sums over a hostile log stay finite
	// (JSON has no Inf); no real V8 value comes near 1e18.
	for ; extra > 0 && v < 1e18; extra-- {
		v *= 10
	}
	v = min(v, 1e18)
	if i+1 < len(b) && b[i] == '.' && isDigit(b[i+1]) {
		i++
		var fp uint64
		scale := 1.0
		for i < len(b) && isDigit(b[i]) {
			if scale < 1e15 {
				fp = fp*10 + uint64(b[i]-'0')
				scale *= 10
			}
			i++
		}
		v += float64(fp) / scale
	}
	return v, i
}

func skipSpaces(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
