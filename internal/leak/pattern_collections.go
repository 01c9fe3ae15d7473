// Pattern unbounded-collection: Maps, Sets, Arrays, dictionary objects and
// linked lists whose entries pile up.

package leak

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// intoKeyed: raw[k+1] is an entry of a Map, Set or their weak kinds
// (raw[k] is the collection or its backing store).
func (x *explainer) intoKeyed(raw []rawStep, k int) bool {
	g := x.g
	s := g.S
	if !x.intoCollection(raw[k].node, raw[k+1]) {
		return false
	}
	j := k
	for j > 0 {
		if t := int(s.NodeType[raw[j].node]); t != s.NodeTypeIndex.Array && t != s.NodeTypeIndex.Hidden {
			break
		}
		j--
	}
	switch s.NodeNameString(raw[j].node) {
	case "Map", "Set", "WeakMap", "WeakSet":
		return true
	}
	return false
}

// intoCollection: the edge in from holder stores an entry of a collection
// (an array element, a Map/Set table slot, a WeakMap value, a dictionary
// property).
func (x *explainer) intoCollection(holder uint32, in rawStep) bool {
	if x.g != nil {
		switch int(x.g.S.NodeType[holder]) {
		case x.g.S.NodeTypeIndex.Synthetic:
			// V8's root groups ((Stack roots), (Handle scope)) list
			// what they reach by index: not the program's collections.
			return false
		case x.g.S.NodeTypeIndex.Object:
			if in.edgeType == "hidden" && collectionKind(x.g, holder) == "" {
				// A plain object's unnamed field (node 24 writes a
				// double field's number as {2}): not an entry.
				return false
			}
		}
	}
	return in.edgeType == "element" || in.edgeType == "hidden" ||
		(in.edgeType == "internal" && (isNumber(in.edgeName) || isWeakMapEntry(in.edgeName))) ||
		(in.edgeType == "property" && x.dictLike(holder))
}

// isWeakMapEntry: V8 names the edge from a WeakMap's table to a value
// "N / part of key (K @id) -> value (V @id) pair in WeakMap (table @id)".
func isWeakMapEntry(name string) bool {
	return strings.Contains(name, " / part of key (") && strings.HasSuffix(name, ")")
}

// dictLike: an object in dictionary mode, or with so many properties that
// they must be data.
func (x *explainer) dictLike(v uint32) bool {
	s := x.g.S
	props := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
		switch s.EdgeTypeName(e) {
		case "property":
			props++
		case "internal":
			if s.EdgeName(e) == "properties" && s.NodeNameString(s.EdgeTo[e]) == "(object properties)" {
				return true
			}
		}
	}
	return props > 64
}

// subscriberNames are names a library or program gives its list of
// registered callbacks or subscribers (rxjs Subject.currentObservers, a
// hooks array): entries leave it only when unsubscribed.
var subscriberNames = []string{"observers", "subscribers", "subscriptions", "listeners", "handlers", "callbacks", "hooks", "watchers"}

func subscriberList(edge string) bool {
	name := strings.ToLower(edge)
	for _, w := range subscriberNames {
		if strings.HasSuffix(name, w) {
			return true
		}
	}
	return false
}

// subscriberHint is the fix for entries piling up in a list of
// subscribers: unsubscribe, not bound.
func subscriberHint(s *Suspect, list, per string) string {
	owner := ""
	if s.Holder != nil && s.Holder.Owner != "" {
		owner = s.Holder.Owner + "."
	}
	rx := false
	for _, st := range s.RetainerPath {
		if strings.HasSuffix(st.Class, "Subscriber") || strings.HasSuffix(st.Class, "Subject") {
			rx = true
		}
	}
	if rx {
		return fmt.Sprintf("subscriptions pile up in %s%s%s and are never unsubscribed: keep the Subscription that subscribe() returns and call unsubscribe() when its consumer is done (a socket's 'close', a request's end), or end it with takeUntil/take", owner, list, per)
	}
	return fmt.Sprintf("callbacks registered in %s%s pile up%s and are never removed: unregister each one when its owner is done (keep what the registration returns, or remove it by reference)", owner, list, per)
}

// inUseNames are names a program gives the set of items it has handed out
// and must take back (a pool's busy connections).
var inUseNames = []string{"busy", "inuse", "in_use", "active", "checkedout", "checked_out", "leased", "borrowed", "acquired"}

// waitingTasks: the entries are tasks waiting in a library's queue for a
// free slot (p-limit's yocto-queue: each keeps a pending promise's
// resolve; p-queue's array of {id, run}, run made inside the promise).
func (s *Suspect) waitingTasks() bool {
	return s.pendingSlot != "" && s.Holder != nil && s.Holder.Package != "" && (s.Holder.Kind == "linked list" || s.Holder.Kind == "Array")
}

// mechanismHint is the fix for collections the heap shows to be one of
// node's or a common program's mechanisms, rather than the program's own
// cache: an events.on() iterator no one reads, a Writable that never
// drains, a pool's set of items in use that errors never give back.
func mechanismHint(s *Suspect, per string) string {
	// node's and undici's tables of connections, requests and buffers
	// (undici's queued requests wait on promises too: its own words
	// first).
	for _, hint := range []func(*Suspect, string) string{agentHint, readBufferHint, undiciHint} {
		if h := hint(s, per); h != "" {
			return h
		}
	}
	if s.waitingTasks() {
		// A library's queue of waiting tasks (p-limit's yocto-queue):
		// work in flight behind the tasks that hold its slots.
		if s.single {
			return fmt.Sprintf("%s holds %s, tasks waiting in a queue of %s for a free slot, each keeping the resolve function of a promise that has not settled (%s): work in flight when the snapshot was taken; they stay only if the tasks ahead of them never finish: give each task a deadline, and reject new work when the queue is already long",
				holderWhat(s.Holder), entriesText(s), s.Holder.Package, s.pendingSlot)
		}
		return fmt.Sprintf("%s only grows%s: tasks wait in a queue of %s for a free slot (%s), and the tasks ahead of them never finish, or work comes faster than it is done: give each task a deadline, and reject new work when the queue is already long",
			holderWhat(s.Holder), per, s.Holder.Package, s.pendingSlot)
	}
	if s.pendingSlot != "" && s.single {
		// One snapshot cannot tell that they never settle, only that
		// this many wait at once.
		return fmt.Sprintf("%s holds %s, each keeping the resolve function of a promise that has not settled (%s): calls waiting for an answer, in flight when the snapshot was taken; they stay only if their answer never comes: delete the entry and settle its promise when the answer comes, and also when the call times out or fails (give every call a deadline that rejects it and removes its entry)", holderWhat(s.Holder), entriesText(s), s.pendingSlot)
	}
	if s.pendingSlot != "" {
		what := holderWhat(s.Holder)
		return fmt.Sprintf("%s only grows%s and each entry keeps the resolve function of a promise that never settled (%s): the calls it tracks were never answered; delete the entry and settle its promise when the answer comes, and also when the call times out or fails (give every call a deadline that rejects it and removes its entry)", what, per, s.pendingSlot)
	}
	for i, st := range s.RetainerPath {
		if s.Holder != nil && st.ID == s.Holder.ID && i > 0 && subscriberList(st.Edge) {
			return subscriberHint(s, st.Edge, per)
		}
		if s.Holder != nil && st.ID == s.Holder.ID && i > 1 && subscriberList(s.RetainerPath[i-1].Edge) && !isNumber(st.Edge) {
			// One list per event in a table of subscribers
			// (i18next's observers.added).
			return subscriberHint(s, s.RetainerPath[i-1].Edge+"."+st.Edge, per)
		}
		switch {
		case st.Edge == "unconsumedEvents":
			// node's events.on(): every event waits in its queue
			// until the async iterator takes it.
			return fmt.Sprintf("events wait in an events.on() async iterator that is no longer read%s: keep iterating it (for await), or end it when done (break out of the loop, call iterator.return(), or pass an AbortSignal to events.on() and abort it)", per)
		case st.Class == "WritableState" && i+1 < len(s.RetainerPath) && strings.Contains(strings.ToLower(s.RetainerPath[i+1].Edge), "buffered"):
			// A Writable's queued write requests ({chunk, encoding,
			// callback}): writes go on while the stream never drains.
			h := fmt.Sprintf("writes pile up in a Writable's buffer because the stream does not drain%s: respect backpressure (when write() returns false, wait for 'drain' before writing more, or use stream.pipeline), and check that the stream's _write calls its callback", per)
			if i > 0 {
				switch c := s.RetainerPath[i-1].Class; c {
				case "PassThrough", "Transform", "Duplex":
					// Its writable side drains only as far as its
					// readable side is read.
					h += fmt.Sprintf("; a %s drains only while its readable side is read: pipe it to a consumer or call resume(), or do not write to it when nothing reads it", c)
				}
			}
			return h
		case st.Class == "Set" && i > 0 && s.Holder != nil && s.Holder.Kind == "Set" && st.ID == s.Holder.ID:
			name := strings.ToLower(st.Edge)
			for _, w := range inUseNames {
				if strings.Contains(name, w) {
					return fmt.Sprintf("items taken out (the Set %s) are not all given back%s: release or delete them on every path, errors included (release in a finally block, or use a helper that always releases)", st.Edge, per)
				}
			}
		}
	}
	return ""
}

// entriesOf is how many entries a Map, Set or Array holds (its size or
// length) as the snapshot shows them: entries whose key and value are both
// small integers have no reference, so this is a lower bound; 0 when
// unknown.
func entriesOf(g *heapgraph.Graph, v uint32, kind string) int {
	s := g.S
	numeric := func(e uint32) bool {
		b := s.Strings.Bytes(s.EdgeNameOrIndex(e))
		if int(s.EdgeType(e)) == s.EdgeTypeIndex.Element {
			return true
		}
		if len(b) == 0 {
			return false
		}
		for _, c := range b {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	// A deleted entry of a Map's or Set's table is a reference to the
	// hole until V8 rehashes the table: no entry.
	hole := func(u uint32) bool { return string(s.Strings.Bytes(s.NodeName[u])) == "system / Hole" }
	// An Array's slot holding undefined, null or a boolean (V8's
	// oddballs) is no entry: lru-cache makes its lists at their maximum
	// length filled with undefined.
	oddball := g.IsOddball
	count := func(u uint32, internal bool) int {
		n := 0
		for e := s.FirstEdge[u]; e < s.FirstEdge[u+1]; e++ {
			t := int(s.EdgeType(e))
			if t == s.EdgeTypeIndex.Element && !oddball(s.EdgeTo[e]) || internal && t == s.EdgeTypeIndex.Internal && numeric(e) && !hole(s.EdgeTo[e]) {
				n++
			}
		}
		return n
	}
	store := func(name string) (uint32, bool) {
		for e := s.FirstEdge[v]; e < s.FirstEdge[v+1]; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && s.EdgeName(e) == name {
				return s.EdgeTo[e], true
			}
		}
		return 0, false
	}
	switch kind {
	case "Array":
		if n := count(v, false); n > 0 {
			return n
		}
		if el, ok := store("elements"); ok {
			return count(el, false)
		}
	case "Map", "Set":
		t, ok := store("table")
		if !ok {
			return 0
		}
		if kind == "Set" {
			return count(t, true)
		}
		// A Map's table holds key, value, chain per entry: a key and
		// its value are adjacent slots (the chain between entries is
		// a small integer, no reference). An entry shows one slot or
		// two (a small-integer key or value has none).
		var idx []int
		for e := s.FirstEdge[t]; e < s.FirstEdge[t+1]; e++ {
			if int(s.EdgeType(e)) == s.EdgeTypeIndex.Internal && numeric(e) && !hole(s.EdgeTo[e]) {
				if i, err := strconv.Atoi(s.EdgeName(e)); err == nil {
					idx = append(idx, i)
				}
			}
		}
		slices.Sort(idx)
		n := len(idx)
		for k := 1; k < len(idx); k++ {
			if idx[k] == idx[k-1]+1 {
				n--
			}
		}
		return n
	}
	return 0
}

// holderWhat names a suspect's collection for a hint: "the Map
// TtlCache.entries", "the Map sessions", "the Map", "the collection".
func holderWhat(h *Holder) string {
	if h == nil || h.Kind == "" {
		return "the collection"
	}
	switch {
	case (h.Owner != "" || h.wrapped) && h.Name != "":
		return "the " + h.Kind + " " + h.Field()
	case h.Name != "" && h.Kind != "listeners":
		return "the " + h.Kind + " " + h.Name
	}
	return "the " + h.Kind
}

// collectionHint is the fix for a PatternCollection suspect; per is its count range.
func collectionHint(s *Suspect, per string) string {
	what := holderWhat(s.Holder)
	grows := "only grows"
	if s.single {
		// One snapshot shows its size, not that it grows.
		grows = "holds " + entriesText(s)
	}
	if s.Holder != nil && s.Holder.Kind == "linked list" && registeredCallback(s) {
		return registrationHint("a linked list of "+s.Holder.Class+" ("+s.Holder.Package+")", s.Location, per)
	}
	if s.Holder != nil && s.Holder.Kind == "linked list" && alsStore(s) {
		return fmt.Sprintf("each %s keeps the one before it in a chain that starts at an AsyncLocalStorage store%s and never ends: a store that links to the current one (a span's parent), entered with enterWith() for every unit of work in a loop or a long-lived async function, makes the chain one longer each time; give each unit its own scope with storage.run(store, fn) (or restore the previous store when it ends), and link to a parent by its id, not by reference", s.Class, per)
	}
	if s.Holder != nil && s.Holder.Kind == "linked list" && s.pendingSlot == "" {
		return fmt.Sprintf("the linked list held by %s %s%s: unlink nodes that are done (advance its head), or cap its length", s.Holder.Class, grows, per)
	}
	if h := mechanismHint(s, per); h != "" {
		return h
	}
	if registeredCallback(s) {
		return registrationHint(what[len("the "):]+" ("+s.Holder.Package+")", s.Location, per)
	}
	if weakHolder(s) {
		return weakHint(s, per)
	}
	if h := libraryHint(s, per); h != "" {
		return h
	}
	if h := moduleHint(s, per); h != "" {
		return h
	}
	if h := perKeyObjectHint(s, per); h != "" {
		return h
	}
	if h := s.Holder; h != nil && s.functions && !s.collection && (h.Kind == "Map" || h.Kind == "dictionary") {
		// Functions as a Map's values (handlebars templates compiled
		// per subject line): a cache of compiled code.
		what := h.Name
		if h.Owner != "" {
			what = h.Field()
		}
		return functionCacheHint(what, per)
	}
	if h := s.Holder; h != nil && h.wrapped && memoName(h.Name) {
		fn := h.OwnerName
		if h.Owner != "" {
			fn = h.Owner + "." + fn
		}
		return fmt.Sprintf("%s, a function %s memoizes, keeps a result per distinct argument in %s, which %s%s: give the memoizer a maximum when you wrap the function (its max or maxSize option, and an age limit; one that has none cannot be bounded, so use one that has, or a bounded cache of your own), or build its key from values of a small, fixed set (not ids or timestamps)", fn, h.Package, h.Name, grows, per)
	}
	if s.settled && !s.single {
		return settledHint(s, per)
	}
	if isBufferClass(s.Class) {
		return fmt.Sprintf("%s %s%s: bound it or delete entries when done; if these are small slices (subarray/slice) of larger buffers, each keeps its whole parent alive, so keep a copy instead (Buffer.from(slice))", what, grows, per)
	}
	if c := connectionContext(s); c != "" && !s.single {
		// Entries that each keep a connection or a request: they are
		// done when it closes, which the heap cannot see.
		return fmt.Sprintf("%s %s%s and each entry keeps %s %s: delete the entry when that connection or request ends (on its 'close' event), or keep entries in a Set or Map and delete them there", what, grows, per, article(c), c)
	}
	if h := s.Holder; h != nil && h.valueOfWeak {
		// A WeakMap frees a value only with its key: the keys are
		// long-lived (pooled connections, singletons), so the values
		// live and grow as long as the process.
		keys := "these keys live on (pooled or long-lived objects)"
		if s.weakKeyClass != "" {
			keys = "its keys (" + s.weakKeyClass + ") live on"
			if s.weakKeyPath != "" {
				keys += " (a key is kept by " + s.weakKeyPath + ")"
			}
		}
		return fmt.Sprintf("each %s kept as a value of the WeakMap %s %s%s: a WeakMap lets a value go only with its key, and %s, so the WeakMap frees nothing; key it by an object that lives only as long as the work its entries belong to (a request's own object or context, not one a library or a pool keeps), or bound each %s (an LRU with a maximum size) or delete its entries when they are done", h.Kind, h.ValueOf, grows, per, keys, h.Kind)
	}
	if s.single {
		return fmt.Sprintf("%s %s: if it should not keep them all, %s; a full cache looks the same in one snapshot, so compare with a later one", what, grows, boundAdviceOne)
	}
	return fmt.Sprintf("%s %s%s: %s", what, grows, per, boundAdvice)
}

// boundAdvice is the fix for a collection that only grows when nothing
// more specific is known; where its entries leave it, when the source
// shows that, takes its place (see sourceFacts).
const boundAdvice = boundAdviceOne + " (a bounded cache that is still filling looks the same: check that it levels off in later snapshots)"

// boundAdviceOne is boundAdvice in one snapshot's hint, which says the
// caveat its own way.
const boundAdviceOne = "bound it (an LRU with a maximum size and a TTL), delete entries when they are done, or use a WeakMap keyed by the owning object"

// entriesText is "48,000 Order entries" for a single-snapshot suspect.
func entriesText(s *Suspect) string {
	n := int64(0)
	if len(s.Count) > 0 {
		n = s.Count[len(s.Count)-1]
	}
	if s.RootClass != "" && s.RootClass != s.Class && !strings.HasPrefix(s.RootClass, "(") {
		// The entries are records that keep the class named (a
		// {job, attempts} per job, keeping its Errors).
		return fmt.Sprintf("%d %s entries, which keep %s objects", n, s.RootClass, s.Class)
	}
	return fmt.Sprintf("%d %s entries", n, s.Class)
}

// memoName: a variable name a memoizer gives the results it keeps.
func memoName(n string) bool {
	n = strings.ToLower(n)
	return strings.Contains(n, "cache") || strings.Contains(n, "memo")
}

// connectionContext is the suspect's context class when it is a connection
// or a request (a socket, a WebSocket, an HTTP request), else "".
func connectionContext(s *Suspect) string {
	if connectionClass(s.Context) {
		return s.Context
	}
	return ""
}

// connectionClass: a class name that says connection or request.
func connectionClass(c string) bool {
	for _, w := range []string{"Socket", "IncomingMessage", "ServerResponse", "Request", "Connection", "Http2Stream"} {
		if strings.Contains(c, w) {
			return true
		}
	}
	return false
}

// perKeyObjectHint is the fix of a program's Map or dictionary whose
// values are objects a library made (a hashlru cache per invoice): one per
// key, so each may be bounded but their number is not. "" otherwise.
func perKeyObjectHint(s *Suspect, per string) string {
	h := s.Holder
	pkg := s.valuePackage
	if h == nil || h.Package != "" || h.Kind != "Map" && h.Kind != "dictionary" || pkg == "" {
		return ""
	}
	what := holderWhat(h)
	grows := "grows"
	if s.single {
		grows = "holds " + entriesText(s)
	}
	if l := strings.ToLower(pkg); strings.Contains(l, "lru") || strings.Contains(l, "cache") || strings.Contains(l, "memo") {
		return fmt.Sprintf("%s keeps one %s cache per key and %s%s: each cache may be bounded, but not how many there are; delete a key's cache when what it is for is done (an order settled, a session closed), or use one shared bounded cache keyed by both", what, pkg, grows, per)
	}
	return fmt.Sprintf("%s keeps one %s object per key and %s%s: delete a key's entry (and close its object, if it holds a resource) when what it is for is done, or bound the Map", what, pkg, grows, per)
}
