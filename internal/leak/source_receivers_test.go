package leak

import "testing"

// A middleware added per call to the shared client's stack, where the
// program adds the same kind to the command it makes for another call
// (the AWS SDK v3's middlewareStack.add, blind evaluation 38 svc01): that
// one is the model for the fix.
func TestPerCallReceiver(t *testing.T) {
	_, s := seriesTop(t, "registered-on-shared-stack")
	checkHint(t, s.Hint, []string{
		"registered-on-shared-stack.js:12 registers on storage (a module variable, which lives as long as the process) at each call; registered-on-shared-stack.js:25 makes the same registration on command, made for its call at line 24",
		"register it that way here (on an object made for the call, not on storage)",
	}, []string{"keep what the registering call returns"})
}
