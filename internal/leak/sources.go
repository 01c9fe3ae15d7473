// Sources: how the program's scripts are read, by the names the snapshot
// gives them (a path or a file: URL), from this machine's files, with
// their folders' other scripts and, for built code, the original sources
// a source map names.

package leak

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

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
	// inside: Library is only where the library keeps what the call
	// hands it (a cache's set), shown for the reader; the call is not a
	// registration to make once (it is the library's normal use).
	inside bool
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
