// The ES module of esm-task-registry.js. openFeed() stops its task when
// the client closes; the registry keeps it until destroy(). housekeeping()
// destroys a task of its own, another variable of the same name.
import { createRequire } from 'node:module';
import { EventEmitter } from 'node:events';
import { schedule } from 'tiny-tasks';

const require = createRequire(import.meta.url);
const { series } = require('./lib.js');

function openFeed(client) {
  const task = schedule(1000, () => client.emit('tick', Date.now()));
  client.on('close', () => {
    task.stop();
  });
}

function housekeeping() {
  const task = schedule(60000, () => {});
  return () => {
    task.destroy();
  };
}

const stopHousekeeping = housekeeping();
let next = 0;
series(() => {
  for (let i = 0; i < 200; i++) {
    const client = new EventEmitter();
    client.id = next++;
    openFeed(client);
    client.emit('close');
  }
}, { done: () => { stopHousekeeping(); process.exit(0); } });
