package inspector

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// processExe is the base name of pid's executable ("" when unreadable).
func processExe(pid int) string {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return ""
	}
	return filepath.Base(strings.TrimSuffix(exe, " (deleted)"))
}

// processName is pid's command name ("?" when unreadable).
func processName(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(b))
}

// processArgs is pid's command line, each argument followed by a NUL
// ("" when unreadable).
func processArgs(pid int) string {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	return string(b)
}

// zombie tells whether pid has exited and waits for its parent to reap it
// (state Z in /proc/PID/stat, after the command name in parentheses).
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	i := strings.LastIndexByte(string(b), ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
