package inspector

import (
	"errors"
	"strings"
	"unsafe"

	"golang.org/x/sys/windows"
)

// nodePIDs lists the node processes on this machine that we may open,
// from a Toolhelp process snapshot.
func nodePIDs() ([]int, error) {
	snap, err := windows.CreateToolhelp32Snapshot(windows.TH32CS_SNAPPROCESS, 0)
	if err != nil {
		return nil, err
	}
	defer windows.CloseHandle(snap)
	var e windows.ProcessEntry32
	e.Size = uint32(unsafe.Sizeof(e))
	var out []int
	for err = windows.Process32First(snap, &e); err == nil; err = windows.Process32Next(snap, &e) {
		name := strings.TrimSuffix(strings.ToLower(windows.UTF16ToString(e.ExeFile[:])), ".exe")
		pid := int(e.ProcessID)
		if pid > 0 && looksLikeNode(name) && maySignal(pid) {
			out = append(out, pid)
		}
	}
	if !errors.Is(err, windows.ERROR_NO_MORE_FILES) {
		return nil, err
	}
	return out, nil
}

// maySignal tells whether we may open pid's inspector: whether we may
// query it at all.
func maySignal(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return false
	}
	windows.CloseHandle(h)
	return true
}
