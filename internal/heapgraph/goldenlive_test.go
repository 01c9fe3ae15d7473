package heapgraph

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/nodetest"
)

// TestGoldenLive proves DevTools parity on snapshots the node under test
// (LEAKHOUND_NODE) writes now, so every node version CI runs is checked
// without committing goldens for each. It needs DevTools' own code:
// LEAKHOUND_ORACLE is the oracle.mjs that scripts/golden/make.sh prepares
// (devtools-oracle/setup.sh prints its folder). The oracle runs under node
// on PATH (LEAKHOUND_ORACLE_NODE overrides), the programs under the node
// under test. LEAKHOUND_GOLDEN_PROGRAMS limits the programs (space
// separated names of testdata/golden/programs/*.js).
func TestGoldenLive(t *testing.T) {
	oracle := os.Getenv("LEAKHOUND_ORACLE")
	if oracle == "" {
		t.Skip("LEAKHOUND_ORACLE (DevTools' oracle.mjs) not set")
	}
	if _, err := os.Stat(oracle); err != nil {
		t.Fatalf("LEAKHOUND_ORACLE: %v", err)
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash for the oracle's pipeline")
	}
	node := nodetest.Path(t)
	oracleNode := os.Getenv("LEAKHOUND_ORACLE_NODE")
	if oracleNode == "" {
		oracleNode = "node"
		if _, err := exec.LookPath(oracleNode); err != nil {
			oracleNode = node
		}
	}
	compact, err := filepath.Abs("../../scripts/golden/compact.mjs")
	if err != nil {
		t.Fatal(err)
	}
	var progs []string
	if only := os.Getenv("LEAKHOUND_GOLDEN_PROGRAMS"); only != "" {
		progs = strings.Fields(only)
	} else {
		m, _ := filepath.Glob(filepath.Join(goldenDir, "programs", "*.js"))
		for _, p := range m {
			if name := strings.TrimSuffix(filepath.Base(p), ".js"); name != "common" {
				progs = append(progs, name)
			}
		}
	}
	t.Logf("node under test %s (%s)", node, nodetest.Version(t))
	dir := t.TempDir()
	for _, name := range progs {
		snap := filepath.Join(dir, name+".heapsnapshot")
		if out, err := exec.Command(node, "--expose-gc", filepath.Join(goldenDir, "programs", name+".js"), snap).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		// The same steps as scripts/golden/make.sh.
		script := `set -euo pipefail
"$1" "$2" nodes "$4" | "$1" "$3" | gzip -1 > "${4%.heapsnapshot}.nodes.json.gz"
"$1" "$2" summary "$4" | gzip -1 > "${4%.heapsnapshot}.summary.jsonl.gz"
gzip -1 "$4"`
		if out, err := exec.Command("bash", "-c", script, "oracle", oracleNode, oracle, compact, snap).CombinedOutput(); err != nil {
			t.Fatalf("%s: DevTools oracle: %v\n%s", name, err, out)
		}
		testGolden(t, dir, name)
	}
}
