package report

import (
	"bytes"
	"html/template"
	"io"
	"strconv"

	"github.com/leakhound/leakhound/internal/gctrace"
	"github.com/leakhound/leakhound/internal/ui"
)

type gcView struct {
	*gctrace.Summary
	Name     string
	Class    string // verdict colour
	Chart    template.HTML
	Isolates []gcIsolate
	Text     string
}

type gcIsolate struct {
	*gctrace.IsolateSummary
	Class string
	Types []gcType
}

type gcType struct {
	gctrace.TypeSummary
	Approx                    string
	P50, P95, P99, Max, Total string
}

// WriteGCHTML writes the gc report of the log called name as one
// self-contained HTML page: the verdict, the chart `gc --svg` draws, a
// pause table per isolate (sortable) and the whole text report.
func WriteGCHTML(w io.Writer, s *gctrace.Summary, name string, meta HTMLMeta) error {
	var svg, text bytes.Buffer
	if err := gctrace.WriteSVG(&svg, s); err != nil {
		return err
	}
	gctrace.WriteText(&text, s, ui.Palette{})
	v := &gcView{Summary: s, Name: name, Class: verdictClass(s.Verdict), Text: text.String(),
		// gctrace.WriteSVG escapes every text it draws (isolate names,
		// verdicts); the rest is numbers.
		Chart: template.HTML(svg.String())}
	for i := range s.Isolates {
		is := &s.Isolates[i]
		gi := gcIsolate{IsolateSummary: is, Class: verdictClass(is.Verdict)}
		for _, ts := range is.ByType {
			t := gcType{TypeSummary: ts, P50: ms(ts.PauseMs.P50), P95: ms(ts.PauseMs.P95), P99: ms(ts.PauseMs.P99),
				Max: ms(ts.PauseMs.Max), Total: ms(ts.PauseMs.Total)}
			if !ts.Exact {
				t.Approx = "~"
			}
			gi.Types = append(gi.Types, t)
		}
		v.Isolates = append(v.Isolates, gi)
	}
	return writePage(w, &page{Title: "leakhound gc: " + name, Meta: meta, GC: v})
}

func verdictClass(v string) string {
	switch v {
	case gctrace.ProbableLeak:
		return "bad"
	case gctrace.GCPressure, gctrace.Inconclusive:
		return "warn"
	}
	return "good"
}

// ms formats a pause with about three significant digits.
func ms(v float64) string {
	prec := 2
	if v >= 100 {
		prec = 0
	} else if v >= 10 {
		prec = 1
	}
	return strconv.FormatFloat(v, 'f', prec, 64) + " ms"
}
