package inspector

import (
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/heapprofiler"
	cdpruntime "github.com/chromedp/cdproto/runtime"
)

// TestSitesViaProgramCode: an allocation in a builtin or in node's own
// scripts is attributed to the nearest caller in the program, skipping
// node's frames (listOnTimeout) in between; node's frame is the Via only
// when no program frame is on the stack.
func TestSitesViaProgramCode(t *testing.T) {
	id := int64(0)
	node := func(fn, url string, line int64, self float64, children ...*heapprofiler.SamplingHeapProfileNode) *heapprofiler.SamplingHeapProfileNode {
		id++
		return &heapprofiler.SamplingHeapProfileNode{ID: id, SelfSize: self, Children: children,
			CallFrame: &cdpruntime.CallFrame{FunctionName: fn, URL: url, LineNumber: line, ColumnNumber: 0}}
	}
	p := &heapprofiler.SamplingHeapProfile{Head: node("(root)", "", -1, 0,
		node("listOnTimeout", "node:internal/timers", 500, 0,
			node("tick", "file:///app/server.js", 2, 0,
				node("allocUnsafe", "node:buffer", 380, 4096),
				node("repeat", "", -1, 2048)),
			node("repeat", "", -1, 1024)))}
	sites, _, _ := Sites(p)
	via := map[string]string{}
	for _, s := range sites {
		v := "-"
		if s.Via != nil {
			v = s.Via.Function + "@" + s.Via.URL
		}
		via[s.Function+"@"+s.URL+"/"+strconv.FormatInt(s.SelfBytes, 10)] = v
	}
	want := map[string]string{
		"allocUnsafe@node:buffer/4096": "tick@file:///app/server.js",
		"repeat@/2048":                 "tick@file:///app/server.js",
		"repeat@/1024":                 "listOnTimeout@node:internal/timers",
	}
	for k, w := range want {
		if via[k] != w {
			t.Errorf("%s: via %q, want %q (all: %v)", k, via[k], w, via)
		}
	}
}
