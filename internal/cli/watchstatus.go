package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/ui"
	"github.com/leakhound/leakhound/internal/watch"
)

// statusBoard is what watch prints when it watches several targets: one
// table of all of them (name, pid, heap used of the limit, post-GC trend,
// leak signal), redrawn in place on a terminal and printed as plain lines
// every --status otherwise, with events as lines above it; or, with
// --json, one stream of events, each naming its target and pid.
type statusBoard struct {
	mu       sync.Mutex
	out, err io.Writer
	pal      ui.Palette
	tty      bool
	o        manyOptions
	enc      *json.Encoder
	rows     map[int]*boardRow
	drawn    int       // lines of the table on the terminal now
	last     time.Time // the table was last drawn (terminal) or printed
	done     bool
}

// boardRow is one target's line.
type boardRow struct {
	name        string
	pid         int
	sampled     bool
	used, limit int64
	leak        watch.LeakProgress
}

// redrawEvery bounds how often a terminal's table is redrawn.
const redrawEvery = 250 * time.Millisecond

func newStatusBoard(env *Env, o manyOptions) *statusBoard {
	b := &statusBoard{out: env.Stdout, err: env.Stderr, pal: Palette(env.Stdout), tty: ui.IsTerminal(env.Stdout),
		o: o, enc: json.NewEncoder(env.Stdout), rows: map[int]*boardRow{}}
	if !b.tty {
		b.last = time.Now() // the first table after --status, as a single watch's first status line
	}
	return b
}

// event takes one agent's or the supervisor's event.
func (b *statusBoard) event(e watch.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.o.asJSON {
		if e.Kind != "sample" || b.o.verbose {
			_ = b.enc.Encode(e)
		}
		return
	}
	if e.PID > 0 && e.Kind != "gone" && e.Kind != "done" && !(e.Kind == "error" && e.Target == "") {
		r := b.rows[e.PID]
		if r == nil {
			r = &boardRow{name: e.Target, pid: e.PID}
			b.rows[e.PID] = r
		}
		if e.Kind == "sample" && e.Sample != nil {
			r.sampled, r.used, r.limit = true, e.Sample.HeapUsed, e.HeapLimit
			if e.LeakSignal != nil {
				r.leak = *e.LeakSignal
			}
		}
	}
	if b.o.quiet && e.Kind != "error" {
		return
	}
	switch {
	case e.Kind == "action" && e.Trigger == "leak" && e.Action == "log":
		// the leak event itself just said it
	case e.Kind != "sample" || b.o.verbose:
		b.line(b.eventLine(e))
	}
	if b.o.quiet {
		return
	}
	now := time.Now()
	switch {
	case b.tty && now.Sub(b.last) >= redrawEvery:
		b.redraw()
	case !b.tty && e.Kind == "sample" && b.o.status > 0 && now.Sub(b.last) >= b.o.status:
		b.last = now
		fmt.Fprintf(b.out, "%s %s\n", b.pal.Dim(now.Format("15:04:05")), b.pal.Dim("status"))
		b.writeTable(b.out)
	}
}

// eventLine words an event as one line, as a single watch does, naming
// the target and its pid.
func (b *statusBoard) eventLine(e watch.Event) string {
	pal := b.pal
	label, msg := eventWords(pal, e)
	who := e.Target
	if e.PID > 0 {
		who = strings.TrimSpace(who + " " + strconv.Itoa(e.PID))
	}
	if who == "" {
		who = "watch"
	}
	return fmt.Sprintf("%s %s %s %s", pal.Dim(e.Time.Format("15:04:05")), pal.Bold(who), label, msg)
}

// line prints a line above the table (stdout).
func (b *statusBoard) line(s string) {
	b.clear()
	fmt.Fprintln(b.out, s)
	b.redraw()
}

// clear erases the table from the terminal.
func (b *statusBoard) clear() {
	if b.tty && b.drawn > 0 {
		fmt.Fprintf(b.out, "\x1b[%dA\r\x1b[J", b.drawn)
		b.drawn = 0
	}
}

// redraw puts the table back on the terminal (below what was printed).
func (b *statusBoard) redraw() {
	if !b.tty || b.done || b.o.quiet {
		return
	}
	b.clear()
	var buf bytes.Buffer
	b.writeTable(&buf)
	b.drawn = bytes.Count(buf.Bytes(), []byte{'\n'})
	_, _ = b.out.Write(buf.Bytes())
	b.last = time.Now()
}

// writeTable writes the table of every target watched now.
func (b *statusBoard) writeTable(w io.Writer) {
	rows := make([]*boardRow, 0, len(b.rows))
	for _, r := range b.rows {
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].name != rows[j].name {
			return rows[i].name < rows[j].name
		}
		return rows[i].pid < rows[j].pid
	})
	if len(rows) == 0 {
		fmt.Fprintln(w, b.pal.Dim("(no target watched now)"))
		return
	}
	tb := ui.Table{Header: []string{"target", "pid", "heap used / limit", "post-GC trend", "leak signal"}, RightAlign: map[int]bool{1: true, 2: true}}
	for _, r := range rows {
		tb.Rows = append(tb.Rows, r.cells(b.pal))
	}
	tb.Write(w, b.pal)
}

// cells are the row's table cells.
func (r *boardRow) cells(pal ui.Palette) []string {
	if !r.sampled {
		return []string{r.name, strconv.Itoa(r.pid), "…", "…", "…"}
	}
	heap := ui.Bytes(r.used)
	if r.limit > 0 {
		heap += fmt.Sprintf(" / %s (%d%%)", ui.Bytes(r.limit), r.used*100/r.limit)
	}
	p := r.leak
	trend := "no major GC yet"
	switch {
	case p.PostGCHeap > 0 && p.RisingGCs > 0:
		trend = fmt.Sprintf("%s, rising %s over %d GCs", ui.Bytes(p.PostGCHeap), ui.SignedBytes(p.GrowthBytes), p.RisingGCs)
	case p.PostGCHeap > 0:
		trend = ui.Bytes(p.PostGCHeap) + ", not rising"
	}
	leak := fmt.Sprintf("off (%d of %d rising GCs)", p.RisingGCs, p.Window)
	if p.Active {
		leak = pal.Red(fmt.Sprintf("ON (%s over %d GCs)", ui.SignedBytes(p.GrowthBytes), p.RisingGCs))
	}
	return []string{r.name, strconv.Itoa(r.pid), heap, trend, leak}
}

// forget drops a target that was let go from the table.
func (b *statusBoard) forget(pid int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.rows, pid)
	b.redraw()
}

// close stops redrawing; the last table stays on the terminal.
func (b *statusBoard) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done = true
	b.drawn = 0
}

// stderr is a writer for stderr lines that keeps them off the table.
func (b *statusBoard) stderr() io.Writer { return boardStderr{b} }

type boardStderr struct{ b *statusBoard }

func (w boardStderr) Write(p []byte) (int, error) {
	b := w.b
	b.mu.Lock()
	defer b.mu.Unlock()
	b.clear()
	n, err := b.err.Write(p)
	b.redraw()
	return n, err
}

// eventWords are an event's coloured kind (what happened, red for trouble,
// dim for routine) and its message with the file it names, for watch's
// event lines, one target or several.
func eventWords(pal ui.Palette, e watch.Event) (label, msg string) {
	label = e.Kind
	switch e.Kind {
	case "leak", "error", "exited", "gone":
		label = pal.Red(label)
	case "note":
		label = pal.Yellow(label)
	case "action":
		label = pal.Yellow(e.Trigger + " " + e.Action)
	case "connected", "report":
		label = pal.Green(label)
	case "sample", "status", "busy", "done":
		label = pal.Dim(label)
	}
	msg = e.Message
	if e.Path != "" && !strings.Contains(msg, e.Path) {
		msg += " " + e.Path
	}
	return label, msg
}
