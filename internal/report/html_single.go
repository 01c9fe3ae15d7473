package report

import (
	"fmt"
	"io"

	"github.com/leakhound/leakhound/internal/leak"
)

type singleView struct {
	*leak.SingleReport
	Caveat     string
	NoSuspect  string
	Suspects   []accumulationView
	Chart      divergingChart
	DupTitle   string
	DupFix     string
	Duplicates []dupView
}

type accumulationView struct {
	*leak.Accumulation
	Facts  []Fact
	Steps  []Step
	Holder string
	Share  string
}

type dupView struct {
	Count         int
	Bytes, Wasted uint64
	ID            uint32
	Text          string
	Truncated     bool
}

// dupTextMax is how much of a duplicated string the page shows.
const dupTextMax = 300

// WriteSingleHTML writes a single-snapshot report (`leaks ONE`) as one
// self-contained HTML page: where memory accumulates as a chart of shares
// of the heap, each place explained with its path and fix, and the
// duplicated strings.
func WriteSingleHTML(w io.Writer, r *leak.SingleReport, meta HTMLMeta) error {
	v := &singleView{SingleReport: r, Caveat: OneSnapshotCaveat, DupFix: dupFixText,
		DupTitle: fmt.Sprintf("Duplicated strings (each wasting %s or more)", sizeText(r.DuplicateMin))}
	if len(r.Suspects) == 0 {
		v.NoSuspect = noAccumulationText
	}
	var names, texts []string
	var vals []int64
	for i := range r.Suspects {
		a := &r.Suspects[i]
		share := fmt.Sprintf("%.1f%%", 100*a.Share)
		v.Suspects = append(v.Suspects, accumulationView{Accumulation: a, Facts: AccumulationFacts(a),
			Steps: Steps(a.RetainerPath), Holder: holderText(a), Share: share})
		names = append(names, fmt.Sprintf("#%d %s", a.Rank, a.Class))
		vals = append(vals, int64(a.RetainedSize))
		texts = append(texts, sizeText(a.RetainedSize)+" ("+share+")")
	}
	v.Chart = diverging("retained size of each place", names, vals, texts)
	for _, d := range r.DuplicateStrings {
		v.Duplicates = append(v.Duplicates, dupView{Count: d.Count, Bytes: d.Bytes, Wasted: d.Wasted, ID: d.ID,
			Text: clipText(d.Text, dupTextMax), Truncated: d.Truncated})
	}
	return writePage(w, &page{Title: "leakhound " + meta.Command + ": " + r.Snapshot.Name, Meta: meta, Single: v})
}
