package heapgraph

import (
	"reflect"
	"strings"
	"testing"
)

func TestFoldRuns(t *testing.T) {
	cases := []struct{ in, want string }{
		{"a b c", "a|b|c"},
		{"a b b b c", "a|b ×3|c"},
		{"root T T T T T T x", "root|T ×6|x"},
		// A two-step cycle (promise reaction chains) folds as a group.
		{"p r p r p r end", "(p → r) ×3|end"},
		{"a a", "a ×2"},
		{"", ""},
	}
	for _, c := range cases {
		var in []string
		if c.in != "" {
			in = strings.Fields(c.in)
		}
		got := strings.Join(FoldRuns(in), "|")
		if got != c.want {
			t.Errorf("FoldRuns(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// Folding never loses tokens: expanding the counts gives the input back.
	in := strings.Fields("x y y z z z y y w")
	if got := FoldRuns(in); !reflect.DeepEqual(got, []string{"x", "y ×2", "z ×3", "y ×2", "w"}) {
		t.Errorf("FoldRuns = %q", got)
	}
}
