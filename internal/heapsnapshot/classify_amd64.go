//go:build amd64 && !purego

package heapsnapshot

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// classifyAVX2 writes, for each of the blocks 64-byte blocks at src, one
// bit a byte: digits into d, commas into c, and bytes that may appear in a
// number list at all (digits, commas, JSON whitespace) into v.
//
//go:noescape
func classifyAVX2(src *byte, blocks int, d, c, v *uint64)

// blockNumbersAsm is blockNumbers for o pointing at out[k]: it returns
// how many numbers it stored.
//
//go:noescape
func blockNumbersAsm(at, o unsafe.Pointer, starts, ends uint64, across uintptr) (n int, ok bool)

// The block scanner needs AVX2 to classify, and its number loop BMI1 and
// BMI2 (every CPU with AVX2 has them, but they are separate flags).
var hasClassify = cpu.X86.HasAVX2 && cpu.X86.HasBMI1 && cpu.X86.HasBMI2

func blockNumbersFast(at, o unsafe.Pointer, k int, starts, ends uint64, across uintptr) (int, bool) {
	if !useBlockAsm {
		return blockNumbers(at, o, k, starts, ends, across)
	}
	n, ok := blockNumbersAsm(at, unsafe.Add(o, k*4), starts, ends, across)
	return k + n, ok
}

// classify fills d, c and v for the len(d) blocks at the start of b.
func classify(b []byte, d, c, v []uint64) {
	_ = b[64*len(d)-1]
	_, _ = c[len(d)-1], v[len(d)-1]
	classifyAVX2(&b[0], len(d), &d[0], &c[0], &v[0])
}
