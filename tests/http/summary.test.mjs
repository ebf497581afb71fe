// summary.test.mjs - the lists' summary form (GET /api/v1/proposals and
// /api/v1/search with form=summary): what a list shows of each proposal,
// not its whole view.
//
// For every principal and every list, the summary page is the full page
// with each proposal cut down: the same proposals, cursor and count; each
// kept field as the full view gives it, the text, revisions, electorate
// and per-member details gone; position_counts counting the positions
// the full view shows (none where it shows none: a partner, the public),
// and a delegation's own position alone.  So the summary never shows
// what the principal's full view does not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, startServer, api } from './lib.mjs';

const KEPT = new Set(['id', 'body', 'body_name', 'title', 'procedure', 'rule', 'rule_name', 'revision',
  'proposer', 'opened', 'deadline', 'shared', 'electorate_size', 'level', 'place', 'status', 'outcome',
  'concluded', 'verdict', 'explanation', 'blocked_by', 'effects', 'tally', 'supersedes', 'superseded_by',
  'concerned']);
const WHO = ['secretariat', 'FR', 'US', 'JP', 'public'];

let store, srv;
const as = (who, path) => api(srv.base, store.tokens[who], 'GET', path);

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const post = async (who, path, body, want = 200) => {
    const r = await api(srv.base, store.tokens[who], 'POST', path, body);
    assert.equal(r.status, want, JSON.stringify(r.body));
    return r.body;
  };
  const propose = (body, title, extra = {}) => post('secretariat', '/api/v1/proposals',
    { body, title, text: `${title}: a long text the list does not need. `.repeat(8), ...extra }, 201);
  const open = await propose('NAC', 'Open and shared', { shared: true });
  await post('FR', `/api/v1/proposals/${open.id}/positions`, { position: 'concur' });
  await post('US', `/api/v1/proposals/${open.id}/positions`, { position: 'reserve', text: 'Instructions awaited.' });
  await propose('NPG', 'Planning, for the group only');
  const adopted = await propose('NAC', 'Adopted in the end');
  for (const m of ['FR', 'US', 'HU']) await post(m, `/api/v1/proposals/${adopted.id}/positions`, { position: 'concur' });
  assert.equal((await post('secretariat', `/api/v1/proposals/${adopted.id}/conclude`)).outcome, 'adopted');
  await post('secretariat', `/api/v1/proposals/${(await propose('NAC', 'Withdrawn')).id}/withdraw`);
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

// The summary the full view p gives `who`.
function expected(p, who) {
  const s = Object.fromEntries(Object.entries(p).filter(([k]) => KEPT.has(k)));
  if (p.positions) {
    s.position_counts = {};
    for (const x of p.positions) s.position_counts[x.position] = (s.position_counts[x.position] || 0) + 1;
    if (/^[A-Z]{2}$/.test(who)) s.positions = p.positions.filter((x) => x.member === who);
  }
  return s;
}

const LISTS = ['/api/v1/proposals', '/api/v1/proposals?status=open', '/api/v1/proposals?status=concluded',
  '/api/v1/proposals?status=adopted', '/api/v1/proposals?limit=1', '/api/v1/search?q=text'];

test('a summary page is the full page, each proposal cut down to what a list shows', async () => {
  for (const who of WHO) {
    for (const path of LISTS) {
      const full = await as(who, path);
      const sum = await as(who, `${path}${path.includes('?') ? '&' : '?'}form=summary`);
      assert.equal(full.status, 200, `${who} ${path}`);
      assert.equal(sum.status, 200, `${who} ${path} summary`);
      assert.equal(sum.body.count, full.body.count, `${who} ${path}`);
      assert.equal(sum.body.next, full.body.next, `${who} ${path}`);
      assert.deepEqual(sum.body.proposals, full.body.proposals.map((p) => expected(p, who)), `${who} ${path}`);
      if (sum.body.next_href) assert.match(sum.body.next_href, /[?&]form=summary(&|$)/, 'the next page is a summary too');
    }
  }
});

test('what the summary keeps and leaves out, by principal', async () => {
  const fr = (await as('FR', '/api/v1/proposals?status=open&form=summary')).body.proposals;
  assert.equal(fr.length, 1, 'France sees the open NAC item, not the NPG one');
  const [p] = fr;
  for (const k of ['text', 'revisions', 'electorate', 'outstanding', 'holding']) assert.ok(!(k in p), k);
  assert.equal(p.title, 'Open and shared');
  assert.equal(p.position_counts.concur, 1);
  assert.equal(p.position_counts.reserve, 1);
  assert.equal(p.position_counts.silent, p.electorate_size - 2);
  assert.deepEqual(p.positions.map((x) => [x.member, x.position]), [['FR', 'concur']], 'France\'s own alone');

  const sec = (await as('secretariat', '/api/v1/proposals?status=open&form=summary')).body.proposals;
  assert.equal(sec.length, 2);
  assert.ok(sec.every((x) => x.position_counts && !('positions' in x)), 'counts, no member\'s position');

  for (const who of ['JP', 'public']) {
    for (const x of (await as(who, '/api/v1/proposals?form=summary')).body.proposals) {
      assert.ok(!('position_counts' in x) && !('positions' in x), `${who}: no positions, so no counts`);
      assert.ok(!('verdict' in x), `${who}: redacted before it is summed up`);
    }
  }
  assert.equal((await as('JP', '/api/v1/proposals?status=open&form=summary')).body.proposals.length, 1);
});

test('a summary is smaller than the view, and form is checked', async () => {
  const full = JSON.stringify((await as('secretariat', '/api/v1/proposals')).body);
  const sum = JSON.stringify((await as('secretariat', '/api/v1/proposals?form=summary')).body);
  assert.ok(sum.length * 2 < full.length, `${sum.length} bytes against ${full.length}`);
  assert.deepEqual((await as('FR', '/api/v1/proposals?form=full')).body,
    (await as('FR', '/api/v1/proposals')).body, 'full is the default');
  const bad = await as('FR', '/api/v1/proposals?form=short');
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /'form'/);
});
