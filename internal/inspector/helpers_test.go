package inspector

import (
	"os/exec"
	"testing"

	"github.com/leakhound/leakhound/internal/inspector/livetest"
)

func startNode(t testing.TB, args ...string) *exec.Cmd { return livetest.Start(t, args...) }
