package leak

import "fmt"

// The report's types: what Analyze returns (Report, its Suspects and their
// Holders, paths and locations), as the CLI, serve, MCP and --json show it.

// Pattern is the kind of leak a suspect looks like.
type Pattern string

// The patterns leakhound recognises.
const (
	PatternEventListener Pattern = "event-listener"
	PatternTimer         Pattern = "timer"
	PatternCollection    Pattern = "unbounded-collection"
	PatternClosure       Pattern = "closure"
	PatternPromise       Pattern = "promise"
	PatternDetachedDOM   Pattern = "detached-dom"
	PatternStringBuffer  Pattern = "string-or-buffer"
	PatternOther         Pattern = "other"
)

// SnapshotInfo describes one snapshot of the series.
type SnapshotInfo struct {
	Name      string `json:"name"`
	Nodes     int    `json:"nodes"`
	TotalSize uint64 `json:"total_size"` // retained size of the root: all reachable bytes
}

// PathStep is one step of a representative retaining path, from the root
// toward the leaked object. Repeat > 1 means the same step (same edge name
// and class) occurs that many times in a row, e.g. a timer list.
type PathStep struct {
	Edge     string `json:"edge"`      // edge name from the previous step ("" for the first)
	EdgeType string `json:"edge_type"` // property, element, context, internal, hidden, shortcut
	Class    string `json:"class"`     // DevTools class name of the node
	Name     string `json:"name"`      // node name (function name, constructor, ...)
	ID       uint32 `json:"id"`        // snapshot id of the (first) node
	Type     string `json:"type"`      // V8 node type: object, closure, array, ...
	Repeat   int    `json:"repeat,omitempty"`
}

// Location is a source position (1-based line and column).
type Location struct {
	Function string `json:"function,omitempty"`
	Script   string `json:"script,omitempty"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	// Role is "scope" when nothing says where the objects are made and
	// this is only a function whose scope (closure context) keeps them:
	// for a module's variable, any function of the module. "" otherwise:
	// the code that makes, adds or is the leaked objects.
	Role string `json:"role,omitempty"`
	// Built is where the code is in the script node ran, when a source
	// map led Script, Line and Column back to the original source
	// (dist/orders.js:37 for src/orders.ts:42, a bundle's line).
	Built *Position `json:"built,omitempty"`
}

// RoleScope: a function whose scope keeps the objects (Location.Role).
const RoleScope = "scope"

// RoleVariable: a module's top-level variable keeps the objects, and
// nothing says where they are made: Function is the variable's name,
// Script, Line and Column its declaration (Location.Role). Any function
// of the module would keep them as much, so none is named.
const RoleVariable = "variable"

// keeperOnly: l says only what keeps the objects (a scope, a variable),
// not the code that makes or adds them.
func (l *Location) keeperOnly() bool {
	return l != nil && (l.Role == RoleScope || l.Role == RoleVariable)
}

// scopeOf is a copy of l marked as a scope guess (nil for nil); a
// variable stays one.
func scopeOf(l *Location) *Location {
	if l == nil {
		return nil
	}
	if l.Role == RoleVariable {
		return l
	}
	c := *l
	c.Role = RoleScope
	return &c
}

// Suspect is one group of leaked objects sharing a retaining-path shape.
type Suspect struct {
	Rank    int     `json:"rank"`
	Pattern Pattern `json:"pattern"`
	// Class is the most telling class of what leaks: the first user-defined
	// object class under the leaked object (RequestContext under a listener
	// closure), else the leaked object's own class.
	Class string `json:"class"`
	// RootClass is the class of the objects the path leads to (listener
	// closures, Map entries, Timeouts...).
	RootClass string `json:"root_class"`
	// Count and RetainedSize are per snapshot: the objects with this path
	// shape and what they retain (not double counting nested ones).
	Count []int64 `json:"count"`
	// CountUnit is what Count counts: "" for objects, "slots" for a
	// collection that grows in place (pointer-sized words of it and its
	// backing stores, which also counts numbers stored inline), "bytes"
	// for a slot whose value is replaced by a bigger one at every snapshot
	// (the value's retained size).
	CountUnit    string   `json:"count_unit,omitempty"`
	RetainedSize []uint64 `json:"retained_size"`
	GrowthBytes  int64    `json:"growth_bytes"` // RetainedSize[last] - RetainedSize[first]
	GrowthCount  int64    `json:"growth_count"` // Count[last] - Count[first]
	// NewObjects is how many of them were allocated after the first
	// snapshot and are still alive in the last.
	NewObjects int `json:"new_objects"`
	// Parts are the suspects merged into this one (same holder object, or
	// same code and mechanism), the first being its own: details of one
	// leak, whose bytes the suspect counts once.
	Parts []Part `json:"parts,omitempty"`
	// Context is a library's or node's object the leaked objects also keep,
	// when Class names the program's own (the request next to a session):
	// "IncomingMessage", "WebSocket (ws)".
	Context      string     `json:"context,omitempty"`
	RetainerPath []PathStep `json:"retainer_path"`
	// PathText is the path as `leakhound paths` prints it, runs folded.
	PathText string `json:"path_text"`
	// PathSteps is PathText cut at its arrows, one step each (for views
	// that show a step per line; JSON has retainer_path).
	PathSteps []string  `json:"-"`
	Location  *Location `json:"location"`
	// AddedAt is the statement that adds to the collection, looked up in
	// the program's scripts when they are at hand (Options.Sources).
	AddedAt *Statement `json:"added_at,omitempty"`
	Hint    string     `json:"hint"`
	// Bulk is where most of one leaked object's retained size is, when
	// a few references below it (bulk.go).
	Bulk *Bulk `json:"bulk,omitempty"`
	// Wholes: the holder's entries keep slices of bigger strings or
	// buffers, which stay whole (pattern_slices.go).
	Wholes *Wholes `json:"wholes,omitempty"`
	// Holder describes the emitter or collection for event-listener and
	// unbounded-collection: its class, id and, for listeners, the event.
	Holder *Holder `json:"holder,omitempty"`
	// Evidence says why this is a suspect: "grew at each of 2 intervals,
	// by 3,000 and 3,000 entries", and when the evidence is thin (three
	// snapshots or fewer, small or uneven growth) what would firm it up.
	Evidence string `json:"evidence"`
	// Intervals is the growth of Count between consecutive snapshots.
	Intervals []int64 `json:"intervals"`
	// ThinEvidence: few snapshots, small or uneven growth, or only a
	// collection's capacity seen; more snapshots would tell better.
	ThinEvidence bool `json:"thin_evidence"`
	// AllocationStacks are where the leaking objects were allocated, the
	// most common first, when the snapshots carry allocation traces
	// (`--allocation-stacks`); AllocationTraced is how many of the
	// leaking objects had one, AllocationUntraced how many had none. V8
	// drops the stack of some objects it traced (those the GC moves after
	// V8 gave them a snapshot id: node 22 drops the most), so the stacks
	// are a sample of the leaking objects, not a census.
	AllocationStacks   []AllocationStack `json:"allocation_stacks,omitempty"`
	AllocationTraced   int               `json:"allocation_traced,omitempty"`
	AllocationUntraced int               `json:"allocation_untraced,omitempty"`

	rep        uint32      // representative leak root (node ordinal in the last snapshot)
	collection bool        // a growing collection: rep is the collection itself
	shape      uint32      // path suspects: the (loose) shape of the group
	localized  bool        // Count and RetainedSize narrowed to the holder (see localize)
	single     bool        // from one snapshot: accumulation, not growth (single.go)
	settled    bool        // the leaked objects are settled promises or their results
	functions  bool        // the leaked objects are functions (closures)
	keys       *keyMix     // the holder's keys join a few values with a unique id (keys.go)
	labels     *labelMix   // the holder's keys are label sets with an unbounded label (keys_labels.go)
	urls       *urlMix     // the holder's keys are URLs of a few routes (keys_urls.go)
	texts      *textMix    // the holder's keys are whole texts (keys_texts.go)
	versions   *versionMix // the holder's keys are an id and a version (keys_versions.go)
	// valuePackage is the npm package whose code made the leaked
	// objects (their class's or their code's), "" for the program's.
	valuePackage string
	// madeBy is the library class whose objects make and keep the leaked
	// ones (opossum's CircuitBreaker and its Status): the program's new
	// of it is the code line.
	madeBy string
	// valueScript is the script of the leaked objects' library class
	// (its constructor's), "" for the program's.
	valueScript string
	// listenerPackage: the listeners are a library's own functions (in its
	// package), added by its objects, not by the program.
	listenerPackage string
	// pendingSlot: the entries keep the resolve (or reject) function of a
	// promise still pending in this property ("PendingCall.resolve").
	pendingSlot string
	byClass     bool // class growth: the leaked objects are the new ones of rep's class
	// weakKeyClass and weakKeyPath: for entries of a WeakMap, the class
	// of a key and the end of its retaining path (what keeps it alive).
	weakKeyClass, weakKeyPath string
	// heldCallback: the first function below a library's holder on the
	// path is the program's own (registeredCallback).
	heldCallback bool
	// outgrown: its bound lets it keep more than the whole heap, at what
	// each object keeps now (outgrowBound).
	outgrown bool
	// causeHint: what V8 keeps that the code does not say, which leads
	// the fix: a variable a closure never reads kept by its context
	// (pattern_contexts.go), an Error's unread stack (pattern_errors.go).
	causeHint string
	// scripts are the program's scripts the suspect involves (its code
	// location, the functions and classes on its path), for addedAt.
	scripts []string
	// chain: the closures keep one another, each the one before it
	// (pattern_wrapped.go).
	chain *wrapChain
	// selfHeld: the objects are registered with a FinalizationRegistry
	// whose held value leads back to them (the route, "release → this");
	// selfHeldRegistry is the registry's variable.
	selfHeld, selfHeldRegistry string
	// capacityOnly: a collection of numbers stored inline, of which a
	// snapshot shows only the capacity (Count is in slots).
	capacityOnly bool
	capacity     []int64 // collections: slots of capacity per snapshot, for notes
}

// Part is one of the suspects merged into one.
type Part struct {
	Class       string `json:"class"`
	RootClass   string `json:"root_class"`
	Holder      string `json:"holder,omitempty"` // "Array @123", "EventEmitter @5 'tick'"
	GrowthBytes int64  `json:"growth_bytes"`
	GrowthCount int64  `json:"growth_count"`
}

func partOf(s *Suspect) Part {
	p := Part{Class: s.Class, RootClass: s.RootClass, GrowthBytes: s.GrowthBytes, GrowthCount: s.GrowthCount}
	if h := s.Holder; h != nil {
		p.Holder = fmt.Sprintf("%s @%d", h.Class, h.ID)
		if h.Event != "" {
			p.Holder += " '" + h.Event + "'"
		}
	}
	return p
}

// Holder is the object that keeps the leaked objects.
type Holder struct {
	Class string `json:"class"`
	ID    uint32 `json:"id"`
	Event string `json:"event,omitempty"` // event-listener: the event name
	// EventsLike is how many of the emitter's events are named like
	// Event with another id in it ('issued:1', 'issued:2'…): one event
	// per call; 0 when Event has no id or they are few.
	EventsLike int `json:"events_like,omitempty"`
	// Listeners is how many listeners the event has in the last snapshot,
	// counted on the emitter itself (event-listener only).
	Listeners int `json:"listeners,omitempty"`
	// Table is the property of the emitter that holds its callback lists
	// when it is not node's EventEmitter (nanoevents' events, a program's
	// own handlers table): event-listener only.
	Table string `json:"table,omitempty"`
	// Kind is Map, Set, Array, dictionary, linked list or listeners for a
	// collection or emitter; for a slot whose value is replaced by a bigger
	// one at every snapshot, what the slot is: variable, property, element
	// or internal.
	Kind string `json:"kind,omitempty"`
	// Name is the variable or property the holder is kept in (single
	// snapshot only: `Map pendingOrders`).
	Name string `json:"name,omitempty"`
	// Slot is that slot's name (a closure's variable, a property name, an
	// element index [i] or V8's internal field name).
	Slot string `json:"slot,omitempty"`
	// Owner is the object that keeps the collection in a field (a
	// cache's or loader's instance: LRUCache, DataLoader, a metric), its
	// id, the variable or property it is kept in and, when its class
	// comes from node_modules, the npm package. Several collections of
	// one owner (a Map plus parallel arrays) are one leak.
	Owner     string `json:"owner,omitempty"`
	OwnerID   uint32 `json:"owner_id,omitempty"`
	OwnerName string `json:"owner_name,omitempty"`
	Package   string `json:"package,omitempty"`
	// ValueOf is the Map or dictionary the collection is a value of, by
	// its owner's property or variable (a list per carrier kept in
	// EventHistory.byCarrier: Owner EventHistory, ValueOf byCarrier).
	ValueOf string `json:"value_of,omitempty"`
	// Entries is the collection's size in the last snapshot (a Map's or
	// Set's entries, an Array's elements) as references show it, so
	// entries of small integers only are not counted; 0 when unknown.
	// Count is what leaks through it, which need not be all of it.
	Entries int `json:"entries,omitempty"`
	// Keys are the keys of the newest leaking entries of a Map or
	// dictionary holder (string keys only: small integers are not in a
	// snapshot), oldest first.
	Keys []string `json:"keys,omitempty"`
	// OtherEvents are the emitter's other events with more listeners than
	// node's own warning threshold (10): one object subscribing to several
	// events (a 'data' and an 'end' listener per request) piles up on all.
	OtherEvents []EventListeners `json:"other_events,omitempty"`

	// keeperScript is the script of the program's class whose field
	// keeps a library's object reached through the library's own timer
	// (DuplicateSuppressor.cache, a NodeCache): where the program adds.
	keeperScript string
	// moduleScript is the library module whose top-level variable the
	// collection is (see libraryModuleScope): where the library adds.
	moduleScript string
	// libScript is the script of the library class that owns the
	// collection (Tracer's openSpans): where the library's own code adds
	// to it, when the program's code does not.
	libScript string
	// libLines, when set, are the lines (0-based, end exclusive) of
	// libScript that the wrapper function keeping the collection spans:
	// its add is there, not in another function of the module.
	libLines [2]int
	// emitterScript is the script of a library emitter's class (an
	// eventemitter3 EventEmitter): where its add keeps a listener.
	emitterScript string
	// noRemoval: that library emitter's class (emitterClass) has no
	// method that takes one listener out (off, removeListener,
	// removeEventListener): Bottleneck's has only removeAllListeners.
	noRemoval, removeAll bool // (and whether it has removeAllListeners)
	emitterClass         string
	// classScripts are the scripts of the owner's constructor and of the
	// functions on its prototype chain (a base class's file, a prototype
	// pasted from another class's): the package's files that are its
	// own code; another file of the package is another class's.
	classScripts []string
	// baseClasses are the classes the owner's class extends: code in
	// their bodies is the owner's too (see removedAt).
	baseClasses []string
	// alsoNames are other names the program keeps the owner under (the
	// router a module builds as router and another requires as webhooks):
	// where it adds through the owner, it may use any of them.
	alsoNames []string
	// fieldAliases are other fields the library keeps the collection
	// itself under (Keyv's _store is also its opts.store): its code may
	// add through any of them.
	fieldAliases []string
	// madeAs is the program's variable keeping the function of the
	// program whose property the collection is (orderSchema for the
	// memoized wrapper whose .cache it is): where that function was made,
	// with which options.
	madeAs string
	// sessions: what the sessions a store keeps as JSON texts hold
	// (libraries_sessions.go); nil for any other collection.
	sessions *sessionMix
	// copies: a Map keyed by objects whose newest keys are copies of a
	// few (keys_objects.go); nil otherwise.
	copies *keyCopies
	// valueOfWeak: ValueOf is a WeakMap (a collection per key object).
	valueOfWeak bool
	// wrapped: the collection is a variable of a function a library
	// wrapped and the program keeps as OwnerName (memoizee's cache of
	// FlagService.evaluateContext).
	wrapped bool
}

// Field is where the collection is kept, as the program reaches it:
// "TtlCache.entries", "FlagService.evaluateContext.cache" for a memoized
// function's cache, or its variable's name.
func (h *Holder) Field() string {
	switch {
	case h.Name == "" && h.ValueOf != "":
		// One of a Map's values: named after the Map, a value of it.
		owner := h.Owner
		if owner == "" {
			owner = h.OwnerName
		}
		if owner == "" {
			return "value of " + h.ValueOf
		}
		return "value of " + owner + "." + h.ValueOf
	case h.wrapped && h.Owner != "":
		return h.Owner + "." + h.OwnerName + "." + h.Name
	case h.wrapped:
		return h.OwnerName + "." + h.Name
	case h.Owner != "":
		return h.Owner + "." + h.Name
	}
	return h.Name
}

// EventListeners is one event of an emitter and its listener count.
type EventListeners struct {
	Event     string `json:"event"`
	Listeners int    `json:"listeners"`
}

// Report is the result of Analyze.
type Report struct {
	Leak      bool           `json:"leak"`
	Snapshots []SnapshotInfo `json:"snapshots"`
	Suspects  []Suspect      `json:"suspects"`
	// Notes are caveats about the input worth telling the user.
	Notes []string `json:"notes,omitempty"`

	slowing int // groups left out for growing less and less (see Unsure)
	bounded int // collections left out for being within their bound (see Bounded)
}

// Bounded is how many growing collections were left out because the
// program keeps them within a bound they have not reached (the notes say
// which).
func (r *Report) Bounded() int { return r.bounded }
