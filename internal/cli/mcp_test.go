package cli

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// The command speaks MCP on its stdin and stdout.
func TestMCPCommandStdio(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := Main([]string{"mcp", "--root", t.TempDir()}, &Env{Stdin: inR, Stdout: outW, Stderr: io.Discard})
		outW.Close()
		done <- code
	}()
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
