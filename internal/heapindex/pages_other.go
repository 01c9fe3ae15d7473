//go:build !linux

package heapindex

// dropPages does nothing here: the kernel reclaims the clean pages of the
// mapping under memory pressure anyway.
func dropPages([]byte) {}
