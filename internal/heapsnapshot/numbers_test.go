package heapsnapshot

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseUints(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := 0; iter < 2000; iter++ {
		var want []uint32
		var sb strings.Builder
		n := 1 + r.IntN(40)
		for i := 0; i < n; i++ {
			var v uint32
			switch r.IntN(5) {
			case 0:
				v = uint32(r.IntN(10))
			case 1:
				v = uint32(r.IntN(100000))
			case 2:
				v = r.Uint32()
			case 3:
				// 7 to 9 digits: node ids and edge targets of big heaps
				v = uint32(1_000_000 + r.IntN(999_000_000))
			default:
				v = math.MaxUint32 - uint32(r.IntN(3))
			}
			want = append(want, v)
			if i > 0 {
				sb.WriteString([]string{",", "\n,", ", ", " ,\t", ",\r\n"}[r.IntN(5)])
			}
			if r.IntN(20) == 0 {
				sb.WriteString("00")
			}
			sb.WriteString(strconv.FormatUint(uint64(v), 10))
		}
		s := sb.String()
		// Cut at every length inside a larger buffer, as chunks are.
		buf := []byte(s + "]1234567890123456")
		got, bad, msg := parseUints(buf[:len(s)], nil, false)
		if bad >= 0 {
			t.Fatalf("%q: %s at %d", s, msg, bad)
		}
		if len(got) != len(want) {
			t.Fatalf("%q: got %v", s, got)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("%q: value %d = %d, want %d", s, i, got[i], want[i])
			}
		}
	}
	for _, bad := range []string{"", "1,", ",1", "1,,2", "4294967296", "12345678901", "9999999999,1", "1,12345678,123456789012", "12345678.5", "12345678x", "1 2", "1.5", "-1", "1e3", "a", "1,x"} {
		buf := []byte(bad + "]")
		if _, i, _ := parseUints(buf[:len(bad)], nil, false); i < 0 {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDivider(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for d := uint32(1); d <= 64; d++ {
		dv := newDivider(d)
		limit := uint32(math.MaxUint32 / d)
		for i := 0; i < 20000; i++ {
			v := r.Uint32()
			if i%2 == 0 {
				v = uint32(r.IntN(int(limit)+1)) * d
			}
			q := dv.exact(v)
			if v%d == 0 {
				if q != v/d {
					t.Fatalf("d=%d v=%d: got %d", d, v, q)
				}
			} else if q <= limit {
				t.Fatalf("d=%d v=%d not a multiple but got %d", d, v, q)
			}
		}
	}
}

// FuzzParseUints checks the SWAR scanner against a plain reading of the
// grammar: numbers of digits only, at most 4294967295, separated by commas,
// with JSON whitespace around them.
func FuzzParseUints(f *testing.F) {
	for _, s := range []string{"1,2,3", "12345678,123456789,\n1234567890", "0,00000000001", "4294967295,4294967296",
		"1 ,\t2", "99999999,9", "1,,2", "12345678x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []uint32
		ok := true
		for _, part := range strings.Split(s, ",") {
			p := strings.Trim(part, " \t\r\n")
			v, err := strconv.ParseUint(p, 10, 32)
			if err != nil || strings.ContainsAny(p, "+-_") {
				ok = false
				break
			}
			want = append(want, uint32(v))
		}
		// Bytes past the end are loaded but must never count.
		buf := []byte(s + "]1234567890123456")
		got, bad, msg := parseUints(buf[:len(s)], nil, false)
		if ok != (bad < 0) {
			t.Fatalf("%q: accepted %v (%s at %d), want %v", s, bad < 0, msg, bad, ok)
		}
		if ok && !slices.Equal(got, want) {
			t.Fatalf("%q: got %v, want %v", s, got, want)
		}
		// Repeated past a few blocks, the block scanner reads it: the
		// same numbers or the same error as the per-number scanner.
		if hasClassify {
			long := []byte(strings.Repeat(s+",", 400/(len(s)+1)+2) + s + "]1234567890123456")
			long = long[:len(long)-17]
			defer func(u bool) { useBlocks = u }(useBlocks)
			useBlocks = false
			want, wantBad, wantMsg := parseUints(long, nil, false)
			useBlocks = true
			got, gotBad, gotMsg := parseUints(long, nil, false)
			if gotBad != wantBad || gotMsg != wantMsg || (wantBad < 0 && !slices.Equal(got, want)) {
				t.Fatalf("%q repeated: blocks %d %q, per number %d %q", s, gotBad, gotMsg, wantBad, wantMsg)
			}
		}
	})
}

// TestBlockUints compares the block scanner with the per-number one on long
// V8-like lists, clean and with one byte changed, cut at every length near
// the block boundaries: same numbers, same error at the same offset.
func TestBlockUints(t *testing.T) {
	if !hasClassify {
		t.Skip("no vector unit: parseUints never uses the block scanner")
	}
	r := rand.New(rand.NewPCG(5, 6))
	for iter := 0; iter < 3000; iter++ {
		var sb strings.Builder
		n := 20 + r.IntN(600)
		for i := 0; i < n; i++ {
			if i > 0 {
				sb.WriteString([]string{",", ",", ",", "\n,", ",\n", " , "}[r.IntN(6)])
			}
			switch r.IntN(6) {
			case 0:
				sb.WriteString(strconv.Itoa(r.IntN(10)))
			case 1, 2:
				sb.WriteString(strconv.Itoa(r.IntN(100000)))
			case 3:
				sb.WriteString(strconv.FormatUint(uint64(r.Uint32()), 10))
			case 4:
				sb.WriteString(strconv.Itoa(10_000_000 + r.IntN(90_000_000)))
			default:
				sb.WriteString(strings.Repeat("0", r.IntN(4)) + strconv.Itoa(r.IntN(1000)))
			}
		}
		s := []byte(sb.String())
		if iter%2 == 1 {
			bad := []byte("x,, 9-.e]4\t\r\n0")
			s[r.IntN(len(s))] = bad[r.IntN(len(bad))]
		}
		if iter%5 == 0 {
			// Long runs: 11 and more digits, values past 32 bits.
			at := r.IntN(len(s))
			s = append(s[:at], append([]byte(strings.Repeat("9", 8+r.IntN(5))), s[at:]...)...)
		}
		cut := len(s)
		if iter%3 == 0 {
			cut = len(s) - r.IntN(min(len(s), 130))
		}
		buf := append(append([]byte(nil), s[:cut]...), "]1234567890123456"...)
		useBlocks = false
		want, wantBad, wantMsg := parseUints(buf[:cut], nil, false)
		useBlocks = true
		useBlockAsm = iter%4 < 2
		got, gotBad, gotMsg := parseUints(buf[:cut], nil, false)
		useBlockAsm = true
		if gotBad != wantBad || gotMsg != wantMsg || (wantBad < 0 && !slices.Equal(got, want)) {
			t.Fatalf("%q:\nblocks    %d %q %v\nper number %d %q %v", buf[:cut], gotBad, gotMsg, got, wantBad, wantMsg, want)
		}
		// A clean list is the block scanner's to the last two blocks: it
		// must not hand over early (correct, but as slow as before).
		if iter%2 == 0 && iter%5 != 0 {
			out := make([]uint32, len(s))
			if i, _ := blockUints(buf[:cut], out, 0); i < cut-128-16 {
				t.Fatalf("%q: the block scanner stopped at %d of %d", buf[:cut], i, cut)
			}
		}
	}
}

func TestParseSigned(t *testing.T) {
	s := "1,-2,-2147483648,3, -0"
	buf := []byte(s + "]")
	got, bad, msg := parseUints(buf[:len(s)], nil, true)
	want := []uint32{1, 4294967294, 2147483648, 3, 0}
	if bad >= 0 || !slices.Equal(got, want) {
		t.Errorf("%q: %v (%s at %d), want %v", s, got, msg, bad, want)
	}
	for _, s := range []string{"-2147483649", "1,-", "-x", "--1", "- 1"} {
		buf := []byte(s + "]")
		if _, i, _ := parseUints(buf[:len(s)], nil, true); i < 0 {
			t.Errorf("%q accepted", s)
		}
	}
}
