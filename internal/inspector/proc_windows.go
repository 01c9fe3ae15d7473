package inspector

import (
	"path/filepath"
	"strings"

	"golang.org/x/sys/windows"
)

// stillActive is STILL_ACTIVE, GetExitCodeProcess's answer for a process
// that has not exited.
const stillActive = 259

// processAlive tells whether pid exists and has not exited. A process we
// may not even query still exists.
func processAlive(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return err == windows.ERROR_ACCESS_DENIED
	}
	defer windows.CloseHandle(h)
	var code uint32
	if err := windows.GetExitCodeProcess(h, &code); err != nil {
		return true
	}
	return code == stillActive
}

// processExe is the base name of pid's executable without ".exe" ("" when
// unreadable), so "node.exe" reads as "node".
func processExe(pid int) string {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(h)
	buf := make([]uint16, windows.MAX_LONG_PATH)
	n := uint32(len(buf))
	if err := windows.QueryFullProcessImageName(h, 0, &buf[0], &n); err != nil {
		return ""
	}
	name := filepath.Base(windows.UTF16ToString(buf[:n]))
	if ext := filepath.Ext(name); strings.EqualFold(ext, ".exe") {
		name = name[:len(name)-len(ext)]
	}
	return name
}

// processName is pid's executable name ("?" when unreadable).
func processName(pid int) string {
	if n := processExe(pid); n != "" {
		return n
	}
	return "?"
}

// processArgs would be pid's command line; reading another process's
// command line on Windows means reading its memory, which we do not do.
// It only orders the candidate ports, so "" costs a probe at most.
func processArgs(pid int) string { return "" }
