// node-redis (Debian's node-redis, v4) script helpers against a server on
// the port given: defineScript (EVALSHA, falling back to EVAL on NOSCRIPT),
// eval/evalSha, and functions (FUNCTION LOAD, FCALL, FCALL_RO, FUNCTION
// LIST). Exits 0 when every check held; prints what failed otherwise.
'use strict';
const assert = require('assert');
const { createClient, defineScript } = require('redis');

const port = Number(process.argv[2]);

async function main() {
  const client = createClient({
    socket: { port, host: '127.0.0.1' },
    scripts: {
      incrExpire: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: "local v = redis.call('incrby', KEYS[1], ARGV[1]); " +
                "redis.call('expire', KEYS[1], 100); return v",
        transformArguments(key, by) { return [key, by.toString()]; },
        transformReply(reply) { return reply; },
      }),
    },
  });
  client.on('error', (e) => { console.error('client error', e); process.exit(2); });
  await client.connect();
  await client.scriptFlush();
  // The first call meets NOSCRIPT and sends EVAL; later ones hit EVALSHA.
  assert.strictEqual(await client.incrExpire('node:counter', 5), 5);
  assert.strictEqual(await client.incrExpire('node:counter', 7), 12);
  assert.strictEqual(await client.ttl('node:counter'), 100);
  assert.deepStrictEqual(
      await client.eval("return {KEYS[1], ARGV[1], 3}", { keys: ['a'], arguments: ['b'] }),
      ['a', 'b', 3]);
  const sha = await client.scriptLoad('return redis.call("get", KEYS[1])');
  assert.strictEqual(await client.evalSha(sha, { keys: ['node:counter'] }), '12');
  await assert.rejects(client.eval("return redis.call('nosuch')"),
                       /Unknown Redis command called from script/);

  await client.functionFlush();
  const lib = "#!lua name=nodelib\n" +
      "redis.register_function('add', function(keys, args) " +
      "return redis.call('incrby', keys[1], args[1]) end)\n" +
      "redis.register_function{function_name='read', callback=function(keys) " +
      "return redis.call('get', keys[1]) end, flags={'no-writes'}}";
  assert.strictEqual(await client.functionLoad(lib), 'nodelib');
  assert.strictEqual(await client.fCall('add', { keys: ['node:f'], arguments: ['3'] }), 3);
  assert.strictEqual(await client.fCallRo('read', { keys: ['node:f'] }), '3');
  const list = await client.functionList();
  assert.strictEqual(list.length, 1);
  assert.strictEqual(list[0].libraryName, 'nodelib');
  assert.strictEqual(list[0].functions.length, 2);
  await client.quit();
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
