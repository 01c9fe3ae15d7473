package report

import (
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/leak"
	"github.com/leakhound/leakhound/internal/ui"
)

// WriteDiffJSON writes the comparison as JSON (schema in docs/leaks.md).
func WriteDiffJSON(w io.Writer, d *leak.DiffResult) error { return WriteJSON(w, d) }

// WriteDiffText writes DevTools' Comparison view as an aligned table of the
// top rows (top <= 0: all).
func WriteDiffText(w io.Writer, d *leak.DiffResult, top int, p ui.Palette) {
	fmt.Fprintf(w, "%s %s (%s) → %s (%s)\n", p.Bold("comparing"), d.Base.Name, ui.Bytes(int64(d.Base.TotalSize)),
		d.Target.Name, ui.Bytes(int64(d.Target.TotalSize)))
	fmt.Fprintf(w, "%s\n", p.Dim("objects matched by snapshot id (ids are stable within one process only)"))
	for _, n := range d.Notes {
		fmt.Fprintf(w, "%s %s\n", p.Yellow("note:"), n)
	}
	fmt.Fprintln(w)
	t := ui.Table{
		Header:     []string{"Class", "# New", "# Deleted", "# Delta", "Alloc. Size", "Freed Size", "Size Delta"},
		RightAlign: map[int]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true},
	}
	rows := d.Rows
	if top > 0 && len(rows) > top {
		rows = rows[:top]
	}
	for _, r := range rows {
		delta := ui.SignedBytes(r.SizeDelta)
		if r.SizeDelta > 0 {
			delta = p.Red(delta)
		} else if r.SizeDelta < 0 {
			delta = p.Green(delta)
		}
		t.Rows = append(t.Rows, []string{r.Class, ui.Count(r.New), ui.Count(r.Deleted), signedCount(r.Delta),
			ui.Bytes(int64(r.Allocated)), ui.Bytes(int64(r.Freed)), delta})
	}
	t.Write(w, p)
	if len(rows) < len(d.Rows) {
		fmt.Fprintf(w, "%s\n", p.Dim(fmt.Sprintf("… %d more classes (--top 0 shows all)", len(d.Rows)-len(rows))))
	}
}

func signedCount(n int64) string {
	if n > 0 {
		return "+" + ui.Count(n)
	}
	return ui.Count(n)
}
