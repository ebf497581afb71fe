// log.test.mjs - the verifiable record over HTTP: a delegation's position
// comes back with a receipt that verifies offline against the published
// log key; checkpoints and proofs are served; bad proof queries are 400.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeStore, startServer, api, council } from './lib.mjs';

let store, srv;
before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
});
after(async () => {
  if (srv) await srv.stop();
  store.cleanup();
});

test('a position returns a receipt that verifies offline', async () => {
  const p = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'Receipts' });
  assert.equal(p.status, 201);
  const r = await api(srv.base, store.tokens.FR, 'POST', `/api/v1/proposals/${p.body.id}/positions`,
    { position: 'object', reason: 'formal letter of objection' });
  assert.equal(r.status, 200);
  const rc = r.body.receipt;
  assert.ok(rc, 'the answer carries a receipt');
  assert.match(rc.event, /"position":"object"/);
  assert.match(rc.checkpoint, /\n\n\u2014 council-log-/);
  const key = await api(srv.base, null, 'GET', '/api/v1/log/key');
  assert.equal(key.body.vkey, council(store.db, 'log', 'key').trim(), 'the key the server shows is the store\'s');
  const f = join(store.dir, 'receipt.json');
  writeFileSync(f, JSON.stringify(rc));
  const kf = join(store.dir, 'vkey');
  writeFileSync(kf, key.body.vkey + '\n');
  assert.match(council(store.db, 'receipt', 'verify', f, '--log-key', kf), /^ok: event \d+ \(position.stated by delegation:FR\)/);
  // the same receipt with the objection turned into concurrence fails
  writeFileSync(f, JSON.stringify({ ...rc, event: rc.event.replace('"object"', '"concur"') }));
  assert.throws(() => council(store.db, 'receipt', 'verify', f, '--log-key', kf));
});

test('checkpoint and proofs are served; bad queries answer 400', async () => {
  const cp = await api(srv.base, null, 'GET', '/api/v1/log/checkpoint');
  assert.equal(cp.status, 200);
  assert.ok(cp.body.size >= 99);
  assert.match(cp.body.note, new RegExp(`\\n${cp.body.size}\\n`));
  const inc = await api(srv.base, null, 'GET', `/api/v1/log/proof/inclusion?index=0&size=${cp.body.size}`);
  assert.equal(inc.status, 200);
  assert.ok(inc.body.proof.length >= 6, 'log2 of ~100 leaves');
  const con = await api(srv.base, null, 'GET', `/api/v1/log/proof/consistency?from=7&to=${cp.body.size}`);
  assert.equal(con.status, 200);
  for (const q of ['index=5&size=5', 'index=-1', 'index=0&size=999999', 'from=0&to=5', 'from=9&to=3'])
    assert.equal((await api(srv.base, null, 'GET',
      `/api/v1/log/proof/${q.startsWith('from') ? 'consistency' : 'inclusion'}?${q}`)).status, 400, q);
});
