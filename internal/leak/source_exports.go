// The program's export a library's object hangs from. When the code that
// adds to a collection is all a library's (rxjs's ReplaySubject pushing
// to its buffer) and the path reaches that library's object through one
// of the program's module exports (streams.js's orderEvents$), the line
// that makes that export is the program's: where the library's object is
// created, and where its options go.

package leak

import (
	"regexp"
)

// programExport is the statement of the program that defines the export
// path passes through (Module → exports → orderEvents$) to reach the
// library's objects, and the export's name; nil when the path takes no
// such step or the definition is not found.
func programExport(path []PathStep, src Sources) (*Statement, string) {
	if src == nil {
		return nil, ""
	}
	for i := 0; i+2 < len(path); i++ {
		if path[i].Class != "Module" || !programScript(path[i].Edge) || path[i+1].Edge != "exports" {
			continue
		}
		name := path[i+2].Edge
		if path[i+2].EdgeType != "property" || !identRe.MatchString(name) {
			return nil, ""
		}
		q := regexp.QuoteMeta(name)
		re := regexp.MustCompile(`(?:^|[^\w$.])(?:(?:const|let|var)\s+` + q + `\s*=[^=>]|exports\.` + q + `\s*=[^=>])`)
		return findStatement(re, []string{path[i].Edge}, src), name
	}
	return nil, ""
}
