// history.test.mjs - GET /api/v1/proposals/{id}/events: one proposal with
// its events, through the one sight function (access.c), so that a
// proposal's page needs one request however long the log grows.
//
// Full sight: the view and every event of that proposal, in log order, the
// same events as the log gives.  Redacted sight (a partner on a shared
// proposal; anyone outside the body on an adopted one): the redacted view
// and the public record only (proposal.created, procedure.concluded).  No
// sight: 404, exactly as for a proposal that does not exist.  With the
// registry's names of the states.  Also: the public's reads may be kept
// (no-cache), a token's may not (no-store); whoami names the alliance the
// store records, and the principal's member or partner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, startServer, api } from './lib.mjs';

let store, srv;
const ids = {};
const as = (who, method, path, body) => api(srv.base, store.tokens[who], method, path, body);
const history = (who, id) => as(who, 'GET', `/api/v1/proposals/${id}/events`);
const types = (r) => r.body.events.map((e) => e.type);

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const mk = async (b) => {
    const r = await as('secretariat', 'POST', '/api/v1/proposals', b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const say = async (who, id, body) => {
    const r = await as(who, 'POST', `/api/v1/proposals/${id}/positions`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  ids.nacOpen = await mk({ body: 'NAC', title: 'NAC: open' });
  ids.shared = await mk({ body: 'NAC', title: 'NAC: shared with partners', shared: true });
  ids.npgOpen = await mk({ body: 'NPG', title: 'NPG: open' });
  ids.npgAdopted = await mk({ body: 'NPG', title: 'NPG: adopted' });
  await say('FR', ids.nacOpen, { position: 'comment', text: 'France asks for the annex.' });
  await say('US', ids.nacOpen, { position: 'reserve', text: 'Pending instructions.' });
  await say('FR', ids.shared, { position: 'concur' });
  await say('US', ids.npgAdopted, { position: 'footnote', text: 'A national footnote.' });
  // a proposal in between, so the events of one are not contiguous in the log
  ids.other = await mk({ body: 'NAC', title: 'NAC: another' });
  await say('HU', ids.npgAdopted, { position: 'concur' });
  const c = await as('secretariat', 'POST', `/api/v1/proposals/${ids.npgAdopted}/conclude`);
  assert.equal(c.body.outcome, 'adopted');
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

test('full sight: the view as GET /proposals/{id} gives it, and every event, as the log has them', async () => {
  const log = (await as('secretariat', 'GET', '/api/v1/log?limit=1000')).body.events;
  for (const who of ['secretariat', 'FR', 'US']) {
    const r = await history(who, ids.nacOpen);
    assert.equal(r.status, 200, `${who}: ${JSON.stringify(r.body)}`);
    const view = await as(who, 'GET', `/api/v1/proposals/${ids.nacOpen}`);
    assert.deepEqual(r.body.proposal, view.body, `${who}: the same view`);
    assert.deepEqual(types(r), ['proposal.created', 'comment.made', 'position.stated']);
    const seqs = r.body.events.map((e) => e.seq);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'in log order');
    for (const e of r.body.events) {
      const l = log.find((x) => x.seq === e.seq);
      assert.deepEqual(e, { seq: l.seq, time: l.time, actor: l.actor, type: l.type, payload: l.payload, hash: l.hash });
    }
  }
  const r = await history('FR', ids.nacOpen);
  assert.equal(r.body.names.FR, 'France', 'the registry\'s names');
  assert.equal(r.body.names.JP, 'Japan', 'partners too');
  const members = (await as('public', 'GET', '/api/v1/members?all=1')).body.members;
  for (const m of members) assert.equal(r.body.names[m.code], m.name, m.code);
  const npg = await history('US', ids.npgAdopted);
  assert.deepEqual(types(npg), ['proposal.created', 'position.stated', 'position.stated', 'procedure.concluded']);
  assert.ok(npg.body.events.every((e) => (e.payload.proposal ?? e.payload.id) === ids.npgAdopted),
    'only that proposal\'s events');
  assert.ok(Array.isArray(npg.body.proposal.positions), 'the full view');
});

test('redacted sight: the redacted view and the public record only', async () => {
  const pub = await history('public', ids.npgAdopted);
  assert.equal(pub.status, 200);
  assert.deepEqual(types(pub), ['proposal.created', 'procedure.concluded']);
  assert.ok(!('positions' in pub.body.proposal), 'no deliberations for the public');
  assert.deepEqual(pub.body.proposal, (await as('public', 'GET', `/api/v1/proposals/${ids.npgAdopted}`)).body);
  // France sits outside the NPG: it sees what the public sees, no less
  for (const who of ['FR', 'JP']) {
    const r = await history(who, ids.npgAdopted);
    assert.equal(r.status, 200, who);
    assert.deepEqual(r.body, pub.body, `${who} sees the NPG decision as the public does`);
  }
  const jp = await history('JP', ids.shared);
  assert.equal(jp.status, 200);
  assert.deepEqual(types(jp), ['proposal.created'], 'a partner: no positions, no comments');
  assert.ok(!('positions' in jp.body.proposal) && !('verdict' in jp.body.proposal));
});

test('no sight: 404, exactly as for a proposal that does not exist', async () => {
  const none = await history('secretariat', 9999);
  assert.equal(none.status, 404);
  for (const [who, id] of [['FR', ids.npgOpen], ['JP', ids.nacOpen], ['public', ids.nacOpen],
    ['public', ids.shared]]) {
    const r = await history(who, id);
    assert.equal(r.status, 404, `${who} on ${id}`);
    assert.deepEqual(r.body, none.body, `${who} on ${id}: the same answer as for nothing`);
  }
});

test('a bad token is 401 here too; other methods 405', async () => {
  const r = await api(srv.base, 'cn_not-a-token', 'GET', `/api/v1/proposals/${ids.nacOpen}/events`);
  assert.equal(r.status, 401);
  const p = await as('secretariat', 'POST', `/api/v1/proposals/${ids.nacOpen}/events`, {});
  assert.equal(p.status, 405);
  assert.equal(p.headers.get('allow'), 'GET');
});

test('what the public reads may be kept and revalidated; what a token reads may not be kept', async () => {
  for (const path of ['/api/v1/proposals', `/api/v1/proposals/${ids.npgAdopted}/events`, '/api/v1/members']) {
    const pub = await as('public', 'GET', path);
    assert.equal(pub.headers.get('cache-control'), 'no-cache', path);
    assert.equal(pub.headers.get('vary'), 'Authorization, Cookie', path);
    const fr = await as('FR', 'GET', path);
    assert.equal(fr.headers.get('cache-control'), 'no-store', path);
  }
  const w = await as('FR', 'POST', `/api/v1/proposals/${ids.nacOpen}/positions`, { position: 'comment', text: 'x' });
  assert.equal(w.headers.get('cache-control'), 'no-store');
});

test('whoami names the alliance the store records, for every principal, and the principal', async () => {
  const names = { public: null, secretariat: null, FR: 'France', JP: 'Japan' };
  for (const [who, name] of Object.entries(names)) {
    const r = await as(who, 'GET', '/api/v1/whoami');
    assert.deepEqual(r.body.alliance, { id: 'NATO', name: 'North Atlantic Treaty Organization' }, who);
    assert.equal(r.body.name, name, who);
  }
});

// The procedures list grows with the log; a page of it does not.
test('the list in pages: ?limit the newest, ?before older ones, next until null; filters and sight apply', async () => {
  const all = (await as('secretariat', 'GET', '/api/v1/proposals')).body;
  assert.equal(all.next, null, 'without limit, the default page (100) holds this short list whole');
  const every = all.proposals.map((p) => p.id);
  const pages = [];
  let before = '';
  for (let guard = 0; guard < 10; guard++) {
    const r = await as('secretariat', 'GET', `/api/v1/proposals?limit=2${before}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.proposals.length <= 2 && r.body.count === r.body.proposals.length);
    const got = r.body.proposals.map((p) => p.id);
    assert.deepEqual(got, [...got].sort((a, b) => a - b), 'each page in id order');
    pages.unshift(...got);
    if (r.body.next === null) break;
    assert.equal(r.body.next, got[0], 'next: the oldest of the page');
    before = `&before=${r.body.next}`;
  }
  assert.deepEqual(pages, every, 'the pages, newest first, make the whole list');
  const first = await as('secretariat', 'GET', '/api/v1/proposals?limit=2');
  assert.deepEqual(first.body.proposals.map((p) => p.id), every.slice(-2), 'the first page: the newest');
  // filters and sight within pages
  const pub = await as('public', 'GET', '/api/v1/proposals?status=adopted&limit=1');
  assert.deepEqual(pub.body.proposals.map((p) => p.id), [ids.npgAdopted]);
  assert.equal(pub.body.next, null, 'the public sees one adopted decision: one page');
  assert.ok(!('positions' in pub.body.proposals[0]), 'redacted as ever');
  for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'before=0']) {
    assert.equal((await as('secretariat', 'GET', `/api/v1/proposals?${bad}`)).status, 400, bad);
  }
});
