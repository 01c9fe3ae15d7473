package watch

import (
	"reflect"
	"testing"
)

func TestParseActions(t *testing.T) {
	// signal:kill: the one signal every OS can send (Windows: TerminateProcess).
	got, err := ParseActions("log, snapshot,gc,signal:kill,hook:curl -d a,b http://x")
	if err != nil {
		t.Fatal(err)
	}
	want := []Action{{"log", ""}, {"snapshot", ""}, {"gc", ""}, {"signal", "SIGKILL"}, {"hook", "curl -d a,b http://x"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v want %v", got, want)
	}
	if got, _ := ParseActions("none"); got != nil {
		t.Errorf("none = %v", got)
	}
	for _, bad := range []string{"explode", "signal:USR1", "signal:NOPE", "hook:", "log:x", "gc,,log"} {
		if _, err := ParseActions(bad); err == nil {
			t.Errorf("ParseActions(%q) accepted", bad)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]Level{
		"75%": {Percent: 75}, "512MiB": {Bytes: 512 << 20}, "512MB": {Bytes: 512e6},
		"1.5GiB": {Bytes: 3 << 29}, "1048576": {Bytes: 1 << 20}, "off": {}, "20M": {Bytes: 20 << 20},
	} {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"150%", "-1%", "abc", "12XB", "1e30", "%", "NaN%"} {
		if _, err := ParseLevel(bad); err == nil {
			t.Errorf("ParseLevel(%q) accepted", bad)
		}
	}
	if l := (Level{Percent: 50}); l.Limit(1000) != 500 {
		t.Errorf("50%% of 1000 = %d", l.Limit(1000))
	}
}

// FuzzParseFlags: the flag parsers never panic, and what they accept is
// well-formed.
func FuzzParseFlags(f *testing.F) {
	for _, s := range []string{"75%", "512MiB", "1.5GB", "off", "log,snapshot,gc,signal:TERM,hook:echo a,b", "none", "%", "9999999999999999999", "signal", "hook=", ".5k", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if l, err := ParseLevel(s); err == nil {
			if l.Bytes < 0 || l.Percent < 0 || l.Percent > 100 || l.Bytes > 0 && l.Percent > 0 {
				t.Errorf("ParseLevel(%q) = %+v", s, l)
			}
			_ = l.Limit(1 << 32)
		}
		if acts, err := ParseActions(s); err == nil {
			for _, a := range acts {
				switch a.Kind {
				case "log", "snapshot", "gc":
				case "signal":
					if _, err := ParseSignal(a.Arg); err != nil {
						t.Errorf("ParseActions(%q) accepted signal %q", s, a.Arg)
					}
				case "hook":
					if a.Arg == "" {
						t.Errorf("ParseActions(%q): empty hook", s)
					}
				default:
					t.Errorf("ParseActions(%q): kind %q", s, a.Kind)
				}
			}
		}
	})
}
