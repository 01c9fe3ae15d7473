package leak

import (
	"strings"
	"testing"
)

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

// A registration whose return is thrown away, where the program keeps
// and releases another one on the same object (cockatiel's onRetry and
// onGiveUp, blind evaluation 38 svc08): that one is the model.
func TestReleaseModel(t *testing.T) {
	src := textSources{"/s/github.mjs": `export function createGitHub() {
  function call(delivery, fn) {
    retryPolicy.onRetry((event) => {
      debug(delivery.id, event.delay);
    });
    return policy.execute(fn);
  }
  return {
    async comment(delivery) {
      const giveUp = retryPolicy.onGiveUp(() => warn(delivery.id));
      try {
        return await policy.execute(post);
      } finally {
        giveUp.dispose();
      }
    },
  };
}
`}
	added := &Statement{Script: "/s/github.mjs", Line: 3, Text: "retryPolicy.onRetry((event) => {"}
	got := releaseModel(added, []string{"/s/github.mjs"}, src)
	for _, want := range []string{"keep what retryPolicy.onRetry returns and release it when the call is done, as comment() does with onGiveUp: github.mjs:10 keeps it", "github.mjs:14 releases it (giveUp.dispose()), in a finally"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}
