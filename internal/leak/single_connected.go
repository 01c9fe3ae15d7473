// Entries held while their clients stay connected: in one snapshot, a
// server-sent events hub's subscriber Set of 400 responses looks like
// 400 leaked responses, yet each socket is still open, and the hub takes
// the response out when it closes. A response whose client left has a
// socket without a handle (node sets _handle to null on close): those are
// the ones that leak, and they are not told as connected.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// connectionSocket names the edge from a connection's object to its
// socket: node's http (ServerResponse, IncomingMessage, ClientRequest),
// ws's WebSocket, and the socket itself.
var connectionSocket = map[string][]string{
	"ServerResponse":  {"socket", "<symbol kSocket>"},
	"IncomingMessage": {"socket"},
	"ClientRequest":   {"socket"},
	"WebSocket":       {"_socket"},
	"Socket":          {""},
	"TLSSocket":       {""},
}

// openHandles are the classes of an open socket's handle.
var openHandles = map[string]bool{"TCP": true, "Pipe": true, "TLSWrap": true, "JSStreamSocket": true}

// connectedEntries: nearly all the holder's entries (of the class its
// path goes through) are, or keep in a field, a connection whose socket
// is open, each its own. A sample of them, not the representative
// alone: a hub that drops its subscribers on one way out and not on
// another holds both kinds, and the closed ones are the leak; a table
// that gains an entry per message of one client holds many for one
// connection, which is no less a leak. Without a holder on the path, the
// representative alone: a connection further up the path holds the
// table, not its entries.
func (x *explainer) connectedEntries(pt point, h *Holder) bool {
	g := x.g
	path := x.path(pt.rep)
	at := -1
	for i, st := range path {
		if h != nil && g.ID(st.Node) == h.ID {
			at = i
		}
	}
	if at < 0 {
		_, ok := x.connectedEntry(pt.rep)
		return ok
	}
	holder := path[at].Node
	entry := pt.rep
	for i := at + 1; i < len(path); i++ {
		// Past the holder's own storage (a Set's table).
		if entry = path[i].Node; g.S.NodeTypeName(entry) != "array" && g.S.NodeTypeName(entry) != "hidden" {
			break
		}
	}
	class := g.S.NodeName[entry]
	// (Each at most maxConnectionSample: an Array's elements may be
	// reached twice, from it and from its backing store.)
	seen := map[uint32]bool{}
	conns := map[uint32]bool{}
	look := func(u uint32) {
		if g.S.NodeName[u] != class || len(seen) >= maxConnectionSample || seen[u] {
			return
		}
		seen[u] = true
		if c, ok := x.connectedEntry(u); ok {
			conns[c] = true
		}
	}
	for e, to := range g.Edges(holder) {
		if g.S.EdgeTypeName(e) == "weak" {
			continue
		}
		look(to)
		if n := g.S.NodeTypeName(to); n == "array" || n == "hidden" || g.S.EdgeTypeName(e) == "internal" {
			// A Map's or Set's table, an Array's elements.
			for e2, u := range g.Edges(to) {
				if g.S.EdgeTypeName(e2) != "weak" {
					look(u)
				}
			}
		}
	}
	return len(seen) > 0 && len(conns)*10 >= len(seen)*9
}

// maxConnectionSample bounds the entries looked at.
const maxConnectionSample = 256

// connectedEntry: u is an open connection's object, or keeps one in a
// field ({res, city, since}); the socket, which tells connections apart.
func (x *explainer) connectedEntry(u uint32) (uint32, bool) {
	g := x.g
	if c, ok := x.openConnection(u); ok {
		return c, true
	}
	n := 0
	for e, to := range g.Edges(u) {
		if g.S.EdgeTypeName(e) != "property" {
			continue
		}
		if n++; n > maxConnectionFields {
			break
		}
		if c, ok := x.openConnection(to); ok {
			return c, true
		}
	}
	return 0, false
}

// maxConnectionFields bounds the fields of an entry looked at for its
// connection.
const maxConnectionFields = 16

// openConnection: v is a connection's object whose socket has an open
// handle; the socket.
func (x *explainer) openConnection(v uint32) (uint32, bool) {
	g := x.g
	edges, ok := connectionSocket[g.ClassName(v)]
	if !ok {
		return 0, false
	}
	for _, name := range edges {
		sock := v
		if name != "" {
			if sock, ok = g.EdgeNamed(v, name); !ok {
				continue
			}
		}
		for _, hn := range []string{"_handle", "<symbol kHandle>"} {
			if hd, ok := g.EdgeNamed(sock, hn); ok && openHandles[g.ClassName(hd)] {
				return sock, true
			}
		}
	}
	return 0, false
}

// connectedHint tells entries held through open connections.
func connectedHint(a *Accumulation) string {
	return fmt.Sprintf("%s %s objects are held through connections still open when the snapshot was taken (their sockets have handles: server-sent event streams, long polls, WebSocket clients): each is held while its client stays connected, so this is as many as were connected then, not memory kept; it accumulates only if a later snapshot shows more than the clients connected, still rising (then what ends a connection, its 'close', does not take its entry out)",
		ui.Count(a.Count), a.Class)
}

// settlingEntries is the program's delete from the collection on the
// path shown (steps) made when a promise settles (.finally(() =>
// inFlight.delete(id))), when the path runs from that collection through
// a promise still pending (its reactions not yet run): the entries are
// calls in flight, each let go when its promise settles. nil otherwise.
//
// files is asked for only once such a path is seen: listing the program's
// files reads every node of the snapshot the first time.
func settlingEntries(steps []string, files func() []string, src Sources) *Statement {
	for i := 2; i+1 < len(steps); i++ {
		if !strings.HasPrefix(steps[i], "Promise") || !strings.HasPrefix(steps[i+1], "system / PromiseReaction") {
			continue
		}
		if c := steps[i-1]; c != "Map" && c != "Set" && c != "Object" {
			return nil
		}
		// The collection's name as the program gives it (inFlight,
		// Renderer.pending).
		name := steps[i-2]
		name = name[strings.LastIndexByte(name, '.')+1:]
		if !identRe.MatchString(name) {
			return nil
		}
		re := regexp.MustCompile(`\.\s*(?:finally|then|catch)\s*\(.*\b` + regexp.QuoteMeta(name) + `\s*\.\s*delete\s*\(`)
		if st := findStatement(re, files(), src); st != nil && programScript(st.Script) {
			return st
		}
		return nil
	}
	return nil
}

// settlingHint tells entries held through pending promises the program
// takes out when they settle.
func settlingHint(a *Accumulation) string {
	st := a.settleAt
	return fmt.Sprintf("%s %s objects are held through promises still pending when the snapshot was taken, which the program takes out of the collection when each settles (%s:%d: %s): calls in flight, let go as they finish, not memory kept; it accumulates only if a later snapshot shows as many again, still rising (a call that never settles: give it a timeout)",
		ui.Count(a.Count), a.Class, filepath.Base(st.Script), st.Line, strings.TrimSuffix(strings.TrimSpace(st.Text), ";"))
}
