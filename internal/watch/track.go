package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/leakhound/leakhound/internal/store"
	"github.com/leakhound/leakhound/internal/ui"
)

// Tracked is one named value watched in the target (--track NAME=EXPR) or
// one class whose live instances are counted (--count).
type Tracked struct {
	Name string
	// Expr is a JavaScript expression in the target's global scope: the
	// value to size (track) or the constructor whose instances to count.
	// require('SPEC') of a module the program already loaded is allowed.
	Expr string
	// Limit fires the leak actions when the value grew by more than this
	// since watch started; 0: only the rising rule.
	Limit int64
	// Count counts live instances of the constructor Expr names (a heap
	// walk) instead of sizing a value.
	Count bool
}

// TrackedValue is one tracked value at one sample.
type TrackedValue struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"` // Map, Set, Array, Object, string, Buffer, ...; "instances" for a count
	Value int64  `json:"value"`
}

// ParseTrack reads --track's NAME=EXPR[:LIMIT]. A trailing :N is the limit
// only when N is a whole number, so expressions may hold colons.
func ParseTrack(s string, count bool) (Tracked, error) {
	name, expr, ok := strings.Cut(s, "=")
	name, expr = strings.TrimSpace(name), strings.TrimSpace(expr)
	if !ok {
		if !count {
			return Tracked{}, fmt.Errorf("--track %q: want NAME=EXPR[:LIMIT], e.g. userCache=globalThis.userCache:10000", s)
		}
		// --count Order: a global constructor of that name.
		name, expr = strings.TrimSpace(s), strings.TrimSpace(s)
	}
	t := Tracked{Name: name, Expr: expr, Count: count}
	if i := strings.LastIndexByte(expr, ':'); i > 0 {
		if n, err := strconv.ParseInt(strings.TrimSpace(expr[i+1:]), 10, 64); err == nil && n > 0 {
			t.Expr, t.Limit = strings.TrimSpace(expr[:i]), n
		}
	}
	if !validName(t.Name) || t.Expr == "" {
		return Tracked{}, fmt.Errorf("%q: the name must be letters, digits, _ or - and the expression not empty", s)
	}
	return t, nil
}

func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// tracker is a Tracked's state across samples.
type tracker struct {
	Tracked
	off       bool  // reported once as failing, then skipped
	first     int64 // value at the first sample; -1 before it
	last      int64
	rises     int       // consecutive samples that rose
	fired     bool      // the leak actions ran; re-armed when the value shrinks
	nextCount time.Time // counts walk the heap: not before this
	slowNoted bool      // the count's pause was reported
}

// requireRe finds require('SPEC') calls to resolve without running require.
var requireRe = regexp.MustCompile(`require\(\s*(['"])([^'"\\]+)(['"])\s*\)`)

// resolveRequires rewrites require('SPEC') into a lookup in the module
// cache: require itself may load a module, so V8 refuses it in
// side-effect-free evaluation, but the program's own modules are already in
// the cache. The cache is reached as Module._cache through the main module
// (require.cache is the same object), since node 22 refuses even to read
// the command-line API's require there.
// mainDir is the main module's folder (for relative specs); sep its
// separator.
func resolveRequires(expr, mainDir string) string {
	sep := "/"
	if strings.Contains(mainDir, `\`) {
		sep = `\`
	}
	return requireRe.ReplaceAllStringFunc(expr, func(m string) string {
		sub := requireRe.FindStringSubmatch(m)
		spec := sub[2]
		if sub[1] != sub[3] {
			return m
		}
		if strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || (len(spec) > 2 && spec[1] == ':') {
			var base string
			if sep == `\` {
				base = strings.ReplaceAll(mainDir, `\`, "/")
			} else {
				base = mainDir
			}
			p := spec
			if !strings.HasPrefix(spec, "/") && !(len(spec) > 2 && spec[1] == ':') {
				p = path.Join(base, spec)
			}
			p = path.Clean(strings.ReplaceAll(p, `\`, "/"))
			var names []string
			for _, suf := range []string{"", ".js", ".cjs", ".json", "/index.js"} {
				names = append(names, strings.ReplaceAll(p+suf, "/", sep))
			}
			js, _ := json.Marshal(names)
			return fmt.Sprintf("(Object.values("+moduleCache+").find((m) => %s.includes(m.filename)) || {}).exports", js)
		}
		dir, _ := json.Marshal(sep + "node_modules" + sep + strings.ReplaceAll(spec, "/", sep) + sep)
		return fmt.Sprintf("(((ms) => ms.find((m) => !(m.parent && String(m.parent.filename).includes(%[1]s))) || ms[0])"+
			"(Object.values("+moduleCache+").filter((m) => m.filename.includes(%[1]s))) || {}).exports", dir)
	})
}

// moduleCache is require.cache, read without touching require.
const moduleCache = "((process.mainModule && process.mainModule.constructor._cache) || {})"

// sizeJS sizes a value in entries, returning [kind, size]: a Map's or
// Set's size, an Array's length, an object's own enumerable keys, a
// string's length, a Buffer's or typed array's bytes.
const sizeJS = `((v) => {
  if (v === undefined || v === null) return ['nothing', 0];
  if (v instanceof Map) return ['Map', v.size];
  if (v instanceof Set) return ['Set', v.size];
  if (v instanceof WeakMap || v instanceof WeakSet) return ['weak', 0];
  if (Array.isArray(v)) return ['Array', v.length];
  if (typeof v === 'string') return ['string', v.length];
  if (ArrayBuffer.isView(v)) return [(v.constructor && v.constructor.name) || 'TypedArray', v.byteLength];
  if (v instanceof ArrayBuffer) return ['ArrayBuffer', v.byteLength];
  if (typeof v === 'object' || typeof v === 'function') return ['Object', Object.keys(v).length];
  return [typeof v, 0];
})`

// evaluator is the part of the agent a tracker needs: evaluation with
// V8's side-effect check and raw inspector calls.
type evaluator interface {
	Call(ctx context.Context, method string, params, result any) error
}

type evalResult struct {
	Result struct {
		Type     string          `json:"type"`
		ObjectID string          `json:"objectId"`
		Value    json.RawMessage `json:"value"`
	} `json:"result"`
	ExceptionDetails *struct {
		Text      string `json:"text"`
		Exception *struct {
			Description string `json:"description"`
		} `json:"exception"`
	} `json:"exceptionDetails"`
}

// thrown is the first line of the exception the evaluation threw, or "".
func (r *evalResult) thrown() string {
	d := r.ExceptionDetails
	if d == nil {
		return ""
	}
	msg := d.Text
	if d.Exception != nil && d.Exception.Description != "" {
		msg = strings.SplitN(d.Exception.Description, "\n", 2)[0]
	}
	return msg
}

func (r *evalResult) err() error {
	msg := r.thrown()
	switch {
	case msg == "":
		return nil
	case strings.Contains(msg, "Possible side-effect"):
		return errSideEffect
	}
	return errors.New(msg)
}

var errSideEffect = errors.New("V8 refused it: reading it could run code with side effects (a getter, a Proxy, a function call); name the object through plain properties, e.g. globalThis.cache or require('./cache').store")

// countPauseShare is the most of the time --count may pause the target.
// A variable for tests.
var countPauseShare = 0.01

// objectGroup holds the inspector's references made while counting; it is
// released after every count so the target keeps nothing alive for us.
const objectGroup = "leakhound-count"

// measure evaluates one tracked value. Every evaluation runs with V8's
// throwOnSideEffect, the mode DevTools uses for eager evaluation: code
// that could change state (setters, Proxy traps, function calls other than
// V8's side-effect-free builtins) is refused before it runs, so watching a
// value never changes the program.
func measure(ctx context.Context, c evaluator, t *tracker, mainDir string) (TrackedValue, error) {
	expr := resolveRequires(t.Expr, mainDir)
	if !t.Count {
		var r evalResult
		err := c.Call(ctx, "Runtime.evaluate", map[string]any{
			"expression": sizeJS + "(" + expr + "\n)", "returnByValue": true, "includeCommandLineAPI": true,
			"silent": true, "throwOnSideEffect": true, "timeout": 1000,
		}, &r)
		if err != nil {
			return TrackedValue{}, err
		}
		if err := r.err(); err != nil {
			return TrackedValue{}, err
		}
		var kv [2]json.RawMessage
		var kind string
		var n float64
		if json.Unmarshal(r.Result.Value, &kv) != nil || json.Unmarshal(kv[0], &kind) != nil || json.Unmarshal(kv[1], &n) != nil {
			return TrackedValue{}, fmt.Errorf("unexpected answer %s", r.Result.Value)
		}
		switch kind {
		case "nothing":
			return TrackedValue{}, errors.New("it names nothing (undefined or null)")
		case "weak":
			return TrackedValue{}, errors.New("a WeakMap or WeakSet has no size to read")
		}
		return TrackedValue{Name: t.Name, Kind: kind, Value: int64(n)}, nil
	}
	defer c.Call(context.WithoutCancel(ctx), "Runtime.releaseObjectGroup", map[string]any{"objectGroup": objectGroup}, nil)
	var proto evalResult
	err := c.Call(ctx, "Runtime.evaluate", map[string]any{
		"expression": "(" + expr + "\n).prototype", "includeCommandLineAPI": true, "silent": true,
		"throwOnSideEffect": true, "timeout": 1000, "objectGroup": objectGroup,
	}, &proto)
	if err != nil {
		return TrackedValue{}, err
	}
	if err := proto.err(); err != nil {
		if strings.HasPrefix(err.Error(), "ReferenceError") {
			return TrackedValue{}, fmt.Errorf("%w (a class declared in a module is not global: give --count %s=require('./its-module').%s)", err, t.Name, t.Name)
		}
		return TrackedValue{}, err
	}
	if proto.Result.ObjectID == "" {
		return TrackedValue{}, fmt.Errorf("it is not a constructor (its prototype is %s)", proto.Result.Type)
	}
	var objs struct {
		Objects struct {
			ObjectID string `json:"objectId"`
		} `json:"objects"`
	}
	if err := c.Call(ctx, "Runtime.queryObjects", map[string]any{"prototypeObjectId": proto.Result.ObjectID, "objectGroup": objectGroup}, &objs); err != nil {
		return TrackedValue{}, err
	}
	var n evalResult
	if err := c.Call(ctx, "Runtime.callFunctionOn", map[string]any{
		"functionDeclaration": "function () { return this.length; }", "objectId": objs.Objects.ObjectID,
		"returnByValue": true, "silent": true,
	}, &n); err != nil {
		return TrackedValue{}, err
	}
	var count float64
	if err := json.Unmarshal(n.Result.Value, &count); err != nil {
		return TrackedValue{}, fmt.Errorf("unexpected count %s", n.Result.Value)
	}
	return TrackedValue{Name: t.Name, Kind: "instances", Value: int64(count)}, nil
}

// track measures every tracked value due at this sample, reports a failing
// one once and skips it from then on, records the values and runs the
// leak actions for one that grew past its limit or kept rising.
func (a *agent) track(ctx context.Context, now time.Time) []TrackedValue {
	var out []TrackedValue
	for _, t := range a.trackers {
		if t.off {
			continue
		}
		if t.Count && now.Before(t.nextCount) {
			continue
		}
		tctx, cancel := context.WithTimeout(a.stop, sampleTimeout)
		began := time.Now()
		var v TrackedValue
		var err error
		if t.Count {
			// Runtime.queryObjects collects garbage first (reason "heap
			// profiler"): those GCs are watch's, not the program's.
			err = a.forcing(tctx, func() error {
				var merr error
				v, merr = measure(tctx, a.conn, t, a.mainDir)
				return merr
			})
		} else {
			v, err = measure(tctx, a.conn, t, a.mainDir)
		}
		took := time.Since(began)
		cancel()
		if err != nil {
			if a.stop.Err() != nil {
				return out
			}
			t.off = true
			what := "--track " + t.Name
			if t.Count {
				what = "--count " + t.Name
			}
			a.emit(Event{Kind: "error", Trigger: "track", Message: fmt.Sprintf("%s (%s): %v; skipped from now on", what, t.Expr, err)})
			continue
		}
		if t.Count {
			// V8 counts by walking the whole heap with the program paused
			// (measured: 2.7 s for a heap of a million objects): keep that
			// pause under 1% of the time, whatever --count-every says.
			every := max(a.cfg.CountEvery, time.Duration(float64(took)/countPauseShare))
			t.nextCount = now.Add(every)
			if every > a.cfg.CountEvery && !t.slowNoted {
				t.slowNoted = true
				a.emit(Event{Kind: "note", Trigger: "track", Message: fmt.Sprintf("--count %s paused the target for %s (V8 walks the whole heap); counting every %s to keep that under 1%% of the time",
					t.Name, took.Round(time.Millisecond), every.Round(time.Second))})
			}
		}
		out = append(out, v)
		a.trackStep(ctx, t, v, now)
	}
	if len(out) > 0 {
		if mt := a.cfg.Metrics; mt != nil {
			for _, v := range out {
				mt.Tracked(v.Name, v.Kind, v.Value)
			}
		}
		if a.cfg.Store != nil {
			rows := make([]store.Tracked, len(out))
			for i, v := range out {
				rows[i] = store.Tracked{Time: now, Name: v.Name, Kind: v.Kind, Value: v.Value}
			}
			if err := a.cfg.Store.RecordTracked(context.WithoutCancel(ctx), a.session, rows); err != nil {
				a.emit(Event{Kind: "error", Message: "recording tracked values: " + err.Error()})
			}
		}
	}
	return out
}

// trackStep applies the leak rules to one new value: growth past Limit
// since watch started, or a rise at each of the leak signal's window of
// samples. It fires once, and again only after the value shrank.
func (a *agent) trackStep(ctx context.Context, t *tracker, v TrackedValue, now time.Time) {
	if t.first < 0 {
		t.first, t.last = v.Value, v.Value
		return
	}
	switch {
	case v.Value > t.last:
		t.rises++
	case v.Value < t.last:
		t.rises, t.fired = 0, false
	}
	t.last = v.Value
	window := a.cfg.Leak.Window
	if window <= 0 {
		window = 5
	}
	unit := "entries"
	if t.Count {
		unit = "instances"
	}
	var why string
	switch {
	case t.Limit > 0 && v.Value-t.first > t.Limit:
		why = fmt.Sprintf("%s grew from %s to %s %s since watch started (more than its limit, %s)", t.Name,
			ui.Count(t.first), ui.Count(v.Value), unit, ui.Count(t.Limit))
	case t.rises >= window:
		why = fmt.Sprintf("%s rose at each of the last %d samples, to %s %s (%s since watch started)", t.Name,
			t.rises, ui.Count(v.Value), unit, ui.SignedCount(v.Value-t.first))
	default:
		return
	}
	if t.fired {
		return
	}
	t.fired = true
	trigger := "track:" + t.Name
	a.record(store.Event{Time: now, Kind: store.EventSignal, Name: trigger, Value: v.Value - t.first, Detail: why})
	a.emit(Event{Kind: "leak", Trigger: trigger, Message: why})
	a.fire(ctx, trigger, a.cfg.LeakActions, why)
}
