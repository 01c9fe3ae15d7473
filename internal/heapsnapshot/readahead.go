package heapsnapshot

import "io"

// readahead decompresses in its own goroutine, so that inflating gzip (one
// core's worth of work) overlaps with parsing instead of alternating with it.
type readahead struct {
	full chan raBuf
	free chan []byte
	done chan struct{}
	buf  []byte // the buffer cur points into
	cur  []byte
	err  error
}

type raBuf struct {
	b   []byte
	err error
}

const raBufSize = 1 << 20

func newReadahead(r io.Reader) *readahead {
	ra := &readahead{full: make(chan raBuf, 2), free: make(chan []byte, 3), done: make(chan struct{})}
	for i := 0; i < 3; i++ {
		ra.free <- make([]byte, raBufSize)
	}
	go func() {
		for {
			var b []byte
			select {
			case b = <-ra.free:
			case <-ra.done:
				return
			}
			// Fill the buffer, passing errors through as they are (a
			// truncated gzip stream reports io.ErrUnexpectedEOF itself).
			n := 0
			var err error
			for n < len(b) && err == nil {
				var m int
				m, err = r.Read(b[n:])
				n += m
			}
			select {
			case ra.full <- raBuf{b[:n], err}:
			case <-ra.done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readahead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		rb := <-ra.full
		ra.buf, ra.cur, ra.err = rb.b, rb.b, rb.err
		if len(ra.cur) == 0 && ra.err == nil {
			continue
		}
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}

// Close stops the goroutine (it may finish a read in progress first).
func (ra *readahead) Close() { close(ra.done) }
