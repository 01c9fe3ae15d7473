// Keys that are request URLs: a per-endpoint stats Map keyed by
// `${req.method} ${req.url}`, a response cache keyed by the full URL.
// Ids in the path (/users/12345) and query strings (?trace=…) make nearly
// every URL new, so every request adds an entry for good, while the routes
// they belong to are few.

package leak

import (
	"fmt"
	"slices"
	"strings"
)

// urlMix describes keys that are URLs of a few routes.
type urlMix struct {
	sampled int    // keys with a URL path
	routes  int    // distinct keys once ids and query strings are out
	example string // one key as it is
	route   string // its route
	// keep: query parameters with a few values each that are no
	// tracking tag (variant=b): what the page may read, to keep in the
	// key; drop: tracking tags and ids (utm_source, fbclid).
	keep, drop []string
}

// routeOf is key with its URL path's id segments made :id and its query
// string and fragment cut: "GET /api/users/12345?trace=9" → "GET
// /api/users/:id". ok is false when the key has no path.
func routeOf(key string) (string, bool) {
	i := strings.IndexByte(key, '/')
	if i < 0 || i > 0 && key[i-1] != ' ' && key[i-1] != ':' {
		return "", false // not a path: no slash, or one inside a word
	}
	path := key[i:]
	if j := strings.IndexAny(path, "?# "); j >= 0 {
		path = path[:j]
	}
	segs := strings.Split(path, "/")
	for k, sg := range segs {
		if k == 2 && strings.HasPrefix(path, "//") {
			continue // an absolute URL's host (and port): where it goes
		}
		if idSegment(sg) {
			segs[k] = ":id"
		}
	}
	return key[:i] + strings.Join(segs, "/"), true
}

// idSegment: a path segment that names one object, not a route: digits
// (12345), a UUID or hex id, or a longer word with two digits or more
// (SKU-104, ord_5521), but not an API version (v2).
func idSegment(sg string) bool {
	if sg == "" {
		return false
	}
	if idKind(sg) != "" {
		return true
	}
	digits := 0
	for i := 0; i < len(sg); i++ {
		if sg[i] >= '0' && sg[i] <= '9' {
			digits++
		}
	}
	return digits == len(sg) || len(sg) >= 5 && digits >= 2
}

// urlKeys reports whether most keys are URLs (a path, maybe after a
// method) whose routes are at most a quarter as many as the keys.
func urlKeys(keys []string) (urlMix, bool) {
	var m urlMix
	routes := map[string]bool{}
	queryIDs := 0 // keys with an id in their query string (?event=<uuid>)
	for _, k := range keys {
		r, ok := routeOf(k)
		if !ok {
			continue
		}
		m.sampled++
		routes[r] = true
		if r != k && (m.example == "" || k < m.example) {
			m.example, m.route = k, r
		}
		if queryID(k) {
			queryIDs++
		}
	}
	m.routes = len(routes)
	m.keep, m.drop = queryParams(keys)
	// Routes at most a quarter as many as the keys; or half, when the
	// query strings carry an id (a trace or event id is per request,
	// whatever the number of routes).
	few := 4*m.routes <= m.sampled || 2*queryIDs >= m.sampled && 2*m.routes <= m.sampled
	if m.sampled < minMixKeys || 2*m.sampled < len(keys) || !few || m.example == "" {
		return urlMix{}, false
	}
	return m, true
}

// queryID: key's query string has a value that looks like an id
// (?event=7edd…, &trace=<uuid>).
func queryID(key string) bool {
	i := strings.IndexByte(key, '?')
	if i < 0 {
		return false
	}
	for _, kv := range strings.FieldsFunc(key[i+1:], func(r rune) bool { return r == '&' || r == ';' || r == '#' || r == ' ' }) {
		if j := strings.IndexByte(kv, '='); j >= 0 && idKind(kv[j+1:]) != "" {
			return true
		}
	}
	return false
}

func (m *urlMix) hint(what string) string {
	ex := m.example
	if len(ex) > 48 {
		ex = ex[:48] + "…"
	}
	routes := fmt.Sprintf("%d routes", m.routes)
	if m.routes == 1 {
		routes = "one route"
	}
	by := fmt.Sprintf("key it by the route (%s), not the URL", m.route)
	if len(m.keep) > 0 {
		by = fmt.Sprintf("key it by the route (%s) and the query parameters that change the response (%s)", m.route, strings.Join(m.keep, ", "))
		if len(m.drop) > 0 {
			by += fmt.Sprintf(", leaving out tracking ones and ids (%s)", strings.Join(m.drop, ", "))
		}
	}
	return fmt.Sprintf("the keys of %s are request URLs with ids or query strings (%s): the %d looked at are %s once those are taken out, so every new URL adds an entry for good; %s",
		what, ex, m.sampled, routes, by)
}

// trackingParamRe names query parameters that tag where a visit came
// from and never change the page.
var trackingParamRe = lazyRE(`^(?:utm_\w+|fbclid|gclid|dclid|msclkid|mc_\w+|_ga|_gl|ref|referrer|source|campaign|cb|_|t|ts|nonce|trace\w*|request_?id)$`)

// maxKeptValues: a parameter with more distinct values than this in the
// sample is per visit, not a choice among a few pages.
const maxKeptValues = 8

// queryParams sorts the keys' query parameters: keep those with a few
// values each (variant=a|b, lang), drop tracking tags and ids; each list
// is sorted and at most 4 long.
func queryParams(keys []string) (keep, drop []string) {
	values := map[string]map[string]bool{}
	ids := map[string]bool{}
	for _, k := range keys {
		i := strings.IndexByte(k, '?')
		if i < 0 {
			continue
		}
		for _, kv := range strings.FieldsFunc(k[i+1:], func(r rune) bool { return r == '&' || r == ';' || r == '#' || r == ' ' }) {
			name, val, _ := strings.Cut(kv, "=")
			if name == "" || len(name) > 40 {
				continue
			}
			if values[name] == nil {
				if len(values) >= 64 {
					continue
				}
				values[name] = map[string]bool{}
			}
			if len(values[name]) <= maxKeptValues {
				values[name][val] = true
			}
			if idKind(val) != "" {
				ids[name] = true
			}
		}
	}
	for name, vs := range values {
		switch {
		case trackingParamRe.MatchString(name) || ids[name] || len(vs) > maxKeptValues:
			drop = append(drop, name)
		default:
			keep = append(keep, name)
		}
	}
	slices.Sort(keep)
	slices.Sort(drop)
	return keep[:min(len(keep), 4)], drop[:min(len(drop), 4)]
}
