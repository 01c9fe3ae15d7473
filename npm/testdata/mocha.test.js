'use strict';
// The guide's "Implementing Memory Leak Tests" example, with assertNoLeak in
// place of memwatch.HeapDiff and a byte threshold.
const { assertNoLeak } = require('leakhound');
const { processLeaky, processFixed, generateMockRequest } = require('./app');

describe('Memory leak tests', function () {
  this.timeout(120000);
  it('should not leak memory when processing many requests (fixed)', async () => {
    await assertNoLeak((i) => processFixed(generateMockRequest(i)), { iterations: 1000 });
  });
  it('should not leak memory when processing many requests (leaky)', async () => {
    await assertNoLeak((i) => processLeaky(generateMockRequest(i)), { iterations: 1000 });
  });
});
