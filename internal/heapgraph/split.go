package heapgraph

import "sync"

// splitMin is the node count from which a pass is split over two cores
// (a variable so that tests can exercise the split on small graphs).
var splitMin uint32 = 1 << 16

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
