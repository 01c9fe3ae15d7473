package leak

// Leaks through node's own APIs and a request's lifecycle: the performance
// timeline, async hooks, tracing spans, a response's 'finish'.

import (
	"strings"
	"testing"
)

// TestPerfMeasures: measures per call that nothing clears stay in node's
// performance timeline: the program's measure() that is never cleared is
// the line, never the one whose function clears its own; one snapshot
// lists them as the program's, not node's own state.
func TestPerfMeasures(t *testing.T) {
	_, top := seriesTop(t, "perf-measures")
	if top.Class != "PerformanceMeasure" || top.AddedAt == nil || top.AddedAt.Line != 15 ||
		!strings.Contains(top.Hint, "perf-measures.js:15 makes one at each call") || !strings.Contains(top.Hint, "performance.clearMeasures(name)") {
		t.Errorf("%s added at %+v: hint %q", top.Class, top.AddedAt, top.Hint)
	}
	g, err := loadGraph(series(t, "perf-measures", 3)[2])
	if err != nil {
		t.Fatal(err)
	}
	rep := AnalyzeOne(g, SingleOptions{Name: "s3", Sources: LocalSources()})
	for _, a := range rep.Suspects {
		if a.Class == "PerformanceMeasure" {
			if a.Runtime || a.AddedAt == nil || a.AddedAt.Line != 15 {
				t.Errorf("one snapshot: runtime %v, added at %+v", a.Runtime, a.AddedAt)
			}
			return
		}
	}
	t.Error("one snapshot: no PerformanceMeasure place")
}

// TestAsyncHookTable: a table filled in an async hook's init() and emptied
// in after() keeps the entries of resources whose callback never runs: the
// fix is the destroy() hook, never "every path" or a bound; a hook object
// kept in a variable counts too, and a function that only looks like a
// hook does not.
func TestAsyncHookTable(t *testing.T) {
	_, top := seriesTop(t, "async-hook-table")
	if top.Class != "RequestContext" || !strings.Contains(top.Hint, "in the async hook after()") || !strings.Contains(top.Hint, "destroy(asyncId) hook") ||
		strings.Contains(top.Hint, "bound it") || strings.Contains(top.Hint, "every path") {
		t.Errorf("%s: hint %q", top.Class, top.Hint)
	}
	src := textSources{"/app/ctx.js": "const hooks = {\n  init(id) { table.set(id, 1); },\n  promiseResolve(id) {\n    table.delete(id);\n  },\n};\ncreateHook(hooks).enable();\nconst other = {\n  after(id) {\n    table.delete(id);\n  },\n};\n"}
	if h := asyncHookOf(&Statement{Script: "/app/ctx.js", Line: 4}, src); h != "promiseResolve" {
		t.Errorf("hooks object: %q, want promiseResolve", h)
	}
	if h := asyncHookOf(&Statement{Script: "/app/ctx.js", Line: 10}, src); h != "" {
		t.Errorf("an object createHook never takes: %q", h)
	}
}

// TestSpanEarlyReturn: spans leave their table when they end; the way out
// of the function that starts one without ending it is the fix, and the
// call that starts it the code, never the handler that ends its span in a
// finally, nor a like-named table in another file beside it.
func TestSpanEarlyReturn(t *testing.T) {
	_, top := seriesTop(t, "span-early-return")
	if top.Class != "Span" || !strings.Contains(top.Hint, "span-early-return.js:32 returns without span.end() (return 400;)") ||
		top.Location == nil || top.Location.Line != 29 || top.AddedAt == nil || !strings.HasSuffix(top.AddedAt.Script, "span-early-return.js") {
		t.Errorf("%s at %+v, added at %+v: hint %q", top.Class, top.Location, top.AddedAt, top.Hint)
	}
}

// The same, with the work run in a context callback (OpenTelemetry's
// context.with(ctx, async () => …), blind evaluation 38 svc07): the
// callback's return before its try is the way out.
func TestSpanContextCallback(t *testing.T) {
	_, top := seriesTop(t, "span-context-callback")
	if !strings.Contains(top.Hint, "span-context-callback.js:37 returns without span.end() (return { skipped: true };): call it there too, or begin the try at line 39") ||
		top.Location == nil || top.Location.Line != 32 {
		t.Errorf("%s at %+v: hint %q", top.Class, top.Location, top.Hint)
	}
}

// TestFinishOnly: cleanup hung on a response's 'finish' alone is skipped
// when the client goes away first: that line is the fix, for the table it
// takes entries out of, not for one its 'close' cleanup serves.
func TestFinishOnly(t *testing.T) {
	_, top := seriesTop(t, "finish-only")
	if top.Holder == nil || top.Holder.Name != "active" || !strings.HasPrefix(top.Hint, "finish-only.js:28 runs stop() only on res's 'finish'") || !strings.Contains(top.Hint, "run it on 'close' instead") {
		t.Errorf("%s in %+v: hint %q", top.Class, top.Holder, top.Hint)
	}
	src := textSources{"/app/h.js": "function handle(req, res) {\n  const done = begin(req);\n  res.once('finish', done);\n  res.once('close', done);\n}\nfunction other(req, res) {\n  res.on('finish', () => metrics.observe(1));\n}\nfunction begin(req) {\n  jobs.set(req.id, req);\n  return () => jobs.delete(req.id);\n}"}
	if st, _ := finishOnly([]string{"jobs"}, []string{"/app/h.js"}, src); st != nil {
		t.Errorf("on 'close' too: %+v", st)
	}
	src["/app/h.js"] = strings.Replace(src["/app/h.js"], "  res.once('close', done);\n", "", 1)
	if st, fn := finishOnly([]string{"jobs"}, []string{"/app/h.js"}, src); st == nil || st.Line != 3 || fn != "done" {
		t.Errorf("finish only: %+v %q", st, fn)
	}
	if st, _ := finishOnly([]string{"metrics"}, []string{"/app/h.js"}, src); st != nil {
		t.Errorf("a 'finish' listener that takes nothing out: %+v", st)
	}
	// The program's own cleanup method, called by its sweep too: 'finish'
	// is not its only way (blind set 33, svc04).
	svc := textSources{
		"/app/server.js": "function serve(req, res) {\n  const job = jobs.get(req.id);\n  res.on('finish', () => exportsService.release(job));\n}\n",
		"/app/jobs.js":   "class ExportService {\n  async release(job) {\n    this.jobs.delete(job.id);\n  }\n  sweep() {\n    for (const job of this.jobs.values()) if (job.state === 'ready') this.release(job);\n  }\n}\n",
	}
	if st, _ := finishOnly([]string{"exportsService"}, []string{"/app/server.js", "/app/jobs.js"}, svc); st != nil {
		t.Errorf("a cleanup the sweep calls too: %+v", st)
	}
	svc["/app/jobs.js"] = "class ExportService {\n  async release(job) {\n    this.jobs.delete(job.id);\n  }\n}\n"
	if st, _ := finishOnly([]string{"exportsService"}, []string{"/app/server.js", "/app/jobs.js"}, svc); st == nil {
		t.Error("a cleanup only 'finish' calls")
	}
}
