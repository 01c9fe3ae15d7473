// Package ui holds the small pieces every command shares for talking to a
// person: human-readable sizes, colour that respects NO_COLOR and TTYs,
// aligned tables and a progress bar on stderr.
package ui

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// IsTerminal reports whether w is a terminal (a Windows console there).
// Files, pipes and buffers are not.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// ColorEnabled is true when w is a terminal that shows ANSI colours and
// NO_COLOR is unset or empty (https://no-color.org). A Windows console is
// switched to ANSI processing first; one that cannot be gets no colour.
func ColorEnabled(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	f, ok := w.(*os.File)
	return ok && isTerminal(f) && enableANSI(f)
}

// Palette colours text when enabled and passes it through otherwise, so
// callers never branch on colour themselves.
type Palette struct{ On bool }

func (p Palette) wrap(code, s string) string {
	if !p.On || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p Palette) Bold(s string) string   { return p.wrap("1", s) }
func (p Palette) Dim(s string) string    { return p.wrap("2", s) }
func (p Palette) Red(s string) string    { return p.wrap("31", s) }
func (p Palette) Green(s string) string  { return p.wrap("32", s) }
func (p Palette) Yellow(s string) string { return p.wrap("33", s) }
func (p Palette) Cyan(s string) string   { return p.wrap("36", s) }

// Bytes formats a byte count for people, in explicit binary (IEC) units so
// "MiB" is never mistaken for DevTools' decimal "kB"/"MB".
func Bytes(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	var s string
	switch {
	case n < 1024:
		s = strconv.FormatInt(n, 10) + " B"
	case n < 1024*1024:
		s = fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 1024*1024*1024:
		s = fmt.Sprintf("%.1f MiB", float64(n)/(1024*1024))
	default:
		s = fmt.Sprintf("%.2f GiB", float64(n)/(1024*1024*1024))
	}
	if neg {
		return "-" + s
	}
	return s
}

// SignedBytes is Bytes with an explicit "+" for growth.
func SignedBytes(n int64) string {
	if n > 0 {
		return "+" + Bytes(n)
	}
	return Bytes(n)
}

// Counted is n and its noun, in the plural unless n is 1:
// Counted(1, "line") -> "1 line", Counted(2048, "line") -> "2,048 lines".
func Counted(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return Count(n) + " " + noun + "s"
}

// Count formats an integer with thousands separators: 29653 -> "29,653".
func Count(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Table writes rows with aligned columns. Columns whose index is in
// RightAlign are right-aligned (numbers). Cells may contain ANSI colour
// codes; widths ignore them.
type Table struct {
	Header     []string
	Rows       [][]string
	RightAlign map[int]bool
	// MaxWidth truncates the last column so lines fit a terminal; 0 = no limit.
	MaxWidth int
}

// VisibleLen is the printed width of s, ignoring ANSI escape sequences.
func VisibleLen(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
		n++
	}
	return n
}

func (t *Table) Write(w io.Writer, p Palette) {
	cols := len(t.Header)
	for _, r := range t.Rows {
		if len(r) > cols {
			cols = len(r)
		}
	}
	width := make([]int, cols)
	measure := func(r []string) {
		for i, c := range r {
			if l := VisibleLen(c); l > width[i] {
				width[i] = l
			}
		}
	}
	if t.Header != nil {
		measure(t.Header)
	}
	for _, r := range t.Rows {
		measure(r)
	}
	line := func(r []string, bold bool) {
		var b strings.Builder
		for i := 0; i < cols; i++ {
			c := ""
			if i < len(r) {
				c = r[i]
			}
			pad := width[i] - VisibleLen(c)
			last := i == cols-1
			if t.RightAlign[i] {
				b.WriteString(strings.Repeat(" ", pad))
				b.WriteString(c)
			} else {
				b.WriteString(c)
				if !last {
					b.WriteString(strings.Repeat(" ", pad))
				}
			}
			if !last {
				b.WriteString("  ")
			}
		}
		s := strings.TrimRight(b.String(), " ")
		if t.MaxWidth > 0 && VisibleLen(s) > t.MaxWidth && !p.On {
			rs := []rune(s)
			if len(rs) > t.MaxWidth {
				s = string(rs[:t.MaxWidth-1]) + "…"
			}
		}
		if bold {
			s = p.Bold(s)
		}
		fmt.Fprintln(w, s)
	}
	if t.Header != nil {
		line(t.Header, true)
	}
	for _, r := range t.Rows {
		line(r, false)
	}
}

// SignedCount is Count with an explicit "+" for growth.
func SignedCount(n int64) string {
	if n > 0 {
		return "+" + Count(n)
	}
	return Count(n)
}

// Article is "an" before a vowel, else "a" (class names: "an Actor",
// "an Array").
func Article(word string) string {
	if word != "" && strings.ContainsRune("AEIOUaeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}
