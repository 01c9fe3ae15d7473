// Package snapshottest writes synthetic but valid V8 heap snapshots for
// tests, fuzz seeds and benchmarks. The graphs are random, but every count,
// offset and string index is consistent, and the formatting follows V8's.
package snapshottest

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Config describes a snapshot to generate.
type Config struct {
	Nodes int
	Seed  uint64
	// Legacy uses Node 16's layout: six node fields (no detachedness) and
	// no "object shape" node type.
	Legacy bool
	// Shuffled writes the top-level keys in an unusual order, with the
	// header after the number arrays.
	Shuffled bool
	// Trace adds trace_function_infos, trace_tree and samples sections and
	// non-zero trace_node_ids.
	Trace bool
	// AvgEdges is the mean number of edges per node (default 4).
	AvgEdges int
	// BigIndices gives a third of the element and hidden edges an index
	// of 2^28-1 or more (a sparse array's), up to the largest array index.
	BigIndices bool
}

var nodeTypes = `["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"]`
var legacyNodeTypes = `["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint"]`

// Write writes the snapshot to w and returns the number of edges.
func Write(w io.Writer, c Config) (edges int, err error) {
	if c.Nodes < 1 {
		c.Nodes = 1
	}
	if c.AvgEdges <= 0 {
		c.AvgEdges = 4
	}
	rng := rand.New(rand.NewPCG(c.Seed, 0x5eed))
	bw := bufio.NewWriterSize(w, 1<<16)
	nf := 7
	nt := nodeTypes
	nodeFields := `["type","name","id","self_size","edge_count","trace_node_id","detachedness"]`
	nodeTypeTail := `,"string","number","number","number","number","number"`
	if c.Legacy {
		nf, nt = 6, legacyNodeTypes
		nodeFields = `["type","name","id","self_size","edge_count","trace_node_id"]`
		nodeTypeTail = `,"string","number","number","number","number"`
	}
	nStrings := c.Nodes/8 + 16
	edgeCounts := make([]int, c.Nodes)
	for i := range edgeCounts {
		edgeCounts[i] = rng.IntN(2*c.AvgEdges + 1)
		edges += edgeCounts[i]
	}
	header := fmt.Sprintf(`{"meta":{"node_fields":%s,"node_types":[%s%s],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},"node_count":%d,"edge_count":%d,"trace_function_count":0}`,
		nodeFields, nt, nodeTypeTail, c.Nodes, edges)
	ntypes := 14
	if c.Legacy {
		ntypes = 14
	}
	var buf []byte
	writeNodes := func() {
		bw.WriteString(`"nodes":[`)
		r := rand.New(rand.NewPCG(c.Seed, 1))
		for i := 0; i < c.Nodes; i++ {
			buf = buf[:0]
			if i > 0 {
				buf = append(buf, "\n,"...)
			}
			t := 9 // synthetic root
			if i > 0 {
				t = r.IntN(ntypes)
			}
			buf = strconv.AppendInt(buf, int64(t), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(r.IntN(nStrings)), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(2*i+1), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(r.IntN(200)*8), 10)
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(edgeCounts[i]), 10)
			buf = append(buf, ',')
			if c.Trace {
				buf = strconv.AppendInt(buf, int64(r.IntN(5)), 10)
			} else {
				buf = append(buf, '0')
			}
			if nf == 7 {
				buf = append(buf, ',')
				buf = strconv.AppendInt(buf, int64(r.IntN(3)), 10)
			}
			bw.Write(buf)
		}
		bw.WriteString(`]`)
	}
	writeEdges := func() {
		bw.WriteString(`"edges":[`)
		r := rand.New(rand.NewPCG(c.Seed, 2))
		for i := 0; i < edges; i++ {
			buf = buf[:0]
			if i > 0 {
				buf = append(buf, "\n,"...)
			}
			t := r.IntN(7)
			buf = strconv.AppendInt(buf, int64(t), 10)
			buf = append(buf, ',')
			if t == 1 || t == 4 {
				idx := int64(r.IntN(100000))
				if big := []int64{1<<28 - 1, 1 << 28, 1<<32 - 2}; c.BigIndices && idx%3 == 0 {
					idx = big[idx%2+idx%5%2]
				}
				buf = strconv.AppendInt(buf, idx, 10)
			} else {
				buf = strconv.AppendInt(buf, int64(r.IntN(nStrings)), 10)
			}
			buf = append(buf, ',')
			buf = strconv.AppendInt(buf, int64(r.IntN(c.Nodes)*nf), 10)
			bw.Write(buf)
		}
		bw.WriteString(`]`)
	}
	writeLocations := func() {
		bw.WriteString(`"locations":[`)
		r := rand.New(rand.NewPCG(c.Seed, 3))
		n := c.Nodes / 16
		for i := 0; i < n; i++ {
			if i > 0 {
				bw.WriteString("\n,")
			}
			fmt.Fprintf(bw, "%d,%d,%d,%d", r.IntN(c.Nodes)*nf, r.IntN(50), r.IntN(1000), r.IntN(80))
		}
		bw.WriteString(`]`)
	}
	writeStrings := func() {
		bw.WriteString(`"strings":[`)
		r := rand.New(rand.NewPCG(c.Seed, 4))
		samples := []string{`<dummy>`, `(GC roots)`, `Object`, `EventEmitter`, `a\"quoted\"\\path`, `tab\there\nnewline`,
			`caf\u00e9`, `snow \u2603`, `emoji \ud83d\ude00`, `lone \ud800 high`, `lone \udc00 low`, `slash \/`, `ü raw utf8`, ``}
		for i := 0; i < nStrings; i++ {
			if i > 0 {
				bw.WriteString(",\n")
			}
			bw.WriteByte('"')
			if i < len(samples) {
				bw.WriteString(samples[i])
			} else {
				fmt.Fprintf(bw, "str%d_%x", i, r.Uint32())
				if r.IntN(10) == 0 {
					for j := 0; j < r.IntN(200); j++ {
						bw.WriteByte(byte('a' + j%26))
					}
				}
			}
			bw.WriteByte('"')
		}
		bw.WriteString(`]`)
	}
	trace := func() {
		bw.WriteString(`"trace_function_infos":[0,0,0,0,0,0,1,0,0,0,1,1],` + "\n" + `"trace_tree":[1,0,0,0,[2,1,0,0,[]],3,1,0,0,[]],` + "\n" + `"samples":[1,2,3,4],` + "\n")
	}
	if c.Shuffled {
		bw.WriteString("{\"x-future\":{\"a\":[1,{\"b\":\"]\"}],\"c\":null},\n")
		writeStrings()
		bw.WriteString(",\n")
		writeEdges()
		bw.WriteString(",\n")
		writeNodes()
		bw.WriteString(",\n")
		if c.Trace {
			trace()
		}
		writeLocations()
		bw.WriteString(",\n\"snapshot\":" + header + "}")
	} else {
		bw.WriteString(`{"snapshot":` + header + ",\n")
		writeNodes()
		bw.WriteString(",\n")
		writeEdges()
		bw.WriteString(",\n")
		if c.Trace {
			trace()
		}
		writeLocations()
		bw.WriteString(",\n")
		writeStrings()
		bw.WriteString("}")
	}
	return edges, bw.Flush()
}
