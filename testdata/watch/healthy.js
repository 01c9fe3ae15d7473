// Churns a bounded cache; its post-GC heap is flat.
process.env.LEAK_BYTES_PER_TICK = '0';
require('./churn.js');
