package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/ui"
)

// nodeProcesses lists capture --all's targets (a variable for tests, which
// must not snapshot the other node processes of a shared machine).
var nodeProcesses = inspector.NodeProcesses

// captureAll takes one snapshot of each node process, one at a time (the
// host never needs the memory of two snapshots at once), each named after
// its process, closing each inspector it opened before the next. A process
// that cannot be captured is reported and skipped; the command then fails.
func captureAll(ctx context.Context, env *Env, out string, asJSON, quiet, force bool, tf targetFlags) error {
	if out != "" && !isDir(out) && !dirSpec(out) {
		return BadInputf("-o must be a directory with --all (one snapshot per process; end it with / to create it)")
	}
	dir, err := snapshotPath(out, true)
	if err != nil {
		return err
	}
	if dir == "" {
		dir = "."
	}
	pids, err := nodeProcesses()
	if err != nil {
		return fmt.Errorf("listing the node processes: %w", err)
	}
	if len(pids) == 0 {
		return fmt.Errorf("no node process here that this user may attach to")
	}
	var taken []captureJSON
	var failed []string
	for _, pid := range pids {
		if ctx.Err() != nil {
			break
		}
		r, err := captureOne(ctx, env, pid, dir, quiet, force, tf)
		if err != nil {
			failed = append(failed, strconv.Itoa(pid))
			fmt.Fprintf(env.Stderr, "leakhound: %s\n", oneLine(err.Error()))
			continue
		}
		taken = append(taken, r)
		if !asJSON {
			fmt.Fprintf(env.Stdout, "%s  %s in %.1fs (JS heap %s used)\n", r.Path, ui.Bytes(r.Bytes),
				float64(r.DurationMS)/1000, ui.Bytes(r.HeapUsed))
		}
	}
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if taken == nil {
			taken = []captureJSON{}
		}
		if err := enc.Encode(taken); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if len(failed) > 0 {
		return fmt.Errorf("captured %d of %d node processes (failed: pid %s)", len(taken), len(pids), strings.Join(failed, ", "))
	}
	return nil
}

// captureOne attaches to pid, snapshots it into dir under its process's
// name, and releases it (closing the inspector if we opened it).
func captureOne(ctx context.Context, env *Env, pid int, dir string, quiet, force bool, tf targetFlags) (captureJSON, error) {
	c, err := attachTarget(ctx, env, strconv.Itoa(pid), tf, quiet)
	if err != nil {
		return captureJSON{}, err
	}
	defer releaseTarget(env, c, tf, quiet)
	name := "node"
	if v, err := c.Evaluate(ctx, "[process.argv[1] || '', process.title || '']", false); err == nil {
		var parts []string
		if json.Unmarshal(v, &parts) == nil && len(parts) == 2 {
			name = processLabel(parts[0], parts[1])
		}
	}
	start := time.Now()
	path := filepath.Join(dir, fmt.Sprintf("%s.%d.%s.heapsnapshot", name, pid, start.Format("20060102.150405")))
	res, err := captureWithProgress(ctx, env, c, path, quiet, force)
	if err != nil {
		return captureJSON{}, err
	}
	return captureJSON{Path: res.Path, Bytes: res.Bytes, DurationMS: res.Duration.Milliseconds(),
		HeapUsed: res.HeapUsed, PID: pid, Target: c.Target().String()}, nil
}

// processLabel names a node process for a file name: its main script's
// base name without extension (the same on every OS: either separator),
// else its title, kept to letters, digits, '.', '_' and '-'.
func processLabel(script, title string) string {
	s := script
	if i := strings.LastIndexAny(s, `/\`); i >= 0 {
		s = s[i+1:]
	}
	for _, ext := range []string{".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"} {
		s = strings.TrimSuffix(s, ext)
	}
	if s == "" {
		s = title
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 40 {
			break
		}
	}
	out := strings.Trim(b.String(), "._")
	if out == "" {
		return "node"
	}
	return out
}
