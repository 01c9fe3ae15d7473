// Source lines: a heap snapshot knows where functions start, never which
// statement added an entry to a collection. When the program's scripts are
// at hand (the analysis runs where the program ran), the statement that
// adds to the suspect's collection is looked up in them: `pending.set(`
// for the program's own Map, `orderLoader.load(` for a DataLoader kept in
// the variable orderLoader. It is a text search, so it is only offered as
// "added at", beside the code location the heap gives.

package leak

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/leakhound/leakhound/internal/sourcemap"
)

// Statement is a line of the program's source.
type Statement struct {
	Script string `json:"script"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
	Text   string `json:"text"`
	// Others is how many more lines match (the first is shown).
	Others int `json:"others,omitempty"`
	// Library is the library's own statement that adds, when this one is
	// the program's call into it (app.use(...) → this.stack.push(layer)).
	Library *Statement `json:"library,omitempty"`
	// lookup: a compiling call behind a lookup of what was compiled
	// (getSchema(id) || compile(...)): it compiles again only for a key
	// not seen before.
	lookup bool
}

// Sources reads the program's scripts by the names the snapshot gives them.
type Sources interface {
	// Read returns the script's text, false when it cannot be read.
	Read(script string) ([]byte, bool)
	// Siblings names the other scripts in the script's folder.
	Siblings(script string) []string
}

// Limits of LocalSources: what a program's own source files look like.
const (
	maxSourceBytes    = 1 << 20
	maxSiblingScripts = 200
)

// LocalSources reads scripts from this machine's files: a path or a
// file: URL, a JavaScript or TypeScript file of at most 1 MiB. What it
// read is kept (up to 64 MiB) for the other suspects of the analysis.
// Built scripts are told in their original sources when a source map is
// beside them (SourceMaps).
func LocalSources() Sources { return &localSources{read: map[string][]byte{}} }

// LocalSourcesUnder is LocalSources that reads a source map only where
// allow says (a server that reads files under its roots only).
func LocalSourcesUnder(allow func(path string) bool) Sources {
	return &localSources{read: map[string][]byte{}, allow: allow}
}

const maxSourceCache = 64 << 20

type localSources struct {
	mu    sync.Mutex
	read  map[string][]byte // nil: could not be read
	bytes int
	allow func(path string) bool // nil: any map file

	maps     map[string]*sourcemap.Map // per built script; nil: it has none
	origins  map[string]origin         // original sources whose text a map carries
	mapBytes int                       // the maps' memory (Map.Bytes)
}

// ScriptPath is the file of a script named by a path or a file: URL, when
// it is an absolute path to a JavaScript or TypeScript file.
func ScriptPath(script string) (string, bool) {
	p := script
	if strings.HasPrefix(p, "file://") {
		u, err := url.Parse(p)
		if err != nil {
			return "", false
		}
		p = filepath.FromSlash(u.Path)
		if len(p) > 2 && p[0] == '\\' && p[2] == ':' {
			p = p[1:] // file:///C:/app/x.js on Windows
		}
	}
	if !filepath.IsAbs(p) || !sourceExt(p) {
		return "", false
	}
	return p, true
}

func sourceExt(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".js", ".cjs", ".mjs", ".ts", ".cts", ".mts", ".jsx", ".tsx":
		return true
	}
	return false
}

func (l *localSources) Read(script string) ([]byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.read[script]; ok {
		return b, b != nil
	}
	b, ok := readSource(ScriptPath(script))
	if !ok {
		b, ok = l.mappedContent(script)
	}
	if l.bytes+len(b) <= maxSourceCache {
		l.read[script] = b
		l.bytes += len(b)
	}
	return b, ok
}

func readSource(p string, ok bool) ([]byte, bool) {
	if !ok {
		return nil, false
	}
	st, err := os.Stat(p)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxSourceBytes {
		return nil, false
	}
	b, err := os.ReadFile(p)
	if err != nil || len(b) > maxSourceBytes {
		return nil, false
	}
	return b, true
}

func (l *localSources) Siblings(script string) []string {
	p, ok := ScriptPath(script)
	if !ok {
		return nil
	}
	ents, err := os.ReadDir(filepath.Dir(p))
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if len(out) == maxSiblingScripts {
			break
		}
		if e.Type().IsRegular() && sourceExt(e.Name()) {
			out = append(out, sameSpelling(script, filepath.Join(filepath.Dir(p), e.Name())))
		}
	}
	return out
}

// sameSpelling is path p spelled as script is: a file: URL for an ES
// module's (V8 names those by URL), else the path. One file then has one
// name in every list of scripts, and is read and counted once.
func sameSpelling(script, p string) string {
	if !strings.HasPrefix(script, "file://") {
		return p
	}
	slash := filepath.ToSlash(p)
	if !strings.HasPrefix(slash, "/") {
		slash = "/" + slash // C:/app/x.js on Windows
	}
	return (&url.URL{Scheme: "file", Path: slash}).String()
}

// libraryAdds: per npm package, the methods through which the program adds
// to the package's collection (called on the variable that keeps it).
var libraryAdds = map[string]string{
	"lru-cache":   "set",
	"quick-lru":   "set",
	"tiny-lru":    "set",
	"lru.min":     "set",
	"node-cache":  "set|mset",
	"dataloader":  "load|loadMany|prime",
	"ajv":         "compile|addSchema|validate",
	"prom-client": "labels|inc|observe|set|startTimer",
	"keyv":        "set",
	"rxjs":        "next",
	// A router's stack: routes and middleware, registered by path.
	"router":  routeVerbs,
	"express": routeVerbs,
}

// routeVerbs are the methods that register a route or a middleware on an
// express app or router.
const routeVerbs = "use|all|route|get|post|put|patch|delete|head|options"

// libraryFieldAdds: where one field of a package's object is added to
// otherwise than the package's other collections: a Subject's subscribers
// by subscribe(), its buffer (libraryAdds) by next().
var libraryFieldAdds = map[string]string{
	"rxjs.observers":        "subscribe",
	"rxjs.currentObservers": "subscribe",
}

var identRe = lazyRE(`^[A-Za-z_$][\w$]*$`)

// addsPattern is what a statement adding to h's collection looks like, nil
// when there is nothing specific enough to look for.
func addsPattern(h *Holder) *regexp.Regexp {
	if h == nil {
		return nil
	}
	if h.Package != "" && h.moduleScript == "" {
		// The program adds through the library's object (cache.set).
		verbs, ok := libraryAdds[h.Package]
		if field, _ := fieldName(h); libraryFieldAdds[h.Package+"."+field] != "" {
			verbs, ok = libraryFieldAdds[h.Package+"."+field], true
		}
		if !ok || !identRe.MatchString(h.OwnerName) {
			return nil
		}
		names := regexp.QuoteMeta(h.OwnerName)
		for _, n := range h.alsoNames {
			if n != h.OwnerName {
				names += "|" + regexp.QuoteMeta(n)
			}
		}
		return regexp.MustCompile(`\b(?:` + names + `)\s*\.\s*(?:` + verbs + `)\s*\(`)
	}
	if !identRe.MatchString(h.Name) {
		return nil // a dotted name (store.entries) is the library's to add to
	}
	return nameAdds(h)
}

// nameAdds matches a statement adding to the collection by its own name
// (the last part of a dotted one: store.entries is added to as entries):
// sessions.set(, this.queue.push(, hashMap[key] =.
func nameAdds(h *Holder) *regexp.Regexp { return nameAddsOf(h, true) }

// nameAddsOf is nameAdds, with an Array's slots assigned by index
// (records[i] = …) counted as additions only when index is set: in a
// library's code that is as often an update in place (a store's
// update(doc): this.data[pos] = doc) as an addition.
func nameAddsOf(h *Holder, index bool) *regexp.Regexp {
	name, ok := fieldName(h)
	if !ok {
		return nil
	}
	n := `\b` + regexp.QuoteMeta(name)
	if parts := strings.Split(h.Name, "."); len(parts) >= 2 && identRe.MatchString(parts[len(parts)-2]) {
		// Reached by a computed key too: this.hooks[name].push(fn)
		// fills hooks.onResponse.
		n = `(?:` + n + `|\b` + regexp.QuoteMeta(parts[len(parts)-2]) + `\s*\[[^\]]+\])`
	}
	switch h.Kind {
	case "Map", "WeakMap":
		return regexp.MustCompile(n + `\s*\.\s*set\s*\(`)
	case "Set", "WeakSet":
		return regexp.MustCompile(n + `\s*\.\s*add\s*\(`)
	case "Array":
		// (A splice adds only with a third argument: splice(i, 1)
		// takes out.)
		if !index {
			return regexp.MustCompile(n + `\s*\.\s*(?:(?:push|unshift)\s*\(|splice\s*\([^,()]*,[^,()]*,)`)
		}
		// Or filled by index (records[i] = {...}): "=" as for a dictionary.
		return regexp.MustCompile(n + `(?:\s*\.\s*(?:(?:push|unshift)\s*\(|splice\s*\([^,()]*,[^,()]*,)|\s*\[[^\]]+\]\s*=(?:[^=>]|$))`)
	case "dictionary":
		// "=" but not "==" or "=>"; at the end of a line, the value is on the next.
		return regexp.MustCompile(n + `\s*\[[^\]]+\]\s*=(?:[^=>]|$)`)
	}
	return nil
}

// fieldName is the name code uses for the collection: the last part of a
// dotted holder name (store.entries is this.entries in the store's code).
func fieldName(h *Holder) (string, bool) {
	name := h.Name
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return name, identRe.MatchString(name)
}

// addedAt looks for the statement that adds to the suspect's collection in
// its own scripts first (where its code and path are), then in the other
// scripts of their folders.
//
// When the entries are closures of one named function (class "check()")
// and nothing adds to the collection in the program's own code (a
// library's list of subscribers), the statement is the one that hands
// that function to a registration call: store.subscribe(check).
//
// Entries waiting in a Writable's buffer (path through its WritableState)
// were added by writing to that stream: feed.write(entry). Reactions piling
// up on one pending promise were added by racing against it or awaiting
// it: Promise.race([work, shutdown]). Entries a package keeps in its own
// module were added by calling it: pug.render(...).
func addedAt(h *Holder, class string, path []PathStep, own []string, src Sources) *Statement {
	if src == nil || len(own) == 0 && (h == nil || h.libScript == "") {
		return nil
	}
	adds := addsPattern(h)
	if st := findStatementWhere(adds, own, src, func(sc string, line int) bool { return inFunction(sc, line, src) }); st != nil {
		// A module's top level runs once: what grows is added by code
		// that runs again (router.post in a handler, not beside it).
		return st
	}
	if st := findStatement(adds, own, src); st != nil {
		return st
	}
	if st := findStatement(pipePattern(h, path), own, src); st != nil {
		return st
	}
	if st := valueAdds(h, own, src); st != nil {
		return st
	}
	if st := findStatement(writesPattern(path), own, src); st != nil {
		return st
	}
	if st := findStatement(reactsPattern(path), own, src); st != nil {
		return st
	}
	if st := findRegistration(class, own, src); st != nil {
		return st
	}
	if st := findStatement(timerPattern(path), own, src); st != nil {
		return st
	}
	if h != nil && h.libScript != "" {
		// A library's object whose own code fills its field
		// (this.openSpans.add(span)): that statement, in its package.
		// A library's own push first; its slots assigned by index only
		// when it has none (a ring buffer's deque).
		st := findStatement(nameAddsOf(h, false), []string{h.libScript}, src)
		if st == nil {
			st = findStatement(nameAdds(h), []string{h.libScript}, src)
		}
		if st != nil {
			if call := programCall(h, st, own, src); call != nil {
				return call
			}
			if call := wrapperCall(h, own, src); call != nil {
				call.Library = st
				return call
			}
			return st
		}
	}
	// Of the calls into the package, the one a request makes (deepest,
	// not in a constructor) rather than the first.
	re := packageCallPattern(path, own, src)
	if re == nil {
		return nil
	}
	if st := deepestCall(re, nil, own, src); st != nil {
		return st
	}
	return findStatement(re, own, src)
}

// valueAdds is the statement that adds to a collection kept as a value of
// a Map or dictionary (h.ValueOf): in a script that takes the value into a
// variable (const list = this.byCarrier.get(carrier)), that variable's
// push, unshift, set or add after it.
func valueAdds(h *Holder, own []string, src Sources) *Statement {
	if h == nil || !identRe.MatchString(h.ValueOf) {
		return nil
	}
	take := regexp.MustCompile(`\b([A-Za-z_$][\w$]*)\s*=\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(h.ValueOf) + `\s*(?:\.\s*get\s*\(|\[)`)
	var found *Statement
	matchLines(take, own, src, func(sc string, lines [][]byte, i int, loc []int) {
		if found != nil {
			return
		}
		m := take.FindSubmatch(lines[i])
		add := regexp.MustCompile(`\b` + regexp.QuoteMeta(string(m[1])) + `\s*\.\s*(?:push|unshift|set|add)\s*\(`)
		for k := i; k < len(lines) && k < i+12; k++ {
			if loc := add.FindIndex(lines[k]); loc != nil && !commentBefore(lines[k], loc[0]) {
				found = &Statement{Script: sc, Line: k + 1, Column: loc[0] + 1, Text: clipLine(lines[k])}
				return
			}
		}
	})
	return found
}

// packageCallPattern matches a call into the npm package whose module the
// path runs through, by the name the program imports it as: the entries
// of a cache the package keeps in its own module (pug's and ejs's template
// caches) are added by calling it, pug.render(...). The name nearest the
// leak that the suspect's scripts import from a package wins; nil when
// there is none.
func packageCallPattern(path []PathStep, own []string, src Sources) *regexp.Regexp {
	for i := len(path) - 1; i >= 0; i-- {
		name := path[i].Edge
		if et := path[i].EdgeType; et != "context" && et != "property" || !identRe.MatchString(name) {
			continue
		}
		for _, name := range bundledNames(name) {
			n := regexp.QuoteMeta(name)
			imp := regexp.MustCompile(`\b(?:const|let|var)\s+` + n + `\s*=\s*require\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+(?:\*\s+as\s+)?` + n + `\s+from\s+['"]([^'"]+)['"]`)
			for _, sc := range own {
				b, ok := src.Read(sc)
				if !ok {
					continue
				}
				if m := imp.FindSubmatch(b); m != nil && npmPackage(string(m[1])+string(m[2])) {
					return regexp.MustCompile(`\b` + n + `\s*\.\s*[A-Za-z_$][\w$]*\s*\(`)
				}
			}
		}
	}
	return nil
}

// bundledRenameRe is a name a bundler made unique by a suffix: esbuild's
// Hogan2 for the Hogan of one of several modules, rollup's Hogan$1.
var bundledRenameRe = lazyRE(`^([A-Za-z_$][\w$]*?[A-Za-z_])(?:\d+|\$\d+)$`)

// bundledNames is name, then the name the source gave it when a bundler
// renamed it (the heap of a bundle knows only the bundle's names).
func bundledNames(name string) []string {
	if m := bundledRenameRe.FindStringSubmatch(name); m != nil {
		return []string{name, m[1]}
	}
	return []string{name}
}

// npmPackage: an import specifier that names an installed package, not a
// relative file or one of node's own modules.
func npmPackage(spec string) bool {
	if spec == "" || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "node:") {
		return false
	}
	first, _, _ := strings.Cut(spec, "/")
	return !nodeBuiltins[first]
}

// nodeBuiltins are node's own modules, importable without "node:".
var nodeBuiltins = map[string]bool{
	"assert": true, "async_hooks": true, "buffer": true, "child_process": true, "cluster": true, "crypto": true,
	"dgram": true, "diagnostics_channel": true, "dns": true, "events": true, "fs": true, "http": true, "http2": true,
	"https": true, "inspector": true, "module": true, "net": true, "os": true, "path": true, "perf_hooks": true,
	"process": true, "querystring": true, "readline": true, "stream": true, "string_decoder": true, "timers": true,
	"tls": true, "tty": true, "url": true, "util": true, "v8": true, "vm": true, "worker_threads": true, "zlib": true,
}

// writesPattern matches a write to the stream whose WritableState is on
// path, by the name the program keeps the stream in; nil without one.
func writesPattern(path []PathStep) *regexp.Regexp {
	for i := len(path) - 1; i >= 1; i-- {
		if path[i].Class == "WritableState" {
			if name := path[i-1].Edge; identRe.MatchString(name) {
				return regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*\.\s*write\s*\(`)
			}
			return nil
		}
	}
	return nil
}

// reactsPattern matches a call that subscribes to the long-lived pending
// promise whose reactions pile up on path, by the name the program keeps
// it in: Promise.race([work, stopping]), await stopping, stopping.then(;
// nil without one.
func reactsPattern(path []PathStep) *regexp.Regexp {
	name, ok := reactionsOn(path)
	if !ok || !identRe.MatchString(name) {
		return nil
	}
	n := regexp.QuoteMeta(name)
	return regexp.MustCompile(`Promise\s*\.\s*(?:race|any|all|allSettled)\s*\([^;]*\b` + n + `\b|\bawait\s+(?:this\s*\.\s*)?` + n + `\b|\b` + n + `\s*\.\s*(?:then|catch|finally)\s*\(`)
}

// pipePattern matches the pipe() call into the destination whose
// listeners pile up (reqLog.pipe(auditSink, { end: false })), by the name
// the path reaches the destination by; nil unless they are pipe()'s.
func pipePattern(h *Holder, path []PathStep) *regexp.Regexp {
	if _, ok := pipedInto(&Suspect{Holder: h}); !ok {
		return nil
	}
	for _, st := range path {
		if st.ID == h.ID && identRe.MatchString(st.Edge) && (st.EdgeType == "property" || st.EdgeType == "context") {
			return regexp.MustCompile(`\.\s*pipe\s*\(\s*(?:this\s*\.\s*)?` + regexp.QuoteMeta(st.Edge) + `\b`)
		}
	}
	return nil
}

// timerPattern matches the call that starts the timer a path runs through
// (Timeout._onTimeout): setTimeout(this._beat.bind(this), 50) for a bound
// callback, setInterval(this.poll, 1000) or setInterval(poll for a named
// one; nil for an inline function (its own location is that call) or a
// path through no timer.
func timerPattern(path []PathStep) *regexp.Regexp {
	for i := len(path) - 1; i >= 0; i-- {
		st := path[i]
		if st.Edge != "_onTimeout" || st.Type != "closure" {
			continue
		}
		start := `\b(?:setTimeout|setInterval)\s*\(\s*`
		fn, bound := strings.CutPrefix(st.Name, "bound ") // V8 names a bound function after its target
		switch {
		case bound && identRe.MatchString(fn):
			return regexp.MustCompile(start + `(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(fn) + `\s*\.\s*bind\s*\(`)
		case st.Name == "native_bind":
			return regexp.MustCompile(start + `[^,;()]*\.\s*bind\s*\(`)
		case identRe.MatchString(st.Name):
			return regexp.MustCompile(start + `(?:[\w$]+\s*\.\s*)*` + regexp.QuoteMeta(st.Name) + `\s*[,)]`)
		}
		return nil
	}
	return nil
}

// registersPattern matches a call passing the function named by class
// ("check()") as an argument: x.subscribe(check), on('e', check); nil
// when class is not a named function.
func registersPattern(class string) *regexp.Regexp {
	name, ok := strings.CutSuffix(class, "()")
	if !ok || !identRe.MatchString(name) {
		return nil
	}
	return regexp.MustCompile(`\.\s*[A-Za-z_$][\w$]*\s*\(\s*(?:[^()]*,\s*)?` + regexp.QuoteMeta(name) + `\s*[,)]`)
}

// removalCallRe matches the start of a call that takes something out
// (.off(, .removeListener(, .unsubscribe().
var removalCallRe = lazyRE(`^\.\s*(?:` + removalVerbs + `)\s*\(`)

// findRegistration is the first call passing the function named by class
// as an argument (registersPattern) that is not its removal: a listener
// taken out before the line that adds it (an early worker.off(..., fn)
// inside fn) is not where it was added.
func findRegistration(class string, own []string, src Sources) *Statement {
	return firstStatement(registersPattern(class), own, src, nil, func(line []byte, loc []int) bool {
		return removalCallRe.Match(line[loc[0]:loc[1]])
	})
}

// findStatement looks for re in the scripts own, then in the other scripts
// of their folders.
func findStatement(re *regexp.Regexp, own []string, src Sources) *Statement {
	return findStatementWhere(re, own, src, nil)
}

// inFunction: line (1-based) of script is inside a function's body, not
// at a module's top level (in a loop there, say), which runs once when the
// module loads.
func inFunction(script string, line int, src Sources) bool {
	lines, ok := locationLines(&Location{Script: script, Line: line}, src)
	return ok && insideFunction(lines, line-1)
}

// findStatementWhere is findStatement taking only the lines keep accepts
// (script, 1-based line); nil keeps all.
func findStatementWhere(re *regexp.Regexp, own []string, src Sources, keep func(script string, line int) bool) *Statement {
	return firstStatement(re, own, src, keep, nil)
}

// firstStatement is findStatementWhere also passing over the matches skip
// rejects (by the line and the match), which do not count in Others.
func firstStatement(re *regexp.Regexp, own []string, src Sources, keep func(script string, line int) bool, skip func(line []byte, loc []int) bool) *Statement {
	var first *Statement
	n := 0
	matchStatements(re, own, src, keep, func(sc string, lines [][]byte, i int, loc []int) {
		if skip != nil && skip(lines[i], loc) {
			return
		}
		n++
		if first == nil {
			first = &Statement{Script: sc, Line: i + 1, Column: loc[0] + 1, Text: clipLine(lines[i])}
		}
	})
	if first != nil {
		first.Others = n - 1
	}
	return first
}

// matchStatements calls fn for every line matching re (that keep, when
// not nil, accepts) in the scripts own, each script once, or, when none
// matches there, in the other scripts of their folders.
func matchStatements(re *regexp.Regexp, own []string, src Sources, keep func(script string, line int) bool, fn func(script string, lines [][]byte, i int, loc []int)) {
	if re == nil {
		return
	}
	seen := map[string]bool{}
	search := func(scripts []string) int {
		var fresh []string
		for _, sc := range scripts {
			if !seen[sc] {
				seen[sc] = true
				fresh = append(fresh, sc)
			}
		}
		n := 0
		matchLines(re, fresh, src, func(sc string, lines [][]byte, i int, loc []int) {
			if keep == nil || keep(sc, i+1) {
				n++
				fn(sc, lines, i, loc)
			}
		})
		return n
	}
	if search(own) == 0 {
		search(siblingsOf(own, src))
	}
}

// programScripts are the scripts and those beside them (siblingsOf) that
// are the program's, not installed packages': where its calls are.
func programScripts(own []string, src Sources) []string {
	var scripts []string
	for _, sc := range append(slices.Clone(own), siblingsOf(own, src)...) {
		if !strings.Contains(sc, "/node_modules/") && !slices.Contains(scripts, sc) {
			scripts = append(scripts, sc)
		}
	}
	return scripts
}

// siblingsOf are the scripts beside the given ones (src.Siblings), each
// once: where a statement is looked for when the scripts themselves do
// not have it.
func siblingsOf(own []string, src Sources) []string {
	var sib []string
	for _, sc := range own {
		for _, o := range src.Siblings(sc) {
			if !slices.Contains(sib, o) {
				sib = append(sib, o)
			}
		}
	}
	return sib
}

// matchLines calls fn for each line of the scripts where re matches in
// code (not in a comment or a string), with the match's first position.
func matchLines(re *regexp.Regexp, scripts []string, src Sources, fn func(script string, lines [][]byte, i int, loc []int)) {
	for _, sc := range scripts {
		b, ok := src.Read(sc)
		if !ok {
			continue
		}
		lines := bytes.Split(b, []byte("\n"))
		for i, line := range lines {
			if loc := re.FindIndex(line); loc != nil && !commentBefore(line, loc[0]) && !clearingRe.Match(line[loc[0]:]) {
				fn(sc, lines, i, loc)
			}
		}
	}
}

// clearingRe: a slot set to nothing (list[i] = undefined, this._list[t] =
// void 0, byId[k] = null) takes an entry out; no search wants it as an
// addition.
var clearingRe = lazyRE(`^[\w$.\s]*\[[^\]]+\]\s*=\s*(?:undefined|null|void\s+0)\s*(?:[;,)]|$)`)

// callPrefix is a statement's call up to its "(" (inflight.delete(): what
// finds the same call on other lines; the statement itself when it has
// none.
func callPrefix(text string) string {
	t := strings.TrimSpace(text)
	if i := strings.IndexByte(t, '('); i > 0 {
		return t[:i+1]
	}
	return t
}

// commentLine: the line is a comment.
func commentLine(l []byte) bool {
	t := bytes.TrimSpace(l)
	return bytes.HasPrefix(t, []byte("//")) || bytes.HasPrefix(t, []byte("*")) || bytes.HasPrefix(t, []byte("/*"))
}

// commentBefore: the match at i is not code: it follows a // or an
// unclosed /* on its line, is inside a quoted string there, or the line
// continues a block comment (" * ..."). A // inside a string (a URL) is
// not a comment.
func commentBefore(line []byte, i int) bool {
	if bytes.HasPrefix(bytes.TrimSpace(line), []byte("*")) {
		return true
	}
	var quote byte // the open string's quote, 0 in code
	block := false
	for j := 0; j < i; j++ {
		c := line[j]
		switch {
		case block:
			if c == '*' && j+1 < i && line[j+1] == '/' {
				block = false
				j++
			}
		case quote != 0:
			if c == '\\' {
				j++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '/' && j+1 < len(line) && line[j+1] == '/':
			return true
		case c == '/' && j+1 < len(line) && line[j+1] == '*':
			block = true
			j++
		}
	}
	return block || quote != 0
}

// clipLine is the line without its indentation, at most 120 bytes.
func clipLine(line []byte) string {
	t := strings.TrimSpace(string(line))
	if len(t) > 120 {
		i := 117
		for i > 0 && !utf8.RuneStart(t[i]) {
			i--
		}
		t = t[:i] + "…"
	}
	return strings.ToValidUTF8(t, "?")
}

// programScripts are the program's scripts a suspect involves: its code
// location's, and those of the functions and the classes of the objects on
// its path (a variable's module, the class that keeps the collection).
func (x *explainer) programScripts(loc *Location, raw []rawStep) []string {
	var out []string
	add := func(l *Location) {
		if programLocation(l) && !slices.Contains(out, l.Script) {
			out = append(out, l.Script)
		}
	}
	add(loc)
	s := x.g.S
	for _, r := range raw {
		switch int(s.NodeType[r.node]) {
		case s.NodeTypeIndex.Closure:
			add(x.location(r.node))
		case s.NodeTypeIndex.Object:
			if x.userObject(r.node) {
				add(x.ctorLocation(r.node))
			}
		case s.NodeTypeIndex.Hidden:
			// An ES module on the way (its variables hold the rest):
			// its creations are in its script or the ones it imports.
			switch s.NodeNameString(r.node) {
			case "system / SourceTextModule":
				if url, ok := x.g.ESModuleURL(r.node); ok {
					add(&Location{Script: url})
				}
			case "system / Cell":
				// An ES module's variable, maybe imported: the module
				// that exports it (whose table of exports holds the
				// cell) is where it is made.
				for t := range x.g.Retainers(r.node) {
					for rec := range x.g.Retainers(t) {
						if s.NodeNameString(rec) == "system / SourceTextModule" {
							if url, ok := x.g.ESModuleURL(rec); ok {
								add(&Location{Script: url})
							}
						}
					}
				}
			}
		}
	}
	return out
}

// newPattern matches the creation of an object of class class (new
// Environment(, new nunjucks.Environment(); nil for a class the source
// cannot spell.
func newPattern(class string) *regexp.Regexp {
	if !identRe.MatchString(class) {
		return nil
	}
	return regexp.MustCompile(`\bnew\s+(?:[A-Za-z_$][\w$]*\s*\.\s*)*` + regexp.QuoteMeta(class) + `\s*\(`)
}
