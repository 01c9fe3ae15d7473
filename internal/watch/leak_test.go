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
