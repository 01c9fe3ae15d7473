package leak

import (
	"strings"
	"testing"
)

// TestMergeTables: the typed arrays one object keeps are one suspect with
// the table hint; a Buffer keeps the stream hint; a lone typed array gets
// the table hint under its own name.
func TestMergeTables(t *testing.T) {
	table := func(prop, view string, id uint32, size uint64) Accumulation {
		return Accumulation{Kind: KindHugeObject, Pattern: PatternStringBuffer, Class: "ArrayBuffer", RetainedSize: size, Share: 0.2, Count: 1, Hint: "stream it",
			RetainerPath: []PathStep{{Class: "Module"}, {Edge: "GEO", EdgeType: "context", Class: "Object", ID: 7}, {Edge: prop, EdgeType: "property", Class: view, ID: id}, {Edge: "buffer", EdgeType: "internal", Class: "ArrayBuffer", ID: id + 1}}}
	}
	buf := table("body", "Buffer", 50, 100)
	lone := table("grid", "Float64Array", 60, 90)
	lone.RetainerPath[1].ID = 8
	sus := mergeTables([]Accumulation{table("starts", "Uint32Array", 10, 100), buf, table("ends", "Uint32Array", 20, 100), lone, table("asn", "Uint16Array", 30, 50)})
	if len(sus) != 3 {
		t.Fatalf("%d suspects, want 3", len(sus))
	}
	m := sus[0]
	if m.RetainedSize != 250 || m.Count != 3 || m.Class != "Uint32Array, Uint16Array" || m.RootClass != m.Class ||
		!strings.Contains(m.Hint, "3 typed arrays (starts, ends and asn of GEO) hold 60% of the heap") || !strings.Contains(m.Hint, "table built on purpose") {
		t.Errorf("merged: %+v", m)
	}
	if sus[1].Hint != "stream it" {
		t.Errorf("Buffer: hint %q", sus[1].Hint)
	}
	if !strings.HasPrefix(sus[2].Hint, "Float64Array (kept in grid) holds 20%") {
		t.Errorf("lone typed array: hint %q", sus[2].Hint)
	}
}
