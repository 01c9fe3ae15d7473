package leak

import (
	"strings"
	"testing"
)

// A session's JSON text, cut off as V8 cuts a long string: the fields so
// far.
func TestTopFields(t *testing.T) {
	got, ok := topFields(`{"cookie":{"originalMaxAge":1800000,"httpOnly":true},"lastSeen":1733570000000,"trail":["GET /a","GET /b"],"user`)
	if !ok || strings.Join(got, ",") != "cookie,lastSeen,trail" {
		t.Errorf("fields %q, %v", got, ok)
	}
	if _, ok := topFields(`"a string"`); ok {
		t.Error("not an object")
	}
}

// Sessions that all hold the same fields and no user: the program's
// write of one of them is named, and the code line is that write.
// Sessions that all hold a user are users' sessions: nothing is said.
func TestSessionWriteHint(t *testing.T) {
	src := textSources{"/app/activity.js": "function track(req, res, next) {\n  const sess = req.session;\n  sess.lastSeen = Date.now();\n  next();\n}\n"}
	m := &sessionMix{read: 200, fields: []fieldCount{{"lastSeen", 200}, {"userId", 6}}}
	h, st := sessionWriteHint(m, []string{"/app/activity.js"}, src)
	if st == nil || st.Line != 3 {
		t.Fatalf("write %+v: want activity.js:3", st)
	}
	for _, want := range []string{"of the 200 sessions read, 200 hold lastSeen", "only a few hold a user (userId in 6)", "activity.js:3 (sess.lastSeen = Date.now())", "write lastSeen only to sessions that belong to a user"} {
		if !strings.Contains(h, want) {
			t.Errorf("hint %q: want %q", h, want)
		}
	}
	users := &sessionMix{read: 200, fields: []fieldCount{{"lastSeen", 200}, {"userId", 199}}}
	if h, _ := sessionWriteHint(users, []string{"/app/activity.js"}, src); h != "" {
		t.Errorf("users' sessions: %q", h)
	}
}

// A library's method that another of its objects calls from a method the
// program calls (req.session.destroy() → store.destroy()): the program
// reaches it.
func TestWrapperCalled(t *testing.T) {
	src := textSources{
		"/app/node_modules/sess/memory.js":  "MemoryStore.prototype.destroy = function destroy(id, cb) {\n  delete this.sessions[id];\n};\n",
		"/app/node_modules/sess/session.js": "defineMethod(Session.prototype, 'destroy', function destroy(fn) {\n  delete this.req.session;\n  this.req.sessionStore.destroy(this.id, fn);\n});\n",
		"/app/server.js":                    "app.post('/logout', (req, res) => {\n  req.session.destroy(() => res.end());\n});\n",
	}
	fn := &Location{Function: "destroy", Script: "/app/node_modules/sess/memory.js", Line: 1}
	st := &Statement{Script: "/app/node_modules/sess/memory.js", Line: 2, Text: "delete this.sessions[id];"}
	if !wrapperCalled(fn, st, []string{"/app/server.js"}, src) {
		t.Error("req.session.destroy() reaches the store's destroy()")
	}
	delete(src, "/app/server.js")
	src["/app/server.js"] = "app.post('/logout', (req, res) => res.end());\n"
	if wrapperCalled(fn, st, []string{"/app/server.js"}, src) {
		t.Error("no call of the wrapper")
	}
}

// Entries that record when they were made, in a program that tests no
// age: the sweep to add names that field. A program that tests an age
// somewhere gets no such advice.
func TestAgeAdvice(t *testing.T) {
	src := textSources{"/app/csrf.js": "class Vault {\n  secretFor(sid) {\n    let entry = this.bySession.get(sid);\n    if (!entry) {\n      entry = { secret: make(), issued: Date.now() };\n      this.bySession.set(sid, entry);\n    }\n    return entry;\n  }\n}\n"}
	added := &Statement{Script: "/app/csrf.js", Line: 6, Text: "this.bySession.set(sid, entry);"}
	a := ageAdvice(added, "Object", []string{"/app/csrf.js"}, src)
	if !strings.Contains(a, "issued = Date.now(), csrf.js:5") {
		t.Errorf("advice %q: want the issued field at csrf.js:5", a)
	}
	src["/app/reaper.js"] = "setInterval(() => { for (const e of all()) if (Date.now() - e.finishedAt > TTL) drop(e); }, 500);\n"
	if a := ageAdvice(added, "Object", []string{"/app/csrf.js", "/app/reaper.js"}, src); a != "" {
		t.Errorf("an age is tested: %q", a)
	}
}
