// record.test.mjs - the log a restricted sight pages through, found through
// the public record index, is exactly what the sight rule gives.
//
// The public's, a partner's and a member's /api/v1/log find the events of
// a proposal they do not see in full (its opening and its conclusion, once
// it is adopted, or shared with partners) through an index the store keeps
// by triggers (store/pagesql.h).  The oracle here is another path through
// the code: `council log export --for AUDIENCE` decides each event's sight
// one event at a time (app/export_write.c) and gives the events the
// audience sees whole, the others as leaf hashes.  Every page, small ones
// too, must add up to exactly those events, before and after proposals
// change their sight: an adoption shows an opening that was hidden when it
// was written.  And the search, whose index holds sight words too, finds
// for each sight what its list shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, startServer, api, councilAsync } from './lib.mjs';

let store, srv, tmp;
const ids = {};
const AUDIENCES = { public: 'public', JP: 'partner:JP', FR: 'member:FR', US: 'member:US' };
const as = (who, method, path, body) => api(srv.base, store.tokens[who], method, path, body);

async function post(path, body, want = 200) {
  const r = await as('secretariat', 'POST', path, body);
  assert.equal(r.status, want, `${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}
async function say(who, id, position) {
  const r = await as(who, 'POST', `/api/v1/proposals/${id}/positions`, { position, reason: 'noted' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

before(async () => {
  store = makeStore();
  tmp = mkdtempSync(join(tmpdir(), 'council-record-'));
  srv = await startServer(store.db);
  const mk = async (b) => (await post('/api/v1/proposals', { ...b, text: 'A common clause.' }, 201)).id;
  // Interleaved, so that each one's record sits between hidden events.
  ids.nacShared = await mk({ body: 'NAC', title: 'NAC, shared', shared: true });
  ids.npgOpen = await mk({ body: 'NPG', title: 'NPG, open' });
  ids.npgLater = await mk({ body: 'NPG', title: 'NPG, adopted later' });
  await say('US', ids.npgOpen, 'concur');
  ids.nacBlocked = await mk({ body: 'NAC', title: 'NAC, blocked later' });
  ids.npgShared = await mk({ body: 'NPG', title: 'NPG, shared, adopted later', shared: true });
  await say('HU', ids.npgLater, 'concur');
  await say('FR', ids.nacShared, 'concur');
  ids.nacWithdrawn = await mk({ body: 'NAC', title: 'NAC, withdrawn' });
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// The seqs `who` pages through, `limit` at a time from `from`.
async function paged(who, limit, from = 1) {
  const seqs = [];
  for (let p = `/api/v1/log?limit=${limit}&from=${from}`, n = 0; p; n++) {
    const r = await as(who, 'GET', p);
    assert.equal(r.status, 200, `${who} ${p}: ${JSON.stringify(r.body)}`);
    if (r.body.next) assert.equal(r.body.events.length, limit, `${who}: a page is full while more follow`);
    seqs.push(...r.body.events.map((e) => e.seq));
    assert.ok(n < 500, 'the cursor moves');
    p = r.body.next_href;
  }
  return seqs;
}

// The seqs the export gives `who` whole.
async function exported(who) {
  const file = join(tmp, `${who}.jsonl`);
  await councilAsync(store.db, 'log', 'export', file, '--for', AUDIENCES[who]);
  return readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l))
    .filter((l) => l.event).map((l) => l.event.seq);
}

async function sameAsExport() {
  const seen = {};
  for (const who of Object.keys(AUDIENCES)) {
    const want = await exported(who);
    assert.ok(want.length > 0, `${who} sees the registry at least`);
    for (const limit of [1, 3, 1000]) {
      assert.deepEqual(await paged(who, limit), want, `${who}, pages of ${limit}`);
    }
    // from the middle: the same events from there on
    const mid = want[Math.floor(want.length / 2)];
    assert.deepEqual(await paged(who, 2, mid), want.filter((s) => s >= mid), `${who} from ${mid}`);
    seen[who] = want;
  }
  return seen;
}

// The search index holds each proposal's sight words beside its words
// (store/pagesql.h): a word every proposal holds finds, for each sight,
// exactly the proposals its list shows (the list asks the proposals table
// alone), as sight changes.
async function searchAsList() {
  for (const who of Object.keys(AUDIENCES)) {
    const list = (await as(who, 'GET', '/api/v1/proposals?limit=1000')).body.proposals.map((p) => p.id);
    assert.ok(list.length > 0 || who === 'public', `${who} sees proposals`);
    for (const limit of [2, 1000]) {
      const found = [];
      for (let p = `/api/v1/search?q=clause&limit=${limit}`, n = 0; p; n++) {
        const r = await as(who, 'GET', p);
        assert.equal(r.status, 200, `${who} ${p}: ${JSON.stringify(r.body)}`);
        found.push(...r.body.proposals.map((x) => x.id));
        assert.ok(n < 100, 'the cursor moves');
        p = r.body.next_href;
      }
      // pages come newest first, each in id order
      assert.deepEqual(found.sort((a, b) => a - b), list, `${who}: the search finds what the list shows, in pages of ${limit}`);
    }
  }
}

// The seq of a proposal's event of a type, from the secretariat's log.
async function seqOf(id, type) {
  const all = (await as('secretariat', 'GET', '/api/v1/log?limit=1000')).body.events;
  const e = all.find((x) => x.type === type && (x.payload.proposal ?? x.payload.id) === id);
  assert.ok(e, `proposal ${id} has a ${type}`);
  return e.seq;
}

test('each sight pages through what the export shows it and finds what its list shows, as sight changes', async () => {
  const first = await sameAsExport();
  await searchAsList();
  const laterOpened = await seqOf(ids.npgLater, 'proposal.created');
  const sharedOpened = await seqOf(ids.npgShared, 'proposal.created');
  assert.ok(!first.public.includes(laterOpened), 'an open NPG item is not public');
  assert.ok(!first.FR.includes(laterOpened), 'nor France\'s (outside the NPG)');
  assert.ok(first.US.includes(laterOpened), 'the NPG\'s member sees it');
  assert.ok(first.JP.includes(sharedOpened) && !first.public.includes(sharedOpened),
    'a shared item\'s opening is the partner\'s, not the public\'s');

  // Sight changes after the record was written.
  await say('US', ids.npgLater, 'concur');
  assert.equal((await post(`/api/v1/proposals/${ids.npgLater}/conclude`)).outcome, 'adopted');
  for (const who of ['US', 'HU']) await say(who, ids.npgShared, 'concur');
  assert.equal((await post(`/api/v1/proposals/${ids.npgShared}/conclude`)).outcome, 'adopted');
  await say('FR', ids.nacBlocked, 'object');
  assert.equal((await post(`/api/v1/proposals/${ids.nacBlocked}/conclude`)).outcome, 'blocked');
  await post(`/api/v1/proposals/${ids.nacWithdrawn}/withdraw`);

  const then = await sameAsExport();
  await searchAsList();
  const laterConcluded = await seqOf(ids.npgLater, 'procedure.concluded');
  for (const who of ['public', 'JP', 'FR']) {
    assert.ok(then[who].includes(laterOpened) && then[who].includes(laterConcluded),
      `${who} sees the adopted NPG item's opening, written before it was adopted, and its conclusion`);
    assert.ok(!then[who].includes(await seqOf(ids.npgLater, 'position.stated')),
      `${who} sees no position on it`);
  }
  const blocked = await seqOf(ids.nacBlocked, 'procedure.concluded');
  assert.ok(!then.public.includes(blocked) && then.FR.includes(blocked), 'a blocked NAC item is the NAC\'s alone');
});
