//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package heapindex

import "os"

// mapFile reads the whole file: syscall.Mmap is not used on this system.
func mapFile(f *os.File, size int64) (data []byte, unmap, release func(), err error) {
	b, err := readAll(f, size)
	return b, func() {}, func() {}, err
}
