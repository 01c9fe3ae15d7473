// A small leaky Node.js service modelled on the guide's case study: every
// transaction adds an eventBus 'response' listener that closes over a
// RequestContext of ~20 KB and is never removed, so contexts pile up on the
// EventEmitter's listener array.
//
// Modes (environment variables):
//   LEAKHOUND_SNAPSHOTS=DIR  batch mode: run WARMUP transactions, write
//                            DIR/1-warmup.heapsnapshot, run N more, write
//                            DIR/2-after-N.heapsnapshot, run N more, write
//                            DIR/3-after-2N.heapsnapshot, then exit 0. With
//                            --expose-gc a full GC runs before each snapshot.
//                            Prints one JSON line per snapshot on stdout:
//                            {"snapshot": PATH, "transactions": COUNT}.
//   LEAKHOUND_REQUESTS=N     transactions between snapshots (default 300)
//   LEAKHOUND_WARMUP=W       transactions before the first snapshot (default 50)
//   LEAKHOUND_FIXED=1        use the fixed processor (listener removed): no leak
//   otherwise                serve HTTP on 127.0.0.1:$PORT (default 3000);
//                            each request to /transaction runs one transaction;
//                            LEAKHOUND_LOAD=RPS also generates load in-process.
'use strict';
const EventEmitter = require('events');
const fs = require('fs');
const path = require('path');
const http = require('http');
const v8 = require('v8');

class RequestContext extends EventEmitter {
  constructor(transaction) {
    super();
    this.transaction = transaction;
    this.startedAt = Date.now();
    // ~20 KB of per-request state: parsed body, audit trail, ...
    this.auditTrail = new Array(2500).fill(0).map((_, i) => i + transaction.id);
    this.responses = 0;
  }
  handleResponse(data) {
    this.responses++;
    this.lastResponse = data;
  }
  startProcessing() {
    return { id: this.transaction.id, amount: this.transaction.amount };
  }
}

// The problematic code from the guide: the listener is never removed.
class TransactionProcessor {
  constructor(eventBus) {
    this.eventBus = eventBus;
  }
  processTransaction(transaction) {
    const context = new RequestContext(transaction);
    this.eventBus.on('response', function onResponse(data) {
      context.handleResponse(data);
    });
    return context.startProcessing();
  }
}

// The fix from the guide: remove the listener once the response arrived.
class FixedTransactionProcessor {
  constructor(eventBus) {
    this.eventBus = eventBus;
  }
  processTransaction(transaction) {
    const context = new RequestContext(transaction);
    const responseHandler = (data) => {
      context.handleResponse(data);
      this.eventBus.removeListener('response', responseHandler);
    };
    this.eventBus.on('response', responseHandler);
    return context.startProcessing();
  }
}

const eventBus = new EventEmitter();
eventBus.setMaxListeners(0);
const Processor = process.env.LEAKHOUND_FIXED === '1' ? FixedTransactionProcessor : TransactionProcessor;
const processor = new Processor(eventBus);
let transactions = 0;

function runTransactions(n) {
  for (let i = 0; i < n; i++) {
    transactions++;
    processor.processTransaction({ id: transactions, amount: (transactions * 7) % 1000 });
    if (transactions % 10 === 0) eventBus.emit('response', { ok: true, at: transactions });
  }
  eventBus.emit('response', { ok: true, at: transactions });
}

function writeSnapshot(dir, name) {
  if (global.gc) global.gc();
  const final = path.join(dir, name);
  const tmp = final + '.tmp-' + process.pid;
  v8.writeHeapSnapshot(tmp);
  fs.renameSync(tmp, final); // never leave a half-written snapshot under the final name
  process.stdout.write(JSON.stringify({ snapshot: final, transactions }) + '\n');
}

function intEnv(name, def) {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number.parseInt(v, 10);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`${name} must be a non-negative integer, got ${JSON.stringify(v)}`);
    process.exit(2);
  }
  return n;
}

function main() {
  const snapDir = process.env.LEAKHOUND_SNAPSHOTS;
  if (snapDir) {
    const n = intEnv('LEAKHOUND_REQUESTS', 300);
    const warmup = intEnv('LEAKHOUND_WARMUP', 50);
    fs.mkdirSync(snapDir, { recursive: true });
    runTransactions(warmup);
    writeSnapshot(snapDir, '1-warmup.heapsnapshot');
    runTransactions(n);
    writeSnapshot(snapDir, `2-after-${n}.heapsnapshot`);
    runTransactions(n);
    writeSnapshot(snapDir, `3-after-${2 * n}.heapsnapshot`);
  } else {
    const port = intEnv('PORT', 3000);
    const server = http.createServer((req, res) => {
      if (req.url === '/transaction') {
        runTransactions(1);
        res.end(JSON.stringify({ transactions, listeners: eventBus.listenerCount('response') }) + '\n');
      } else {
        res.statusCode = 404;
        res.end('try /transaction\n');
      }
    });
    server.listen(port, '127.0.0.1', () => {
      console.log(`case-study service on http://127.0.0.1:${server.address().port}/transaction (pid ${process.pid})`);
    });
    const rps = intEnv('LEAKHOUND_LOAD', 0);
    if (rps > 0) setInterval(() => runTransactions(Math.max(1, Math.round(rps / 10))), 100);
  }
}

if (require.main === module) main();

module.exports = { RequestContext, TransactionProcessor, FixedTransactionProcessor, runTransactions };
