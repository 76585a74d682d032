// node-redis (Debian's v4) Pub/Sub against a server on the port given: a
// duplicated connection subscribes (channel, pattern), the main one
// publishes; listeners get every message in order; unsubscribe ends it.
// Exits 0 when every check held.
'use strict';
const assert = require('assert');
const { createClient } = require('redis');

const port = Number(process.argv[2]);

async function main() {
  const client = createClient({ socket: { port, host: '127.0.0.1' } });
  client.on('error', (e) => { console.error('client error', e); process.exit(2); });
  await client.connect();
  const subscriber = client.duplicate();
  await subscriber.connect();

  const got = [];
  await subscriber.subscribe('node:news', (message, channel) => got.push(`${channel}=${message}`));
  await subscriber.pSubscribe('node:*', (message, channel) => got.push(`p:${channel}=${message}`));
  for (let i = 0; i < 50; i++) {
    assert.strictEqual(await client.publish('node:news', `m${i}`), 2);
  }
  assert.strictEqual(await client.publish('node:other', 'x'), 1);
  const deadline = Date.now() + 10000;
  while (got.length < 101 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const want = [];
  for (let i = 0; i < 50; i++) want.push(`node:news=m${i}`, `p:node:news=m${i}`);
  want.push('p:node:other=x');
  assert.deepStrictEqual(got, want);
  assert.strictEqual((await client.pubSubNumSub(['node:news']))['node:news'], 1);
  await subscriber.unsubscribe('node:news');
  await subscriber.pUnsubscribe('node:*');
  assert.strictEqual(await client.publish('node:news', 'after'), 0);
  await subscriber.quit();
  await client.quit();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
