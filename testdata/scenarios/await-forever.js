'use strict';
// Each delivery awaits an acknowledgement that never comes: the suspended
// async function keeps its rendered message while its resolve waits in a Map.
const { series } = require('./lib');

const waiting = new Map();
let n = 0;

function waitFor(id) {
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

async function deliver(msg) {
  const envelope = { id: msg.id, body: Array.from({ length: 3000 }, (_, i) => msg.id + ':' + i).join(',') };
  await Promise.resolve();
  const ack = await waitFor(msg.id);
  return ack.ok ? envelope.body.length : 0;
}

series(() => {
  for (let i = 0; i < 60; i++) deliver({ id: 'm' + n++ });
});
