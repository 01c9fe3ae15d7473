package mcpserver

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapsnapshot"
)

// graphCache keeps at most max analysed snapshots, evicting the least
// recently used. Concurrent requests for the same file share one load.
type graphCache struct {
	mu    sync.Mutex
	max   int
	tick  uint64
	items map[string]*cached
	// open and saved are Options.Open and Options.Saved.
	open  func(path string) *heapgraph.Graph
	saved func(path string, g *heapgraph.Graph)
}

type cached struct {
	done chan struct{} // closed when g or err is set
	g    *heapgraph.Graph
	err  error
	used uint64
	size int64
}

func newGraphCache(max int) *graphCache {
	return &graphCache{max: max, items: map[string]*cached{}}
}

// get returns the graph of the snapshot at path (a checked real path),
// loading it when needed. progress, if set, is told the bytes read so far
// and the file's size.
func (c *graphCache) get(ctx context.Context, path string, progress func(read, total int64)) (*heapgraph.Graph, error) {
	c.mu.Lock()
	it, ok := c.items[path]
	c.tick++
	if ok {
		it.used = c.tick
		c.mu.Unlock()
		select {
		case <-it.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return it.g, it.err
	}
	it = &cached{done: make(chan struct{}), used: c.tick}
	c.items[path] = it
	c.evictLocked(path)
	c.mu.Unlock()

	if c.open != nil {
		it.g = c.open(path)
	}
	if it.g == nil {
		it.g, it.err = load(path, progress)
		if it.err == nil && c.saved != nil {
			c.saved(path, it.g)
		}
	}
	close(it.done)
	if it.err != nil {
		c.mu.Lock()
		if c.items[path] == it {
			delete(c.items, path)
		}
		c.mu.Unlock()
	}
	return it.g, it.err
}

// loaded reports whether path is in memory.
func (c *graphCache) loaded(path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.items[path]
	return ok
}

// evictLocked drops least recently used graphs beyond the bound, never keep.
func (c *graphCache) evictLocked(keep string) {
	for len(c.items) > c.max {
		var victim string
		var oldest uint64
		for p, it := range c.items {
			if p != keep && (victim == "" || it.used < oldest) {
				victim, oldest = p, it.used
			}
		}
		if victim == "" {
			return
		}
		delete(c.items, victim) // a caller still holding the graph keeps it alive until done
	}
}

// load parses and analyses one snapshot. Bad content is an error whose text
// matches the CLI's one line ("FILE: what is wrong at byte N").
func load(path string, progress func(read, total int64)) (g *heapgraph.Graph, err error) {
	defer func() {
		if r := recover(); r != nil {
			g, err = nil, fmt.Errorf("internal error while loading %s: %v (please report this)", path, r)
		}
	}()
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a heap snapshot", path)
	}
	opts := heapsnapshot.Options{}
	if progress != nil {
		opts.OnProgress = func(n int64) { progress(n, st.Size()) }
	}
	s, err := heapsnapshot.Open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	g, err = heapgraph.Build(s, heapgraph.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return g, nil
}
