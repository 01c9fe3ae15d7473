// The case-study leak (examples/case-study): RequestContexts retained by
// never-removed 'response' listeners on an EventEmitter.
'use strict';
const writeSnapshot = require('./common');
const { runTransactions } = require('../../../examples/case-study/service.js');

runTransactions(40);
writeSnapshot();
