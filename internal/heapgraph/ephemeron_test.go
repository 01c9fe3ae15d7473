package heapgraph

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// devtoolsEphemeronRE is DevTools' pattern, with "." spelled out as
// JavaScript reads it (no line terminators).
var devtoolsEphemeronRE = regexp.MustCompile(`^\d+( / part of key \([^\n\r\x{2028}\x{2029}]*? @\d+\) -> value \([^\n\r\x{2028}\x{2029}]*? @\d+\) pair in WeakMap \(table @(\d+)\))$`)

func checkEphemeron(t *testing.T, s string) {
	t.Helper()
	dup, table, ok := parseEphemeron([]byte(s))
	m := devtoolsEphemeronRE.FindStringSubmatch(s)
	if ok != (m != nil) {
		t.Fatalf("%q: parseEphemeron ok=%v, regexp match=%v", s, ok, m != nil)
	}
	wantTable, err := strconv.ParseUint(m2(m), 10, 64)
	if err != nil {
		wantTable = ^uint64(0) // too big for any node id
	}
	if ok && (string(dup) != m[1] || table != wantTable) {
		t.Fatalf("%q: got %q @%d, regexp %q @%s", s, dup, table, m[1], m[2])
	}
}

func TestParseEphemeron(t *testing.T) {
	good := "12 / part of key (Key @123) -> value (Value @456) pair in WeakMap (table @789)"
	cases := []string{
		good,
		"1 / part of key ( @1) -> value ( @1) pair in WeakMap (table @1)",
		"3 / part of key (a @1) -> value (b @2) -> value (c @3) pair in WeakMap (table @4)",
		"3 / part of key (a) -> value (b @2) pair in WeakMap (table @4)",
		"3 / part of key (a @1) -> value (b) pair in WeakMap (table @4)",
		"3 / part of key (a @1) -> value (b @) pair in WeakMap (table @4)",
		"3 / part of key (a @x) -> value (b @2) pair in WeakMap (table @4)",
		"3 / part of key (a\n @1) -> value (b @2) pair in WeakMap (table @4)",
		"3 / part of key (a @1) -> value (b\u2028 @2) pair in WeakMap (table @4)",
		"3 / part of key (a @1) -> value (b @2) pair in WeakMap (table @)",
		"3 / part of key (a @1) -> value (b @2) pair in WeakMap (table @4) ",
		"x / part of key (a @1) -> value (b @2) pair in WeakMap (table @4)",
		" / part of key (a @1) -> value (b @2) pair in WeakMap (table @4)",
		"3 / part of key (a @1) -> value (b @2) pair in WeakMap (table @99999999999999999999999)",
		"3 / part of key (@1) -> value (@2) pair in WeakMap (table @4)",
		"3 / part of key ( @1) -> value ( @2) pair in WeakMap (table @4)",
		"3 / part of key (a @1) pair in WeakMap (table @4)",
		"system / Map",
		"",
	}
	for _, c := range cases {
		checkEphemeron(t, c)
	}
	// Every string of the golden snapshots.
	for _, name := range goldenNames(t) {
		s := loadGolden(t, goldenDir+"/"+name+".heapsnapshot.gz")
		n := 0
		for i := 0; i < s.Strings.Len(); i++ {
			str := s.Strings.Get(uint32(i))
			checkEphemeron(t, str)
			if strings.Contains(str, "pair in WeakMap") {
				n++
			}
		}
		if strings.HasPrefix(name, "weak") && n < 100 {
			t.Errorf("%s: only %d WeakMap entry names", name, n)
		}
	}
}

func FuzzParseEphemeron(f *testing.F) {
	f.Add("12 / part of key (Key @123) -> value (Value @456) pair in WeakMap (table @789)")
	f.Add("3 / part of key (a @1) -> value (b @2) -> value (c @3) pair in WeakMap (table @4)")
	f.Fuzz(func(t *testing.T, s string) { checkEphemeron(t, s) })
}

func m2(m []string) string {
	if m == nil {
		return "0"
	}
	return m[2]
}
