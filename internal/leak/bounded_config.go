// Bounds kept in configuration files: a service reads its limits from
// config/feed.json or settings.yaml and hands them to the code that trims
// (new FeedStore(config.feed), then this.maxItems = maxItemsPerAccount).
// When no script assigns the bound a number, the program's configuration
// files near its scripts may: a key spelled exactly like the bound's name,
// or like a name it was assigned from, with an integer value. A key spelled
// otherwise (max-events for maxEvents) is not the one the code reads, so
// it is never taken: a trim against a setting that is not there never
// fires.

package leak

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ConfigSources is what a Sources may also offer: the program's
// configuration files near a script.
type ConfigSources interface {
	// Configs names the configuration files (JSON, YAML, TOML) in the
	// script's folder and the folder above, and in a config folder of
	// either.
	Configs(script string) []string
	// ReadConfig returns one of them, false when it cannot be read.
	ReadConfig(path string) ([]byte, bool)
}

// Limits of a program's configuration files.
const (
	maxConfigFiles = 50
	maxConfigBytes = 256 << 10
)

// configValue is the largest integer the configuration files near scripts
// give a key spelled as one of names; -1 for none.
func configValue(names, scripts []string, src Sources) int {
	cs, ok := src.(ConfigSources)
	if !ok || len(names) == 0 {
		return -1
	}
	var files []string
	for _, sc := range scripts {
		for _, f := range cs.Configs(sc) {
			if !slices.Contains(files, f) && len(files) < maxConfigFiles {
				files = append(files, f)
			}
		}
	}
	best := -1
	for _, f := range files {
		b, ok := cs.ReadConfig(f)
		if !ok {
			continue
		}
		var v int
		switch strings.ToLower(filepath.Ext(f)) {
		case ".json":
			v = jsonKeyValue(b, names)
		default:
			v = lineKeyValue(b, names)
		}
		best = max(best, v)
	}
	return best
}

// jsonKeyValue is the largest integer under a key named one of names at
// any depth of the JSON document b; -1 for none.
func jsonKeyValue(b []byte, names []string) int {
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return -1
	}
	best := -1
	var walk func(x any, depth int)
	walk = func(x any, depth int) {
		if depth > 16 {
			return
		}
		switch t := x.(type) {
		case map[string]any:
			for k, v := range t {
				if f, ok := v.(float64); ok && slices.Contains(names, k) && f >= 0 && f == float64(int(f)) && f < 1<<31 {
					best = max(best, int(f))
				}
				walk(v, depth+1)
			}
		case []any:
			for _, v := range t {
				walk(v, depth+1)
			}
		}
	}
	walk(doc, 0)
	return best
}

// configLineRe is a YAML "key: 300" or a TOML "key = 300" line.
var configLineRe = lazyRE(`^\s*["']?([A-Za-z_$][\w$]*)["']?\s*[:=]\s*(\d[\d_]*)\s*(?:#.*)?$`)

// lineKeyValue is the largest integer a YAML or TOML line gives a key
// named one of names; -1 for none.
func lineKeyValue(b []byte, names []string) int {
	best := -1
	for _, line := range bytes.Split(b, []byte("\n")) {
		m := configLineRe.FindSubmatch(bytes.TrimRight(line, "\r"))
		if m != nil && slices.Contains(names, string(m[1])) {
			best = max(best, atoiBound(string(m[2])))
		}
	}
	return best
}

// configExt: the files read as configuration.
func configExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".yaml", ".yml", ".toml":
	default:
		return false
	}
	// npm's and TypeScript's own files hold no limits of the program.
	switch strings.ToLower(name) {
	case "package.json", "package-lock.json", "npm-shrinkwrap.json", "jsconfig.json":
		return false
	}
	return !strings.HasPrefix(strings.ToLower(name), "tsconfig")
}

// configFolders: where a service keeps its configuration files, beside
// its scripts or in a folder of these names.
var configFolders = []string{"config", "configs", "conf", "settings"}

func (l *localSources) Configs(script string) []string {
	p, ok := ScriptPath(script)
	if !ok {
		return nil
	}
	dir := filepath.Dir(p)
	var out []string
	list := func(d string) {
		ents, err := os.ReadDir(d)
		if err != nil {
			return
		}
		for _, e := range ents {
			if len(out) == maxConfigFiles {
				return
			}
			if e.Type().IsRegular() && configExt(e.Name()) {
				out = append(out, filepath.Join(d, e.Name()))
			}
		}
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if filepath.Base(d) == "node_modules" || strings.Contains(d, string(filepath.Separator)+"node_modules"+string(filepath.Separator)) {
			continue
		}
		list(d)
		for _, c := range configFolders {
			list(filepath.Join(d, c))
		}
	}
	return out
}

func (l *localSources) ReadConfig(path string) ([]byte, bool) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxConfigBytes || !configExt(filepath.Base(path)) {
		return nil, false
	}
	b, err := os.ReadFile(path)
	return b, err == nil
}

// configKey is a key of a configuration file.
type configKey struct{ File, Key string }

// configKeyRe is the key of a YAML "key:" or a TOML "key =" line, with
// the dashes that settings' names often have.
var configKeyRe = lazyRE(`^\s*["']?([A-Za-z_$][\w$-]*)["']?\s*[:=]`)

// configNearKey is a key of the configuration files near scripts spelled
// like name but for case, dashes and underscores (max-events or
// max_events for maxEvents), yet not exactly like it: the setting the
// code meant to read under name.
func configNearKey(name string, scripts []string, src Sources) (configKey, bool) {
	cs, ok := src.(ConfigSources)
	if !ok {
		return configKey{}, false
	}
	want := foldKey(name)
	near := func(k string) bool { return k != name && foldKey(k) == want }
	seen := 0
	for _, sc := range scripts {
		for _, f := range cs.Configs(sc) {
			if seen++; seen > maxConfigFiles {
				return configKey{}, false
			}
			b, ok := cs.ReadConfig(f)
			if !ok {
				continue
			}
			if strings.EqualFold(filepath.Ext(f), ".json") {
				if k, ok := jsonNearKey(b, near); ok {
					return configKey{f, k}, true
				}
				continue
			}
			for _, line := range bytes.Split(b, []byte("\n")) {
				if m := configKeyRe.FindSubmatch(line); m != nil && near(string(m[1])) {
					return configKey{f, string(m[1])}, true
				}
			}
		}
	}
	return configKey{}, false
}

// jsonNearKey is a key of the JSON document b, at any depth, for which
// near is true.
func jsonNearKey(b []byte, near func(string) bool) (string, bool) {
	var doc any
	if json.Unmarshal(b, &doc) != nil {
		return "", false
	}
	var walk func(x any, depth int) (string, bool)
	walk = func(x any, depth int) (string, bool) {
		if depth > 16 {
			return "", false
		}
		switch t := x.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(t)) {
				if near(k) {
					return k, true
				}
				if k2, ok := walk(t[k], depth+1); ok {
					return k2, true
				}
			}
		case []any:
			for _, v := range t {
				if k, ok := walk(v, depth+1); ok {
					return k, true
				}
			}
		}
		return "", false
	}
	return walk(doc, 0)
}

// foldKey is a setting's name without case, dashes and underscores.
func foldKey(k string) string {
	return strings.ToLower(strings.NewReplacer("-", "", "_", "").Replace(k))
}
