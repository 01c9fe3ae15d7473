package leak

import "testing"

// A retried call whose entry leaves only on success (p-retry's
// onFailedAttempt, blind evaluation 36 svc05): the catch that gives up is
// named, not the inner catch that records a failed attempt.
func TestCatchSkipsRemoval(t *testing.T) {
	_, s := seriesTop(t, "retry-catch-path")
	checkHint(t, s.Hint, []string{
		"retry-catch-path.js:46 calls succeeded() inside a try, and its catch (retry-catch-path.js:53) ends the work with book.giveUp() (retry-catch-path.js:27) instead, which leaves the entry in: take it out there too (this.retrying.delete(change.id))",
	}, []string{"book.failedAttempt()", "never reached"})
}
