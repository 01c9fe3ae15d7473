package leak

import "testing"

// TestUnreadResponse: the callback that leaves an http response unread is
// found (a return before the body is read, or no read at all), and one
// that reads, drops or hands on its response is not.
func TestUnreadResponse(t *testing.T) {
	cases := []struct {
		name, src string
		line      int // 0: none
	}{
		{"return before read", `function get(path) {
  return new Promise((resolve) => {
    http.get({ path, agent }, (res) => {
      if (res.statusCode !== 200) return resolve(null);
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(body));
    });
  });
}`, 4},
		{"never read", `const req = https.request(opts, function (response) {
  done(response.statusCode);
});`, 1},
		{"resumed first", `http.get(url, (res) => {
  if (res.statusCode !== 200) {
    res.resume();
    return;
  }
  res.pipe(out);
});`, 0},
		{"handed on", `client.request(opts, res => handle(res));`, 0},
		{"response event", `req.on('response', (res) => {
  for await (const chunk of res) total += chunk.length;
});`, 0},
		{"return in a comment", `http.get(url, (res) => {
  // return early on errors
  res.resume();
});`, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := textSources{"/app/client.js": c.src}
			st, _ := unreadResponse([]string{"/app/client.js"}, src)
			switch {
			case c.line == 0 && st != nil:
				t.Errorf("found %+v, want none", st)
			case c.line != 0 && (st == nil || st.Line != c.line):
				t.Errorf("found %+v, want line %d", st, c.line)
			}
		})
	}
}

// The maxSockets an Agent kept under a name was made with.
func TestAgentMaxSockets(t *testing.T) {
	src := textSources{"/srv/load.js": "const other = new http.Agent({ maxSockets: 8 });\nconst agent = new http.Agent({ keepAlive: true, maxSockets: 256 });\n"}
	if st, n := agentMaxSockets("agent", []string{"/srv/load.js"}, src); st == nil || n != 256 || st.Line != 2 {
		t.Errorf("agent: %+v %d", st, n)
	}
	if st, _ := agentMaxSockets("pool", []string{"/srv/load.js"}, src); st != nil {
		t.Errorf("no Agent is kept as pool: %+v", st)
	}
}
