//go:build amd64 && !purego

package heapsnapshot

import "golang.org/x/sys/cpu"

// classifyAVX2 writes, for each of the blocks 64-byte blocks at src, one
// bit a byte: digits into d, commas into c, and bytes that may appear in a
// number list at all (digits, commas, JSON whitespace) into v.
//
//go:noescape
func classifyAVX2(src *byte, blocks int, d, c, v *uint64)

var hasClassify = cpu.X86.HasAVX2

// classify fills d, c and v for the len(d) blocks at the start of b.
func classify(b []byte, d, c, v []uint64) {
	_ = b[64*len(d)-1]
	_, _ = c[len(d)-1], v[len(d)-1]
	classifyAVX2(&b[0], len(d), &d[0], &c[0], &v[0])
}
