// people.test.mjs - people, password sign-in and sessions, end to end on a
// real server (docs/ARCHITECTURE.md, "People and sessions").
//
// People made by the CLI and over the API (the secretariat only); sign-in
// with the real Argon2id check; the cookie's attributes; a session acting
// with its delegation's rights and recorded as that delegation; CSRF and
// cross-site refusals that change nothing; sign-out and a disabled person
// ending sessions server-side; the same answer for an unknown name and a
// wrong password; the throttle per name and per address (429 with
// Retry-After); the absolute and idle expiries, with short lifetimes
// given to the server and conditions on the clock waited for.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { makeStore, startServer, api, council, addPerson, signIn, asPerson } from './lib.mjs';
import { openStream } from './sse.mjs';

const PW = 'correct horse battery';
let store, srv;
const ids = {};

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  ids.anne = addPerson(store.db, 'anne', 'FR', PW);
  ids.sg = addPerson(store.db, 'sg', null, PW);
  ids.ken = addPerson(store.db, 'ken', 'JP', PW);
  const r = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'people: an open meeting' });
  assert.equal(r.status, 201);
  ids.open = r.body.id;
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

const logSize = async () =>
  (await api(srv.base, store.tokens.secretariat, 'GET', '/api/v1/log?limit=1000')).body.events.length;

test('the secretariat makes, lists and disables people; nobody else may', async () => {
  const S = store.tokens.secretariat;
  const made = await api(srv.base, S, 'POST', '/api/v1/people',
    { name: 'bruno@de', delegation: 'DE', password: 'a long password' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.deepEqual([made.body.name, made.body.role, made.body.code, made.body.disabled],
    ['bruno@de', 'member', 'DE', null]);
  const sec = await api(srv.base, S, 'POST', '/api/v1/people', { name: 'clerk', password: 'a long password' });
  assert.equal(sec.status, 201);
  assert.deepEqual([sec.body.role, sec.body.code], ['secretariat', null]);
  const dup = await api(srv.base, S, 'POST', '/api/v1/people', { name: 'anne', delegation: 'FR', password: PW });
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, /anne/);
  for (const [body, field] of [
    [{ name: 'x', delegation: 'XX', password: PW }, /delegation/],
    [{ name: 'x', delegation: 'FR', password: 'short' }, /password/],
    [{ name: 'a b', delegation: 'FR', password: PW }, /name/],
    [{ name: 'x', delegation: 'FR' }, /password/],
    [{ name: 'x', password: PW, role: 'god' }, /role/],
  ]) {
    const r = await api(srv.base, S, 'POST', '/api/v1/people', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.body.error.message, field);
  }
  const list = await api(srv.base, S, 'GET', '/api/v1/people');
  assert.equal(list.status, 200);
  assert.deepEqual(list.body.people.map((p) => p.name).slice(0, 3), ['anne', 'sg', 'ken']);
  assert.equal(list.body.count, list.body.people.length);
  assert.deepEqual([list.body.next, list.body.next_href], [null, null]);
  assert.ok(!JSON.stringify(list.body).includes('argon2'), 'a hash in the list');
  // A page at a time, by id: pages of 2 followed by next_href give the
  // whole list once, in order, as the CLI's pages do.
  const walked = [];
  const cliWalked = [];
  for (let href = '/api/v1/people?limit=2', n = 0; href; n++) {
    assert.ok(n < 10, 'the pages end');
    const page = await api(srv.base, S, 'GET', href);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    assert.ok(page.body.count <= 2 && page.body.count === page.body.people.length);
    walked.push(...page.body.people.map((p) => p.id));
    if (page.body.next !== null) {
      assert.equal(page.body.next, page.body.people.at(-1).id);
      assert.equal(page.body.next_href, `/api/v1/people?limit=2&after=${page.body.next}`);
    }
    href = page.body.next_href;
  }
  for (let after = 0, n = 0; after !== null; n++) {
    assert.ok(n < 10, 'the CLI\'s pages end');
    const page = JSON.parse(council(store.db, 'person', 'list', '--limit', '2', '--after', String(after), '--json'));
    cliWalked.push(...page.people.map((p) => p.id));
    after = page.next;
  }
  assert.deepEqual(walked, list.body.people.map((p) => p.id));
  assert.deepEqual(cliWalked, walked);
  // The table's page ends naming the next page's cursor; the last, not.
  const table = council(store.db, 'person', 'list', '--limit', '2').trim().split('\n');
  assert.deepEqual([table.length, table.at(-1)], [4, `more: --after ${walked[1]}`]);
  assert.deepEqual(table.slice(1, 3).map((l) => Number(l.trim().split(/\s+/)[0])), walked.slice(0, 2));
  const end = council(store.db, 'person', 'list', '--after', String(walked[1])).trim().split('\n');
  assert.ok(!end.at(-1).startsWith('more:'), end.at(-1));
  assert.equal(end.length, 1 + walked.length - 2);
  const last = walked.at(-1);
  const past = await api(srv.base, S, 'GET', `/api/v1/people?after=${last}`);
  assert.deepEqual([past.status, past.body.count, past.body.next], [200, 0, null]);
  for (const [q, field] of [['limit=0', 'limit'], ['limit=1001', 'limit'], ['limit=x', 'limit'],
    ['after=x', 'after'], ['after=-1', 'after']]) {
    const r = await api(srv.base, S, 'GET', `/api/v1/people?${q}`);
    assert.equal(r.status, 400, q);
    assert.match(r.body.error.message, new RegExp(field), q);
  }
  for (const who of ['FR', 'JP']) {
    assert.equal((await api(srv.base, store.tokens[who], 'GET', '/api/v1/people')).status, 403);
    assert.equal((await api(srv.base, store.tokens[who], 'POST', '/api/v1/people',
      { name: 'y', delegation: who, password: PW })).status, 403);
  }
  assert.equal((await api(srv.base, null, 'GET', '/api/v1/people')).status, 401);
  const off = await api(srv.base, S, 'POST', `/api/v1/people/${made.body.id}/disable`);
  assert.equal(off.status, 200);
  assert.equal(off.body.id, made.body.id);
  assert.equal((await api(srv.base, S, 'POST', `/api/v1/people/${made.body.id}/disable`)).status, 404);
  // The CLI sees what the API made.
  const cli = JSON.parse(council(store.db, 'person', 'list', '--json'));
  assert.ok(cli.people.find((p) => p.name === 'bruno@de').disabled);
});

test('sign-in sets a secure session cookie; the session acts as its delegation, named in whoami', async () => {
  const s = await signIn(srv.base, 'anne', PW);
  assert.equal(s.status, 201, JSON.stringify(s.body));
  assert.match(s.cookie, /^cs_[A-Za-z0-9_-]{43}$/);
  const attrs = s.setCookie.split(';').map((a) => a.trim().toLowerCase());
  for (const a of ['httponly', 'secure', 'samesite=strict', 'path=/']) assert.ok(attrs.includes(a), `cookie lacks ${a}`);
  assert.ok(attrs.includes('max-age=43200'), s.setCookie);
  assert.deepEqual(s.body.person, { id: ids.anne, name: 'anne', role: 'member', code: 'FR' });
  assert.match(s.csrf, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(!JSON.stringify(s.body).includes(s.cookie), 'the cookie value in the body');
  const me = await asPerson(srv.base, s, 'GET', '/api/v1/session');
  assert.equal(me.status, 200);
  assert.deepEqual(me.body, { person: s.body.person, csrf: s.csrf });
  const who = await asPerson(srv.base, s, 'GET', '/api/v1/whoami');
  assert.deepEqual([who.body.role, who.body.code], ['member', 'FR']);
  // whoami names the person and gives the CSRF token (the page's one read
  // at load); a token's names nobody.
  assert.deepEqual(who.body.person, { id: ids.anne, name: 'anne' });
  assert.equal(who.body.csrf, s.csrf);
  const tokWho = await api(srv.base, store.tokens.FR, 'GET', '/api/v1/whoami');
  assert.ok(!('person' in tokWho.body) && !('csrf' in tokWho.body));
  // Its delegation's sight: France's open NAC proposal, in full.
  const p = await asPerson(srv.base, s, 'GET', `/api/v1/proposals/${ids.open}`);
  assert.equal(p.status, 200);
  assert.ok(Array.isArray(p.body.positions), 'a member delegation sees positions');
  // And its rights: France's position, recorded as France's delegation.
  const before = await logSize();
  const pos = await asPerson(srv.base, s, 'POST', `/api/v1/proposals/${ids.open}/positions`,
    { position: 'concur' }, { headers: { Origin: srv.base, 'Sec-Fetch-Site': 'same-origin' } });
  assert.equal(pos.status, 200, JSON.stringify(pos.body));
  const log = (await api(srv.base, store.tokens.secretariat, 'GET', '/api/v1/log?limit=1000')).body.events;
  assert.equal(log.length, before + 1);
  assert.equal(log.at(-1).type, 'position.stated');
  // The delegation acted, and the record names the person by its id: a
  // pseudonym in the bytes, its name beside the log.
  assert.equal(log.at(-1).actor, `delegation:FR person:${ids.anne}`);
  assert.equal(log.at(-1).person, 'anne');
  assert.ok(log.at(-1).bytes.includes(`"actor":"delegation:FR person:${ids.anne}"`), 'the person is in the bytes');
  assert.ok(!log.at(-1).bytes.includes('anne'), 'the name is in the bytes');
  const hist = await asPerson(srv.base, s, 'GET', `/api/v1/proposals/${ids.open}/events`);
  assert.equal(hist.body.events.at(-1).person, 'anne');
  // A token's writes name nobody.
  assert.ok(log.filter((e) => e.actor === 'secretariat').every((e) => !('person' in e)));
  // Not another member's position, and nothing of the secretariat's.
  assert.equal((await asPerson(srv.base, s, 'POST', `/api/v1/proposals/${ids.open}/positions`,
    { member: 'US', position: 'concur' })).status, 403);
  assert.equal((await asPerson(srv.base, s, 'POST', `/api/v1/proposals/${ids.open}/conclude`)).status, 403);
  // Calendar feeds and webhooks: the person's own, none yet
  // (personsubs.test.mjs makes them), not France's token's.
  for (const path of ['/api/v1/calendar/feeds', '/api/v1/webhooks']) {
    const own = await asPerson(srv.base, s, 'GET', path);
    assert.equal(own.status, 200, path);
    assert.equal(own.body.count, 0, path);
  }
});

test('a write by cookie without its CSRF token, or from another site, is refused and changes nothing', async () => {
  const s = await signIn(srv.base, 'sg', PW);
  assert.equal(s.status, 201);
  const before = await logSize();
  const tries = [
    [{ csrf: false }, /X-CSRF-Token/],
    [{ csrf: false, headers: { 'X-CSRF-Token': '' } }, /X-CSRF-Token/],
    [{ csrf: false, headers: { 'X-CSRF-Token': 'A'.repeat(43) } }, /X-CSRF-Token/],
    [{ headers: { Origin: 'http://evil.example' } }, /own page/],
    [{ headers: { 'Sec-Fetch-Site': 'cross-site' } }, /own page/],
    [{ headers: { 'Sec-Fetch-Site': 'same-site' } }, /own page/],
  ];
  for (const [opts, why] of tries) {
    const r = await asPerson(srv.base, s, 'POST', '/api/v1/proposals',
      { body: 'NAC', title: 'forged' }, opts);
    assert.equal(r.status, 403, JSON.stringify(opts));
    assert.equal(r.body.error.code, 'csrf');
    assert.match(r.body.error.message, why);
  }
  assert.equal(await logSize(), before, 'a refused write appended an event');
  // A GET needs none; the right token and origin pass.
  assert.equal((await asPerson(srv.base, s, 'GET', '/api/v1/proposals', undefined, { csrf: false })).status, 200);
  const ok = await asPerson(srv.base, s, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'by a person' },
    { headers: { Origin: srv.base } });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const last = (await api(srv.base, store.tokens.secretariat, 'GET', '/api/v1/log?limit=1000')).body.events.at(-1);
  assert.deepEqual([last.type, last.actor, last.person], ['proposal.created', `secretariat person:${ids.sg}`, 'sg']);
  // The record with people in it verifies, hash chain and tree.
  assert.match(council(store.db, 'verify'), /^ok: \d+ events; hash chain intact/);
  // Sign-in itself from another site: refused (login CSRF).
  const x = await signIn(srv.base, 'sg', PW, { Origin: 'http://evil.example' });
  assert.equal(x.status, 403);
  assert.equal(x.body.error.code, 'csrf');
  assert.equal(x.cookie, null);
});

// A person's name is personal data: the record carries only its id, and
// the name is told to the secretariat and to the person's own delegation,
// never to other delegations, partners or the public, even where they see
// the event (an adopted proposal's creation by a secretariat person is
// public; another member sees France's positions in full).
test("a person's name is told only to the secretariat and its own delegation", async () => {
  const sg = await signIn(srv.base, 'sg', PW);
  const made = await asPerson(srv.base, sg, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'people: named for whom' },
    { headers: { Origin: srv.base } });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  const id = made.body.id;
  const anne = await signIn(srv.base, 'anne', PW);
  assert.equal((await asPerson(srv.base, anne, 'POST', `/api/v1/proposals/${id}/positions`,
    { position: 'concur' }, { headers: { Origin: srv.base } })).status, 200);
  assert.equal((await api(srv.base, store.tokens.secretariat, 'POST', `/api/v1/proposals/${id}/conclude`)).body.outcome, 'adopted');
  const names = {};
  for (const who of ['secretariat', 'FR', 'US', 'JP', 'public']) {
    const hist = (await api(srv.base, store.tokens[who], 'GET', `/api/v1/proposals/${id}/events`)).body.events;
    const log = (await api(srv.base, store.tokens[who], 'GET', '/api/v1/log?limit=1000')).body.events
      .filter((e) => e.payload?.proposal === id || e.payload?.id === id);
    for (const e of [...hist, ...log]) {
      if (!e.actor.includes(' person:')) continue;
      names[who] ??= new Set();
      names[who].add(`${e.type} ${e.person ?? '-'}`);
      assert.ok(!JSON.stringify(e).includes('"sg"') && !JSON.stringify(e).includes('anne') ||
        ['secretariat', 'FR'].includes(who), `${who} is told a name: ${JSON.stringify(e).slice(0, 300)}`);
    }
  }
  const got = Object.fromEntries(Object.entries(names).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(got, {
    secretariat: ['position.stated anne', 'proposal.created sg'],
    FR: ['position.stated anne', 'proposal.created -'],
    US: ['position.stated -', 'proposal.created -'],
    JP: ['proposal.created -'],
    public: ['proposal.created -'],
  });
});

test('an unknown name, a wrong password and a disabled person get the same answer', async () => {
  const wrong = await signIn(srv.base, 'ken', 'not his password');
  const unknown = await signIn(srv.base, 'nobody-at-all', 'not his password');
  assert.equal(wrong.status, 401);
  assert.deepEqual(unknown.body, wrong.body);
  assert.equal(unknown.status, 401);
  assert.equal(wrong.cookie, null);
  for (const body of [{}, { name: 'ken' }, { name: 'ken', password: 7 }, { name: 'ken', password: PW, x: 1 }]) {
    const r = await fetch(`${srv.base}/api/v1/session`, { method: 'POST',
      headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(r.status, 400, JSON.stringify(body));
  }
});

test('sign-out and disabling end sessions in the store: the same cookie is refused after', async () => {
  const s = await signIn(srv.base, 'ken', PW);
  assert.equal(s.status, 201);
  assert.deepEqual([s.body.person.role, s.body.person.code], ['partner', 'JP']);
  const noCsrf = await asPerson(srv.base, s, 'DELETE', '/api/v1/session', undefined, { csrf: false });
  assert.equal(noCsrf.status, 403);
  const out = await asPerson(srv.base, s, 'DELETE', '/api/v1/session');
  assert.equal(out.status, 200);
  assert.match(out.headers.get('set-cookie'), /^cn_session=;.*Max-Age=0/);
  const after = await asPerson(srv.base, s, 'GET', '/api/v1/whoami');
  assert.equal(after.status, 401);
  assert.match(after.body.error.message, /signed out/);
  assert.match(after.headers.get('set-cookie'), /Max-Age=0/);

  const t = await signIn(srv.base, 'ken', PW);
  assert.equal(t.status, 201);
  assert.equal((await asPerson(srv.base, t, 'GET', '/api/v1/whoami')).status, 200);
  const off = await api(srv.base, store.tokens.secretariat, 'POST', `/api/v1/people/${ids.ken}/disable`);
  assert.equal(off.status, 200);
  assert.equal((await asPerson(srv.base, t, 'GET', '/api/v1/whoami')).status, 401);
  const again = await signIn(srv.base, 'ken', PW);
  assert.equal(again.status, 401);
  assert.deepEqual(again.body, (await signIn(srv.base, 'nobody-else', PW)).body);
});

test("a session's event stream has its delegation's sight, and ends when it is signed out", async () => {
  const s = await signIn(srv.base, 'anne', PW);
  const stream = await openStream(srv.base, null, { headers: { Cookie: `cn_session=${s.cookie}` } });
  try {
    assert.equal(stream.status, 200);
    // A position on an open NAC proposal: France sees it, the public not.
    const r = await api(srv.base, store.tokens.US, 'POST', `/api/v1/proposals/${ids.open}/positions`,
      { position: 'comment', text: 'for the stream' });
    assert.equal(r.status, 200);
    await stream.until((ms) => ms.some((m) => m.event === 'comment.made' && m.data.payload.proposal === ids.open),
      "the US comment on France's stream");
    // Signed out: the next event ends the stream instead of reaching it.
    assert.equal((await asPerson(srv.base, s, 'DELETE', '/api/v1/session')).status, 200);
    const seen = stream.messages.length;
    await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'after sign-out' });
    await Promise.race([stream.ended, new Promise((_, no) => setTimeout(() => no(new Error('the stream outlived its session')), 30000))]);
    assert.equal(stream.messages.length, seen, 'an event after sign-out reached the stream');
  } finally {
    stream.close();
  }
});

test('a bearer token wins over any cookie; a malformed or doubled cookie is 401', async () => {
  const s = await signIn(srv.base, 'anne', PW);
  const r = await fetch(`${srv.base}/api/v1/whoami`, { headers: {
    Authorization: `Bearer ${store.tokens.JP}`, Cookie: `cn_session=${s.cookie}` } });
  assert.deepEqual(await r.json(), (await api(srv.base, store.tokens.JP, 'GET', '/api/v1/whoami')).body);
  for (const cookie of ['cn_session=garbage', `cn_session=${s.cookie}; cn_session=${s.cookie}`,
    `cn_session=cs_${'A'.repeat(43)}`]) {
    const x = await fetch(`${srv.base}/api/v1/whoami`, { headers: { Cookie: cookie } });
    assert.equal(x.status, 401, cookie);
  }
  // Another cookie of the same site is none of ours: the public.
  const other = await fetch(`${srv.base}/api/v1/whoami`, { headers: { Cookie: 'xcn_session=1; theme=dark' } });
  assert.equal((await other.json()).role, 'public');
});

test('failed sign-ins are throttled per name and per address, the right password too', async () => {
  const own = makeStore();
  const s2 = await startServer(own.db);
  try {
    addPerson(own.db, 'zoe', 'FR', PW);
    for (let i = 0; i < 5; i++) assert.equal((await signIn(s2.base, 'zoe', 'wrong password')).status, 401);
    for (const pw of ['wrong password', PW]) {
      const r = await signIn(s2.base, 'zoe', pw);
      assert.equal(r.status, 429, pw);
      assert.equal(r.body.error.code, 'too-many-requests');
      const wait = Number(r.headers.get('retry-after'));
      assert.ok(Number.isInteger(wait) && wait > 0 && wait <= 900, `Retry-After ${r.headers.get('retry-after')}`);
      assert.equal(r.cookie, null);
    }
    // Per address: 20 failures (5 above) over many names lock this
    // client out, whatever name it tries next.
    for (let i = 0; i < 15; i++) assert.equal((await signIn(s2.base, `guess${i}`, 'wrong password')).status, 401);
    const locked = await signIn(s2.base, 'someone-new', 'wrong password');
    assert.equal(locked.status, 429);
  } finally {
    await s2.stop();
    own.cleanup();
  }
});

// Wait until the wall clock passes t (seconds): the server decides expiry
// on the same clock, so past it the answer is certain.
async function clockPast(t) {
  while (Date.now() / 1000 <= t) await new Promise((r) => setTimeout(r, 100));
}

test('sessions end at their absolute and idle expiries; a request keeps an idle one alive', async () => {
  const own = makeStore();
  const s2 = await startServer(own.db, { args: ['--session-idle', '10', '--session-max', '30'] });
  try {
    addPerson(own.db, 'ida', 'FR', PW);
    // Idle: no request for 10 s.
    const a = await signIn(s2.base, 'ida', PW);
    assert.equal(a.status, 201);
    assert.equal(a.body.idle, 10);
    const idleEnd = Date.parse(a.body.idle_expires) / 1000;
    assert.match(a.setCookie, /Max-Age=30/);
    // Kept alive: a request after 6 s moves its idle end past the first.
    const b = await signIn(s2.base, 'ida', PW);
    const bStart = Date.parse(b.body.idle_expires) / 1000 - 10;
    await clockPast(bStart + 6);
    assert.equal((await asPerson(s2.base, b, 'GET', '/api/v1/whoami')).status, 200);
    await clockPast(idleEnd + 1);
    const idle = await asPerson(s2.base, a, 'GET', '/api/v1/whoami');
    assert.equal(idle.status, 401);
    assert.match(idle.body.error.message, /expired/);
    await clockPast(bStart + 11);
    assert.equal((await asPerson(s2.base, b, 'GET', '/api/v1/whoami')).status, 200,
      'a session seen 5 s ago is not idle');
    // Absolute: whatever the requests, 30 s after sign-in.
    const end = Date.parse(b.body.expires) / 1000;
    assert.equal(end - bStart, 30);
    while (Date.now() / 1000 <= end + 1) {
      const r = await asPerson(s2.base, b, 'GET', '/api/v1/whoami');
      if (r.status === 401) break;
      assert.equal(r.status, 200);
      await new Promise((res) => setTimeout(res, 1000));
    }
    const gone = await asPerson(s2.base, b, 'GET', '/api/v1/whoami');
    assert.equal(gone.status, 401);
    assert.match(gone.body.error.message, /expired/);
  } finally {
    await s2.stop();
    own.cleanup();
  }
});
