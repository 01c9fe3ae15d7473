package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"strconv"
	"time"

	"github.com/leakhound/leakhound/internal/ui"
)

// The static HTML reports: one self-contained page per report (leaks,
// summary, diff, gc), written with html/template so every name taken from a
// heap or a log is escaped. CSS and the small table-sorting script are
// embedded and inlined; charts are inline SVG drawn here. Nothing loads
// from the network, and the page's Content-Security-Policy allows only its
// own inline style and script (by hash), so even a name that slipped
// through escaping could not run script or fetch anything.

//go:embed html/report.css
var reportCSS string

//go:embed html/report.js
var reportJS string

//go:embed html/*.tmpl
var templateFS embed.FS

var htmlTemplates = template.Must(template.New("report").Funcs(template.FuncMap{
	"bytes":  func(n any) string { return ui.Bytes(toInt64(n)) },
	"sbytes": func(n int64) string { return ui.SignedBytes(n) },
	"count":  func(n any) string { return ui.Count(toInt64(n)) },
	"scount": signedCount,
	"pct":    func(part, total uint64) string { return Pct(part, total) },
	"dist":   Distance,
	"stamp":  func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	"clip":   func(s string) string { return truncRunes(s, nameMax) },
	"inc":    func(i int) int { return i + 1 },
}).ParseFS(templateFS, "html/*.tmpl"))

// contentSecurityPolicy allows nothing but the page's own inline style and
// script, named by their hashes.
var contentSecurityPolicy = "default-src 'none'; style-src " + cspHash(reportCSS) +
	"; script-src " + cspHash(reportJS) + "; img-src data:; base-uri 'none'; form-action 'none'"

func cspHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

func toInt64(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	case uint32:
		return int64(v)
	case uint64:
		return int64(v)
	case float64:
		return int64(v)
	}
	return 0
}

// HTMLMeta says what wrote a page: the command and leakhound's version,
// and when (zero: now).
type HTMLMeta struct {
	Command string
	Version string
	Time    time.Time
}

// page is what the "page" template renders: the frame and one report.
type page struct {
	Title   string
	Meta    HTMLMeta
	CSS     template.CSS
	JS      template.JS
	CSP     string
	Leaks   *leaksView
	Summary *summaryView
	Diff    *diffView
	GC      *gcView
	Single  *singleView
}

func writePage(w io.Writer, p *page) error {
	if p.Meta.Time.IsZero() {
		p.Meta.Time = time.Now()
	}
	// Both are compile-time constants of this package (embedded files),
	// never input: the CSP hashes above are computed over exactly them.
	p.CSS, p.JS, p.CSP = template.CSS(reportCSS), template.JS(reportJS), contentSecurityPolicy
	return htmlTemplates.ExecuteTemplate(w, "page", p)
}

// nameMax bounds a class name in the pages' big tables, so that no name
// can make a page of a thousand rows huge.
const nameMax = 500

// num formats a float for an SVG attribute.
func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
