package watch

import (
	"testing"
	"time"
)

func TestLeakDetector(t *testing.T) {
	t0 := time.Unix(0, 0)
	d := LeakDetector{Window: 5, MinGrowth: 1 << 20}
	// Steady heap with noise: never fires, even with five small rises.
	noisy := []int64{100, 101, 102, 103, 104, 105, 106, 99, 100, 98}
	for i, v := range noisy {
		if _, fired, _ := d.Add(t0.Add(time.Duration(i)*time.Second), v<<10+8<<20); fired {
			t.Fatalf("fired on noise at %d", i)
		}
	}
	// A leak: +400 KB per GC. Fires after the fifth rise, once.
	base := int64(8 << 20) // below the noise: the run starts here
	fires := 0
	var last LeakSignal
	for i := 0; i < 12; i++ {
		sig, fired, _ := d.Add(t0.Add(time.Duration(20+i)*time.Second), base+int64(i)*400<<10)
		if fired {
			fires++
			if i != 5 {
				t.Errorf("fired at GC %d, want 5", i)
			}
		}
		last = sig
	}
	if fires != 1 || !d.Active() {
		t.Fatalf("fires = %d active = %v", fires, d.Active())
	}
	if last.GCs != 5 || last.Growth != 5*400<<10 || last.BytesPerSec != 400<<10 {
		t.Errorf("signal = %+v", last)
	}
	// A shrink clears it.
	if _, _, cleared := d.Add(t0.Add(time.Minute), base); !cleared || d.Active() {
		t.Error("shrink did not clear the signal")
	}
	d.Reset()
	if d.Active() {
		t.Error("reset kept the signal")
	}
}

// A heap snapshot runs two full GCs back to back and the probe measures the
// old generation once per batch, so both report the same post-GC heap. That
// must not restart the run: this is the series recorded by watch
// --snapshot-every 12s on a leaking router (eval round 3), which never fired.
func TestLeakDetectorEqualPairs(t *testing.T) {
	t0 := time.Unix(0, 0)
	d := LeakDetector{Window: 5, MinGrowth: 1 << 20}
	mib := []float64{5.48, 11.85, 17.64, 17.64, 20.76, 26.49, 27.96, 27.96, 30.76, 36.71, 37.20, 37.20}
	firedAt := -1
	for i, v := range mib {
		_, fired, cleared := d.Add(t0.Add(time.Duration(i)*time.Second), int64(v*(1<<20)))
		if fired && firedAt < 0 {
			firedAt = i
		}
		if cleared {
			t.Errorf("cleared at %d", i)
		}
	}
	if firedAt != 6 {
		t.Fatalf("fired at GC %d, want 6 (the fifth rise)", firedAt)
	}
	rises, window, growth, need := d.Progress()
	if rises != 5 || window != 5 || growth <= need {
		t.Errorf("progress = %d of %d, %d of %d bytes", rises, window, growth, need)
	}
	// A real shrink still clears it.
	if _, _, cleared := d.Add(t0.Add(time.Minute), 30<<20); !cleared {
		t.Error("shrink did not clear")
	}
	if rises, _, _, _ := d.Progress(); rises != 0 {
		t.Errorf("after a shrink progress = %d rises", rises)
	}
}
