package leak

import (
	"regexp"
	"testing"
)

// TestPatternsCompile compiles every pattern the package defers, as
// regexp.MustCompile at start-up used to.
func TestPatternsCompile(t *testing.T) {
	if len(lazyPatterns) < 50 {
		t.Fatalf("only %d deferred patterns registered", len(lazyPatterns))
	}
	for _, l := range lazyPatterns {
		if _, err := regexp.Compile(l.pat); err != nil {
			t.Errorf("pattern %q: %v", l.pat, err)
		}
	}
}
