package inspector

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// TestNotifyFinished: a program whose event loop empties while a session
// is attached waits for it; NotifyFinished says so, and closing the session
// lets the process exit. An evaluation meanwhile fails as ContextGone.
func TestNotifyFinished(t *testing.T) {
	cmd := startNode(t, "--inspect-port=0", "-e", "console.log('ready'); setTimeout(() => {}, 800)")
	exited := make(chan struct{})
	_, c := attach(t, cmd)
	go func() { cmd.Wait(); close(exited) }()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	fin, err := c.NotifyFinished(ctx)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-fin:
	case <-exited:
		t.Fatal("exited while attached: node did not wait for the session")
	case <-ctx.Done():
		t.Fatal("no notice that the program finished")
	}
	c.Close()
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		t.Fatal("still running after the session closed")
	}
}

func TestContextGoneAndUnreachableWording(t *testing.T) {
	gone := &ProtocolError{Method: "Runtime.evaluate", Code: -32000, Message: "Cannot find context with specified id"}
	if !ContextGone(gone) || ContextGone(errors.New("Cannot find context with specified id")) || ContextGone(nil) {
		t.Error("ContextGone misjudges")
	}
	_, err := Resolve(context.Background(), "127.0.0.1:1", ResolveOptions{})
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), "nothing listens at 127.0.0.1:1; start node with --inspect=127.0.0.1:1") ||
		strings.Contains(err.Error(), "dial tcp") || strings.Contains(err.Error(), "json/list") {
		t.Errorf("closed port: %v", err)
	}
}
