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

// NoGCLines is the advice for a log without a GC line. Under
// --trace-gc-ignore-scavenger a log stays empty until the first major GC,
// so that flag alone does not mean the user forgot --trace-gc.
const NoGCLines = "run node with --trace-gc (with --trace-gc-ignore-scavenger, lines appear only once a major GC has run)"

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
