package leak

import (
	"fmt"
	"strings"
	"testing"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// The class most entries of a collection are of, read in its table:
// node's native objects by their own class name; too few entries, or no
// class with half of them, say nothing.
func TestEntryClass(t *testing.T) {
	mk := func(natives, objects int) *heapgraph.Graph {
		// root → Map →table→ (array) → natives and objects, and a key
		// string per entry.
		n := natives + objects
		nodes := []string{"9,0,1,0,1", "3,1,3,32,1", fmt.Sprintf("1,0,5,0,%d", 2*n)}
		edges := []string{"1,1,5", "3,2,10"}
		for i := 0; i < n; i++ {
			name, typ := 3, 8 // Node / ContextifyScript, native
			if i >= natives {
				name, typ = 1, 3 // another Map, object
			}
			nodes = append(nodes, fmt.Sprintf("%d,%d,%d,64,0", typ, name, 7+2*i), fmt.Sprintf("2,4,%d,16,0", 8+2*i))
			edges = append(edges, fmt.Sprintf("1,%d,%d", 2*i, 5*(3+2*i)), fmt.Sprintf("1,%d,%d", 2*i+1, 5*(4+2*i)))
		}
		snap := slotMeta + fmt.Sprintf(`"node_count":%d,"edge_count":%d},"nodes":[%s],"edges":[%s],"strings":["","Map","table","Node / ContextifyScript","k"]}`,
			len(nodes), len(edges), strings.Join(nodes, ","), strings.Join(edges, ","))
		return graphOf(t, snap)
	}
	for _, c := range []struct {
		natives, objects int
		want             string
	}{{40, 0, "ContextifyScript"}, {30, 10, "ContextifyScript"}, {10, 30, "Map"}, {5, 0, ""}} {
		g := mk(c.natives, c.objects)
		x := &explainer{g: g}
		got, ok := x.entryClass(1) // the Map is node 1
		if c.want == "" && ok || c.want != "" && got != c.want {
			t.Errorf("%d natives, %d objects: %q %v, want %q", c.natives, c.objects, got, ok, c.want)
		}
	}
}

// A Map whose values are strings too (a key-value store's serialized
// values): its keys are the first of each pair of string slots.
func TestStringKeysOfAStringMap(t *testing.T) {
	// root → Map →table→ (array) with slots 10, 11 (key, value), 13, 14, …
	const pairs = 20
	strs := []string{"", "Map", "table"}
	nodes := []string{"9,0,1,0,1", "3,1,3,32,1", fmt.Sprintf("1,0,5,0,%d", 2*pairs)}
	edges := []string{"1,1,5", "3,2,10"}
	for i := 0; i < pairs; i++ {
		k, v := len(strs), len(strs)+1
		strs = append(strs, fmt.Sprintf("profile:u%d", i), fmt.Sprintf(`{"value":{"id":%d}}`, i))
		ks, vs := len(strs), len(strs)+1
		strs = append(strs, fmt.Sprint(10+3*i), fmt.Sprint(11+3*i))
		nodes = append(nodes, fmt.Sprintf("2,%d,%d,24,0", k, 7+2*i), fmt.Sprintf("2,%d,%d,48,0", v, 8+2*i))
		edges = append(edges, fmt.Sprintf("3,%d,%d", ks, 5*(3+2*i)), fmt.Sprintf("3,%d,%d", vs, 5*(4+2*i)))
	}
	q := make([]string, len(strs))
	for i, s := range strs {
		q[i] = fmt.Sprintf("%q", s)
	}
	snap := slotMeta + fmt.Sprintf(`"node_count":%d,"edge_count":%d},"nodes":[%s],"edges":[%s],"strings":[%s]}`,
		len(nodes), len(edges), strings.Join(nodes, ","), strings.Join(edges, ","), strings.Join(q, ","))
	g := graphOf(t, snap)
	keys := stringKeys(g, 1, "Map", 100)
	if len(keys) != pairs {
		t.Fatalf("%d keys, want %d: %q", len(keys), pairs, keys)
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "profile:") {
			t.Errorf("key %q: a value, not a key", k)
		}
	}
}
