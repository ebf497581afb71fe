// attack.test.mjs - the public record must prove everything and reveal
// nothing: an outsider who hashes every candidate position event against
// the leaf hashes it is served recovers nothing.
//
// First the attack is shown to work: on a fixture recorded from the old
// leaf format (tests/http/fixtures/v1-unblinded-public.json, made by
// capture-public.mjs with council 4186fc4) it recovers every hidden
// position.  Then, against a live server with blinded leaves, the public
// and a partner fetch everything the API serves, and get per-principal
// exports: the attack recovers nothing from either, though the same search
// given the hidden events' salts (which only the test knows) recovers
// every position, so it finding nothing means something.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recoverPositions, recover, materialFromApi, materialFromExport } from './attack.mjs';
import { makeStore, startServer, api, council } from './lib.mjs';
import { openStream } from './sse.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/v1-unblinded-public.json', import.meta.url)));

test('the attack recovers every hidden NPG position from the old, unblinded leaves', () => {
  for (const who of ['public', 'JP']) {
    const got = recoverPositions(fixture.seen[who]);
    assert.deepEqual(got.map(({ seq, member, position }) => ({ member, position, seq })), fixture.truth, who);
    assert.ok(got.every((g) => g.proposal === fixture.hidden_proposal));
  }
  // while the proposal itself answered 404 to both
  assert.equal(fixture.seen.public[`/api/v1/proposals/${fixture.hidden_proposal}`].error.code, 'not-found');
});

// ---- a live server with blinded leaves ------------------------------------------------

let store; let srv; let npg; let truth; let salts;
const seen = {};
const exports = {};

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const S = store.tokens.secretariat;
  const tok = (m) => (store.tokens[m] ??= council(store.db, 'token', 'issue', '--member', m).trim());
  const post = async (token, path, body) => {
    const r = await api(srv.base, token, 'POST', path, body);
    assert.ok(r.status === 200 || r.status === 201, `${path}: ${JSON.stringify(r.body)}`);
    return r.body;
  };
  // An NPG deliberation with four positions, each between two events the
  // public sees (public decisions opened and adopted), so that every
  // hidden position's leaf and its prev's are in what an outsider holds.
  npg = await post(S, '/api/v1/proposals', { body: 'NPG', title: 'Nuclear planning item', text: 'Classified.' });
  truth = [];
  let open = await post(S, '/api/v1/proposals', { body: 'NAC', title: 'Public 1' });
  for (const [m, position] of [['DE', 'object'], ['US', 'concur'], ['GB', 'abstain'], ['IT', 'concur']]) {
    const r = await post(tok(m), `/api/v1/proposals/${npg.id}/positions`, { position });
    truth.push({ member: m, position, seq: r.receipt.index + 1 });
    if (open) {
      await post(S, `/api/v1/proposals/${open.id}/conclude`);
      open = null;
    } else open = await post(S, '/api/v1/proposals', { body: 'NAC', title: `Public ${truth.length}` });
  }
  if (open) await post(S, `/api/v1/proposals/${open.id}/conclude`);
  else await post(S, `/api/v1/proposals/${(await post(S, '/api/v1/proposals', { body: 'NAC', title: 'Last' })).id}/conclude`);

  // Everything the API serves, as the public and as a partner: every GET
  // route, every proposal id and a few beyond, the log pages, every
  // inclusion proof (with and without a size), every consistency proof.
  const routes = council(store.db, 'routes').trim().split('\n')
    .filter((l) => l.startsWith('GET ')).map((l) => l.slice(4));
  const size = (await api(srv.base, S, 'GET', '/api/v1/log/checkpoint')).body.size;
  for (const who of ['public', 'JP']) {
    seen[who] = {};
    const get = async (path) => { seen[who][path] = (await api(srv.base, store.tokens[who], 'GET', path)).body; };
    for (const r of routes) {
      if (r.includes('{id}')) for (let id = 1; id <= npg.id + 8; id++) await get(r.replace('{id}', id));
      else if (r === '/api/v1/log') for (const q of ['?limit=1000', '?limit=7', '?from=90&limit=1000']) await get(r + q);
      else if (r === '/api/v1/log/proof/inclusion') {
        for (let i = 0; i <= size; i++) {
          await get(`${r}?index=${i}`);
          await get(`${r}?index=${i}&size=${size}`);
        }
      } else if (r === '/api/v1/log/proof/consistency') {
        for (let f = 1; f <= size; f++) await get(`${r}?from=${f}&to=${size}`);
      } else if (r === '/api/v1/events/stream') {
        // A stream never ends: read it from the start until it has given
        // every event the principal's log gives (read after the routes'
        // loop, below), then close it.
      } else await get(r);
    }
    const all = seen[who]['/api/v1/log?limit=1000'].events.length;
    const s = await openStream(srv.base, store.tokens[who], { after: 0 });
    assert.equal(s.status, 200);
    await s.until((msgs) => msgs.length >= all, `${who}'s stream to give its ${all} events`);
    s.close();
    seen[who]['/api/v1/events/stream?after=0'] = { events: s.messages.map((m) => m.data) };
    exports[who] = join(store.dir, `export-${who}.jsonl`);
    council(store.db, 'log', 'export', exports[who], '--for', who === 'JP' ? 'partner:JP' : 'public');
  }
  // The test's oracle: every event's salt, as only the secretariat sees them.
  salts = (await api(srv.base, S, 'GET', '/api/v1/log?limit=1000')).body.events
    .map((e) => Buffer.from(e.salt, 'base64'));
});

after(async () => {
  await srv?.stop();
  store?.cleanup();
});

const brief = (got) => got.map(({ seq, member, position }) => ({ member, position, seq }));

for (const who of ['public', 'JP']) {
  test(`${who}: everything the API serves gives up no hidden position`, () => {
    assert.equal(seen[who][`/api/v1/proposals/${npg.id}`].error.code, 'not-found', 'the NPG item is hidden');
    const m = materialFromApi(seen[who]);
    // The outsider does hold each hidden position's leaf and its prev...
    for (const t of truth) {
      assert.ok(m.leaves.has(t.seq - 1) && m.leaves.has(t.seq - 2), `${who} holds the leaf of event ${t.seq} and its prev`);
      assert.ok(!m.visible.has(t.seq));
    }
    assert.ok(m.salts.length > 90, 'and the salts of the events it is shown');
    // ...and no proof of a hidden leaf, nor its salt.
    for (const t of truth) {
      assert.equal(seen[who][`/api/v1/log/proof/inclusion?index=${t.seq - 1}`].error.code, 'not-found');
      assert.ok(!m.salts.some((s) => salts[t.seq - 1].equals(s)));
    }
    assert.deepEqual(recover(m), [], `${who} recovers nothing through the API`);
    // The same search, given the hidden salts (alone: the served ones were
    // just tried), finds every position: the search covers the truth, and
    // only the salts stand in its way.
    const oracle = recover({ ...m, salts: [] }, { extraSalts: truth.map((t) => salts[t.seq - 1]) });
    assert.deepEqual(brief(oracle), truth);
    assert.ok(oracle.every((g) => g.proposal === npg.id));
  });

  test(`${who}: its export gives up no hidden position`, () => {
    const text = readFileSync(exports[who], 'utf8');
    const m = materialFromExport(text);
    for (const t of truth) {
      assert.ok(m.leaves.has(t.seq - 1) && !m.visible.has(t.seq), `event ${t.seq} is a commitment only`);
      assert.ok(!text.includes(salts[t.seq - 1].toString('base64')), 'its salt is not in the export');
    }
    assert.ok(!text.includes('Nuclear planning item') && !text.includes('"proposal":' + npg.id));
    assert.deepEqual(recover(m), [], `${who} recovers nothing from its export`);
    assert.deepEqual(brief(recover({ ...m, salts: [] }, { extraSalts: truth.map((t) => salts[t.seq - 1]) })), truth);
  });
}
