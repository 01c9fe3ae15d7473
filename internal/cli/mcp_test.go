package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The command speaks MCP on its stdin and stdout.
func TestMCPCommandStdio(t *testing.T) {
	inW, outR, done := startMCP(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).
		Connect(ctx, &mcp.IOTransport{Reader: outR, Writer: inW}, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "load_snapshot", Arguments: map[string]any{"file": "../../etc/passwd"}})
	if err != nil {
		t.Fatal(err)
	}
	if !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "outside the folders") {
		t.Errorf("hostile path: %+v", res.Content)
	}
	cs.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after the client left", code)
		}
	case <-ctx.Done():
		t.Fatal("mcp did not end when its client closed stdin")
	}
}

func TestMCPCommandUsage(t *testing.T) {
	if code, _, _ := runCmd("mcp", "extra"); code != ExitBadInput {
		t.Errorf("mcp extra: exit %d, want 2", code)
	}
	if code, _, _ := runCmd("mcp", "--root", "/nonexistent/dir"); code != ExitBadInput {
		t.Errorf("mcp --root missing: exit %d, want 2", code)
	}
}

// A bad message gets a JSON-RPC error and the server keeps serving: a line
// that is not JSON, trailing text, a batch, another JSON-RPC version (a
// user's QA found each ending the session or leaving it deaf).
func TestMCPCommandSurvivesBadMessages(t *testing.T) {
	inW, outR, done := startMCP(t)
	lines := bufio.NewScanner(outR)
	lines.Buffer(nil, 1<<20)
	send := func(s string) {
		if _, err := io.WriteString(inW, s+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	reply := func() map[string]any {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("no reply: %v", lines.Err())
		}
		var m map[string]any
		if err := json.Unmarshal(lines.Bytes(), &m); err != nil {
			t.Fatalf("reply %q: %v", lines.Text(), err)
		}
		return m
	}
	send(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`)
	if r := reply(); r["result"] == nil {
		t.Fatalf("initialize: %v", r)
	}
	send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	for _, c := range []struct {
		line string
		code float64
		id   any
	}{
		{`{not json`, -32700, nil},
		{`{"jsonrpc":"2.0","id":3,"method":"tools/list"} trailing`, -32700, nil},
		{`[]`, -32600, nil},
		{`{"jsonrpc":"1.0","id":4,"method":"tools/list"}`, -32600, float64(4)},
	} {
		send(c.line)
		r := reply()
		e, _ := r["error"].(map[string]any)
		if e == nil || e["code"] != c.code || r["id"] != c.id {
			t.Errorf("%s: reply %v, want error %v with id %v", c.line, r, c.code, c.id)
		}
	}
	send(`{"jsonrpc":"2.0","id":5,"method":"tools/list"}`)
	if r := reply(); r["id"] != float64(5) || r["result"] == nil {
		t.Errorf("after the bad messages, tools/list: %v", r)
	}
	inW.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(time.Minute):
		t.Fatal("mcp did not end at the end of its input")
	}
}

// startMCP runs `leakhound mcp` on pipes: what the client writes, what it
// reads, and the exit code once stdin is closed.
func startMCP(t *testing.T) (*io.PipeWriter, *io.PipeReader, chan int) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := Main([]string{"mcp", "--root", t.TempDir()}, &Env{Stdin: inR, Stdout: outW, Stderr: io.Discard})
		outW.Close()
		done <- code
	}()
	return inW, outR, done
}
