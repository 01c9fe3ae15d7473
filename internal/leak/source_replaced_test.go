package leak

import (
	"strings"
	"testing"
)

// A reload that schedules a job per changed name and sets it over the
// entry it looked up, never cancelling that entry's job, which the
// program does cancel where a name is dropped (blind evaluation 36,
// svc02): the fix names the set, the lookup and the call; a reload that
// cancels it, or a job kept in no Map, gets nothing.
func TestReplacedWithoutEnding(t *testing.T) {
	registry := `class Registry {
  reload(config) {
    for (const [name, entry] of this.active) {
      if (!wanted.has(name)) {
        entry.job.cancel();
        this.active.delete(name);
      }
    }
    for (const spec of config.jobs) {
      const current = this.active.get(spec.name);
      if (current && current.fingerprint === spec.fingerprint) continue;
      const job = schedule.scheduleJob(spec.cron, () => this.execute(spec));
      this.active.set(spec.name, { job, fingerprint: spec.fingerprint });
    }
  }
}
`
	made := &Statement{Script: "/app/registry.js", Line: 12, Text: "const job = schedule.scheduleJob(spec.cron, () => this.execute(spec));"}
	got := replacedWithoutEnding(made, []string{"/app/registry.js"}, textSources{"/app/registry.js": registry})
	for _, want := range []string{"registry.js:13 sets a new entry for spec.name in this.active over the one looked up at registry.js:10 (current)", "as registry.js:5 does (entry.job.cancel())", "call current.job.cancel() before replacing it"} {
		if !strings.Contains(got, want) {
			t.Errorf("%q lacks %q", got, want)
		}
	}
	fixed := strings.Replace(registry, "      const job =", "      if (current) current.job.cancel();\n      const job =", 1)
	made.Line = 13
	if got := replacedWithoutEnding(made, []string{"/app/registry.js"}, textSources{"/app/registry.js": fixed}); got != "" {
		t.Errorf("cancelled before replacing: %q", got)
	}
	noEnd := strings.Replace(registry, "entry.job.cancel();", "log(name);", 1)
	made.Line = 12
	if got := replacedWithoutEnding(made, []string{"/app/registry.js"}, textSources{"/app/registry.js": noEnd}); got != "" {
		t.Errorf("nothing ends a job anywhere: %q", got)
	}
}
