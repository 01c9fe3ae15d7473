// A batch job: it works for a moment, then its event loop empties and it
// exits (if no inspector client holds it). The moment is FINISH_MS after
// startup, or after SIGUSR2 with FINISH_ON_SIGNAL=1 (so a test can start
// the countdown once it is attached, however slow the machine).
const work = [];
const t = setInterval(() => work.push(new Array(1000).fill(work.length)), 50);
const finish = () => setTimeout(() => clearInterval(t), Number(process.env.FINISH_MS || 1500));
if (process.env.FINISH_ON_SIGNAL === '1') {
  process.once('SIGUSR2', finish);
} else {
  finish();
}
console.log('ready');
