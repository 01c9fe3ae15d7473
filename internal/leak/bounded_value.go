// The value of a bound, read from the program's source: a literal, a
// constant, a default, an option, a setting's default, a constructor's
// argument, in the script that uses it, its folder or the folder above
// (a config module). Shared by trims, library caches and creation caps.

package leak

import (
	"bytes"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// eachScript calls f with the text of each script, then (with siblings)
// of the other scripts of their folders, until f returns true.
func eachScript(scripts []string, siblings bool, src Sources, f func(script string, b []byte) bool) {
	seen := map[string]bool{}
	try := func(list []string) bool {
		for _, sc := range list {
			if seen[sc] {
				continue
			}
			seen[sc] = true
			if b, ok := src.Read(sc); ok && f(sc, b) {
				return true
			}
		}
		return false
	}
	if try(scripts) || !siblings {
		return
	}
	for _, sc := range scripts {
		if try(src.Siblings(sc)) {
			return
		}
	}
}

// siblingScripts are the other scripts of the folders of scripts.
func siblingScripts(scripts []string, src Sources) []string {
	var out []string
	for _, sc := range scripts {
		for _, o := range src.Siblings(sc) {
			if !slices.Contains(scripts, o) && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

var (
	// A number, or a product of numbers (8 * 1024 * 1024): sizes are
	// written that way more often than as one literal.
	boundLiteralRe = lazyRE(`^\d[\d_]*(?:\s*\*\s*\d[\d_]*)*$`)
	boundIdentRe   = lazyRE(`([A-Za-z_$][\w$]*)\s*(?:-\s*1)?$`)
)

// boundValue is the value of a trim's bound: a literal, or the largest
// number the source assigns to its last name (const MAX = 300, a
// parameter's default windowSize = 300, an option { max: 300 }, a
// fallback max ?? 300), following one assignment from another name
// (this.limit = opts.maxEntries); -1 when there is none.
func boundValue(bound, owner, script string, own []string, src Sources) int {
	if boundLiteralRe.MatchString(bound) {
		return atoiBound(bound)
	}
	m := boundIdentRe.FindStringSubmatch(bound)
	if m == nil {
		return -1
	}
	scripts := append([]string{script}, own...)
	v, from := assignedValue(m[1], scripts, src)
	names := append([]string{m[1]}, from...)
	if o := optionArgument(m[1], owner, scripts, nil, src); o >= 0 {
		// An option with a default ({ max = 500 } = {}): what the
		// callers pass (createCache({ max: 400 })) is the bound; the
		// default is only what one that passes nothing gets.
		return o
	}
	if owner != "" {
		// A constructor parameter of that name (constructor(max) {
		// this.max = max }): what `new Owner(1500)` passes, not the
		// largest number assigned anywhere to a name that is also
		// used for something else (return { max: ip }).
		if c := constructorArgument(owner, names[:1], scripts, src); c >= 0 {
			return c
		}
	}
	for _, o := range from {
		if w, _ := assignedValue(o, scripts, src); w > v {
			v = w
		}
	}
	if v < 0 && owner != "" {
		v = constructorArgument(owner, names, scripts, src)
	}
	if v < 0 {
		v = configValue(names, scripts, src)
	}
	return v
}

// constructorArgument is the largest number passed to `new owner(...)` in
// the place of a constructor parameter called one of names (new
// QuoteCache(5000, 60000) for constructor(maxEntries, ttlMs)), -1 for none.
func constructorArgument(owner string, names []string, scripts []string, src Sources) int {
	pos := -1
	eachScript(scripts, true, src, func(_ string, b []byte) bool {
		lines := bytes.Split(b, []byte("\n"))
		from, to, ok := classBody(lines, owner)
		if !ok {
			return false
		}
		for _, line := range lines[from:to] {
			if m := constructorRe.FindSubmatch(line); m != nil {
				for i, p := range strings.Split(string(m[1]), ",") {
					if slices.Contains(names, strings.TrimSpace(p)) {
						pos = i
					}
				}
				return true
			}
		}
		return false
	})
	if pos < 0 {
		return -1
	}
	call := regexp.MustCompile(`\bnew\s+` + regexp.QuoteMeta(owner) + `\s*\(([^()]*)\)`)
	best := -1
	eachScript(scripts, true, src, func(_ string, b []byte) bool {
		for _, m := range call.FindAllSubmatch(b, -1) {
			args := strings.Split(string(m[1]), ",")
			if pos < len(args) {
				arg := strings.TrimSpace(args[pos])
				v := atoiBound(arg)
				if m := boundIdentRe.FindStringSubmatch(arg); v < 0 && m != nil {
					// new AuditTrail(settings.auditHistory): the
					// value assigned to that name.
					v, _ = assignedValue(m[1], scripts, src)
				}
				if v > best {
					best = v
				}
			}
		}
		return false
	})
	return best
}

var constructorRe = lazyRE(`\bconstructor\s*\(([^(){}=]*)\)`)

// optionsParamRe is a function head that takes its options as a
// destructured object: the function's name (or constructor), the fields.
var optionsParamRe = lazyRE(`(?:\bfunction\s*([A-Za-z_$][\w$]*)|\b(constructor)|\b([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?)\s*\(\s*\{([^{}()]*)\}`)

// optionArgument is the largest value the program's calls pass for option
// name of the function that takes it destructured ({ max = 500, ttlMs }):
// createTtlCache({ max: 400 }), new LRUCache({ max: cacheMax }) for a
// constructor of owner; -1 when no call passes it. The function is looked
// for in scripts and their folders, the calls there and in files (every
// script of the program, when known: a caller in another folder).
func optionArgument(name, owner string, scripts, files []string, src Sources) int {
	field := regexp.MustCompile(`(?:^|[\s,])` + regexp.QuoteMeta(name) + `\s*(?:[=,]|$)`)
	callee := ""
	eachScript(scripts, true, src, func(_ string, b []byte) bool {
		for _, m := range optionsParamRe.FindAllSubmatch(b, -1) {
			if !field.Match(m[4]) {
				continue
			}
			switch {
			case len(m[1]) > 0:
				callee = regexp.QuoteMeta(string(m[1]))
			case len(m[2]) > 0 && owner != "":
				callee = `new\s+` + regexp.QuoteMeta(owner)
			case len(m[3]) > 0:
				callee = regexp.QuoteMeta(string(m[3]))
			}
			if callee != "" {
				return true
			}
		}
		return false
	})
	if callee == "" {
		return -1
	}
	call := regexp.MustCompile(`\b` + callee + `\s*\(\s*\{([^{}()]*)\}`)
	passed := regexp.MustCompile(`(?:^|[\s,])` + regexp.QuoteMeta(name) + `\s*(?::\s*([\w$.]+))?\s*(?:,|$)`)
	best := -1
	for _, sc := range programScripts(append(append(slices.Clone(scripts), siblingsOf(parentScripts(scripts, src), src)...), files...), src) {
		b, ok := src.Read(sc)
		if !ok {
			continue
		}
		for _, m := range call.FindAllSubmatch(b, -1) {
			a := passed.FindSubmatch(m[1])
			if a == nil {
				continue
			}
			v := -1
			if len(a[1]) == 0 { // { max }: the caller's variable
				v, _ = assignedValue(name, []string{sc}, src)
			} else if v = atoiBound(string(a[1])); v < 0 {
				if im := boundIdentRe.FindSubmatch(a[1]); im != nil {
					v, _ = assignedValue(string(im[1]), []string{sc}, src)
				}
			}
			best = max(best, v)
		}
	}
	return best
}

// assignedValue is the largest number the scripts assign to name, or
// failing that the other scripts of their folders, or of the folders above
// them (a config module), -1 for none, and the names it is assigned from.
func assignedValue(name string, scripts []string, src Sources) (int, []string) {
	n := regexp.QuoteMeta(name)
	// A literal, after a fallback (?? 300, || 300) or as the last
	// argument of a call that reads a setting with a default
	// (int('AUDIT_HISTORY', 20_000)).
	num := regexp.MustCompile(`\b` + n + `\s*(?::|=)(?:[^=>;,}\n]*?(?:\?\?|\|\|))?\s*(\d[\d_]*(?:\s*\*\s*\d[\d_]*)*)\b(?:\s*[,;)}\n]|\s*$)|\b` + n + `\s*[:=]\s*[\w$.]+\s*\([^()\n]*,\s*(\d[\d_]*)\s*\)`)
	ref := regexp.MustCompile(`\b` + n + `\s*[:=]\s*(?:[A-Za-z_$][\w$]*\s*\.\s*)*([A-Za-z_$][\w$]*)\s*(?:[,;)}]|$)`)
	best := -1
	var from []string
	scan := func(_ string, b []byte) bool {
		for _, line := range bytes.Split(b, []byte("\n")) {
			for _, sm := range num.FindAllSubmatchIndex(line, -1) {
				if commentBefore(line, sm[0]) {
					continue
				}
				g := 2
				if sm[2] < 0 {
					g = 4 // the call's default
				}
				if v := atoiBound(string(line[sm[g]:sm[g+1]])); v > best {
					best = v
				}
			}
			for _, sm := range ref.FindAllSubmatchIndex(line, -1) {
				o := string(line[sm[2]:sm[3]])
				if o != name && len(from) < 4 && !commentBefore(line, sm[0]) && !slices.Contains(from, o) {
					from = append(from, o)
				}
			}
		}
		return false
	}
	eachScript(scripts, false, src, scan)
	if best < 0 {
		eachScript(scripts, true, src, scan)
	}
	if best < 0 {
		// A config module one folder up (src/config.js for
		// src/pricing/quote-cache.js).
		eachScript(parentScripts(scripts, src), false, src, scan)
	}
	return best, from
}

// parentScripts are the scripts of the folders above scripts' folders.
func parentScripts(scripts []string, src Sources) []string {
	var out []string
	for _, sc := range scripts {
		i := strings.LastIndexAny(sc, `/\`)
		if i <= 0 {
			continue
		}
		j := strings.LastIndexAny(sc[:i], `/\`)
		if j < 0 || strings.HasSuffix(sc[:i], "node_modules") {
			continue
		}
		// Siblings of a file name in the folder above lists that folder.
		for _, o := range src.Siblings(sc[:j+1] + sc[i+1:]) {
			if !slices.Contains(out, o) && !slices.Contains(scripts, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// atoiBound is the value of a bound written as a number or a product of
// numbers (10_000, 8 * 1024 * 1024); -1 when it is neither.
func atoiBound(s string) int {
	v := 1
	for _, f := range strings.Split(s, "*") {
		x, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(f), "_", ""))
		if err != nil || x < 0 || x > 0 && v > math.MaxInt32/x {
			return -1 // not a number, or past any bound a heap could reach
		}
		v *= x
	}
	return v
}

// instanceCall is the program's call that makes the function or object
// kept as madeAs (const quote = memoize(…), const replays = new
// TtlStore(…)) and the text of its arguments (at most 8 KiB of them).
func instanceCall(madeAs string, files func() []string, src Sources) (made *Statement, args string, ok bool) {
	call := regexp.MustCompile(`\b` + regexp.QuoteMeta(madeAs) + `\s*=\s*(?:await\s+)?(?:new\s+)?[A-Za-z_$][\w$.]*\s*\(`)
	for _, sc := range files() {
		sb, ok := src.Read(sc)
		if !ok {
			continue
		}
		m := call.FindIndex(sb)
		if m == nil {
			continue
		}
		args, ok := callArgumentsWithin(sb[m[1]:], 8<<10)
		if !ok {
			return nil, "", false
		}
		return statementAt(sc, sb, m[0]), args, true
	}
	return nil, "", false
}

// instanceOption is the bound a factory's collection has when the trim's
// bound is an option the factory takes with a default (function
// memoize(fn, { max = Infinity } = {})) and the holder is the property of
// a function it made that the program keeps (orderSchema.cache): the
// value the call that made it passes, else the default; -1 for none
// (Infinity). made is that call. ok is false when this does not apply or
// the value is not a number.
func instanceOption(h *Holder, t *Trim, files func() []string, src Sources) (v int, made *Statement, ok bool) {
	if h == nil || h.madeAs == "" || files == nil || !identRe.MatchString(t.Bound) || !identRe.MatchString(h.madeAs) {
		return 0, nil, false
	}
	b, found := src.Read(t.At.Script)
	if !found {
		return 0, nil, false
	}
	// A destructured option's default: { key = …, max = Infinity }.
	def := regexp.MustCompile(`[{,]\s*` + regexp.QuoteMeta(t.Bound) + `\s*=\s*([^,}\n)]+?)\s*[,}]`).FindSubmatch(b)
	if def == nil {
		return 0, nil, false
	}
	option := regexp.MustCompile(`(?:^|[{,\s])` + regexp.QuoteMeta(t.Bound) + `\s*:\s*([^,}\n]+)`)
	value := ""
	made, args, ok := instanceCall(h.madeAs, files, src)
	if !ok {
		return 0, nil, false
	}
	if o := option.FindStringSubmatch(args); o != nil {
		value = strings.TrimSpace(o[1])
	}
	if value == "" {
		value = strings.TrimSpace(string(def[1]))
	}
	if n := atoiBound(value); n >= 0 {
		return n, made, true
	}
	if value == "Infinity" || value == "Number.POSITIVE_INFINITY" {
		return -1, made, true
	}
	return 0, nil, false
}
