package mcpserver

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzFilterMessages: whatever comes in, every line either reaches the SDK
// as it came or is answered with one JSON-RPC error on a line of its own.
func FuzzFilterMessages(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
		"{not json\n[]\n{\"jsonrpc\":\"1.0\",\"id\":\"a\"}\n",
		"\n\r\n  \n{}\n",
		`{"jsonrpc":"2.0","id":3} trailing`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var sdk, out bytes.Buffer
		if err := filterMessages(bytes.NewReader(in), &sdk, &out); err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(out.Bytes(), []byte("\n")), []byte("\n")) {
			if len(l) == 0 {
				continue
			}
			var m struct {
				Version string          `json:"jsonrpc"`
				ID      json.RawMessage `json:"id"`
				Error   *struct{ Code int }
			}
			if err := json.Unmarshal(l, &m); err != nil || m.Version != "2.0" || m.Error == nil || len(m.ID) == 0 {
				t.Fatalf("reply %q", l)
			}
		}
		for _, l := range bytes.Split(bytes.TrimSuffix(sdk.Bytes(), []byte("\n")), []byte("\n")) {
			if len(l) > 0 && !json.Valid(l) {
				t.Fatalf("forwarded %q", l)
			}
		}
	})
}
