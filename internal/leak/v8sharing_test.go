package leak

import (
	"strings"
	"testing"
)

// What V8 keeps that the code does not say (blind evaluation 16): a
// slice's whole parent, a view's whole buffer, a variable a closure never
// reads kept by its scope's shared context, and the locals of an async
// function suspended at an await that never resumes.

func TestSlicedStringsKeepTheirParents(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "sliced-ids")
	w := s.Wholes
	if w == nil || w.Kind != "string" || w.Wholes < 16 || w.Slices < 2*w.Wholes || w.Bytes/uint64(w.Wholes) < 64<<10 || len(w.Fields) != 1 || w.Fields[0] != "traceId" {
		t.Fatalf("wholes %+v: want the batch texts behind the sliced ids", w)
	}
	if !strings.HasPrefix(s.Hint, "the entries keep") || !strings.Contains(s.Hint, "sliced strings") || !strings.Contains(s.Hint, "Buffer.from(s).toString()") {
		t.Errorf("hint %q", s.Hint)
	}
	// The copy belongs where the ids are cut out of their texts.
	if w.Cut == nil || w.Cut.Line != 21 || !strings.Contains(s.Hint, "where it is cut out (sliced-ids.js:21)") {
		t.Errorf("cut %+v, hint %q: want sliced-ids.js:21, the substring", w.Cut, s.Hint)
	}
	if l := s.Location; l == nil || l.Function != "remember" || l.Line != 21 {
		t.Errorf("code %+v: want remember at the substring, line 21", s.Location)
	}
}

func TestBufferViewsKeepTheirBlocks(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "buffer-views")
	w := s.Wholes
	if w == nil || w.Kind != "buffer" || len(w.Fields) == 0 || w.Fields[0] != "digest" || w.Slices < 4*w.Wholes || w.Bytes/uint64(w.Wholes) != 128<<10 {
		t.Fatalf("wholes %+v: want 128 KiB blocks behind the digests", w)
	}
	if !strings.Contains(s.Hint, "Buffer.from(view)") {
		t.Errorf("hint %q", s.Hint)
	}
	if w.Cut == nil || w.Cut.Line != 11 || !strings.Contains(w.Cut.Text, "subarray") {
		t.Errorf("cut %+v: want buffer-views.js:11, the subarray", w.Cut)
	}
}

// A Map of ids copied out of their texts keeps no parents: no wholes,
// whatever else the Map does.
func TestCopiedSlicesKeepNoWholes(t *testing.T) {
	t.Parallel()
	rep, err := seriesReport(t, "http-sessions")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Suspects {
		if s.Wholes != nil {
			t.Errorf("%s: wholes %+v", s.Class, s.Wholes)
		}
	}
}

func TestSharedContextKeepsAVariable(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "shared-context")
	b := s.Bulk
	if b == nil || strings.Join(b.Steps, " → ") != "describe → context → raw" || b.RetainedSize < 30000 {
		t.Fatalf("bulk %+v", b)
	}
	for _, want := range []string{"the closure describe (shared-context.js:18) never reads raw", "reject (shared-context.js:12) reads it", "make describe in a function of its own"} {
		if !strings.Contains(s.Hint, want) {
			t.Errorf("hint lacks %q: %q", want, s.Hint)
		}
	}
}

func TestSuspendedAsyncFunctionKeepsItsLocals(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "await-forever")
	b := s.Bulk
	if b == nil || b.Frame == nil || b.Frame.Function != "deliver" || b.Class != "(string)" {
		t.Fatalf("bulk %+v", b)
	}
	if l := s.Location; l == nil || l.Function != "deliver" || l.Line != 16 {
		t.Errorf("location %+v, want deliver at its await of waitFor (line 16)", l)
	}
	if !strings.Contains(s.Hint, "each keeps async deliver suspended at await-forever.js:16") {
		t.Errorf("hint %q", s.Hint)
	}
}

// A bound function is made by its .bind(): that line is the code that
// keeps its this, not the method's own head.
func TestBoundFunctionCodeIsItsBind(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "bound-listener")
	if l := s.Location; l == nil || l.Line != 27 || l.Function != "processTransaction" {
		t.Errorf("location %+v, want the .bind() in processTransaction, line 27", l)
	}
}

// An Error kept with its stack never read keeps the frames' receivers:
// the ImportJob that made it, and its payload.
func TestErrorStackKeepsItsFrames(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "error-stack")
	if s.Class != "ValidationError" || !strings.HasPrefix(s.Hint, "each ValidationError keeps its stack, never read") || !strings.Contains(s.Hint, "read its .stack once") {
		t.Errorf("%s: hint %q", s.Class, s.Hint)
	}
}

// A bound far above what the heap could hold at what each entry keeps is
// no bound: the collection stays a suspect, and the fix says so.
func TestBoundTooBigForItsEntries(t *testing.T) {
	t.Parallel()
	_, s := seriesTop(t, "capacity-too-big")
	if !strings.Contains(s.Evidence, "that bound is about") || !strings.HasPrefix(s.Hint, "each entry keeps about") || !strings.Contains(s.Hint, "bound it by bytes") {
		t.Errorf("evidence %q, hint %q", s.Evidence, s.Hint)
	}
}

// Entries that slow down while the heap grows by what their slices keep
// whole are kept as a suspect, and the wholes count in what each entry
// keeps against a count bound.
func TestWholesGrowth(t *testing.T) {
	w := &Wholes{Kind: "string", Slices: 15000, Wholes: 140, Bytes: 32 << 20}
	s := &Suspect{Count: []int64{0, 15000, 15800}, RetainedSize: []uint64{0, 2 << 20, 5 << 20 / 2}, Wholes: w}
	if !wholesGrowth(s, []uint64{20 << 20, 37 << 20, 51 << 20}) {
		t.Error("wholes of 32 MiB over a heap grown by 31 MiB: want kept")
	}
	if wholesGrowth(s, []uint64{20 << 20, 37 << 20, 37 << 20}) {
		t.Error("a heap that stopped growing: want a note")
	}
	if k := s.kept(); k != 5<<20/2+32<<20 {
		t.Errorf("kept %d: want the entries' retained size and their shared wholes", k)
	}
	w.Alone = true // one slice a whole: the entry retains it already
	if k := s.kept(); k != 5<<20/2 || wholesGrowth(s, []uint64{20 << 20, 37 << 20, 51 << 20}) {
		t.Errorf("alone: kept %d", k)
	}
}
