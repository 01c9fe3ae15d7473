package leak

import "testing"

// The line that cut the slices out, in the shapes programs write it (a
// part read out of a match is cut where it is read: m[1]): the
// stored value cut in place, a name given to the cut, a match read through
// its captures, a destructured match, a Map key, a view on another
// buffer's memory, and a field set by a helper in another script.
func TestCutAt(t *testing.T) {
	for _, c := range []struct {
		name, kind, field, src string
		added, want            int // 1-based lines; want 0: none found
	}{
		{name: "in place", want: 2, kind: "string", field: "traceId", added: 2,
			src: "function keep(text) {\n  seen.set(n++, { traceId: text.slice(9, 40), at: Date.now() });\n}"},
		{name: "named", want: 2, kind: "string", field: "traceId", added: 3,
			src: "function keep(text) {\n  const id = text.substring(9, 40);\n  seen.set(n++, { traceId: id });\n}"},
		{name: "captures", want: 4, kind: "string", field: "eventId", added: 5,
			src: "function onHook(raw) {\n  const m = /\"id\":\"([^\"]+)\"/.exec(raw);\n  if (!m) return;\n  const id = m[1];\n  events.push({ eventId: id, raw: raw.length });\n}"},
		{name: "groups", want: 3, kind: "string", field: "user", added: 4,
			src: "function onLine(line) {\n  const hit = line.match(USER_RE);\n  const user = hit?.groups.user;\n  sessions.set(user, { user });\n}"},
		{name: "destructured", want: 2, kind: "string", field: "key", added: 3,
			src: "function index(body) {\n  const [, key] = body.match(/key=(\\w+)/);\n  byKey.set(key, Date.now());\n}"},
		{name: "map key", want: 2, kind: "string", field: "key", added: 2,
			src: "function index(body) {\n  byKey.set(body.slice(0, 20), Date.now());\n}"},
		{name: "view", want: 3, kind: "buffer", field: "digest", added: 4,
			src: "function onMessage(data) {\n  // the digest is the message's first 32 bytes\n  const digest = new Uint8Array(data.buffer, data.byteOffset, 32);\n  recent.push({ digest, at: Date.now() });\n}"},
		{name: "copied", want: 0, kind: "buffer", field: "digest", added: 3,
			src: "function onMessage(data) {\n  const digest = Buffer.from(data.toString('hex', 0, 32), 'hex');\n  recent.push({ digest });\n}"},
		{name: "through a field", kind: "string", field: "userAgent", added: 8, want: 4,
			src: "const LINE = /(\\w+) (.*)/;\nfunction parse(line) {\n  const m = LINE.exec(line);\n  return { id: m[1], ua: m[2] };\n}\nfunction keep(rec) {\n  const created = { userAgent: rec.ua, at: 1 };\n  sessions.set(rec.id, created);\n}"},
		{name: "not in the function", kind: "string", field: "id", added: 2,
			src: "function keep(rec) {\n  seen.set(n++, rec);\n}\nfunction parse(text) {\n  return { id: text.match(ID)[1], size: text.length };\n}", want: 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := textSources{"/app/a.js": c.src}
			w := &Wholes{Kind: c.kind, Fields: []string{c.field}}
			st := cutAt(w, &Statement{Script: "/app/a.js", Line: c.added}, []string{"/app/a.js"}, src)
			got := 0
			if st != nil {
				got = st.Line
			}
			if got != c.want {
				t.Errorf("cut at line %d, want %d (%+v)", got, c.want, st)
			}
		})
	}
}
