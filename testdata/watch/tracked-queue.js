'use strict';
exports.pending = [];
