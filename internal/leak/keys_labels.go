// Keys that are label sets: a metrics library's series key
// (method:GET,path:/api/orders/2143,status:200,) or a key built from an
// options object. When one label takes a new value in nearly every key
// (a raw URL, an id) and the others repeat, that label is why the
// collection grows: every value is a new entry for good.

package leak

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// labelMix describes keys made of labels, one of which is unbounded.
type labelMix struct {
	labels   []string // the label names, in the order the keys first have them (each once)
	label    string   // the label whose values differ in nearly every key
	also     []string // other labels that do too (a request id and a timestamp)
	example  string   // one of its values
	distinct int      // its distinct values among the keys sampled
	sampled  int      // keys that are label sets
	json     bool     // the keys are JSON texts (a memoizer's JSON.stringify(args))
	// cache: the holder is the program's own (a cache keyed by a request's
	// parts), not a metrics library's series: the part is left out of
	// the key, not made bounded.
	cache bool
}

var labelNameRe = lazyRE(`^[A-Za-z_][\w.-]*$`)

// labelSet splits a key into label names and values: parts joined by
// ',', ';', '&' or '|', each name:value or name=value, or a value alone
// named by its place ("part 2"). ok is false unless two labels or more
// have names.
func labelSet(key string) (names, values []string, ok bool) {
	if key != "" && (key[0] == '{' || key[0] == '[') && strings.Contains(key, "\":") {
		// JSON, however deep its first pair ([[{"sku": ... of a
		// memoizer's JSON.stringify(args)).
		return jsonLabels(key)
	}
	key = strings.Trim(key, "{}")
	named := 0
	// '&' joins labels only where nothing else does (a=1&b=2): in
	// route:/p/1?view=full&ref=2,status:200 it is inside a value.
	amp := !strings.ContainsAny(key, ",;")
	for p, part := range strings.FieldsFunc(key, func(r rune) bool { return r == ',' || r == ';' || r == '&' && amp || r == '|' }) {
		i := strings.IndexAny(part, ":=")
		if i < 0 && !strings.ContainsAny(part, " \t") {
			// A part with no name (GET|/v2/products/p-2|accept=…): named
			// by its place.
			names = append(names, fmt.Sprintf("part %d", p+1))
			values = append(values, part)
			continue
		}
		if i <= 0 {
			return nil, nil, false
		}
		named++
		name := strings.Trim(strings.TrimSpace(part[:i]), `"'`)
		if !labelNameRe.MatchString(name) {
			return nil, nil, false
		}
		names = append(names, name)
		values = append(values, strings.Trim(strings.TrimSpace(part[i+1:]), `"'`))
	}
	// Or parts joined with | and none named (tenant|region|sku|<uuid>,
	// [a, b, c].join('|')): three or more, read by place.
	positional := named == 0 && len(names) >= 3 && strings.Count(key, "|") == len(names)-1
	return names, values, named >= 2 || positional
}

// jsonPairRe is one "name": value pair of a JSON text with a string,
// number or literal value (a nested object's pairs count on their own).
var jsonPairRe = lazyRE(`"([A-Za-z_][\w.-]*)"\s*:\s*("(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null)`)

// jsonLabels: a key that is JSON (a memoizer's JSON.stringify(args)) as
// labels: its scalar fields, by name. V8 cuts long keys at 1024
// characters, so a cut key gives the pairs before the cut.
func jsonLabels(key string) (names, values []string, ok bool) {
	names, values = jsonPaths(key, 32)
	if len(names) < 2 {
		// (Not JSON after all, or cut before its second pair.)
		names, values = names[:0], values[:0]
		for _, m := range jsonPairRe.FindAllStringSubmatch(key, 32) {
			names = append(names, m[1])
			values = append(values, strings.Trim(m[2], `"`))
		}
	}
	return names, values, len(names) >= 2
}

// jsonPaths are the scalar fields of a JSON text named by their path
// through objects (trace.id in [query, {"trace": {"id": …}}]; arrays'
// places are left out), up to n, as far as the text goes.
func jsonPaths(key string, n int) (names, values []string) {
	d := json.NewDecoder(strings.NewReader(key))
	d.UseNumber()
	type level struct {
		object bool
		name   string // the field whose value is being read, in an object
		want   bool   // an object's next string token is a field's name
	}
	var stack []level
	path := func() string {
		var parts []string
		for _, l := range stack {
			if l.object {
				parts = append(parts, l.name)
			}
		}
		return strings.Join(parts, ".")
	}
	for len(names) < n {
		t, err := d.Token()
		if err != nil {
			break
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].object && stack[top].want {
			if s, ok := t.(string); ok {
				stack[top].name, stack[top].want = s, false
				continue
			}
		}
		switch v := t.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, level{object: true, want: true})
			case '[':
				stack = append(stack, level{})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					stack[top-1].want = true
				}
			}
			continue
		default:
			if top >= 0 && stack[top].object {
				if name := path(); labelNameRe.MatchString(name) {
					names = append(names, name)
					if v == nil {
						v = "null"
					}
					values = append(values, fmt.Sprint(v))
				}
				stack[top].want = true
			}
		}
	}
	return names, values
}

// labelKeys reports whether most keys are label sets in which one label
// (present in nearly every key) takes a distinct value in at least half of
// them while another takes at most a quarter as many values as there are
// keys: a metric labelled by raw path, a cache keyed by options that carry
// a request id.
func labelKeys(keys []string) (labelMix, bool) {
	var m labelMix
	values := map[string]map[string]bool{}
	// A name that comes more than once in a key is a field of the items
	// of an array in it (a basket's lines' sku): what the key is about,
	// never the one field to leave out.
	listed := map[string]bool{}
	for _, k := range keys {
		names, vals, ok := labelSet(k)
		if !ok {
			continue
		}
		if m.labels == nil {
			m.json = strings.HasPrefix(k, "{") || strings.HasPrefix(k, "[")
		}
		// Every key's names: a JSON key's optional field (a trace id
		// some clients send) may be missing from the first.
		for _, n := range names {
			if !slices.Contains(m.labels, n) {
				m.labels = append(m.labels, n)
			}
		}
		m.sampled++
		seen := map[string]bool{}
		for i, n := range names {
			if seen[n] {
				listed[n] = true
			}
			seen[n] = true
			if values[n] == nil {
				values[n] = map[string]bool{}
			}
			values[n][vals[i]] = true
		}
	}
	if m.sampled < minMixKeys || 2*m.sampled < len(keys) {
		return labelMix{}, false
	}
	repeats := false
	var unbounded []string
	for _, n := range m.labels {
		d := len(values[n])
		switch {
		case listed[n]:
		case 4*d <= m.sampled:
			repeats = true
		case 2*d >= m.sampled:
			unbounded = append(unbounded, n)
		}
	}
	if len(unbounded) == 0 || !repeats {
		return labelMix{}, false
	}
	// The most distinct first, ids before other values (a trace id
	// before a SKU nearly as varied); the others that are as good as
	// unique too.
	idLike := func(n string) int {
		ids := 0
		for v := range values[n] {
			if idKind(v) != "" {
				ids++
			}
		}
		if 2*ids >= len(values[n]) {
			return 1
		}
		return 0
	}
	slices.SortStableFunc(unbounded, func(a, b string) int {
		if d := idLike(b) - idLike(a); d != 0 {
			return d
		}
		return len(values[b]) - len(values[a])
	})
	m.label, m.distinct = unbounded[0], len(values[unbounded[0]])
	for _, n := range unbounded[1:] {
		if 10*len(values[n]) >= 9*m.sampled {
			m.also = append(m.also, n)
		}
	}
	ex := make([]string, 0, len(values[m.label]))
	for v := range values[m.label] {
		ex = append(ex, v)
	}
	slices.Sort(ex)
	m.example = ex[0]
	return m, true
}

// idSegmentRe is a path segment that is an id: digits, a UUID, a long
// hex, a prefixed number (SKU-0001443, ord_12345).
var idSegmentRe = lazyRE(`/(?:\d+|[0-9a-fA-F]{8}-[0-9a-fA-F-]{27}|[0-9a-fA-F]{16,}|[A-Za-z]{1,8}[-_]?\d{3,}[\w-]*)(/|$)`)

// hint says which label grows the collection, and the bounded value to
// use instead: for a URL path, its route template.
func (m *labelMix) hint(what string) string {
	fix := "use a value from a small, fixed set instead, or drop that label"
	if strings.HasPrefix(m.example, "/") {
		if t := idSegmentRe.ReplaceAllString(m.example, "/:id$1"); t != m.example {
			fix = fmt.Sprintf("use the route template instead (%s), not the raw path", t)
		}
	}
	ex := m.example
	if len(ex) > 40 {
		ex = ex[:40] + "…"
	}
	if m.json && len(m.also) > 0 {
		// Of the fields that take a new value in nearly every key, one
		// named for a request (requestId, traceId, a timestamp) is new
		// on every call; one named for an entity (userId) may be what
		// the result depends on, and dropping it would serve one
		// user's result to another.
		var perCall, entity []string
		for _, n := range append([]string{m.label}, m.also...) {
			if perCallFieldRe.MatchString(n) {
				perCall = append(perCall, n)
			} else {
				entity = append(entity, n)
			}
		}
		if len(perCall) > 0 && len(entity) > 0 {
			return fmt.Sprintf("the keys of %s are JSON texts (fields %s) and %s take a new value in nearly every key (%s: %d in %d keys, e.g. %s): %s is new on every call (a request's own id or time), so every key is new and the entry is never found again; leave it out of the key (a memoizer's resolver or cacheKey that picks the fields the result depends on); %s: keep %s in the key and bound the cache by a maximum",
				what, strings.Join(m.labels, ", "), strings.Join(append([]string{m.label}, m.also[:len(m.also)-1]...), ", ")+" and "+m.also[len(m.also)-1], m.label, m.distinct, m.sampled, ex,
				strings.Join(perCall, " and "), manyToo(entity), map[bool]string{true: "it", false: "them"}[len(entity) == 1])
		}
	}
	if m.json {
		if len(m.also) > 0 {
			return fmt.Sprintf("the keys of %s are JSON texts (fields %s) and %s and %s take a new value in nearly every key (%s: %d in %d keys, e.g. %s): fields with unbounded values (an id, a trace id, a timestamp) make every key new, so the entry is never found again; leave those fields out of the key (a memoizer's resolver that picks the fields that select the result)",
				what, strings.Join(m.labels, ", "), strings.Join(append([]string{m.label}, m.also[:len(m.also)-1]...), ", "), m.also[len(m.also)-1], m.label, m.distinct, m.sampled, ex)
		}
		return fmt.Sprintf("the keys of %s are JSON texts (fields %s) and %s takes a new value in nearly every key (%d in %d keys, e.g. %s): a field with unbounded values (an id, a trace id, a timestamp) makes every key new, so the entry is never found again; leave that field out of the key (a memoizer's resolver that picks the fields that select the result)",
			what, strings.Join(m.labels, ", "), m.label, m.distinct, m.sampled, ex)
	}
	if m.cache {
		return fmt.Sprintf("the keys of %s are made of parts (%s) and %s takes a new value in nearly every key (%d in %d keys, e.g. %s): a part with unbounded values (a request id, a timestamp) makes every key new, so an entry is never found again and each one stays; leave %s out of the key",
			what, strings.Join(m.labels, ", "), m.label, m.distinct, m.sampled, ex, m.label)
	}
	return fmt.Sprintf("the keys of %s are label sets (%s) and %s takes a new value in nearly every key (%d in %d keys, e.g. %s): a label with unbounded values (a raw URL, an id, a timestamp) adds an entry for every value, for good; %s",
		what, strings.Join(m.labels, ", "), m.label, m.distinct, m.sampled, ex, fix)
}

// perCallFieldRe is a field named for one request or one moment, not for
// an entity: requestId, traceId, spanId, correlationId, nonce, timestamp.
var perCallFieldRe = lazyRE(`(?i)(?:request|^req|trace|span|correlation|nonce|timestamp|^ts$|time$|^at$|^now$)`)

// manyToo says that entity fields take many values too: "userId takes
// many values too, but the result may depend on it".
func manyToo(fields []string) string {
	if len(fields) == 1 {
		return fields[0] + " takes many values too, but the result may depend on it"
	}
	return strings.Join(fields, " and ") + " take many values too, but the result may depend on them"
}
