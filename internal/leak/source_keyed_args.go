// A cache keyed by its function's argument (a compiled-template cache
// keyed by the sha1 of the source it is given) that one caller feeds a
// text built at each call (a layout's source with a value spliced in):
// every call hands it a new text, so every call compiles and keeps one
// more. The other callers, which pass fixed texts, are right.

package leak

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// builtArgCaller finds, for the program's add (bySource.set(key, fn))
// inside a function whose key comes from its first parameter (key =
// hash(text), or the parameter itself), the program's call of that
// function whose argument is built at each call: a local assigned a
// .replace(…), a template literal or a concatenation just above, or such
// an expression in the call itself. The text says so, "" when none.
func builtArgCaller(added *Statement, scripts []string, src Sources) string {
	if added == nil || src == nil || !programScript(added.Script) {
		return ""
	}
	m := setKeyRe.FindStringSubmatch(added.Text)
	fn := enclosingFunction(added, src)
	if m == nil || fn == nil || !identRe.MatchString(fn.Function) || fn.Function == "constructor" {
		return ""
	}
	lines, ok := locationLines(fn, src)
	if !ok {
		return ""
	}
	p := firstParamRe.FindSubmatch(lines[fn.Line-1])
	if p == nil {
		return ""
	}
	param := string(p[1])
	// What it keeps is made from the text, not looked up by an id: the key
	// is a hash of the parameter, or the function compiles or parses it.
	uses := `(?:^|[^\w$.])` + regexp.QuoteMeta(param) + `\b`
	hashed := false
	if k := keyStatement(added, src); k != nil && string(m[1]) != param {
		rhs := k.Text[strings.Index(k.Text, "=")+1:]
		hashed = hashCallRe.MatchString(rhs) && regexp.MustCompile(uses).MatchString(rhs)
	}
	compiles := false
	compile := regexp.MustCompile(compileCallRe + `\s*\(\s*` + regexp.QuoteMeta(param) + `\b`)
	for i := fn.Line; i < len(lines) && i < bodyEnd(lines, fn.Line) && !compiles; i++ {
		compiles = compile.Match(lines[i])
	}
	if !hashed && !compiles {
		return ""
	}
	call := regexp.MustCompile(`(?:^|[^\w$])` + regexp.QuoteMeta(fn.Function) + `\s*\(\s*([^,)]*)[,)]`)
	var out string
	matchLines(call, programScripts(scripts, src), src, func(sc string, ls [][]byte, i int, loc []int) {
		if out != "" || commentBefore(ls[i], loc[0]) || sc == fn.Script && i+1 == fn.Line {
			return
		}
		arg := strings.TrimSpace(string(call.FindSubmatch(ls[i])[1]))
		at := fmt.Sprintf("%s:%d", filepath.Base(sc), i+1)
		if builtExprRe.MatchString(arg) {
			out = fmt.Sprintf("%s hands %s() a text built at each call (%s)", at, fn.Function, arg)
			return
		}
		if !identRe.MatchString(arg) {
			return
		}
		decl := regexp.MustCompile(`\b(?:const|let|var)\s+` + regexp.QuoteMeta(arg) + `\s*=\s*(.+)$`)
		for k := i; k >= 0 && k >= i-keyLines; k-- {
			d := decl.FindSubmatch(ls[k])
			if d == nil {
				continue
			}
			if builtExprRe.Match(d[1]) {
				out = fmt.Sprintf("%s hands %s() %s, a text built at each call at %s:%d (%s)", at, fn.Function, arg, filepath.Base(sc), k+1, strings.TrimSuffix(clipLine(ls[k]), ";"))
			}
			return
		}
	})
	if out == "" {
		return ""
	}
	return out + fmt.Sprintf(", and %s() keys what it keeps by that text (%s:%d), so every call adds one more: hand it the fixed text and pass what varies as data (a template's variable), or put it into the output after",
		fn.Function, filepath.Base(added.Script), added.Line)
}

// hashCallRe is a hash of a text (crypto's createHash(…).update(…), a
// hash function of the program's).
var hashCallRe = lazyRE(`(?i)\b(?:createHash|hash\w*|digest|sha\d*|md5|murmur\w*|fnv\w*|xxhash\w*)\s*\(`)

// compileCallRe is a call that compiles or parses a text into what a
// cache keeps (Handlebars.compile, new Function, a parser).
const compileCallRe = `(?:\bcompile\w*|\bnew\s+Function|\bparse\w*|\btemplate)`

// firstParamRe is a function head's first parameter.
var firstParamRe = lazyRE(`\(\s*([A-Za-z_$][\w$]*)\s*[,)=]`)

// builtExprRe is an expression that builds a text: a .replace(…) or a
// .concat(…) on something, a template literal with a substitution, or a
// concatenation with +.
var builtExprRe = lazyRE("\\.\\s*(?:replace|replaceAll|concat)\\s*\\(|`[^`]*\\$\\{|['\"`]\\s*\\+|\\+\\s*['\"`]")
