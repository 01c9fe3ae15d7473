var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// ../lib.js
var require_lib = __commonJS({
  "../lib.js"(exports2, module2) {
    "use strict";
    var v8 = require("v8");
    var path = require("path");
    var fs = require("fs");
    var outDir = process.argv[2];
    var count = Number(process.argv[3] || 3);
    if (!outDir || !(count >= 2 && count <= 20)) {
      console.error("usage: node " + path.basename(process.argv[1]) + " OUTDIR [SNAPSHOTS]");
      process.exit(2);
    }
    var tick = () => new Promise((resolve) => setImmediate(resolve));
    async function series2(step, opts = {}) {
      fs.mkdirSync(outDir, { recursive: true });
      const warmup = opts.warmup === void 0 ? 2 : opts.warmup;
      for (let i = 0; i < warmup; i++) {
        await step(-1 - i);
        await tick();
      }
      for (let i = 1; i <= count; i++) {
        await step(i);
        await tick();
        await tick();
        v8.writeHeapSnapshot(path.join(outDir, `s${i}.heapsnapshot`));
      }
      if (opts.done) opts.done();
    }
    module2.exports = { series: series2, tick };
  }
});

// ../node_modules/tiny-emit/index.js
var require_tiny_emit = __commonJS({
  "../node_modules/tiny-emit/index.js"(exports2, module2) {
    "use strict";
    var TaskCollection = class {
      constructor() {
        this._tasks = [];
      }
      push(fn) {
        this._tasks.push(fn);
      }
      removeTask(fn) {
        const i = this._tasks.indexOf(fn);
        if (i >= 0) this._tasks.splice(i, 1);
      }
    };
    var EventEmitter2 = class {
      constructor() {
        this.events = /* @__PURE__ */ Object.create(null);
      }
      on(event, fn) {
        if (!this.events[event]) this.events[event] = new TaskCollection();
        this.events[event].push(fn);
        return this;
      }
      off(event, fn) {
        if (this.events[event]) this.events[event].removeTask(fn);
        return this;
      }
      emit(event, arg) {
        const c = this.events[event];
        if (c) for (const fn of c._tasks.slice()) fn(arg);
      }
    };
    module2.exports = { EventEmitter: EventEmitter2 };
  }
});

// src/main.ts
var import_lib = __toESM(require_lib());

// src/quotes.ts
var import_tiny_emit = __toESM(require_tiny_emit());
var quoteBus = new import_tiny_emit.EventEmitter();
var PendingPoll = class {
  id;
  symbol;
  settled = false;
  code;
  body;
  constructor(id, symbol) {
    this.id = id;
    this.symbol = symbol;
    this.body = "q".repeat(300) + id;
  }
  settle(code) {
    this.settled = true;
    this.code = code;
  }
};
function poll(id, symbol) {
  const p = new PendingPoll(id, symbol);
  const channel = "quote:" + symbol;
  function onQuote(quote) {
    if (p.settled || quote.price < 0) return;
    quoteBus.off(channel, onQuote);
    p.settle(200);
  }
  quoteBus.on(channel, onQuote);
  p.settle(204);
  return p;
}

// src/main.ts
var n = 0;
function round() {
  for (let i = 0; i < 300; i++) poll(n++, "S" + n % 10);
  const q = { symbol: "S1", price: 1 };
  quoteBus.emit("quote:S1", q);
}
(0, import_lib.series)(round);
//# sourceMappingURL=server.js.map
