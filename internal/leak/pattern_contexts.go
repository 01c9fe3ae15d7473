// A closure that keeps a variable it never reads. V8 gives the closures of
// one scope one context, holding every variable any of them uses, so a
// long-lived callback keeps what a short-lived sibling needed (a request
// body quoted by a rejection handler). The leaked object's bulk (bulk.go)
// runs through the long-lived closure's context to the variable; the
// program's source says whether the closure reads it.

package leak

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"

	"github.com/leakhound/leakhound/internal/ui"
)

// sharedContext is a closure's context variable that the closure itself
// never reads, and a sibling closure of its scope that does.
type sharedContext struct {
	closure  string
	at       *Location
	variable string
	user     string // the sibling that reads it, "" when not found
	userLine int
}

// closureNameRe names the function a line defines: const reject = (…) =>,
// reject: function (…), function reject(…), reject(…) {.
var closureNameRe = lazyRE(`(?:\b(?:const|let|var)\s+([\w$]+)\s*=|([\w$]+)\s*:\s*(?:async\s+)?(?:function\b|\(|[\w$]+\s*=>)|\bfunction\s*\*?\s*([\w$]+)\s*\(|^\s*(?:async\s+)?([\w$]+)\s*\([^)]*\)\s*\{)`)

// passedFuncRe is a function handed to a call: the callee.
var passedFuncRe = lazyRE(`([\w$][\w$.]*)\s*\((?:[^()]*,\s*)?(?:async\s*)?(?:\([^()]*\)|[\w$]+)\s*=>|([\w$][\w$.]*)\s*\((?:[^()]*,\s*)?(?:async\s+)?function\b`)

// sharedContextOf finds, along b, a closure whose context keeps the next
// step's variable without the closure reading it; nil when there is none
// or the source cannot be read.
func (x *explainer) sharedContextOf(b *Bulk) *sharedContext {
	if b == nil || x.src == nil {
		return nil
	}
	s := x.g.S
	// Step i leaves the object at(i): a closure whose "context" step is
	// followed by a variable's.
	for i := 0; i+1 < len(b.Steps); i++ {
		if int(s.NodeType[b.at(i)]) != s.NodeTypeIndex.Closure || b.Steps[i] != "context" {
			continue
		}
		variable := b.Steps[i+1]
		if !identRe.MatchString(variable) {
			return nil
		}
		loc := x.closureLocation(b.at(i))
		lines, ok := locationLines(loc, x.src)
		if !ok || loc.Line > len(lines) {
			return nil
		}
		reads := regexp.MustCompile(`(?:^|[^\w$.])` + regexp.QuoteMeta(variable) + `\b`)
		body := closureText(lines, loc.Line, loc.Column)
		if reads.Match(body) {
			return nil // it does read it: the variable is its own
		}
		sc := &sharedContext{closure: loc.Function, at: loc, variable: variable}
		// The sibling in the enclosing function that reads it.
		head := headAbove(lines, loc.Line, func(i int) bool { return nestedFuncRe.Match(lines[i]) || functionHeadRe.Match(lines[i]) })
		if head >= 0 {
			for j := head + 1; j < bodyEnd(lines, head+1); j++ {
				if j == loc.Line-1 || !nestedFuncRe.Match(lines[j]) && !bytes.Contains(lines[j], []byte("=>")) {
					continue
				}
				if !reads.Match(closureText(lines, j+1, 1)) {
					continue
				}
				if m := closureNameRe.FindSubmatch(lines[j]); m != nil {
					for _, n := range m[1:] {
						if len(n) > 0 {
							sc.user, sc.userLine = string(n), j+1
							break
						}
					}
				} else if m := passedFuncRe.FindSubmatch(lines[j]); m != nil {
					// An arrow handed to a call: this.queue.add(async () => {
					sc.user, sc.userLine = "the function passed to "+string(m[1])+"()", j+1
				}
				if sc.user != "" {
					break
				}
			}
		}
		return sc
	}
	return nil
}

// closureText is a function's text from its head (1-based line, column)
// to the end of its body: the lines indented deeper than the head's.
func closureText(lines [][]byte, line, column int) []byte {
	first := lines[line-1]
	if column > 1 && column-1 < len(first) {
		first = first[column-1:]
	}
	rest := lines[line:bodyEnd(lines, line)]
	return bytes.Join(append([][]byte{first}, rest...), []byte("\n"))
}

// text is the fix: where the variable is kept from and how to let it go.
func (sc *sharedContext) text(class string, b *Bulk) string {
	name := sc.closure
	if name == "" {
		name = "(anonymous)"
	}
	t := fmt.Sprintf("%s %s keeps %s, %s of it %s %s through %s: the closure %s (%s:%d) never reads %s, but V8 keeps one context for the variables that all the closures of a scope use",
		article(class), class, ui.Bytes(int64(b.Of)), pct(b.RetainedSize, b.Of), article(b.Class), b.Class, bulkPath(b), name, filepath.Base(sc.at.Script), sc.at.Line, sc.variable)
	if sc.user != "" {
		t += fmt.Sprintf(", and %s (%s:%d) reads it", sc.user, filepath.Base(sc.at.Script), sc.userLine)
	}
	return t + fmt.Sprintf(": make %s in a function of its own that gets only what it reads, or let go of %s once done with it (a let set to null)", name, sc.variable)
}

// bulkPath is b's references joined as a path: describe → context → raw.
func bulkPath(b *Bulk) string { return b.Text() }

// pct is part of whole as a whole percentage: "98%".
func pct(part, whole uint64) string {
	if whole == 0 {
		return "0%"
	}
	return fmt.Sprintf("%d%%", part*100/whole)
}
