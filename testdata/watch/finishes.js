// A batch job: it works for a moment, then its event loop empties and it
// exits (if no inspector client holds it).
const work = [];
const t = setInterval(() => work.push(new Array(1000).fill(work.length)), 50);
setTimeout(() => clearInterval(t), Number(process.env.FINISH_MS || 1500));
console.log('ready');
