package gctrace

import (
	"bytes"
)

// This file reads the human-readable GC lines of --trace-gc and
// --trace-gc-verbose.

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
