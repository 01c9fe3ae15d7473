package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
	"github.com/leakhound/leakhound/internal/ui"
)

// LoadGraph parses the snapshot at path and analyses it, drawing a progress
// bar on env.Stderr when that takes over a second (never with quiet or when
// stderr is not a terminal). Errors are ready to return from a command:
// a missing file or an invalid snapshot exits 2 with one line, other I/O
// problems exit 3, Ctrl-C exits 130.
//
// It re-opens the snapshot's index instead when there is a valid one, and
// writes one after analysing a big snapshot (see index.go and
// docs/index.md), as the command's --index-dir and --no-index say.
func LoadGraph(ctx context.Context, env *Env, path string, quiet bool) (*heapgraph.Graph, error) {
	return loadGraph(ctx, env, path, quiet, env.indexOptions(), nil)
}

// loadAnswerFirst is LoadGraph for a command that answers from this one
// snapshot: a new index is written after the answer is out (by Main), not
// before it.
func loadAnswerFirst(ctx context.Context, env *Env, path string, quiet bool) (*heapgraph.Graph, error) {
	o := env.indexOptions()
	o.later = true
	return loadGraph(ctx, env, path, quiet, o, nil)
}

// indexOptions are the command's --index-dir and --no-index.
func (env *Env) indexOptions() indexOptions {
	if env.index != nil {
		return *env.index
	}
	return indexOptions{}
}

// loadGraph is LoadGraph with explicit index options, that also reports its
// progress to observe (when set): the phase, and bytes read of total while
// parsing. serve shows it in the page.
func loadGraph(ctx context.Context, env *Env, path string, quiet bool, idx indexOptions, observe func(label string, done, total int64)) (*heapgraph.Graph, error) {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, BadInputf("%s: no such file", path)
		}
		return nil, err
	}
	if st.IsDir() {
		return nil, BadInputf("%s is a directory, not a heap snapshot", path)
	}
	cache := idx.open(env, path, quiet)
	if cache.g != nil {
		return cache.g, nil
	}
	bar := ui.NewProgress(env.Stderr, "reading "+filepath.Base(path), st.Size(), !quiet)
	type result struct {
		g     *heapgraph.Graph
		err   error
		note  string // what became of the index, said after the bar is gone
		later bool   // the index is written after the command's answer
	}
	done := make(chan result, 1)
	var writeMu sync.Mutex
	var writing bool // the index write has started
	// The work runs on its own goroutine so Ctrl-C is answered at once; a
	// panic there could not be recovered by Main, so it is caught here.
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("internal error while loading %s: %v (please report this)", path, r)}
			}
		}()
		onProgress, phase := bar.Set, func(p string) { bar.SetLabel("analysing: " + p) }
		if observe != nil {
			base := filepath.Base(path)
			onProgress = func(n int64) { bar.Set(n); observe("reading "+base, n, st.Size()) }
			phase = func(p string) {
				bar.SetLabel("analysing: " + p)
				observe("analysing "+base+": "+p, 0, 0)
			}
		}
		s, err := heapsnapshot.Open(path, heapsnapshot.Options{OnProgress: onProgress})
		if err != nil {
			done <- result{err: err}
			return
		}
		g, err := heapgraph.Build(s, heapgraph.Options{Phase: phase})
		var note string
		if err == nil && cache.write {
			if idx.later {
				done <- result{g: g, later: true}
				return
			}
			// Ctrl-C from here on waits for the write to stop and remove
			// its temporary file; before, it returns at once.
			writeMu.Lock()
			start := ctx.Err() == nil
			writing = start
			writeMu.Unlock()
			if start {
				phase("writing index")
				note = cache.save(ctx, g, nil)
			}
		}
		done <- result{g: g, err: err, note: note}
	}()
	var r result
	select {
	case <-ctx.Done():
		writeMu.Lock()
		w := writing
		writeMu.Unlock()
		if w {
			<-done
		}
		bar.Done()
		return nil, ctx.Err()
	case r = <-done:
	}
	if r.later {
		env.later = &laterIndex{cache: cache, g: r.g, quiet: quiet}
	}
	bar.Done()
	if r.note != "" && !quiet {
		fmt.Fprintln(env.Stderr, r.note)
	}
	if r.err != nil {
		if heapsnapshot.IsFormatError(r.err) {
			return nil, BadInputf("%s: %v", path, r.err)
		}
		return nil, fmt.Errorf("%s: %w", path, r.err)
	}
	return r.g, nil
}

// ParseNodeID reads an object id as written by people: "@1234" or "1234".
func ParseNodeID(s string) (uint32, error) {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "@"), 10, 32)
	if err != nil {
		return 0, BadInputf("%q is not an object id (expected @ID, e.g. @1234)", s)
	}
	return uint32(v), nil
}

// LookupNode finds the node with snapshot id id, or returns a bad-input error.
func LookupNode(g *heapgraph.Graph, file string, id uint32) (uint32, error) {
	n, ok := g.NodeByID(id)
	if !ok {
		return 0, BadInputf("%s has no object @%d", file, id)
	}
	return n, nil
}
