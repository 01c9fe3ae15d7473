package metrics

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestListenAddr(t *testing.T) {
	for in, want := range map[string]string{
		"9464":           "127.0.0.1:9464",
		":9464":          "127.0.0.1:9464",
		"localhost:9":    "localhost:9",
		"0.0.0.0:9464":   "0.0.0.0:9464",
		"[::1]:9464":     "[::1]:9464",
		"127.0.0.1:0":    "127.0.0.1:0",
		"10.1.2.3:80":    "10.1.2.3:80",
		"example.org:80": "example.org:80",
	} {
		got, err := ListenAddr(in)
		if err != nil || got != want {
			t.Errorf("ListenAddr(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "nope", "1:2:3"} {
		if _, err := ListenAddr(bad); err == nil {
			t.Errorf("ListenAddr(%q) accepted", bad)
		}
	}
}

func TestScrape(t *testing.T) {
	m := New(nil)
	m.Memory(100<<20, 40<<20, 30<<20, 2<<20, 1<<20)
	m.HeapLimit(4 << 30)
	m.GC("major", 12*time.Millisecond)
	m.GC("minor", 500*time.Microsecond)
	m.Leak(true, 1234.5)
	m.Snapshot()
	m.Action("critical", "snapshot")
	m.Up(true)
	s, err := m.Serve(":0")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Errorf("default bind %s is not loopback", s.Addr())
	}
	resp, err := http.Get("http://" + s.Addr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	for _, want := range []string{
		"nodejs_heap_size_used_bytes 3.145728e+07",
		"nodejs_heap_size_total_bytes 4.194304e+07",
		"nodejs_external_memory_bytes 2.097152e+06",
		"process_resident_memory_bytes 1.048576e+08",
		`nodejs_gc_duration_seconds_bucket{kind="major",le="0.1"} 1`,
		`nodejs_gc_duration_seconds_count{kind="minor"} 1`,
		"leakhound_leak_signal 1",
		"leakhound_snapshots_total 1",
		`leakhound_actions_total{action="snapshot",trigger="critical"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if strings.Contains(body, "go_goroutines") {
		t.Error("leakhound's own Go metrics leak into the target's")
	}
}

// Several targets in one registry: each series carries the target's name
// and pid, and a target let go leaves no series behind.
func TestMultiTargets(t *testing.T) {
	m := NewMulti()
	a, b := m.For("api.js", 11), m.For("worker.js", 12)
	a.Memory(1, 2, 3<<20, 4, 5)
	b.Memory(1, 2, 7<<20, 4, 5)
	a.GC("major", time.Millisecond)
	b.Action("critical", "snapshot")
	a.Up(true)
	b.Up(true)
	scrape := func() string {
		mfs, err := m.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		for _, mf := range mfs {
			for _, x := range mf.Metric {
				sb.WriteString(mf.GetName())
				for _, l := range x.Label {
					sb.WriteString(" " + l.GetName() + "=" + l.GetValue())
				}
				sb.WriteString("\n")
			}
		}
		return sb.String()
	}
	body := scrape()
	for _, want := range []string{
		"nodejs_heap_size_used_bytes pid=11 target=api.js\n",
		"nodejs_heap_size_used_bytes pid=12 target=worker.js\n",
		"nodejs_gc_duration_seconds kind=major pid=11 target=api.js\n",
		"leakhound_actions_total action=snapshot pid=12 target=worker.js trigger=critical\n",
		"leakhound_target_up pid=12 target=worker.js\n",
		"leakhound_snapshots_total pid=11 target=api.js\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q:\n%s", want, body)
		}
	}
	b.Forget()
	body = scrape()
	if strings.Contains(body, "worker.js") || !strings.Contains(body, "api.js") {
		t.Errorf("after letting worker.js go:\n%s", body)
	}
}
