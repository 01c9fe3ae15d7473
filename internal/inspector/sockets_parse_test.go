package inspector

import (
	"encoding/binary"
	"net"
	"os"
	"os/exec"
	"slices"
	"testing"
)

// lsofLinuxSample was recorded with lsof 4.95.0 on Linux (the -F format is
// lsof's own, the same on macOS) for `node --inspect=127.0.0.1:0` with two
// servers, one on "::" and one on 127.0.0.1: `lsof -n -P -a -p 20817
// -iTCP -sTCP:LISTEN -Fpn`.
const lsofLinuxSample = "p20817\nn127.0.0.1:40073\nn*:36037\nn127.0.0.1:44071\n"

// lsofNamesSample is the same listing without -n -P (host and port names
// translated): what parseLsof must not be given, and must not misread.
const lsofNamesSample = "p20817\nnlocalhost:40073\nn*:http-alt\nnlocalhost:44071\n"

// lsofMacSample is in the shape macOS's lsof writes with -Fpn: an f-line
// per descriptor, IPv6 in brackets, and (as if -a were dropped) a second
// process whose sockets must not be attributed to the target.
const lsofMacSample = "p4242\nf23\nn127.0.0.1:9229\nf24\nn[::1]:3000\nf25\nn*:8080\nf26\nn127.0.0.1:5000->127.0.0.1:61000\np777\nf5\nn127.0.0.1:9230\n"

func TestParseLsof(t *testing.T) {
	for _, tc := range []struct {
		name, out string
		pid       int
		want      []string
	}{
		{"linux", lsofLinuxSample, 20817, []string{"127.0.0.1:40073", "0.0.0.0:36037", "127.0.0.1:44071"}},
		{"other pid", lsofLinuxSample, 20818, nil},
		{"names", lsofNamesSample, 20817, nil},
		{"mac", lsofMacSample, 4242, []string{"127.0.0.1:9229", "[::1]:3000", "0.0.0.0:8080"}},
		{"mac other", lsofMacSample, 777, []string{"127.0.0.1:9230"}},
		{"crlf", "p1\r\nn127.0.0.1:9229\r\n", 1, []string{"127.0.0.1:9229"}},
		{"empty", "", 1, nil},
	} {
		if got := parseLsof(tc.out, tc.pid); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q want %q", tc.name, got, tc.want)
		}
	}
}

// tcpRow4 builds one MIB_TCPROW_OWNER_PID as Windows lays it out.
func tcpRow4(state uint32, ip net.IP, port uint16, pid uint32) []byte {
	r := make([]byte, 24)
	binary.LittleEndian.PutUint32(r[0:], state)
	copy(r[4:8], ip.To4())
	binary.BigEndian.PutUint16(r[8:], port) // network order, low 16 bits of the DWORD
	binary.LittleEndian.PutUint32(r[20:], pid)
	return r
}

// tcpRow6 builds one MIB_TCP6ROW_OWNER_PID.
func tcpRow6(state uint32, ip net.IP, port uint16, pid uint32) []byte {
	r := make([]byte, 56)
	copy(r[0:16], ip.To16())
	binary.BigEndian.PutUint16(r[20:], port)
	binary.LittleEndian.PutUint32(r[48:], state)
	binary.LittleEndian.PutUint32(r[52:], pid)
	return r
}

func tcpTable(rows ...[]byte) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(rows)))
	for _, r := range rows {
		b = append(b, r...)
	}
	return b
}

// The TCP-table samples follow the row layouts of iphlpapi's
// GetExtendedTcpTable (TCP_TABLE_OWNER_PID_LISTENER), byte for byte.
func TestParseTCPTable(t *testing.T) {
	v4 := tcpTable(
		tcpRow4(2, net.IPv4(127, 0, 0, 1), 9229, 4242),
		tcpRow4(2, net.IPv4zero, 3000, 4242),
		tcpRow4(2, net.IPv4(127, 0, 0, 1), 9230, 777),  // another process
		tcpRow4(5, net.IPv4(127, 0, 0, 1), 9231, 4242), // established, not listening
		tcpRow4(2, net.IPv4(127, 0, 0, 1), 9229, 4242), // duplicate
	)
	if got, want := parseTCPTable(v4, afInet, 4242), []string{"127.0.0.1:9229", "0.0.0.0:3000"}; !slices.Equal(got, want) {
		t.Errorf("v4: got %q want %q", got, want)
	}
	v6 := tcpTable(
		tcpRow6(2, net.IPv6loopback, 9229, 4242),
		tcpRow6(2, net.IPv6unspecified, 443, 4242),
		tcpRow6(2, net.IPv6loopback, 1, 9),
	)
	if got, want := parseTCPTable(v6, afInet6, 4242), []string{"[::1]:9229", "[::]:443"}; !slices.Equal(got, want) {
		t.Errorf("v6: got %q want %q", got, want)
	}
	// A row count beyond the buffer reads only the rows that are there.
	short := tcpTable(tcpRow4(2, net.IPv4(127, 0, 0, 1), 9229, 1))
	binary.LittleEndian.PutUint32(short, 1<<30)
	if got := parseTCPTable(short, afInet, 1); !slices.Equal(got, []string{"127.0.0.1:9229"}) {
		t.Errorf("short: %q", got)
	}
	if got := parseTCPTable([]byte{1, 0}, afInet, 1); got != nil {
		t.Errorf("tiny: %q", got)
	}
}

// Wildcard binds are reached over loopback, but count as reachable from
// other machines: an inspector bound so is refused unless allowed.
func TestBoundAddrs(t *testing.T) {
	for _, tc := range []struct {
		bound, dial string
		loopback    bool
	}{
		{"127.0.0.1:9229", "127.0.0.1:9229", true},
		{"[::1]:9229", "[::1]:9229", true},
		{"0.0.0.0:9229", "127.0.0.1:9229", false},
		{"[::]:9229", "[::1]:9229", false},
		{"10.1.2.3:9229", "10.1.2.3:9229", false},
		{"junk", "junk", false},
	} {
		if d := dialable(tc.bound); d != tc.dial {
			t.Errorf("dialable(%s) = %s, want %s", tc.bound, d, tc.dial)
		}
		if l := isLoopbackBound(tc.bound); l != tc.loopback {
			t.Errorf("isLoopbackBound(%s) = %v", tc.bound, l)
		}
		err := checkBound(1, tc.bound, false)
		if (err == nil) != tc.loopback || checkBound(1, tc.bound, true) != nil {
			t.Errorf("checkBound(%s) = %v", tc.bound, err)
		}
	}
}

// procargs2 builds a kern.procargs2 buffer as macOS lays it out.
func procargs2(exe string, args ...string) []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(args)))
	b = append(b, exe...)
	b = append(b, 0, 0, 0, 0) // NUL and alignment padding
	for _, a := range args {
		b = append(append(b, a...), 0)
	}
	return append(b, "PATH=/usr/bin\x00HOME=/Users/x\x00"...)
}

func TestParseProcArgs2(t *testing.T) {
	exe, args := parseProcArgs2(procargs2("/opt/homebrew/bin/node", "node", "--inspect=9230", "app.js"))
	if exe != "/opt/homebrew/bin/node" || args != "node\x00--inspect=9230\x00app.js\x00" {
		t.Errorf("got %q %q", exe, args)
	}
	for _, b := range [][]byte{nil, {1}, {5, 0, 0, 0}, {5, 0, 0, 0, 'x'}, {9, 0, 0, 0, 'x', 0, 'a'}} {
		parseProcArgs2(b) // no panic
	}
}

// listeningAddrs finds this test process's own listener, on every OS (the
// /proc, lsof or TCP-table way).
func TestListeningAddrsSelf(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	got, err := listeningAddrs(os.Getpid())
	if err != nil {
		t.Skipf("cannot list our own sockets here: %v", err)
	}
	if !slices.Contains(got, l.Addr().String()) {
		t.Errorf("listening %v, want %s among them", got, l.Addr())
	}
}

// The lsof way (macOS's) agrees with the /proc way on a live node
// process with an inspector and two servers of its own.
func TestLsofAgreesWithProc(t *testing.T) {
	if _, err := exec.LookPath("lsof"); err != nil {
		t.Skip("lsof not on PATH")
	}
	cmd := startNode(t, "--inspect=127.0.0.1:0", "server.js", "clean")
	pid := cmd.Process.Pid
	want, err := listeningAddrs(pid)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lsofListening(pid)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || len(got) < 2 {
		t.Errorf("lsof %v, listeningAddrs %v", got, want)
	}
	// A pid without listening sockets is an empty list, not an error
	// (lsof exits 1 then).
	if got, err := lsofListening(pid + 1000000); err != nil || len(got) != 0 {
		t.Errorf("no such pid: %v, %v", got, err)
	}
}
