// leakCheck when something other than a leak goes wrong: nothing is left
// in the temporary folder, and a bad option is said before any call.
const fs = require('fs');
const os = require('os');
const { leakCheck } = require('leakhound');

const checks = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('leakhound-check-')).length;

(async () => {
  const before = checks();
  let threw = false;
  try {
    await leakCheck((i) => { if (i === 5) throw new Error('boom'); }, { iterations: 20, warmup: 2 });
  } catch (e) {
    threw = e.message === 'boom';
  }
  let early = false;
  let calls = 0;
  try {
    await leakCheck(() => { calls++; }, { minGrowth: 'lots' });
  } catch (e) {
    early = calls === 0 && /minGrowth/.test(e.message) && !/leakhound: leakhound:/.test(e.message);
  }
  console.log(JSON.stringify({ threw, early, left: checks() - before }));
})();
