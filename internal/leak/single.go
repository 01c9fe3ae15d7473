package leak

import (
	"fmt"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
	"github.com/leakhound/leakhound/internal/ui"
)

// Single-snapshot analysis: one snapshot cannot show growth, only where
// memory accumulates. Three kinds of suspect, each explained like a series
// suspect (same classifier, naming, locations and hints):
//   - accumulation points: walking down the dominator tree while one child
//     holds most of its parent, the holder where memory spreads over many
//     similar children (a Map's Order entries, an emitter's listeners, a
//     timer list, a promise's chain of reactions);
//   - many objects of one class held the same way (the same folded path
//     shape) even when no single holder dominates them;
//   - single huge objects (a string, a Buffer's backing store, an array).

// Kinds of single-snapshot suspect.
const (
	KindAccumulation = "accumulation" // one holder with many similar entries
	KindClassGroup   = "class"        // many objects of one class held the same way
	KindHugeObject   = "huge-object"  // one object holding a big share on its own
)

// Accumulation is one single-snapshot suspect.
type Accumulation struct {
	Rank    int     `json:"rank"`
	Kind    string  `json:"kind"`
	Pattern Pattern `json:"pattern"`
	// Class is the most telling class of the entries (as a series
	// suspect's Class); RootClass the class of the entries themselves.
	Class     string `json:"class"`
	RootClass string `json:"root_class"`
	// Holder is what keeps the entries, as a person names it: its class,
	// the variable or property it is kept in, its kind and size.
	Holder       *Holder `json:"holder,omitempty"`
	Count        int64   `json:"count"`         // entries (objects) held
	RetainedSize uint64  `json:"retained_size"` // what freeing them would free
	// Share is RetainedSize over the reachable heap (0..1).
	Share        float64    `json:"share"`
	RetainerPath []PathStep `json:"retainer_path"`
	PathText     string     `json:"path_text"`
	// PathSteps is PathText cut at its arrows (see Suspect.PathSteps).
	PathSteps []string  `json:"-"`
	Location  *Location `json:"location"`
	// AddedAt: see Suspect.
	AddedAt *Statement `json:"added_at,omitempty"`
	// Trim is the statement of the program that trims the holder once it
	// passes a bound, when its source is at hand (see bounded.go).
	Trim *Trim `json:"trim,omitempty"`
	// Inside: each entry keeps a collection of its own (each Session's
	// history): the other place the memory may accumulate.
	Inside *Inside `json:"inside,omitempty"`
	Hint   string  `json:"hint"`
	// Bulk and Wholes: see Suspect.
	Bulk   *Bulk   `json:"bulk,omitempty"`
	Wholes *Wholes `json:"wholes,omitempty"`
	// AtBound is about what the holder would retain at its Trim's bound,
	// at what each entry keeps now, when that is more than the whole
	// reachable heap: bounded, but too generously for the entries it
	// holds. 0 otherwise.
	AtBound uint64 `json:"at_bound,omitempty"`
	// Runtime: the entries are node's own state (loaded modules, its
	// internal objects), not the program's: listed, ranked after the
	// program's accumulations.
	Runtime bool `json:"runtime,omitempty"`
	// OnStack: held only through V8's stack roots (a running function's
	// local, a Promise.all input): in use now; ranked after the rest.
	OnStack bool `json:"on_stack,omitempty"`
	// Pending: one-shot timers (setTimeout) of a short duration, which
	// fire soon and let go of what they keep: work in flight; ranked
	// with OnStack.
	Pending   bool `json:"pending,omitempty"`
	pendingMs int  // their duration
	// Receiving: held by node's HTTP parser through the request it is
	// still receiving (HTTPParser.incoming): an upload or a slow body in
	// flight, freed when the request ends; ranked with OnStack.
	Receiving bool `json:"receiving,omitempty"`
	// Connected: each entry is a response, request or WebSocket whose
	// socket is still open (server-sent event streams, long polls,
	// WebSocket clients): held while its client stays connected, freed
	// when it leaves if the program lets go then; ranked with OnStack.
	Connected bool `json:"connected,omitempty"`
	// Settling: held through promises still pending in the program's
	// collection, which deletes each entry when its promise settles
	// (.finally(() => inFlight.delete(id))): calls in flight; ranked
	// with OnStack. settleAt is that delete.
	Settling bool `json:"settling,omitempty"`
	settleAt *Statement
	// AllocationStacks: where the entries were allocated, when the
	// snapshot carries allocation traces (see Suspect); entries allocated
	// before tracking began count as untraced too.
	AllocationStacks   []AllocationStack `json:"allocation_stacks,omitempty"`
	AllocationTraced   int               `json:"allocation_traced,omitempty"`
	AllocationUntraced int               `json:"allocation_untraced,omitempty"`

	key uint32 // snapshot id of what it reports (holder or object), for dedupe
	// keyed: the key analysis explained the holder's keys (Suspect.keyed).
	keyed bool
	// texts: its keys are whole texts (Suspect.texts).
	texts bool
	label string // (Suspect.labelName)
	field string // (Suspect.jsonField)
	port  bool   // (Suspect.portKeys)
	// waiting: the entries are tasks waiting in a library's queue (they
	// keep a pending promise's resolve: p-limit's yocto-queue).
	waiting bool
	// registered: Suspect's registeredCallback; held: its heldCallback.
	registered, held bool
	// listenerPackage: Suspect's listenerPackage.
	listenerPackage string
	// madeBy, valueScript: Suspect's.
	madeBy, valueScript string

	// scripts: see Suspect.
	scripts []string
	// causeHint: see Suspect.
	causeHint string
}

// SingleReport is the result of AnalyzeOne. It has no leak verdict: one
// snapshot shows accumulation, not growth.
type SingleReport struct {
	Snapshots        int                   `json:"snapshots"` // always 1
	Snapshot         SnapshotInfo          `json:"snapshot"`
	Suspects         []Accumulation        `json:"suspects"`
	DuplicateStrings []heapgraph.DupString `json:"duplicate_strings"`
	// DuplicateMin is the waste a duplicated text must reach to be listed.
	DuplicateMin uint64   `json:"duplicate_min_wasted"`
	Notes        []string `json:"notes,omitempty"`
}

// SingleOptions tune AnalyzeOne.
type SingleOptions struct {
	Name        string       // the snapshot's label (file name)
	MaxSuspects int          // 0 = 10
	Phase       func(string) // told what is happening
	// Sources, if set, reads the program's scripts for AddedAt.
	Sources Sources
}

// Thresholds of the single-snapshot analysis.
const (
	// minAccumulationEntries: fewer similar children are a structure, not
	// an accumulation.
	minAccumulationEntries = 20
	// minSingleSize and minSingleShare: a suspect retains at least the
	// larger of the two.
	minSingleSize  = 128 << 10
	minSingleShare = 100 // 1/100 of the heap
	// hugeShare: one object holding 1/20 of the heap on its own.
	hugeShare = 20
	hugeMin   = 256 << 10
	// dupShare: duplicated strings are listed when they waste 1/100 of
	// the heap, and at least dupMin.
	dupShare = 100
	dupMin   = 256 << 10
)

// AnalyzeOne finds where memory accumulates in one snapshot.
func AnalyzeOne(g *heapgraph.Graph, opts SingleOptions) *SingleReport {
	phase := func(s string) {
		if opts.Phase != nil {
			opts.Phase(s)
		}
	}
	max := opts.MaxSuspects
	if max <= 0 {
		max = 10
	}
	total := g.Stats.Total
	minSize := max64(minSingleSize, total/minSingleShare)
	rep := &SingleReport{Snapshots: 1, Snapshot: SnapshotInfo{Name: opts.Name, Nodes: g.NodeCount(), TotalSize: total}}

	phase("retaining path shapes")
	trie := newShapeTrie()
	sh := newShaper(g, trie)
	shapes := sh.all()
	loose := trie.loosen()
	ex := newExplainer(g, sh)
	ex.offStack = true
	ex.scripts = opts.Sources != nil
	ex.maps, _ = opts.Sources.(SourceMaps)
	ex.src = opts.Sources

	phase("accumulation points")
	var sus []Accumulation
	points := accumulationPoints(g, minSize)
	for _, pt := range points {
		a := ex.single(pt, total, KindAccumulation)
		if in, ok := nested(g, pt); ok {
			a.Inside = &in
			if !a.registered {
				// (Registrations are undone one by one, not capped.)
				a.Hint += insideHint(&a)
			}
			if in.Property == "" && in.Class == a.Class || a.registered {
				// Count what Class names: the objects in the inner
				// collections, not the collections (each registered
				// callback keeps one).
				a.Count = in.Count
			}
		}
		sus = append(sus, a)
	}
	phase("classes held the same way")
	pointSet := map[uint32]bool{}
	for _, pt := range points {
		pointSet[pt.holder] = true
	}
	for _, pt := range classGroups(g, ex, shapes, loose, trie.len(), minSize, pointSet) {
		sus = append(sus, ex.single(pt, total, KindClassGroup))
	}
	phase("huge objects")
	for _, pt := range hugeObjects(g, max64(hugeMin, total/hugeShare)) {
		sus = append(sus, ex.single(pt, total, KindHugeObject))
	}
	for i := range sus {
		// (Promises a pending timer's callback will settle are work in
		// flight too: the timer's, reached through its reactions.)
		if a := &sus[i]; (a.Pattern == PatternTimer || a.Pattern == PatternPromise) && !a.Runtime {
			ms, ok := ex.oneShotTimers(a.RetainerPath)
			a.Pending, a.pendingMs = ok && ms <= pendingLimit, ms
		}
		if a := &sus[i]; !a.Runtime && !a.Pending && receiving(a.RetainerPath) {
			a.Receiving = true
		}
		if a := &sus[i]; !a.Runtime && !a.Pending && !a.Receiving && opts.Sources != nil {
			a.settleAt = settlingEntries(a.PathSteps, ex.programFiles, opts.Sources)
			a.Settling = a.settleAt != nil
		}
		if sus[i].Kind == KindAccumulation {
			a := &sus[i]
			a.Trim = boundOf(a.Holder, a.Class, nil, a.scripts, ex.programFiles, opts.Sources)
			if n := a.entries(); a.Trim != nil && !a.Trim.Size && a.Trim.Limit > n && n > 0 {
				// What it would hold at its bound, at what each entry
				// keeps now.
				if outgrows(a.RetainedSize, n, a.Trim.Limit, total) {
					a.AtBound = a.RetainedSize / uint64(n) * uint64(a.Trim.Limit)
				}
			}
			switch {
			case a.AtBound > 0:
				a.Hint = atBoundHint(a, total)
			case a.WithinBound():
				a.Hint = boundedHint(a)
			default:
				continue
			}
			if a.causeHint != "" {
				a.Hint = a.causeHint + "; " + a.Hint
			}
			if a.Wholes != nil {
				a.Hint = a.Wholes.text() + "; " + a.Hint
			}
		}
	}
	slices.SortStableFunc(sus, singleOrder)
	sus = dedupeSingle(sus)
	sus = mergeValues(sus)
	sus = mergeTables(sus)
	slices.SortStableFunc(sus, singleOrder) // merged totals may move up
	sus = deeperFirst(sus)
	if len(sus) > max {
		sus = sus[:max]
	}
	for i := range sus {
		sus[i].Rank = i + 1
		s := &sus[i]
		// One snapshot does not show that entries never leave: a removal
		// is told behind "if it should not keep them all" (removalHint).
		sourceFacts{holder: s.Holder, class: s.Class, path: s.RetainerPath, scripts: s.scripts, pattern: s.Pattern,
			keyed: s.keyed, texts: s.texts, label: s.label, field: s.field, port: s.port, registered: s.registered, held: s.held, trimmed: s.Trim != nil, listenerPackage: s.listenerPackage, madeBy: s.madeBy, valueScript: s.valueScript,
			added: &s.AddedAt, loc: &s.Location, hint: &s.Hint, relabel: &s.Pattern, files: ex.programFiles, bulk: s.Bulk, wholes: s.Wholes, retained: s.RetainedSize}.fill(opts.Sources, false)
		// One snapshot shows them held, not piling up (a fixed set
		// registered at startup looks the same).
		s.Hint = strings.Replace(s.Hint, " pile up ", " are held ", 1)
		if s.Pending && s.Pattern == PatternPromise && s.pendingMs > 0 {
			// Held through the reactions of promises a timer settles:
			// as many as the work waiting on it, not timers each.
			s.Hint = fmt.Sprintf("%s %s objects are held through promises that pending one-shot timers (setTimeout, %s) will settle: when they fire, the work waiting on them goes on and lets go of these, so this is work in flight, not memory kept; it accumulates only if a later snapshot shows as many again, still rising",
				ui.Count(s.Count), s.Class, durationText(s.pendingMs))
		} else if s.Pending {
			s.Hint = pendingHint(s.Count, s.pendingMs, s.Class)
		} else if s.Connected && !s.Receiving {
			s.Hint = connectedHint(s)
		} else if s.Settling {
			s.Hint = settlingHint(s)
		} else if s.Receiving {
			s.Hint = fmt.Sprintf("%s %s objects are held by requests still being received: node's HTTP parser keeps each request until its body has arrived (HTTPParser.incoming), so these are uploads or slow bodies in flight when the snapshot was taken, freed when each request ends; they accumulate only if a later snapshot shows as many again, still rising (clients that never finish sending: keep server.requestTimeout set, and limit body sizes)",
				ui.Count(s.Count), s.Class)
		}
		s.Hint = groupHint(s)
		if in := sus[i].Inside; in != nil {
			h := &Holder{Kind: in.Kind, Name: in.Property}
			if in.Property == "" && s.Holder != nil {
				// The inner collections are the holder's values: taken
				// out of it, then added to (set = byUser.get(id); set.add(x)).
				h.ValueOf, _ = fieldName(s.Holder)
			}
			in.AddedAt = addedAt(h, "", nil, sus[i].scripts, opts.Sources)
			if in.Property == "" && !s.registered && !strings.Contains(s.Hint, loadedOnceAdvice) {
				// (A table a module's top level fills once is a data
				// set, however its values are built.)
				// (Registrations per topic: undoing each one is the
				// fix, whatever the tables.)
				twin := twinRemoval(in.AddedAt, opts.Sources)
				s.Hint = valuesHint(s, twin)
				if twin == "" {
					s.Hint = calledDisposer(s.Hint, s.scripts, opts.Sources)
				}
			}
		}
	}
	rep.Suspects = sameCodeGroups(sus)
	if rep.Suspects == nil {
		rep.Suspects = []Accumulation{}
	}
	phase("duplicated strings")
	rep.DuplicateMin = max64(dupMin, total/dupShare)
	rep.DuplicateStrings = g.DuplicateStrings(rep.DuplicateMin, 10)
	if rep.DuplicateStrings == nil {
		rep.DuplicateStrings = []heapgraph.DupString{}
	}
	return rep
}

// dominates: d is v or one of its dominators.
func dominates(g *heapgraph.Graph, d, v uint32) bool {
	for k := 0; k < g.NodeCount(); k++ {
		if v == d {
			return true
		}
		p := g.Dominator(v)
		if p == v || v == g.Root {
			return false
		}
		v = p
	}
	return false
}

func max64(a, b uint64) uint64 {
	if a > b {
		return a
	}
	return b
}

// single explains a point as a series suspect is explained, then words it
// for one snapshot.
func (x *explainer) single(pt point, total uint64, kind string) Accumulation {
	g := x.g
	if pt.list && int(g.S.NodeType[pt.head]) == g.S.NodeTypeIndex.ConcatenatedString {
		// A chain of concatenated strings is one string built by
		// appending (s += line), not a collection.
		pt = point{holder: pt.head, rep: pt.head, count: 1, retained: pt.retained}
		kind = KindHugeObject
	}
	s := Suspect{rep: pt.rep, single: true, Count: []int64{pt.count}, RetainedSize: []uint64{pt.retained}}
	x.explain(&s)
	a := Accumulation{
		Kind: kind, Pattern: s.Pattern, Class: s.Class, RootClass: s.RootClass, Holder: s.Holder,
		Count: pt.count, RetainedSize: pt.retained, RetainerPath: s.RetainerPath, PathText: s.PathText, PathSteps: s.PathSteps,
		Location: s.Location, Hint: s.Hint, key: g.ID(pt.holder), keyed: s.keyed(), texts: s.texts != nil && s.keyed(), label: s.labelName(), field: s.jsonField(), port: s.portKeys(), waiting: s.waitingTasks(), registered: registeredCallback(&s), held: s.heldCallback, listenerPackage: s.listenerPackage, madeBy: s.madeBy, valueScript: s.valueScript, scripts: s.scripts,
		Bulk: s.Bulk, Wholes: s.Wholes, causeHint: s.causeHint,
	}
	a.AllocationStacks, a.AllocationTraced, a.AllocationUntraced = singleAllocationStacks(g, pt.holder, pt.rep, x.maps)
	if total > 0 {
		a.Share = float64(a.RetainedSize) / float64(total)
	}
	if kind != KindHugeObject {
		if a.Holder == nil {
			h := x.personHolder(pt.holder)
			if pt.list {
				h = &Holder{Class: g.ClassName(pt.rep), ID: g.ID(pt.rep), Kind: "linked list"}
				if s.Pattern == PatternPromise {
					h = x.personHolder(pt.holder)
					h.Kind = "reactions"
				}
			}
			a.Holder = h
		}
		if a.Holder != nil {
			if strings.HasPrefix(a.Holder.Class, "{") {
				// V8 names an object literal by its first properties
				// ({key.1, key.2, …}): for a holder, its kind says more.
				a.Holder.Class = "Object"
			}
			if a.Holder.Entries == 0 && a.Holder.Kind != "listeners" {
				a.Holder.Entries = int(pt.count)
			}
			if v, ok := x.holderNode(pt, a.Holder.ID); ok {
				a.Holder.Name = x.slotName(v)
				a.Holder.Keys = entryKeys(g, v, a.Holder.Kind, []string{a.Class, a.RootClass, g.ClassName(s.rep)}, maxEntryKeys)
				a.Holder.copies = objectKeyCopies(g, v, a.Holder.Kind, []string{a.Class, a.RootClass, g.ClassName(s.rep)})
				if a.Holder.Kind == "dictionary" {
					a.Holder.sessions = sessionFields(g, v)
				}
				if h := a.Holder; h.Kind == "" && kind == KindAccumulation {
					// A library's object that keeps what the program
					// hands it (Ajv, every schema it compiled): its cache.
					if pkg := x.classPackage(v); libraryHints[pkg] != "" {
						h.Package, h.Owner, h.OwnerName, h.Kind = pkg, h.Class, h.Name, "cache"
						if m, field, n, entry := x.cacheMap(v, pkg); n >= int(pt.count)/2 {
							// Its Map that holds them (Ajv's _cache), with
							// one of its entries' path and class.
							h.Class, h.ID, h.Kind, h.Name, h.Entries = "Map", g.ID(m), "Map", field, n
							e := Suspect{rep: entry, single: true, Count: []int64{pt.count}, RetainedSize: []uint64{pt.retained}}
							x.explain(&e)
							a.RetainerPath, a.PathText, a.PathSteps = e.RetainerPath, e.PathText, e.PathSteps
							a.Class, a.RootClass = g.ClassName(entry), g.ClassName(entry)
						}
						s.Holder = h
						a.Pattern, a.Hint = PatternCollection, libraryHint(&s, "")
					}
				}
				// Only for a collection: a class group's holder is just
				// what dominates its largest member (for objects held
				// along two paths, the global object or the root).
				if kind == KindAccumulation && g.RetainedSize(v) > a.RetainedSize && dominates(g, v, pt.holder) {
					// The collection over its backing store: what
					// freeing it frees.
					a.RetainedSize = g.RetainedSize(v)
					a.key = g.ID(v)
				}
			}
		}
	} else {
		a.Holder = nil
		a.Class = s.RootClass
		nt := &g.S.NodeTypeIndex
		switch t := int(g.S.NodeType[pt.rep]); {
		case t == nt.String || t == nt.ConcatenatedString || t == nt.SlicedString || isBufferClass(a.Class):
			a.Pattern = PatternStringBuffer
		case collectionKind(g, pt.rep) != "":
			a.Pattern = PatternCollection
		}
		a.Hint = hugeHint(&a, int(g.S.NodeType[pt.rep]) == nt.ConcatenatedString)
	}
	if total > 0 {
		a.Share = float64(a.RetainedSize) / float64(total)
	}
	if kind == KindAccumulation && x.stackOnly(pt.holder) {
		// A running function's local (a Promise.all input, a batch
		// being built): in use now. It accumulates only if that
		// function never returns.
		a.OnStack = true
		a.Hint = fmt.Sprintf("the %s is only held by a function that is running (a local variable: the stack's roots), so it is in use now: it accumulates only if that function never returns (a loop that keeps collecting); check it in a snapshot taken between requests", strings.ToLower(a.Holder.Kind))
	}
	if x.registryCells(&a, pt.rep) {
		return a // the program's registrations, whatever their cells are
	}
	// (An Agent's sockets in use have a hint and a rank of their own:
	// unread responses keep them open too.)
	_, _, _, agent := agentTable(a.RetainerPath, a.Holder)
	a.Connected = kind != KindHugeObject && !agent && x.connectedEntries(pt, a.Holder)
	a.Runtime = x.runtimeState(pt, &a)
	return a
}

// receiving: the path runs through the request node's HTTP parser is
// still receiving (HTTPParser.incoming).
func receiving(path []PathStep) bool {
	for i, st := range path {
		if i > 0 && st.Edge == "incoming" && st.Class == "IncomingMessage" && path[i-1].Class == "HTTPParser" {
			return true
		}
	}
	return false
}

// holderNode finds the node of the holder with snapshot id id: the point's
// own holder or a node on its representative's path (no id index needed).
func (x *explainer) holderNode(pt point, id uint32) (uint32, bool) {
	g := x.g
	for _, v := range []uint32{pt.holder, g.Dominator(pt.holder)} {
		if g.ID(v) == id {
			return v, true
		}
	}
	for _, st := range x.path(pt.rep) {
		if g.ID(st.Node) == id {
			return st.Node, true
		}
	}
	return 0, false
}

// personHolder names the holder node as the program sees it: a backing
// store (a Map's table, an Array's elements) is its collection.
func (x *explainer) personHolder(v uint32) *Holder {
	g := x.g
	s := g.S
	nt := &s.NodeTypeIndex
	for k := 0; k < 3; k++ {
		t := int(s.NodeType[v])
		if t != nt.Array && t != nt.Hidden {
			break
		}
		d := g.Dominator(v)
		if d == g.Root || d == v {
			break
		}
		v = d
	}
	h := &Holder{Class: x.className(v), ID: g.ID(v), Kind: collectionKind(g, v)}
	switch {
	case h.Kind != "":
	case s.NodeNameString(v) == "system / Context":
		h.Class, h.Kind = "(closure context)", "closure variables"
	case timerHolder(s.NodeNameString(v)):
		h.Kind = "timer list"
	case x.dictLike(v):
		h.Kind = "dictionary"
	}
	return h
}

// slotName is the variable or property the node is kept in: the last
// edge of its path, else (a path through the stack, as at the heap limit
// while a callback runs) the first retainer that names it.
func (x *explainer) slotName(v uint32) string {
	g := x.g
	named := func(e uint32) bool {
		switch g.S.EdgeTypeName(e) {
		case "property", "context", "shortcut":
			return true
		}
		return false
	}
	fallback := ""
	if p := x.path(v); len(p) >= 2 && named(p[len(p)-1].Edge) {
		name := g.S.EdgeName(p[len(p)-1].Edge)
		if !genericName(name) {
			return name
		}
		fallback = name
	}
	for r, e := range g.Retainers(v) {
		if x.cellValue(r, g.S.EdgeTypeName(e), g.S.EdgeName(e)) {
			// An ES module's variable.
			if name, ok := g.CellName(r); ok && !genericName(name) {
				return name
			}
		}
		// A name from inside its own structure (a timer list's
		// Timeouts point back at it) is not how the program holds it.
		if named(e) && !dominates(g, v, r) {
			name := g.S.EdgeName(e)
			if !genericName(name) {
				return name
			}
			if fallback == "" {
				fallback = name
			}
		}
	}
	return fallback
}

// genericName: a name that says nothing of how the program holds an
// object: a module's exports (module.exports = new EventEmitter(), known
// by the variable the program keeps them in, bus), a method's receiver
// (this), a symbol (node's module_export).
func genericName(name string) bool {
	return name == "exports" || name == "default" || name == "this" || strings.HasPrefix(name, "<symbol")
}

// cellValue: an edge of this type and name from node from is an ES
// module variable's value (V8 keeps each in a "system / Cell").
func (x *explainer) cellValue(from uint32, edgeType, edgeName string) bool {
	return edgeType == "internal" && edgeName == "value" && x.g.S.NodeNameString(from) == "system / Cell"
}

// runtimeState: the entries are node's own objects (loaded modules, its
// internal bookkeeping), not the program's. Listeners, timers and
// promises are the program's even when node's classes hold them.
func (x *explainer) runtimeState(pt point, a *Accumulation) bool {
	switch a.Pattern {
	case PatternTimer:
		// A socket's idle timeout (socket.setTimeout, a server's
		// keep-alive) is node's bookkeeping of an open socket: it goes
		// with the socket, nothing for the program to clear.
		v := pt.rep
		if pt.list {
			v = pt.head
		}
		if x.g.S.NodeNameString(v) != "Timeout" {
			// A group of what the timers keep: the nearest timer on
			// the way to it.
			for _, st := range slices.Backward(x.path(pt.rep)) {
				if x.g.S.NodeNameString(st.Node) == "Timeout" {
					v = st.Node
					break
				}
			}
		}
		return x.socketTimeout(v)
	case PatternEventListener, PatternPromise, PatternDetachedDOM:
		return false
	}
	if a.Kind == KindHugeObject || perfBuffer(a.RetainerPath, a.Holder) != "" {
		// (node's performance timeline holds what the program's marks
		// and measures put there.)
		return false
	}
	t, ok := x.tellingNode(pt.rep)
	if ok && !x.internalClass(t) {
		return false
	}
	if ok {
		return true
	}
	// Code and V8's bookkeeping (no object at all below).
	s := x.g.S
	switch int(s.NodeType[pt.rep]) {
	case s.NodeTypeIndex.Code, s.NodeTypeIndex.Hidden, s.NodeTypeIndex.ObjectShape:
		return true
	}
	return false
}

// socketTimeout: the timer v is a socket's own timeout, kept by the
// socket under node's timeout symbol.
func (x *explainer) socketTimeout(v uint32) bool {
	g := x.g
	if g.S.NodeNameString(v) != "Timeout" {
		return false
	}
	for r, e := range g.Retainers(v) {
		if name := strings.ToLower(g.S.EdgeName(e)); strings.HasPrefix(name, "<symbol") && strings.Contains(name, "timeout") &&
			strings.Contains(g.ClassName(r), "Socket") {
			return true
		}
	}
	return false
}

// hugeHint is the fix for one object holding a big share of the heap;
// rope: a string made by appending (V8 keeps the pieces).
func hugeHint(a *Accumulation, rope bool) string {
	share := 100 * a.Share
	switch {
	case rope:
		return fmt.Sprintf("one string built by appending (s += piece) holds %.0f%% of the heap: if it is a log or a buffer that is never reset, stream it to a file or socket as it comes, or keep a bounded array of recent pieces", share)
	case a.Pattern == PatternStringBuffer && a.Class == "(string)":
		return fmt.Sprintf("one string holds %.0f%% of the heap: stream it instead of holding it whole, or check that it is not rebuilt bigger forever (s = s + more)", share)
	case a.Pattern == PatternStringBuffer:
		return fmt.Sprintf("one %s holds %.0f%% of the heap: stream it instead of holding it whole (Buffer.concat of every chunk keeps them all); a small slice of a big buffer keeps the whole parent alive, so copy it (Buffer.from(slice))", a.Class, share)
	}
	return fmt.Sprintf("one %s holds %.0f%% of the heap: check that it should be this big; split or stream what it holds", a.Class, share)
}

// stackOnly: v is dominated by V8's stack roots: a running function's
// local that nothing else keeps (a path that merely starts there may have
// a module variable beside it).
func (x *explainer) stackOnly(v uint32) bool {
	g := x.g
	for d, steps := g.Dominator(v), 0; d != g.Root && steps < 16; d, steps = g.Dominator(d), steps+1 {
		if g.S.NodeNameString(d) == "(Stack roots)" {
			return true
		}
		if int(g.S.NodeType[d]) == g.S.NodeTypeIndex.Object && userClassName(g.ClassName(d)) {
			// Kept in a field of the program's own object (a pool, a
			// service) that a running function holds: a main() that
			// runs for the program's life, not a batch being built.
			return false
		}
		if d == g.Dominator(d) {
			break
		}
	}
	return false
}

// groupHint is a class group's hint when its objects are held the same
// way in many collections: the one named holds a few of them, not all.
func groupHint(a *Accumulation) string {
	h := a.Holder
	if a.Kind != KindClassGroup || h == nil || h.Name == "" || h.Kind == "" || h.Entries <= 0 || int64(h.Entries) >= a.Count {
		return a.Hint
	}
	return strings.Replace(a.Hint, holderWhat(h)+" holds ", fmt.Sprintf("%s named %s (this one holds %s) hold ", plural(h.Kind), h.Name, ui.Count(int64(h.Entries))), 1)
}

// plural is a holder kind's plural: Arrays, Maps, dictionaries.
func plural(kind string) string {
	if kind == "dictionary" {
		return "dictionaries"
	}
	return kind + "s"
}

// cacheMap is the Map in a library object's fields (Ajv's _cache) that
// holds the most entries: its node, field, entry count, and one of its
// values of the library's own class (a SchemaEnv), else any value.
func (x *explainer) cacheMap(v uint32, pkg string) (m uint32, field string, n int, entry uint32) {
	g := x.g
	for e, to := range g.Edges(v) {
		if collectionKind(g, to) != "Map" {
			continue
		}
		if k := entriesOf(g, to, "Map"); k > n {
			m, field, n = to, g.S.EdgeName(e), k
		}
	}
	if n == 0 {
		return 0, "", 0, 0
	}
	// The Map's table holds its keys and values: a value of the
	// library's class says what an entry is; the newest (last) one, whose
	// path runs through the Map rather than a schema kept elsewhere too.
	var any uint32
	var own []uint32
	for _, t := range g.Edges(m) {
		for _, u := range g.Edges(t) {
			if int(g.S.NodeType[u]) != g.S.NodeTypeIndex.Object || g.IsOddball(u) {
				continue
			}
			if x.classPackage(u) == pkg {
				own = append(own, u)
			}
			any = u
		}
	}
	for i := len(own) - 1; i >= 0 && i >= len(own)-32; i-- {
		for _, st := range x.path(own[i]) {
			if st.Node == m {
				return m, field, n, own[i]
			}
		}
	}
	switch {
	case len(own) > 0:
		return m, field, n, own[len(own)-1]
	case any != 0:
		return m, field, n, any
	}
	return 0, "", 0, 0
}
