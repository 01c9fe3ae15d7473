package leak

import (
	"fmt"
	"strings"
	"testing"
)

func TestLabelKeys(t *testing.T) {
	var keys []string
	for i := 0; i < 100; i++ {
		keys = append(keys, fmt.Sprintf("method:%s,path:/api/orders/%d,status:200,", []string{"GET", "POST"}[i%2], 1000+i))
	}
	m, ok := labelKeys(keys)
	if !ok || m.label != "path" || m.distinct != 100 {
		t.Fatalf("labelKeys = %+v, %v", m, ok)
	}
	if h := m.hint("the dictionary Counter.hashMap"); !strings.Contains(h, "(method, path, status)") || !strings.Contains(h, "/api/orders/:id") {
		t.Errorf("hint %q", h)
	}
	// A query string inside a value is not more labels.
	if names, _, ok := labelSet("method:GET,route:/p/1?view=full&ref=7,status:200,"); !ok || strings.Join(names, " ") != "method route status" {
		t.Errorf("labels %q, want method route status", names)
	}
	// Every label repeats: no label is to blame.
	var bounded []string
	for i := 0; i < 100; i++ {
		bounded = append(bounded, fmt.Sprintf("method=%s&route=/r%d", []string{"GET", "POST"}[i%2], i%5))
	}
	if m, ok := labelKeys(bounded); ok {
		t.Errorf("bounded labels: %+v", m)
	}
	// Keys that are not label sets.
	var plain []string
	for i := 0; i < 100; i++ {
		plain = append(plain, fmt.Sprintf("user-%d", i))
	}
	if _, ok := labelKeys(plain); ok {
		t.Error("plain keys taken for label sets")
	}
	// Parts joined with | and none named, read by place: a trace id last
	// is the part to blame, not a SKU nearly as varied.
	var joined []string
	for i := 0; i < 100; i++ {
		joined = append(joined, fmt.Sprintf("tenant-%d|eu-west|EUR|SKU%05d|%d|%08x-1bf8-49d9-b943-dbebcdd28fca", i%7, i, i%3, i))
	}
	if m, ok := labelKeys(joined); !ok || m.label != "part 6" {
		t.Errorf("joined keys: %+v, %v; want part 6", m, ok)
	}
	// Two parts only are not label sets.
	var pairs []string
	for i := 0; i < 100; i++ {
		pairs = append(pairs, fmt.Sprintf("tenant-%d|%08x-1bf8-49d9-b943-dbebcdd28fca", i%7, i))
	}
	if _, ok := labelKeys(pairs); ok {
		t.Error("two parts taken for label sets")
	}
}

// TestOptionKey: a key a factory makes with its key option (const k =
// key(...args)) is made where the instance's call says: the return of the
// function it passes, or the option's own line when written there.
func TestOptionKey(t *testing.T) {
	src := textSources{
		"/app/lib/memo.js": "function memoize(fn, { key = (a) => String(a), max = Infinity } = {}) {\n  const cache = new Map();\n  return function (...args) {\n    const k = key(...args);\n    cache.set(k, fn(...args));\n  };\n}",
		"/app/keys.js":     "function quoteKey(rc, sku) {\n  // the tenant and the sku\n  return [rc.tenant, sku, rc.traceId].join('|');\n}",
		"/app/pricing.js":  "const quote = memoize(\n  (rc, sku) => price(rc, sku),\n  { key: quoteKey },\n);\nconst tax = memoize(taxOf, {\n  max: 8,\n  key: (rc) => rc.region,\n});",
	}
	files := func() []string { return []string{"/app/lib/memo.js", "/app/keys.js", "/app/pricing.js"} }
	k := &Statement{Script: "/app/lib/memo.js", Line: 4, Text: "const k = key(...args);"}
	if st := optionKey(&Holder{madeAs: "quote"}, k, files, src); st == nil || st.Script != "/app/keys.js" || st.Line != 3 {
		t.Errorf("quote: %+v, want keys.js:3", st)
	}
	if st := optionKey(&Holder{madeAs: "tax"}, k, files, src); st == nil || st.Script != "/app/pricing.js" || st.Line != 7 {
		t.Errorf("tax: %+v, want pricing.js:7", st)
	}
	if st := optionKey(&Holder{madeAs: "nothing"}, k, files, src); st != nil {
		t.Errorf("no instance, yet %+v", st)
	}
}

// Keys that are JSON texts (a memoizer's JSON.stringify(args)) with a
// field unique to each: that field is named.
func TestJSONLabelKeys(t *testing.T) {
	var keys []string
	for i := 0; i < 100; i++ {
		keys = append(keys, fmt.Sprintf(`[{"id":"p%d","title":"Product %d"},{"locale":"%s","trace":"t-%d"}]`, i%20, i%20, []string{"en-US", "de-DE"}[i%2], i))
	}
	m, ok := labelKeys(keys)
	if !ok || m.label != "trace" || !m.json {
		t.Fatalf("labelKeys = %+v, %v", m, ok)
	}
	if h := m.hint("the Map cache"); !strings.Contains(h, "are JSON texts (fields id, title, locale, trace) and trace takes a new value") || !strings.Contains(h, "resolver") {
		t.Errorf("hint %q", h)
	}
}

// JSON keys with a request id and a user id, both new in nearly every key
// (blind set 29, svc08): the request id is to leave out; the user id is
// what the result may depend on, to keep (dropping it would serve one
// user's flags to another).
func TestJSONLabelKeysEntity(t *testing.T) {
	var keys []string
	for i := 0; i < 100; i++ {
		keys = append(keys, fmt.Sprintf(`{"tenantId":"t%d","userId":"u-%d","platform":"web","requestId":"r-%d"}`, i%5, i, i))
	}
	m, ok := labelKeys(keys)
	if !ok || !m.json {
		t.Fatalf("labelKeys = %+v, %v", m, ok)
	}
	h := m.hint("the Map")
	if !strings.Contains(h, "requestId is new on every call") || !strings.Contains(h, "userId takes many values too, but the result may depend on it: keep it in the key") {
		t.Errorf("hint %q", h)
	}
}

// JSON keys whose array items repeat a field (a basket's lines) and whose
// request id and time are new in each: those two are named, never the
// items' field, which is what the key is about (blind evaluation 10).
func TestJSONLabelKeysItems(t *testing.T) {
	var keys []string
	for i := 0; i < 100; i++ {
		keys = append(keys, fmt.Sprintf(`[[{"sku":"SKU-%d","qty":1},{"sku":"SKU-%d","qty":2}],{"requestId":"rq-%d","at":"2026-12-05T03:%02d:%02d.000Z","currency":"EUR"}]`,
			3*i, 3*i+1, i, i/60, i%60))
	}
	m, ok := labelKeys(keys)
	if !ok || m.label != "requestId" && m.label != "at" || len(m.also) != 1 {
		t.Fatalf("labelKeys = %+v, %v", m, ok)
	}
	h := m.hint("the dictionary priceBasket.cache")
	if !strings.Contains(h, "(fields sku, qty, requestId, at, currency)") || !strings.Contains(h, "take a new value") || strings.Contains(h, "sku takes") {
		t.Errorf("hint %q", h)
	}
}
