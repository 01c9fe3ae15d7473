'use strict';
// Leak through one way a wait ends: waitQuiet() makes a folder watcher and
// resolves when the folder has been quiet for a moment, or gives up at a
// deadline. The deadline's callback closes the watcher; settleDone(), the
// usual way out, only takes its listener off, so the watcher stays in the
// library's table of watchers.
const watchlib = require('tiny-watch');
const { series } = require('./lib');

function waitQuiet(dir, quietMs, maxWaitMs) {
  const watcher = watchlib.watch(dir);
  return new Promise((resolve) => {
    let quietTimer = null;
    let seen = 0;

    const deadline = setTimeout(() => {
      clearTimeout(quietTimer);
      watcher.off('all', onChange);
      watcher.close().then(() => resolve({ settled: false, seen }));
    }, maxWaitMs);

    const settleDone = () => {
      clearTimeout(deadline);
      watcher.off('all', onChange);
      resolve({ settled: true, seen });
    };

    const onChange = () => {
      seen++;
      clearTimeout(quietTimer);
      quietTimer = setTimeout(settleDone, quietMs);
    };

    watcher.on('all', onChange);
    quietTimer = setTimeout(settleDone, quietMs);
  });
}

let n = 0;
series(async () => {
  for (let i = 0; i < 30; i++) {
    n++;
    const dir = '/spool/partner' + (n % 4);
    const waiting = waitQuiet(dir, 1, 200);
    watchlib.touch(dir);
    await waiting;
  }
});
