// One process, one series: V8's object ids are comparable only within one
// process and one inspector session, so every snapshot of a series is
// checked against the first (global objects, node's process.argv, the
// type and name behind a sample of ids).

package leak

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// idSet is what later snapshots are checked against: the largest id of
// one snapshot and, for a sample of its ids (1 in 16, chosen by id so every
// snapshot samples the same objects), a fingerprint (type and name hash) to
// check that a later snapshot is the same process.
type idSet struct {
	maxID     uint32
	keys      []uint64 // id<<32 | fingerprint, sorted; sampled ids only
	userRoots []uint32 // ids of the global objects
	rootNames []string // and their names
	argv      string   // node's process.argv, NUL-separated; "" when not found
}

func sampled(id uint32) bool { return (id>>1)&15 == 0 }

func fingerprint(g *heapgraph.Graph, v uint32) uint32 {
	s := g.S
	h := uint32(2166136261) ^ uint32(s.NodeType[v])
	h *= 16777619
	for _, c := range s.Strings.Bytes(s.NodeName[v]) {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}

func newIDSet(g *heapgraph.Graph) idSet {
	s := g.S
	var set idSet
	for v := 0; v < s.NodeCount; v++ {
		if !jsType(s.NodeType[v], &s.NodeTypeIndex) {
			continue
		}
		id := s.NodeID[v]
		if id > set.maxID {
			set.maxID = id
		}
		if sampled(id) {
			set.keys = append(set.keys, uint64(id)<<32|uint64(fingerprint(g, uint32(v))))
		}
	}
	slices.Sort(set.keys)
	set.userRoots = userRootIDs(g)
	for _, id := range set.userRoots {
		v, _ := g.NodeByID(id)
		set.rootNames = append(set.rootNames, g.Name(v))
	}
	set.argv = processArgv(g)
	return set
}

// processArgv is node's process.argv in g, its strings joined by NUL, or
// "" when g has no node process object (a browser's snapshot). Two runs of
// one deterministic script give most objects the same ids and contents,
// so ids alone cannot always tell them apart; their arguments often can
// (a port, a temporary folder).
func processArgv(g *heapgraph.Graph) string {
	s := g.S
	nt := &s.NodeTypeIndex
	for v := uint32(0); v < uint32(s.NodeCount); v++ {
		// Bytes, not a string per node: this passes over every node.
		if int(s.NodeType[v]) != nt.Object || string(s.Strings.Bytes(s.NodeName[v])) != "process" {
			continue
		}
		for e, arr := range g.Edges(v) {
			if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property || s.EdgeName(e) != "argv" {
				continue
			}
			var b strings.Builder
			n := 0
			for e2, str := range g.Edges(arr) {
				if int(s.EdgeType(e2)) != s.EdgeTypeIndex.Element || int(s.NodeType[str]) != nt.String {
					continue
				}
				if n++; n > 256 {
					break
				}
				b.WriteString(s.NodeNameString(str))
				b.WriteByte(0)
			}
			return b.String()
		}
	}
	return ""
}

func userRootIDs(g *heapgraph.Graph) []uint32 {
	var ids []uint32
	for _, to := range g.Edges(g.Root) {
		if g.Distance(to) == 1 {
			ids = append(ids, g.ID(to))
		}
	}
	return ids
}

func (s *idSet) find(id uint32) (uint32, bool) {
	k := s.keys
	i := sort.Search(len(k), func(i int) bool { return uint32(k[i]>>32) >= id })
	if i < len(k) && uint32(k[i]>>32) == id {
		return uint32(k[i]), true
	}
	return 0, false
}

// sameProcess refuses a snapshot whose objects disagree with the first
// snapshot's under the same ids: ids restart in every process, so two
// processes' snapshots share ids for unrelated objects.
func (s *idSet) sameProcess(g *heapgraph.Graph, baseName, name string) error {
	if len(s.userRoots) > 0 {
		roots := userRootIDs(g)
		common := false
		for i, a := range s.userRoots {
			if slices.Contains(roots, a) {
				common = true
			}
			// A snapshot taken with the inspector's exposeInternals
			// hangs the global object elsewhere: the same object under
			// the same id will do (the objects sampled below decide).
			if v, ok := g.NodeByID(a); ok && g.Name(v) == s.rootNames[i] {
				common = true
			}
		}
		if !common {
			return fmt.Errorf("%w: %s and %s have different global objects (snapshot ids are only comparable within one process and one inspector session: V8 renumbers objects when a session ends, so take the series in one session: leakhound capture --count N, watch or run)", ErrNotSameProcess, baseName, name)
		}
	}
	if s.argv != "" {
		if argv := processArgv(g); argv != "" && argv != s.argv {
			return fmt.Errorf("%w: %s and %s come from node processes started with different arguments (%s; %s): snapshot ids are only comparable within one process", ErrNotSameProcess, baseName, name,
				strings.ReplaceAll(strings.TrimSuffix(s.argv, "\x00"), "\x00", " "), strings.ReplaceAll(strings.TrimSuffix(argv, "\x00"), "\x00", " "))
		}
	}
	st := g.S
	nt := &st.NodeTypeIndex
	var matched, differ, lasting, lastingDiffer int
	for v := 0; v < st.NodeCount; v++ {
		if !jsType(st.NodeType[v], nt) {
			continue
		}
		if !sampled(st.NodeID[v]) {
			continue
		}
		fp, ok := s.find(st.NodeID[v])
		if !ok {
			continue
		}
		matched++
		same := fp == fingerprint(g, uint32(v))
		if !same {
			differ++
		}
		if t := int(st.NodeType[v]); t == nt.Closure || t == nt.Hidden || t == nt.ObjectShape {
			lasting++
			if !same {
				lastingDiffer++
			}
		}
	}
	// Measured share of sampled ids that differ: another process or
	// another inspector session, 13-29% (Chrome) and 41-86% (node); one
	// node session whose heap is near its limit, up to 7% (V8 seems to
	// lose track of some moved objects; seen under watch with
	// --max-old-space-size=48). A tenth separates them. On a loaded
	// machine one session of a program with much churn reached 12.5%
	// (watch's CI test, node 20): all of it short-lived objects and
	// strings whose ids V8 gave again to new ones, while functions, hidden
	// objects and hidden classes, which live long, differed in 0 of 848.
	// In another process those differ in 80-97%, so when enough of them
	// are sampled their share decides.
	if lasting >= 100 {
		matched, differ = lasting, lastingDiffer
	}
	if (matched == 0 && len(s.keys) > 0) || differ*10 > matched {
		// V8 also forgets its ids when an inspector session ends, so
		// separate `capture` runs renumber the objects of one process.
		return fmt.Errorf("%w: %d of %d objects with the same id in %s and %s differ (snapshot ids are only comparable within one process and one inspector session: V8 renumbers objects when a session ends, so separate `leakhound capture` runs or DevTools reconnects cannot be compared; take the series with `leakhound capture --count N`, `watch` or `run`, or within one DevTools session)", ErrNotSameProcess, differ, matched, baseName, name)
	}
	return nil
}
