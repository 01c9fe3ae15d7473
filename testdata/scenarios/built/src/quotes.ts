// A quote feed whose long polls listen on a library emitter: a poll that
// gets its quote removes its listener, one that times out keeps it.
import { EventEmitter } from 'tiny-emit';

export interface Quote {
  symbol: string;
  price: number;
}

type Status = 200 | 204;

export const quoteBus = new EventEmitter();

export class PendingPoll {
  readonly id: number;
  readonly symbol: string;
  settled = false;
  code?: Status;
  body: string;

  constructor(id: number, symbol: string) {
    this.id = id;
    this.symbol = symbol;
    this.body = 'q'.repeat(300) + id;
  }

  settle(code: Status): void {
    this.settled = true;
    this.code = code;
  }
}

export function poll(id: number, symbol: string): PendingPoll {
  const p = new PendingPoll(id, symbol);
  const channel: string = 'quote:' + symbol;

  function onQuote(quote: Quote): void {
    if (p.settled || quote.price < 0) return;
    quoteBus.off(channel, onQuote);
    p.settle(200);
  }

  quoteBus.on(channel, onQuote);
  p.settle(204);
  return p;
}
