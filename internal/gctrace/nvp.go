package gctrace

import (
	"bytes"
)

// This file reads --trace-gc-nvp: key=value pairs, and V8 14's JSON form.

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
