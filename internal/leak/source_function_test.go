package leak

import "testing"

func TestEnclosingFunction(t *testing.T) {
	src := textSources{"/a.js": `'use strict';
const cache = new Map();

class Store {
  constructor() {
    this.items = new Map();
  }

  add(key, value) {
    if (!this.items.has(key)) {
      this.items.set(key, value);
    }
  }
}

export async function renderPage(url) {
  const page = { url };
  cache.set(url, page);
}

const remember = (k, v) => {
  cache.set(k, v);
};

cache.set('top', 1);
`}
	checkEnclosing(t, src, "/a.js", map[int]string{11: "add", 18: "renderPage", 22: "remember", 25: ""})
}

// TypeScript's heads: modifiers, type parameters, return types, typed
// variables (tsc leaves them in the source that a map leads to).
func TestEnclosingFunctionTypeScript(t *testing.T) {
	src := textSources{"/a.ts": `export class CheckoutSession {
  private holdTimer: NodeJS.Timeout | null = null;

  private reserve(lines: CartLine[]): void {
    this.holdTimer = setTimeout(() => this.expire(), 1000);
  }

  public async complete<T extends Payment>(payment: T): Promise<Authorization> {
    this.state = 'completed';
  }

  static override create(opts: Options = {}): CheckoutSession {
    return new CheckoutSession(opts);
  }
}

export const handler: Handler = async (req: Request): Promise<void> => {
  cache.set(req.url, req);
};

export function poll<T>(id: number, symbol: string): PendingPoll {
  quoteBus.on(channel, onQuote);
}

if (ready) {
  start();
}
`}
	checkEnclosing(t, src, "/a.ts", map[int]string{5: "reserve", 9: "complete", 13: "create", 18: "handler", 22: "poll", 26: ""})
}

// TestKeywordNamedMethod: a class method named for (connections.for(tenant))
// is a function, where its statements run per call, not a for loop at a
// module's top level (blind set 34, svc07).
func TestKeywordNamedMethod(t *testing.T) {
	src := textSources{"/c.js": `class TenantConnections {
  for(tenant) {
    let db = this.handles.get(tenant);
    if (!db) {
      db = new TenantDb(tenant);
      this.handles.set(tenant, db);
    }
    return db;
  }
}
for (const t of tenants) {
  warm.set(t.id, t);
}
for (let i = 0; i < 3; i++) {
  slots.push(i);
}`}
	if fn := enclosingFunction(&Statement{Script: "/c.js", Line: 6}, src); fn == nil || fn.Function != "for" || fn.Line != 2 {
		t.Errorf("method: %+v, want for at line 2", fn)
	}
	if !inFunction("/c.js", 6, src) {
		t.Error("method: its set is not in a function")
	}
	for _, line := range []int{12, 15} {
		if fn := enclosingFunction(&Statement{Script: "/c.js", Line: line}, src); fn != nil {
			t.Errorf("line %d: a loop's body read as in %+v", line, fn)
		}
		if inFunction("/c.js", line, src) {
			t.Errorf("line %d: a top-level loop's body read as in a function", line)
		}
	}
}
