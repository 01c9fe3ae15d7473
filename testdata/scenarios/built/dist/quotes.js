"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PendingPoll = exports.quoteBus = void 0;
exports.poll = poll;
// A quote feed whose long polls listen on a library emitter: a poll that
// gets its quote removes its listener, one that times out keeps it.
const tiny_emit_1 = require("tiny-emit");
exports.quoteBus = new tiny_emit_1.EventEmitter();
class PendingPoll {
    id;
    symbol;
    settled = false;
    code;
    body;
    constructor(id, symbol) {
        this.id = id;
        this.symbol = symbol;
        this.body = 'q'.repeat(300) + id;
    }
    settle(code) {
        this.settled = true;
        this.code = code;
    }
}
exports.PendingPoll = PendingPoll;
function poll(id, symbol) {
    const p = new PendingPoll(id, symbol);
    const channel = 'quote:' + symbol;
    function onQuote(quote) {
        if (p.settled || quote.price < 0)
            return;
        exports.quoteBus.off(channel, onQuote);
        p.settle(200);
    }
    exports.quoteBus.on(channel, onQuote);
    p.settle(204);
    return p;
}
//# sourceMappingURL=quotes.js.map