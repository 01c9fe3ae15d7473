package gctrace

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// corpusLine is one line of testdata/gctrace/real/lines.txt with what
// ParseLine must make of it.
type corpusLine struct {
	source, expect, line string
}

func readCorpus(tb testing.TB) []corpusLine {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "..", "testdata", "gctrace", "real", "lines.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	var cur corpusLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "@ "):
			cur = corpusLine{source: l[2:]}
		case strings.HasPrefix(l, "= ") && cur.source != "":
			cur.expect = l[2:]
		case cur.expect != "" && l != "":
			cur.line = l
			out = append(out, cur)
			cur = corpusLine{}
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// check says what is wrong with how line parsed, or "" when it matches
// expect ("gc; type=Mark-sweep; pause=190.6; ...").
func (c corpusLine) check() string {
	parts := strings.Split(c.expect, "; ")
	var ev Event
	k := ParseLine([]byte(c.line), &ev)
	if k.String() != parts[0] {
		return "kind " + k.String() + ", want " + parts[0]
	}
	first := ev
	first.Type, first.Reason = append([]byte(nil), ev.Type...), append([]byte(nil), ev.Reason...)
	// Count the GC records on the line, following ev.Next.
	records := 0
	for off, kk := 0, k; ; {
		if kk == KindGC || kk == KindNVP {
			records++
		}
		if ev.Next == 0 {
			break
		}
		off += ev.Next
		kk = ParseLine([]byte(c.line)[off:], &ev)
	}
	wantRecords := 0
	if k == KindGC || k == KindNVP {
		wantRecords = 1
	}
	forced, cut := false, false
	for _, p := range parts[1:] {
		key, val, _ := strings.Cut(p, "=")
		num := func(got float64) string {
			if val == "?" {
				if got != Unknown {
					return key + " " + strconv.FormatFloat(got, 'f', -1, 64) + ", want unknown"
				}
				return ""
			}
			want, _ := strconv.ParseFloat(val, 64)
			if !near(got, want) {
				return key + " " + strconv.FormatFloat(got, 'f', -1, 64) + ", want " + val
			}
			return ""
		}
		var bad string
		switch key {
		case "type":
			if string(first.Type) != val {
				bad = "type " + strconv.Quote(string(first.Type)) + ", want " + val
			}
		case "reason":
			if string(first.Reason) != val {
				bad = "reason " + strconv.Quote(string(first.Reason)) + ", want " + val
			}
		case "pause":
			bad = num(first.PauseMs)
		case "before":
			bad = num(first.BeforeMB)
		case "after":
			bad = num(first.AfterMB)
		case "records":
			wantRecords, _ = strconv.Atoi(val)
		case "forced":
			forced = true
		case "cut":
			cut = true
		default:
			bad = "unknown check " + key
		}
		if bad != "" {
			return bad
		}
	}
	if first.Forced != forced {
		return "forced " + strconv.FormatBool(first.Forced)
	}
	if first.Cut != cut {
		return "cut " + strconv.FormatBool(first.Cut)
	}
	if records != wantRecords {
		return strconv.Itoa(records) + " GC records, want " + strconv.Itoa(wantRecords)
	}
	return ""
}

// TestRealCorpus: every line of the corpus (GC lines quoted from public
// reports, captured from node 20 to 26, and written from V8's format
// strings) parses as its note says.
func TestRealCorpus(t *testing.T) {
	lines := readCorpus(t)
	if len(lines) < 40 {
		t.Fatalf("only %d corpus lines", len(lines))
	}
	ok := 0
	for _, c := range lines {
		if msg := c.check(); msg != "" {
			t.Errorf("%s\n  %.160s\n  %s", c.source, c.line, msg)
			continue
		}
		ok++
	}
	t.Logf("%d of %d corpus lines parse as expected", ok, len(lines))
}

// TestRealCorpusAnalyzer streams the corpus's GC lines through the
// analyser: nothing is malformed that the corpus calls a GC, and the
// forced GCs are counted apart.
func TestRealCorpusAnalyzer(t *testing.T) {
	a := NewAnalyzer(Options{})
	want, forced := 0, 0
	for _, c := range readCorpus(t) {
		a.Line([]byte(c.line))
		if strings.HasPrefix(c.expect, "gc") || strings.HasPrefix(c.expect, "nvp") {
			n := 1
			if _, v, ok := strings.Cut(c.expect, "records="); ok {
				n, _ = strconv.Atoi(v[:1])
			}
			want += n
			if strings.Contains(c.expect, "; forced") {
				forced++
			}
		}
	}
	s := a.Summary()
	if int(s.GCs) != want || s.Forced == nil || int(s.Forced.GCs) != forced {
		t.Fatalf("%d GCs (want %d), forced %+v (want %d); lines %+v", s.GCs, want, s.Forced, forced, s.Lines)
	}
}
