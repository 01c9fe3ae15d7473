package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/leakhound/leakhound/internal/ui"
)

// node's http and https Agents keep their connections in three tables
// keyed by origin ("host:port:" and options): sockets in use (one per
// request whose response has not ended), free sockets (kept alive for the
// next request, up to maxFreeSockets each) and requests waiting for a
// socket (when maxSockets is reached). A response that is never read to
// its end keeps its socket in use for good: the commonest leak of an
// HTTP client, and one that node's own classes hold, so the general
// advice (bound the Array, use a WeakMap) does not apply.

// agentTable finds an Agent's table on s's path to its holder: the
// table's name, the origin and the variable that keeps the Agent ("" when
// unnamed). ok is false when the holder is not such a table.
func agentTable(p []PathStep, holder *Holder) (table, origin, agent string, ok bool) {
	if holder == nil {
		return "", "", "", false
	}
	for i := 0; i+2 < len(p); i++ {
		if p[i].Class != "Agent" || p[i+2].ID != holder.ID {
			continue
		}
		switch p[i+1].Edge {
		case "sockets", "freeSockets", "requests":
		default:
			continue
		}
		origin = strings.TrimRight(p[i+2].Edge, ":")
		if i > 0 && identRe.MatchString(p[i].Edge) {
			agent = p[i].Edge
		}
		return p[i+1].Edge, origin, agent, true
	}
	return "", "", "", false
}

// readBufferHint is the fix for chunks waiting in a Readable's buffer
// (an http response's body that nobody reads); "" for other holders.
func readBufferHint(s *Suspect, per string) string {
	h := s.Holder
	if h == nil || h.Owner != "ReadableState" || h.Name != "buffer" {
		return ""
	}
	return fmt.Sprintf("chunks wait in the read buffers of streams that nobody reads (an http response's body, a socket, a file)%s: read each stream to its end, or call resume() to drop its data, or destroy() it when it is not needed; a response left unread also keeps its socket in the Agent", per)
}

// agentHint is the fix for entries of an Agent's table; "" for others.
func agentHint(s *Suspect, per string) string {
	table, origin, agent, ok := agentTable(s.RetainerPath, s.Holder)
	if !ok {
		return ""
	}
	who := "the http Agent"
	if agent != "" {
		who += " " + agent
	}
	has := "has more and more" // (the per range says how many)
	if s.single {
		n := int64(0)
		if len(s.Count) > 0 {
			n = s.Count[len(s.Count)-1]
		}
		if s.Holder.Entries > 0 {
			n = int64(s.Holder.Entries)
		}
		has = "has " + ui.Count(n)
	}
	const unread = "a response that is never read to its end keeps its socket for good: read every body, or drop it with res.resume(), also when the status is not the one wanted, and give each request a timeout that destroys it"
	switch {
	case table == "sockets" && s.single:
		// One snapshot: requests in flight look the same as kept ones.
		return fmt.Sprintf("%s %s sockets in use for %s, one per request in flight when the snapshot was taken (a burst, or a slow upstream, looks like this); they stay only if their responses are never read to the end: if a snapshot taken after the load still has them, %s; the Agent's maxSockets caps them per origin (Infinity by default)", who, has, origin, strings.TrimPrefix(unread, "a response that is never read to its end keeps its socket for good: "))
	case table == "sockets":
		return fmt.Sprintf("%s %s sockets in use for %s%s, one per request whose response has not ended; %s; the Agent's maxSockets caps them per origin (Infinity by default)", who, has, origin, per, unread)
	case table == "requests":
		return fmt.Sprintf("%s %s requests waiting for a socket to %s%s: all of its maxSockets are in use; %s", who, has, origin, per, unread)
	}
	return fmt.Sprintf("%s %s idle keep-alive sockets for %s%s: an Agent keeps up to maxFreeSockets (256 by default) per origin and closes them after its timeout; if they pass that, lower maxFreeSockets or set the Agent's timeout", who, has, origin, per)
}

// agentMaxSockets is the program's statement that makes the http Agent
// kept as name with a numeric maxSockets (on one line), and that number;
// nil when there is none.
func agentMaxSockets(name string, scripts []string, src Sources) (*Statement, int) {
	if !identRe.MatchString(name) {
		return nil, 0
	}
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*[:=]\s*new\s+(?:[\w$]+\.)?Agent\s*\(\s*\{[^}]*\bmaxSockets\s*:\s*(\d+)`)
	st := findStatement(re, scripts, src)
	if st == nil {
		return nil, 0
	}
	m := re.FindStringSubmatch(st.Text)
	if m == nil {
		return nil, 0
	}
	return st, atoiBound(m[1])
}

// responseCallbackRe is the head of a callback given an http response: the
// function passed to http.get() or request(), or to a request's
// 'response' event, by its parameter's name (group 1, 2 or 3).
var responseCallbackRe = lazyRE(`(?:\b(?:get|request)\s*\(|\.on(?:ce)?\(\s*['"]response['"]\s*,).*?(?:\(\s*(res|resp|response)\s*\)\s*=>|\b(res|resp|response)\s*=>|function\s*[\w$]*\s*\(\s*(res|resp|response)\s*\))`)

// unreadResponse finds where the program leaves an http response unread:
// in a response callback, a return before anything reads the body
// (returns), or the callback's head, when nothing in it ever does. nil
// when every callback reads (or hands on) its response.
func unreadResponse(scripts []string, src Sources) (found *Statement, returns bool) {
	n := 0
	matchLines(responseCallbackRe.get(), scripts, src, func(sc string, lines [][]byte, i int, _ []int) {
		m := responseCallbackRe.FindSubmatch(lines[i])
		name := ""
		for _, g := range m[1:] {
			if len(g) > 0 {
				name = string(g)
			}
		}
		q := regexp.QuoteMeta(name)
		// Reading it, or handing it to code that may: a data, readable
		// or end listener, resume(), pipe(), read(), destroy(), a
		// for await over it, or a call taking it as an argument.
		reads := regexp.MustCompile(`\b` + q + `\s*\.\s*(?:(?:on|once|addListener)\(\s*['"](?:data|readable|end)['"]|resume\(|pipe\(|read\(|destroy\(|text\(|json\(|arrayBuffer\(|body\b)|for\s+await\s*\(.*\bof\s+` + q + `\b|[\w$]\s*\(\s*(?:[^()]*,\s*)?` + q + `\s*[,)]`)
		end := bodyEnd(lines, i+1)
		at, ret := -1, false
		for k := i; k < end && k < len(lines); k++ {
			l := lines[k]
			if k > i && commentLine(l) {
				continue
			}
			part := l
			if k == i {
				// What follows the callback's head on its own line.
				if loc := responseCallbackRe.FindIndex(l); loc != nil {
					part = l[loc[1]:]
				}
			}
			if reads.Match(part) {
				break
			}
			if returnRe.Match(part) {
				at, ret = k, true
				break
			}
			if k == end-1 {
				at = i // nothing reads it
			}
		}
		if at < 0 {
			return
		}
		n++
		if found == nil {
			found = &Statement{Script: sc, Line: at + 1, Column: indentOf(lines[at]) + 1, Text: clipLine(lines[at])}
			returns = ret
		}
	})
	if found != nil {
		found.Others = n - 1
	}
	return found, returns
}

// returnRe: a return statement on the line.
var returnRe = lazyRE(`(?:^|[\s;{)])return\b`)

// unreadHint is the fix's first words when a callback leaves its response
// unread (returns: by a return before it reads): where, and what to do
// there.
func unreadHint(st *Statement, returns bool) string {
	what := "never reads the response it is given"
	if returns {
		what = "returns before it reads the response"
	}
	return fmt.Sprintf("the response callback at %s:%d %s (%s): read it, or call resume() on it, there", filepath.Base(st.Script), st.Line, what, st.Text)
}

// undici (node's fetch() runs on it) keeps connections in a Pool's, an
// Agent's or a BalancedPool's clients, and requests in a connection's
// queue or the Pool's own (waiting for a connection). A body that is never
// consumed keeps its connection busy, and the Pool opens another.

// undiciHint is the fix for entries of undici's connection or request
// tables; "" for others.
func undiciHint(s *Suspect, per string) string {
	h := s.Holder
	if h == nil || h.Package != "undici" && !undiciTable(h) {
		return ""
	}
	n := "more and more"
	many := false // objects of one class across several of these tables
	if s.single {
		c := int64(h.Entries)
		if len(s.Count) > 0 && (c == 0 || s.Count[len(s.Count)-1] > c) {
			many = c > 0
			c = s.Count[len(s.Count)-1]
		}
		n = ui.Count(c)
	}
	const consume = "a connection stays busy until its response ends: a request the upstream never answers (no headersTimeout, bodyTimeout or AbortSignal.timeout) or a body nobody reads (consume it, or body.dump() / cancel() it, also on error statuses) keeps it"
	switch {
	case h.Name == "<symbol clients>":
		owner := h.Owner
		if owner == "" {
			owner = "Pool"
		}
		if many {
			return fmt.Sprintf("undici %ss hold %s connections (Clients) in all, this one %s: each opens another whenever all of its own are busy, up to its connections option (no limit by default); under load that many are in flight, but %s; if they have no connections limit, give them one", owner, n, ui.Count(int64(h.Entries)), consume)
		}
		if s.single {
			// One snapshot: it keeps idle connections open too, and
			// that many were busy together once (a burst).
			return fmt.Sprintf("the undici %s holds %s connections (Clients): it opens another whenever all are busy, up to its connections option (no limit by default), and keeps idle ones open for reuse, so that many were in flight together at some point (a burst looks like this); they are a leak only if a snapshot taken after the load holds as many busy: then %s; and give it a connections limit", owner, n, consume)
		}
		return fmt.Sprintf("the undici %s holds %s connections (Clients)%s: it opens another whenever all are busy, up to its connections option (no limit by default); under load that many are in flight, but %s; if it has no connections limit, give it one", owner, n, per, consume)
	case h.Name == "<symbol queue>" || h.Owner == "FixedCircularBuffer" || h.Owner == "FixedQueue":
		return fmt.Sprintf("%s requests wait in undici's queues (for a connection, or behind the request before them on one)%s: work in flight while the upstream is slow, but they pile up when connections stay busy; %s", n, per, consume)
	}
	return ""
}

// undiciTable: h is one of undici's tables by its owner and symbol, also
// when undici is node's own copy (fetch()'s global dispatcher), which no
// package directory names.
func undiciTable(h *Holder) bool {
	switch h.Owner {
	case "Pool", "Client", "Agent", "BalancedPool", "RoundRobinPool":
		return h.Name == "<symbol clients>" || h.Name == "<symbol queue>"
	}
	return false
}
