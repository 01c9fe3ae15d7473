'use strict';
// Anonymous callers are told apart by where they connect from.
exports.clientId = (socket) => `anon:${socket.remoteAddress}:${socket.remotePort}`;
