package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/leak"
	rpt "github.com/leakhound/leakhound/internal/report"
)

// goldenServer serves the case study's committed snapshot (written by
// node) and waits until it is loaded.
func goldenServer(t *testing.T) (*Server, *httptest.Server) {
	t.Helper()
	path := filepath.Join("..", "..", "testdata", "golden", "casestudy.heapsnapshot.gz")
	s := New(Config{Kind: KindSnapshot, Names: []string{"casestudy.heapsnapshot.gz"}, Load: fileLoader(path)})
	return s, loaded(t, s)
}

// loaded starts s, waits for its input to load and serves it.
func loaded(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	done := make(chan error, 1)
	s.Start(context.Background(), func(err error) { done <- err })
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(2 * time.Minute):
		t.Fatal("the input did not load in 2 minutes")
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	s.SetAddr(strings.TrimPrefix(ts.URL, "http://"), "127.0.0.1")
	return ts
}

// fileLoader loads one snapshot file (the CLI's loader adds progress and
// error wording).
func fileLoader(path string) func(context.Context, int, Observe) (*heapgraph.Graph, error) {
	return func(ctx context.Context, i int, obs Observe) (*heapgraph.Graph, error) {
		snap, err := heapsnapshot.Open(path, heapsnapshot.Options{})
		if err != nil {
			return nil, err
		}
		return heapgraph.Build(snap, heapgraph.Options{})
	}
}

func get(t *testing.T, ts *httptest.Server, path string, into any) int {
	t.Helper()
	res, err := http.Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("%s sent a CORS header", path)
	}
	if into != nil && res.StatusCode == 200 {
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s: %v\n%s", path, err, b)
		}
	}
	return res.StatusCode
}

func TestHandlers(t *testing.T) {
	_, ts := goldenServer(t)

	var sum struct {
		Snapshot rpt.SnapshotTotals `json:"snapshot"`
		Classes  []classRow         `json:"classes"`
		Total    int                `json:"total"`
	}
	if c := get(t, ts, "/api/summary?limit=5", &sum); c != 200 {
		t.Fatalf("summary: %d", c)
	}
	if len(sum.Classes) != 5 || sum.Total < 50 || sum.Snapshot.TotalSize == 0 {
		t.Fatalf("summary page: %d rows of %d", len(sum.Classes), sum.Total)
	}
	for i := 1; i < len(sum.Classes); i++ {
		if sum.Classes[i].RetainedSize > sum.Classes[i-1].RetainedSize {
			t.Errorf("summary not by retained size: %v", sum.Classes)
		}
	}
	// Filter, sort and the second page.
	var f struct {
		Classes []classRow `json:"classes"`
		Total   int        `json:"total"`
	}
	get(t, ts, "/api/summary?filter=requestcontext", &f)
	if f.Total != 1 || f.Classes[0].Name != "RequestContext" {
		t.Fatalf("filter RequestContext: %+v", f)
	}
	rc := f.Classes[0]
	var byCount struct {
		Classes []classRow `json:"classes"`
	}
	get(t, ts, "/api/summary?sort=count&dir=asc&offset=10&limit=3", &byCount)
	if len(byCount.Classes) != 3 || byCount.Classes[0].Count > byCount.Classes[2].Count {
		t.Errorf("ascending count page: %+v", byCount.Classes)
	}

	var byName struct {
		Classes []classRow `json:"classes"`
	}
	get(t, ts, "/api/summary?sort=name&dir=asc&limit=5", &byName)
	for i := 1; i < len(byName.Classes); i++ {
		if byName.Classes[i-1].Name > byName.Classes[i].Name {
			t.Errorf("sort=name&dir=asc is not alphabetical: %q before %q", byName.Classes[i-1].Name, byName.Classes[i].Name)
		}
	}

	// Class -> objects, biggest retained first.
	var cls struct {
		Total int           `json:"total"`
		Items []rpt.NodeRef `json:"items"`
	}
	get(t, ts, "/api/class?c="+itoa(rc.Index)+"&limit=3", &cls)
	if cls.Total != rc.Count || len(cls.Items) != 3 || cls.Items[0].Class != "RequestContext" || cls.Items[0].RetainedSize < cls.Items[2].RetainedSize {
		t.Fatalf("class objects: %+v", cls)
	}
	id := itoa(int(cls.Items[0].ID))

	// Object, its retainers, references and paths.
	var obj objectView
	if c := get(t, ts, "/api/object?id=@"+id, &obj); c != 200 || obj.Node.Class != "RequestContext" || len(obj.Dominators) == 0 || obj.RetainerCount == 0 {
		t.Fatalf("object: %d %+v", c, obj)
	}
	if obj.Location == nil || !strings.Contains(obj.Location.Script, "") || obj.Location.Function != "RequestContext" {
		t.Errorf("object location: %+v", obj.Location)
	}
	var rets struct {
		Total int       `json:"total"`
		Items []edgeRow `json:"items"`
	}
	get(t, ts, "/api/retainers?id="+id, &rets)
	if rets.Total != obj.RetainerCount || len(rets.Items) == 0 {
		t.Fatalf("retainers: %+v", rets)
	}
	var refs struct {
		Total int       `json:"total"`
		Items []edgeRow `json:"items"`
	}
	get(t, ts, "/api/references?id="+id, &refs)
	if refs.Total != obj.EdgeCount {
		t.Errorf("references: %d of %d", refs.Total, obj.EdgeCount)
	}
	var sortedRefs struct {
		Items []edgeRow `json:"items"`
	}
	get(t, ts, "/api/references?sort=shallow&dir=asc&id="+id, &sortedRefs)
	for i := 1; i < len(sortedRefs.Items); i++ {
		if sortedRefs.Items[i-1].Node.ShallowSize > sortedRefs.Items[i].Node.ShallowSize {
			t.Errorf("references by shallow size, ascending: %+v", sortedRefs.Items)
		}
	}
	var paths rpt.Paths
	get(t, ts, "/api/paths?id="+id, &paths)
	if len(paths.Paths) == 0 || !strings.HasSuffix(paths.Paths[0].Text, "RequestContext @"+id) {
		t.Fatalf("paths: %+v", paths)
	}
	// Ignoring every retainer on the first path's last hop finds another
	// path or none, never the same one.
	first := paths.Paths[0]
	last := first.Steps[len(first.Steps)-1]
	var ign rpt.Paths
	var ignored []string
	for _, r := range rets.Items {
		if r.Node.ID == first.Steps[len(first.Steps)-2].Node.ID && r.Name == last.EdgeName {
			ignored = append(ignored, itoa(int(r.Edge)))
		}
	}
	if len(ignored) == 0 {
		t.Fatalf("the path's last retainer is not among the retainers")
	}
	get(t, ts, "/api/paths?id="+id+"&ignore="+strings.Join(ignored, ","), &ign)
	for _, p := range ign.Paths {
		if p.Text == first.Text {
			t.Errorf("ignoring the retainer still gives %s", p.Text)
		}
	}

	// Dominator tree, icicle, statistics, duplicated strings.
	var dt struct {
		Total int           `json:"total"`
		Items []rpt.NodeRef `json:"items"`
	}
	get(t, ts, "/api/domtree?limit=10", &dt)
	if dt.Total == 0 || len(dt.Items) == 0 || dt.Items[0].RetainedSize < dt.Items[len(dt.Items)-1].RetainedSize {
		t.Fatalf("domtree: %+v", dt)
	}
	var ic box
	get(t, ts, "/api/icicle?depth=3", &ic)
	if ic.Retained != sum.Snapshot.TotalSize && len(ic.Children) == 0 {
		t.Errorf("icicle root: %+v", ic)
	}
	var kids uint64
	for _, c := range ic.Children {
		kids += c.Retained
	}
	if kids > ic.Retained {
		t.Errorf("icicle children retain %d > parent %d", kids, ic.Retained)
	}
	var st rpt.SnapshotTotals
	get(t, ts, "/api/stats", &st)
	if st.Breakdown.Strings == 0 || st.Breakdown.Code == 0 {
		t.Errorf("stats: %+v", st)
	}
	var ds struct {
		Total  int                   `json:"total"`
		Wasted uint64                `json:"wasted"`
		Items  []heapgraph.DupString `json:"items"`
	}
	get(t, ts, "/api/strings?limit=5", &ds)
	if ds.Total == 0 || ds.Wasted == 0 || ds.Items[0].Count < 2 {
		t.Fatalf("duplicated strings: %+v", ds)
	}
	var ex objectView
	get(t, ts, "/api/object?id="+itoa(int(ds.Items[0].ID)), &ex)
	if ex.Node.Name != ds.Items[0].Text || ex.Node.Type != "string" {
		t.Errorf("duplicated string example @%d is %+v, want text %q", ds.Items[0].ID, ex.Node, ds.Items[0].Text)
	}

	// Bad queries are 400/404, never 500; no leak report for a snapshot.
	for path, want := range map[string]int{
		"/api/object?id=@999999999":  404,
		"/api/object?id=abc":         400,
		"/api/summary?limit=100000":  400,
		"/api/class?c=-1":            400,
		"/api/paths?id=1&ignore=x,y": 400,
		"/api/gc":                    404,
		"/api/summary?s=7":           400,
	} {
		if c := get(t, ts, path, nil); c != want {
			t.Errorf("%s: %d, want %d", path, c, want)
		}
	}
	// One snapshot: the leak view is `leaks ONE`, computed in the
	// background (202 meanwhile).
	var one struct {
		Snapshots int `json:"snapshots"`
		Suspects  []struct {
			Class        string `json:"class"`
			RetainedSize uint64 `json:"retained_size"`
		} `json:"suspects"`
		Facts [][]rpt.Fact `json:"facts"`
	}
	for deadline := time.Now().Add(2 * time.Minute); ; {
		c := get(t, ts, "/api/leaks", &one)
		if c == 200 {
			break
		}
		if c != http.StatusAccepted || time.Now().After(deadline) {
			t.Fatalf("leaks of one snapshot: %d", c)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if one.Snapshots != 1 || len(one.Suspects) == 0 || one.Suspects[0].RetainedSize == 0 {
		t.Errorf("accumulation: %+v", one)
	}
	// Each suspect comes with the facts `leaks ONE` prints for it.
	if len(one.Facts) != len(one.Suspects) || len(one.Facts) == 0 || len(one.Facts[0]) == 0 || one.Facts[0][0].Label != "kind" {
		t.Errorf("accumulation facts: %+v", one.Facts)
	}

	// The page itself.
	var page string
	res, err := http.Get(ts.URL + "/")
	if err == nil {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		page = string(b)
	}
	if !strings.Contains(page, "app.js") || res.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("index page: %q", page)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestForeignHost: a page on another site cannot reach the server through
// DNS rebinding (its requests carry that site's Host), and nothing but
// GET is answered.
func TestForeignHost(t *testing.T) {
	s := New(Config{Kind: KindSnapshot, Names: []string{"x"}})
	s.SetAddr("127.0.0.1:8080", "127.0.0.1")
	h := s.Handler()
	for host, want := range map[string]int{
		"127.0.0.1:8080":    200,
		"localhost:8080":    200,
		"[::1]:8080":        200,
		"localhost":         200,
		"evil.example:8080": 403,
		"evil.example":      403,
		"10.0.0.5:8080":     403,
		"":                  403,
	} {
		r := httptest.NewRequest("GET", "/api/status", nil)
		r.Host = host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %q: %d, want %d", host, w.Code, want)
		}
		if w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("Host %q: CORS header sent", host)
		}
	}
	r := httptest.NewRequest("POST", "/api/status", strings.NewReader("{}"))
	r.Host = "127.0.0.1:8080"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
	// Bound to every interface: the machine's IP literals are fine, names
	// other than the one asked for are not.
	s2 := New(Config{Kind: KindSnapshot, Names: []string{"x"}})
	s2.SetAddr("0.0.0.0:8080", "0.0.0.0")
	for host, want := range map[string]int{"10.0.0.5:8080": 200, "evil.example:8080": 403} {
		r := httptest.NewRequest("GET", "/api/status", nil)
		r.Host = host
		w := httptest.NewRecorder()
		s2.Handler().ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("any-address Host %q: %d, want %d", host, w.Code, want)
		}
	}
}

// TestLoadingAnswers202: while the input loads, views answer 202 with the
// progress the page shows.
func TestLoadingAnswers202(t *testing.T) {
	release := make(chan struct{})
	s := New(Config{Kind: KindSnapshot, Names: []string{"x"},
		Load: func(ctx context.Context, i int, obs Observe) (*heapgraph.Graph, error) {
			obs("reading x", 50, 100)
			<-release
			return nil, context.Canceled
		}})
	done := make(chan error, 1)
	s.Start(context.Background(), func(err error) { done <- err })
	s.SetAddr("127.0.0.1:1", "127.0.0.1")
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	s.SetAddr(strings.TrimPrefix(ts.URL, "http://"), "127.0.0.1")
	deadline := time.Now().Add(time.Minute)
	for {
		var st status
		get(t, ts, "/api/status", &st)
		if st.Done == 50 {
			if st.Total != 100 || st.Ready || st.Label != "reading x" {
				t.Fatalf("status while loading: %+v", st)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no progress reported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if c := get(t, ts, "/api/summary", nil); c != http.StatusAccepted {
		t.Errorf("summary while loading: %d, want 202", c)
	}
	close(release)
	<-done
	var st status
	get(t, ts, "/api/status", &st)
	if st.Error == "" || st.Ready {
		t.Errorf("status after a failed load: %+v", st)
	}
	if c := get(t, ts, "/api/summary", nil); c != http.StatusInternalServerError {
		t.Errorf("summary after a failed load: %d", c)
	}
}

// TestGCView serves a GC log: the `gc --json` report, its text and the
// chart `gc --svg` draws.
func TestGCView(t *testing.T) {
	log, err := os.ReadFile(filepath.Join("..", "..", "testdata", "gctrace", "prefixed.log"))
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Kind: KindGC, GC: func(ctx context.Context, obs Observe) (*gctrace.Summary, error) {
		a := gctrace.NewAnalyzer(gctrace.Options{Thresholds: gctrace.DefaultThresholds()})
		a.Write(log)
		a.Flush()
		return a.Summary(), nil
	}})
	ts := loaded(t, s)
	var g struct {
		Summary gctrace.Summary `json:"summary"`
		Text    string          `json:"text"`
	}
	if c := get(t, ts, "/api/gc", &g); c != 200 || g.Summary.GCs == 0 || g.Summary.Verdict == "" || !strings.Contains(g.Text, "probable leak") {
		t.Fatalf("gc: %d %+v", c, g)
	}
	res, err := http.Get(ts.URL + "/api/gc.svg")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(string(b), "<svg") {
		t.Errorf("gc.svg: %s %.40q", res.Header.Get("Content-Type"), b)
	}
	if c := get(t, ts, "/api/summary", nil); c == 200 {
		t.Error("a GC log has no Summary view")
	}
}

// TestSeriesLoadsOnDemand: a series keeps its last snapshot; others load
// when a page asks (202 meanwhile), at most MaxGraphs stay in memory, and
// a snapshot that fails to load says so instead of loading again.
func TestSeriesLoadsOnDemand(t *testing.T) {
	golden := fileLoader(filepath.Join("..", "..", "testdata", "golden", "casestudy.heapsnapshot.gz"))
	loads := make(chan int, 10)
	s := New(Config{Kind: KindSeries, Names: []string{"a", "b", "c"}, MaxGraphs: 1,
		Load: func(ctx context.Context, i int, obs Observe) (*heapgraph.Graph, error) {
			loads <- i
			if i == 1 {
				return nil, errors.New("b is damaged")
			}
			return golden(ctx, i, obs)
		},
		Leaks: func(ctx context.Context, obs Observe, keep func(int, *heapgraph.Graph)) (*leak.Report, error) {
			g, err := golden(ctx, 2, obs)
			if err != nil {
				return nil, err
			}
			keep(2, g)
			return &leak.Report{Snapshots: []leak.SnapshotInfo{{Name: "a"}, {Name: "b"}, {Name: "c"}}, Suspects: []leak.Suspect{}}, nil
		}})
	ts := loaded(t, s)
	until := func(path string, want int) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); ; {
			c := get(t, ts, path, nil)
			if c == want {
				return
			}
			if c != http.StatusAccepted || time.Now().After(deadline) {
				t.Fatalf("%s: %d, want %d", path, c, want)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if c := get(t, ts, "/api/summary?s=2", nil); c != 200 {
		t.Fatalf("the last snapshot is not kept: %d", c)
	}
	if c := get(t, ts, "/api/leaks", nil); c != 200 {
		t.Fatalf("leaks: %d", c)
	}
	until("/api/summary?s=0", 200)
	if i := <-loads; i != 0 {
		t.Fatalf("loaded %d, want 0", i)
	}
	resident := 0
	s.mu.Lock()
	for _, sn := range s.snaps {
		if sn.g != nil {
			resident++
		}
	}
	s.mu.Unlock()
	if resident != 1 {
		t.Errorf("%d graphs in memory, MaxGraphs is 1", resident)
	}
	until("/api/summary?s=1", http.StatusInternalServerError)
	if c := get(t, ts, "/api/summary?s=1", nil); c != http.StatusInternalServerError {
		t.Errorf("a failed snapshot: %d on the second ask", c)
	}
	if i := <-loads; i != 1 || len(loads) != 0 {
		t.Errorf("loads: %d then %d more, want b once", i, len(loads))
	}
	// Comparison: loads what it needs, one graph at a time.
	until("/api/diff?a=0&b=2", 200)
}
