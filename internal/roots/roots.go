// Package roots holds the folders a server may read files from (mcp's and
// serve's --root), and checks paths against them.
package roots

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Set is the folders a server may read. A path is checked after symbolic
// links are resolved, so a link inside a root cannot lead out.
type Set struct {
	dirs  []string // real paths (symbolic links resolved)
	given []string // absolute paths as given, for the check before resolving
}

// New checks the folders given (the current directory when there are none).
func New(dirs []string) (*Set, error) {
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	r := &Set{}
	for _, d := range dirs {
		abs, err := filepath.Abs(d)
		if err != nil {
			return nil, err
		}
		real, err := filepath.EvalSymlinks(abs)
		if err != nil {
			return nil, fmt.Errorf("--root %s: %w", d, err)
		}
		if st, err := os.Stat(real); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--root %s is not a folder", d)
		}
		r.dirs = append(r.dirs, real)
		r.given = append(r.given, abs)
	}
	return r, nil
}

// First is the first root, where relative paths start.
func (r *Set) First() string { return r.dirs[0] }

// Check returns the real path of p (relative paths are taken from the first
// root) or an error when it is outside every root or does not exist. The
// path is checked as written first, so that a hostile path is refused as
// such whether or not it exists, then again with links resolved.
func (r *Set) Check(p string) (string, error) {
	if p == "" {
		return "", fmt.Errorf("no path given")
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.dirs[0], p)
	}
	p = filepath.Clean(p)
	if !under(p, r.dirs) && !under(p, r.given) {
		return "", r.outside(p)
	}
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		if os.IsNotExist(err) {
			return "", fmt.Errorf("%s: no such file", p)
		}
		return "", err
	}
	if !under(real, r.dirs) {
		return "", r.outside(p)
	}
	return real, nil
}

// Allows reports whether p is an existing path under a root.
func (r *Set) Allows(p string) bool {
	_, err := r.Check(p)
	return err == nil
}

// Real is Check as a yes or no: p's real path when it may be read (what
// leak.SourcesUnder takes).
func (r *Set) Real(p string) (string, bool) {
	real, err := r.Check(p)
	return real, err == nil
}

func under(p string, dirs []string) bool {
	for _, d := range dirs {
		if p == d || strings.HasPrefix(p, d+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

func (r *Set) outside(p string) error {
	return fmt.Errorf("%s is outside the folders this server may read (%s); start it with --root to allow more", p, strings.Join(r.dirs, ", "))
}
