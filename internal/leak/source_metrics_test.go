package leak

import "testing"

// A metric reached through its registry, labelled with a raw path (the
// stripe SDK's response event into a prom-client Histogram, blind
// evaluation 38 svc05): the program's observe() call found by the
// metric's name is where series are added, and the function the program
// already bounds the same value with is the fix.
func TestMetricNamedCall(t *testing.T) {
	_, s := seriesTop(t, "metric-registry-label")
	checkHint(t, s.Hint, []string{
		"metric-registry-label.js:30 gives the label path its value (vendorLatency.observe({ op, path: path }, ms / 1000)): pass routeOf(path), as metric-registry-label.js:31 does",
	}, nil)
	if a := s.AddedAt; a == nil || a.Line != 30 {
		t.Errorf("added at %+v, want the observe() call at line 30", a)
	}
}
