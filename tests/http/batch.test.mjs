// batch.test.mjs - the writer's group commit isolates a refused write: one
// bad request sent among many good ones fails alone, with a 400 naming
// its field, and every other write of its batch commits.
//
// The bad request is the one that once bricked stores and failed whole
// batches: a deadline whose offset carries it into year 10000 in UTC.
// The requests of a round are sent at once, so they share the writer's
// batches in whatever way the scheduler lets them; the assertions hold
// whatever the grouping.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, startServer, api, council, councilAsync, isoIn } from './lib.mjs';

let store, srv;
before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
});
after(async () => {
  if (srv) await srv.stop();
  store.cleanup();
});

const S = () => store.tokens.secretariat;
const ROUNDS = 10;

test('one bad extend among 31 positions fails alone, 10 rounds', async () => {
  const members = (await api(srv.base, null, 'GET', '/api/v1/members')).body.members
    .map((m) => m.code).slice(0, 31);
  assert.equal(members.length, 31);
  const tokens = {};
  for (let i = 0; i < members.length; i += 4)
    await Promise.all(members.slice(i, i + 4).map(async (m) => {
      tokens[m] = (await councilAsync(store.db, 'token', 'issue', '--member', m)).trim();
    }));
  const bad = { deadline: '9999-12-31T23:59:59-23:59' };
  for (let round = 1; round <= ROUNDS; round++) {
    const deadline = isoIn(3600);
    const p = await api(srv.base, S(), 'POST', '/api/v1/proposals',
      { body: 'NAC', title: `Round ${round}`, procedure: 'silence', deadline });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const id = p.body.id;
    const sends = members.map((m) =>
      api(srv.base, tokens[m], 'POST', `/api/v1/proposals/${id}/positions`, { position: 'concur' }));
    sends.splice(round % 31, 0, api(srv.base, S(), 'POST', `/api/v1/proposals/${id}/extend`, bad));
    const results = await Promise.all(sends);
    const badResult = results.splice(round % 31, 1)[0];
    assert.equal(badResult.status, 400, `round ${round}: ${JSON.stringify(badResult.body)}`);
    assert.equal(badResult.body.error.code, 'invalid');
    assert.match(badResult.body.error.message, /deadline/);
    assert.match(badResult.body.error.message, /9999-12-31T23:59:59-23:59/);
    for (const [i, r] of results.entries())
      assert.equal(r.status, 200, `round ${round}, ${members[i]}: ${JSON.stringify(r.body)}`);
    const g = await api(srv.base, S(), 'GET', `/api/v1/proposals/${id}`);
    assert.equal(g.body.positions.filter((x) => x.position === 'concur').length, 31);
    assert.equal(g.body.deadline, deadline, 'the deadline did not move');
  }
  // The store reads back whole, and another write still goes through.
  await srv.stop();
  srv = null;
  assert.match(council(store.db, 'verify'), /^ok: /);
  const events = council(store.db, 'log', '--json').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(events.filter((e) => e.type === 'position.stated').length, 31 * ROUNDS);
  assert.equal(events.filter((e) => e.type === 'deadline.extended').length, 0);
  srv = await startServer(store.db);
  const after = await api(srv.base, S(), 'POST', '/api/v1/proposals', { body: 'NAC', title: 'After' });
  assert.equal(after.status, 201);
});
