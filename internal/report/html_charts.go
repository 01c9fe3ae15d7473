package report

import (
	"math"
)

// Charts for the HTML reports, drawn as inline SVG by the "columns",
// "stacked" and "diverging" templates. The geometry is computed here;
// the templates only place it, and escape every label.

// columnChart is one column per snapshot (a suspect's growth, the
// reachable heap): a tooltip on each, and with labels a value above and a
// name below.
type columnChart struct {
	W, H   int
	Label  string
	Cols   []column
	Labels bool
	Base   string // y of the axis
}

type column struct {
	X, Y, W, H  string
	MidX        string
	Class       string
	Tip         string
	Value, Name string
}

// columns draws values as columns. big adds the value and name labels;
// small is a sparkline-sized chart for a table row or a suspect's header.
func columns(label string, values []float64, tips, values2, names []string, big bool) columnChart {
	colW, gap, h, top, bottom := 14.0, 4.0, 34.0, 2.0, 2.0
	if big {
		colW, gap, h, top, bottom = 64.0, 18.0, 150.0, 18.0, 20.0
	}
	hi := 0.0
	for _, v := range values {
		hi = math.Max(hi, v)
	}
	c := columnChart{Label: label, Labels: big}
	c.W = int(float64(len(values))*(colW+gap) + gap)
	c.H = int(h)
	plot := h - top - bottom
	c.Base = num(h - bottom)
	for i, v := range values {
		bh := 0.0
		if hi > 0 {
			bh = math.Max(1, v/hi*plot)
		}
		x := gap + float64(i)*(colW+gap)
		col := column{X: num(x), Y: num(h - bottom - bh), W: num(colW), H: num(bh), MidX: num(x + colW/2), Class: "bar"}
		if i == len(values)-1 && len(values) > 1 {
			col.Class = "bar last"
		}
		if i < len(tips) {
			col.Tip = tips[i]
		}
		if i < len(values2) {
			col.Value = values2[i]
		}
		if i < len(names) {
			col.Name = truncRunes(names[i], 10)
		}
		c.Cols = append(c.Cols, col)
	}
	return c
}

// stackedChart is one horizontal bar split into parts (the Statistics).
type stackedChart struct {
	W, H  int
	Label string
	Segs  []segment
}

type segment struct {
	X, W  string
	Class string
	Tip   string
}

func stacked(label string, parts []Part, tips []string) stackedChart {
	const w, h = 720.0, 26.0
	total := 0.0
	for _, p := range parts {
		total += float64(p.Size)
	}
	c := stackedChart{W: int(w), H: int(h), Label: label}
	x := 0.0
	for i, p := range parts {
		sw := 0.0
		if total > 0 {
			sw = float64(p.Size) / total * w
		}
		c.Segs = append(c.Segs, segment{X: num(x), W: num(sw), Class: swatchClass(i), Tip: tips[i]})
		x += sw
	}
	return c
}

func swatchClass(i int) string { return "c" + string(rune('0'+i%7)) }

// divergingChart is a bar per row around a zero axis: growth to the
// right, shrinkage to the left (the Comparison's size deltas).
type divergingChart struct {
	W, H  int
	Label string
	AxisX string
	Rows  []divRow
}

type divRow struct {
	Y, TextY    string
	X, W        string
	Class       string
	Name, Value string
	ValueX      string
	ValueAnchor string
	Tip         string
}

func diverging(label string, names []string, values []int64, valueText []string) divergingChart {
	const w, rowH, nameW, valW = 900.0, 20.0, 300.0, 130.0
	plotL, plotR := nameW+valW, w-valW
	hi := 0.0
	neg := false
	for _, v := range values {
		hi = math.Max(hi, math.Abs(float64(v)))
		neg = neg || v < 0
	}
	axis := plotL
	if neg {
		axis = (plotL + plotR) / 2
	}
	c := divergingChart{W: int(w), H: int(float64(len(values))*rowH + 4), Label: label, AxisX: num(axis)}
	for i, v := range values {
		span := plotR - axis
		bw := 0.0
		if hi > 0 {
			bw = math.Max(1, math.Abs(float64(v))/hi*span)
		}
		y := 2 + float64(i)*rowH
		r := divRow{Y: num(y + 3), TextY: num(y + 14), W: num(bw), Name: truncRunes(names[i], 44), Value: valueText[i],
			Tip: names[i] + ": " + valueText[i]}
		if v >= 0 {
			r.X, r.Class, r.ValueX, r.ValueAnchor = num(axis), "pos", num(axis+bw+4), "start"
		} else {
			r.X, r.Class, r.ValueX, r.ValueAnchor = num(axis-bw), "neg", num(axis-bw-4), "end"
		}
		c.Rows = append(c.Rows, r)
	}
	return c
}
