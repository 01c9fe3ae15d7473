// Library caches created with a bound: the program hands a cache library
// its maximum (`lru(REPORT_CACHE_MAX)`, `new LRUCache({ max: 500 })`,
// `moize(fn, { maxSize: 3000 })`) and the library evicts past it. The
// trim is in node_modules, where every library writes it differently; the
// bound is in the program, at the statement that creates the cache. A
// cache still filling up to it grows like a leak, so the suspect is one
// only once it holds more than its maximum (or its maximum is unknown).

package leak

import (
	"bytes"
	"regexp"
	"strings"
)

// maxOptionRe is an option that caps a cache's entries, and its value.
// ttl, maxAge and the like bound time, not entries: they are left out.
var maxOptionRe = lazyRE(`(?:^|[{,\s])(max|maxSize|maxEntries|maxKeys|maxItems|maxLength|capacity|limit)\s*(?::\s*([^,}\n]+?)\s*(?:[,}\n]|$)|[,}])`)

// cacheCalleeRe: a call whose first argument is the maximum when it is a
// plain number or name (tiny-lru's lru(max), mnemonist's new LRUCache(n)).
// A ring's capacity may follow the array class it is built on (mnemonist's
// new CircularBuffer(Array, 500)).
var cacheCalleeRe = lazyRE(`(?i)(lru|cache|memo|ring|circular|buffer|deque)[\w$]*$`)

// libraryBound finds where the program creates the library object that
// owns h (a field or variable named h.OwnerName assigned a call or a new)
// and the maximum it passes; nil unless that maximum has a value.
func libraryBound(h *Holder, own []string, src Sources) *Trim {
	var t *Trim
	libraryCreations(h, own, src, func(callee, args string, at Statement, sc string) bool {
		bound, option := maxArgument(callee, args)
		if bound == "" {
			return false
		}
		limit := boundValue(bound, "", sc, own, src)
		if limit <= 0 {
			// new QuickLRU(options.fragments): the maximum is in
			// the options object kept under that name.
			bound, option, args, limit = optionsMaximum(bound, sc, own, src)
		}
		if limit <= 0 {
			return false
		}
		t = &Trim{At: at, Bound: bound, Limit: limit, Library: h.Package, Size: sizeBound(h.Package, option, args)}
		return true
	})
	return t
}

// sizeBound: the maximum caps the entries' total size as the library
// measures it, not their number: lru-cache's maxSize, summed over what
// its sizeCalculation (or each set's size) gives, and any maxSize next
// to a sizeCalculation. quick-lru's and moize's maxSize count entries.
func sizeBound(pkg, option, args string) bool {
	return option == "maxSize" && (pkg == "lru-cache" || strings.Contains(args, "sizeCalculation"))
}

// libraryCreations calls f with each statement of the program that
// creates the library object owning h (a field or variable named
// h.OwnerName assigned a call or a new): the callee, the call's
// arguments, the statement and its script, until f returns true. The
// program's own scripts are read first (another module of the folder may
// keep a cache of its own under the same name), and the first script
// that creates one is the only one read.
func libraryCreations(h *Holder, own []string, src Sources, f func(callee, args string, at Statement, script string) bool) {
	if h == nil || h.Package == "" || h.OwnerName == "" || src == nil || len(own) == 0 {
		return
	}
	name, ok := lastName(h.OwnerName)
	if !ok {
		return
	}
	create := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*[:=]\s*(?:await\s+)?(?:new\s+)?([A-Za-z_$][\w$.]*)\s*\(`)
	created, done := false, false
	scan := func(sc string, b []byte) bool {
		if libraryPackage(sc) != "" {
			return false
		}
		for _, m := range create.FindAllSubmatchIndex(b, -1) {
			start := bytes.LastIndexByte(b[:m[0]], '\n') + 1
			end := bytes.IndexByte(b[m[0]:], '\n')
			if end < 0 {
				end = len(b) - m[0]
			}
			line := b[start : m[0]+end]
			if commentBefore(line, m[0]-start) {
				continue
			}
			args, ok := callArguments(b[m[1]:])
			if !ok {
				continue
			}
			created = true
			at := *statementAt(sc, b, m[0])
			if f(string(b[m[2]:m[3]]), args, at, sc) {
				done = true
				return true
			}
		}
		return created
	}
	eachScript(own, false, src, scan)
	if !done && !created {
		eachScript(siblingScripts(own, src), false, src, scan)
	}
}

// optionsMaximum reads the maximum in the object literal the scripts
// assign to arg's last name (fragments: { maxSize: 8000 }): its value,
// the option's name and the literal's text; -1 when there is none.
func optionsMaximum(arg, script string, own []string, src Sources) (bound, option, body string, limit int) {
	m := boundIdentRe.FindStringSubmatch(arg)
	if m == nil {
		return "", "", "", -1
	}
	obj := regexp.MustCompile(`\b` + regexp.QuoteMeta(m[1]) + `\s*[:=]\s*\{`)
	limit = -1
	eachScript(append([]string{script}, own...), true, src, func(sc string, b []byte) bool {
		for _, at := range obj.FindAllIndex(b, -1) {
			text, ok := callArguments(b[at[1]:])
			if !ok {
				continue
			}
			if v, name := maxOption(text); v != "" {
				if n := boundValue(v, "", sc, own, src); n > 0 {
					bound, option, body, limit = v, name, text, n
					return true
				}
			}
		}
		return false
	})
	return bound, option, body, limit
}

// maxOption is the value and name of the option among args that caps a
// cache's entries ("" when none has a value). A count (max) is preferred
// to a size when both are given: it is the one entries are compared with.
func maxOption(args string) (value, name string) {
	for _, o := range maxOptionRe.FindAllStringSubmatch(args, -1) {
		if o[2] == "" {
			continue
		}
		if value == "" || o[1] == "max" && name != "max" {
			value, name = strings.TrimSpace(o[2]), o[1]
		}
	}
	return value, name
}

// callArguments is the text of a call's arguments, b starting just after
// its opening parenthesis, up to the matching one (at most a few lines).
func callArguments(b []byte) (string, bool) { return callArgumentsWithin(b, 600) }

// callArgumentsWithin is callArguments reading at most limit bytes (a
// factory's call whose first argument is a whole function).
func callArgumentsWithin(b []byte, limit int) (string, bool) {
	depth := 1
	for i := 0; i < len(b) && i < limit; i++ {
		switch b[i] {
		case '(', '{', '[':
			depth++
		case ')', '}', ']':
			depth--
			if depth == 0 {
				return string(b[:i]), true
			}
		}
	}
	return "", false
}

// maxArgument is the maximum among a cache's creation arguments and the
// option that gives it: an option that caps its entries, else, for a
// cache-named callee, a first argument that is a number or a name.
func maxArgument(callee, args string) (value, option string) {
	if v, name := maxOption(args); v != "" {
		return v, name
	}
	if m := maxOptionRe.FindStringSubmatch(args); m != nil {
		return m[1], m[1] // shorthand { max }
	}
	if !cacheCalleeRe.MatchString(callee) {
		return "", ""
	}
	for _, a := range strings.Split(args, ",") {
		a = strings.TrimSpace(a)
		if slotClassRe.MatchString(a) {
			continue // the class of its slots (Array, Float64Array)
		}
		if boundLiteralRe.MatchString(a) || boundIdentRe.MatchString(a) && !strings.ContainsAny(a, " ({[") {
			return a, ""
		}
		return "", ""
	}
	return "", ""
}

// slotClassRe: a constructor's name passed as an argument (Array,
// Uint8Array), not a constant (MAX_ITEMS).
var slotClassRe = lazyRE(`^[A-Z][a-z][\w$]*$`)
