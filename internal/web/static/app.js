// leakhound serve: the pages. Plain DOM, no framework, no build step. Every
// list is paged by the server; text always goes in through textContent.
"use strict";

const $main = document.getElementById("main");
let status = null; // /api/status
let gen = 0; // bumped on every navigation: late answers for an old view are dropped

// ---------- helpers

function h(tag, attrs, ...kids) {
  const svg = ["svg", "rect", "g", "text", "polyline", "circle", "title", "line", "path"].includes(tag);
  const el = svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "text") el.textContent = v;
    else if (k === "fill" && svg) el.style.fill = v;
    else if (k === "width" && !svg && typeof v === "string") el.style.width = v;
    else el.setAttribute(k, v);
  }
  for (const c of kids.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function bytes(n) {
  const neg = n < 0; if (neg) n = -n;
  let s;
  if (n < 1024) s = n + " B";
  else if (n < 1048576) s = (n / 1024).toFixed(1) + " KiB";
  else if (n < 1073741824) s = (n / 1048576).toFixed(1) + " MiB";
  else s = (n / 1073741824).toFixed(2) + " GiB";
  return neg ? "-" + s : s;
}
const sbytes = (n) => (n > 0 ? "+" : "") + bytes(n);
const count = (n) => Number(n).toLocaleString("en-US");
const scount = (n) => (n > 0 ? "+" : "") + count(n);
function pct(part, total) {
  if (!total) return "-";
  const p = part * 100 / total;
  return p > 0 && p < 0.1 ? "<0.1%" : p.toFixed(1) + "%";
}
const distance = (d) => (d >= 0 && d < 100000000 ? String(d) : "−");
const flat = (s) => String(s).replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t");
function short(s, n) { s = flat(s); return s.length > n ? s.slice(0, n - 1) + "…" : s; }

function edgeLabel(type, name) {
  switch (type) {
    case "element": return "[" + name + "]";
    case "property": case "shortcut": return name.includes(" ") ? '["' + name + '"]' : "." + name;
    case "context": return "->" + name;
    case "weak": return "[[" + name + "]]";
    default: return "{" + name + "}";
  }
}

// objLink is "Class @id name" linking to the object view of snapshot s.
function objLink(s, n, max) {
  const name = n.name && n.name !== n.class ? " " + short(n.name, max || 60) : "";
  return h("span", {}, h("a", { href: `#/object/${s}/${n.id}`, text: n.class + " @" + n.id }), h("span", { class: "dim", text: name }));
}

async function api(path) {
  for (;;) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => ({ error: "bad answer from the server (" + r.status + ")" }));
    if (r.status === 202) { // still loading: show progress and retry
      showProgress(body);
      await new Promise((ok) => setTimeout(ok, 400));
      continue;
    }
    hideProgressIfIdle();
    if (!r.ok) throw new Error(body.error || r.statusText);
    return body;
  }
}

function showProgress(st) {
  const box = document.getElementById("progress");
  box.hidden = false;
  const fill = document.getElementById("progress-fill");
  let label = st.label || "loading";
  if (st.total > 0) {
    const p = Math.min(100, st.done * 100 / st.total);
    fill.classList.remove("busy"); fill.style.width = p.toFixed(1) + "%";
    label += ` — ${bytes(st.done)} of ${bytes(st.total)}`;
  } else { fill.classList.add("busy"); fill.style.width = ""; }
  if (st.elapsed_s) label += ` (${st.elapsed_s.toFixed(0)} s)`;
  document.getElementById("progress-label").textContent = label;
}
function hideProgressIfIdle() { document.getElementById("progress").hidden = true; }

// ---------- tables: sorted, filtered and paged on the server, keyboard driven

// table builds a paged grid. opts: columns [{key,label,num,render,nosort}],
// fetch(params) -> {items,total}, open(row), expand(row) -> Node, sort, dir,
// filter (bool), pageSize.
function table(opts) {
  const st = { offset: 0, sort: opts.sort || "", dir: opts.dir || "desc", filter: "", sel: 0, rows: [], total: 0, open: new Set() };
  const size = opts.pageSize || 50;
  const wrap = h("div", { class: "tbl" });
  const info = h("span", { class: "dim" });
  const prev = h("button", { text: "◀ prev", onclick: () => page(-1) });
  const next = h("button", { text: "next ▶", onclick: () => page(1) });
  let filterBox = null;
  if (opts.filter) {
    let timer = 0;
    filterBox = h("input", { type: "search", placeholder: opts.filterHint || "filter", "aria-label": "filter" });
    filterBox.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => { st.filter = filterBox.value; st.offset = 0; st.sel = 0; load(); }, 200);
    });
    filterBox.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === "ArrowDown") { e.preventDefault(); grid.focus(); } });
  }
  const grid = h("table", { class: "grid", tabindex: "0" });
  const thead = h("thead");
  const tbody = h("tbody");
  grid.append(thead, tbody);
  const hr = h("tr");
  for (const c of opts.columns) {
    const th = h("th", { class: c.num ? "num" : "", text: c.label });
    if (!c.nosort && c.key) {
      th.addEventListener("click", () => {
        if (st.sort === c.key) st.dir = st.dir === "asc" ? "desc" : "asc";
        else { st.sort = c.key; st.dir = ["name", "class", "text", "object"].includes(c.key) ? "asc" : "desc"; }
        st.offset = 0; load();
      });
      c.th = th;
    }
    hr.append(th);
  }
  thead.append(hr);
  wrap.append(h("div", { class: "tools" }, filterBox, prev, next, info), grid);

  function page(d) {
    const o = st.offset + d * size;
    if (o < 0 || o >= st.total) return;
    st.offset = o; st.sel = 0; load();
  }
  async function load() {
    const my = gen;
    const res = await opts.fetch({ offset: st.offset, limit: size, sort: st.sort, dir: st.dir, filter: st.filter });
    if (my !== gen) return;
    st.rows = res.items; st.total = res.total;
    render();
  }
  function render() {
    for (const c of opts.columns) if (c.th) { c.th.classList.toggle("sorted", st.sort === c.key); c.th.classList.toggle("asc", st.sort === c.key && st.dir === "asc"); }
    tbody.replaceChildren();
    st.rows.forEach((row, i) => {
      const tr = h("tr", { class: i === st.sel ? "sel" : "" });
      for (const c of opts.columns) {
        const v = c.render ? c.render(row) : row[c.key];
        tr.append(h("td", { class: (c.num ? "num" : "") + (c.cls ? " " + c.cls : "") }, v));
      }
      tr.addEventListener("click", (e) => {
        st.sel = i; mark();
        if (e.target.closest("a,button")) return;
        if (opts.expand) toggle(i); else if (opts.open) opts.open(row);
      });
      tbody.append(tr);
      if (opts.expand && st.open.has(key(row))) tbody.append(h("tr", {}, h("td", { class: "sub", colspan: opts.columns.length }, opts.expand(row))));
    });
    const end = Math.min(st.total, st.offset + st.rows.length);
    info.textContent = st.total ? `${count(st.offset + 1)}–${count(end)} of ${count(st.total)}` : "nothing matches";
    prev.disabled = st.offset === 0; next.disabled = end >= st.total;
  }
  const key = (row) => (opts.rowKey ? opts.rowKey(row) : JSON.stringify(row));
  function toggle(i) {
    const k = key(st.rows[i]);
    if (st.open.has(k)) st.open.delete(k); else st.open.add(k);
    render();
  }
  function mark() {
    let i = 0;
    for (const tr of tbody.children) { if (tr.firstChild && tr.firstChild.classList.contains("sub")) continue; tr.classList.toggle("sel", i === st.sel); if (i === st.sel) tr.scrollIntoView({ block: "nearest" }); i++; }
  }
  grid.addEventListener("keydown", (e) => {
    if (e.target !== grid) return;
    const row = st.rows[st.sel];
    switch (e.key) {
      case "ArrowDown": case "j": if (st.sel < st.rows.length - 1) { st.sel++; mark(); } else page(1); break;
      case "ArrowUp": case "k": if (st.sel > 0) { st.sel--; mark(); } else if (st.offset > 0) { page(-1); } break;
      case "Enter": if (row && opts.open) opts.open(row); else if (row && opts.expand) toggle(st.sel); break;
      case "ArrowRight": case "l": if (row && opts.expand && !st.open.has(key(row))) toggle(st.sel); break;
      case "ArrowLeft": case "h": if (row && opts.expand && st.open.has(key(row))) toggle(st.sel); break;
      case "n": case "PageDown": page(1); break;
      case "p": case "PageUp": page(-1); break;
      case "/": if (filterBox) filterBox.focus(); break;
      default: return;
    }
    e.preventDefault();
  });
  wrap.reload = load;
  wrap.isOpen = (row) => st.open.has(key(row));
  wrap.grid = grid;
  load().catch(showError);
  return wrap;
}

function qs(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== "" && v !== undefined && v !== null) p.set(k, v);
  return p.toString();
}

function showError(e) {
  hideProgressIfIdle();
  $main.append(h("p", { class: "err", text: "error: " + e.message }));
}

// ---------- navigation

const last = () => Math.max(0, (status.snapshots || []).length - 1);

function nav(route) {
  const links = [];
  const s = route.s !== undefined ? route.s : last();
  if (status.kind === "series") links.push(["leaks", "#/leaks", "Leaks"]);
  if (status.kind === "snapshot") links.push(["leaks", "#/leaks", "Accumulation"]);
  if (status.kind !== "gc") {
    links.push(["summary", `#/summary/${s}`, "Summary"], ["domtree", `#/domtree/${s}`, "Dominators"],
      ["stats", `#/stats/${s}`, "Statistics"], ["strings", `#/strings/${s}`, "Duplicated strings"]);
  }
  if (status.kind === "series") links.push(["diff", `#/diff/0/${last()}`, "Comparison"]);
  if (status.kind === "gc") links.push(["gc", "#/gc", "GC"]);
  document.getElementById("nav").replaceChildren(...links.map(([v, href, label]) => h("a", { href, class: v === route.view || (v === "summary" && (route.view === "class" || route.view === "object")) ? "on" : "", text: label })));
  const sel = document.getElementById("snapsel");
  sel.replaceChildren();
  if (status.kind === "series" && route.s !== undefined) {
    const box = h("select", { "aria-label": "snapshot" }, status.snapshots.map((n, i) => h("option", { value: i, text: `S${i + 1}: ${n}`, selected: i === route.s ? "" : null })));
    box.addEventListener("change", () => { location.hash = `#/${route.view === "object" || route.view === "class" ? "summary" : route.view}/${box.value}`; });
    sel.append(h("span", { class: "dim", text: "snapshot " }), box);
  }
}

function parse() {
  const [path, query] = location.hash.replace(/^#\/?/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  const q = new URLSearchParams(query || "");
  const num = (x) => (x === undefined ? undefined : Number(x));
  return { view: parts[0] || "", s: num(parts[1]), a: parts[2], q, parts };
}

async function route() {
  gen++;
  const r = parse();
  if (!r.view) {
    location.replace(status.kind === "series" ? "#/leaks" : status.kind === "gc" ? "#/gc" : "#/summary/0");
    return;
  }
  nav(r);
  $main.replaceChildren();
  const views = { summary: viewSummary, object: viewObject, domtree: viewDomTree, stats: viewStats, strings: viewStrings, leaks: viewLeaks, diff: viewDiff, gc: viewGC };
  const v = views[r.view];
  if (!v) { $main.append(h("p", { text: "unknown page" })); return; }
  try { await v(r); } catch (e) { showError(e); }
  const g = $main.querySelector(".grid");
  if (g && !document.activeElement.matches("input")) g.focus({ preventScroll: true });
}

// ---------- Summary

async function viewSummary(r) {
  const s = r.s || 0;
  const head = h("div");
  $main.append(h("h1", { text: "Summary" }), head);
  let total = 0;
  const t = table({
    filter: true, filterHint: "filter classes", sort: "retained", rowKey: (c) => c.index,
    columns: [
      { key: "name", label: "Class", cls: "name", render: (c) => h("span", {}, h("span", { class: "toggle", text: t && t.isOpen && t.isOpen(c) ? "▾" : "▸" }), c.name) },
      { key: "count", label: "Count", num: true, render: (c) => count(c.count) },
      { key: "distance", label: "Distance", num: true, render: (c) => distance(c.distance) },
      { key: "shallow", label: "Shallow size", num: true, render: (c) => bytes(c.shallow_size) },
      { label: "%", num: true, nosort: true, render: (c) => pct(c.shallow_size, total) },
      { key: "retained", label: "Retained size", num: true, render: (c) => bytes(c.retained_size) },
      { label: "%", num: true, nosort: true, render: (c) => pct(c.retained_size, total) },
    ],
    fetch: async (p) => {
      const res = await api(`/api/summary?${qs({ s, ...p })}`);
      total = res.snapshot.total_size;
      const b = res.snapshot;
      head.replaceChildren(h("p", {}, h("b", { text: b.file }), ` — ${count(b.nodes)} nodes, ${count(b.edges)} edges, total ${bytes(b.total_size)}`));
      return { items: res.classes, total: res.total };
    },
    expand: (c) => classObjects(s, c),
  });
  $main.append(t);
}

// classObjects is the nested table of one class's objects.
function classObjects(s, c) {
  return table({
    pageSize: 20, sort: "retained",
    columns: [
      { key: "id", label: "Object", render: (o) => objLink(s, o) },
      { key: "distance", label: "Distance", num: true, render: (o) => distance(o.distance) },
      { key: "shallow", label: "Shallow size", num: true, render: (o) => bytes(o.shallow_size) },
      { key: "retained", label: "Retained size", num: true, render: (o) => bytes(o.retained_size) },
    ],
    fetch: (p) => api(`/api/class?${qs({ s, c: c.index, ...p })}`),
    open: (o) => { location.hash = `#/object/${s}/${o.id}`; },
  });
}

// ---------- Object

// allocText: an allocation stack on one line, the allocating function first.
const allocText = (st) => st.slice(0, 12).map((f) => f.script ? `${f.function} (${f.script}:${f.line}:${f.column})` : f.function).join(" ← ");

async function viewObject(r) {
  const s = r.s, id = r.a;
  const o = await api(`/api/object?${qs({ s, id })}`);
  const n = o.node;
  const l = o.location, b = l && l.built;
  const loc = l ? `${l.function} at ${l.script || "?"}:${l.line}:${l.column}` + (b ? ` (built: ${b.script}:${b.line}:${b.column})` : "") : "—";
  $main.append(
    h("h1", {}, n.class, " ", h("span", { class: "dim", text: "@" + n.id })),
    h("div", { class: "card kv" },
      h("span", { text: "type" }), h("span", { text: n.type }),
      h("span", { text: "name" }), h("span", { class: "mono", text: short(n.name, 2000) }),
      h("span", { text: "shallow size" }), h("span", { text: bytes(n.shallow_size) }),
      h("span", { text: "retained size" }), h("span", { text: `${bytes(n.retained_size)} (${pct(n.retained_size, o.total_size)} of the heap)` }),
      ...(o.weak_values ? [h("span", { text: "with weak values" }), h("span", { title: "DevTools' retained size leaves out WeakMap/WeakSet values that live only because this object keeps their keys alive", text: `${bytes(o.weak_values.retained_size_with_weak_values)} (+${bytes(o.weak_values.retained_size)} in ${o.weak_values.count} WeakMap/WeakSet value(s) its keys keep alive)` })] : []),
      h("span", { text: "distance" }), h("span", { text: distance(n.distance) }),
      h("span", { text: "code" }), h("span", { class: "mono", text: loc }),
      ...(o.allocation_stack ? [h("span", { text: "allocated" }), h("span", { class: "mono", text: allocText(o.allocation_stack) })] : []),
      h("span", { text: "snapshot" }), h("span", { text: (status.snapshots[s] || "") }),
    ));
  // Retaining paths, with the retainers the user chose to ignore.
  const ignored = (r.q.get("ignore") || "").split(",").filter(Boolean);
  const paths = h("div");
  $main.append(h("h2", { text: "Retaining paths" }), paths);
  const setIgnore = (list) => { location.hash = `#/object/${s}/${id}` + (list.length ? "?ignore=" + list.join(",") : ""); };
  api(`/api/paths?${qs({ s, id, max: 5, ignore: ignored.join(",") })}`).then((p) => {
    if (ignored.length) paths.append(h("p", { class: "dim" }, `ignoring ${ignored.length} retainer(s), paths searched again without them `, h("button", { text: "reset", onclick: () => setIgnore([]) })));
    if (!p.paths.length) paths.append(h("p", { class: "dim", text: n.distance === -5 ? "unreachable: nothing retains it (it would be collected)" : ignored.length ? "no path remains without the ignored retainers" : "none: this is a root" }));
    for (const rp of p.paths) paths.append(pathView(s, rp));
  }).catch(showError);

  $main.append(h("h2", { text: `Retainers (${count(o.retainer_count)})` }));
  $main.append(table({
    pageSize: 20, filter: true, filterHint: "filter retainers",
    columns: [
      { key: "name", label: "Edge", render: (e) => h("span", { class: e.weak ? "weak mono" : "mono", text: edgeLabel(e.type, e.name) + (e.weak ? " (weak)" : "") }) },
      { key: "object", label: "Object", render: (e) => objLink(s, e.node) },
      { key: "distance", label: "Distance", num: true, render: (e) => distance(e.node.distance) },
      { key: "retained", label: "Retained size", num: true, render: (e) => bytes(e.node.retained_size) },
      { label: "", nosort: true, render: (e) => e.weak ? "" : h("button", { text: "ignore", title: "ignore this retainer: search the paths again without it", onclick: () => setIgnore([...new Set([...ignored, String(e.edge)])]) }) },
    ],
    fetch: (p) => api(`/api/retainers?${qs({ ...p, s, id })}`),
    open: (e) => { location.hash = `#/object/${s}/${e.node.id}`; },
  }));

  $main.append(h("h2", { text: `References (${count(o.edge_count)})` }));
  $main.append(table({
    pageSize: 20, filter: true, filterHint: "filter references",
    columns: [
      { key: "name", label: "Edge", render: (e) => h("span", { class: e.weak ? "weak mono" : "mono", text: edgeLabel(e.type, e.name) }) },
      { key: "object", label: "Object", render: (e) => objLink(s, e.node) },
      { key: "shallow", label: "Shallow size", num: true, render: (e) => bytes(e.node.shallow_size) },
      { key: "retained", label: "Retained size", num: true, render: (e) => bytes(e.node.retained_size) },
    ],
    fetch: (p) => api(`/api/references?${qs({ ...p, s, id })}`),
    open: (e) => { location.hash = `#/object/${s}/${e.node.id}`; },
  }));

  $main.append(h("h2", { text: "Dominators (each one alone keeps it alive)" }));
  const dl = h("ol", { class: "dom" });
  for (const d of o.dominators) dl.append(h("li", {}, objLink(s, d), h("span", { class: "dim", text: " " + bytes(d.retained_size) })));
  if (!o.dominators.length) dl.append(h("li", { class: "dim", text: "none: this is the root" }));
  $main.append(dl, h("p", {}, h("a", { href: `#/domtree/${s}/${n.id}`, text: "show in the dominator tree" })));
}

// pathView is a path's folded text (as `leakhound paths` prints it), then
// every step as a link.
function pathView(s, rp) {
  const steps = h("div", { class: "path mono" });
  rp.steps.forEach((st, i) => {
    if (i > 0) steps.append(h("span", { class: "arrow", text: " " + edgeLabel(st.edge_type, st.edge_name) + " → " }));
    steps.append(h("a", { href: `#/object/${s}/${st.node.id}`, title: st.node.name, text: `${st.node.class} @${st.node.id}` }));
  });
  return h("div", { class: "card" }, h("div", { class: "mono", text: rp.text }), h("details", {}, h("summary", { class: "dim", text: `${rp.steps.length} steps` }), steps));
}

// ---------- Dominator tree and its icicle chart

async function viewDomTree(r) {
  const s = r.s || 0;
  const tree = h("div");
  const chart = h("div");
  $main.append(h("h1", { text: "Dominator tree" }), h("div", { class: "split" }, tree, chart));
  tree.append(domNode(s, null, 0));
  icicle(chart, s, r.a || "");
}

// domNode lists the children of node (null: the root) by retained size,
// expanding lazily.
function domNode(s, node, depth) {
  return table({
    pageSize: depth ? 20 : 50, rowKey: (c) => c.id,
    columns: [
      { label: "Object", nosort: true, render: (c) => h("span", {}, h("span", { class: "toggle", text: c.children ? "▸" : " " }), objLink(s, c, 40)) },
      { label: "Retained", num: true, nosort: true, render: (c) => bytes(c.retained_size) },
    ],
    fetch: (p) => api(`/api/domtree?${qs({ s, id: node ? node.id : "", offset: p.offset, limit: p.limit })}`),
    expand: (c) => (c.children ? domNode(s, c, depth + 1) : h("span", { class: "dim", text: "dominates nothing" })),
  });
}

const palette = ["--c0", "--c1", "--c2", "--c3", "--c4", "--c5", "--c6", "--c7"];
function colour(name) {
  let x = 0;
  for (const ch of name) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return `var(${palette[x % palette.length]})`;
}

// icicle draws the top levels of the dominator tree under id as boxes as
// wide as their retained size. Clicking a box zooms into it; clicking the
// top box opens that object.
async function icicle(el, s, id) {
  const my = gen;
  const root = await api(`/api/icicle?${qs({ s, id, depth: 6 })}`);
  if (my !== gen) return;
  const W = 800, H = 22;
  let depth = 0;
  const walk = (b, d) => { depth = Math.max(depth, d); (b.children || []).forEach((c) => walk(c, d + 1)); };
  walk(root, 0);
  const svg = h("svg", { viewBox: `0 0 ${W} ${(depth + 1) * H}`, width: "100%", role: "img", "aria-label": "retained size by dominator" });
  const draw = (b, x, d, w) => {
    const label = b.class + (b.name ? " " + flat(b.name) : "");
    const g = h("g", {}, h("title", { text: `${label} @${b.id}: ${bytes(b.retained_size)}` }));
    g.append(h("rect", { class: "box", x: x.toFixed(2), y: d * H, width: Math.max(0.5, w - 0.5).toFixed(2), height: H - 1, fill: colour(b.class) }));
    if (w > 40) g.append(h("text", { x: (x + 3).toFixed(2), y: d * H + 15, "pointer-events": "none", text: short(label, Math.floor(w / 6.5)) }));
    g.addEventListener("click", () => {
      if (d === 0) location.hash = `#/object/${s}/${b.id}`;
      else location.hash = `#/domtree/${s}/${b.id}`;
    });
    svg.append(g);
    let cx = x;
    for (const c of b.children || []) {
      const cw = root.retained_size ? w * c.retained_size / b.retained_size : 0;
      draw(c, cx, d + 1, cw);
      cx += cw;
    }
  };
  draw(root, 0, 0, W);
  el.replaceChildren(h("p", { class: "dim" }, `where ${bytes(root.retained_size)} goes: click a box to zoom in, the top box to open it. `,
    id ? h("a", { href: `#/domtree/${s}`, text: "back to the root" }) : ""), svg);
}

// ---------- Statistics

async function viewStats(r) {
  const s = r.s || 0;
  const t = await api(`/api/stats?s=${s}`);
  const b = t.breakdown;
  const other = t.total_size - (b.code + b.strings + b.js_arrays + b.system + b.native);
  const parts = [["Code", b.code], ["Strings", b.strings], ["JS arrays", b.js_arrays], ["System objects", b.system],
    ["Other JS objects", other], ["Typed arrays", b.typed_arrays], ["Other native", b.native - b.typed_arrays]].filter((p) => p[1] > 0);
  $main.append(h("h1", { text: "Statistics" }), h("p", {}, h("b", { text: t.file }), ` — total ${bytes(t.total_size)} (V8 heap ${bytes(b.v8_heap)}, native ${bytes(b.native)})`));
  const W = 800, BH = 28;
  const svg = h("svg", { viewBox: `0 0 ${W} ${BH + 8 + parts.length * 24}`, width: "100%", role: "img", "aria-label": "heap breakdown" });
  let x = 0;
  parts.forEach(([name, v], i) => {
    const w = W * v / t.total_size;
    svg.append(h("rect", { x, y: 0, width: Math.max(0.5, w), height: BH, fill: `var(${palette[i]})` }, h("title", { text: `${name}: ${bytes(v)}` })));
    x += w;
    const y = BH + 12 + i * 24;
    svg.append(h("rect", { x: 0, y, width: Math.max(1, 500 * v / t.total_size), height: 16, fill: `var(${palette[i]})` }));
    svg.append(h("text", { x: 510, y: y + 12, text: `${name}  ${bytes(v)}  (${pct(v, t.total_size)})` }));
  });
  $main.append(svg);
}

// ---------- Duplicated strings

async function viewStrings(r) {
  const s = r.s || 0;
  const head = h("p", { class: "dim" });
  $main.append(h("h1", { text: "Duplicated strings" }), head, table({
    filter: true, filterHint: "filter text",
    columns: [
      { key: "text", label: "Text", cls: "name", render: (d) => h("span", { class: "mono", text: short(d.text, 200) + (d.truncated ? " (first 1024 characters)" : "") }) },
      { key: "count", label: "Copies", num: true, render: (d) => count(d.count) },
      { key: "bytes", label: "Size", num: true, render: (d) => bytes(d.bytes) },
      { key: "wasted", label: "Wasted", num: true, render: (d) => bytes(d.wasted) },
      { label: "Example", nosort: true, render: (d) => h("a", { href: `#/object/${s}/${d.id}`, text: "@" + d.id }) },
    ],
    fetch: async (p) => {
      const res = await api(`/api/strings?${qs({ ...p, s })}`);
      head.textContent = `the same text held in several string objects; keeping one copy of each would free ${bytes(res.wasted)}. Texts longer than V8 records (1024 characters) compare by their start.`;
      return res;
    },
    open: (d) => { location.hash = `#/object/${s}/${d.id}`; },
  }));
}

// ---------- Leaks

function sparkline(values) {
  const W = 120, H = 28;
  const max = Math.max(...values), min = Math.min(...values);
  const sx = (i) => 3 + (values.length > 1 ? i * (W - 6) / (values.length - 1) : 0);
  const sy = (v) => H - 3 - (max > min ? (v - min) * (H - 6) / (max - min) : 0);
  const pts = values.map((v, i) => `${sx(i).toFixed(1)},${sy(v).toFixed(1)}`).join(" ");
  return h("svg", { class: "spark", width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "growth" },
    h("polyline", { points: pts }), h("circle", { cx: sx(values.length - 1), cy: sy(values[values.length - 1]), r: 2.5 }));
}

async function viewLeaks() {
  const rep = await api("/api/leaks");
  if (rep.snapshots === 1) return viewAccumulation(rep);
  const L = rep.snapshots.length - 1;
  $main.append(h("h1", { text: "Leaks" }));
  const snaps = h("p", {}, "snapshots: ");
  rep.snapshots.forEach((sn, i) => snaps.append(i ? " → " : "", h("a", { href: `#/summary/${i}`, text: sn.name }), h("span", { class: "dim", text: ` (${bytes(sn.total_size)})` })));
  snaps.append(" · ", h("a", { href: `#/diff/0/${L}`, text: "compare first and last" }));
  $main.append(snaps);
  for (const n of rep.notes || []) $main.append(h("p", { class: "dim", text: "note: " + n }));
  if (!rep.leak) { $main.append(h("p", { class: "good", text: "No leak suspects: nothing kept growing at every snapshot." })); return; }
  $main.append(h("p", { class: "bad", text: `${rep.suspects.length} leak suspect(s), largest growth first` }));
  rep.suspects.forEach((sp, k) => {
    const unit = sp.count_unit ? ` ${sp.count_unit}` : "";
    const kv = h("div", { class: "kv" },
      h("span", { text: "retained" }), h("span", {}, sparkline(sp.retained_size), " ", sp.retained_size.map(bytes).join(" → ")),
      h("span", { text: "count" + unit }), h("span", {}, sparkline(sp.count), " ", sp.count.map(count).join(" → ")));
    // The rest is what `leaks` prints (its count and retained lines are
    // the two above, with their sparklines).
    for (const f of (rep.facts || [])[k] || []) {
      if (f.label !== "retained" && !f.label.startsWith("count")) kv.append(...factRow(L, f));
    }
    kv.append(h("span", { text: "path" }), suspectPath(L, sp));
    kv.append(h("span", { text: "fix" }), h("span", { text: sp.hint }));
    $main.append(h("div", { class: "card suspect" },
      h("h2", {}, `#${sp.rank} `, h("span", { class: "tag", text: sp.pattern }), " ", sp.class, " ", h("span", { class: "bad", text: sbytes(sp.growth_bytes) + " retained" })), kv));
  });
}

// factRow is one of a suspect's facts as a label and a value, with every
// "@ID" in it a link to that object in snapshot L. Code locations and
// statements are set in monospace.
const codeLabels = new Set(["code", "scope", "variable", "added at", "through", "maximum", "added below", "created below", "trimmed at", "or"]);
function factRow(L, f) {
  const v = h("span", { class: codeLabels.has(f.label.trim()) || f.label === "allocated" ? "mono" : null });
  let at = 0;
  for (const m of f.value.matchAll(/@(\d+)/g)) {
    v.append(f.value.slice(at, m.index), h("a", { href: `#/object/${L}/${m[1]}`, text: m[0] }));
    at = m.index + m[0].length;
  }
  v.append(f.value.slice(at));
  return [h("span", { text: f.label }), v];
}

// suspectPath is a suspect's folded path text, then every step as a link
// into snapshot L.
function suspectPath(L, sp) {
  const path = h("div", { class: "path mono" });
  sp.retainer_path.forEach((st, i) => {
    if (i) path.append(h("span", { class: "arrow", text: ` ${edgeLabel(st.edge_type, st.edge)} → ` }));
    const label = st.type === "closure" ? `(closure) ${st.name || "(anonymous)"}` : st.type === "hidden" || st.type === "synthetic" ? st.name : /string/.test(st.type) ? "(string)" : st.class;
    path.append(h("a", { href: `#/object/${L}/${st.id}`, text: `${label} @${st.id}` }), st.repeat > 1 ? h("span", { class: "dim", text: ` ×${st.repeat}` }) : "");
  });
  return h("div", {}, h("div", { class: "mono dim", text: sp.path_text }), path);
}

// viewAccumulation is `leaks ONE`: where memory accumulates in one
// snapshot (no growth to see, so no verdict).
function viewAccumulation(rep) {
  $main.append(h("h1", { text: "Accumulation" }),
    h("p", { class: "dim", text: `${rep.snapshot.name} (${bytes(rep.snapshot.total_size)}): one snapshot shows where memory accumulates, not what grows; give serve a series to find leaks.` }));
  for (const n of rep.notes || []) $main.append(h("p", { class: "dim", text: "note: " + n }));
  if (!rep.suspects.length) $main.append(h("p", { class: "good", text: "Nothing holds a large share of the heap in many similar objects." }));
  rep.suspects.forEach((sp, k) => {
    const kv = h("div", { class: "kv" },
      h("span", { text: "held" }), h("span", { text: `${count(sp.count)} objects, ${bytes(sp.retained_size)} (${(sp.share * 100).toFixed(1)}% of the heap)` }));
    // The rest is what `leaks ONE` prints (its kind is the tag, its count
    // the line above).
    for (const f of (rep.facts || [])[k] || []) {
      if (f.label !== "kind" && f.label !== "count") kv.append(...factRow(0, f));
    }
    kv.append(h("span", { text: "path" }), suspectPath(0, sp), h("span", { text: "fix" }), h("span", { text: sp.hint }));
    $main.append(h("div", { class: "card suspect" }, h("h2", {}, `#${sp.rank} `, h("span", { class: "tag", text: sp.pattern }), " ",
      h("span", { class: "tag", text: sp.kind }), " ", sp.class, sp.runtime ? h("span", { class: "dim", text: " (node's own)" }) : ""), kv));
  });
  if ((rep.duplicate_strings || []).length) $main.append(h("p", {}, h("a", { href: "#/strings/0", text: "duplicated strings" })));
}

// ---------- Comparison

async function viewDiff(r) {
  const a = Number(r.parts[1] || 0), b = Number(r.parts[2] || last());
  const pick = (v, other) => {
    const sel = h("select", {}, status.snapshots.map((n, i) => h("option", { value: i, text: `S${i + 1}: ${n}`, selected: i === v ? "" : null })));
    sel.addEventListener("change", () => { location.hash = other ? `#/diff/${a}/${sel.value}` : `#/diff/${sel.value}/${b}`; });
    return sel;
  };
  const head = h("div");
  $main.append(h("h1", { text: "Comparison" }), h("div", { class: "tools" }, "base ", pick(a, false), " target ", pick(b, true)), head);
  $main.append(table({
    filter: true, filterHint: "filter classes", sort: "size_delta",
    columns: [
      { key: "class", label: "Class", cls: "name", render: (c) => c.class },
      { key: "new", label: "# New", num: true, render: (c) => count(c.new) },
      { key: "deleted", label: "# Deleted", num: true, render: (c) => count(c.deleted) },
      { key: "delta", label: "# Delta", num: true, render: (c) => scount(c.delta) },
      { key: "allocated_size", label: "Alloc. size", num: true, render: (c) => bytes(c.allocated_size) },
      { key: "freed_size", label: "Freed size", num: true, render: (c) => bytes(c.freed_size) },
      { key: "size_delta", label: "Size delta", num: true, render: (c) => h("span", { class: c.size_delta > 0 ? "bad" : c.size_delta < 0 ? "good" : "", text: sbytes(c.size_delta) }) },
    ],
    fetch: async (p) => {
      const res = await api(`/api/diff?${qs({ a, b, ...p })}`);
      head.replaceChildren(h("p", { class: "dim", text: `${res.base.name} (${bytes(res.base.total_size)}) → ${res.target.name} (${bytes(res.target.total_size)}); objects matched by snapshot id` }),
        ...(res.notes || []).map((n) => h("p", { class: "dim", text: "note: " + n })));
      return { items: res.classes, total: res.total };
    },
  }));
}

// ---------- GC

async function viewGC() {
  const g = await api("/api/gc");
  const s = g.summary;
  $main.append(h("h1", { text: "GC" }),
    h("p", {}, h("span", { class: s.verdict === "healthy" ? "good tag" : "bad tag", text: s.verdict }), " ", s.verdict_text),
    h("img", { class: "chart", src: "/api/gc.svg", alt: "heap before and after each GC" }));
  $main.append(h("h2", { text: "Pauses" }));
  const t = h("table", {}, h("thead", {}, h("tr", {}, ["Type", "Count", "Per minute", "p50", "p95", "p99", "max"].map((x, i) => h("th", { class: i ? "num" : "", text: x })))));
  const tb = h("tbody");
  const ms = (v) => (v === undefined ? "" : v.toFixed(2) + " ms");
  for (const ty of s.by_type) {
    const p = ty.pause_ms || {};
    tb.append(h("tr", {}, h("td", { text: ty.type }), h("td", { class: "num", text: count(ty.count) }), h("td", { class: "num", text: ty.per_minute.toFixed(1) }),
      h("td", { class: "num", text: ms(p.p50) }), h("td", { class: "num", text: ms(p.p95) }), h("td", { class: "num", text: ms(p.p99) }), h("td", { class: "num", text: ms(p.max) })));
  }
  t.append(tb);
  $main.append(t, h("h2", { text: "Report" }), h("pre", { text: g.text }));
}

// ---------- start: wait for the input to load, showing progress

async function start() {
  for (;;) {
    try {
      status = await (await fetch("/api/status")).json();
    } catch (e) {
      document.getElementById("progress-label").textContent = "the server is not answering";
      await new Promise((ok) => setTimeout(ok, 1000));
      continue;
    }
    if (status.error) { hideProgressIfIdle(); $main.replaceChildren(h("p", { class: "err", text: "loading failed: " + status.error })); return; }
    if (status.ready) break;
    showProgress(status);
    await new Promise((ok) => setTimeout(ok, 300));
  }
  hideProgressIfIdle();
  window.addEventListener("hashchange", route);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Backspace" && !e.target.matches("input,select")) { history.back(); e.preventDefault(); }
  });
  route();
}
start();
