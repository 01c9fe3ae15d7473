package leak

import (
	"fmt"
	"strings"
	"testing"
)

// TestURLKeys: a Map keyed by method and raw URL; the fix names the
// routes the URLs fall into and the line that makes the key.
func TestURLKeys(t *testing.T) {
	_, s := seriesTop(t, "url-keys")
	for _, want := range []string{"the keys of the Map statsByEndpoint are request URLs with ids or query strings", "key it by the route (", "its key is made at", "url-keys.js:21: const key = method + ' ' + url"} {
		if !strings.Contains(s.Hint, want) {
			t.Errorf("hint %q: want %q", s.Hint, want)
		}
	}
}

func TestURLKeysUnit(t *testing.T) {
	var keys []string
	for i := 0; i < 100; i++ {
		keys = append(keys, fmt.Sprintf("GET /api/items/SKU-%d?trace=%x", 1000+i, i*7919), fmt.Sprintf("/v2/users/%d", i))
	}
	m, ok := urlKeys(keys)
	if !ok || m.routes != 2 || m.sampled != 200 {
		t.Fatalf("urlKeys = %+v, %v", m, ok)
	}
	if r, _ := routeOf("GET /api/items/SKU-1000?trace=0"); r != "GET /api/items/:id" {
		t.Errorf("route %q", r)
	}
	if r, _ := routeOf("/v2/users/17/cart#top"); r != "/v2/users/:id/cart" {
		t.Errorf("route %q", r)
	}
	// Paths of a few fixed routes: nothing unbounded.
	var fixed []string
	for i := 0; i < 100; i++ {
		fixed = append(fixed, []string{"GET /health", "GET /api/items", "POST /api/items"}[i%3])
	}
	if m, ok := urlKeys(fixed); ok {
		t.Errorf("fixed routes: %+v", m)
	}
	// Not URLs: words with slashes inside.
	var words []string
	for i := 0; i < 100; i++ {
		words = append(words, fmt.Sprintf("tenant%d/user%d", i%4, i))
	}
	if m, ok := urlKeys(words); ok {
		t.Errorf("not URLs: %+v", m)
	}
	// Absolute URLs with an event id in the query: the host stays, and
	// two keys a route are enough when the query carries an id.
	var hooks []string
	for i := 0; i < 100; i++ {
		hooks = append(hooks, fmt.Sprintf("t%d http://127.0.0.1:46211/t%d/hook/e%d?event=%08x-8c35-4e76-b39e-e041c3200ec3", i%5, i%5, i%8, i))
	}
	if m, ok := urlKeys(hooks); !ok || !strings.HasPrefix(m.route, "t0 http://127.0.0.1:46211/t0/hook/e") {
		t.Errorf("event ids: %+v, %v", m, ok)
	}
	// The same routes without ids in their query strings: too many routes
	// for so few keys.
	for i := range hooks {
		hooks[i] = hooks[i][:strings.IndexByte(hooks[i], '?')] + fmt.Sprintf("?page=%d", i)
	}
	if m, ok := urlKeys(hooks); ok {
		t.Errorf("no ids: %+v", m)
	}
}

// A landing-page cache keyed by the URL with its tracking tags (blind
// evaluation 37 svc05): the route alone would serve variant b's page to
// variant a; the fix keeps the parameter with a few values and drops the
// tags and ids.
func TestURLKeysQueryParams(t *testing.T) {
	var keys []string
	for i := 0; i < 120; i++ {
		k := fmt.Sprintf("/en/lp/city-%d?utm_source=s%d&utm_campaign=c%d&fbclid=%08x-1a2b-4c3d-8e9f-a1b2c3d4e5f6", i%20, i%7, i, i)
		if i%2 == 0 {
			k += "&variant=b"
		}
		keys = append(keys, k)
	}
	m, ok := urlKeys(keys)
	if !ok {
		t.Fatal("not read as URLs")
	}
	h := m.hint("the Map entries")
	for _, want := range []string{"and the query parameters that change the response (variant)", "leaving out tracking ones and ids (fbclid, utm_campaign, utm_source)"} {
		if !strings.Contains(h, want) {
			t.Errorf("hint %q, want %q", h, want)
		}
	}
}

// A breaker registry keyed by the concrete path, the key built in the
// call of the function that adds (opossum, blind evaluation 38 svc03): the
// code is the adding function's new CircuitBreaker, the key's line is the
// call, and the disposal the program makes when an admin retires a
// carrier is not what to check.
func TestBreakerRouteKeys(t *testing.T) {
	_, s := seriesTop(t, "breaker-route-keys")
	checkHint(t, s.Hint, []string{"key it by the route (", "its key is made at", "breaker-route-keys.js:35: const breaker = breakerFor(`${name} ${method} ${path}`, doRequest)"},
		[]string{"fails to undo", "which returns"})
	if l := s.Location; l == nil || l.Line != 15 {
		t.Errorf("code %+v, want new CircuitBreaker at line 15", l)
	}
}
