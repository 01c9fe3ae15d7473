//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package heapindex

import (
	"os"
	"syscall"
)

// mapFile maps the whole file privately: pages are read on first touch and
// shared with the page cache; a stray write would stay in this process.
// release gives the pages back once the graph is garbage; the mapping
// itself stays, so a slice kept past that still reads the file.
func mapFile(f *os.File, size int64) (data []byte, unmap, release func(), err error) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, nil, errorf("cannot map %d bytes", size)
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
	if err != nil {
		// Some filesystems cannot map files: read it instead.
		b, rerr := readAll(f, size)
		return b, func() {}, func() {}, rerr
	}
	return data, func() { syscall.Munmap(data) }, func() { dropPages(data) }, nil
}
