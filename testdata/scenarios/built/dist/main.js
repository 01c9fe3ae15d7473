"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// Entry point: usage node dist/main.js OUTDIR [SNAPSHOTS]
const lib_1 = require("../../lib");
const quotes_1 = require("./quotes");
let n = 0;
function round() {
    for (let i = 0; i < 300; i++)
        (0, quotes_1.poll)(n++, 'S' + (n % 10));
    const q = { symbol: 'S1', price: 1 };
    quotes_1.quoteBus.emit('quote:S1', q);
}
(0, lib_1.series)(round);
//# sourceMappingURL=main.js.map