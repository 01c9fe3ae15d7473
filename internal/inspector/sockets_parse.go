package inspector

import (
	"encoding/binary"
	"encoding/hex"
	"net"
	"slices"
	"strconv"
	"strings"
)

// The parsers of each OS's listing of a process's listening sockets. They
// are pure and built everywhere, so their tests (on recorded samples) and
// fuzz targets run on any machine; only the code that obtains the listing
// lives behind build tags (sockets_linux.go, sockets_darwin.go,
// sockets_windows.go).
//
// Every parser returns host:port strings as the sockets are bound
// (boundAddr): a wildcard stays a wildcard.

// parseProcNetTCP returns host:port of the LISTEN sockets in a
// /proc/net/tcp{,6} text whose inode is in inodes.
func parseProcNetTCP(text string, inodes map[string]bool) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) < 10 || f[0] == "sl" || f[3] != "0A" || !inodes[f[9]] {
			continue
		}
		hexIP, hexPort, ok := strings.Cut(f[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil {
			continue
		}
		raw, err := hex.DecodeString(hexIP)
		if err != nil || (len(raw) != 4 && len(raw) != 16) {
			continue
		}
		// The kernel prints each 32-bit word in host (little-endian) order.
		ip := make(net.IP, len(raw))
		for i := 0; i < len(raw); i += 4 {
			ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
		}
		out = append(out, boundAddr(ip, int(port)))
	}
	return out
}

// boundAddr is ip:port as the socket is bound: a wildcard stays 0.0.0.0
// or [::], so the caller can tell a socket reachable from other machines
// from a loopback one (isLoopbackBound) before connecting to it
// (dialable).
func boundAddr(ip net.IP, port int) string {
	if v4 := ip.To4(); v4 != nil {
		ip = v4
	}
	return net.JoinHostPort(ip.String(), strconv.Itoa(port))
}

// dialable is where we connect to a socket bound at a: a wildcard is
// reached over loopback of its family.
func dialable(a string) string {
	host, port, err := net.SplitHostPort(a)
	if err != nil {
		return a
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			return net.JoinHostPort("127.0.0.1", port)
		}
		return net.JoinHostPort("::1", port)
	}
	return a
}

// isLoopbackBound tells whether a socket bound at a is reachable from this
// machine only. A wildcard bind is not: it listens on every interface.
func isLoopbackBound(a string) bool {
	host, _, err := net.SplitHostPort(a)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// lsofArgs lists pid's listening TCP sockets with lsof (macOS ships it).
// -a ANDs the selections; -n and -P keep addresses and ports numeric
// (otherwise "localhost:9229", or a service name such as "*:http-alt",
// comes back); -F pn prints one field per line: p<pid>, then n<address>
// for each of that process's sockets.
func lsofArgs(pid int) []string {
	return []string{"-n", "-P", "-a", "-p", strconv.Itoa(pid), "-iTCP", "-sTCP:LISTEN", "-Fpn"}
}

// parseLsof returns the listening addresses in lsof -F output that belong
// to pid: n-lines count only while the last p-line named pid, so a socket
// of some other process can never be taken for the target's. lsof writes
// a wildcard as "*" and IPv6 addresses in brackets; connected sockets
// ("a->b") are skipped.
func parseLsof(out string, pid int) []string {
	var res []string
	mine := false
	want := strconv.Itoa(pid)
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		switch line[0] {
		case 'p':
			mine = line[1:] == want
		case 'n':
			if !mine || strings.Contains(line, "->") {
				continue
			}
			host, port, err := net.SplitHostPort(line[1:])
			if err != nil {
				continue
			}
			p, err := strconv.Atoi(port)
			if err != nil || p <= 0 || p > 65535 {
				continue
			}
			var ip net.IP
			if host == "*" {
				ip = net.IPv4zero
			} else if ip = net.ParseIP(host); ip == nil {
				continue
			}
			if a := boundAddr(ip, p); !slices.Contains(res, a) {
				res = append(res, a)
			}
		}
	}
	return res
}

// Address families and the TCP state of GetExtendedTcpTable
// (iphlpapi.h, tcpmib.h).
const (
	afInet            = 2
	afInet6           = 23
	mibTCPStateListen = 2
)

// tcpRowSize is the size in bytes of one MIB_TCPROW_OWNER_PID (family
// afInet) or MIB_TCP6ROW_OWNER_PID (afInet6), the rows of
// GetExtendedTcpTable with TCP_TABLE_OWNER_PID_LISTENER.
func tcpRowSize(family int) int {
	if family == afInet6 {
		// ucLocalAddr[16], dwLocalScopeId, dwLocalPort, ucRemoteAddr[16],
		// dwRemoteScopeId, dwRemotePort, dwState, dwOwningPid
		return 16 + 4 + 4 + 16 + 4 + 4 + 4 + 4
	}
	// dwState, dwLocalAddr, dwLocalPort, dwRemoteAddr, dwRemotePort,
	// dwOwningPid
	return 6 * 4
}

// parseTCPTable returns the listening addresses owned by pid in the
// buffer GetExtendedTcpTable filled: a DWORD row count, then the rows. The
// DWORDs are little-endian (every Windows Go targets); addresses are in
// network order, and a port is in network order in its DWORD's low 16
// bits. The row count is checked against the buffer, so a short or
// hostile buffer yields fewer rows, never a read past its end.
func parseTCPTable(buf []byte, family, pid int) []string {
	if len(buf) < 4 {
		return nil
	}
	n := int(binary.LittleEndian.Uint32(buf))
	size := tcpRowSize(family)
	rows := buf[4:]
	if max := len(rows) / size; n > max {
		n = max
	}
	var out []string
	for i := 0; i < n; i++ {
		r := rows[i*size : (i+1)*size]
		var state, owner uint32
		var ip net.IP
		var portWord []byte
		if family == afInet6 {
			ip = net.IP(append([]byte(nil), r[0:16]...))
			portWord = r[20:24]
			state = binary.LittleEndian.Uint32(r[48:52])
			owner = binary.LittleEndian.Uint32(r[52:56])
		} else {
			state = binary.LittleEndian.Uint32(r[0:4])
			ip = net.IPv4(r[4], r[5], r[6], r[7])
			portWord = r[8:12]
			owner = binary.LittleEndian.Uint32(r[20:24])
		}
		if state != mibTCPStateListen || int64(owner) != int64(pid) {
			continue
		}
		port := int(binary.BigEndian.Uint16(portWord[0:2]))
		if port == 0 {
			continue
		}
		if a := boundAddr(ip, port); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}
