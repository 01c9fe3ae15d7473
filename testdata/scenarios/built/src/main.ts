// Entry point: usage node dist/main.js OUTDIR [SNAPSHOTS]
import { series } from '../../lib';
import { poll, quoteBus, type Quote } from './quotes';

let n = 0;

function round(): void {
  for (let i = 0; i < 300; i++) poll(n++, 'S' + (n % 10));
  const q: Quote = { symbol: 'S1', price: 1 };
  quoteBus.emit('quote:S1', q);
}

series(round);
