package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	fuzzOnce sync.Once
	fuzzSrv  *Server
)

// FuzzAPI sends arbitrary queries to every endpoint of a served snapshot:
// hostile parameters are a 4xx, never a panic or a 500.
func FuzzAPI(f *testing.F) {
	for _, seed := range []string{
		"summary?offset=5&limit=3&sort=name&dir=asc&filter=x", "class?c=3&sort=shallow&dir=asc", "object?id=@1",
		"retainers?id=7&sort=distance", "references?id=1&filter=a", "paths?id=9&ignore=1,2,3&max=50",
		"domtree?id=1&offset=99999999", "icicle?id=1&depth=8", "stats?s=0", "strings?sort=text&dir=asc",
		"leaks", "diff?a=0&b=0", "gc", "gc.svg", "summary?s=-1", "object?id=4294967296", "class?c=99999999999",
	} {
		f.Add(seed)
	}
	fuzzOnce.Do(func() {
		fuzzSrv = New(Config{Kind: KindSnapshot, Names: []string{"casestudy"},
			Load: fileLoader(filepath.Join("..", "..", "testdata", "golden", "casestudy.heapsnapshot.gz"))})
		done := make(chan error, 1)
		fuzzSrv.Start(context.Background(), func(err error) { done <- err })
		if err := <-done; err != nil {
			f.Fatal(err)
		}
		fuzzSrv.SetAddr("127.0.0.1:1", "127.0.0.1")
	})
	h := fuzzSrv.Handler()
	f.Fuzz(func(t *testing.T, q string) {
		u, err := url.Parse("/api/" + q)
		if err != nil || strings.Contains(q, "#") {
			return
		}
		for {
			r := httptest.NewRequest("GET", u.String(), nil)
			r.Host = "127.0.0.1:1"
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code == http.StatusAccepted {
				// The one-snapshot leak analysis runs in the background.
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if w.Code >= 500 {
				t.Fatalf("%s: %d %s", u, w.Code, w.Body.String())
			}
			return
		}
	})
}
