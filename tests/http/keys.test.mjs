// keys.test.mjs - POST /api/v1/keys: a delegation registers, then rotates,
// the key it signs its positions with.  The write goes the way every
// write goes (queued, committed, then answered), and its answer is what
// was registered; refusals come in the documented order (401, 403, 400).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { makeStore, startServer, api, council } from './lib.mjs';

let store, srv;
const keygen = (name) => council(store.db, 'keygen', '--name', name,
  '--out', join(store.dir, `${name}.key`)).trim();
const lastEvent = async () => {
  const log = (await api(srv.base, store.tokens.secretariat, 'GET', '/api/v1/log?limit=1000')).body;
  return log.events[log.events.length - 1];
};

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
});
after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

test('a delegation registers its key, then rotates it; each answer is what was registered', async () => {
  const first = keygen('FR-one');
  const r1 = await api(srv.base, store.tokens.FR, 'POST', '/api/v1/keys', { vkey: first });
  assert.equal(r1.status, 201, JSON.stringify(r1.body));
  assert.deepEqual(r1.body, { member: 'FR', vkey: first });
  const e1 = await lastEvent();
  assert.equal(e1.type, 'key.registered');
  assert.equal(e1.actor, 'delegation:FR');
  assert.equal(e1.payload.member, 'FR');
  assert.equal(e1.payload.vkey, first);
  assert.equal(e1.payload.replaces, null);

  const second = keygen('FR-two');
  const r2 = await api(srv.base, store.tokens.FR, 'POST', '/api/v1/keys', { vkey: second });
  assert.equal(r2.status, 201, JSON.stringify(r2.body));
  assert.deepEqual(r2.body, { member: 'FR', vkey: second });
  const e2 = await lastEvent();
  assert.equal(e2.seq, e1.seq + 1, 'one event per registration');
  assert.equal(e2.payload.vkey, second);
  assert.equal(e2.payload.replaces, first, "a rotation names the key it replaces");
});

test('who may not register a key is told so, and nothing is written', async () => {
  const vkey = keygen('FR-refused');
  const before_ = (await lastEvent()).seq;
  const cases = [
    [store.tokens.public, { vkey }, 401, 'unauthorized'],
    [store.tokens.secretariat, { vkey }, 403, 'forbidden'],
    [store.tokens.JP, { vkey }, 403, 'forbidden'],
    [store.tokens.FR, {}, 400, 'invalid'],
    [store.tokens.FR, { vkey, label: 'x' }, 400, 'invalid'],
    [store.tokens.FR, { vkey: 'not a key' }, 400, 'invalid'],
  ];
  for (const [tok, body, status, code] of cases) {
    const r = await api(srv.base, tok, 'POST', '/api/v1/keys', body);
    assert.equal(r.status, status, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code);
  }
  assert.equal((await lastEvent()).seq, before_, 'a refused registration appends nothing');
});
