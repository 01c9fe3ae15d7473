// The ESM entry exports the same API as the CommonJS one.
import lh, { assertNoLeak, leakCheck, LeakError } from 'leakhound';
if (typeof assertNoLeak !== 'function' || typeof leakCheck !== 'function' || lh.LeakError !== LeakError) {
  console.error('bad ESM exports'); process.exit(1);
}
const report = await leakCheck(() => ({}), { iterations: 20, warmup: 2 });
if (report.leak) { console.error('an empty function leaked'); process.exit(1); }
console.log('esm ok');
