package leak

import (
	"regexp"
	"sync"
)

// lazyRegexp is a pattern compiled on its first use. The package holds a
// few hundred patterns for reading JavaScript, and most commands (summary,
// inspect, diff) run none of them: compiling them all at start-up cost
// every command about 3 ms and a megabyte of memory.
type lazyRegexp struct {
	once sync.Once
	pat  string
	re   *regexp.Regexp
}

// lazyPatterns lists every lazyRegexp made at package level, for
// TestPatternsCompile: a bad pattern must fail the tests, not a user's run.
var lazyPatterns []*lazyRegexp

// lazyRE is regexp.MustCompile, deferred to the first use.
func lazyRE(pat string) *lazyRegexp {
	l := &lazyRegexp{pat: pat}
	lazyPatterns = append(lazyPatterns, l)
	return l
}

func (l *lazyRegexp) get() *regexp.Regexp {
	l.once.Do(func() { l.re = regexp.MustCompile(l.pat) })
	return l.re
}

func (l *lazyRegexp) MatchString(s string) bool              { return l.get().MatchString(s) }
func (l *lazyRegexp) Match(b []byte) bool                    { return l.get().Match(b) }
func (l *lazyRegexp) FindStringSubmatch(s string) []string   { return l.get().FindStringSubmatch(s) }
func (l *lazyRegexp) FindString(s string) string             { return l.get().FindString(s) }
func (l *lazyRegexp) FindAllString(s string, n int) []string { return l.get().FindAllString(s, n) }
func (l *lazyRegexp) FindSubmatch(b []byte) [][]byte         { return l.get().FindSubmatch(b) }
func (l *lazyRegexp) FindIndex(b []byte) []int               { return l.get().FindIndex(b) }
func (l *lazyRegexp) FindSubmatchIndex(b []byte) []int       { return l.get().FindSubmatchIndex(b) }
func (l *lazyRegexp) FindAll(b []byte, n int) [][]byte       { return l.get().FindAll(b, n) }
func (l *lazyRegexp) FindAllIndex(b []byte, n int) [][]int   { return l.get().FindAllIndex(b, n) }
func (l *lazyRegexp) FindAllSubmatch(b []byte, n int) [][][]byte {
	return l.get().FindAllSubmatch(b, n)
}
func (l *lazyRegexp) FindAllStringSubmatch(s string, n int) [][]string {
	return l.get().FindAllStringSubmatch(s, n)
}
func (l *lazyRegexp) ReplaceAllString(s, repl string) string {
	return l.get().ReplaceAllString(s, repl)
}
func (l *lazyRegexp) ReplaceAllStringFunc(s string, f func(string) string) string {
	return l.get().ReplaceAllStringFunc(s, f)
}
