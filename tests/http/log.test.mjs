// log.test.mjs - the verifiable record over HTTP: a delegation's position
// comes back with a receipt that verifies offline against the published
// log key; checkpoints and proofs are served; bad proof queries are 400;
// every event shown carries its salt, inclusion proofs follow sight, and
// --public-checkpoint-every bounds what the public and partners see.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createHash, createHmac } from 'node:crypto';
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
  for (const q of ['index=5&size=5', 'index=-1', 'index=0&size=999999', 'from=0&to=5', 'from=9&to=3', 'index=x'])
    assert.equal((await api(srv.base, null, 'GET',
      `/api/v1/log/proof/${q.startsWith('from') ? 'consistency' : 'inclusion'}?${q}`)).status, 400, q);
});

// ---- blinded leaves and sight (issue 9) --------------------------------------------

const sha = (...parts) => createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest();
// An event's leaf: SHA-256(0x00 || HMAC-SHA256(salt, bytes)) (core/event.h).
const leafOf = (saltB64, bytes) => sha([0], createHmac('sha256', Buffer.from(saltB64, 'base64')).update(bytes).digest());
// RFC 9162 inclusion verification, for what the tests are served.
function rootFrom(index, size, leaf, proof) {
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leaf;
  for (const p64 of proof) {
    const p = Buffer.from(p64, 'base64');
    if ((fn & 1n) === 1n || fn === sn) {
      r = sha([1], p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else r = sha([1], r, p);
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

test('each event shown comes with its salt: its leaf is recomputed from bytes and salt', async () => {
  const npg = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NPG', title: 'Nuclear planning item' });
  assert.equal(npg.status, 201);
  assert.equal((await api(srv.base, store.tokens.US, 'POST', `/api/v1/proposals/${npg.body.id}/positions`,
    { position: 'object', reason: 'no' })).status, 200);
  for (const who of ['public', 'JP', 'FR', 'US', 'secretariat']) {
    const log = (await api(srv.base, store.tokens[who], 'GET', '/api/v1/log?limit=1000')).body;
    assert.ok(log.events.length > 90, who);
    for (const e of log.events) {
      assert.equal(Buffer.from(e.salt, 'base64').length, 32, `${who}: event ${e.seq} has a 32-byte salt`);
      assert.equal(leafOf(e.salt, e.bytes).toString('hex'), e.hash, `${who}: event ${e.seq}'s leaf`);
      assert.notEqual(sha([0], e.bytes).toString('hex'), e.hash, 'not the unblinded leaf');
    }
    const npgEvents = log.events.filter((e) => e.payload.proposal === npg.body.id || e.payload.id === npg.body.id);
    assert.equal(npgEvents.length, ['US', 'secretariat'].includes(who) ? 2 : 0, `${who} and the NPG item`);
  }
});

test('an inclusion proof is served only for an event the caller may see: 404 otherwise, as beyond the tree', async () => {
  const S = store.tokens.secretariat;
  const all = (await api(srv.base, S, 'GET', '/api/v1/log?limit=1000')).body.events;
  const size = (await api(srv.base, null, 'GET', '/api/v1/log/checkpoint')).body.size;
  const beyond = await api(srv.base, null, 'GET', `/api/v1/log/proof/inclusion?index=${size}`);
  assert.equal(beyond.status, 404, 'an index beyond the tree');
  const cp = (await api(srv.base, null, 'GET', '/api/v1/log/checkpoint')).body;
  const root = Buffer.from(cp.root, 'base64');
  for (const who of ['public', 'JP', 'FR', 'US', 'secretariat']) {
    const tok = store.tokens[who];
    const seen = new Map((await api(srv.base, tok, 'GET', '/api/v1/log?limit=1000')).body.events.map((e) => [e.seq, e]));
    let hidden = 0;
    for (const e of all) {
      const r = await api(srv.base, tok, 'GET', `/api/v1/log/proof/inclusion?index=${e.seq - 1}&size=${size}`);
      if (!seen.has(e.seq)) {
        hidden++;
        assert.equal(r.status, 404, `${who}: event ${e.seq} is not shown, its proof is not served`);
        assert.deepEqual(r.body, beyond.body, 'the same answer as an index beyond the tree');
        continue;
      }
      assert.equal(r.status, 200, `${who}: event ${e.seq}`);
      const s = seen.get(e.seq);
      assert.ok(rootFrom(e.seq - 1, size, leafOf(s.salt, s.bytes), r.body.proof)?.equals(root),
        `${who}: event ${e.seq} is in the signed tree, checked from its bytes and salt`);
    }
    // US sits on both bodies; FR not on the NPG; the public and JP see
    // neither open proposal
    assert.equal(hidden > 0, !['secretariat', 'US'].includes(who), `${who} has hidden events (${hidden})`);
  }
  // consistency proofs and checkpoints stay public
  assert.equal((await api(srv.base, null, 'GET', `/api/v1/log/proof/consistency?from=1&to=${size}`)).status, 200);
});

test('--public-checkpoint-every: the public and partners see the record as of the last multiple, members all of it', async () => {
  // Checkpoints signed at known times: the seed and a proposal in 2024,
  // and a position now.  The cadence is chosen so that now is more than
  // an hour past its last multiple and an hour short of the next: the
  // 2024 checkpoint is the last before the multiple, the position's is
  // after it, whatever the time of day the test runs.
  const s2 = makeStore({ at: '2024-01-01' });
  council(s2.db, 'propose', '--body', 'NAC', '--title', 'Old', '--at', '2024-01-02');
  const early = Number(council(s2.db, 'log', 'checkpoint', '--json').match(/"size": (\d+)/)[1]);
  council(s2.db, 'respond', '1', '--member', 'FR', '--concur');
  const late = early + 1;
  const now = Math.floor(Date.now() / 1000);
  let every = 7200;
  while (now % every < 3600 || every - now % every < 3600) every += 600;
  assert.ok(every <= 366 * 86400, 'a cadence serve accepts');
  const srv2 = await startServer(s2.db, { args: ['--public-checkpoint-every', String(every)] });
  try {
    for (const who of ['public', 'JP', 'FR', 'secretariat']) {
      const tok = s2.tokens[who];
      const restricted = ['public', 'JP'].includes(who);
      const want = restricted ? early : late;
      const cp = await api(srv2.base, tok, 'GET', '/api/v1/log/checkpoint');
      assert.equal(cp.body.size, want, `${who}'s checkpoint`);
      const log = (await api(srv2.base, tok, 'GET', '/api/v1/log?limit=1000')).body;
      assert.ok(log.events.every((e) => e.seq <= want), `${who}'s log stops at ${want}`);
      assert.equal(log.next, null);
      if (!restricted) assert.equal(log.events.at(-1).seq, late, `${who}'s log reaches ${late}`);
      assert.equal((await api(srv2.base, tok, 'GET', `/api/v1/log/proof/consistency?from=1&to=${late}`)).status,
        restricted ? 400 : 200, `${who}: a proof up to ${late}`);
      assert.equal((await api(srv2.base, tok, 'GET', '/api/v1/log/proof/inclusion?index=0')).body.size,
        want, `${who}: proofs default to its size`);
      assert.equal((await api(srv2.base, tok, 'GET', `/api/v1/log/proof/inclusion?index=${late - 1}`)).status,
        restricted ? 404 : 200, `${who}: the leaf beyond its checkpoint`);
    }
  } finally {
    await srv2.stop();
    s2.cleanup();
  }
});
