package heapindex

import "syscall"

// dropPages gives a private file mapping's pages back; touching them again
// reads the file anew.
func dropPages(b []byte) { syscall.Madvise(b, syscall.MADV_DONTNEED) }
