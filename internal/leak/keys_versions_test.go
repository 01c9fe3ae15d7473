package leak

import (
	"fmt"
	"strings"
	"testing"
)

func TestVersionKeys(t *testing.T) {
	var revs, hashes, kinds, ids, single []string
	for id := 0; id < 40; id++ {
		for rev := 1; rev <= 1+id%4; rev++ {
			revs = append(revs, fmt.Sprintf("%d@%d", id, rev))
			hashes = append(hashes, fmt.Sprintf("src/pages/p%d.js:%08x", id, rev*2654435761%4294967296))
		}
	}
	for i := 0; i < 120; i++ {
		kinds = append(kinds, []string{"user", "order", "cart"}[i%3]+":"+fmt.Sprint(i))
		ids = append(ids, fmt.Sprintf("req-%d", i))
		single = append(single, fmt.Sprintf("tenant:%d", i))
	}
	m, ok := versionKeys(revs)
	if !ok || m.ids != 40 || !strings.HasSuffix(m.first, "@1") || !strings.HasSuffix(m.last, "@4") {
		t.Errorf("revisions: %+v %v", m, ok)
	}
	if h := m.hint("the Map parsed"); !strings.Contains(h, "key it by the id alone ("+m.id+")") {
		t.Errorf("hint %q", h)
	}
	if m, ok := versionKeys(hashes); !ok || !strings.HasPrefix(m.id, "src/pages/p") {
		t.Errorf("content hashes: %+v %v", m, ok)
	}
	for name, keys := range map[string][]string{"kinds and ids": kinds, "ids": ids, "one prefix": single} {
		if m, ok := versionKeys(keys); ok {
			t.Errorf("%s read as versions: %+v", name, m)
		}
	}
	for key, want := range map[string]bool{"a@1": true, "a:v12": true, "a:3f2a9c1": true, "a:abc": false, "a:beef": false, "a:": false, "@1": false, "a-1": false} {
		if _, _, ok := splitVersion(key); ok != want {
			t.Errorf("splitVersion(%q) = %v, want %v", key, ok, want)
		}
	}
}

// A memo keyed by `${id}@${rev}` (blind evaluation 37 svc07): the keys'
// shape and the line that makes them lead the fix.
func TestVersionedMemo(t *testing.T) {
	_, s := seriesTop(t, "keys-versioned")
	checkHint(t, s.Hint, []string{"the keys of the Map trees are an id and a version (s", "key it by the id alone (s",
		"its key is made at", "keys-versioned.js:17: const memoKey = `${s.id}@${s.rev}`"}, nil)
}
