// Takes heap snapshots of a page of testdata/browser in headless Chromium,
// the way DevTools does (HeapProfiler.takeHeapSnapshot on the page target).
//
//   node --experimental-websocket scripts/golden/chrome.mjs \
//     --page leaky --out DIR [--snapshots 1] [--rounds 3] [--rows 20] [--hash '#leak'] [--capture ./leakhound]
//
// It serves testdata/browser on a loopback port, starts Chromium with a
// fresh profile, opens the page, and for each snapshot first calls the
// page's step(rounds, rows) (which redraws its list) and then writes
// DIR/PAGE-I.heapsnapshot. With --capture the snapshot is taken by
// `leakhound capture` given the page's ws:// URL; otherwise by this script.
// Needs /usr/bin/chromium (Debian's chromium package) or $CHROMIUM.
import { spawn, execFileSync } from 'child_process';
import fs from 'fs';
import http from 'http';
import os from 'os';
import path from 'path';
import { fileURLToPath } from 'url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pagesDir = path.resolve(here, '../../testdata/browser');
const opts = { page: 'leaky', out: '.', snapshots: '1', rounds: '3', rows: '20', hash: '', capture: '' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const k = argv[i].replace(/^--/, '');
  if (!(k in opts) || i + 1 >= argv.length) {
    console.error(`chrome.mjs: bad argument ${argv[i]}`);
    process.exit(2);
  }
  opts[k] = argv[i + 1];
}

// Static server for the pages, loopback only.
const server = http.createServer((req, res) => {
  const name = path.basename(new URL(req.url, 'http://x').pathname);
  const file = path.join(pagesDir, name);
  if (!name.endsWith('.html') || !fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fs.readFileSync(file));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const pageURL = `http://127.0.0.1:${server.address().port}/${opts.page}.html${opts.hash}`;

// The flags that work on a closed network: no background connections.
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'leakhound-chrome-'));
const chrome = spawn(process.env.CHROMIUM || '/usr/bin/chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank',
], { stdio: 'ignore' });
let exitCode = 1;
try {
  const portFile = path.join(profile, 'DevToolsActivePort');
  let port;
  for (let i = 0; i < 200 && !port; i++) {
    await new Promise((r) => setTimeout(r, 50));
    if (fs.existsSync(portFile)) port = fs.readFileSync(portFile, 'utf8').split('\n')[0];
  }
  if (!port) throw new Error('chromium did not open its DevTools port');
  const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = list.find((t) => t.type === 'page');
  const wsURL = target.webSocketDebuggerUrl;

  const ws = new WebSocket(wsURL);
  await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
  let nextId = 0;
  const pending = new Map();
  const handlers = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.id !== undefined) {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      msg.error ? p.reject(new Error(JSON.stringify(msg.error))) : p.resolve(msg.result);
    } else if (handlers.has(msg.method)) {
      handlers.get(msg.method)(msg.params);
    }
  };
  const call = (method, params = {}) => new Promise((resolve, reject) => {
    const id = ++nextId;
    pending.set(id, { resolve, reject });
    ws.send(JSON.stringify({ id, method, params }));
  });
  const evaluate = async (expr) => {
    const r = await call('Runtime.evaluate', { expression: expr, returnByValue: true });
    if (r.exceptionDetails) throw new Error(`${expr}: ${r.exceptionDetails.text}`);
    return r.result.value;
  };

  await call('Page.enable');
  const loaded = new Promise((r) => handlers.set('Page.loadEventFired', r));
  await call('Page.navigate', { url: pageURL });
  await loaded;
  fs.mkdirSync(opts.out, { recursive: true });
  for (let i = 1; i <= Number(opts.snapshots); i++) {
    const size = await evaluate(`step(${Number(opts.rounds)}, ${Number(opts.rows)})`);
    const file = path.join(opts.out, `${opts.page}-${i}.heapsnapshot`);
    if (opts.capture) {
      execFileSync(opts.capture, ['capture', '-quiet', '-o', file, wsURL], { stdio: 'inherit' });
    } else {
      // As DevTools' "Take snapshot" does: the chunks arrive as events
      // before the command's response.
      const fd = fs.openSync(file, 'w');
      handlers.set('HeapProfiler.addHeapSnapshotChunk', (p) => fs.writeSync(fd, p.chunk));
      await call('HeapProfiler.enable');
      await call('HeapProfiler.collectGarbage');
      await call('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      fs.closeSync(fd);
    }
    console.error(`chrome.mjs: ${file} (${opts.page}, step() returned ${size})`);
  }
  ws.close();
  exitCode = 0;
} catch (e) {
  console.error(`chrome.mjs: ${e.message}`);
} finally {
  chrome.kill();
  server.close();
  await new Promise((r) => setTimeout(r, 300));
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
