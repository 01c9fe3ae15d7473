package inspector

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// processExe is the base name of pid's executable ("" when unreadable):
// the path the kernel recorded at exec, from sysctl kern.procargs2.
func processExe(pid int) string {
	b, err := unix.SysctlRaw("kern.procargs2", pid)
	if err != nil {
		return ""
	}
	exe, _ := parseProcArgs2(b)
	if exe == "" {
		return ""
	}
	return filepath.Base(exe)
}

// processName is pid's command name ("?" when unreadable).
func processName(pid int) string {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil {
		return "?"
	}
	name := unix.ByteSliceToString(kp.Proc.P_comm[:])
	if name == "" {
		return "?"
	}
	return name
}

// processArgs is pid's command line, each argument followed by a NUL
// ("" when unreadable).
func processArgs(pid int) string {
	b, err := unix.SysctlRaw("kern.procargs2", pid)
	if err != nil {
		return ""
	}
	_, args := parseProcArgs2(b)
	return args
}

// zombie: not told apart on macOS (kill(pid, 0) answers for an unreaped
// process there too, until its parent waits for it).
func zombie(int) bool { return false }
