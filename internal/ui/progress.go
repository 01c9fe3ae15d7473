package ui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Progress draws a one-line progress bar on a terminal for work that takes
// more than a second. It stays silent when the writer is not a terminal or
// when disabled, so scripts and CI logs never see control characters.
//
// Add is safe to call from any goroutine and costs one atomic add; drawing
// happens on a ticker goroutine.
type Progress struct {
	w       io.Writer
	label   string
	total   int64
	done    atomic.Int64
	start   time.Time
	stop    chan struct{}
	wg      sync.WaitGroup
	drawn   atomic.Bool
	enabled bool
	labelMu sync.Mutex
}

// NewProgress starts a progress bar for total bytes (0 if unknown). It draws
// nothing during the first second. enabled=false gives a no-op bar.
func NewProgress(w io.Writer, label string, total int64, enabled bool) *Progress {
	p := &Progress{w: w, label: label, total: total, start: time.Now(), stop: make(chan struct{}),
		enabled: enabled && IsTerminal(w)}
	if p.enabled {
		p.wg.Add(1)
		go p.loop()
	}
	return p
}

func (p *Progress) Add(n int64) {
	if p != nil {
		p.done.Add(n)
	}
}

// Set records absolute progress.
func (p *Progress) Set(n int64) {
	if p != nil {
		p.done.Store(n)
	}
}

// SetLabel changes the phase shown ("parsing", "dominators", ...).
func (p *Progress) SetLabel(s string) {
	if p == nil || !p.enabled {
		return
	}
	p.labelMu.Lock()
	p.label = s
	p.labelMu.Unlock()
}

func (p *Progress) loop() {
	defer p.wg.Done()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			if time.Since(p.start) >= time.Second {
				p.draw()
			}
		}
	}
}

func (p *Progress) draw() {
	done := p.done.Load()
	el := time.Since(p.start).Seconds()
	rate := float64(done) / el / (1024 * 1024)
	p.labelMu.Lock()
	label := p.label
	p.labelMu.Unlock()
	var line string
	if p.total > 0 {
		frac := float64(done) / float64(p.total)
		if frac > 1 {
			frac = 1
		}
		const width = 30
		n := int(frac * width)
		line = fmt.Sprintf("\r%s [%s%s] %5.1f%%  %s / %s  %.0f MB/s ", label,
			strings.Repeat("=", n), strings.Repeat(" ", width-n), frac*100,
			Bytes(done), Bytes(p.total), rate)
	} else {
		line = fmt.Sprintf("\r%s %s  %.0f MB/s  %.1fs ", label, Bytes(done), rate, el)
	}
	fmt.Fprint(p.w, line+"\x1b[K")
	p.drawn.Store(true)
}

// Done stops the bar and clears its line.
func (p *Progress) Done() {
	if p == nil || !p.enabled {
		return
	}
	select {
	case <-p.stop:
		return
	default:
	}
	close(p.stop)
	p.wg.Wait()
	if p.drawn.Load() {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
