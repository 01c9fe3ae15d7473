package leak

import (
	"strings"
	"testing"
)

// TestMadeAt: the code moves from the constructor to the program's one
// new Class(...) line, and from a function's head to the line in it that
// makes the value it adds.
func TestMadeAt(t *testing.T) {
	src := textSources{
		"/app/jobs.js":     "class ExportJob {\n  constructor(o) {\n    this.id = o.id;\n    ExportJob.active.set(this.id, this);\n  }\n}\nExportJob.active = new Map();",
		"/app/exporter.js": "async function runExport(o) {\n  const job = new ExportJob(o);\n  return job;\n}",
		"/app/log.js":      "function deliveryLogger(d) {\n  let log = loggers.get(d.id);\n  if (log === undefined) {\n    log = base.child({ id: d.id });\n    loggers.set(d.id, log);\n  }\n  return log;\n}",
	}
	files := func() []string { return []string{"/app/jobs.js", "/app/exporter.js", "/app/log.js"} }
	loc := &Location{Function: "ExportJob", Script: "/app/jobs.js", Line: 2}
	added := &Statement{Script: "/app/jobs.js", Line: 4, Text: "ExportJob.active.set(this.id, this);"}
	sourceFacts{class: "ExportJob", loc: &loc, added: &added, files: files}.madeAt(src)
	if loc.Script != "/app/exporter.js" || loc.Line != 2 || loc.Function != "runExport" {
		t.Errorf("class: code %+v, want runExport at exporter.js:2", loc)
	}
	loc = &Location{Function: "deliveryLogger", Script: "/app/log.js", Line: 1}
	added = &Statement{Script: "/app/log.js", Line: 5, Text: "loggers.set(d.id, log);"}
	sourceFacts{class: "Pino", loc: &loc, added: &added, files: files}.madeAt(src)
	if loc.Line != 4 || loc.Function != "deliveryLogger" {
		t.Errorf("value: code %+v, want deliveryLogger at log.js:4", loc)
	}
	// Made at two places: the constructor stays.
	src["/app/other.js"] = "const j = new ExportJob({ id: 1 });"
	files = func() []string { return []string{"/app/jobs.js", "/app/exporter.js", "/app/other.js"} }
	loc = &Location{Function: "ExportJob", Script: "/app/jobs.js", Line: 2}
	added = nil
	sourceFacts{class: "ExportJob", loc: &loc, added: &added, files: files}.madeAt(src)
	if loc.Script != "/app/jobs.js" {
		t.Errorf("two sites: code %+v, want the constructor", loc)
	}
}

// TestNeverRemoved: a Map of the program's that no script deletes from
// gets that said; one deleted from elsewhere does not.
func TestNeverRemoved(t *testing.T) {
	src := textSources{
		"/app/a.js": "const loggers = new Map();\nfunction get(d) {\n  loggers.set(d.id, base.child(d));\n}",
		"/app/b.js": "function done(d) { return d; }",
	}
	files := func() []string { return []string{"/app/a.js", "/app/b.js"} }
	h := &Holder{Kind: "Map", Name: "loggers"}
	added := &Statement{Script: "/app/a.js", Line: 3, Text: "loggers.set(d.id, base.child(d));"}
	f := sourceFacts{holder: h, scripts: []string{"/app/a.js"}, files: files}
	if n := f.neverRemoved(added, src); !strings.Contains(n, "no loggers.delete() or .clear() in any script") {
		t.Errorf("hint %q", n)
	}
	src["/app/b.js"] = "function done(d) { loggers.delete(d.id); }"
	if n := f.neverRemoved(added, src); n != "" {
		t.Errorf("deleted in b.js, yet %q", n)
	}
}

// TestCleanupExitConstructor: an object that registers itself in its
// constructor and leaves in complete(): the return between where it is
// made and complete() is the way out that skips it.
func TestCleanupExitConstructor(t *testing.T) {
	src := textSources{
		"/app/jobs.js":     "class ExportJob {\n  constructor(o) {\n    ExportJob.active.set(this.id, this);\n  }\n  complete(csv) {\n    ExportJob.active.delete(this.id);\n  }\n}",
		"/app/exporter.js": "async function runExport(o, signal) {\n  const job = new ExportJob(o);\n  for await (const rows of pages()) {\n    if (signal.aborted) {\n      return { state: 'cancelled' };\n    }\n    job.append(rows);\n  }\n  job.complete(csv);\n  return job;\n}",
	}
	add := &Statement{Script: "/app/jobs.js", Line: 3, Text: "ExportJob.active.set(this.id, this);"}
	rm := &Statement{Script: "/app/jobs.js", Line: 6, Text: "ExportJob.active.delete(this.id);"}
	e, call := cleanupExit(add, rm, []string{"/app/jobs.js", "/app/exporter.js"}, src)
	if e == nil || e.at.Line != 5 || e.at.Script != "/app/exporter.js" || call != "complete()" {
		t.Fatalf("exit %+v (%q), want the return at exporter.js:5, complete()", e, call)
	}
}

// TestLabelSetAt: the line that gives an unbounded label its value, on
// the adding line or in an object of labels written over several lines.
func TestLabelSetAt(t *testing.T) {
	src := textSources{"/app/inv.js": "async function getStock(sku) {\n  const path = `/v1/stock/${sku}`;\n  const end = hist.startTimer({\n    service: 'inventory',\n    endpoint: path,\n  });\n}"}
	st := labelSetAt("endpoint", &Statement{Script: "/app/inv.js", Line: 3}, src)
	if st == nil || st.Line != 5 {
		t.Errorf("found %+v, want line 5", st)
	}
	if st := labelSetAt("tenant", &Statement{Script: "/app/inv.js", Line: 3}, src); st != nil {
		t.Errorf("no such label, yet %+v", st)
	}
	m := labelMix{labels: []string{"endpoint"}, label: "endpoint", example: "/v1/stock/SKU-0001443", distinct: 9, sampled: 9}
	if h := m.hint("the dictionary h"); !strings.Contains(h, "(/v1/stock/:id)") {
		t.Errorf("hint %q: want the route template", h)
	}
}

// TestClosingHandler: a removal inside a response's 'close' listener says
// the entries are in flight until it closes; one in a plain function
// does not.
func TestClosingHandler(t *testing.T) {
	src := textSources{"/app/inflight.js": "export function begin(id, req, res) {\n  inflight.set(id, { req });\n  res.once('close', () => {\n    if (!res.writableFinished) abort();\n    inflight.delete(id);\n  });\n}\nexport function end(id) {\n  inflight.delete(id);\n}"}
	st := &Statement{Script: "/app/inflight.js", Line: 5, Text: "inflight.delete(id);"}
	if recv, event, ok := closingHandler(st, src); !ok || recv != "res" || event != "close" {
		t.Errorf("handler %q %q %v, want res 'close'", recv, event, ok)
	}
	if h := removalHint(st, nil, nil, src, false); !strings.Contains(h, "in flight, each until its res emits 'close'") {
		t.Errorf("one snapshot: %q", h)
	}
	if h := removalHint(st, nil, nil, src, true); !strings.Contains(h, "never emitted 'close'") {
		t.Errorf("series: %q", h)
	}
	if _, _, ok := closingHandler(&Statement{Script: "/app/inflight.js", Line: 9}, src); ok {
		t.Error("a plain function is no 'close' listener")
	}
}

// TestReloadHint: a table one function empties and fills again holds one
// load; a clear in another function is no reload.
func TestReloadHint(t *testing.T) {
	src := textSources{"/app/auth.js": "const partners = new Map();\nexport function loadPartners(records) {\n  partners.clear();\n  for (const r of records) {\n    partners.set(r.key, r);\n  }\n}\nexport function reset() {\n  partners.clear();\n}"}
	added := &Statement{Script: "/app/auth.js", Line: 5, Text: "partners.set(r.key, r);"}
	if h := reloadHint(added, &Statement{Script: "/app/auth.js", Line: 3, Text: "partners.clear();"}, false, src); !strings.Contains(h, "loadPartners() empties it (auth.js:3) and fills it again") {
		t.Errorf("hint %q", h)
	}
	if h := reloadHint(added, &Statement{Script: "/app/auth.js", Line: 9, Text: "partners.clear();"}, false, src); h != "" {
		t.Errorf("a clear elsewhere: %q", h)
	}
}
