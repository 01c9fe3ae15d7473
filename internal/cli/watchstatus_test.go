package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/watch"
)

func boardSample(name string, pid int, used int64, p watch.LeakProgress) watch.Event {
	return watch.Event{Time: time.Now(), Target: name, PID: pid, Kind: "sample", Sample: &store.Sample{HeapUsed: used},
		HeapLimit: 100 << 20, LeakSignal: &p}
}

// The status table: plain lines every --status when not on a terminal,
// aligned, one row per target; redrawn in place on a terminal, with
// events printed above it.
func TestStatusBoard(t *testing.T) {
	var out, errOut bytes.Buffer
	b := newStatusBoard(&Env{Stdout: &out, Stderr: &errOut}, manyOptions{status: time.Nanosecond})
	b.event(watch.Event{Time: time.Now(), Target: "api.js", PID: 11, Kind: "connected", Message: "watching api.js"})
	b.event(boardSample("api.js", 11, 30<<20, watch.LeakProgress{Window: 5, RisingGCs: 3, GrowthBytes: 2 << 20, PostGCHeap: 20 << 20}))
	b.event(boardSample("worker.js", 1234, 5<<20, watch.LeakProgress{Window: 5, Active: true, RisingGCs: 5, GrowthBytes: 9 << 20, PostGCHeap: 4 << 20}))
	text := out.String()
	if strings.Contains(text, "\x1b[") {
		t.Errorf("escapes off a terminal:\n%q", text)
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	last := lines[len(lines)-3:]
	for i, col := range []string{"target", "pid", "heap used / limit", "post-GC trend", "leak signal"} {
		if !strings.Contains(last[0], col) {
			t.Errorf("header lacks column %d %q: %q", i, col, last[0])
		}
	}
	if !strings.HasPrefix(last[1], "api.js ") || !strings.Contains(last[1], "30.0 MiB / 100.0 MiB (30%)") ||
		!strings.Contains(last[1], "20.0 MiB, rising +2.0 MiB over 3 GCs") || !strings.Contains(last[1], "off (3 of 5") {
		t.Errorf("api.js row: %q", last[1])
	}
	if !strings.HasPrefix(last[2], "worker.js ") || !strings.Contains(last[2], "ON (+9.0 MiB over 5 GCs)") {
		t.Errorf("worker.js row: %q", last[2])
	}
	// Aligned: every column starts at the same place in every line.
	for _, col := range []string{"heap used / limit", "post-GC trend", "leak signal"} {
		i := strings.Index(last[0], col) + len(col)
		if col == "heap used / limit" { // right-aligned: ends together
			if !strings.HasSuffix(last[1][:i], "(30%)") || !strings.HasSuffix(last[2][:i], "(5%)") {
				t.Errorf("%q is not aligned:\n%s", col, strings.Join(last, "\n"))
			}
			continue
		}
		i -= len(col)
		if last[1][i-2:i] != "  " || last[1][i] == ' ' || last[2][i] == ' ' {
			t.Errorf("%q is not aligned:\n%s", col, strings.Join(last, "\n"))
		}
	}
	if !strings.Contains(text, "api.js 11 connected watching api.js") {
		t.Errorf("the event line:\n%s", text)
	}

	// On a terminal: the table is erased (cursor up, clear) before a new
	// line and drawn again below it.
	out.Reset()
	b = newStatusBoard(&Env{Stdout: &out, Stderr: &errOut}, manyOptions{status: time.Minute})
	b.tty, b.last = true, time.Time{} // as newStatusBoard sets it up for a terminal
	b.event(boardSample("api.js", 11, 30<<20, watch.LeakProgress{Window: 5}))
	if !strings.Contains(out.String(), "api.js") || strings.Contains(out.String(), "\x1b[") {
		t.Fatalf("first draw: %q", out.String())
	}
	out.Reset()
	b.event(watch.Event{Time: time.Now(), Target: "api.js", PID: 11, Kind: "note", Message: "hello"})
	s := out.String()
	if !strings.HasPrefix(s, "\x1b[2A\r\x1b[J") || !strings.Contains(s, "hello\n") || strings.Index(s, "hello") > strings.Index(s, "heap used") {
		t.Errorf("event on a terminal: %q", s)
	}
	out.Reset()
	b.stderr().Write([]byte("leakhound: moved\n"))
	if !strings.HasPrefix(out.String(), "\x1b[2A\r\x1b[J") || !strings.Contains(errOut.String(), "leakhound: moved") {
		t.Errorf("a stderr line on a terminal: %q", out.String())
	}
	b.forget(11)
	if !strings.Contains(out.String(), "no target watched now") {
		t.Errorf("after the last target went: %q", out.String())
	}
}
