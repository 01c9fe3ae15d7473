package gctrace

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
)

// TestSVGInsideViewBox: every drawn coordinate lies inside the picture and
// the document is well-formed, for one and several isolates.
func TestSVGInsideViewBox(t *testing.T) {
	for _, name := range []string{"node22-pooled-oom.log", "windows-prefix.log", "nvp-new.log"} {
		s := analyze(t, sampleFile(t, name))
		var b bytes.Buffer
		if err := WriteSVG(&b, s); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(&b)
		var w, h float64
		circles, panels := 0, 0
		for {
			tok, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			se, ok := tok.(xml.StartElement)
			if !ok {
				continue
			}
			check := func(attr string, v string) {
				f, err := strconv.ParseFloat(v, 64)
				lim := w
				if strings.HasPrefix(attr, "y") || attr == "cy" {
					lim = h
				}
				if err != nil || f < 0 || f > lim {
					t.Errorf("%s: <%s %s=%q> outside 0..%v", name, se.Name.Local, attr, v, lim)
				}
			}
			for _, a := range se.Attr {
				switch {
				case se.Name.Local == "svg" && a.Name.Local == "width":
					w, _ = strconv.ParseFloat(a.Value, 64)
				case se.Name.Local == "svg" && a.Name.Local == "height":
					h, _ = strconv.ParseFloat(a.Value, 64)
				case se.Name.Local == "svg" || se.Name.Local == "rect":
				case a.Name.Local == "x" || a.Name.Local == "y" || a.Name.Local == "x1" || a.Name.Local == "x2" ||
					a.Name.Local == "y1" || a.Name.Local == "y2" || a.Name.Local == "cx" || a.Name.Local == "cy":
					check(a.Name.Local, a.Value)
				case a.Name.Local == "points":
					for _, pair := range strings.Fields(a.Value) {
						xy := strings.Split(pair, ",")
						check("x", xy[0])
						check("y", xy[1])
					}
				}
			}
			if se.Name.Local == "circle" && se.Attr[0].Name.Local == "cx" {
				circles++
			}
			if se.Name.Local == "text" && len(se.Attr) > 2 && se.Attr[2].Value == "14" {
				panels++
			}
		}
		if panels != len(s.Isolates) {
			t.Errorf("%s: %d panels for %d isolates", name, panels, len(s.Isolates))
		}
		majors := 0
		for _, is := range s.Isolates {
			majors += len(is.MajorGCs)
		}
		if circles < majors {
			t.Errorf("%s: %d circles for %d major GCs", name, circles, majors)
		}
	}
}
