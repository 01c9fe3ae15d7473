package leak

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// idGraph is a snapshot of n functions, n hidden objects and n plain
// objects under the root, ids 32 apart (so every one is sampled); kind
// says what the node with id (i+1)*32 of each third is: its type index
// and name.
func idGraph(t *testing.T, n int, kind func(third, i int) (typ int, name string)) *heapgraph.Graph {
	t.Helper()
	strs := []string{"", "(root)"}
	str := func(s string) int {
		for i, x := range strs {
			if x == s {
				return i
			}
		}
		strs = append(strs, s)
		return len(strs) - 1
	}
	var nodes, edges []string
	nodes = append(nodes, fmt.Sprintf("9,%d,1,0,%d", str("(root)"), 3*n))
	for k := 0; k < 3*n; k++ {
		typ, name := kind(k/n, k%n)
		nodes = append(nodes, fmt.Sprintf("%d,%d,%d,16,0", typ, str(name), (k+1)*32))
		edges = append(edges, fmt.Sprintf("1,%d,%d", k+1, 5*(k+1)))
	}
	q := make([]string, len(strs))
	for i, s := range strs {
		q[i] = fmt.Sprintf("%q", s)
	}
	snap := `{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],
"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number"],
"edge_fields":["type","name_or_index","to_node"],
"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]},
"node_count":` + fmt.Sprint(3*n+1) + `,"edge_count":` + fmt.Sprint(3*n) + `},
"nodes":[` + strings.Join(nodes, ",") + `],"edges":[` + strings.Join(edges, ",") + `],"strings":[` + strings.Join(q, ",") + `]}`
	return graphOf(t, snap)
}

// TestSameSessionChurn: one inspector session of a program with much
// churn, on a loaded machine, gave 12.5% of its sampled ids to new
// objects (short-lived objects and strings), past the tenth that tells
// processes apart, while its functions, hidden objects and hidden classes
// all kept theirs: the same process. Another process differs in those.
func TestSameSessionChurn(t *testing.T) {
	const n = 120
	base := func(third, i int) (int, string) {
		switch third {
		case 0:
			return 5, fmt.Sprintf("fn%d", i) // closure
		case 1:
			return 0, "system / Context" // hidden
		}
		return 3, "{payload, headers}" // object
	}
	a := idGraph(t, n, base)
	churned := idGraph(t, n, func(third, i int) (int, string) {
		if third == 2 && i%2 == 0 {
			return 2, fmt.Sprintf("s%d", i) // a string now holds the id
		}
		return base(third, i)
	})
	set := newIDSet(a)
	if err := set.sameProcess(churned, "a", "b"); err != nil {
		t.Errorf("one session with churn (a sixth of the ids given again): %v", err)
	}
	other := idGraph(t, n, func(third, i int) (int, string) {
		if third == 0 && i%3 == 0 {
			return 5, fmt.Sprintf("other%d", i) // other functions under those ids
		}
		return base(third, i)
	})
	if err := set.sameProcess(other, "a", "c"); !errors.Is(err, ErrNotSameProcess) {
		t.Errorf("another process's functions under the same ids: %v, want ErrNotSameProcess", err)
	}
}
