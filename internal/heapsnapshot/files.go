package heapsnapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// IsSnapshotName reports whether a file name looks like a heap snapshot
// (.heapsnapshot, or .heapsnapshot.gz).
func IsSnapshotName(name string) bool {
	return strings.HasSuffix(name, ".heapsnapshot") || strings.HasSuffix(name, ".heapsnapshot.gz")
}

// SeriesInDir lists the heap snapshots in dir in natural order (Heap-8
// before Heap-10), the order in which node and leakhound number them. It
// refuses a folder with none.
func SeriesInDir(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && IsSnapshotName(n) {
			files = append(files, filepath.Join(dir, n))
		}
	}
	sort.Slice(files, func(i, j int) bool { return NaturalLess(files[i], files[j]) })
	if len(files) == 0 {
		return nil, fmt.Errorf("%s holds no heap snapshot (*.heapsnapshot, *.heapsnapshot.gz)", dir)
	}
	return files, nil
}

// NaturalLess orders strings with runs of digits compared as numbers.
func NaturalLess(a, b string) bool {
	for a != "" && b != "" {
		da, db := digitRun(a), digitRun(b)
		if da > 0 && db > 0 {
			na, nb := strings.TrimLeft(a[:da], "0"), strings.TrimLeft(b[:db], "0")
			if len(na) != len(nb) {
				return len(na) < len(nb)
			}
			if na != nb {
				return na < nb
			}
			a, b = a[da:], b[db:]
			continue
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		a, b = a[1:], b[1:]
	}
	return len(a) < len(b)
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
