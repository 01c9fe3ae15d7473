package leak

import (
	"strings"
	"testing"
)

// TestTimerClearAsync: a promise-aware interval (set-interval-async) is
// cleared with its own clear; the ending method that misses it is named,
// and a disposal method of the class (a state machine's disconnect(),
// which clears nothing) is not offered instead.
func TestTimerClearAsync(t *testing.T) {
	src := textSources{"/srv/store/registry.js": `class SessionRegistry {
  open(info) {
    const session = new DeviceSession(info);
    session.monitor = setIntervalAsync(async () => session.evaluate(), 5000);
    this.sessions.set(session.id, session);
  }

  async close(id) {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    await clearIntervalAsync(session.monitor);
  }

  sweep(now) {
    for (const [id, session] of this.sessions) {
      this.sessions.delete(id);
      session.expire();
    }
  }
}
`}
	st := &Statement{Script: "/srv/store/registry.js", Line: 4, Text: "session.monitor = setIntervalAsync(async () => session.evaluate(), 5000);"}
	h, endings := clearHint(st, nil, src)
	if !endings || !strings.HasPrefix(h, "clearIntervalAsync(session.monitor) is called in close() (registry.js:11) only; sweep() (registry.js:14) also ends the object without it") {
		t.Errorf("hint %q (endings %v)", h, endings)
	}
}

// A timer cleared in two methods (reserve() before re-arming it, cancel())
// and missed in a third: both clearing methods are named, no "only", and
// the TypeScript heads (private, return types) are read.
func TestTimerClearedTwice(t *testing.T) {
	src := textSources{"/srv/src/session.ts": `export class CheckoutSession {
  private holdTimer: NodeJS.Timeout | null = null;

  private reserve(lines: CartLine[]): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.holdTimer = setTimeout(() => this.expire(), 60_000);
  }

  complete(payment: PaymentInput): Authorization {
    this.state = 'completed';
    this.sessions.delete(this.id);
  }

  cancel(reason: string): void {
    if (this.holdTimer) clearTimeout(this.holdTimer);
    this.state = 'cancelled';
  }
}
`}
	st := &Statement{Script: "/srv/src/session.ts", Line: 6, Text: "this.holdTimer = setTimeout(() => this.expire(), 60_000);"}
	h, endings := clearHint(st, nil, src)
	if !endings || !strings.HasPrefix(h, "clearTimeout(this.holdTimer) is called in reserve() (session.ts:5) and cancel() (session.ts:14); complete() (session.ts:9) also ends the object without it") {
		t.Errorf("hint %q (endings %v)", h, endings)
	}
}
