package heapsnapshot

import (
	"bytes"
	"encoding/binary"
	"io"
	"math"
	"math/bits"
	"runtime"
	"sync"
)

// The nodes and edges arrays are nearly all of a snapshot. They are read in
// chunks cut just after a comma; workers parse chunks into numbers in
// parallel, learn from their predecessor how many numbers came before them,
// and then write straight into the preallocated columns.
const chunkPad = 16 // lets the number scanner load 8 bytes past any digit

// Variables so that tests can exercise chunk boundaries on small inputs.
var (
	chunkSize = 512 << 10
	// parallelMin is the input size below which arrays are read serially:
	// goroutines and chunk buffers only pay off for big arrays.
	parallelMin int64 = 4 << 20
)

// sink receives the numbers of one array, addressed by their index in it.
type sink interface {
	// parallel reports whether scatter may run concurrently on disjoint
	// ranges, i.e. the destination is already allocated for the header's count.
	parallel() bool
	// ensure makes room for total numbers (serial use only).
	ensure(total, off int64) error
	// scatter stores vals as numbers start.. of the array.
	scatter(start int64, vals []uint32, off int64) error
	// close checks and trims once all total numbers have arrived.
	close(total, off int64) error
}

// signedSink is a sink whose numbers may be written negative: the edges,
// whose element indexes of 2^31 and above node 24 and later write as
// int32 (-2 for 4294967294, where node 22 writes 4294967294). They are
// kept as the uint32 with the same bits.
type signedSink interface{ signed() bool }

func signed(sk sink) bool {
	s, ok := sk.(signedSink)
	return ok && s.signed()
}

type rawSink struct {
	vals []uint32
	done func([]uint32)
}

func (r *rawSink) parallel() bool            { return false }
func (r *rawSink) ensure(int64, int64) error { return nil }
func (r *rawSink) scatter(_ int64, v []uint32, _ int64) error {
	r.vals = append(r.vals, v...)
	return nil
}
func (r *rawSink) close(int64, int64) error { r.done(r.vals); return nil }

func allWS(b []byte) bool {
	for _, c := range b {
		if !isWS(c) {
			return false
		}
	}
	return true
}

// uintArray reads a JSON array of unsigned integers (the opening '[' is
// consumed), handing the numbers to sk.
func (p *parser) uintArray(sk sink) error {
	p.valuesRead.Store(0)
	w := p.workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	if r := p.remaining(); w >= 2 && sk.parallel() && (r < 0 || r >= parallelMin) {
		return p.uintArrayParallel(sk, w)
	}
	return p.uintArraySerial(sk)
}

func (p *parser) uintArraySerial(sk sink) error {
	first := true
	var vals []uint32
	var total int64
	neg := signed(sk)
	emit := func(b []byte, final bool) error {
		off := p.off()
		if final && first && allWS(b) {
			return nil
		}
		first = false
		if !final {
			b = b[:len(b)-1] // the comma we cut after
		}
		var bad int
		var msg string
		vals, bad, msg = parseUints(b, vals[:0], neg)
		if bad >= 0 {
			return p.errAt(off+int64(bad), "%s", msg)
		}
		if err := sk.ensure(total+int64(len(vals)), off); err != nil {
			return err
		}
		if err := sk.scatter(total, vals, off); err != nil {
			return err
		}
		total += int64(len(vals))
		p.valuesRead.Store(total)
		return nil
	}
	for {
		b := p.buf[p.pos:p.end]
		if i := bytes.IndexByte(b, ']'); i >= 0 {
			if err := emit(b[:i], true); err != nil {
				return err
			}
			p.pos += i + 1
			return sk.close(total, p.off())
		}
		if j := bytes.LastIndexByte(b, ','); j >= 0 {
			if err := emit(b[:j+1], false); err != nil {
				return err
			}
			p.pos += j + 1
		} else if len(b) > 64 {
			// No separator in a long run: only leading whitespace is legal.
			k := 0
			for k < len(b) && isWS(b[k]) {
				k++
			}
			if len(b)-k > 32 {
				return p.errAt(p.off()+int64(k), "expected a number of at most 10 digits followed by ',' or ']'")
			}
			p.pos += k
		}
		if !p.fill() {
			return p.eofErr()
		}
	}
}

type numJob struct {
	buf         []byte
	n           int // chunk length in buf
	final, frst bool
	off         int64
	idx         int
	start, cnt  int64 // index in the array of the chunk's first number; count
}

// uintArrayParallel splits the array into chunks cut after a comma. Since
// commas separate numbers, counting them (fast, vectorised) tells each chunk
// where its numbers go before anyone parses it, so workers parse and store
// independently.
func (p *parser) uintArrayParallel(sk sink, workers int) error {
	neg := signed(sk)
	maxBufs := workers + 3
	pool := make(chan []byte, maxBufs)
	allocated := 0
	get := func(min int) []byte {
		if min <= chunkSize/2 {
			select {
			case b := <-pool:
				return b
			default:
			}
			if allocated < maxBufs {
				allocated++
				return make([]byte, chunkSize+chunkPad)
			}
			return <-pool
		}
		return make([]byte, min+chunkSize+chunkPad) // rare: a long carried-over run
	}
	// Only standard buffers are pooled (and all of them fit); an oversized
	// one, made for a long carried-over run, is left to the GC.
	put := func(b []byte) {
		if cap(b) == chunkSize+chunkPad {
			pool <- b
		}
	}
	jobs := make(chan *numJob, workers)
	var (
		errMu    sync.Mutex
		firstErr error
		errIdx   = math.MaxInt
		wg       sync.WaitGroup
	)
	setErr := func(idx int, err error) {
		errMu.Lock()
		if idx < errIdx {
			errIdx, firstErr = idx, err
		}
		errMu.Unlock()
		p.failed.Store(true)
	}
	for k := 0; k < workers; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vals := make([]uint32, 0, chunkSize/2+1)
			for j := range jobs {
				if !p.failed.Load() && j.cnt > 0 {
					b := j.buf[:j.n]
					if !j.final {
						b = b[:len(b)-1]
					}
					var err error
					v, bad, msg := parseUints(b, vals[:0], neg)
					switch {
					case bad >= 0:
						err = p.errAt(j.off+int64(bad), "%s", msg)
					case int64(len(v)) != j.cnt:
						err = p.errAt(j.off, "malformed number list")
					default:
						err = sk.scatter(j.start, v, j.off)
					}
					if err != nil {
						setErr(j.idx, err)
					}
				}
				put(j.buf)
			}
		}()
	}

	carry := append([]byte(nil), p.buf[p.pos:p.end]...)
	abs := p.off()
	p.pos = p.end
	first, idx := true, 0
	var total int64
	var result error
	dispatch := func(buf []byte, n int, final bool) {
		chunk := buf[:n]
		cnt := int64(bytes.Count(chunk, []byte{','}))
		if final && !(first && allWS(chunk)) {
			cnt++
		}
		jobs <- &numJob{buf: buf, n: n, final: final, frst: first, off: abs, idx: idx, start: total, cnt: cnt}
		total += cnt
		p.valuesRead.Store(total)
		idx++
		first = false
	}
	for !p.failed.Load() {
		buf := get(len(carry))
		limit := len(buf) - chunkPad
		n := copy(buf, carry)
		for n < limit && !p.eof {
			m, err := p.r.Read(buf[n:limit])
			n += m
			if err != nil {
				p.eof = true
				if err != io.EOF {
					p.rerr = err
				}
			}
		}
		data := buf[:n]
		if i := bytes.IndexByte(data, ']'); i >= 0 {
			// Hand what follows the array back to the structural parser.
			rest := data[i+1:]
			if len(p.buf) < len(rest) {
				p.buf = make([]byte, max(len(rest), minBuf))
			}
			p.end, p.pos = copy(p.buf, rest), 0
			p.base = abs + int64(i+1)
			carry = carry[:0]
			dispatch(buf, i, true)
			break
		}
		j := bytes.LastIndexByte(data, ',')
		if j < 0 {
			if p.eof {
				carry = append(carry[:0], data...)
				put(buf)
				result = errTruncated
				break
			}
			// A whole chunk without a separator: only whitespace is legal.
			k := 0
			for k < n && isWS(data[k]) {
				k++
			}
			if n-k > 32 {
				result = p.errAt(abs+int64(k), "expected a number of at most 10 digits followed by ',' or ']'")
				put(buf)
				break
			}
			carry = append(carry[:0], data[k:]...)
			abs += int64(k)
			put(buf)
			continue
		}
		carry = append(carry[:0], data[j+1:]...)
		dispatch(buf, j+1, false)
		abs += int64(j + 1)
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if result == errTruncated {
		// Leave the unparsed tail where eofErr measures the offset.
		if len(p.buf) < len(carry) {
			p.buf = make([]byte, len(carry))
		}
		p.end, p.pos = copy(p.buf, carry), 0
		p.base = abs
		return p.eofErr()
	}
	if result != nil {
		return result
	}
	return sk.close(total, p.off())
}

var errTruncated = &FormatError{Msg: "truncated"}

// Masks for scanning eight bytes at a time.
const (
	hiNibbles = 0xF0F0F0F0F0F0F0F0
	loNibbles = 0x0F0F0F0F0F0F0F0F
	all3      = 0x3030303030303030
	all6      = 0x0606060606060606
)

// digits8 is the value of the eight decimal digits in d, one a byte (0-9),
// the first in the lowest byte: pairs, then fours, then all eight are
// combined by three multiplications.
func digits8(d uint64) uint64 {
	d = (d * 2561) >> 8
	d = ((d & 0x00FF00FF00FF00FF) * 6553601) >> 16
	return ((d & 0x0000FFFF0000FFFF) * 42949672960001) >> 32
}

// parseUints parses "n, n, n" (JSON whitespace allowed) appending to dst. On
// error it returns the byte index of the problem and a message, else -1.
// With neg, a number may be negative down to -2^31, kept as the uint32
// with the same bits (see signedSink); else a negative one is an error.
//
// Digits are found and converted eight bytes at a time (SWAR). Bytes past
// len(b) (up to cap(b)) may be loaded but never used: the digit count is
// clamped to len(b).
func parseUints(b []byte, dst []uint32, neg bool) ([]uint32, int, string) {
	n := len(b)
	full := b[:cap(b)]
	if cap(dst)-len(dst) < n/2+1 {
		nd := make([]uint32, len(dst), len(dst)+n/2+1)
		copy(nd, dst)
		dst = nd
	}
	// At most (n+1)/2 numbers fit in n bytes, so out never overflows.
	k := len(dst)
	out := dst[:cap(dst)]
	i := 0
	if useBlocks && n >= 256 {
		i, k = blockUints(b, out, k)
	}
	for {
		var v uint64
		start := i
		if i+8 <= len(full) {
			w := binary.LittleEndian.Uint64(full[i:])
			// A byte is a digit iff its high nibble is 3 and adding 6 keeps
			// it so. Carries only run upward from a non-digit, so the first
			// non-digit is found correctly.
			z := (w&hiNibbles ^ all3) | ((w+all6)&hiNibbles ^ all3)
			nd := bits.TrailingZeros64(z) >> 3
			if uint(nd-1) < 7 && nd <= n-i {
				out[k] = uint32(digits8((w & loNibbles) << (uint(8-nd) * 8)))
				k++
				i += nd
				// The bytes after the digits are in w: V8's separators ","
				// and "\n," (after each row) cost no load.
				if i < n {
					c := byte(w >> (uint(nd) * 8))
					if c == ',' {
						i++
						continue
					}
					if c == '\n' && nd < 7 && i+1 < n && byte(w>>(uint(nd+1)*8)) == ',' {
						i += 2
						continue
					}
				}
				goto separator
			}
			// Eight digits fill the word (node ids and edge targets of big
			// heaps): convert them, then take up to two more one by one.
			if nd == 8 && i+8 <= n {
				v = digits8(w & loNibbles)
				j := i + 8
				for ; j < n && j < i+10; j++ {
					c := b[j] - '0'
					if c > 9 {
						break
					}
					v = v*10 + uint64(c)
				}
				// An eleventh digit or a value past 32 bits: the general
				// case says what is wrong.
				if v <= math.MaxUint32 && (j == n || b[j]-'0' > 9) {
					out[k] = uint32(v)
					k++
					i = j
					if i < n && b[i] == ',' {
						i++
						continue
					}
					goto separator
				}
				v = 0
			}
		}
		// General case: whitespace, long numbers, the end of the buffer, errors.
		for i < n && isWS(b[i]) {
			i++
		}
		if i == n {
			return out[:k], i, "expected a number, found ',' or ']'"
		}
		start = i
		for i < n {
			d := b[i] - '0'
			if d > 9 {
				break
			}
			v = v*10 + uint64(d)
			i++
			if v > math.MaxUint32 {
				return out[:k], start, "number out of range: larger than 4294967295"
			}
		}
		if i == start && b[i] == '-' && neg {
			j := i + 1
			for j < n && b[j]-'0' <= 9 {
				v = v*10 + uint64(b[j]-'0')
				j++
				if v > 1<<31 {
					return out[:k], start, "number out of range: below -2147483648"
				}
			}
			if j > i+1 {
				out[k] = uint32(-int64(v))
				k++
				i = j
				goto separator
			}
		}
		if i == start {
			if b[i] == '-' {
				return out[:k], i, "number out of range: negative"
			}
			return out[:k], i, "expected an unsigned integer, found " + quoteByte(b[i])
		}
		out[k] = uint32(v)
		k++
	separator:
		for i < n && isWS(b[i]) {
			i++
		}
		if i == n {
			return out[:k], -1, ""
		}
		if b[i] != ',' {
			if b[i] == '.' || b[i] == 'e' || b[i] == 'E' {
				return out[:k], start, "expected an unsigned integer, found a fraction or exponent"
			}
			return out[:k], i, "expected ',' or ']', found " + quoteByte(b[i])
		}
		i++
	}
}
