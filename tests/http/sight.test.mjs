// sight.test.mjs - a token never shows less than no token at all.
//
// Whatever the public sees of a proposal (its adopted decisions, redacted),
// every principal sees too, at least as much: France, outside the Nuclear
// Planning Group, sees an adopted NPG decision as the public does, in the
// proposal's own route, in the list and in the log.  What the public does
// not see stays hidden from France as before (an open NPG item is 404).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, startServer, api } from './lib.mjs';

const WHO = ['secretariat', 'FR', 'US', 'HU', 'JP'];
let store, srv;
const ids = {};

const as = (who, method, path, body) => api(srv.base, store.tokens[who], method, path, body);

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const mk = async (b) => {
    const r = await as('secretariat', 'POST', '/api/v1/proposals', b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const say = async (who, id, position) => {
    const r = await as(who, 'POST', `/api/v1/proposals/${id}/positions`, { position, reason: 'noted' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  const conclude = async (id, outcome) => {
    const r = await as('secretariat', 'POST', `/api/v1/proposals/${id}/conclude`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.outcome, outcome);
  };
  ids.npgOpen = await mk({ body: 'NPG', title: 'NPG: open' });
  ids.npgAdopted = await mk({ body: 'NPG', title: 'NPG: adopted' });
  ids.npgBlocked = await mk({ body: 'NPG', title: 'NPG: blocked' });
  ids.nacAdopted = await mk({ body: 'NAC', title: 'NAC: adopted' });
  await say('US', ids.npgAdopted, 'concur');
  await say('HU', ids.npgAdopted, 'concur');
  await conclude(ids.npgAdopted, 'adopted');
  await say('US', ids.npgBlocked, 'object');
  await conclude(ids.npgBlocked, 'blocked');
  await say('FR', ids.nacAdopted, 'concur');
  await conclude(ids.nacAdopted, 'adopted');
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

test('France sees an adopted NPG decision as the public does', async () => {
  const pub = await as('public', 'GET', `/api/v1/proposals/${ids.npgAdopted}`);
  assert.equal(pub.status, 200);
  const fr = await as('FR', 'GET', `/api/v1/proposals/${ids.npgAdopted}`);
  assert.equal(fr.status, 200, `FR: ${JSON.stringify(fr.body)}`);
  assert.deepEqual(fr.body, pub.body, 'FR sits outside the NPG: the public\'s redacted view');
  assert.ok(!('positions' in fr.body), 'no deliberations for FR');
});

test('France still sees nothing of what the public does not see in the NPG', async () => {
  for (const l of ['npgOpen', 'npgBlocked']) {
    const r = await as('FR', 'GET', `/api/v1/proposals/${ids[l]}`);
    assert.equal(r.status, 404, l);
  }
});

test('France may see the adopted NPG decision, not act on it', async () => {
  const r = await as('FR', 'POST', `/api/v1/proposals/${ids.npgAdopted}/positions`, { position: 'comment', text: 'late' });
  assert.equal(r.status, 409, JSON.stringify(r.body));
  const c = await as('FR', 'POST', `/api/v1/proposals/${ids.npgAdopted}/conclude`);
  assert.equal(c.status, 403, JSON.stringify(c.body));
});

test('every proposal the public sees, every token sees, in each route', async () => {
  const pubList = (await as('public', 'GET', '/api/v1/proposals')).body.proposals.map((d) => d.id);
  assert.deepEqual(pubList, [ids.npgAdopted, ids.nacAdopted]);
  const pubLog = (await as('public', 'GET', '/api/v1/log?limit=1000')).body.events.map((e) => e.seq);
  for (const who of WHO) {
    for (const id of pubList) {
      const r = await as(who, 'GET', `/api/v1/proposals/${id}`);
      assert.equal(r.status, 200, `${who} GET proposal ${id}`);
    }
    const list = (await as(who, 'GET', '/api/v1/proposals')).body.proposals.map((d) => d.id);
    for (const id of pubList) assert.ok(list.includes(id), `${who}'s list lacks proposal ${id}`);
    const log = (await as(who, 'GET', '/api/v1/log?limit=1000')).body.events.map((e) => e.seq);
    for (const seq of pubLog) assert.ok(log.includes(seq), `${who}'s log lacks event ${seq}`);
  }
});

test('France\'s log of the adopted NPG decision is the public\'s record of it', async () => {
  const of = (events) => events
    .filter((e) => (e.type === 'proposal.created' ? e.payload.id : e.payload.proposal) === ids.npgAdopted)
    .map((e) => e.type);
  const fr = of((await as('FR', 'GET', '/api/v1/log?limit=1000')).body.events);
  assert.deepEqual(fr, ['proposal.created', 'procedure.concluded']);
});
