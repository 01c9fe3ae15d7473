// Growth that slows is a cache filling toward its bound, unless nothing
// can ever take an entry out: an Array that code only pushes to has no
// bound to fill toward. When its growth slows, the work that pushes
// slowed (a router whose stack of per-subscription routes makes each
// request slower to match), and every entry added stays.

package leak

import (
	"regexp"
)

// appendOnly: s's collection is an Array that its code pushes to (the
// program's or its library's push) and that no code takes entries out of
// (no shift, pop, splice, length cut, or reassignment to a filtered
// copy), as far as the sources tell.
func appendOnly(s *Suspect, src Sources) bool {
	h := s.Holder
	if h == nil || h.Kind != "Array" || src == nil || s.single {
		return false
	}
	name, ok := fieldName(h)
	if !ok {
		return false
	}
	added := addedAt(h, s.Class, s.RetainerPath, s.scripts, src)
	if added == nil {
		return false
	}
	// The push: the added line's, or, for the program's call into a
	// library (router.post(…)), the library's own.
	re := nameAddsOf(h, false)
	if re == nil {
		return false
	}
	if !re.MatchString(added.Text) && (h.libScript == "" || findStatementWhere(re, []string{h.libScript}, src, h.libraryOwn) == nil) {
		return false // (an add by index may write over a ring's slots)
	}
	if removedAt(h, added, s.scripts, src) != nil {
		return false
	}
	q := regexp.QuoteMeta(name)
	copied := regexp.MustCompile(`\b` + q + `\s*=\s*[\w$.]*\b` + q + `\s*\.\s*(?:filter|slice|splice|concat)\s*\(|\b` + q + `\s*=\s*\[\s*\.\.\.`)
	scripts := append([]string{added.Script}, s.scripts...)
	if h.libScript != "" {
		scripts = append(scripts, h.libScript)
	}
	return findStatementWhere(copied, scripts, src, nil) == nil
}
