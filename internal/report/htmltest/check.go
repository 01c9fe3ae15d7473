// Package htmltest checks leakhound's static HTML reports the way a browser
// would read them: it parses a page with an HTML5 parser and fails the test
// when the page could load anything from the network, run any script but its
// own, or lost a string to escaping. Tests only.
package htmltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// Page is a parsed report: its visible text and the inline script and
// style (for further checks).
type Page struct {
	Text   string
	Script string
	Style  string
	SVGs   int
}

// forbidden are elements a report never writes: any of them in the parsed
// tree means a name from the heap became markup.
var forbidden = map[string]bool{
	"img": true, "iframe": true, "object": true, "embed": true, "link": true, "base": true, "form": true,
	"input": true, "frame": true, "frameset": true, "audio": true, "video": true, "source": true, "image": true,
	"use": true, "foreignobject": true,
}

// Check parses page and fails t unless: it parses; it has exactly one
// script and one style element, both allowed by the page's
// Content-Security-Policy hash and nothing else; no element could fetch or
// run anything (no img, iframe, link..., no on* attribute, no style
// attribute, no src/href/action but same-page anchors); and the page's
// text contains every string in want.
func Check(t testing.TB, page []byte, want ...string) Page {
	t.Helper()
	p, problems := Inspect(page, want...)
	for _, msg := range problems {
		t.Error(msg)
	}
	return p
}

// Inspect is Check returning what is wrong instead of failing a test.
func Inspect(page []byte, want ...string) (Page, []string) {
	var problems []string
	fail := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return Page{}, []string{"HTML does not parse: " + err.Error()}
	}
	var p Page
	var scripts, styles int
	csp := ""
	var text strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.ElementNode:
			name := strings.ToLower(n.Data)
			if forbidden[name] {
				fail("page has a <%s> element: %s", name, render(n))
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				v := strings.TrimSpace(strings.ToLower(a.Val))
				switch {
				case strings.HasPrefix(k, "on"):
					fail("page has an event handler attribute %s=%q on <%s>", a.Key, a.Val, name)
				case k == "style":
					fail("page has a style attribute on <%s>: %q", name, a.Val)
				case k == "src" || k == "action" || k == "formaction" || k == "srcset" || k == "poster" || k == "background":
					fail("page has %s=%q on <%s>", a.Key, a.Val, name)
				case k == "href" || strings.HasSuffix(k, ":href"):
					if !strings.HasPrefix(v, "#") {
						fail("page links outside itself: %s=%q on <%s>", a.Key, a.Val, name)
					}
				case k == "http-equiv":
					if v != "content-security-policy" {
						fail("page has <meta http-equiv=%q>", a.Val)
					}
				}
			}
			switch name {
			case "script":
				scripts++
				p.Script = childText(n)
			case "style":
				styles++
				p.Style = childText(n)
			case "svg":
				p.SVGs++
			case "meta":
				if attr(n, "http-equiv") != "" {
					csp = attr(n, "content")
				}
			case "title":
				if n.Parent != nil && n.Parent.Data == "head" {
					// The page's title is text too.
					text.WriteString(childText(n) + "\n")
				}
			}
		case html.TextNode:
			if n.Parent != nil && n.Parent.Data != "script" && n.Parent.Data != "style" {
				text.WriteString(n.Data)
			}
		case html.CommentNode:
			fail("page has a comment: %q", n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if scripts != 1 || styles != 1 {
		fail("page has %d script and %d style elements, want 1 and 1", scripts, styles)
	}
	for _, bad := range []string{"@import", "url(", "http:", "https:", "//"} {
		if strings.Contains(p.Style, bad) {
			fail("style holds %q", bad)
		}
	}
	for _, bad := range []string{"fetch(", "XMLHttpRequest", "import(", "eval(", "http:", "https:"} {
		if strings.Contains(p.Script, bad) {
			fail("script holds %q", bad)
		}
	}
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src "+hash(p.Script)) ||
		!strings.Contains(csp, "style-src "+hash(p.Style)) || strings.Contains(csp, "unsafe-inline") {
		fail("Content-Security-Policy %q does not allow exactly the page's own script and style", csp)
	}
	p.Text = text.String()
	for _, w := range want {
		if !strings.Contains(p.Text, w) {
			fail("page text lacks %q", w)
		}
	}
	return p, problems
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func childText(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func render(n *html.Node) string {
	var b bytes.Buffer
	html.Render(&b, n)
	if b.Len() > 200 {
		return b.String()[:200] + "…"
	}
	return b.String()
}
