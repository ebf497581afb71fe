// paging.test.mjs - the lists that grow, a page at a time, and the search.
//
// Pages: a default and a maximum size (beyond it 400 naming `limit`),
// cursors that walk the whole list once in a stable order, `next` and
// `next_href` (null on the last page), an empty page before the first and
// past the last, 400 naming the argument for an invalid cursor, status,
// switch or time, and filters combined.
//
// Sight, decided here and tested: a page never shows a hidden proposal
// or event, and a hidden item does not make a page shorter, move a cursor
// or change a count: to a page it is exactly an item that does not exist.
// So France (outside the Nuclear Planning Group) paging the list gets the
// pages the secretariat would get of the proposals France sees, and a
// word found only in NPG texts answers France, a partner and the public
// exactly as a word found nowhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { makeStore, startServer, api, BACKEND } from './lib.mjs';

let store, srv;
const ids = { nac: [], npg: [] };
const as = (who, path) => api(srv.base, store.tokens[who], 'GET', path);

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const post = async (path, body, want = 200) => {
    const r = await api(srv.base, store.tokens.secretariat, 'POST', path, body);
    assert.equal(r.status, want, JSON.stringify(r.body));
    return r.body;
  };
  // Interleaved, so that hidden ids sit between visible ones.
  for (let i = 0; i < 5; i++) {
    ids.nac.push((await post('/api/v1/proposals', { body: 'NAC', title: `Alpha item ${i}`,
      text: `Common wording about harbours, number ${i}.` }, 201)).id);
    if (i < 3) {
      ids.npg.push((await post('/api/v1/proposals', { body: 'NPG', title: `Planning item ${i}`,
        text: 'Zebrafish posture review, for the group only.' }, 201)).id);
    }
  }
  // One NAC item adopted (the public sees it), one withdrawn.
  const adopt = ids.nac[1];
  await post(`/api/v1/proposals/${ids.nac[3]}/withdraw`);
  for (const who of ['FR', 'US', 'HU']) {
    const r = await api(srv.base, store.tokens[who], 'POST', `/api/v1/proposals/${adopt}/positions`,
      { position: 'concur' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  assert.equal((await post(`/api/v1/proposals/${adopt}/conclude`)).outcome, 'adopted');
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

// Every page of a list from `path`, following next_href.
async function walk(who, path) {
  const pages = [];
  for (let p = path; p; ) {
    const r = await as(who, p);
    assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
    pages.push(r.body);
    assert.ok(pages.length < 50, 'the cursor moves');
    p = r.body.next_href;
  }
  return pages;
}
const idsOf = (pages) => pages.flatMap((p) => p.proposals.map((x) => x.id));
const chunks = (list, n) => {
  const out = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out.length ? out : [[]];
};

test('the default page, and a limit beyond the maximum is 400 naming limit', async () => {
  const r = await as('secretariat', '/api/v1/proposals');
  assert.equal(r.status, 200);
  assert.equal(r.body.count, 8);
  assert.equal(r.body.next, null);
  assert.equal(r.body.next_href, null);
  assert.deepEqual(r.body.proposals.map((p) => p.id), [...ids.nac, ...ids.npg].sort((a, b) => a - b));
  for (const bad of ['1001', '0', '-1', 'ten', '']) {
    const e = await as('secretariat', `/api/v1/proposals?limit=${bad}`);
    assert.equal(e.status, 400, `limit=${bad}`);
    assert.match(e.body.error.message, /'limit'/);
  }
  assert.equal((await as('secretariat', '/api/v1/proposals?limit=1000')).status, 200);
});

test('newest first and oldest first both walk every proposal once, in id order', async () => {
  const all = [...ids.nac, ...ids.npg].sort((a, b) => a - b);
  const down = await walk('secretariat', '/api/v1/proposals?limit=3');
  assert.deepEqual(down.map((p) => p.proposals.map((x) => x.id)),
    chunks([...all].reverse(), 3).map((c) => c.reverse()));
  assert.equal(down.at(-1).next, null, 'the last page says so');
  const asc = await walk('secretariat', `/api/v1/proposals?limit=3&after=${all[0]}`);
  assert.deepEqual(asc.map((p) => p.proposals.map((x) => x.id)), chunks(all.slice(1), 3));
});

test('an empty page before the first and past the last; an invalid cursor is 400', async () => {
  const all = [...ids.nac, ...ids.npg].sort((a, b) => a - b);
  for (const q of [`before=${all[0]}`, `after=${all.at(-1)}`, 'after=999999', 'before=1']) {
    const r = await as('secretariat', `/api/v1/proposals?${q}&limit=2`);
    assert.equal(r.status, 200, q);
    assert.deepEqual([r.body.count, r.body.proposals, r.body.next, r.body.next_href], [0, [], null, null], q);
  }
  for (const [q, name] of [['after=x', 'after'], ['before=0', 'before'], ['after=1.5', 'after'],
    ['status=bogus', 'status'], ['status=', 'status'], ['opened_from=yesterday', 'opened_from'],
    ['concluded_to=2024-02-30', 'concluded_to'], ['body=NOPE', 'body'], ['member=ZZ', 'member']]) {
    const r = await as('secretariat', `/api/v1/proposals?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, new RegExp(`'${name}'`), q);
  }
});

test('filters combine: body, status (lapsed too), member, dates, words', async () => {
  const q = (s) => as('secretariat', `/api/v1/proposals?${s}`).then((r) => {
    assert.equal(r.status, 200, `${s}: ${JSON.stringify(r.body)}`);
    return r.body.proposals.map((p) => p.id);
  });
  assert.deepEqual(await q('body=nac&status=open'), ids.nac.filter((i) => i !== ids.nac[3] && i !== ids.nac[1]));
  assert.deepEqual(await q('status=withdrawn'), [ids.nac[3]]);
  assert.deepEqual(await q('status=lapsed'), []);
  assert.deepEqual(await q('status=adopted&body=NAC'), [ids.nac[1]]);
  assert.deepEqual(await q('body=NPG&member=FR'), [], 'France is not in the NPG electorate');
  assert.deepEqual(await q('body=NPG&member=US'), ids.npg);
  assert.deepEqual(await q('opened_to=2000-01-01'), []);
  assert.deepEqual(await q('opened_from=2000-01-01&body=NPG'), ids.npg);
  assert.deepEqual(await q('concluded_from=2000-01-01'), [ids.nac[1], ids.nac[3]].sort((a, b) => a - b));
  assert.deepEqual(await q('q=harbours&body=NAC&status=open&limit=1'), [ids.nac.at(-1)]);
});

test('a member pages through what it sees: full pages, no hidden item, the same cursors', async () => {
  const seen = ids.nac; // France sits on the NAC, not the NPG
  const pages = await walk('FR', '/api/v1/proposals?limit=2');
  assert.deepEqual(pages.map((p) => p.proposals.map((x) => x.id)),
    chunks([...seen].reverse(), 2).map((c) => c.reverse()), 'full pages of what France sees');
  for (const p of pages) for (const x of p.proposals) assert.equal(x.body, 'NAC');
  // The public: the adopted one alone, redacted, in one page.
  const pub = await walk('public', '/api/v1/proposals?limit=1');
  assert.deepEqual(idsOf(pub), [ids.nac[1]]);
  assert.ok(!('positions' in pub[0].proposals[0]));
  assert.equal(pub[0].next, null, 'no page promised where only hidden ones follow');
  // A cursor on a hidden id answers as one on the gap it sits in.
  const onHidden = await as('FR', `/api/v1/proposals?before=${ids.npg[1]}&limit=2`);
  const onVisible = await as('FR', `/api/v1/proposals?before=${ids.nac[2]}&limit=2`);
  assert.deepEqual(onHidden.body.proposals, onVisible.body.proposals);
  assert.deepEqual(onHidden.body.proposals.map((x) => x.id), [ids.nac[0], ids.nac[1]]);
});

test('search: what only hidden proposals hold answers as what nothing holds', async () => {
  const r = await as('secretariat', '/api/v1/search?q=zebrafish');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.proposals.map((p) => p.id), ids.npg);
  assert.deepEqual((await as('secretariat', '/api/v1/search?q=POSTURE%20zebrafish&limit=2')).body.proposals
    .map((p) => p.id), ids.npg.slice(1), 'words without case, all required, the newest first');
  for (const who of ['FR', 'JP', 'public']) {
    const hidden = await as(who, '/api/v1/search?q=zebrafish');
    const nowhere = await as(who, '/api/v1/search?q=quokkasaurus');
    assert.equal(hidden.status, 200, who);
    assert.deepEqual(hidden.body, nowhere.body, `${who}: a hidden word is no word`);
    assert.deepEqual(hidden.body, { count: 0, proposals: [], next: null, next_href: null });
  }
  const fr = await as('FR', '/api/v1/search?q=harbours');
  assert.deepEqual(fr.body.proposals.map((p) => p.id), ids.nac);
  const pub = await as('public', '/api/v1/search?q=harbours');
  assert.deepEqual(pub.body.proposals.map((p) => p.id), [ids.nac[1]]);
  // Operators and quotes are words, not syntax.
  for (const q of ['"', 'a OR b', 'NEAR(x y)', '*', 'title:alpha', '-x']) {
    const s = await as('secretariat', `/api/v1/search?q=${encodeURIComponent(q)}`);
    assert.equal(s.status, 200, `${q}: ${JSON.stringify(s.body)}`);
  }
  for (const q of ['', '%20%20', Array(17).fill('w').join('%20')]) {
    const e = await as('secretariat', `/api/v1/search?q=${q}`);
    assert.equal(e.status, 400, `q=${q}`);
    assert.match(e.body.error.message, /'q'/);
  }
  assert.equal((await as('secretariat', '/api/v1/search')).status, 400);
});

// A page passes on a view the principal sees whole as it is stored, and
// makes anything else (redacted, summary) anew: either way each proposal
// on a page is, byte for byte, what the proposal's own GET answers the
// same principal, in both orders and at any page size.
test('a page holds, byte for byte, each proposal as its own GET answers it', async () => {
  const S = store.tokens.secretariat;
  const shared = await api(srv.base, S, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'Shared item', text: 'For partners too.', shared: true });
  assert.equal(shared.status, 201, JSON.stringify(shared.body));
  const raw = async (who, path) => {
    const r = await fetch(srv.base + path,
      { headers: store.tokens[who] ? { Authorization: `Bearer ${store.tokens[who]}` } : {} });
    assert.equal(r.status, 200, path);
    return r.text();
  };
  const seen = {};
  for (const who of ['secretariat', 'FR', 'JP', 'public']) {
    for (const path of ['/api/v1/proposals?limit=2', '/api/v1/proposals?limit=1000',
      `/api/v1/proposals?after=${ids.nac[0]}&limit=3`]) {
      const text = await raw(who, path);
      const page = JSON.parse(text);
      for (const p of page.proposals) {
        const own = await raw(who, `/api/v1/proposals/${p.id}`);
        assert.ok(text.includes(own), `${who} ${path}: proposal ${p.id} as its GET answers it`);
        seen[who] = (seen[who] || new Set()).add(p.positions ? 'whole' : 'redacted');
      }
    }
  }
  // Each path was taken: the whole view passed on, the redacted one made.
  assert.deepEqual([...seen.secretariat], ['whole']);
  assert.deepEqual([...seen.FR].sort(), ['whole']);
  assert.deepEqual([...seen.JP].sort(), ['redacted']);
  assert.deepEqual([...seen.public].sort(), ['redacted']);
  // The summary form is made anew for everyone, from what each sees.
  const sum = JSON.parse(await raw('FR', '/api/v1/proposals?form=summary&limit=1000'));
  assert.ok(sum.proposals.length > 0);
  for (const p of sum.proposals) {
    assert.ok(!('text' in p) && !('electorate' in p), `summary ${p.id} has no text or electorate`);
    for (const x of p.positions || []) assert.equal(x.member, 'FR', 'only FR\'s own position');
  }
  assert.equal(sum.proposals.find((p) => p.id === ids.npg[0]), undefined, 'FR sees no NPG item');
  await api(srv.base, S, 'POST', `/api/v1/proposals/${shared.body.id}/withdraw`);
});

test('a recirculated text is found by its new words, not its old ones', async () => {
  const S = store.tokens.secretariat;
  const deadline = (days) => new Date(Date.now() + days * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z');
  const p = await api(srv.base, S, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Silent item',
    text: 'Windmills first.', procedure: 'silence', deadline: deadline(2) });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  const find = async (w) => (await as('secretariat', `/api/v1/search?q=${w}`)).body.proposals.map((x) => x.id);
  assert.deepEqual(await find('windmills'), [p.body.id]);
  const r = await api(srv.base, S, 'POST', `/api/v1/proposals/${p.body.id}/recirculate`,
    { text: 'Lighthouses instead.', deadline: deadline(3) });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(await find('lighthouses'), [p.body.id]);
  assert.deepEqual(await find('windmills'), []);
  assert.deepEqual(await find('silent'), [p.body.id], 'the title still finds it');
  await api(srv.base, S, 'POST', `/api/v1/proposals/${p.body.id}/withdraw`);
});

test('the log: full pages of what each sees, no hidden event, next only when more are seen', async () => {
  const everything = (await walk('secretariat', '/api/v1/log?limit=1000')).flatMap((p) => p.events);
  for (const who of ['public', 'JP', 'FR']) {
    const pages = [];
    for (let p = '/api/v1/log?limit=7'; p; ) {
      const r = await as(who, p);
      assert.equal(r.status, 200);
      pages.push(r.body);
      p = r.body.next_href;
    }
    const events = pages.flatMap((p) => p.events);
    for (const p of pages.slice(0, -1)) assert.equal(p.events.length, 7, `${who}: a page is full while more follow`);
    assert.equal(pages.at(-1).next, null);
    assert.deepEqual(events.map((e) => e.seq), [...new Set(events.map((e) => e.seq))].sort((a, b) => a - b));
    const npgSeqs = everything.filter((e) => ids.npg.includes(e.payload.proposal ?? e.payload.id) &&
      e.type.startsWith('p')).map((e) => e.seq);
    for (const e of events) assert.ok(!npgSeqs.includes(e.seq), `${who} sees no NPG event (${e.seq})`);
  }
  const past = await as('public', `/api/v1/log?from=${everything.at(-1).seq + 1}`);
  assert.deepEqual([past.status, past.body.events, past.body.next], [200, [], null]);
  for (const q of ['limit=1001', 'limit=0', 'from=0', 'from=x']) {
    const e = await as('public', `/api/v1/log?${q}`);
    assert.equal(e.status, 400, q);
  }
});

test('registry lists page by key; an unknown key and a bad switch are 400', async () => {
  const all = (await as('public', '/api/v1/members')).body;
  const pages = await (async () => {
    const out = [];
    for (let p = '/api/v1/members?limit=10'; p; ) {
      const r = await as('public', p);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      out.push(r.body);
      p = r.body.next_href;
    }
    return out;
  })();
  assert.deepEqual(pages.flatMap((p) => p.members.map((m) => m.code)), all.members.map((m) => m.code));
  assert.equal(pages[0].count, 10);
  assert.equal(pages.at(-1).next, null);
  for (const [q, name] of [['members?after=ZZ', 'after'], ['offices?all=maybe', 'all'],
    ['members?all=2', 'all'], ['partners?limit=1001', 'limit']]) {
    const r = await as('public', `/api/v1/${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, new RegExp(`'${name}'`), q);
  }
  const last = all.members.at(-1).code;
  const end = await as('public', `/api/v1/members?after=${last}`);
  assert.deepEqual([end.status, end.body.members, end.body.next], [200, [], null]);
});

// What is kept by id (people, a token's webhooks and calendar feeds):
// pages of 2 walk the whole list once, in id order, with the same `next`
// as the last item's id; only the caller's own webhooks and feeds, and
// another's feed is, to revoke, one that does not exist; bad arguments
// 400 naming them.
test('people, webhooks and feeds page by id; a token pages only its own', async () => {
  const S = store.tokens.secretariat;
  const post = async (who, path, body) => {
    const r = await api(srv.base, store.tokens[who], 'POST', path, body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  for (const name of ['pager.a', 'pager.b', 'pager.c'])
    await post('secretariat', '/api/v1/people', { name, delegation: 'FR', password: 'a long password' });
  const hooks = { FR: [], US: [] };
  const feeds = { FR: [], US: [] };
  for (const [who, n] of [['FR', 3], ['US', 1]]) {
    for (let i = 0; i < n; i++) hooks[who].push(await post(who, '/api/v1/webhooks', { url: `https://example.org/${who}/${i}` }));
    for (let i = 0; i < n + 1; i++) feeds[who].push(await post(who, '/api/v1/calendar/feeds', { label: `${who} ${i}` }));
  }
  // One of France's revoked: not listed; the United States' revoking
  // France's answers as for a feed that never was.
  const us = (m, p) => api(srv.base, store.tokens.US, m, p);
  assert.equal((await us('POST', `/api/v1/calendar/feeds/${feeds.FR[1]}/revoke`)).status, 404);
  assert.equal((await us('POST', `/api/v1/calendar/feeds/${feeds.US[0] + 1000}/revoke`)).status, 404);
  assert.equal((await api(srv.base, store.tokens.FR, 'POST', `/api/v1/calendar/feeds/${feeds.FR[1]}/revoke`)).status, 200);
  assert.equal((await api(srv.base, store.tokens.FR, 'POST', `/api/v1/calendar/feeds/${feeds.FR[1]}/revoke`)).status, 404);
  feeds.FR.splice(1, 1);
  const everyone = (await as('secretariat', '/api/v1/people?limit=1000')).body.people.map((p) => p.id);
  assert.ok(everyone.length >= 3 && everyone.every((id, i) => !i || id > everyone[i - 1]), everyone.join());
  for (const [who, path, list, want] of [
    ['secretariat', '/api/v1/people?limit=2', 'people', everyone],
    ['FR', '/api/v1/webhooks?limit=2', 'webhooks', hooks.FR],
    ['US', '/api/v1/webhooks?limit=2', 'webhooks', hooks.US],
    ['HU', '/api/v1/webhooks?limit=2', 'webhooks', []],
    ['FR', '/api/v1/calendar/feeds?limit=2', 'feeds', feeds.FR],
    ['US', '/api/v1/calendar/feeds?limit=2', 'feeds', feeds.US],
    ['HU', '/api/v1/calendar/feeds?limit=2', 'feeds', []],
  ]) {
    const pages = await walk(who, path);
    assert.deepEqual(pages.flatMap((p) => p[list].map((x) => x.id)), want, `${who} ${path}`);
    assert.deepEqual(pages.map((p) => p.count), chunks(want, 2).map((c) => c.length), `${who} ${path}`);
    for (const p of pages.slice(0, -1)) assert.equal(p.next, p[list].at(-1).id);
    assert.deepEqual([pages.at(-1).next, pages.at(-1).next_href], [null, null]);
  }
  const past = await as('FR', `/api/v1/webhooks?after=${hooks.FR.at(-1)}`);
  assert.deepEqual([past.status, past.body.count, past.body.next], [200, 0, null]);
  for (const q of ['people?limit=0', 'people?after=x', 'webhooks?limit=1001', 'webhooks?after=-1',
    'calendar/feeds?limit=0', 'calendar/feeds?after=1.5']) {
    const r = await api(srv.base, q.startsWith('people') ? S : store.tokens.FR, 'GET', `/api/v1/${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, new RegExp(`'${q.split('?')[1].split('=')[0]}'`), q);
  }
});

test("a proposal's events page by seq; a redacted viewer's pages are full too", async () => {
  const id = ids.nac[1]; // adopted: FR sees every event, the public its record
  const whole = (await as('FR', `/api/v1/proposals/${id}/events`)).body;
  assert.equal(whole.next, null);
  const seqs = whole.events.map((e) => e.seq);
  assert.ok(seqs.length >= 5, `${seqs.length} events`);
  const got = [];
  for (let p = `/api/v1/proposals/${id}/events?limit=2`; p; ) {
    const r = await as('FR', p);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.events.length === 2 || r.body.next === null);
    got.push(...r.body.events.map((e) => e.seq));
    p = r.body.next_href;
  }
  assert.deepEqual(got, seqs);
  const pub = await as('public', `/api/v1/proposals/${id}/events?limit=1`);
  assert.equal(pub.body.events.length, 1);
  assert.equal(pub.body.events[0].type, 'proposal.created');
  const rest = await as('public', pub.body.next_href);
  assert.deepEqual(rest.body.events.map((e) => e.type), ['procedure.concluded'], 'hidden events skipped, not counted');
  assert.equal(rest.body.next, null);
  for (const q of ['limit=0', 'limit=1001', 'after=x']) {
    const r = await as('FR', `/api/v1/proposals/${id}/events?${q}`);
    assert.equal(r.status, 400, q);
  }
  assert.equal((await as('FR', `/api/v1/proposals/${ids.npg[0]}/events?limit=1`)).status, 404);
});

// A view passed on unparsed is still checked to be an object whole: one
// cut short in the store (SQLite; PostgreSQL's json column refuses that,
// so there an array) is named, never spliced into a page.  On a store of
// its own, so the shared one stays sound.
test('a stored view that is not a whole object is named, not passed on', async () => {
  const own = makeStore();
  const server = await startServer(own.db);
  try {
    const S = own.tokens.secretariat;
    const p = await api(server.base, S, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Whole' });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.equal((await api(server.base, S, 'GET', '/api/v1/proposals')).status, 200);
    if (BACKEND === 'postgresql') {
      execFileSync('/usr/lib/postgresql/15/bin/psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', own.db, '-c',
        `UPDATE proposals SET doc = '[]' WHERE id = ${p.body.id}`]);
    } else {
      execFileSync('sqlite3', [own.db,
        `UPDATE proposals SET doc = substr(doc, 1, length(doc) - 1) WHERE id = ${p.body.id}`]);
    }
    const r = await api(server.base, S, 'GET', '/api/v1/proposals');
    assert.equal(r.status, 500, JSON.stringify(r.body));
    assert.equal(r.body.error.message, `proposal ${p.body.id}: its stored view is not a JSON object`);
  } finally {
    await server.stop();
    own.cleanup();
  }
});
