package leak

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// TestComparisonLive checks Diff against DevTools' own Comparison view
// (scripts/golden/comparison.mjs on the oracle's code) on series the node
// under test writes now, as TestGoldenLive does for the Summary. Like
// DevTools it leaves out objects of no shallow size; unlike it, native
// and synthetic objects (docs/leaks.md), whose rows are skipped here.
func TestComparisonLive(t *testing.T) {
	oracle := os.Getenv("LEAKHOUND_ORACLE")
	if oracle == "" {
		t.Skip("LEAKHOUND_ORACLE (DevTools' oracle.mjs) not set")
	}
	oracleNode := os.Getenv("LEAKHOUND_ORACLE_NODE")
	if oracleNode == "" {
		oracleNode = "node"
	}
	script, err := filepath.Abs("../../scripts/golden/comparison.mjs")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Class     string `json:"class"`
		New       int64  `json:"new"`
		Deleted   int64  `json:"deleted"`
		Allocated uint64 `json:"allocated_size"`
		Freed     uint64 `json:"freed_size"`
	}
	for _, name := range []string{"event-listener", "map-cache", "closures"} {
		ps := series(t, name, 3)
		graphs := make([]*heapgraph.Graph, len(ps))
		for i, p := range ps {
			if graphs[i], err = loadGraph(p); err != nil {
				t.Fatal(err)
			}
		}
		for _, pair := range [][2]int{{0, 1}, {0, 2}} {
			a, b := pair[0], pair[1]
			out, err := exec.Command(oracleNode, script, filepath.Dir(oracle), ps[a], ps[b]).Output()
			if err != nil {
				t.Fatalf("%s: DevTools' comparison: %v", name, err)
			}
			devtools := map[string]row{}
			sc := bufio.NewScanner(bytes.NewReader(out))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var r row
				if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
					t.Fatalf("%s: %q: %v", name, sc.Text(), err)
				}
				if r.New != 0 || r.Deleted != 0 {
					devtools[r.Class] = r
				}
			}
			d, err := Diff(graphs[a], graphs[b], "a", "b")
			if err != nil {
				t.Fatal(err)
			}
			ours := map[string]bool{}
			for _, r := range d.Rows {
				ours[r.Class] = true
				want, ok := devtools[r.Class]
				if got := (row{r.Class, r.New, r.Deleted, r.Allocated, r.Freed}); !ok || got != want {
					t.Errorf("%s s%d→s%d %s: %+v, DevTools %+v", name, a+1, b+1, r.Class, got, want)
				}
			}
			js := jsClasses(graphs[a], graphs[b])
			for c, r := range devtools {
				if !ours[c] && js[c] {
					t.Errorf("%s s%d→s%d: DevTools' row %+v is missing", name, a+1, b+1, r)
				}
			}
		}
	}
}

// jsClasses are the classes with an object of some shallow size that is
// not native or synthetic, in either graph: the ones Diff compares.
func jsClasses(gs ...*heapgraph.Graph) map[string]bool {
	out := map[string]bool{}
	for _, g := range gs {
		s := g.S
		for v := uint32(0); v < uint32(s.NodeCount); v++ {
			if s.NodeSelfSize[v] != 0 && jsType(s.NodeType[v], &s.NodeTypeIndex) {
				out[g.ClassName(v)] = true
			}
		}
	}
	return out
}
