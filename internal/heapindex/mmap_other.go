//go:build !unix

package heapindex

import "os"

// mapFile reads the whole file: this system has no syscall.Mmap.
func mapFile(f *os.File, size int64) ([]byte, func(), error) {
	b, err := readAll(f, size)
	return b, func() {}, err
}
