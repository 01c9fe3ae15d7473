// Typed-array tables: a big Uint32Array or Float64Array kept in a
// variable is most often a lookup table built on purpose (a geo-IP range
// table, a matrix), not a leak and not a buffer to stream. One snapshot
// says so, names the variable, and counts the arrays one object keeps
// together (starts, ends, index) as one item.

package leak

import (
	"fmt"
	"slices"
	"strings"
)

// typedArrays are the typed-array classes a table is made of: not Buffer
// or Uint8Array, which hold bytes read or to be written (their hint is
// the stream one).
var typedArrays = map[string]bool{
	"Int8Array": true, "Uint8ClampedArray": true, "Int16Array": true, "Uint16Array": true,
	"Int32Array": true, "Uint32Array": true, "Float16Array": true, "Float32Array": true, "Float64Array": true,
	"BigInt64Array": true, "BigUint64Array": true,
}

// tableView is the typed array whose backing store a huge-object
// suspect is, and the step of the object that keeps it in a property:
// ok false when it is not one.
func tableView(a *Accumulation) (view string, owner int, ok bool) {
	p := a.RetainerPath
	n := len(p)
	if a.Kind != KindHugeObject || n < 3 || p[n-1].Class != "ArrayBuffer" {
		return "", 0, false
	}
	view = p[n-2].Class
	if !typedArrays[view] {
		return "", 0, false
	}
	if p[n-2].EdgeType == "property" {
		owner = n - 3
	} else {
		owner = -1 // kept in a variable or an array: no object to group by
	}
	return view, owner, true
}

// tableHint is the fix of typed arrays that hold share of the heap,
// kept as what (GEO.starts, or "starts, ends and asn of GEO").
func tableHint(view string, n int, what string, share float64) string {
	kind, verb := view, "holds"
	if n > 1 {
		kind, verb = fmt.Sprintf("%d typed arrays", n), "hold"
	}
	return fmt.Sprintf("%s (%s) %s %.0f%% of the heap: arrays like these are most often a table built on purpose (at startup, then only read), which is not a leak: compare with a later snapshot to confirm it does not grow, and if it is bigger than the data needs, size it to the data", kind, what, verb, share)
}

// mergeTables makes the typed arrays one object keeps in its properties
// (GEO.starts, GEO.ends, GEO.asn) one suspect, and gives every typed-array
// suspect the table hint.
func mergeTables(sus []Accumulation) []Accumulation {
	first := map[uint32]int{} // owner id → index in out
	props := map[int][]string{}
	views := map[int][]string{}
	out := sus[:0]
	for _, a := range sus {
		view, owner, ok := tableView(&a)
		if !ok {
			out = append(out, a)
			continue
		}
		p := a.RetainerPath
		if owner >= 0 {
			id := p[owner].ID
			if i, seen := first[id]; seen {
				m := &out[i]
				m.RetainedSize += a.RetainedSize
				m.Share += a.Share
				m.Count += a.Count
				props[i] = append(props[i], p[owner+1].Edge)
				if !slices.Contains(views[i], view) {
					views[i] = append(views[i], view)
				}
				continue
			}
			first[id] = len(out)
			props[len(out)] = []string{p[owner+1].Edge}
		}
		views[len(out)] = []string{view}
		out = append(out, a)
	}
	for i := range out {
		vs, ok := views[i]
		if !ok {
			continue
		}
		a := &out[i]
		what, n := "kept in "+stepName(a.RetainerPath, len(a.RetainerPath)-2), 1
		a.Class = vs[0]
		if ps := props[i]; len(ps) > 1 {
			a.Class = strings.Join(vs, ", ")
			what, n = fmt.Sprintf("%s of %s", andList(ps), stepName(a.RetainerPath, len(a.RetainerPath)-3)), len(ps)
		}
		a.RootClass = a.Class // the arrays, not their backing stores
		a.Hint = tableHint(vs[0], n, what, 100*a.Share)
	}
	return out
}

// stepName is how the path names step i: the edge that reaches it
// (GEO.starts as "starts"), else its class.
func stepName(p []PathStep, i int) string {
	if i <= 0 || i >= len(p) {
		return "a variable"
	}
	if p[i].Edge != "" {
		return p[i].Edge
	}
	return p[i].Class
}

// andList is "a, b and c".
func andList(xs []string) string {
	if len(xs) == 1 {
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}
