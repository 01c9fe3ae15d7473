package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkViews measures the server side of each view: the time from
// request to the last byte of JSON, through the real handler (no network).
// Each view asks about many objects (the biggest classes, their biggest
// objects, objects along the dominator tree), first request included, so
// the p95 shows the cost of what is computed on first use. It reports p50
// and p95 per view in ms.
//
//	LEAKHOUND_BENCH_SNAPSHOT=big.heapsnapshot go test ./internal/web -run '^$' -bench Views -benchtime 1x
//
// Without the variable it uses the committed case-study snapshot.
func BenchmarkViews(b *testing.B) {
	path := os.Getenv("LEAKHOUND_BENCH_SNAPSHOT")
	if path == "" {
		path = filepath.Join("..", "..", "testdata", "golden", "casestudy.heapsnapshot.gz")
	}
	start := time.Now()
	s := New(Config{Kind: KindSnapshot, Names: []string{filepath.Base(path)}, Load: fileLoader(path)})
	done := make(chan error, 1)
	s.Start(context.Background(), func(err error) { done <- err })
	if err := <-done; err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: ready after %.2f s", path, time.Since(start).Seconds())
	h := s.Handler()
	s.SetAddr("127.0.0.1:1", "127.0.0.1")
	call := func(url string, into any) time.Duration {
		r := httptest.NewRequest("GET", url, nil)
		r.Host = "127.0.0.1:1"
		w := httptest.NewRecorder()
		fmt.Fprintf(os.Stderr, "GET %s\n", url)
		t0 := time.Now()
		h.ServeHTTP(w, r)
		d := time.Since(t0)
		if d > 300*time.Millisecond {
			// Printed at once: b.Logf shows only when the benchmark ends.
			fmt.Fprintf(os.Stderr, "slow: %s took %.0f ms\n", url, ms(d))
		}
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", url, w.Code, w.Body.String())
		}
		if into != nil {
			if err := json.Unmarshal(w.Body.Bytes(), into); err != nil {
				b.Fatal(err)
			}
		}
		return d
	}
	// The objects to ask about: the biggest objects of the 20 biggest classes.
	var sum struct {
		Classes []classRow `json:"classes"`
	}
	// First use computes the Summary rows, the class index, the id index
	// and the retainer index: logged apart, then the views are timed.
	b.Logf("first summary: %.1f ms", ms(call("/api/summary?limit=20", &sum)))
	var ids []uint32
	for k, c := range sum.Classes {
		var cls struct {
			Items []struct {
				ID uint32 `json:"id"`
			} `json:"items"`
		}
		d := call(fmt.Sprintf("/api/class?c=%d&limit=5", c.Index), &cls)
		if k == 0 {
			b.Logf("first class: %.1f ms", ms(d))
		}
		for _, o := range cls.Items {
			ids = append(ids, o.ID)
		}
	}
	views := []struct {
		name string
		urls func() []string
	}{
		{"summary", func() []string {
			return []string{"/api/summary", "/api/summary?sort=count", "/api/summary?filter=a", "/api/summary?offset=50&sort=shallow&dir=asc",
				"/api/summary?filter=string", "/api/summary?sort=name"}
		}},
		{"class", func() []string {
			var u []string
			for _, c := range sum.Classes {
				u = append(u, fmt.Sprintf("/api/class?c=%d", c.Index), fmt.Sprintf("/api/class?c=%d&offset=100", c.Index))
			}
			return u
		}},
		{"object", func() []string { return perID(ids, "/api/object?id=%d") }},
		{"retainers", func() []string { return perID(ids, "/api/retainers?id=%d") }},
		{"references", func() []string { return perID(ids, "/api/references?id=%d") }},
		{"paths", func() []string { return perID(ids, "/api/paths?id=%d") }},
		{"domtree", func() []string { return append([]string{"/api/domtree"}, perID(ids, "/api/domtree?id=%d")...) }},
		{"icicle", func() []string {
			return append([]string{"/api/icicle"}, perID(ids[:min(10, len(ids))], "/api/icicle?id=%d")...)
		}},
		{"stats", func() []string { return []string{"/api/stats", "/api/stats", "/api/stats"} }},
		{"strings", func() []string {
			return []string{"/api/strings", "/api/strings?offset=50", "/api/strings?filter=user", "/api/strings?offset=500"}
		}},
	}
	b.ResetTimer()
	for range b.N {
		for _, v := range views {
			var ds []time.Duration
			for _, u := range v.urls() {
				ds = append(ds, call(u, nil))
			}
			slices.Sort(ds)
			p50, p95 := ds[len(ds)/2], ds[min(len(ds)-1, (len(ds)*95+99)/100-1)]
			b.Logf("%-10s n=%3d p50 %8.2f ms  p95 %8.2f ms  max %8.2f ms", v.name, len(ds),
				ms(p50), ms(p95), ms(ds[len(ds)-1]))
			b.ReportMetric(ms(p95), v.name+"-p95-ms")
		}
	}
}

func perID(ids []uint32, f string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, fmt.Sprintf(f, id))
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
