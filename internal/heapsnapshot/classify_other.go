//go:build !amd64 || purego

package heapsnapshot

import "unsafe"

// Elsewhere the per-number scanner reads everything: marking digits eight
// bytes at a time without vector compares measured no faster (bench/perf.md),
// and arm64's NEON version is not written yet.
const hasClassify = false

func classify(b []byte, d, c, v []uint64) { panic("classify: no vector unit") }

func blockNumbersFast(at, o unsafe.Pointer, k int, starts, ends uint64, across uintptr) (int, bool) {
	return blockNumbers(at, o, k, starts, ends, across)
}
