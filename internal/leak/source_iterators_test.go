package leak

import (
	"strings"
	"testing"
)

// A wrapper whose return() does not call its source's: named, with the
// sibling throw() that does; one that passes it on, or objects of a class
// that is no iterator, get nothing.
func TestIteratorWrapper(t *testing.T) {
	src := textSources{"/app/events.mjs": `export function filtered(source, predicate) {
  let finished = false;
  return {
    async next() {
      while (!finished) {
        const result = await source.next();
        if (await predicate(result.value)) return result;
      }
      return { value: undefined, done: true };
    },
    async return() {
      finished = true;
      return { value: undefined, done: true };
    },
    async throw(error) {
      await source.return?.();
      throw error;
    },
  };
}
`}
	d := iteratorWrapper("PubSubAsyncIterableIterator", []string{"/app/events.mjs"}, src)
	if d == nil || d.ret.Line != 11 || d.source != "source" || d.fn != "filtered" || d.does == nil || d.does.Line != 16 {
		t.Fatalf("wrapper %+v: want return() at 11 dropping source, throw() at 16 passing it", d)
	}
	if h := d.hint(); !strings.Contains(h, "call await source.return?.() in return(), as events.mjs:16 does") {
		t.Errorf("hint %q", h)
	}
	if d := iteratorWrapper("Order", []string{"/app/events.mjs"}, src); d != nil {
		t.Errorf("not an iterator: %+v", d)
	}
	ok := textSources{"/app/events.mjs": strings.Replace(src["/app/events.mjs"], "      finished = true;\n      return { value", "      finished = true;\n      await source.return?.();\n      return { value", 1)}
	if d := iteratorWrapper("PubSubAsyncIterableIterator", []string{"/app/events.mjs"}, ok); d != nil {
		t.Errorf("return() passes it on: %+v", d)
	}
}

// An async generator that filters a source with for await…of: named as
// the code, with the source it keeps subscribed (blind evaluation 35,
// svc05); a generator that loops with a plain for, or a function of
// another name, gets nothing.
func TestGeneratorWrapper(t *testing.T) {
	src := textSources{"/app/filters.mjs": `export function withFilter(subscribe, predicate) {
  return (root, args) => {
    const source = subscribe(root, args);
    return (async function* filtered() {
      for await (const payload of source) {
        if (await predicate(payload, args)) yield payload;
      }
    })();
  };
}
async function* numbered(items) {
  for (const x of items) yield x;
}
`}
	w := generatorWrapper("filtered", []string{"/app/filters.mjs"}, src)
	if w == nil || w.head.Line != 4 || w.source != "source" || !w.guarded {
		t.Fatalf("generator %+v: want filtered at 4 over source, guarded", w)
	}
	for _, want := range []string{"filtered() (filters.mjs:4) is an async generator that loops over source with for await…of", "yields only the values its test passes", "write it as an iterator object whose return() calls source.return() at once"} {
		if h := w.hint(); !strings.Contains(h, want) {
			t.Errorf("hint %q lacks %q", h, want)
		}
	}
	for _, class := range []string{"numbered", "withFilter", "Order"} {
		if w := generatorWrapper(class, []string{"/app/filters.mjs"}, src); w != nil {
			t.Errorf("%s: %+v", class, w)
		}
	}
}
