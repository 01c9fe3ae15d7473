// Leaks about 4 KB per 5 ms tick on top of the shared churn.
process.env.LEAK_BYTES_PER_TICK = process.env.LEAK_BYTES_PER_TICK || '4000';
require('./churn.js');
