'use strict';
const { assertNoLeak } = require('leakhound');
const { processLeaky, processFixed, generateMockRequest } = require('./app');

jest.setTimeout(120000);
test('fixed processor does not leak', () => assertNoLeak((i) => processFixed(generateMockRequest(i))));
test('leaky processor leaks', () => assertNoLeak((i) => processLeaky(generateMockRequest(i))));
