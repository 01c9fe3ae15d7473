package heapgraph

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const goldenDir = "../../testdata/golden"

func goldenNames(t *testing.T) []string { return goldenNamesIn(t, goldenDir) }

func goldenNamesIn(t *testing.T, goldenDir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(goldenDir, "*.heapsnapshot.gz"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no golden snapshots in %s (run scripts/golden/make.sh)", goldenDir)
	}
	var names []string
	for _, p := range m {
		names = append(names, strings.TrimSuffix(filepath.Base(p), ".heapsnapshot.gz"))
	}
	return names
}

func readGz(t *testing.T, path string) *bufio.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	return bufio.NewReader(zr)
}

type goldenNodes struct {
	Classes []string    `json:"classes"`
	Nodes   [][4]uint64 `json:"-"`
	Raw     [][]int64   `json:"nodes"`
}

// TestGolden compares, for every node of real snapshots written by node,
// our retained size, distance and class name with DevTools' own numbers,
// and every row of the Summary view.
func TestGolden(t *testing.T) {
	dirs := []string{goldenDir}
	// Golden files too big to commit (e.g. made by scripts/golden/make.sh
	// from a large program) can be checked the same way.
	if extra := os.Getenv("LEAKHOUND_GOLDEN_DIR"); extra != "" {
		dirs = append(dirs, extra)
	}
	for _, dir := range dirs {
		for _, name := range goldenNamesIn(t, dir) {
			testGolden(t, dir, name)
		}
	}
}

// TestGoldenSplit runs TestGolden with every pass that can be split over
// two cores split, as it is on big snapshots.
func TestGoldenSplit(t *testing.T) {
	old := splitMin
	splitMin = 0
	t.Cleanup(func() { splitMin = old })
	TestGolden(t)
}

func testGolden(t *testing.T, goldenDir, name string) {
	t.Run(name, func(t *testing.T) {
		s := loadGolden(t, filepath.Join(goldenDir, name+".heapsnapshot.gz"))
		g, err := Build(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var want goldenNodes
		if err := json.NewDecoder(readGz(t, filepath.Join(goldenDir, name+".nodes.json.gz"))).Decode(&want); err != nil {
			t.Fatal(err)
		}
		if len(want.Raw) != g.NodeCount() {
			t.Fatalf("golden has %d nodes, snapshot %d", len(want.Raw), g.NodeCount())
		}
		bad := 0
		for i, w := range want.Raw {
			n := uint32(i)
			id, ret, dist, cls := w[0], w[1], w[2], want.Classes[w[3]]
			if int64(g.ID(n)) != id || int64(g.RetainedSize(n)) != ret || int64(g.Distance(n)) != dist || g.ClassName(n) != cls {
				if bad < 10 {
					t.Errorf("node %d @%d %s %q: got retained %d distance %d class %q; DevTools: retained %d distance %d class %q",
						n, g.ID(n), g.TypeName(n), g.S.NodeNameString(n), g.RetainedSize(n), g.Distance(n), g.ClassName(n), ret, dist, cls)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%d of %d nodes differ from DevTools", bad, len(want.Raw))
		}

		// Summary rows: compare as multisets keyed by the whole row.
		// Rows DevTools' own view loses ("collides": closures and objects
		// named Function under one public key) are checked against our
		// one merged row: counts and self sizes add up, the retained size
		// lies between the larger and the sum, the distance is the least.
		var wantRows []string
		collide := map[string]*goldenCollision{}
		sc := bufio.NewScanner(readGz(t, filepath.Join(goldenDir, name+".summary.jsonl.gz")))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var r struct {
				Class    string `json:"class"`
				Count    int    `json:"count"`
				Self     uint64 `json:"self"`
				Retained uint64 `json:"retained"`
				Distance int32  `json:"distance"`
				Collides bool   `json:"collides"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatal(err)
			}
			if r.Collides {
				c := collide[r.Class]
				if c == nil {
					c = &goldenCollision{distance: r.Distance}
					collide[r.Class] = c
				}
				c.count += r.Count
				c.self += r.Self
				c.sum += r.Retained
				c.max = max(c.max, r.Retained)
				c.distance = min(c.distance, r.Distance)
				continue
			}
			wantRows = append(wantRows, fmt.Sprintf("%q count=%d self=%d retained=%d distance=%d", r.Class, r.Count, r.Self, r.Retained, r.Distance))
		}
		var gotRows []string
		for _, r := range g.Summary() {
			if c := collide[r.Name]; c != nil {
				if r.Count != c.count || r.Shallow != c.self || r.Retained < c.max || r.Retained > c.sum || r.Distance != c.distance {
					t.Errorf("summary: %q count=%d self=%d retained=%d distance=%d; DevTools' colliding rows: count=%d self=%d retained %d..%d distance=%d",
						r.Name, r.Count, r.Shallow, r.Retained, r.Distance, c.count, c.self, c.max, c.sum, c.distance)
				}
				delete(collide, r.Name)
				continue
			}
			gotRows = append(gotRows, fmt.Sprintf("%q count=%d self=%d retained=%d distance=%d", r.Name, r.Count, r.Shallow, r.Retained, r.Distance))
		}
		for class := range collide {
			t.Errorf("summary: DevTools has colliding rows %q, we have none", class)
		}
		sort.Strings(wantRows)
		sort.Strings(gotRows)
		diffRows(t, gotRows, wantRows)
	})
}

// goldenCollision adds up DevTools' rows that share one public class key.
type goldenCollision struct {
	count     int
	self, sum uint64
	max       uint64
	distance  int32
}

func diffRows(t *testing.T, got, want []string) {
	t.Helper()
	gm := map[string]int{}
	for _, r := range got {
		gm[r]++
	}
	wm := map[string]int{}
	for _, r := range want {
		wm[r]++
	}
	n := 0
	for r, c := range wm {
		if gm[r] != c && n < 10 {
			t.Errorf("summary: DevTools has %dx %s, we have %d", c, r, gm[r])
			n++
		}
	}
	for r, c := range gm {
		if wm[r] != c && n < 20 {
			t.Errorf("summary: we have %dx %s, DevTools %d", c, r, wm[r])
			n++
		}
	}
}
