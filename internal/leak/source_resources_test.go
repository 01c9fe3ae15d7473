package leak

import (
	"strings"
	"testing"
)

// TestResourceExit: a statement made per call through the program's
// database object and freed before the normal return, with an early
// return that skips the free; one freed in a finally is no way out
// (blind set 34, svc01).
func TestResourceExit(t *testing.T) {
	src := textSources{"/app/inventory.js": `class InventoryRepo {
  lowStock(w) {
    const stmt = this.db.prepare('SELECT 1');
    try {
      stmt.bind([w]);
      return stmt.getAsObject();
    } finally {
      stmt.free();
    }
  }

  recentHolds(sku) {
    const stmt = this.db.prepare(
      'SELECT id FROM reservations WHERE sku = ?'
    );
    stmt.bind([sku]);
    if (!stmt.step()) return [];
    const rows = [stmt.getAsObject()];
    stmt.free();
    return rows;
  }
}`}
	made, e, call := resourceExit("db", []string{"/app/inventory.js"}, src)
	if made == nil || made.Line != 13 || e == nil || e.at.Line != 17 || call != "stmt.free()" {
		t.Fatalf("made %+v, exit %+v, call %q: want line 13, the return at 17, stmt.free()", made, e, call)
	}
	if got := exitText(e, call); !strings.Contains(got, "inventory.js:17 returns without stmt.free()") {
		t.Errorf("exit text %q", got)
	}
	// Freed on every way out: nothing to name.
	ok := textSources{"/app/inventory.js": strings.Replace(src["/app/inventory.js"], "if (!stmt.step()) return [];", "if (!stmt.step()) { stmt.free(); return []; }", 1)}
	if made, _, _ := resourceExit("db", []string{"/app/inventory.js"}, ok); made != nil {
		t.Errorf("freed everywhere: %+v", made)
	}
}

// TestPairedRemovalExit: the program's function adds through a
// library's method and calls the library's removal before its normal
// return; an early return skips it. That function's add is where the
// entries that stay are made, not another function's (blind set 34,
// svc06).
func TestPairedRemovalExit(t *testing.T) {
	src := textSources{
		"/app/node_modules/loki/index.js": `Collection.prototype.removeDynamicView = function (name) {
  this.DynamicViews =
    this.DynamicViews.filter(function (dv) { return dv.name !== name; });
};`,
		"/app/boards.js": `class Boards {
  column(team) {
    let view = this.live.get(team);
    if (!view) {
      view = this.tickets.addDynamicView(team, { persistent: true });
      this.live.set(team, view);
    }
    return view;
  }

  search(team, offset) {
    const view = this.tickets.addDynamicView('search:' + team);
    const total = view.count();
    if (offset >= total) {
      return { total, cards: [] };
    }
    const cards = view.data();
    this.tickets.removeDynamicView(view.name);
    return { total, cards };
  }
}`}
	added := &Statement{Script: "/app/boards.js", Line: 5, Text: "view = this.tickets.addDynamicView(team, { persistent: true });"}
	st := &Statement{Script: "/app/node_modules/loki/index.js", Line: 2, Text: "this.DynamicViews ="}
	a, e, call := pairedRemovalExit(added, st, []string{"/app/boards.js"}, src)
	if a == nil || a.Line != 12 || a.Column != 18 || e == nil || e.at.Line != 15 || call != "this.tickets.removeDynamicView(view.name)" {
		t.Fatalf("add %+v, exit %+v, call %q: want line 12 col 18, the return at 15", a, e, call)
	}
	// The removal's filtered copy is a removal of the Array.
	re := removesPattern(&Holder{Kind: "Array", Name: "Collection.DynamicViews"})
	for _, l := range []string{"  this.DynamicViews =", "this.DynamicViews = this.DynamicViews.filter((dv) => dv.name !== name);"} {
		if re == nil || !re.MatchString(l) {
			t.Errorf("removal pattern %v misses %q", re, l)
		}
	}
	if re != nil && re.MatchString("this.DynamicViews.push(dv);") {
		t.Errorf("removal pattern %v takes a push", re)
	}
}
