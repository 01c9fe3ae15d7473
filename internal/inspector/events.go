package inspector

import (
	"sync"

	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
)

// subscription receives the params of one event method. Events are either
// handed to a callback on the read loop (Handle) or queued without bound and
// forwarded to a channel (Subscribe): the read loop never blocks on a slow
// subscriber and no event is dropped.
type subscription struct {
	fn func(jsonv2.Value) // Handle

	mu    sync.Mutex
	queue []jsonv2.Value
	wake  chan struct{} // cap 1
	ended bool
	out   chan jsonv2.Value
	quit  chan struct{}
	once  sync.Once
}

func (s *subscription) push(v jsonv2.Value) {
	if s.fn != nil {
		s.fn(v)
		return
	}
	s.mu.Lock()
	s.queue = append(s.queue, v)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// end stops the subscription after what is queued has been delivered.
func (s *subscription) end() {
	if s.fn != nil {
		return
	}
	s.mu.Lock()
	s.ended = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscription) forward() {
	defer close(s.out)
	for {
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		ended := s.ended
		s.mu.Unlock()
		for _, v := range q {
			select {
			case s.out <- v:
			case <-s.quit:
				return
			}
		}
		if ended && len(q) == 0 {
			return
		}
		if len(q) > 0 {
			continue
		}
		select {
		case <-s.wake:
		case <-s.quit:
			return
		}
	}
}

// Subscribe starts buffering the events named method ("HeapProfiler.addHeapSnapshotChunk")
// and returns a channel of their params, in arrival order. No event that
// arrives after Subscribe returns is lost: events queue without bound until
// read. The channel is closed after cancel, or when the connection ends (once
// the queued events have been read). Implements cdp.Session; convert an event
// with json.RawMessage(v) when using encoding/json.
func (c *Conn) Subscribe(method string) (<-chan jsonv2.Value, func()) {
	s := &subscription{
		wake: make(chan struct{}, 1),
		out:  make(chan jsonv2.Value),
		quit: make(chan struct{}),
	}
	go s.forward()
	if !c.addSub(method, s) {
		s.end()
	}
	cancel := func() {
		s.once.Do(func() {
			c.removeSub(method, s)
			close(s.quit)
		})
	}
	return s.out, cancel
}

// Handle calls fn with the params of every event named method, in order, on
// the connection's read loop, until the returned cancel is called. Events a
// handler has seen are all delivered before the response of any later
// command, so after Call returns, fn has run for every event the target sent
// before answering (this is how snapshot chunks are streamed). fn must be
// quick and must not call Conn methods that wait for the target: the read
// loop waits for it. v is only valid during the call.
func (c *Conn) Handle(method string, fn func(v jsonv2.Value)) (cancel func()) {
	s := &subscription{fn: fn}
	c.addSub(method, s)
	var once sync.Once
	return func() { once.Do(func() { c.removeSub(method, s) }) }
}

func (c *Conn) addSub(method string, s *subscription) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.subs == nil {
		return false
	}
	c.subs[method] = append(c.subs[method], s)
	return true
}

func (c *Conn) removeSub(method string, s *subscription) {
	c.mu.Lock()
	defer c.mu.Unlock()
	list := c.subs[method]
	for i, x := range list {
		if x == s {
			// Copy so a dispatch holding the old slice is unaffected.
			nl := make([]*subscription, 0, len(list)-1)
			nl = append(nl, list[:i]...)
			nl = append(nl, list[i+1:]...)
			if len(nl) == 0 {
				delete(c.subs, method)
			} else {
				c.subs[method] = nl
			}
			return
		}
	}
}

func (c *Conn) dispatchEvent(method string, params jsonv2.Value) {
	c.mu.Lock()
	list := c.subs[method]
	c.mu.Unlock()
	for _, s := range list {
		s.push(params)
	}
}

// Decode decodes an event's params (or any CDP JSON) into out, with the
// options every message uses. Use it for cdproto's generated event types,
// whose tags need the JSON v2 rules.
func Decode(v jsonv2.Value, out any) error { return jsonv2.Unmarshal(v, out, jsonOpts) }
