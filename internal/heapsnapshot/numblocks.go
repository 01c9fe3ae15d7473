package heapsnapshot

import (
	"math"
	"math/bits"
	"unsafe"
)

// blockWindow is how many 64-byte blocks are classified at a time: their
// masks (3 words a block) stay in the first-level cache.
const blockWindow = 64

// useBlocks turns the block scanner off, and useBlockAsm its number loop
// in assembly where there is one (tests compare the paths).
var (
	useBlocks   = hasClassify
	useBlockAsm = true
)

// blockUints parses the leading run of b that holds only digits, commas
// and JSON whitespace in number, comma, number order, 64 bytes at a time:
// the vector unit marks digits and commas a block at a time (classify),
// so a number's position and length come from its block's masks instead
// of from the number before it, and the numbers of a block are converted
// independently of one another (the per-number scanner's chain of loads
// is what bounds it). It stores the numbers in out from index k and
// returns where it stopped, just past a comma (or 0), and the new count;
// parseUints reads the rest, and so says what is wrong with bad input.
//
// Bytes from i on are never used, so the last block and anything after it
// are left to parseUints too.
func blockUints(b []byte, out []uint32, k int) (i, kOut int) {
	var d, c, v [blockWindow + 1]uint64
	nb := len(b) / 64
	kOut = k
	if cap(out) < k+len(b)/2+1 {
		return 0, k
	}
	o := unsafe.Pointer(unsafe.SliceData(out))
	number := true   // the next token is a number (else a comma)
	var carry uint64 // the byte before the block is a digit
	for base := 0; base+1 < nb; {
		w := min(blockWindow, nb-1-base)
		// One block more than processed: a number may run into it.
		classify(b[base*64:], d[:w+1], c[:w+1], v[:w+1])
		for j := 0; j < w; j++ {
			dj, cj := d[j], c[j]
			if v[j] != math.MaxUint64 {
				return i, kOut
			}
			starts := dj &^ (dj<<1 | carry)
			tokens := starts | cj
			// odd: an odd number of tokens up to and including this byte.
			odd := tokens
			odd ^= odd << 1
			odd ^= odd << 2
			odd ^= odd << 4
			odd ^= odd << 8
			odd ^= odd << 16
			odd ^= odd << 32
			if !number {
				odd = ^odd
			}
			// Numbers and commas alternate: numbers are the odd tokens.
			if starts&^odd != 0 || cj&odd != 0 {
				return i, kOut
			}
			off := (base + j) * 64
			// The last digit of each number; one that runs into the next
			// block has none here.
			ends := dj &^ (dj>>1 | d[j+1]<<63)
			if dj&carry != 0 {
				ends &= ends - 1 // the number the last block took
			}
			// Every load below is of 8 bytes at a digit of this block, and
			// the next block is in b, so the loads need no bounds checks;
			// out has room for one number per two bytes of b.
			// Where a number running into the next block ends.
			across := 63 + uintptr(bits.TrailingZeros64(^d[j+1]))
			at := unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), off)
			var ok bool
			if k, ok = blockNumbersFast(at, o, k, starts, ends, across); !ok {
				return i, kOut
			}
			if cj != 0 {
				// A clean place to stop: just past the block's last comma,
				// before the numbers that start after it.
				last := 63 - bits.LeadingZeros64(cj)
				i = off + last + 1
				kOut = k - bits.OnesCount64(starts>>uint(last+1))
			}
			number = number != (bits.OnesCount64(tokens)&1 == 1)
			carry = dj >> 63
		}
		base += w
	}
	return i, kOut
}

// blockNumbers stores from out[k] on (o is out's array) the numbers that
// start at the bits of starts in the block at at, whose last digits are
// the bits of ends in order (across for one that runs into the next
// block). It reports false, having stored only some, at a number of more
// than 10 digits or past 32 bits.
func blockNumbers(at, o unsafe.Pointer, k int, starts, ends uint64, across uintptr) (int, bool) {
	for s := starts; s != 0; s &= s - 1 {
		p := uintptr(bits.TrailingZeros64(s))
		e := uintptr(bits.TrailingZeros64(ends))
		ends &= ends - 1
		if e == 64 {
			e = across
		}
		x := *(*uint64)(unsafe.Add(at, p)) // little-endian: amd64 only
		var val uint64
		if e-p < 8 {
			val = digits8((x & loNibbles) << ((7 - (e - p)) * 8))
		} else {
			// 9 or 10 digits (node ids and edge targets of heaps of
			// millions of nodes): the first 8 from x, then one by one.
			if e-p > 9 {
				return k, false
			}
			val = digits8(x&loNibbles)*10 + uint64(*(*byte)(unsafe.Add(at, p+8))-'0')
			if e-p == 9 {
				val = val*10 + uint64(*(*byte)(unsafe.Add(at, p+9))-'0')
			}
			if val > math.MaxUint32 {
				return k, false
			}
		}
		*(*uint32)(unsafe.Add(o, k*4)) = uint32(val)
		k++
	}
	return k, true
}
