// calendar.test.mjs - GET /api/v1/calendar.ics?key=...: a principal's
// deadlines and conclusions as an iCalendar feed, read back with a real
// RFC 5545 parser (Debian's python3-icalendar, tests/http/tools/ical_parse.py),
// fetched as a calendar program fetches it: no Authorization header.
//
// What each feed must hold is derived from the rules of sight
// (docs/ARCHITECTURE.md, "Access"), not from the feed itself:
//   FR  (member, not in the NPG)  NAC proposals; never the NPG's
//   US  (member, in the NPG)      the NPG's too
//   JP  (partner)                 the shared one, and the adopted one the
//                                 public sees; nothing else
//   secretariat                   everything with a date
// An open proposal without a deadline (a meeting) has no date: in no feed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { parseFeed } from './ical.mjs';
import { council, makeStore, startServer, api, isoIn } from './lib.mjs';

const DAY = 86400;
// A title with what TEXT must escape (, ;) and multi-byte letters, long
// enough to be folded more than once.
const TITLE = 'Bureau de liaison à Tokyo; première présence de l’Alliance en Asie, '
  + 'ouverte après consultation: ¿qué opinan los aliados? 東京連絡事務所';

let store, srv;
const ids = {};
const feeds = {};   // principal -> { id, url }
const tokenIds = {};

async function parse(text) {
  const r = await parseFeed(text);
  assert.deepEqual(r.problems, [], 'every line CRLF, at most 75 octets, UTF-8 on its own');
  return r;
}

// The feed as a calendar program fetches it: no Authorization header.
async function fetchFeed(url, headers = {}) {
  await new Promise((r) => setTimeout(r, 0));
  const r = await fetch(url, { headers });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

const byUid = (events) => Object.fromEntries(events.map((e) => [e.UID, e]));
const uid = (id) => `proposal-${id}@council`;
const sec = (method, path, body) => api(srv.base, store.tokens.secretariat, method, path, body);

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const mk = async (b) => {
    const r = await sec('POST', '/api/v1/proposals', b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  ids.nac = (await mk({ body: 'NAC', title: TITLE, procedure: 'silence', deadline: isoIn(40 * DAY) })).id;
  ids.npg = (await mk({ body: 'NPG', title: 'NPG: hidden from France', procedure: 'silence',
    deadline: isoIn(50 * DAY) })).id;
  ids.shared = (await mk({ body: 'NAC', title: 'shared with partners', procedure: 'silence',
    deadline: isoIn(60 * DAY), shared: true })).id;
  ids.meeting = (await mk({ body: 'NAC', title: 'an open meeting, no date' })).id;
  ids.broken = (await mk({ body: 'NAC', title: 'silence France breaks', procedure: 'silence',
    deadline: isoIn(70 * DAY) })).id;
  ids.adopted = (await mk({ body: 'NAC', title: 'a meeting, adopted' })).id;
  const pos = async (tok, id, body) => {
    const r = await api(srv.base, tok, 'POST', `/api/v1/proposals/${id}/positions`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  await pos(store.tokens.FR, ids.broken, { position: 'object', reason: 'not yet' });
  for (const m of ['FR', 'US', 'HU']) await pos(store.tokens[m], ids.adopted, { position: 'concur' });
  const c = await sec('POST', `/api/v1/proposals/${ids.adopted}/conclude`);
  assert.equal(c.body.outcome, 'adopted');

  for (const t of JSON.parse(council(store.db, 'token', 'list', '--json')).tokens) {
    tokenIds[t.role === 'secretariat' ? 'secretariat' : t.code] ??= t.id;
  }
  for (const who of ['secretariat', 'FR', 'US', 'JP']) {
    feeds[who] = JSON.parse(council(store.db, 'token', 'feed', String(tokenIds[who]),
      '--url', srv.base, '--json'));
  }
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

test('the subscribe URL is the whole URL, on this server, with its key', () => {
  for (const f of Object.values(feeds))
    assert.match(f.url, new RegExp(`^${srv.base}/api/v1/calendar\\.ics\\?key=cn_[A-Za-z0-9_-]{43}$`));
});

test("a delegation's feed, fetched without a token, parses and holds its deadlines and conclusions", async () => {
  const r = await fetchFeed(feeds.FR.url);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-type'), 'text/calendar; charset=utf-8');
  assert.match(r.headers.get('cache-control'), /\bprivate\b/);
  assert.ok(r.text.startsWith('BEGIN:VCALENDAR\r\n'));
  const cal = await parse(r.text);
  assert.equal(cal.calendar.VERSION, '2.0');
  assert.equal(cal.calendar.METHOD, 'PUBLISH');
  assert.equal(cal.calendar.CALSCALE, 'GREGORIAN');
  assert.ok(cal.calendar.PRODID && cal.calendar['X-WR-CALNAME'].includes('FR'));

  const ev = byUid(cal.events);
  const view = async (id) => (await sec('GET', `/api/v1/proposals/${id}`)).body;
  const nac = await view(ids.nac), broken = await view(ids.broken), adopted = await view(ids.adopted);
  assert.deepEqual(Object.keys(ev).sort(),
    [ids.nac, ids.shared, ids.broken, ids.adopted].map(uid).sort(),
    'NAC silences, the broken one and the adopted meeting; not the NPG, not the undated meeting');

  assert.equal(ev[uid(ids.nac)].DTSTART, nac.deadline);
  assert.equal(ev[uid(ids.nac)].SUMMARY, `Silence ends: ${TITLE}`, 'escaped and folded text comes back whole');
  assert.equal(ev[uid(ids.nac)].URL, `${srv.base}/#/proposals/${ids.nac}`);
  assert.equal(ev[uid(ids.nac)].STATUS, 'CONFIRMED');
  assert.ok(ev[uid(ids.nac)].DTSTAMP && ev[uid(ids.nac)]['LAST-MODIFIED']);

  // Broken before its deadline: the deadline will not come.
  assert.equal(broken.status, 'concluded');
  assert.equal(ev[uid(ids.broken)].STATUS, 'CANCELLED');
  assert.equal(ev[uid(ids.broken)].DTSTART, broken.deadline);
  assert.match(ev[uid(ids.broken)].SUMMARY, /^Blocked: silence France breaks$/);
  assert.ok(ev[uid(ids.broken)].DESCRIPTION.includes(broken.explanation), 'says how it ended');

  // A meeting has no deadline: it is on the calendar when it concluded.
  assert.equal(ev[uid(ids.adopted)].DTSTART, adopted.concluded);
  assert.equal(ev[uid(ids.adopted)].SUMMARY, 'Adopted: a meeting, adopted');
});

test('sight: each feed shows what its principal sees, never a hidden proposal', async () => {
  const uids = async (who) => (await parse((await fetchFeed(feeds[who].url)).text)).events.map((e) => e.UID).sort();
  const all = [ids.nac, ids.npg, ids.shared, ids.broken, ids.adopted].map(uid).sort();
  assert.deepEqual(await uids('secretariat'), all);
  assert.deepEqual(await uids('US'), all, 'the US sits on the NPG');
  assert.ok(!(await uids('FR')).includes(uid(ids.npg)), 'France is not in the NPG');
  assert.deepEqual(await uids('JP'), [ids.shared, ids.adopted].map(uid).sort(),
    'a partner: the shared proposal and what the public sees');
  const jp = (await fetchFeed(feeds.JP.url)).text;
  assert.ok(!jp.includes('NPG') && !jp.includes('Tokyo'), 'no hidden title anywhere in the bytes');
});

test('?lang=fr: the words in French, with French typography, said in Content-Language; English by default', async () => {
  const NNBSP = '\u202f';
  const en = await fetchFeed(feeds.FR.url);
  assert.equal(en.headers.get('content-language'), 'en', 'English without ?lang');
  const r = await fetchFeed(`${feeds.FR.url}&lang=fr`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('content-language'), 'fr');
  const cal = await parse(r.text);
  assert.equal(cal.calendar['X-WR-CALNAME'], `council${NNBSP}: délégation FR`);
  const ev = byUid(cal.events);
  assert.equal(ev[uid(ids.nac)].SUMMARY, `Fin de l’accord tacite${NNBSP}: ${TITLE}`,
    'the title as written, after the French words');
  assert.equal(ev[uid(ids.broken)].SUMMARY, `Bloquée${NNBSP}: silence France breaks`);
  assert.equal(ev[uid(ids.adopted)].SUMMARY, `Adoptée${NNBSP}: a meeting, adopted`);
  assert.match(ev[uid(ids.nac)].DESCRIPTION, new RegExp(`^Proposition ${ids.nac} soumise à .+ \\(procédure d’accord tacite\\)\\.$`));
  assert.match(ev[uid(ids.adopted)].DESCRIPTION, new RegExp(`^Proposition ${ids.adopted} soumise à .+ \\(réunion\\)\\.\\n`),
    'a concluded one: how it ended on the next line');
  for (const e of cal.events) assert.ok(!/ :/.test(e.SUMMARY), `no plain space before a colon: ${e.SUMMARY}`);
  // The same events, at the same times, whatever the language.
  const enCal = await parse(en.text);
  assert.deepEqual(cal.events.map((e) => [e.UID, e.DTSTART, e.STATUS]),
    enCal.events.map((e) => [e.UID, e.DTSTART, e.STATUS]));
  assert.equal(ev[uid(ids.nac)].SUMMARY === byUid(enCal.events)[uid(ids.nac)].SUMMARY, false);
});

test('?lang= other than en or fr is refused, naming lang; a bad key stays 404 whatever the lang', async () => {
  for (const bad of ['de', 'fr-FR', 'french', '']) {
    const r = await fetchFeed(`${feeds.FR.url}&lang=${encodeURIComponent(bad)}`);
    assert.equal(r.status, 400, `lang=${bad}: ${r.text}`);
    assert.match(JSON.parse(r.text).error.message, /^lang: '.*' is not a language of council: en or fr$/);
  }
  const r = await fetchFeed(`${srv.base}/api/v1/calendar.ics?key=cn_${'A'.repeat(43)}&lang=fr`);
  assert.equal(r.status, 404);
});

test('the same record gives the same bytes: stable UIDs, ETag and 304', async () => {
  const a = await fetchFeed(feeds.FR.url), b = await fetchFeed(feeds.FR.url);
  assert.equal(a.text, b.text);
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{32}"$/);
  assert.equal(b.headers.get('etag'), etag);
  const c = await fetchFeed(feeds.FR.url, { 'If-None-Match': etag });
  assert.equal(c.status, 304);
  assert.equal(c.text, '');
  const d = await fetchFeed(feeds.FR.url, { 'If-None-Match': '"0000"' });
  assert.equal(d.status, 200);
});

test('an extension moves the deadline, keeps the UID and raises SEQUENCE', async () => {
  const before_ = byUid((await parse((await fetchFeed(feeds.FR.url)).text)).events)[uid(ids.nac)];
  const etag = (await fetchFeed(feeds.FR.url)).headers.get('etag');
  const deadline = isoIn(45 * DAY);
  const r = await sec('POST', `/api/v1/proposals/${ids.nac}/extend`, { deadline });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const f = await fetchFeed(feeds.FR.url, { 'If-None-Match': etag });
  assert.equal(f.status, 200, 'a changed feed is not 304');
  const after_ = byUid((await parse(f.text)).events)[uid(ids.nac)];
  assert.equal(after_.DTSTART, deadline);
  assert.ok(after_.SEQUENCE > before_.SEQUENCE, `${after_.SEQUENCE} > ${before_.SEQUENCE}`);

  const r2 = await sec('POST', `/api/v1/proposals/${ids.nac}/recirculate`,
    { text: 'revised text', deadline: isoIn(41 * DAY) });
  assert.equal(r2.status, 200, JSON.stringify(r2.body));
  const again = byUid((await parse((await fetchFeed(feeds.FR.url)).text)).events)[uid(ids.nac)];
  assert.ok(again.SEQUENCE > after_.SEQUENCE, 'a recirculation to an earlier deadline raises it too');
});

test('a wrong, revoked or orphaned key is 404, like a missing one; a key is no bearer token', async () => {
  const missing = await fetchFeed(`${srv.base}/api/v1/calendar.ics`);
  assert.equal(missing.status, 404);
  const wrong = await fetchFeed(`${srv.base}/api/v1/calendar.ics?key=cn_${'A'.repeat(43)}`);
  assert.equal(wrong.status, 404);
  assert.equal(wrong.text, missing.text);

  const key = new URL(feeds.FR.url).searchParams.get('key');
  assert.equal((await api(srv.base, key, 'GET', '/api/v1/whoami')).status, 401);

  // A feed of its own, revoked alone: the owner's other feed still works.
  const extra = JSON.parse(council(store.db, 'token', 'feed', String(tokenIds.FR), '--url', srv.base, '--json'));
  assert.equal((await fetchFeed(extra.url)).status, 200);
  council(store.db, 'token', 'revoke', String(extra.id));
  const revoked = await fetchFeed(extra.url);
  assert.equal(revoked.status, 404);
  assert.equal(revoked.text, missing.text);
  assert.equal((await fetchFeed(feeds.FR.url)).status, 200);

  // Its owner revoked: every feed of that token dies with it.
  const owner = JSON.parse(council(store.db, 'token', 'issue', '--member', 'HU', '--json'));
  const feed = JSON.parse(council(store.db, 'token', 'feed', String(owner.id), '--url', srv.base, '--json'));
  assert.equal((await fetchFeed(feed.url)).status, 200);
  council(store.db, 'token', 'revoke', String(owner.id));
  assert.equal((await fetchFeed(feed.url)).status, 404);

  // No feed of a feed, nor of a revoked token.
  assert.throws(() => council(store.db, 'token', 'feed', String(feed.id)), /no valid token/);
  assert.throws(() => council(store.db, 'token', 'feed', String(owner.id)), /no valid token/);
});

test('over the API a token makes, lists and revokes its own feeds', async () => {
  const owner = JSON.parse(council(store.db, 'token', 'issue', '--member', 'US', '--json'));
  const made = await api(srv.base, owner.token, 'POST', '/api/v1/calendar/feeds', { label: 'office PC' });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.label, 'office PC');
  assert.match(made.body.url, new RegExp(`^${srv.base}/api/v1/calendar\\.ics\\?key=cn_[A-Za-z0-9_-]{43}$`));
  // What it serves is the owner's sight: a US delegation sees the NPG.
  const r = await fetchFeed(made.body.url);
  assert.equal(r.status, 200);
  assert.ok((await parse(r.text)).events.some((e) => e.UID === uid(ids.npg)));

  const bare = await api(srv.base, owner.token, 'POST', '/api/v1/calendar/feeds');
  assert.equal(bare.status, 201, 'a body is optional');
  assert.equal(bare.body.label, null);
  const list = await api(srv.base, owner.token, 'GET', '/api/v1/calendar/feeds');
  assert.deepEqual(list.body.feeds.map((f) => [f.id, f.label]), [[made.body.id, 'office PC'], [bare.body.id, null]]);
  assert.ok(!JSON.stringify(list.body).includes('cn_'), 'the list never shows a key');

  const long = await api(srv.base, owner.token, 'POST', '/api/v1/calendar/feeds', { label: 'x'.repeat(121) });
  assert.equal(long.status, 400);
  assert.match(long.body.error.message, /label/);
  const extra = await api(srv.base, owner.token, 'POST', '/api/v1/calendar/feeds', { lable: 'typo' });
  assert.equal(extra.status, 400);
  assert.match(extra.body.error.message, /lable/);

  // Another token cannot revoke it: to it, the feed does not exist.
  const other = await api(srv.base, store.tokens.FR, 'POST', `/api/v1/calendar/feeds/${made.body.id}/revoke`);
  assert.equal(other.status, 404);
  assert.equal((await fetchFeed(made.body.url)).status, 200);
  const rev = await api(srv.base, owner.token, 'POST', `/api/v1/calendar/feeds/${made.body.id}/revoke`);
  assert.equal(rev.status, 200, JSON.stringify(rev.body));
  assert.equal(rev.body.id, made.body.id);
  assert.equal((await fetchFeed(made.body.url)).status, 404);
  const again = await api(srv.base, owner.token, 'POST', `/api/v1/calendar/feeds/${made.body.id}/revoke`);
  assert.equal(again.status, 404);
  assert.deepEqual((await api(srv.base, owner.token, 'GET', '/api/v1/calendar/feeds')).body.feeds.map((f) => f.id),
    [bare.body.id]);

  // The token revoked: its feeds die with it.
  council(store.db, 'token', 'revoke', String(owner.id));
  assert.equal((await fetchFeed(bare.body.url)).status, 404);
});

// A feed holds at most 500 open proposals: with more, those whose
// deadlines come first.  It read the 500 oldest by id, so a proposal
// made last, due first, was not in it.  (Last in this file: it leaves
// 501 more open.)
test('with more than 500 open, the feed holds the 500 due first', async () => {
  const N = 501;
  const made = [];
  for (let i = 0; i < N; i += 16) {
    const rs = await Promise.all(Array.from({ length: Math.min(16, N - i) }, (_, k) =>
      sec('POST', '/api/v1/proposals', { body: 'NAC', title: `Item ${i + k}`, procedure: 'silence',
        deadline: isoIn(20 * DAY + (N - i - k) * 60) })));
    for (const r of rs) {
      assert.equal(r.status, 201, JSON.stringify(r.body));
      made.push(r.body);
    }
  }
  const latest = made.reduce((a, b) => (a.deadline > b.deadline ? a : b));
  const soonest = made.reduce((a, b) => (a.deadline < b.deadline ? a : b));
  const ev = byUid((await parse((await fetchFeed(feeds.FR.url)).text)).events);
  const open = made.filter((p) => ev[uid(p.id)]);
  assert.equal(open.length, N - 1, 'all but one of the new ones');
  assert.ok(ev[uid(soonest.id)], `the one due first (${soonest.id}, made among the last) is in`);
  assert.ok(!ev[uid(latest.id)], 'the one due last of them is not');
  for (const id of [ids.nac, ids.shared])
    assert.ok(!ev[uid(id)], `${id}: open, due later than 500 others`);
  for (const id of [ids.broken, ids.adopted])
    assert.ok(ev[uid(id)], `${id}: concluded lately, in its own list`);
});
