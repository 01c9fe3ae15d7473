package inspector

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A browser's /json/list holds tabs, workers and iframes. host:port must
// pick the page, and refuse to guess between several pages.
func TestProbeBrowserTargets(t *testing.T) {
	list := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(list))
	}))
	defer srv.Close()
	hostport := strings.TrimPrefix(srv.URL, "http://")
	worker := `{"type":"service_worker","title":"sw.js","webSocketDebuggerUrl":"ws://127.0.0.1:9222/devtools/page/SW"}`
	page := func(id, title string) string {
		return `{"type":"page","title":"` + title + `","webSocketDebuggerUrl":"ws://127.0.0.1:9222/devtools/page/` + id + `"}`
	}

	list = "[" + worker + "," + page("A", "leaky list") + "]"
	tg, err := probe(context.Background(), hostport)
	if err != nil {
		t.Fatal(err)
	}
	if tg.WebSocketURL != "ws://"+hostport+"/devtools/page/A" || tg.Title != "leaky list" {
		t.Errorf("picked %s %q, want page A on %s", tg.WebSocketURL, tg.Title, hostport)
	}

	list = "[" + page("A", "one") + "," + worker + "," + page("B", "two") + "]"
	_, err = probe(context.Background(), hostport)
	if !errors.Is(err, ErrBadTarget) || !strings.Contains(err.Error(), `2 pages ("one", "two")`) || !strings.Contains(err.Error(), "/json/list") {
		t.Errorf("two pages: err = %v, want a bad target naming both", err)
	}

	// Node lists one target of type "node".
	list = `[{"type":"node","title":"app.js","webSocketDebuggerUrl":"ws://127.0.0.1:9229/0f2c"}]`
	if tg, err = probe(context.Background(), hostport); err != nil || !strings.HasSuffix(tg.WebSocketURL, "/0f2c") {
		t.Errorf("node target: %v %v", tg, err)
	}
}
