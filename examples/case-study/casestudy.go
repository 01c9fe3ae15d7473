// Package casestudy ships the leaky example service (service.js, modelled
// on the guide's TransactionProcessor case study) inside the leakhound
// binary, and runs it under node to produce real heap snapshots anywhere,
// without a checkout of the repository.
package casestudy

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Source is service.js.
//
//go:embed service.js
var Source []byte

// Options for WriteSnapshots; zero values mean the service's defaults.
type Options struct {
	Requests int    // transactions between snapshots (LEAKHOUND_REQUESTS, default 300)
	Warmup   int    // transactions before the first snapshot (LEAKHOUND_WARMUP, default 50)
	Fixed    bool   // run the fixed processor (no leak)
	Node     string // node executable; default "node" from PATH
}

// Snapshot is one snapshot written by the service.
type Snapshot struct {
	Path         string `json:"snapshot"`
	Transactions int    `json:"transactions"`
}

// WriteSnapshots runs the service in batch mode with --expose-gc: it writes
// three snapshots into dir (after warm-up, after N and after 2N
// transactions, each after a full GC) and exits. The script itself is
// written to dir too.
func WriteSnapshots(ctx context.Context, dir string, opts Options) ([]Snapshot, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	script := filepath.Join(dir, "service.js")
	if err := os.WriteFile(script, Source, 0o644); err != nil {
		return nil, err
	}
	node := opts.Node
	if node == "" {
		node = "node"
	}
	if _, err := exec.LookPath(node); err != nil {
		return nil, fmt.Errorf("the case-study example needs node on the PATH: %w", err)
	}
	cmd := exec.CommandContext(ctx, node, "--expose-gc", script)
	cmd.Env = append(os.Environ(), "LEAKHOUND_SNAPSHOTS="+dir)
	if opts.Requests > 0 {
		cmd.Env = append(cmd.Env, "LEAKHOUND_REQUESTS="+strconv.Itoa(opts.Requests))
	}
	if opts.Warmup > 0 {
		cmd.Env = append(cmd.Env, "LEAKHOUND_WARMUP="+strconv.Itoa(opts.Warmup))
	}
	if opts.Fixed {
		cmd.Env = append(cmd.Env, "LEAKHOUND_FIXED=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("case-study service failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var snaps []Snapshot
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var s Snapshot
		if json.Unmarshal(sc.Bytes(), &s) == nil && s.Path != "" {
			snaps = append(snaps, s)
		}
	}
	if len(snaps) != 3 {
		return nil, fmt.Errorf("case-study service wrote %d snapshots, want 3", len(snaps))
	}
	return snaps, nil
}
