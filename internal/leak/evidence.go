package leak

import (
	"fmt"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// A leak keeps growing. What grew once and stopped (V8 doubling a hash
// table, a cache reaching its bound, a module required late, code warming
// up) is a one-time step: a note, never a suspect. This file holds that
// rule and the evidence each suspect gives for itself.

// minLaterShare: every later interval must grow by at least this share of
// the first interval's growth, per unit of work. A leak grows with the
// work; a cache filling toward its bound grows less and less.
const minLaterShare = 0.5

// decayShare: an interval under this share of the one before is clearly
// smaller.
const decayShare = 0.9

// evenShare: intervals within this share of each other are even; below,
// the evidence asks for more snapshots.
const evenShare = 0.75

// smallSteps: growth under this many objects (or entries) per interval is
// small; the evidence asks for a longer interval.
const smallSteps = 10

// maxStepNotes caps the one-time steps reported as notes.
const maxStepNotes = 3

// growthKind is what a per-snapshot count did over the series.
type growthKind int

const (
	growthSteady  growthKind = iota // grew at every interval, later ones not much smaller
	growthStopped                   // some interval did not grow: a one-time step
	growthSlowing                   // grew less and less: filling toward a bound
)

// intervals is the growth of count between consecutive snapshots.
func intervals(count []int64) []int64 {
	if len(count) < 2 {
		return nil
	}
	d := make([]int64, len(count)-1)
	for i := range d {
		d[i] = count[i+1] - count[i]
	}
	return d
}

// workOf gives the work done in each interval from the cumulative work at
// each snapshot; equal work (1 each) when unknown or inconsistent.
func workOf(work []float64, n int) []float64 {
	w := make([]float64, n-1)
	for i := range w {
		w[i] = 1
	}
	if len(work) != n {
		return w
	}
	for i := range w {
		if work[i+1] <= work[i] {
			for j := range w {
				w[j] = 1
			}
			return w
		}
		w[i] = work[i+1] - work[i]
	}
	return w
}

func evenWork(w []float64) bool {
	for _, x := range w {
		if x != w[0] {
			return false
		}
	}
	return true
}

// judge classifies a per-snapshot count. A collection that only shows its
// capacity (numbers stored inline have no reference in a snapshot) grows in
// V8's steps, with intervals between them, so only its overall growth
// counts; its evidence says so.
func judge(count []int64, work []float64, capacityOnly bool) growthKind {
	d := intervals(count)
	if capacityOnly {
		for _, x := range d {
			if x < 0 {
				return growthStopped
			}
		}
		if count[len(count)-1] <= count[0] {
			return growthStopped
		}
		return growthSteady
	}
	w := workOf(work, len(count))
	for _, x := range d {
		if x <= 0 {
			return growthStopped
		}
	}
	// Slowing: the last interval under minLaterShare of the first, every
	// interval clearly under the one before (a fill decays; a leak whose
	// first interval also held a one-time burst levels off after it).
	r := make([]float64, len(d))
	for i := range d {
		r[i] = float64(d[i]) / w[i]
	}
	if len(r) < 2 || r[len(r)-1] >= minLaterShare*r[0] {
		return growthSteady
	}
	for i := 1; i < len(r); i++ {
		if r[i] >= decayShare*r[i-1] {
			return growthSteady
		}
	}
	return growthSlowing
}

// unitWord names what Count counts, for sentences.
func unitWord(unit string) string {
	switch unit {
	case "":
		return "objects"
	case "slots":
		return "slots of capacity"
	}
	return unit
}

// amounts formats growth amounts in a suspect's unit: "3,000 and 3,000
// entries", "1.2 MB, 1.3 MB and 1.3 MB".
func amounts(d []int64, unit string) string {
	parts := make([]string, len(d))
	for i, x := range d {
		if unit == "bytes" {
			parts[i] = ui.SignedBytes(x)
			parts[i] = strings.TrimPrefix(parts[i], "+")
		} else {
			parts[i] = ui.Count(x)
		}
	}
	var s string
	switch len(parts) {
	case 1:
		s = parts[0]
	default:
		s = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	if unit != "bytes" {
		s += " " + unitWord(unit)
	}
	return s
}

// wholesGrowth: s's entries keep slices whose wholes are half or more of
// the heap's growth, over a heap that grew at every interval (a count
// bound says nothing of what each entry's slices keep whole).
func wholesGrowth(s *Suspect, heap []uint64) bool {
	w := s.Wholes
	if w == nil || w.Alone || len(heap) < 2 {
		return false
	}
	for i := 1; i < len(heap); i++ {
		if heap[i] <= heap[i-1] {
			return false
		}
	}
	return 2*w.Bytes >= heap[len(heap)-1]-heap[0]
}

// joinSizes is sizes as a series: "20.1 MiB → 37.1 MiB → 51.0 MiB".
func joinSizes(sizes []uint64) string {
	t := make([]string, len(sizes))
	for i, v := range sizes {
		t[i] = ui.Bytes(int64(v))
	}
	return strings.Join(t, " → ")
}

// setEvidence says why s is a suspect and how far to trust it.
func setEvidence(s *Suspect, work []float64) {
	n := len(s.Count)
	d := intervals(s.Count)
	s.Intervals = d
	m := len(d)
	var b strings.Builder
	if s.capacityOnly {
		grew := 0
		for _, x := range d {
			if x > 0 {
				grew++
			}
		}
		fmt.Fprintf(&b, "its capacity grew in %d of %d intervals (by %s) and never shrank; it holds numbers stored inline, which a snapshot does not show, so only its capacity is seen, and V8 grows that in steps: a bounded collection growing once looks the same", grew, m, amounts(d, s.CountUnit))
		s.ThinEvidence = true
	} else {
		if m == 1 {
			fmt.Fprintf(&b, "grew by %s in the one interval", amounts(d, s.CountUnit))
		} else {
			fmt.Fprintf(&b, "grew at each of %d intervals, by %s", m, amounts(d, s.CountUnit))
		}
		w := workOf(work, n)
		if !evenWork(w) {
			ws := make([]string, len(w))
			for i, x := range w {
				ws[i] = fmt.Sprint(x)
			}
			fmt.Fprintf(&b, " over unequal work (%s units), compared per unit of work", strings.Join(ws, ", "))
		}
		small, uneven := shaky(d, s.CountUnit)
		switch {
		case n <= 2:
			b.WriteString("; two snapshots cannot show that it keeps growing")
			s.ThinEvidence = true
		case n == 3:
			b.WriteString("; 3 snapshots are thin evidence")
			s.ThinEvidence = true
		}
		if small {
			b.WriteString("; the growth is small")
			s.ThinEvidence = true
		}
		if uneven {
			b.WriteString("; the intervals are uneven")
			s.ThinEvidence = true
		}
	}
	if s.ThinEvidence {
		b.WriteString(": to be sure, take more snapshots (run --snapshots 5, capture --count 5) or more work between them")
	}
	s.Evidence = b.String()
}

// minSuspectBytes: a suspect that grew by fewer bytes over the whole
// series, by a few objects and unevenly, is noise (a dictionary's
// property names, a few short strings a module keeps); a slow leak of a
// few objects a round grows evenly (tiny, analyze.go, judges that).
const minSuspectBytes = 4 << 10

// noise: s grew by under minSuspectBytes, by a few objects an interval,
// and unevenly.
func noise(s *Suspect) bool {
	if s.GrowthBytes >= minSuspectBytes || s.CountUnit != "" && s.CountUnit != "objects" {
		return false
	}
	small, uneven := shaky(intervals(s.Count), s.CountUnit)
	return small && uneven
}

// shaky says whether growth by intervals d is small (under smallSteps
// objects or entries, or 64 KiB, per interval) or uneven (an interval
// under evenShare of the largest).
func shaky(d []int64, unit string) (small, uneven bool) {
	if len(d) == 0 {
		return false, false
	}
	lo, hi := d[0], d[0]
	for _, x := range d {
		lo, hi = min(lo, x), max(hi, x)
	}
	small = unit != "bytes" && lo < smallSteps || unit == "bytes" && lo < minCollectionGrowth
	uneven = float64(lo) < evenShare*float64(hi)
	return small, uneven
}

// Unsure reports whether one more snapshot could change the verdict on s:
// its growth is uneven, as a cache still filling toward its bound grows
// (less and less). Small but even growth is what a slow leak does: more
// work per interval tells more than one more equal interval. A collection
// seen only by its capacity grows in V8's steps: one more snapshot would
// not tell more either.
func (s *Suspect) Unsure() bool {
	if s.capacityOnly || s.CountUnit == "slots" {
		return false
	}
	_, uneven := shaky(s.Intervals, s.CountUnit)
	return uneven
}

// Unsure counts what one more snapshot could decide: suspects whose growth
// is uneven, and groups left out because they grew less and less (a fill
// decays, a leak levels off after a first burst).
func (r *Report) Unsure() int {
	n := r.slowing
	for i := range r.Suspects {
		if r.Suspects[i].Unsure() {
			n++
		}
	}
	return n
}

// stepNote tells of a group that grew and then stopped, or grew less and
// less, without making it a suspect.
func stepNote(s *Suspect, kind growthKind, names []string, workKnown bool) string {
	what := s.Class + " objects"
	if h := s.Holder; h != nil && h.Kind != "" && s.CountUnit != "" && s.CountUnit != "bytes" {
		what = fmt.Sprintf("%s @%d", h.Class, h.ID)
		if h.Kind != h.Class {
			what += " (" + h.Kind + ")"
		}
	}
	capacity := ""
	if len(s.capacity) > 0 && s.capacity[len(s.capacity)-1] != s.capacity[0] {
		cs := make([]string, len(s.capacity))
		for i, c := range s.capacity {
			cs[i] = ui.Count(c)
		}
		capacity = ", capacity " + strings.Join(cs, " → ") + " slots"
	}
	counts := make([]string, len(s.Count))
	for i, c := range s.Count {
		if s.CountUnit == "bytes" {
			counts[i] = ui.Bytes(c)
		} else {
			counts[i] = ui.Count(c)
		}
	}
	unit := unitWord(s.CountUnit)
	if s.CountUnit == "bytes" {
		unit = "bytes"
	}
	verdict := "grew, then stopped: a one-time step (a hash table or backing store resized, a cache reaching its bound, a module loaded late, code warming up), not a leak"
	if kind == growthSlowing {
		verdict = "grew less and less, like a cache filling to its bound: not reported as a leak; take more snapshots to see whether it levels off"
		if !workKnown {
			verdict += " (intervals compared as if they did equal work)"
		}
	}
	path := ""
	if s.PathText != "" {
		path = " at " + s.PathText
	}
	return fmt.Sprintf("%s%s: %s %s%s, retained %s → %s over %s..%s: %s",
		what, path, unit, strings.Join(counts, " → "), capacity,
		ui.Bytes(int64(s.RetainedSize[0])), ui.Bytes(int64(s.RetainedSize[len(s.RetainedSize)-1])), names[0], names[len(names)-1], verdict)
}

// sieve keeps the suspects that grow steadily, with their evidence, and
// turns the others into notes (the largest few) on one-time steps.
func sieve(sus []Suspect, steps []Suspect, work []float64, names []string, heap []uint64, src Sources) (kept []Suspect, notes []string, slowing int) {
	type noted struct {
		s    *Suspect
		kind growthKind
	}
	var ns []noted
	for i := range sus {
		s := &sus[i]
		kind := judge(s.Count, work, s.capacityOnly)
		if kind == growthSteady && noise(s) {
			continue // a few bytes, unevenly: not a leak to name
		}
		if kind == growthSteady {
			setEvidence(s, work)
			kept = append(kept, *s)
			continue
		}
		if kind == growthSlowing && wholesGrowth(s, heap) {
			// Entries that slow down while the heap keeps growing by
			// what their slices keep whole: the bytes are the leak.
			setEvidence(s, work)
			s.Evidence += fmt.Sprintf("; its entries grew less and less, but the heap grew at every interval (%s), and their slices keep %s of whole strings or buffers: most of that growth",
				joinSizes(heap), ui.Bytes(int64(s.Wholes.Bytes)))
			kept = append(kept, *s)
			continue
		}
		if kind == growthSlowing && appendOnly(s, src) {
			// No bound to fill toward: the work slowed, and what it
			// added stays.
			setEvidence(s, work)
			s.Evidence += "; its growth slowed, but nothing takes entries out of the Array (its code only pushes), so there is no bound it could be filling toward: fewer were added (the work that adds them slowed), and each stays"
			kept = append(kept, *s)
			continue
		}
		if kind == growthSlowing {
			slowing++
		}
		if s.GrowthBytes >= minCollectionGrowth {
			ns = append(ns, noted{s, kind})
		}
	}
	for i := range steps {
		ns = append(ns, noted{&steps[i], growthStopped})
	}
	// Collections first: a collection's step also shows as a step of the
	// objects it holds, which then need no note of their own.
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].s.collection != ns[j].s.collection {
			return ns[i].s.collection
		}
		return ns[i].s.GrowthBytes > ns[j].s.GrowthBytes
	})
	seen := map[uint32]bool{}
	for _, x := range ns {
		if len(notes) == maxStepNotes {
			break
		}
		through := x.s.Holder != nil && seen[x.s.Holder.ID]
		for _, st := range x.s.RetainerPath {
			through = through || seen[st.ID]
		}
		if through {
			continue
		}
		if x.s.collection && x.s.Holder != nil {
			seen[x.s.Holder.ID] = true
		}
		notes = append(notes, stepNote(x.s, x.kind, names, len(work) == len(names)))
	}
	return kept, notes, slowing
}
