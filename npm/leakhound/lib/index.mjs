import cjs from './index.js';

export const { assertNoLeak, leakCheck, LeakError, binaryPath } = cjs;
export default cjs;
