package heapgraph

import (
	"runtime"
	"sync"
)

// splitMin is the node count from which a pass is split over two cores
// (a variable so that tests can exercise the split on small graphs).
var splitMin uint32 = 1 << 16

// splits reports whether a pass over n nodes is worth splitting: the
// graph is big enough and there is a second core.
func splits(n uint32) bool { return n >= splitMin && runtime.GOMAXPROCS(0) > 1 }

// both runs f and g, on two goroutines when split is set; a panic in
// either reaches the caller (Build turns it into an error).
func both(split bool, f, g func()) {
	if !split {
		f()
		g()
		return
	}
	var wg sync.WaitGroup
	var caught any
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() { caught = recover() }()
		f()
	}()
	g()
	wg.Wait()
	if caught != nil {
		panic(caught)
	}
}
