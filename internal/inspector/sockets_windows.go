package inspector

import (
	"fmt"
	"slices"
	"unsafe"

	"golang.org/x/sys/windows"
)

var procGetExtendedTcpTable = windows.NewLazySystemDLL("iphlpapi.dll").NewProc("GetExtendedTcpTable")

// tcpTableOwnerPIDListener is TCP_TABLE_OWNER_PID_LISTENER: listening
// sockets only, each with its owning pid.
const tcpTableOwnerPIDListener = 3

// listeningAddrs returns the bound host:port (boundAddr) of every TCP
// socket pid listens on, from the system's TCP tables (IPv4 and IPv6), whose rows
// carry the owning pid: that is what ties a port to the process.
func listeningAddrs(pid int) ([]string, error) {
	if !processAlive(pid) {
		return nil, ErrNoProcess
	}
	var out []string
	for _, family := range []int{afInet, afInet6} {
		buf, err := extendedTCPTable(family)
		if err != nil {
			return nil, fmt.Errorf("reading the TCP table: %w", err)
		}
		for _, a := range parseTCPTable(buf, family, pid) {
			if !slices.Contains(out, a) {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// extendedTCPTable calls GetExtendedTcpTable until its buffer is big
// enough (the table can grow between the size query and the call).
func extendedTCPTable(family int) ([]byte, error) {
	size := uint32(16 << 10)
	for attempt := 0; attempt < 8; attempt++ {
		buf := make([]byte, size)
		r, _, _ := procGetExtendedTcpTable.Call(
			uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)),
			0, uintptr(family), tcpTableOwnerPIDListener, 0)
		switch windows.Errno(r) {
		case windows.ERROR_SUCCESS:
			// The row count at its head says how much of buf is the table.
			return buf, nil
		case windows.ERROR_INSUFFICIENT_BUFFER:
			size += 4 << 10 // size now holds what it needs; leave room to grow
			if size > 64<<20 {
				return nil, windows.ERROR_INSUFFICIENT_BUFFER
			}
			continue
		default:
			return nil, windows.Errno(r)
		}
	}
	return nil, windows.ERROR_INSUFFICIENT_BUFFER
}
