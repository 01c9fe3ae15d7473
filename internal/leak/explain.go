package leak

import (
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// explainer turns a ranked suspect into something a person can act on: the
// representative path, the pattern, the class that leaks, where in the
// source it comes from and how to fix it.
type explainer struct {
	g        *heapgraph.Graph
	sh       *shaper
	internal map[string]bool   // per class name: defined by node itself
	mapCtor  map[uint32]uint32 // per hidden class: mapConstructor's answer, ^0 for none
	// scripts: collect each suspect's program scripts (for addedAt, only
	// when the caller can read them).
	scripts bool
	// maps: the sources' maps, when they read them (closureLocation
	// tells built code in its original source).
	maps SourceMaps
	src  Sources
	// renamed: per minified class name, the source's (sourceClass);
	// classFirst: per class index, its first object (firstObject).
	renamed    map[string]string
	classFirst []uint32
	// public: per constructor, publicClass's answer.
	public map[uint32]string
	// files: programFiles, once.
	files     []string
	filesDone bool
	// offStack: paths avoid V8's stack roots where they can (one
	// snapshot, taken at the heap limit while a function was adding to a
	// cache a module keeps); offParent and offEdge are that search's.
	offStack           bool
	offParent, offEdge []uint32
}

func newExplainer(g *heapgraph.Graph, sh *shaper) *explainer { return &explainer{g: g, sh: sh} }

// explain fills in a suspect's explanation, step by step: each step reads
// what the ones before it decided (the pattern changes where the code is,
// the code changes the hint), so their order is the order below.
func (x *explainer) explain(s *Suspect) {
	t := x.trace(s)
	x.name(s, t)
	x.classifyHeld(s, t)
	if s.Pattern == PatternClosure || s.Pattern == PatternOther {
		s.chain = x.wrapChain(t.rep, t.raw[:t.repIndex+1])
	}
	x.locate(s, t)
	x.finishNames(s, t)
	x.hintFor(s, t)
	x.keeps(s, t)
}

// traced is what explain reads off a suspect's retainer path, for its steps.
type traced struct {
	rep      uint32
	path     heapgraph.Path // on to the telling object when there is one
	raw      []rawStep      // path's steps
	shownRaw []rawStep      // the path shown (the program's route)
	repIndex int            // where rep is on path
	// tell: the object that says what leaks (a request context a
	// listener keeps), with ctx the object around it, when haveTell.
	tell, ctx uint32
	haveTell  bool
	// pendingEntry: the leaked objects are pending calls' entries;
	// stuck: the queue that resolve functions of stuck awaits wait in.
	pendingEntry bool
	stuck        string
}

// trace finds the path shown for the suspect and the telling object below
// its representative.
func (x *explainer) trace(s *Suspect) *traced {
	g := x.g
	rep := s.rep
	var raw []rawStep
	path := x.path(rep)
	// Show the path on to the telling object (… → listener → context →
	// RequestContext) when it runs through the leaked object.
	var deep heapgraph.Path
	tell, ctx, haveTell := x.tellingNodes(rep)
	if s.collection && (!haveTell || tell == rep) {
		// Thousands of entries fill the breadth-first search before
		// any reaches the program's object inside one: look in one.
		if e, ok := x.largestEntry(rep); ok {
			if t, c, ok := x.tellingNodes(e); ok {
				tell, ctx, haveTell = t, c, true
				if x.recordOver(e, t, path) {
					tell, ctx = e, noShape
				}
			}
		}
	} else if haveTell && x.recordOver(rep, tell, path[:max(0, len(path)-1)]) {
		tell, ctx = rep, noShape
	}
	if !haveTell && len(path) >= 2 && g.Dominator(rep) == path[len(path)-2].Node &&
		isSystemName(g.S.Strings.Bytes(g.S.NodeName[path[len(path)-2].Node])) {
		// A resolve function keeps nothing alone: the reaction above
		// it holds it with its reject twin and what they settle (a
		// Promise.race's promise and its QueryResult).
		tell, haveTell = x.tellingNode(path[len(path)-2].Node)
	}
	if t, ok := tell, haveTell; ok && t != rep {
		deep = x.path(t)
		if len(deep) <= len(path) || deep[len(path)-1].Node != rep {
			// Its shortest path runs through a sibling (a promise's
			// reject function next to the resolve function that was
			// grouped): continue from the leaked object instead.
			deep = nil
			if below := x.pathDown(rep, t); below != nil {
				deep = append(append(heapgraph.Path{}, path...), below...)
			}
		}
	}
	repIndex := len(path) - 1
	if deep != nil {
		path = deep
	}
	raw = x.rawSteps(path)
	// The path shown is the program's route when one of its module
	// variables holds the objects a few steps up, though the shortest
	// path runs through node's timers or a server's listener; the
	// mechanism is still read from the shortest path.
	shown, shownRaw := path, raw
	if route := x.programRoute(path[:repIndex+1]); route != nil {
		shown = append(route, path[repIndex+1:]...)
		shownRaw = x.rawSteps(shown)
	}
	s.RetainerPath, _ = x.foldPath(shownRaw)
	// The one-line text is exactly what `leakhound paths` prints, so the
	// two commands never name the same path differently.
	s.PathSteps = g.PathSteps(shown)
	s.PathText = strings.Join(s.PathSteps, " → ")
	if s.RetainerPath == nil {
		s.RetainerPath = []PathStep{}
	}
	return &traced{rep: rep, path: path, raw: raw, shownRaw: shownRaw, repIndex: repIndex, tell: tell, ctx: ctx, haveTell: haveTell}
}

// name says what leaks: the class of the representative, or of the
// telling object below it, or of a collection's entries.
func (x *explainer) name(s *Suspect, t *traced) {
	g, rep := x.g, t.rep
	s.RootClass = x.className(rep)
	s.Class = x.className(rep)
	if !t.haveTell && s.Class == "Promise" {
		// A settled promise kept as a value (a DataLoader's cache): its
		// result, an object literal the program made, is what it keeps.
		if r, ok := g.EdgeNamed(rep, "reactions_or_result"); ok && int(g.S.NodeType[r]) == g.S.NodeTypeIndex.Object && strings.HasPrefix(g.ClassName(r), "{") {
			s.Class = g.ClassName(r)
		}
	}
	if t.haveTell {
		s.Class = x.className(t.tell)
		if t.ctx != noShape && t.ctx != rep {
			s.Context = g.ClassName(t.ctx)
			if p := x.classPackage(t.ctx); p != "" {
				s.Context += " (" + p + ")"
			}
		}
	}
	if s.collection && (!t.haveTell || t.tell == rep) {
		// A collection growing in place: what its entries are, when
		// most are of one class (node's vm.Script objects in a Map).
		if c, ok := x.entryClass(rep); ok {
			s.Class = c
		}
	}
}

// classifyHeld reads the pattern and the holder off the path, and what
// the holder holds.
func (x *explainer) classifyHeld(s *Suspect, t *traced) {
	g, rep, raw, repIndex := x.g, t.rep, t.raw, t.repIndex
	s.Pattern, s.Holder = x.classify(rep, raw[:repIndex+1])
	if t.haveTell && t.tell != rep && (s.Pattern == PatternEventListener || s.Pattern == PatternClosure) && int(g.S.NodeType[rep]) == g.S.NodeTypeIndex.Closure &&
		x.nodeClass(t.tell) && !connectionClass(s.Class) {
		// What a listener's or a registered callback's scope keeps of
		// node's or V8's (its timeout's Timeout, the Error its promise
		// was rejected with) says how it waits, not what leaks: the
		// function does.
		s.Class = s.RootClass
	}
	s.settled = s.Pattern == PatternCollection && x.settledOnPath(rep, raw[:repIndex+1])
	// The held value lies below the cell: the path on to the telling object.
	s.selfHeld, s.selfHeldRegistry = x.selfHeld(raw)
	if s.Pattern == PatternCollection && !s.collection {
		s.pendingSlot = x.pendingSlot(rep)
		if s.pendingSlot != "" && t.haveTell && t.tell != rep && x.plainObject(rep) {
			// The entry of a pending call ({method, params, resolve,
			// reject}) is the leak; what its promise's reactions
			// keep below it (a timeout's error) is not its name.
			s.Class, t.tell = x.className(rep), rep
			t.pendingEntry = true
		}
		if s.pendingSlot == "" && t.haveTell && t.tell != rep {
			s.pendingSlot = x.pendingSlot(t.tell)
		}
		if _, ok := x.pendingPromiseOf(rep); ok && s.pendingSlot == "" && int(g.S.NodeType[rep]) == g.S.NodeTypeIndex.Closure {
			// The entries are the resolve functions themselves (a
			// JSON-RPC client's idToResolveMap): pending calls.
			s.pendingSlot = "the entries themselves"
		}
	}
	if s.collection {
		// The collection itself grows: it is the holder.
		s.Pattern = PatternCollection
		s.Holder = &Holder{Class: g.ClassName(rep), ID: g.ID(rep), Kind: collectionKind(g, rep)}
		if repIndex < len(raw) && raw[repIndex].node == rep {
			// Whose field it is (lru-cache's #keyMap): the owner's
			// package and the program's name for it.
			x.ownerOf(s.Holder, raw, repIndex)
			x.valueOfMap(s.Holder, raw, repIndex)
		}
		s.RootClass = s.Holder.Class
		if h := x.listenerArray(rep); h != nil {
			// An emitter's listener list: its listeners' leak.
			s.Pattern, s.Holder = PatternEventListener, h
		}
	}
	if h := s.Holder; h != nil {
		for _, r := range raw {
			if g.ID(r.node) == h.ID {
				h.Entries = entriesOf(g, r.node, h.Kind)
				h.Keys = entryKeys(g, r.node, h.Kind, []string{s.Class, s.RootClass, g.ClassName(rep)}, maxEntryKeys)
				h.copies = objectKeyCopies(g, r.node, h.Kind, []string{s.Class, s.RootClass, g.ClassName(rep)})
				if h.Kind == "dictionary" {
					h.sessions = sessionFields(g, r.node)
				}
				s.Wholes = wholesOf(g, r.node)
				break
			}
		}
	}
	if h := s.Holder; h != nil && h.Package != "" && h.libScript == "" {
		// A variable of a library's function (memoizee's cache): that
		// function's script is where the library adds to it.
		for j := 2; j < len(raw); j++ {
			if g.ID(raw[j].node) != h.ID {
				continue
			}
			if f := raw[j-2].node; raw[j].edgeType == "context" && int(g.S.NodeType[f]) == g.S.NodeTypeIndex.Closure {
				if l := x.location(f); l != nil && libraryPackage(l.Script) == h.Package {
					h.libScript = l.Script
				}
			}
			break
		}
	}
	if h := s.Holder; h != nil && h.Kind == "listeners" && h.Package != "" {
		// A library emitter: its class's script is where it keeps them.
		if em, ok := g.NodeByID(h.ID); ok {
			if l := x.ctorLocation(em); l != nil && libraryPackage(l.Script) == h.Package {
				h.emitterScript = l.Script
				h.emitterClass = g.ClassName(em)
				h.noRemoval = x.emitterMethod(em, "off", "removeListener", "removeEventListener") == ""
				h.removeAll = x.emitterMethod(em, "removeAllListeners") != ""
			}
		}
	}
	weakOf := rep
	if h := s.Holder; h != nil && h.valueOfWeak {
		// The collection is a WeakMap's value: its key is what lives on.
		if v, ok := g.NodeByID(h.ID); ok {
			weakOf = v
		}
	}
	if weakHolder(s) || weakOf != rep {
		if key, ok := x.weakKeyOf(weakOf); ok {
			s.weakKeyClass = g.ClassName(key)
			if steps := g.PathSteps(x.path(key)); len(steps) > 0 {
				// The last steps say who holds it.
				s.weakKeyPath = strings.Join(steps[keeperStep(steps):], " → ")
			}
		}
	}
}

// finishNames puts names in the program's terms (strings, a minified
// bundle's source names), and reads the holder's keys.
func (x *explainer) finishNames(s *Suspect, t *traced) {
	g, rep := x.g, t.rep
	// V8's string representations (a rope, a slice) are not what the
	// program made: it made strings.
	s.Class, s.RootClass = plainString(s.Class), plainString(s.RootClass)
	if x.maps != nil {
		// A minified bundle's classes by the names their source gives.
		s.Class, s.RootClass = x.sourceClass(s.Class), x.sourceClass(s.RootClass)
		if h := s.Holder; h != nil {
			h.Class, h.Owner = x.sourceClass(h.Class), x.sourceClass(h.Owner)
		}
		if l := s.Location; l != nil && l.Built != nil {
			l.Function = x.sourceClass(l.Function) // a minified class's constructor
		}
	}
	if x.scripts {
		s.scripts = x.programScripts(s.Location, t.shownRaw)
		if h := s.Holder; h != nil {
			for _, sc := range []string{h.keeperScript, h.moduleScript} {
				if sc != "" && !slices.Contains(s.scripts, sc) {
					s.scripts = append(s.scripts, sc)
				}
			}
		}
	}
	s.functions = int(g.S.NodeType[rep]) == g.S.NodeTypeIndex.Closure
	if h := s.Holder; h != nil && s.Pattern == PatternCollection && (h.Kind == "Map" || h.Kind == "Set" || h.Kind == "dictionary") {
		if v, ok := g.NodeByID(h.ID); ok {
			if m, ok := composedKeys(g, v, h.Kind); ok {
				s.keys = &m
			} else if keys := stringKeys(g, v, h.Kind, maxMixKeys); len(keys) > 0 {
				if l, ok := labelKeys(keys); ok {
					l.cache = h.Package == "" && !l.json
					s.labels = &l
				} else if u, ok := urlKeys(keys); ok {
					s.urls = &u
				} else if v, ok := versionKeys(keys); ok {
					s.versions = &v
				} else if t, ok := textKeys(keys); ok {
					s.texts = &t
				}
			}
		}
	}
	s.valuePackage = x.classPackage(rep)
	if s.valuePackage != "" {
		if l := x.ctorLocation(rep); l != nil {
			s.valueScript = l.Script
		}
	}
	if s.valuePackage == "" && s.Location != nil {
		s.valuePackage = libraryPackage(s.Location.Script)
	}
}

func (x *explainer) className(v uint32) string {
	g := x.g
	if int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure {
		name := x.funcName(v)
		if name == "" {
			if x.resolvingFunction(v) {
				return "(promise resolving function)"
			}
			if x.scriptName(v) == "" {
				// new Function(...): V8 names it "anonymous", and its
				// code is in no script file.
				return "anonymous() (new Function)"
			}
			return "(anonymous function)"
		}
		return name + "()"
	}
	name := g.ClassName(v)
	if minifiedName(name) {
		if n := x.publicClass(v); n != "" {
			return n
		}
	}
	return name
}

// tellingNode finds the object that says what leaks: v itself if it is a
// program's object, else the first such object v keeps alive (breadth
// first in the dominator tree): RequestContext under a listener closure.
func (x *explainer) tellingNode(v uint32) (uint32, bool) {
	t, _, ok := x.tellingNodes(v)
	return t, ok
}

// tellingNodes is tellingNode and, when the program's object was chosen
// over a library's or node's object nearer v (a request next to the
// program's session in a listener's closure), that object as context
// (noShape when none).
func (x *explainer) tellingNodes(v uint32) (tell, context uint32, ok bool) {
	g := x.g
	queue := []uint32{v}
	// The first object of each tier: the program's own class wins, a
	// library's (or one whose code is unknown) comes next, node's
	// own classes (an EventTarget's Listener chain, a Timeout) say how
	// the program's objects are held, not what they are.
	var first [tierProgram + 1]uint32
	var have [tierProgram + 1]bool
	for i := 0; i < len(queue) && i < 512; i++ {
		u := queue[i]
		if x.userObject(u) {
			tier := x.classTier(u)
			if tier == tierLibrary && minifiedName(g.S.NodeNameString(u)) && x.publicClass(u) == "" {
				tier = tierInternal
			}
			if !have[tier] {
				first[tier], have[tier] = u, true
			}
			if have[tierProgram] && have[tierLibrary] {
				break
			}
		}
		for j := g.FirstDominated[u]; j < g.FirstDominated[u+1]; j++ {
			if c := g.Dominated[j]; c != u {
				queue = append(queue, c)
			}
		}
	}
	context = noShape
	switch {
	case have[tierProgram]:
		switch {
		case have[tierLibrary]:
			context = first[tierLibrary]
		case have[tierInternal] && connectionClass(g.S.NodeNameString(first[tierInternal])):
			// node's own request or socket is context too.
			context = first[tierInternal]
		}
		return first[tierProgram], context, true
	case have[tierLibrary]:
		return first[tierLibrary], context, true
	case have[tierInternal]:
		return first[tierInternal], context, true
	}
	return 0, context, false
}

// largestEntry is the entry of collection v that retains the most: its
// largest dominated child, below the backing store (elements, table or
// properties) when that is what v dominates.
func (x *explainer) largestEntry(v uint32) (uint32, bool) {
	g := x.g
	for depth := 0; depth < 3; depth++ {
		var big uint32
		var size uint64
		found := false
		for j := g.FirstDominated[v]; j < g.FirstDominated[v+1]; j++ {
			if c := g.Dominated[j]; c != v && (!found || g.RetainedSize(c) > size) {
				big, size, found = c, g.RetainedSize(c), true
			}
		}
		if !found {
			return 0, false
		}
		if t := int(g.S.NodeType[big]); t != g.S.NodeTypeIndex.Array && t != g.S.NodeTypeIndex.Hidden {
			return big, true
		}
		v = big
	}
	return 0, false
}

// entryClass is the class most entries of collection v are of (at least
// half of those that are objects), looked at in its backing store (a
// Map's or Set's table, an Array's elements); node's native objects by
// their class (ContextifyScript, not "Node / ContextifyScript").
func (x *explainer) entryClass(v uint32) (string, bool) {
	g := x.g
	s := g.S
	store := v
	for _, name := range []string{"table", "elements"} {
		if t, ok := g.EdgeNamed(v, name); ok {
			store = t
			break
		}
	}
	counts := map[uint32]int{} // by name's string index
	n := 0
	for _, to := range g.Edges(store) {
		switch int(s.NodeType[to]) {
		case s.NodeTypeIndex.Object, s.NodeTypeIndex.Native, s.NodeTypeIndex.Closure:
		default:
			continue
		}
		counts[s.NodeName[to]]++
		if n++; n >= 1024 {
			break
		}
	}
	best, most := uint32(0), 0
	for k, c := range counts {
		if c > most {
			best, most = k, c
		}
	}
	if n < minEntryClass || 2*most < n {
		return "", false
	}
	name := strings.TrimPrefix(s.Strings.Get(best), "Node / ")
	if name == "" || name == "Object" || name == "Array" || name == "system / Context" {
		return "", false
	}
	return name, true
}

// minEntryClass: fewer entries than this say too little of their class.
const minEntryClass = 16

// internalClass: v's constructor is defined in node's own code.
func (x *explainer) internalClass(v uint32) bool {
	return memo(&x.internal, x.g.S.NodeNameString(v), func() bool {
		// The constructor decides: a Timeout's own callback is the
		// program's code, its class is node's.
		l := x.ctorLocation(v)
		if l == nil {
			l = x.location(v)
		}
		return l != nil && nodeScript(l.Script)
	})
}

// nodeClass: v's class is one node makes for its own state (a Timeout,
// a TCP handle), not one the program or a library defines: what such an
// object holds may be the program's, but it never names the leak. A
// class with no constructor in any script and no method of its own is
// made by node's C++ (TCP, Pipe, FSReqCallback).
func (x *explainer) nodeClass(v uint32) bool {
	return x.internalClass(v) || x.ctorLocation(v) == nil && x.location(v) == nil
}

// genericClasses say nothing about the program. "Generator" is how V8
// names the suspended state of an async function ("AsyncGenerator", of
// an async generator): the telling object is
// what it holds (its function is reported as the location).
var genericClasses = map[string]bool{"Object": true, "Array": true, "": true, "Map": true, "Set": true,
	"Promise": true, "Function": true, "ArrayBuffer": true, "Generator": true, "AsyncGenerator": true}

// recordOver: v, the program's own record ({id, state, hash, gzip}), says
// what leaks better than tell, node's Hash or Gzip inside it, which says
// what it is made of; unless a library's object is on the path above v
// (then v is the library's record).
func (x *explainer) recordOver(v, tell uint32, above heapgraph.Path) bool {
	return tell != v && x.classTier(tell) == tierInternal && x.programLiteral(v) && !x.libraryOnPath(above)
}

// libraryOnPath: an object of a library's class is on path (axios's
// InterceptorManager above the {fulfilled, rejected} records it makes):
// object literals below it are the library's records, not the program's.
func (x *explainer) libraryOnPath(path heapgraph.Path) bool {
	for _, st := range path {
		if x.userObject(st.Node) && x.classTier(st.Node) == tierLibrary && x.ctorLocation(st.Node) != nil {
			return true
		}
	}
	return false
}

// programLiteral: v is an object literal with properties ({id, state}),
// made in the program's own code or where nothing says (a literal without
// methods has no code to tell).
func (x *explainer) programLiteral(v uint32) bool {
	s := x.g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Object || !strings.HasPrefix(x.g.ClassName(v), "{") {
		return false
	}
	for e, to := range x.g.Edges(v) {
		// Its own methods say whose code made it (not the listeners of a
		// stream it keeps).
		if int(s.NodeType[to]) == s.NodeTypeIndex.Closure && s.EdgeTypeName(e) == "property" {
			if l := x.closureLocation(to); l != nil && !programLocation(l) {
				return false
			}
		}
	}
	return true
}

// plainObject: v is an object literal or an Object (no class of its own).
func (x *explainer) plainObject(v uint32) bool {
	s := x.g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Object {
		return false
	}
	name := s.Strings.Bytes(s.NodeName[v])
	return string(name) == "Object" || len(name) > 0 && name[0] == '{'
}

func (x *explainer) userObject(v uint32) bool {
	s := x.g.S
	if int(s.NodeType[v]) != s.NodeTypeIndex.Object {
		return false
	}
	name := s.Strings.Bytes(s.NodeName[v])
	if isSystemName(name) || len(name) == 0 || name[0] == '(' || name[0] == '{' {
		return false
	}
	return !genericClasses[string(name)]
}

// keyed: the key analysis explained the collection's keys (a unique id
// joined in, an unbounded label, raw URLs, whole texts), and its hint
// says so.
func (s *Suspect) keyed() bool {
	return s.Pattern == PatternCollection && (s.keys != nil || s.labels != nil || s.urls != nil || s.versions != nil || s.texts != nil)
}

// portKeys: the holder's keys end with a client's address and port.
func (s *Suspect) portKeys() bool {
	return s.Pattern == PatternCollection && s.keys != nil && s.keys.kind == portKind
}

// jsonField is the field of the holder's JSON keys whose values make them
// all new, "" when its keys are not JSON texts.
func (s *Suspect) jsonField() string {
	if s.labels == nil || !s.labels.json || s.Pattern != PatternCollection {
		return ""
	}
	return s.labels.label
}

// labelName is the label whose values make the holder's keys all new
// (keys_labels.go), "" when its keys are not label sets.
func (s *Suspect) labelName() string {
	if s.labels == nil || s.labels.json || s.Pattern != PatternCollection {
		return ""
	}
	return s.labels.label
}

// pathPackage is the npm package of the nearest library function or
// object on path (whose variable or field the rest hangs from), "" when
// there is none.
func (x *explainer) pathPackage(path heapgraph.Path) string {
	g := x.g
	for k := len(path) - 1; k >= 0; k-- {
		v := path[k].Node
		if int(g.S.NodeType[v]) == g.S.NodeTypeIndex.Closure {
			if l := x.closureLocation(v); l != nil {
				if pkg := libraryPackage(l.Script); pkg != "" {
					return pkg
				}
			}
			continue
		}
		if x.userObject(v) {
			if pkg := x.classPackage(v); pkg != "" {
				return pkg
			}
		}
	}
	return ""
}
