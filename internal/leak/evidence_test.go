package leak

import (
	"strings"
	"testing"
)

func TestJudge(t *testing.T) {
	cases := []struct {
		name     string
		count    []int64
		work     []float64
		capacity bool
		want     growthKind
	}{
		{"steady", []int64{100, 200, 300}, nil, false, growthSteady},
		{"stopped", []int64{100, 200, 200}, nil, false, growthStopped},
		{"shrank", []int64{100, 200, 150, 300}, nil, false, growthStopped},
		{"flat entries under a doubled table", []int64{5000, 5000, 5000}, nil, false, growthStopped},
		{"filling, 3 snapshots", []int64{0, 700, 1000}, nil, false, growthSlowing},
		{"filling, 4 snapshots", []int64{0, 1000, 1600, 1900}, nil, false, growthSlowing},
		// A first interval with a one-time burst, then a level leak.
		{"burst then level", []int64{0, 700, 1000, 1300}, nil, false, growthSteady},
		{"noisy leak", []int64{0, 300, 560, 900}, nil, false, growthSteady},
		// Twice the work in the second interval: twice the growth is level.
		{"unequal work", []int64{0, 100, 300}, []float64{0, 1, 3}, false, growthSteady},
		{"unequal work, slowing", []int64{0, 100, 150}, []float64{0, 1, 3}, false, growthSlowing},
		{"bad work counts alike", []int64{0, 100, 200}, []float64{0, 0, 1}, false, growthSteady},
		{"capacity in steps", []int64{50861, 76306, 76306}, nil, true, growthSteady},
		{"capacity shrank", []int64{50861, 76306, 60000}, nil, true, growthStopped},
	}
	for _, c := range cases {
		if got := judge(c.count, c.work, c.capacity); got != c.want {
			t.Errorf("%s: judge(%v) = %d, want %d", c.name, c.count, got, c.want)
		}
	}
}

func TestEvidenceWords(t *testing.T) {
	s := Suspect{Count: []int64{1000, 4000, 7000}, CountUnit: "entries"}
	setEvidence(&s, nil)
	if !strings.HasPrefix(s.Evidence, "grew at each of 2 intervals, by 3,000 and 3,000 entries; 3 snapshots are thin evidence") ||
		!s.ThinEvidence || len(s.Intervals) != 2 || s.Unsure() {
		t.Errorf("evidence %q thin %v intervals %v unsure %v", s.Evidence, s.ThinEvidence, s.Intervals, s.Unsure())
	}
	s = Suspect{Count: []int64{10, 310, 610, 910, 1210}}
	setEvidence(&s, nil)
	if s.Evidence != "grew at each of 4 intervals, by 300, 300, 300 and 300 objects" || s.ThinEvidence {
		t.Errorf("5 even snapshots: evidence %q thin %v", s.Evidence, s.ThinEvidence)
	}
	s = Suspect{Count: []int64{0, 1000, 1600}}
	setEvidence(&s, nil)
	if !strings.Contains(s.Evidence, "uneven") || !strings.Contains(s.Evidence, "take more snapshots") || !s.Unsure() {
		t.Errorf("uneven: evidence %q unsure %v", s.Evidence, s.Unsure())
	}
	s = Suspect{Count: []int64{1, 3, 5, 7, 9}}
	setEvidence(&s, nil)
	if !strings.Contains(s.Evidence, "small") || s.Unsure() {
		t.Errorf("small: evidence %q unsure %v", s.Evidence, s.Unsure())
	}
	s = Suspect{Count: []int64{0, 100, 300}}
	setEvidence(&s, []float64{0, 100, 300})
	if !strings.Contains(s.Evidence, "unequal work (100, 200 units)") {
		t.Errorf("unequal work: evidence %q", s.Evidence)
	}
	s = Suspect{Count: []int64{1 << 20, 2 << 20, 3 << 20}, CountUnit: "bytes"}
	setEvidence(&s, nil)
	if !strings.HasPrefix(s.Evidence, "grew at each of 2 intervals, by 1.0 MiB and 1.0 MiB;") {
		t.Errorf("bytes: evidence %q", s.Evidence)
	}
}

// A few bytes grown by a few objects, unevenly, is noise; a slow leak of
// a few objects a round grows evenly and stays; so does one of a few
// objects that together grow by kilobytes.
func TestNoise(t *testing.T) {
	for _, c := range []struct {
		name  string
		count []int64
		bytes int64
		want  bool
	}{
		{"dictionary names", []int64{4061, 4068, 4081}, 512, true},
		{"slow even leak", []int64{10, 15, 20}, 1000, false},
		{"big objects", []int64{4061, 4068, 4081}, 8 << 10, false},
		{"many objects", []int64{100, 200, 400}, 3000, false},
	} {
		s := &Suspect{Count: c.count, GrowthBytes: c.bytes}
		if got := noise(s); got != c.want {
			t.Errorf("%s: noise %v, want %v", c.name, got, c.want)
		}
	}
}
