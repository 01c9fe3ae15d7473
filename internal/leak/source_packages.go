// Calls into a package: the program's calls by the name it imports the
// package as (Mustache.render(…), pug.render(…)), where the entries of a
// cache the package keeps in its own module come from.

package leak

import (
	"regexp"
	"strings"
)

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

// builtArgRe: a call's first argument built in place: another call's
// result or a template literal.
var builtArgRe = lazyRE("^\\s*(?:[A-Za-z_$][\\w$.]*\\s*\\(|`)")

// packageCaller is added, the library's own add to its module object
// (mustache's defaultWriter, which the program never names), under the
// program's call into the package (Mustache.render(…)); added itself when
// there is none.
func packageCaller(added *Statement, files []string, src Sources) *Statement {
	if added == nil || added.Library != nil || programScript(added.Script) || src == nil {
		return added
	}
	if call := importedPackageCall(libraryPackage(added.Script), files, src); call != nil {
		call.Library = added
		return call
	}
	return added
}

// importedPackageCall is the program's call into package pkg by the name
// it imports it as (const Mustache = require('mustache'); import * as
// Mustache from 'mustache'): the one a request makes (deepest), not a
// setup line's; nil when the program does not import it by a name.
func importedPackageCall(pkg string, own []string, src Sources) *Statement {
	if pkg == "" {
		return nil
	}
	p := regexp.QuoteMeta(pkg)
	imp := regexp.MustCompile(`\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*require\s*\(\s*['"]` + p + `['"]\s*\)|\bimport\s+(?:\*\s+as\s+)?([A-Za-z_$][\w$]*)\s+from\s+['"]` + p + `['"]`)
	scripts := programScripts(own, src)
	for _, sc := range scripts {
		b, ok := src.Read(sc)
		if !ok {
			continue
		}
		m := imp.FindSubmatch(b)
		if m == nil {
			continue
		}
		name := regexp.QuoteMeta(string(m[1]) + string(m[2]))
		// A package's cache is keyed by what the call is given: a
		// call whose first argument is built right there (a function's
		// result, a template literal) comes first.
		built := func(lines [][]byte, i int, loc []int) bool {
			return builtArgRe.Match(lines[i][loc[1]:])
		}
		// (Not a property of that name: req.session.destroy() is no
		// call into express-session.)
		if st := deepestCallPreferring(regexp.MustCompile(`(?:^|[^\w$.])`+name+`\s*\.\s*[A-Za-z_$][\w$]*\s*\(`), nil, scripts, src, built); st != nil {
			return st
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
