import { test } from 'vitest';
import { assertNoLeak } from 'leakhound';
import app from './app.js';

const { processLeaky, processFixed, generateMockRequest } = app;
test('fixed processor does not leak', () => assertNoLeak((i) => processFixed(generateMockRequest(i))), 120000);
test('leaky processor leaks', () => assertNoLeak((i) => processLeaky(generateMockRequest(i))), 120000);
