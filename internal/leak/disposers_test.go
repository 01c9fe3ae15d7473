package leak

import (
	"strings"
	"testing"
)

// The program disposes of some objects of a class and only stops others
// (node-cron's tasks: destroy() takes one out of the library's registry,
// stop() does not): the call that only stops those made at the leak's
// line is the fix.
func TestEndedNotDisposed(t *testing.T) {
	app := "const cron = require('node-cron');\n" +
		"function start(t) {\n" +
		"  const digest = cron.schedule('* * *', () => run(t));\n" +
		"  const welcome = cron.schedule('* * *', () => hi(t));\n" +
		"  active.set(t.id, { digest, welcome });\n" +
		"}\n" +
		"function stop(t) {\n" +
		"  const e = active.get(t.id);\n" +
		"  e.digest.stop();\n" +
		"  e.welcome.destroy();\n" +
		"}\n"
	src := textSources{"/srv/app.js": app}
	own := []string{"/srv/app.js"}
	made := &Location{Script: "/srv/app.js", Line: 3}
	h := endedNotDisposed(made, "", "destroy", own, src)
	for _, want := range []string{"made at app.js:3 (digest)", "app.js:9 only calls e.digest.stop()", "call e.digest.destroy() there"} {
		if !strings.Contains(h, want) {
			t.Errorf("%q lacks %q", h, want)
		}
	}
	if h := endedNotDisposed(&Location{Script: "/srv/app.js", Line: 4}, "", "destroy", own, src); h != "" {
		t.Errorf("welcome is destroyed: %q", h)
	}
	if !registryAdd(&Statement{Text: "tasks.set(task.id, task);"}) || registryAdd(&Statement{Text: "cache.set(req.url, body);"}) {
		t.Error("registryAdd: a Map keyed by its values' own ids, and only that")
	}
}

// The variable that keeps the leaked objects is made as another class
// (a TenantDirectory that holds rxjs subscribers): its stop() is not the
// subscribers' to replace with their unsubscribe(), which it may not have.
func TestEndedNotDisposedOtherClass(t *testing.T) {
	app := "const tenants = new TenantDirectory(seed);\n" +
		"function shutdown() {\n" +
		"  tenants.stop();\n" +
		"}\n"
	src := textSources{"/srv/server.js": app}
	made := &Location{Script: "/srv/server.js", Line: 1}
	if h := endedNotDisposed(made, "OperatorSubscriber", "unsubscribe", []string{"/srv/server.js"}, src); h != "" {
		t.Errorf("a TenantDirectory is no OperatorSubscriber: %q", h)
	}
	if h := endedNotDisposed(made, "TenantDirectory", "destroy", []string{"/srv/server.js"}, src); !strings.Contains(h, "call tenants.destroy() there instead") {
		t.Errorf("its own class: %q", h)
	}
}

// A watcher made per wait and closed by the callbacks that see a change
// or an error, not by the timeout's: that callback is the fix, and the
// line that makes the watcher is where they are made.
func TestSkippedCallback(t *testing.T) {
	src := textSources{"/app/changes.js": `export function waitForChange(dir, ms) {
  return new Promise((resolve) => {
    const watcher = chokidar.watch(dir);

    const onEvent = (event, file) => {
      clearTimeout(timer);
      watcher.close();
      resolve({ event, file });
    };

    const timer = setTimeout(() => {
      watcher.off('all', onEvent);
      resolve(null);
    }, ms);

    watcher.on('all', onEvent);
  });
}`}
	st := &Statement{Script: "/app/changes.js", Line: 7, Text: "watcher.close();"}
	got, made := skippedCallback(st, "watcher.close()", src)
	if want := "the timeout's callback at changes.js:11 (const timer = setTimeout(() => {) ends the wait without watcher.close(), while the one at line 5 calls it: each watcher made at line 3 stays"; !strings.Contains(got, want) {
		t.Errorf("hint %q: want %q", got, want)
	}
	if made == nil || made.Line != 3 {
		t.Errorf("made at %+v: want line 3", made)
	}
	// The timeout closes it too: nothing skips it.
	ok := textSources{"/app/changes.js": strings.Replace(src["/app/changes.js"], "watcher.off('all', onEvent);", "watcher.close();", 1)}
	if got, _ := skippedCallback(st, "watcher.close()", ok); got != "" {
		t.Errorf("every callback closes: %q", got)
	}
	// Through a named callback that closes (finish()): covered.
	named := textSources{"/app/changes.js": strings.Replace(src["/app/changes.js"], "      watcher.off('all', onEvent);\n      resolve(null);", "      onEvent('timeout', null);", 1)}
	if got, _ := skippedCallback(st, "watcher.close()", named); got != "" {
		t.Errorf("timeout calls onEvent: %q", got)
	}
}

// A library object kept in a field of the program's class (a yjs
// UndoManager in this.undo) whose disposal method the program calls only
// on other objects (the document's destroy()): the advice stands, and
// the class's own ending method is where to add the call.
func TestOtherObjectsCall(t *testing.T) {
	session := "const Y = require('yjs');\n" +
		"class EditorSession {\n" +
		"  constructor(doc) {\n" +
		"    this.doc = doc;\n" +
		"    this.undo = new Y.UndoManager(doc.getText('body'));\n" +
		"  }\n" +
		"  send(m) {\n" +
		"    this.ws.send(m);\n" +
		"  }\n" +
		"  close() {\n" +
		"    this.doc.off('update', this.onUpdate);\n" +
		"  }\n" +
		"}\n"
	docs := "function evict(entry) {\n  entry.doc.destroy();\n}\n"
	src := textSources{"/srv/session.js": session, "/srv/documents.js": docs}
	own := []string{"/srv/session.js", "/srv/documents.js"}
	made := &Location{Script: "/srv/session.js", Line: 5}
	hint := "; each grows" + disposerHint("UndoManager", "destroy")
	h := calledDisposerBut(hint, own, src, nil, nil, made)
	for _, want := range []string{"nothing calls undo.destroy()", "documents.js:2's entry.doc.destroy() is another object's", "call this.undo.destroy() in close() (session.js:10)"} {
		if !strings.Contains(h, want) {
			t.Errorf("%q lacks %q", h, want)
		}
	}
	if strings.Contains(h, "the program calls it") {
		t.Errorf("another object's destroy() taken for these: %q", h)
	}
	// Once the session disposes of it somewhere, the call counts.
	src["/srv/session.js"] = strings.Replace(session, "this.doc.off('update', this.onUpdate);", "this.doc.off('update', this.onUpdate);\n    this.undo.destroy();", 1)
	if h := calledDisposerBut(hint, own, src, nil, nil, made); !strings.Contains(h, "the program calls it") {
		t.Errorf("undo.destroy() is called: %q", h)
	}
}
