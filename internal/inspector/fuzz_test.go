package inspector

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseProcNetTCP: any /proc/net/tcp text yields only connectable
// host:port pairs, never a panic.
func FuzzParseProcNetTCP(f *testing.F) {
	f.Add("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n   0: 0100007F:2405 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 111 1 0 100 0 0 10 0\n", "111")
	f.Add("   0: 00000000000000000000000001000000:2405 00000000000000000000000000000000:0000 0A 0:0 0:0 0 0 0 555 1\n", "555")
	f.Add("   0: zz:zz 0:0 0A a b c d e 7\n", "7")
	f.Add("0: 0100007F:FFFFFF 0:0 0A a b c d e 1\n", "1")
	f.Fuzz(func(t *testing.T, text, inode string) {
		for _, a := range parseProcNetTCP(text, map[string]bool{inode: true}) {
			host, port, err := net.SplitHostPort(a)
			if err != nil || net.ParseIP(host) == nil {
				t.Fatalf("bad address %q", a)
			}
			if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
				t.Fatalf("bad port in %q", a)
			}
		}
	})
}

// FuzzParseSpec: a target spec is a pid, a ws:// URL or host:port with a
// valid port, or an error; never a panic.
func FuzzParseSpec(f *testing.F) {
	for _, s := range []string{"1234", "0", "-5", "127.0.0.1:9229", "localhost:9229", "[::1]:9229", "http://127.0.0.1:9229/",
		"ws://127.0.0.1:9229/abc", "ws://", "wss://[::1", "host:0", "host:65536", ":9229", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := parseSpec(s)
		if err != nil {
			return
		}
		n := 0
		if sp.pid > 0 {
			n++
		}
		if sp.wsURL != "" {
			n++
			if !strings.HasPrefix(sp.wsURL, "ws") || sp.host == "" {
				t.Fatalf("%q: %+v", s, sp)
			}
		}
		if sp.pid == 0 && sp.wsURL == "" {
			n++
			if _, _, err := net.SplitHostPort(sp.hostport); err != nil || sp.host == "" {
				t.Fatalf("%q: %+v", s, sp)
			}
		}
		if n != 1 {
			t.Fatalf("%q: ambiguous %+v", s, sp)
		}
	})
}

// FuzzParseLsof: any lsof -F output yields only connectable host:port
// pairs, never a panic.
func FuzzParseLsof(f *testing.F) {
	f.Add(lsofLinuxSample, 20817)
	f.Add(lsofMacSample, 4242)
	f.Add("p1\nn[::1:9\nn*:99999\nn\np\n", 1)
	f.Fuzz(func(t *testing.T, out string, pid int) {
		for _, a := range parseLsof(out, pid) {
			checkAddr(t, a)
		}
	})
}

// FuzzParseTCPTable: any buffer, whatever its row count says, yields only
// connectable host:port pairs, never a read past its end.
func FuzzParseTCPTable(f *testing.F) {
	f.Add(tcpTable(tcpRow4(2, net.IPv4(127, 0, 0, 1), 9229, 7)), true, 7)
	f.Add(tcpTable(tcpRow6(2, net.IPv6loopback, 9229, 7)), false, 7)
	f.Add([]byte{255, 255, 255, 255, 2, 0, 0, 0}, true, 0)
	f.Fuzz(func(t *testing.T, buf []byte, v4 bool, pid int) {
		family := afInet6
		if v4 {
			family = afInet
		}
		for _, a := range parseTCPTable(buf, family, pid) {
			checkAddr(t, a)
		}
	})
}

// FuzzParseProcArgs2: any kern.procargs2 buffer parses without a panic.
func FuzzParseProcArgs2(f *testing.F) {
	f.Add(procargs2("/usr/local/bin/node", "node", "app.js"))
	f.Add([]byte{255, 255, 255, 127, 'x', 0, 0, 'a'})
	f.Fuzz(func(t *testing.T, b []byte) {
		parseProcArgs2(b)
	})
}

func checkAddr(t *testing.T, a string) {
	host, port, err := net.SplitHostPort(a)
	if err != nil || net.ParseIP(host) == nil {
		t.Fatalf("bad address %q", a)
	}
	if p, err := strconv.Atoi(port); err != nil || p <= 0 || p > 65535 {
		t.Fatalf("bad port in %q", a)
	}
}
