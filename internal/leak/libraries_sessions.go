// Sessions a session store keeps: express-session's MemoryStore (and
// stores like it) keeps each session as its JSON text, so the heap holds
// what every session is made of. A store that grows with sessions all
// holding the same few fields and no user says which write of the program
// made each worth saving: with saveUninitialized false a session is stored
// once anything is written to it, so a write every request makes (a
// "last seen" time, a trail of pages) turns each client that comes without
// a cookie (an API client, a bot, a health check) into a stored session
// nobody reads again.

package leak

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/leakhound/leakhound/internal/heapgraph"
)

// maxSessionsRead bounds the sessions whose text is read.
const maxSessionsRead = 256

// sessionMix is what the sessions of a store hold: how many were read,
// and in how many each field is (the cookie, which every one has, left
// out), most common first.
type sessionMix struct {
	read   int
	fields []fieldCount
}

type fieldCount struct {
	name string
	n    int
}

// sessionFields reads the sessions kept as JSON texts in the dictionary
// v; nil unless most of its values are session texts (a cookie field
// first).
func sessionFields(g *heapgraph.Graph, v uint32) *sessionMix {
	s := g.S
	m := &sessionMix{}
	count := map[string]int{}
	seen := 0
	for e := s.FirstEdge[v]; e < s.FirstEdge[v+1] && seen < maxSessionsRead; e++ {
		if int(s.EdgeType(e)) != s.EdgeTypeIndex.Property {
			continue
		}
		u := s.EdgeTo[e]
		if int(s.NodeType[u]) != s.NodeTypeIndex.String {
			continue
		}
		seen++
		names, ok := topFields(g.Name(u))
		if !ok || len(names) == 0 || names[0] != "cookie" {
			continue
		}
		m.read++
		for _, n := range names[1:] {
			count[n]++
		}
	}
	if m.read < minTextKeys || 2*m.read < seen {
		return nil
	}
	for n, c := range count {
		m.fields = append(m.fields, fieldCount{n, c})
	}
	slices.SortFunc(m.fields, func(a, b fieldCount) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.name, b.name)
	})
	return m
}

// topFields are the names of a JSON object's own fields, in order, as far
// as its text goes (V8 writes at most 1,024 characters of a string).
func topFields(text string) ([]string, bool) {
	d := json.NewDecoder(strings.NewReader(text))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, false
	}
	var names []string
	for d.More() {
		t, err := d.Token()
		if err != nil {
			break
		}
		name, ok := t.(string)
		if !ok {
			break
		}
		names = append(names, name)
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			break // cut off: the fields so far
		}
	}
	return names, true
}

// userFieldRe names a field that says whose a session is.
var userFieldRe = lazyRE(`(?i)^(?:user|users?_?id|uid|account|accountId|passport|auth|principal|member|customer|profile|identity|login|email|sub)$`)

// sessionWriteHint is the fix for a store whose sessions all hold the same
// fields and none of them a user: the program's write of the commonest one
// (activity.js:12: sess.lastSeen = now) is what makes each anonymous
// session one to save. Also that write, for the code line; "" and nil
// when the sessions hold a user, or no such write is found.
func sessionWriteHint(m *sessionMix, scripts []string, src Sources) (string, *Statement) {
	if m == nil || len(m.fields) == 0 {
		return "", nil
	}
	var common, rare []string
	for _, f := range m.fields {
		switch {
		case 10*f.n >= 9*m.read:
			if userFieldRe.MatchString(f.name) {
				return "", nil // users' sessions
			}
			common = append(common, f.name)
		case 2*f.n < m.read && userFieldRe.MatchString(f.name):
			rare = append(rare, fmt.Sprintf("%s in %d", f.name, f.n))
		}
	}
	if len(common) == 0 {
		return "", nil
	}
	var write *Statement
	var field string
	for _, name := range common {
		re := regexp.MustCompile(`(?i)sess\w*\s*(?:\.\s*|\[\s*['"])` + regexp.QuoteMeta(name) + `\b(?:['"]\s*\])?\s*=[^=]`)
		if st := findStatement(re, scripts, src); st != nil {
			write, field = st, name
			break
		}
	}
	if write == nil {
		return "", nil
	}
	users := "none of them holds a user"
	if len(rare) > 0 {
		users = "only a few hold a user (" + strings.Join(rare, ", ") + ")"
	}
	return fmt.Sprintf("of the %d sessions read, %d hold %s, and %s: the program's write at %s:%d (%s) gives a new session something to save, and a session written to is stored even with saveUninitialized false, so each client that comes without a cookie (an API client, a bot, a health check) leaves a session nobody reads again; write %s only to sessions that belong to a user, or keep it off the session",
		m.read, m.fields[0].n, andList(common), users, filepath.Base(write.Script), write.Line, strings.TrimSuffix(strings.TrimSpace(write.Text), ";"), field), write
}

// sessionWrites puts the store's sessionWriteHint first and makes its
// write the code line.
func (f sourceFacts) sessionWrites(src Sources) {
	if f.holder == nil || f.holder.sessions == nil {
		return
	}
	h, st := sessionWriteHint(f.holder.sessions, f.allScripts(src), src)
	if h == "" {
		return
	}
	if i := strings.Index(*f.hint, ": "); i >= 0 {
		*f.hint = (*f.hint)[:i+2] + h + "; " + (*f.hint)[i+2:]
	} else {
		*f.hint = h + "; " + *f.hint
	}
	f.setLoc(st, src)
}
