package leak

import (
	"fmt"
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
func agentTable(s *Suspect) (table, origin, agent string, ok bool) {
	p := s.RetainerPath
	if s.Holder == nil {
		return "", "", "", false
	}
	for i := 0; i+2 < len(p); i++ {
		if p[i].Class != "Agent" || p[i+2].ID != s.Holder.ID {
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
	table, origin, agent, ok := agentTable(s)
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
	switch table {
	case "sockets":
		return fmt.Sprintf("%s %s sockets in use for %s%s, one per request whose response has not ended; %s; the Agent's maxSockets caps them per origin (Infinity by default)", who, has, origin, per, unread)
	case "requests":
		return fmt.Sprintf("%s %s requests waiting for a socket to %s%s: all of its maxSockets are in use; %s", who, has, origin, per, unread)
	}
	return fmt.Sprintf("%s %s idle keep-alive sockets for %s%s: an Agent keeps up to maxFreeSockets (256 by default) per origin and closes them after its timeout; if they pass that, lower maxFreeSockets or set the Agent's timeout", who, has, origin, per)
}
