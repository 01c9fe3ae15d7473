'use strict';
// Leak through a middleware added per call to the shared client's stack:
// storeUpload() adds one that sets the request's metadata headers, and it
// stays on the client, with the request's context, for good. fetchUpload()
// adds its middleware to the command it makes for the call, which is right.
const { Client, Command } = require('tiny-sdk');
const { series } = require('./lib');

const storage = new Client({ region: 'local' });

async function storeUpload(ctx, body) {
  storage.middlewareStack.add(
    (next) => async (args) => {
      args.headers['x-meta-user'] = ctx.user;
      args.headers['x-meta-size'] = String(ctx.body.length);
      return next(args);
    },
    { step: 'build', tags: ['UPLOAD_METADATA'] },
  );
  return storage.send(new Command({ key: ctx.id, body }));
}

async function fetchUpload(ctx) {
  const command = new Command({ key: ctx.id });
  command.middlewareStack.add(
    (next) => async (args) => {
      args.headers['x-request-id'] = ctx.id;
      return next(args);
    },
    { step: 'build' },
  );
  return storage.send(command);
}

let n = 0;
series(async () => {
  for (let i = 0; i < 30; i++) {
    n++;
    const ctx = { id: 'u' + n, user: 'user' + (n % 5), body: Buffer.alloc(2048, n % 256) };
    await storeUpload(ctx, ctx.body);
    await fetchUpload(ctx);
  }
});
