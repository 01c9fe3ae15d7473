'use strict';
const test = require('node:test');
const { assertNoLeak } = require('leakhound');
const { processLeaky, processFixed, generateMockRequest } = require('./app');

test('fixed processor does not leak', () => assertNoLeak((i) => processFixed(generateMockRequest(i))));
test('leaky processor leaks', () => assertNoLeak((i) => processLeaky(generateMockRequest(i))));
