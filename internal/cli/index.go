package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/heapindex"
	"github.com/leakhound/leakhound/internal/inspector"
	"github.com/leakhound/leakhound/internal/ui"
)

// Index policy (docs/index.md): after a cold load of a snapshot of at
// least autoIndexMin bytes, an index is written to the cache directory
// when the disk keeps indexReserve free after it; the directory is trimmed
// to indexBudget, oldest first.
//
// autoIndexMin is a variable so that tests can have small snapshots
// indexed automatically.
var autoIndexMin int64 = 64 << 20

const (
	indexReserve = 1 << 30
	indexBudget  = 20 << 30
	// staleTemp: a temporary index file this old is a killed write's.
	staleTemp = time.Hour
)

func init() {
	Register(&Command{
		Name:    "index",
		Summary: "write the index that re-opens a heap snapshot without analysing it again",
		Usage:   "leakhound index FILE... [--index-dir DIR] [--force]",
		Run:     runIndex,
	})
}

// indexOptions are the --index-dir and --no-index flags.
type indexOptions struct {
	dir   string // "" is the user cache directory
	off   bool   // neither read nor write indexes
	force bool   // write even below autoIndexMin (the index command)
	fresh bool   // ignore an existing index (index --force)
	// later: write the index after the command's answer (Main does),
	// for commands that answer from one snapshot: on a big one the write
	// takes longer than the analysis.
	later bool
}

// addIndexFlags adds --index-dir and --no-index to a command that loads
// snapshots; LoadGraph follows them.
func addIndexFlags(fs *flag.FlagSet, env *Env) {
	o := &indexOptions{}
	fs.StringVar(&o.dir, "index-dir", "", "where snapshot indexes are kept (default: the user cache directory's leakhound/)")
	fs.BoolVar(&o.off, "no-index", false, "neither use nor write a snapshot index")
	env.index = o
}

// indexDir is where indexes go.
func (o indexOptions) indexDir() (string, error) {
	if o.dir != "" {
		return o.dir, nil
	}
	if d := os.Getenv("LEAKHOUND_INDEX_DIR"); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "leakhound"), nil
}

// indexCache is one snapshot's index: the graph re-opened from it, or
// where to write one.
type indexCache struct {
	g     *heapgraph.Graph
	write bool
	snap  string
	id    heapindex.Identity
	path  string
	size  int64
}

// open looks for path's index. A missing one is silent; an unusable one
// is removed with one note on stderr (unless quiet).
func (o indexOptions) open(env *Env, path string, quiet bool) *indexCache {
	c := &indexCache{snap: path}
	if o.off || os.Getenv("LEAKHOUND_NO_INDEX") != "" {
		return c
	}
	dir, err := o.indexDir()
	if err != nil {
		return c
	}
	c.id, err = heapindex.Identify(path)
	if err != nil {
		return c // the load will say what is wrong with the file
	}
	c.size = c.id.Size
	c.path = filepath.Join(dir, c.id.Name())
	c.write = o.force || c.size >= autoIndexMin
	if o.fresh {
		return c
	}
	g, err := heapindex.Open(c.path, c.id)
	if err == nil {
		now := time.Now()
		os.Chtimes(c.path, now, now) // recently used: trimmed last
		c.g = g
		return c
	}
	if !errors.Is(err, fs.ErrNotExist) {
		if !quiet {
			fmt.Fprintf(env.Stderr, "note: ignoring the index %s (%v); analysing the snapshot\n", c.path, err)
		}
		os.Remove(c.path)
	}
	return c
}

// openSummary reads the Summary view from path's index without mapping
// its arrays (summary needs nothing else), or returns nil when there is
// no usable index with saved rows; the full load then says why and
// analyses the snapshot.
func (o indexOptions) openSummary(path string) *heapindex.Summary {
	if o.off || o.fresh || os.Getenv("LEAKHOUND_NO_INDEX") != "" {
		return nil
	}
	dir, err := o.indexDir()
	if err != nil {
		return nil
	}
	id, err := heapindex.Identify(path)
	if err != nil {
		return nil
	}
	p := filepath.Join(dir, id.Name())
	s, err := heapindex.OpenSummary(p, id)
	if err != nil {
		return nil
	}
	now := time.Now()
	os.Chtimes(p, now, now) // recently used: trimmed last
	return s
}

// save writes g's index atomically after checking free space, and returns
// a note for the user (or why it was not written). When ctx is cancelled
// (Ctrl-C) it stops within a chunk and removes what it wrote. bar, when
// set, makes a progress bar for the index's size that counts the bytes
// written.
func (c *indexCache) save(ctx context.Context, g *heapgraph.Graph, bar func(total int64) *ui.Progress) string {
	size, err := heapindex.Size(g)
	if err != nil {
		return "note: no index written: " + err.Error()
	}
	dir := filepath.Dir(c.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "note: no index written: " + err.Error()
	}
	free, err := inspector.FreeDisk(dir)
	if err != nil {
		return "note: no index written: " + err.Error()
	}
	if free-size < indexReserve {
		return fmt.Sprintf("note: no index written: it needs %s and %s has %s free", ui.Bytes(size), dir, ui.Bytes(free))
	}
	// The snapshot must not have changed while it was analysed.
	if id, err := heapindex.Identify(c.snap); err != nil || id != c.id {
		return "note: no index written: the snapshot changed while it was read"
	}
	// The analysis's temporaries are freed but their pages still count
	// in the resident set; handing them back first keeps the index's own
	// arrays (the id order, the retainer index in pieces) from adding to
	// them.
	debug.FreeOSMemory()
	var p *ui.Progress
	if bar != nil {
		p = bar(size)
		defer p.Done()
	}
	err = writeFileAtomicAt(c.path, func(f *os.File) error {
		_, err := heapindex.Write(chunkedWriterAt{ctx, f, p}, g, c.id)
		return err
	})
	if err != nil {
		if ctx.Err() != nil {
			return "note: no index written: interrupted"
		}
		return "note: no index written: " + err.Error()
	}
	trimIndexes(dir, c.path)
	return fmt.Sprintf("index written: %s (%s, snapshot %s)", c.path, ui.Bytes(size), ui.Bytes(c.size))
}

// chunkedWriterAt writes an index's arrays (up to gigabytes each) a chunk
// at a time, so that Ctrl-C stops it within a chunk, and counts the bytes
// for a progress bar.
type chunkedWriterAt struct {
	ctx context.Context
	w   io.WriterAt
	bar *ui.Progress
}

const writeChunk = 16 << 20

func (c chunkedWriterAt) WriteAt(b []byte, off int64) (int, error) {
	n := 0
	for n < len(b) {
		if err := c.ctx.Err(); err != nil {
			return n, err
		}
		m, err := c.w.WriteAt(b[n:n+min(writeChunk, len(b)-n)], off+int64(n))
		n += m
		c.bar.Add(int64(m))
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// laterIndex is an index to write once the command has given its answer
// (see indexOptions.later).
type laterIndex struct {
	cache *indexCache
	g     *heapgraph.Graph
	quiet bool
}

// writeLaterIndex writes the index a command left for after its answer,
// with a progress bar; Ctrl-C skips it (the answer is out) and exits 130.
func (env *Env) writeLaterIndex(ctx context.Context) error {
	l := env.later
	env.later = nil
	if l == nil {
		return nil
	}
	note := l.cache.save(ctx, l.g, func(total int64) *ui.Progress {
		return ui.NewProgress(env.Stderr, "writing the index for next time (Ctrl-C skips it)", total, !l.quiet)
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	if !l.quiet {
		fmt.Fprintln(env.Stderr, note)
	}
	return nil
}

// trimIndexes removes the least recently used indexes in dir beyond
// indexBudget, never keep.
func trimIndexes(dir, keep string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), heapindex.Ext+".tmp-") {
			// A write that was killed (a crash, kill -9) left its temporary
			// file; one being written now changes every few seconds.
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTemp {
				os.Remove(filepath.Join(dir, e.Name()))
			}
			continue
		}
		if !strings.HasSuffix(e.Name(), heapindex.Ext) {
			continue
		}
		if info, err := e.Info(); err == nil && info.Mode().IsRegular() {
			files = append(files, file{filepath.Join(dir, e.Name()), info.Size(), info.ModTime()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].used.After(files[j].used) })
	var total int64
	for _, f := range files {
		total += f.size
		if total > indexBudget && f.path != keep {
			os.Remove(f.path)
		}
	}
}

func runIndex(ctx context.Context, env *Env, args []string) error {
	c := commands["index"]
	fs := NewFlags(env, c)
	o := indexOptions{force: true}
	fs.StringVar(&o.dir, "index-dir", "", "where to write the index (default: the user cache directory's leakhound/)")
	fs.BoolVar(&o.fresh, "force", false, "write a new index even if a valid one exists")
	quiet := fs.Bool("quiet", false, "no progress bar on stderr")
	pos, err := ParseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return BadInputf("index needs at least one snapshot FILE")
	}
	for _, file := range pos {
		cache := o.open(env, file, *quiet)
		if cache.g != nil {
			fmt.Fprintf(env.Stdout, "%s: index is up to date: %s\n", file, cache.path)
			continue
		}
		if cache.path == "" {
			if _, err := os.Stat(file); err != nil {
				return BadInputf("%s: no such file", file)
			}
			return fmt.Errorf("%s: cannot find a place for its index", file)
		}
		// Load without the automatic index, then write it here so a
		// failure is this command's error, not a note.
		g, err := loadGraph(ctx, env, file, *quiet, indexOptions{off: true}, nil)
		if err != nil {
			return err
		}
		note := cache.save(ctx, g, nil)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !strings.HasPrefix(note, "index written") {
			return errors.New(strings.TrimPrefix(note, "note: "))
		}
		fmt.Fprintf(env.Stdout, "%s: %s\n", file, note)
	}
	return nil
}

// serverIndex gives a long-running server's loader (mcp) the same index
// policy as LoadGraph: open re-opens path's index (nil if none), saved
// writes one after path was analysed. Notes go to env.Stderr.
func serverIndex(env *Env) (open func(string) *heapgraph.Graph, saved func(string, *heapgraph.Graph)) {
	opts := indexOptions{}
	if env.index != nil {
		opts = *env.index
	}
	var mu sync.Mutex
	pending := map[string]*indexCache{}
	open = func(path string) *heapgraph.Graph {
		c := opts.open(env, path, false)
		if c.g == nil && c.write {
			mu.Lock()
			pending[path] = c
			mu.Unlock()
		}
		return c.g
	}
	saved = func(path string, g *heapgraph.Graph) {
		mu.Lock()
		c := pending[path]
		delete(pending, path)
		mu.Unlock()
		if c != nil {
			fmt.Fprintln(env.Stderr, c.save(context.Background(), g, nil))
		}
	}
	return open, saved
}
