package heapsnapshot

import (
	"fmt"
	"math"
	"strconv"
)

// The header: snapshot.meta read into the field layout, with counts taken
// as hints only.

// header interprets the "snapshot" object: meta and counts.
func (p *parser) header(v jv, off int64) error {
	bad := func(format string, a ...any) error {
		return formatErr(off, "in the \"snapshot\" header: "+fmt.Sprintf(format, a...))
	}
	if v.kind != 'o' {
		return bad("expected an object")
	}
	meta := v.get("meta")
	if meta == nil {
		return bad("no \"meta\"")
	}
	m := &p.snap.Meta
	var ok bool
	if m.NodeFields, ok = meta.get("node_fields").strings(); !ok {
		return bad("meta.node_fields is missing or not a list of strings")
	}
	if m.EdgeFields, ok = meta.get("edge_fields").strings(); !ok {
		return bad("meta.edge_fields is missing or not a list of strings")
	}
	if lf := meta.get("location_fields"); lf != nil {
		if m.LocationFields, ok = lf.strings(); !ok {
			return bad("meta.location_fields is not a list of strings")
		}
	} else {
		m.LocationFields = []string{"object_index", "script_id", "line", "column"}
	}
	for _, tf := range []struct {
		key string
		dst *[]string
	}{{"trace_function_info_fields", &m.TraceFunctionInfoFields}, {"trace_node_fields", &m.TraceNodeFields}} {
		if f := meta.get(tf.key); f != nil {
			if *tf.dst, ok = f.strings(); !ok || len(*tf.dst) > 64 {
				return bad("meta.%s is not a short list of strings", tf.key)
			}
		}
	}
	types := func(fields []string, key string) ([]string, error) {
		ti := -1
		for i, f := range fields {
			if f == "type" {
				ti = i
			}
		}
		t := meta.get(key)
		if t == nil || t.kind != 'a' || ti < 0 || ti >= len(t.a) {
			return nil, bad("meta.%s does not describe the type field", key)
		}
		names, ok := t.a[ti].strings()
		if !ok {
			return nil, bad("meta.%s[%d] is not a list of type names", key, ti)
		}
		if len(names) > 256 {
			return nil, bad("meta.%s lists %d types; at most 256 are supported", key, len(names))
		}
		return names, nil
	}
	var err error
	if m.NodeTypes, err = types(m.NodeFields, "node_types"); err != nil {
		return err
	}
	if m.EdgeTypes, err = types(m.EdgeFields, "edge_types"); err != nil {
		return err
	}
	if len(m.EdgeTypes) > MaxEdgeTypes {
		return bad("meta.edge_types lists %d types; at most %d are supported", len(m.EdgeTypes), MaxEdgeTypes)
	}
	if len(m.NodeFields) > 64 || len(m.EdgeFields) > 64 {
		return bad("too many node or edge fields")
	}
	p.nf, p.ef = len(m.NodeFields), len(m.EdgeFields)
	p.nodeRoles = make([]role, p.nf)
	have := map[role]bool{}
	for i, f := range m.NodeFields {
		r := map[string]role{"type": rType, "name": rName, "id": rID, "self_size": rSelfSize,
			"edge_count": rEdgeCount, "trace_node_id": rTrace, "detachedness": rDetached}[f]
		if r != rIgnore && have[r] {
			return bad("meta.node_fields lists %q twice", f)
		}
		have[r] = true
		p.nodeRoles[i] = r
	}
	for _, r := range []role{rType, rName, rID, rSelfSize, rEdgeCount} {
		if !have[r] {
			return bad("meta.node_fields lacks one of type, name, id, self_size, edge_count")
		}
	}
	p.edgeRole = make([]role, p.ef)
	have = map[role]bool{}
	for i, f := range m.EdgeFields {
		r := map[string]role{"type": rType, "name_or_index": rName, "to_node": rTo}[f]
		if r != rIgnore && have[r] {
			return bad("meta.edge_fields lists %q twice", f)
		}
		have[r] = true
		p.edgeRole[i] = r
	}
	if !have[rType] || !have[rName] || !have[rTo] {
		return bad("meta.edge_fields lacks one of type, name_or_index, to_node")
	}
	count := func(k string, max int64) (int64, error) {
		c := v.get(k)
		if c == nil || c.kind != 'n' {
			return -1, bad("no %q", k)
		}
		n, err := strconv.ParseInt(c.s, 10, 64)
		if err != nil || n < 0 || n > max {
			return -1, bad("%s %s is out of range", k, c.s)
		}
		return n, nil
	}
	if p.nodeHint, err = count("node_count", math.MaxUint32/int64(p.nf)); err != nil {
		return err
	}
	if p.edgeHint, err = count("edge_count", math.MaxUint32); err != nil {
		return err
	}
	if tf := v.get("trace_function_count"); tf != nil && tf.kind == 'n' {
		n, _ := strconv.ParseInt(tf.s, 10, 64)
		p.snap.TraceFunctionCount = int(n)
	}
	// Only a size to add up: a malformed or absurd value is ignored (as
	// DevTools' "?? 0" would for a missing one), never allocated from.
	if x := v.get("extra_native_bytes"); x != nil && x.kind == 'n' {
		if n, err := strconv.ParseUint(x.s, 10, 64); err == nil && n < 1<<53 {
			p.snap.ExtraNativeBytes = n
		}
	}
	p.haveHeader = true
	return nil
}
