package leak

import "testing"

// A wait whose callbacks live in a promise's executor (chokidar's watcher
// in waitForQuiet, blind evaluation 36 svc04): the deadline's callback
// closes the watcher and settleDone(), the usual way out, does not. The
// close() of another scenario's class, which lets nothing go, must not
// hide this class's.
func TestExecutorCallbackSkipsDisposal(t *testing.T) {
	_, s := seriesTop(t, "wait-quiet-watcher")
	checkHint(t, s.Hint, []string{
		"settleDone() at wait-quiet-watcher.js:22 (const settleDone = () => {) ends the wait without watcher.close(), while the one at line 16 calls it",
		"each watcher made at line 11 stays",
	}, nil)
	if l := s.Location; l == nil || l.Line != 11 {
		t.Errorf("code %+v, want the watcher's line 11", l)
	}
}
