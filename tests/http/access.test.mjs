// access.test.mjs - who may see and do what, route by route.
//
// The rules (src/server/server.h, docs/api.yaml "ACCESS"):
//   secretariat  sees every proposal, full; alone proposes, extends,
//                recirculates, concludes, withdraws; states no position.
//   member       sees the proposals of the bodies its member sits on today,
//                full (with positions), and what the public sees, redacted
//                (tests/http/sight.test.mjs); states positions for its member only.
//   partner      sees only proposals with shared=true, redacted.
//   public       (no token) sees concluded adopted proposals, redacted.
// Not visible: 404, as if absent.  Writes: no token 401; a token lacking the
// role, 404 when the proposal is not visible to it, else 403.  A malformed,
// unknown or revoked token: 401 everywhere.
//
// The matrix below is the specification: one row
//   [principal, method, path, body, expectedStatus, expectation]
// per test.  {label} in a path is one of the proposals made in before():
//   open      an open NAC meeting proposal
//   npg       an open NPG meeting proposal (France is not in the NPG)
//   shared    an open NAC meeting proposal, shared=true
//   adopted   a NAC meeting proposal, FR/US/HU concurred, concluded: adopted
//   blocked   a NAC meeting proposal, FR objected, concluded: blocked
//   silence   an open NAC silence procedure, deadline a year away
//   toConclude, toWithdraw  open NAC meeting proposals the secretariat
//             concludes (FR objected: blocked) and withdraws in the matrix
//   npgSilence an open NPG silence procedure, deadline a year away
//   none      an id no proposal has
//
// The calendar feed (GET /api/v1/calendar.ics?key={feed}) is fetched as a
// calendar program fetches it, with no Authorization header: {feed} is the
// key of a feed made for the row's principal's token.  It shows only
// proposals with a date (a deadline, or a conclusion), so of the labelled
// ones: silence, npgSilence, adopted, blocked, each as that principal sees
// it.  The public has no token, hence no feed.
//
// Feeds are made, listed and revoked (/api/v1/calendar/feeds) by a token
// for itself: {spare:WHO} in a path is a spare feed made for WHO's token,
// which only WHO may revoke; to anyone else it does not exist (404).
//
// Webhooks (/api/v1/webhooks) are a token's own, as feeds are:
// {hook:WHO} is a webhook of WHO's token (read, its delivery log),
// {hookspare:WHO} one WHO may revoke; to anyone else each does not exist
// (404), and the public, which has no token, gets 401.  Each principal's
// token also has a webhook made before anything was proposed, whose
// receiver (node:http on 127.0.0.1) checks every signature: its rows
// ('webhook') compare what it was sent with what /log shows the same
// principal, and no delivery to a partner or to France carries an event
// of a proposal hidden from it.  Each token also has an e-mail
// subscription (docs/MAIL.md) to a real SMTP listener (maillib.mjs): its
// rows ('mail') compare the webhook body each message carries with what
// /log shows, with the same rule, and {mail:WHO} is read like a webhook.
//
// People (a session cookie, POST /api/v1/session) act as their
// delegation's token would: 'person:WHO' rows run as a person of WHO's
// delegation (or the secretariat), signed in with a password, over the
// same grid of reads, sights and writes.  A person's calendar feed,
// webhook and e-mail subscription are its own (made in before(), with a
// session, as {feed}, {hook:person:WHO}, {mail:person:WHO}): the same
// rows as a token's, and its delegation's token finds none of them
// (404), nor the person the token's.  And every writing route of
// docs/api.yaml refuses a session cookie sent without its CSRF token
// ('nocsrf' rows), or from another site ('crosssite' rows): 403 csrf,
// before anything else is looked at.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHmac } from 'node:crypto';
import { parseFeed } from './ical.mjs';
import { readFileSync } from 'node:fs';
import { council, makeStore, startServer, isoIn, addPerson, signIn, recordAnswer } from './lib.mjs';
import { securityOf } from './spec.mjs';
import { openStream } from './sse.mjs';
import { startSink, stopSink, mails, carried } from './maillib.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DAY = 86400;
const COMMENT = { position: 'comment', text: 'for the record' };
const EXTEND = { deadline: isoIn(500 * DAY) };
const RECIRC = { text: 'revised text', deadline: isoIn(600 * DAY) };
const PROPOSE = { body: 'NAC', title: 'matrix: a new proposal' };
const FORGED = 'cn_' + 'A'.repeat(43); // well-formed, never issued

// Authorization header values; null: no header (the public).
const AUTH = {};
// Each principal's calendar feed key (made in before()).
const FEEDS = {};
// A calendar row: the feed of the row's principal, fetched without a token.
const calendar = (who, labels) =>
  [who, 'GET', '/api/v1/calendar.ics?key={feed}', undefined, 200, { calendar: labels }];
// Spare feeds, by owner, made in before() for the revoke rows.
const SPARE = {};
// Feed management rows: list and make one's own; revoke one's own spare
// (200), and try another's (404).
const feedRows = (who, other) => [
  [who, 'GET', '/api/v1/calendar/feeds', undefined, 200, { feeds: who }],
  [who, 'POST', '/api/v1/calendar/feeds', { label: `matrix ${who}` }, 201, { has: 'url' }],
  [who, 'POST', `/api/v1/calendar/feeds/{spare:${other}}/revoke`, undefined, 404, null],
  [who, 'POST', `/api/v1/calendar/feeds/{spare:${who}}/revoke`, undefined, 200, { has: 'revoked' }],
  [who, 'POST', `/api/v1/calendar/feeds/{spare:${who}}/revoke`, undefined, 404, null],
];

// Webhooks, by owner, made in before(): HOOKS[who] receives every event,
// HOOKSPARE[who] is revoked by the rows.
const HOOKS = {};
const HOOKSPARE = {};
// E-mail subscriptions, by owner, made in before(), each to its own
// address: every event its token may see.
const MAILS = {};
const mailTo = (who) => `${who.toLowerCase().replace(':', '-')}@matrix.example`;
let sink;
// Where the matrix's own webhook goes: nothing listens there, and it
// waits for a type the matrix never records.
const HOOK_BODY = { url: 'http://127.0.0.1:9/matrix', types: ['office.closed'] };
// Webhook rows: list and make one's own, read one's own and its delivery
// log, revoke one's own (200, then 404); another's is 404 throughout.
const hookRows = (who, other) => [
  [who, 'GET', '/api/v1/webhooks', undefined, 200, { hooks: who }],
  [who, 'POST', '/api/v1/webhooks', HOOK_BODY, 201, { has: 'secret' }],
  [who, 'POST', '/api/v1/webhooks', { email: `spare-${mailTo(who)}`, types: ['office.closed'] }, 201, { has: 'email' }],
  [who, 'GET', `/api/v1/webhooks/{mail:${who}}`, undefined, 200, { has: 'email' }],
  [who, 'GET', `/api/v1/webhooks/{mail:${other}}`, undefined, 404, null],
  [who, 'GET', `/api/v1/webhooks/{mail:${who}}/deliveries`, undefined, 200, { has: 'deliveries' }],
  [who, 'GET', `/api/v1/webhooks/{mail:${other}}/deliveries`, undefined, 404, null],
  [who, 'GET', `/api/v1/webhooks/{hook:${who}}`, undefined, 200, { has: 'url' }],
  [who, 'GET', `/api/v1/webhooks/{hook:${other}}`, undefined, 404, null],
  [who, 'GET', `/api/v1/webhooks/{hook:${who}}/deliveries`, undefined, 200, { has: 'deliveries' }],
  [who, 'GET', `/api/v1/webhooks/{hook:${other}}/deliveries`, undefined, 404, null],
  [who, 'POST', `/api/v1/webhooks/{hookspare:${other}}/revoke`, undefined, 404, null],
  [who, 'POST', `/api/v1/webhooks/{hookspare:${who}}/revoke`, undefined, 200, { has: 'revoked' }],
  [who, 'POST', `/api/v1/webhooks/{hookspare:${who}}/revoke`, undefined, 404, null],
  // What its webhook was sent: what /log shows it, and nothing hidden.
  [who, 'GET', '/api/v1/log?limit=1000', undefined, 200, 'webhook'],
  // What its e-mail subscription was sent: the same.
  [who, 'GET', '/api/v1/log?limit=1000', undefined, 200, 'mail'],
];

// ---- the matrix -------------------------------------------------------------

const P = ['open', 'npg', 'shared', 'adopted', 'blocked'];

// GET /api/v1/proposals/{p} for p in P: 'full', 'redacted' or a status.
const gets = (who, views) => P.map((p, i) => typeof views[i] === 'string'
  ? [who, 'GET', `/api/v1/proposals/{${p}}`, undefined, 200, views[i]]
  : [who, 'GET', `/api/v1/proposals/{${p}}`, undefined, views[i], null]);
// POST .../positions (a comment, which changes no position) for p in P.
const positions = (who, codes) => P.map((p, i) =>
  [who, 'POST', `/api/v1/proposals/{${p}}/positions`, COMMENT, codes[i], codes[i] === 200 ? 'full' : null]);
// The four secretariat actions on each p in P, by someone who is not it.
const actions = (who, codes) => ['extend', 'recirculate', 'conclude', 'withdraw'].flatMap((a) =>
  P.map((p, i) => [who, 'POST', `/api/v1/proposals/{${p}}/${a}`,
    a === 'extend' ? EXTEND : a === 'recirculate' ? RECIRC : undefined, codes[i], null]));
// The routes everyone may read, alike for all.
const registry = (who) => [
  [who, 'GET', '/healthz', undefined, 200, { has: 'ok' }],
  [who, 'GET', '/api/v1/members?body=NPG', undefined, 200, { has: 'members' }],
  [who, 'GET', '/api/v1/bodies', undefined, 200, { has: 'bodies' }],
  [who, 'GET', '/api/v1/partners', undefined, 200, { has: 'partners' }],
  [who, 'GET', '/api/v1/offices?all', undefined, 200, { has: 'offices' }],
  [who, 'GET', '/api/v1/log?limit=1000', undefined, 200, 'log'],
  // The log again, as a stream from its start: what /log shows, no more.
  [who, 'GET', '/api/v1/events/stream?after=0', undefined, 200, 'stream'],
];

const ROWS = [
  // ---- the secretariat: sees all, full; every action but positions -------
  ...registry('secretariat'),
  ['secretariat', 'GET', '/api/v1/whoami', undefined, 200, { whoami: ['secretariat', null] }],
  ['secretariat', 'GET', '/api/v1/proposals', undefined, 200,
    { list: ['open', 'npg', 'shared', 'adopted', 'blocked', 'silence'], view: 'full' }],
  ...gets('secretariat', ['full', 'full', 'full', 'full', 'full']),
  calendar('secretariat', ['silence', 'npgSilence', 'adopted', 'blocked']),
  ...feedRows('secretariat', 'JP'),
  ...hookRows('secretariat', 'JP'),
  ['secretariat', 'GET', '/api/v1/proposals/{none}', undefined, 404, null],
  ['secretariat', 'POST', '/api/v1/proposals', PROPOSE, 201, 'full'],
  ...positions('secretariat', [403, 403, 403, 403, 403]),
  ['secretariat', 'POST', '/api/v1/proposals/{none}/positions', COMMENT, 404, null],
  ['secretariat', 'POST', '/api/v1/proposals/{silence}/extend', EXTEND, 200, 'full'],
  ['secretariat', 'POST', '/api/v1/proposals/{silence}/recirculate', RECIRC, 200, 'full'],
  ['secretariat', 'POST', '/api/v1/proposals/{toConclude}/conclude', undefined, 200, 'full'],
  ['secretariat', 'POST', '/api/v1/proposals/{toWithdraw}/withdraw', { reason: 'overtaken' }, 200, 'full'],
  ['secretariat', 'POST', '/api/v1/proposals/{open}/extend', EXTEND, 409, null],      // a meeting
  ['secretariat', 'POST', '/api/v1/proposals/{npg}/recirculate', RECIRC, 409, null],  // a meeting
  ['secretariat', 'POST', '/api/v1/proposals/{adopted}/conclude', undefined, 409, null],
  ['secretariat', 'POST', '/api/v1/proposals/{blocked}/withdraw', undefined, 409, null],
  ['secretariat', 'POST', '/api/v1/proposals/{none}/conclude', undefined, 404, null],

  // ---- France: a member delegation, not in the NPG -------------------------
  ...registry('FR'),
  ['FR', 'GET', '/api/v1/whoami', undefined, 200, { whoami: ['member', 'FR'] }],
  ['FR', 'GET', '/api/v1/proposals', undefined, 200,
    { list: ['open', 'shared', 'adopted', 'blocked', 'silence'], view: 'full' }],
  ['FR', 'GET', '/api/v1/proposals?body=NPG', undefined, 200, { list: [], view: 'full' }],
  ...gets('FR', ['full', 404, 'full', 'full', 'full']),
  calendar('FR', ['silence', 'adopted', 'blocked']),
  ...feedRows('FR', 'US'),
  ...hookRows('FR', 'US'),
  ['FR', 'POST', '/api/v1/proposals', PROPOSE, 403, null],
  ...positions('FR', [200, 404, 200, 409, 409]),
  ['FR', 'POST', '/api/v1/proposals/{open}/positions', { member: 'FR', ...COMMENT }, 200, 'full'],
  ['FR', 'POST', '/api/v1/proposals/{open}/positions', { member: 'US', ...COMMENT }, 403, null],
  ['FR', 'POST', '/api/v1/proposals/{open}/positions', { member: 'US', position: 'concur' }, 403, null],
  ['FR', 'POST', '/api/v1/proposals/{npg}/positions', { member: 'US', ...COMMENT }, 404, null],
  ...actions('FR', [403, 404, 403, 403, 403]),

  // ---- the United States: a member delegation, in every body ---------------
  ...registry('US'),
  ['US', 'GET', '/api/v1/whoami', undefined, 200, { whoami: ['member', 'US'] }],
  ['US', 'GET', '/api/v1/proposals', undefined, 200,
    { list: ['open', 'npg', 'shared', 'adopted', 'blocked', 'silence'], view: 'full' }],
  ['US', 'GET', '/api/v1/proposals?body=NPG', undefined, 200, { list: ['npg'], view: 'full' }],
  ...gets('US', ['full', 'full', 'full', 'full', 'full']),
  calendar('US', ['silence', 'npgSilence', 'adopted', 'blocked']),
  ...feedRows('US', 'FR'),
  ...hookRows('US', 'FR'),
  ['US', 'POST', '/api/v1/proposals', PROPOSE, 403, null],
  ...positions('US', [200, 200, 200, 409, 409]),
  ['US', 'POST', '/api/v1/proposals/{npg}/positions', { member: 'FR', ...COMMENT }, 403, null],
  ...actions('US', [403, 403, 403, 403, 403]),

  // ---- Hungary: a member delegation, in the NPG too ------------------------
  ...registry('HU'),
  ['HU', 'GET', '/api/v1/whoami', undefined, 200, { whoami: ['member', 'HU'] }],
  ['HU', 'GET', '/api/v1/proposals', undefined, 200,
    { list: ['open', 'npg', 'shared', 'adopted', 'blocked', 'silence'], view: 'full' }],
  ...gets('HU', ['full', 'full', 'full', 'full', 'full']),
  calendar('HU', ['silence', 'npgSilence', 'adopted', 'blocked']),
  ...feedRows('HU', 'secretariat'),
  ...hookRows('HU', 'secretariat'),
  ['HU', 'POST', '/api/v1/proposals', PROPOSE, 403, null],
  ...positions('HU', [200, 200, 200, 409, 409]),
  ...actions('HU', [403, 403, 403, 403, 403]),

  // ---- Japan: a partner; only what is shared, redacted ---------------------
  ...registry('JP'),
  ['JP', 'GET', '/api/v1/whoami', undefined, 200, { whoami: ['partner', 'JP'] }],
  // A partner sees what is shared with partners and what the public sees.
  ['JP', 'GET', '/api/v1/proposals', undefined, 200, { list: ['shared', 'adopted'], view: 'redacted', exact: true }],
  ['JP', 'GET', '/api/v1/proposals?status=concluded', undefined, 200, { list: ['adopted'], view: 'redacted', exact: true }],
  ...gets('JP', [404, 404, 'redacted', 'redacted', 404]),
  calendar('JP', ['adopted']),
  ...feedRows('JP', 'HU'),
  ...hookRows('JP', 'HU'),
  ['JP', 'GET', '/api/v1/proposals/{silence}', undefined, 404, null],
  ['JP', 'POST', '/api/v1/proposals', PROPOSE, 403, null],
  ...positions('JP', [404, 404, 403, 403, 404]),
  ...actions('JP', [404, 404, 403, 403, 404]),

  // ---- the public: no token; adopted decisions, redacted; writes 401 -------
  ...registry('public'),
  ['public', 'GET', '/api/v1/whoami', undefined, 200, { whoami: ['public', null] }],
  ['public', 'GET', '/api/v1/proposals', undefined, 200, { list: ['adopted'], view: 'redacted', exact: true }],
  ['public', 'GET', '/api/v1/proposals?status=blocked', undefined, 200, { list: [], view: 'redacted', exact: true }],
  ...gets('public', [404, 404, 404, 'redacted', 404]),
  // No token, no feed: a key is needed, and no key is not the public's.
  ['public', 'GET', '/api/v1/calendar.ics', undefined, 404, null],
  ['public', 'GET', '/api/v1/calendar/feeds', undefined, 401, null],
  ['public', 'POST', '/api/v1/calendar/feeds', {}, 401, null],
  ['public', 'POST', '/api/v1/calendar/feeds/{spare:FR}/revoke', undefined, 401, null],
  ['public', 'GET', '/api/v1/webhooks', undefined, 401, null],
  ['public', 'POST', '/api/v1/webhooks', HOOK_BODY, 401, null],
  ['public', 'POST', '/api/v1/webhooks', { email: 'public@matrix.example' }, 401, null],
  ['public', 'GET', '/api/v1/webhooks/{mail:FR}', undefined, 401, null],
  ['public', 'GET', '/api/v1/webhooks/{hook:FR}', undefined, 401, null],
  ['public', 'GET', '/api/v1/webhooks/{hook:FR}/deliveries', undefined, 401, null],
  ['public', 'POST', '/api/v1/webhooks/{hookspare:FR}/revoke', undefined, 401, null],
  ['public', 'POST', '/api/v1/proposals', PROPOSE, 401, null],
  ...positions('public', [401, 401, 401, 401, 401]),
  ['public', 'POST', '/api/v1/proposals/{none}/positions', COMMENT, 401, null],
  ...actions('public', [401, 401, 401, 401, 401]),

  // ---- tokens that stand for no one: 401 on every route --------------------
  ...['forged', 'short', 'basic', 'revoked'].flatMap((who) => [
    [who, 'GET', '/healthz', undefined, 401, null],
    [who, 'GET', '/api/v1/members', undefined, 401, null],
    [who, 'GET', '/api/v1/whoami', undefined, 401, null],
    [who, 'GET', '/api/v1/proposals', undefined, 401, null],
    [who, 'GET', '/api/v1/proposals/{adopted}', undefined, 401, null],
    [who, 'GET', '/api/v1/log', undefined, 401, null],
    [who, 'GET', '/api/v1/calendar.ics', undefined, 401, null],
    [who, 'GET', '/api/v1/calendar/feeds', undefined, 401, null],
    [who, 'POST', '/api/v1/calendar/feeds', {}, 401, null],
    [who, 'GET', '/api/v1/webhooks', undefined, 401, null],
    [who, 'POST', '/api/v1/webhooks', HOOK_BODY, 401, null],
    [who, 'GET', '/api/v1/webhooks/{hook:FR}/deliveries', undefined, 401, null],
    [who, 'GET', '/api/v1/events/stream', undefined, 401, null],
    [who, 'POST', '/api/v1/proposals/{open}/positions', COMMENT, 401, null],
    [who, 'POST', '/api/v1/proposals', PROPOSE, 401, null],
  ]),
];

// ---- people: the same grid through a session cookie -----------------------------

const PEOPLE = ['secretariat', 'FR', 'US', 'HU', 'JP'];
// A person's subscriptions and its delegation's token's are apart.
const apart = (kind) => [
  [kind, 'GET', `/api/v1/webhooks/{hook:person:${kind}}`, undefined, 404, null],
  [kind, 'GET', `/api/v1/webhooks/{mail:person:${kind}}/deliveries`, undefined, 404, null],
  [kind, 'POST', `/api/v1/webhooks/{hookspare:person:${kind}}/revoke`, undefined, 404, null],
  [kind, 'POST', `/api/v1/calendar/feeds/{spare:person:${kind}}/revoke`, undefined, 404, null],
  [`person:${kind}`, 'GET', `/api/v1/webhooks/{mail:${kind}}`, undefined, 404, null],
];
// What each principal's calendar holds (the token rows' labels).
const CAL = {
  secretariat: ['silence', 'npgSilence', 'adopted', 'blocked'], FR: ['silence', 'adopted', 'blocked'],
  US: ['silence', 'npgSilence', 'adopted', 'blocked'], HU: ['silence', 'npgSilence', 'adopted', 'blocked'],
  JP: ['adopted'],
};
// The people routes: the secretariat's alone.
const peopleRows = (who, mine) => [
  [who, 'GET', '/api/v1/session', undefined, 200, { has: 'csrf' }],
  [who, 'GET', '/api/v1/people', undefined, mine ? 200 : 403, mine ? { has: 'people' } : null],
  [who, 'POST', '/api/v1/people', { name: `made-by-${who.replace(':', '-')}`, delegation: 'FR',
    password: 'a long password' }, mine ? 201 : 403, mine ? { has: 'id' } : null],
  [who, 'POST', '/api/v1/people/{person:gone}/disable', undefined, mine ? 200 : 403, null],
];
// want: 200 for a person (its own list, new options, 404 for a passkey
// that is not its own), else the status of every row.
const passkeyRows = (who, want) => [
  [who, 'GET', '/api/v1/passkeys', undefined, want, want === 200 ? { has: 'passkeys' } : null],
  [who, 'POST', '/api/v1/passkeys/options', {}, want, want === 200 ? { has: 'publicKey' } : null],
  [who, 'DELETE', '/api/v1/passkeys/999999', undefined, want === 200 ? 404 : want, null],
];
const GRID = {
  secretariat: [
    ['GET', '/api/v1/whoami', undefined, 200, { whoami: ['secretariat', null] }],
    ['GET', '/api/v1/proposals', undefined, 200,
      { list: ['open', 'npg', 'shared', 'adopted', 'blocked', 'silence'], view: 'full' }],
    ['POST', '/api/v1/proposals', PROPOSE, 201, 'full'],
    ['POST', '/api/v1/proposals/{open}/extend', EXTEND, 409, null],
    ['POST', '/api/v1/proposals/{adopted}/conclude', undefined, 409, null],
  ],
  FR: [
    ['GET', '/api/v1/whoami', undefined, 200, { whoami: ['member', 'FR'] }],
    ['GET', '/api/v1/proposals', undefined, 200,
      { list: ['open', 'shared', 'adopted', 'blocked', 'silence'], view: 'full' }],
    ['POST', '/api/v1/proposals', PROPOSE, 403, null],
    ['POST', '/api/v1/proposals/{open}/positions', { member: 'US', ...COMMENT }, 403, null],
  ],
  US: [
    ['GET', '/api/v1/whoami', undefined, 200, { whoami: ['member', 'US'] }],
    ['POST', '/api/v1/proposals', PROPOSE, 403, null],
  ],
  HU: [
    ['GET', '/api/v1/whoami', undefined, 200, { whoami: ['member', 'HU'] }],
  ],
  JP: [
    ['GET', '/api/v1/whoami', undefined, 200, { whoami: ['partner', 'JP'] }],
    ['GET', '/api/v1/proposals', undefined, 200, { list: ['shared', 'adopted'], view: 'redacted', exact: true }],
    ['POST', '/api/v1/proposals', PROPOSE, 403, null],
  ],
};
const VIEWS = {
  secretariat: ['full', 'full', 'full', 'full', 'full'], FR: ['full', 404, 'full', 'full', 'full'],
  US: ['full', 'full', 'full', 'full', 'full'], HU: ['full', 'full', 'full', 'full', 'full'],
  JP: [404, 404, 'redacted', 'redacted', 404],
};
const POSITIONS = {
  secretariat: [403, 403, 403, 403, 403], FR: [200, 404, 200, 409, 409], US: [200, 200, 200, 409, 409],
  HU: [200, 200, 200, 409, 409], JP: [404, 404, 403, 403, 404],
};
const ACTIONS = {
  FR: [403, 404, 403, 403, 403], US: [403, 403, 403, 403, 403], HU: [403, 403, 403, 403, 403],
  JP: [404, 404, 403, 403, 404],
};
for (const kind of PEOPLE) {
  const who = `person:${kind}`;
  ROWS.push(
    ...registry(who),
    ...GRID[kind].map((r) => [who, ...r]),
    ...gets(who, VIEWS[kind]),
    ...positions(who, POSITIONS[kind]),
    ...(ACTIONS[kind] ? actions(who, ACTIONS[kind]) : []),
    ...feedRows(who, kind),
    ...hookRows(who, kind),
    calendar(who, CAL[kind]),
    ...apart(kind),
    ...peopleRows(who, kind === 'secretariat'),
    ...passkeyRows(who, 200),
  );
}
// Passkeys are a person's own: a token has none (403), the public is
// asked to sign in (401), a person reads and begins its own and finds no
// one else's (404).  The ceremonies themselves: tests/http/passkeys.
for (const who of ['secretariat', 'FR', 'US', 'HU', 'JP']) ROWS.push(...passkeyRows(who, 403));
ROWS.push(...passkeyRows('public', 401));
for (const who of ['forged', 'revoked']) ROWS.push(...passkeyRows(who, 401));

// Every writing route of the spec, with a session and no CSRF token, or
// from another site: 403 csrf.  Sign-in itself takes no session and so no
// token; from another site it is refused all the same (login CSRF).
const SPEC_WRITES = readFileSync(new URL('../../docs/api.yaml', import.meta.url), 'utf8')
  .split('\n').reduce((acc, l) => {
    let m;
    if ((m = /^ {2}(\/\S*):\s*$/.exec(l))) acc.path = m[1];
    else if ((m = /^ {4}(post|delete|put|patch):\s*$/.exec(l))) acc.routes.push([m[1].toUpperCase(), acc.path]);
    return acc;
  }, { path: null, routes: [] }).routes;
for (const [method, path] of SPEC_WRITES) {
  const real = path.replace('{id}', '{open}');
  // The sign-in routes take no session, and so no CSRF token.
  if (!(method === 'POST' && /^\/api\/v1\/session(\/passkey(\/options)?)?$/.test(path))) {
    ROWS.push(['nocsrf', method, real, {}, 403, 'csrf']);
  }
  ROWS.push(['crosssite', method, real, {}, 403, 'csrf']);
}

// ---- setup --------------------------------------------------------------------

let store, srv;
const ids = {};

// Sessions, by principal: {cookie, csrf}; 'nocsrf' and 'crosssite' are
// the secretariat's person, without its token or from another site.
const SESSIONS = {};
const PERSONS = {};
const PASSWORD = 'matrix password';

// Every call made, for the check of the spec's `security` below.
const CALLS = [];

async function call(who, method, path, body) {
  const headers = {};
  const sess = SESSIONS[who.replace(/^person:/, '')];
  if (who.startsWith('person:') || who === 'nocsrf' || who === 'crosssite') {
    assert.ok(sess, `no session for ${who}`);
    headers.Cookie = `cn_session=${sess.cookie}`;
    if (who !== 'nocsrf') headers['X-CSRF-Token'] = sess.csrf;
    if (who === 'crosssite') headers.Origin = 'http://evil.example';
  } else if (AUTH[who] === undefined) throw new Error(`unknown principal ${who}`);
  if (AUTH[who]) headers.Authorization = AUTH[who];
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(srv.base + path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  recordAnswer(method, path, r.status, parsed, who);
  CALLS.push({ who, method, path, status: r.status });
  return { status: r.status, body: parsed };
}

async function ok(who, method, path, body, want = 200) {
  const r = await call(who, method, path, body);
  assert.equal(r.status, want, `setup ${who} ${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

before(async () => {
  store = makeStore();
  // Webhooks may reach the receiver on 127.0.0.1.
  sink = await startSink(mkdtempSync(join(tmpdir(), 'council-smtp-')));
  // --timeout: the delivery checks wait up to 60 s with fetch's
  // keep-alive connection idle; at the default 15 s the server closes it
  // as the next request arrives, which fetch reports as 'fetch failed'.
  srv = await startServer(store.db, { timeout: 120, args: ['--webhooks-allow-local', '--smtp',
    `smtp://127.0.0.1:${sink.port}`, '--mail-from', 'council@matrix.example',
    '--rp-id', 'localhost', '--origin', 'http://localhost:8443'] });
  for (const [who, tok] of Object.entries(store.tokens)) AUTH[who] = tok ? `Bearer ${tok}` : null;
  AUTH.forged = `Bearer ${FORGED}`;
  AUTH.short = 'Bearer xyz';
  AUTH.basic = 'Basic Zm9vOmJhcg==';

  // Each principal's webhook, made before anything is proposed, so that
  // it is sent every proposal's events its token may see.
  receiver = await startReceiver();
  for (const who of ['secretariat', 'FR', 'US', 'HU', 'JP']) {
    HOOKS[who] = await ok(who, 'POST', '/api/v1/webhooks',
      { url: `http://127.0.0.1:${receiver.port}/${who}` }, 201);
    HOOKSPARE[who] = (await ok(who, 'POST', '/api/v1/webhooks', HOOK_BODY, 201)).id;
    MAILS[who] = await ok(who, 'POST', '/api/v1/webhooks', { email: mailTo(who) }, 201);
  }
  // A person for each principal kind, signed in with a password, with a
  // webhook, an e-mail subscription and calendar feeds of its own; and
  // one for the secretariat's people to disable.
  for (const kind of PEOPLE) {
    const who = `person:${kind}`;
    PERSONS[kind] = addPerson(store.db, `matrix-${kind}`, kind === 'secretariat' ? null : kind, PASSWORD);
    SESSIONS[kind] = await signIn(srv.base, `matrix-${kind}`, PASSWORD);
    assert.equal(SESSIONS[kind].status, 201, JSON.stringify(SESSIONS[kind].body));
    HOOKS[who] = await ok(who, 'POST', '/api/v1/webhooks',
      { url: `http://127.0.0.1:${receiver.port}/${who}` }, 201);
    HOOKSPARE[who] = (await ok(who, 'POST', '/api/v1/webhooks', HOOK_BODY, 201)).id;
    MAILS[who] = await ok(who, 'POST', '/api/v1/webhooks', { email: mailTo(who) }, 201);
    FEEDS[who] = new URL((await ok(who, 'POST', '/api/v1/calendar/feeds', {}, 201)).url).searchParams.get('key');
    SPARE[who] = (await ok(who, 'POST', '/api/v1/calendar/feeds', { label: 'spare' }, 201)).id;
  }
  SESSIONS.nocsrf = SESSIONS.crosssite = SESSIONS.secretariat;
  PERSONS.gone = addPerson(store.db, 'matrix-gone', 'US', PASSWORD);

  const mk = async (b) => (await ok('secretariat', 'POST', '/api/v1/proposals', b, 201)).id;
  ids.open = await mk({ body: 'NAC', title: 'open NAC meeting' });
  ids.npg = await mk({ body: 'NPG', title: 'open NPG meeting' });
  ids.shared = await mk({ body: 'NAC', title: 'open NAC meeting, shared', shared: true });
  ids.adopted = await mk({ body: 'NAC', title: 'NAC meeting, to be adopted' });
  ids.blocked = await mk({ body: 'NAC', title: 'NAC meeting, to be blocked' });
  ids.silence = await mk({ body: 'NAC', title: 'NAC silence', procedure: 'silence',
    deadline: isoIn(365 * DAY) });
  ids.toConclude = await mk({ body: 'NAC', title: 'NAC meeting, the chair concludes' });
  ids.toWithdraw = await mk({ body: 'NAC', title: 'NAC meeting, withdrawn' });
  ids.npgSilence = await mk({ body: 'NPG', title: 'NPG silence', procedure: 'silence',
    deadline: isoIn(365 * DAY) });
  ids.none = 99999;

  const pos = (who, id, position) =>
    ok(who, 'POST', `/api/v1/proposals/${id}/positions`, { position });
  for (const m of ['FR', 'US', 'HU']) await pos(m, ids.adopted, 'concur');
  await pos('FR', ids.blocked, 'object');
  await pos('FR', ids.toConclude, 'object');
  await pos('US', ids.npg, 'concur');
  await pos('HU', ids.shared, 'concur');
  const a = await ok('secretariat', 'POST', `/api/v1/proposals/${ids.adopted}/conclude`);
  assert.equal(a.outcome, 'adopted');
  const b = await ok('secretariat', 'POST', `/api/v1/proposals/${ids.blocked}/conclude`);
  assert.equal(b.outcome, 'blocked');

  // A token that worked, then revoked with the CLI while the server runs.
  const issued = JSON.parse(council(store.db, 'token', 'issue', '--member', 'US', '--json'));
  AUTH.revoked = `Bearer ${issued.token}`;
  assert.equal((await call('revoked', 'GET', '/api/v1/whoami')).status, 200);
  council(store.db, 'token', 'revoke', String(issued.id));


  // A calendar feed for each principal's token (the first issued for it).
  const tokenIds = {};
  for (const t of JSON.parse(council(store.db, 'token', 'list', '--json')).tokens) {
    tokenIds[t.role === 'secretariat' ? 'secretariat' : t.code] ??= t.id;
  }
  for (const who of ['secretariat', 'FR', 'US', 'HU', 'JP']) {
    const url = JSON.parse(council(store.db, 'token', 'feed', String(tokenIds[who]), '--json')).url;
    FEEDS[who] = new URL(url).searchParams.get('key');
    SPARE[who] = JSON.parse(council(store.db, 'token', 'feed', String(tokenIds[who]), '--json')).id;
  }
});

after(async () => {
  if (srv) await srv.stop();
  if (receiver) await receiver.close();
  if (sink) {
    await stopSink(sink);
    rmSync(sink.dir, { recursive: true, force: true });
  }
  if (store) store.cleanup();
});

// The receiver of the principals' webhooks: every delivery, by path,
// with its signature checked as docs/WEBHOOKS.md says a receiver does.
let receiver;
function startReceiver() {
  const got = {};
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const who = req.url.slice(1);
      const body = Buffer.concat(chunks).toString('utf8');
      const sig = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(req.headers['council-signature'] || '');
      const want = sig && HOOKS[who] &&
        createHmac('sha256', HOOKS[who].secret).update(`${sig[1]}.${body}`).digest('hex');
      (got[who] ??= []).push({ body, signed: !!sig && want === sig[2] });
      res.writeHead(204);
      res.end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    got, port: server.address().port,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

// What who's webhook was sent, against /log as who reads it now: every
// event after the webhook was made, up to /log's last, each once (a
// duplicate would carry the same bytes) and signed; for France and Japan,
// none of a proposal hidden from them.
async function checkWebhook(who, page) {
  const kind = who.replace(/^person:/, '');
  const after = HOOKS[who].cursor;
  const want = page.events.filter((e) => e.seq > after);
  const last = page.events.at(-1).seq;
  const deadline = Date.now() + 60000;
  const sent = () => (receiver.got[who] || []).map((g) => ({ ...g, event: JSON.parse(g.body) }));
  // Until the deliveries reach the page's last event and none before it
  // is owed: deliveries run concurrently (and a failed one is retried),
  // so the last may arrive before one behind it.  What stays owed after
  // the deadline is named by the assertions below.
  const owed = () => {
    const g = sent();
    const seqs = new Set(g.map((x) => x.event.seq));
    const late = (e) => g.some((x) => x.event.type === 'procedure.concluded' &&
      x.event.payload.outcome === 'adopted' && x.event.payload.proposal === proposalOf(e) &&
      x.event.seq > e.seq);
    return want.filter((e) => !seqs.has(e.seq) && !late(e)).length;
  };
  while (!sent().some((g) => g.event.seq >= last) || owed()) {
    if (Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(sent().some((g) => g.event.seq >= last), `${who}'s webhook never reached event ${last}`);
  const bySeq = new Map();
  for (const g of sent()) {
    assert.ok(g.signed, `${who}: delivery of event ${g.event.seq} not signed with its secret`);
    if (bySeq.has(g.event.seq)) assert.equal(g.body, bySeq.get(g.event.seq).body, `${who}: resent differently`);
    bySeq.set(g.event.seq, g);
  }
  const got = [...bySeq.values()].filter((g) => g.event.seq <= last).sort((a, b) => a.event.seq - b.event.seq);
  // Every delivery is the event exactly as /log shows it now.
  const logged = new Map(want.map((e) => [e.seq, JSON.stringify(e)]));
  for (const g of got) assert.equal(g.body, logged.get(g.event.seq), `${who}: event ${g.event.seq} differs from /log`);
  // And /log shows no more, but for what became visible only later: a
  // proposal adopted after its creation was hidden from a redacted sight
  // when the webhook passed its creation, as a stream passes it
  // (docs/api.yaml), and only its conclusion was sent.
  const adoptedLater = (e) => got.some((g) => g.event.type === 'procedure.concluded' &&
    g.event.payload.outcome === 'adopted' && g.event.payload.proposal === proposalOf(e) && g.event.seq > e.seq);
  const missing = want.filter((e) => !bySeq.has(e.seq));
  for (const e of missing) {
    assert.ok(SIGHT[kind] && !Object.values(SIGHT[kind]).every((v) => v === 'full') && adoptedLater(e),
      `${who}: event ${e.seq} (${e.type}) is in /log but was never sent`);
  }
  const label = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  for (const g of got) {
    const l = label[proposalOf(g.event)];
    if (P.includes(l) && SIGHT[kind]) assert.ok(SIGHT[kind][l], `${who}'s webhook carries ${g.event.type} of ${l}`);
  }
  if (kind === 'FR' || kind === 'JP') {
    assert.ok(!got.some((g) => [ids.npg, ids.npgSilence].includes(proposalOf(g.event))),
      `${who}'s webhook carries an NPG proposal's event`);
  }
}

// What who's e-mail subscription was sent, against /log as who reads it
// now: each message carries one event after the subscription was made,
// exactly as /log shows it (the webhook's rule), each once (a duplicate,
// at least once, has the same Message-ID); none of a proposal hidden
// from France or Japan.
async function checkMail(who, page) {
  const kind = who.replace(/^person:/, '');
  const after = MAILS[who].cursor;
  const want = page.events.filter((e) => e.seq > after);
  const last = page.events.at(-1).seq;
  const deadline = Date.now() + 60000;
  const sent = () => mails(sink.dir).filter((m) => m.envelope.to.includes(mailTo(who)))
    .map((m) => ({ id: m.headers['Message-ID'], event: carried(m) }));
  // Until the e-mails reach the page's last event, and every event its
  // webhook carried is mailed too: a delivery that failed under load is
  // retried later, after the ones behind it.
  const memberSight = kind === 'secretariat' || ['FR', 'US', 'HU'].includes(kind);
  const adoptedLate = new Set(memberSight ? [] : want
    .filter((e) => e.type === 'procedure.concluded' && e.payload.outcome === 'adopted')
    .map((e) => e.payload.proposal));
  // Judged on the same reading of the sink as the assertions below: a
  // second reading could see a message that arrived after `got` was read,
  // end the wait, and leave `got` without it.
  const owed = (got) => {
    const hooks = new Set((receiver.got[who] || []).map((g) => JSON.parse(g.body).seq));
    const mailed = new Set(got.map((g) => g.event.seq));
    return want.filter((e) => !(adoptedLate.has(proposalOf(e)) && e.type !== 'procedure.concluded') &&
      hooks.has(e.seq) && !mailed.has(e.seq));
  };
  let got = sent();
  while (!got.some((g) => g.event.seq >= last) || owed(got).length) {
    if (Date.now() >= deadline) break; // the assertions below say what is missing
    await new Promise((r) => setTimeout(r, 200));
    got = sent();
  }
  assert.ok(got.some((g) => g.event.seq >= last), `${who}'s e-mails never reached event ${last}`);
  const bySeq = new Map();
  for (const g of got) {
    if (bySeq.has(g.event.seq)) assert.equal(g.id, bySeq.get(g.event.seq).id, `${who}: event ${g.event.seq} mailed twice`);
    bySeq.set(g.event.seq, g);
  }
  const logged = new Map(want.map((e) => [e.seq, e]));
  const hooked = new Map((receiver.got[who] || []).map((g) => JSON.parse(g.body)).map((e) => [e.seq, e]));
  for (const g of bySeq.values()) {
    if (g.event.seq > last) continue;
    // As /log shows it, or (made visible later) as the webhook was sent it.
    assert.deepEqual(g.event, logged.get(g.event.seq) ?? hooked.get(g.event.seq),
      `${who}: the e-mail of event ${g.event.seq} differs from /log and from its webhook`);
  }
  // A proposal adopted during the run was hidden from a partner and the
  // public before: its earlier events are sent by whichever subscription
  // fills after the adoption, and skipped by one that filled before (each
  // has its own cursor, and each sends what /log showed then), so the
  // webhook and the e-mail may differ on them (adoptedLate, above).
  for (const e of want) {
    if (adoptedLate.has(proposalOf(e)) && e.type !== 'procedure.concluded') continue;
    assert.ok(bySeq.has(e.seq) || !hooked.has(e.seq) || !logged.has(e.seq),
      `${who}: event ${e.seq} (${e.type}) was sent to its webhook but not mailed`);
  }
  if (kind === 'FR' || kind === 'JP') {
    assert.ok(![...bySeq.values()].some((g) => [ids.npg, ids.npgSilence].includes(proposalOf(g.event))),
      `${who}'s e-mails carry an NPG proposal's event`);
  }
}

// ---- checking one answer -----------------------------------------------------------

const ERROR_CODES = { 400: ['invalid', 'malformed-json'], 401: ['unauthorized'], 403: ['forbidden'],
  404: ['not-found'], 409: ['concluded', 'refused'] };
const DELIBERATIONS = ['positions', 'outstanding', 'holding', 'verdict'];

function checkView(doc, view, what) {
  assert.equal(typeof doc, 'object', `${what}: not a JSON object`);
  assert.equal(typeof doc.id, 'number', `${what}: no id`);
  if (view === 'full') {
    assert.ok(Array.isArray(doc.positions), `${what}: full view without positions`);
    assert.ok(Array.isArray(doc.outstanding), `${what}: full view without outstanding`);
    assert.equal(doc.positions.length, doc.electorate_size, `${what}: a position per elector`);
    if (doc.status === 'open') assert.ok('verdict' in doc, `${what}: open, full, without verdict`);
  } else {
    for (const k of DELIBERATIONS) assert.ok(!(k in doc), `${what}: redacted view has '${k}'`);
    if (doc.status !== 'concluded') {
      assert.ok(!('explanation' in doc), `${what}: open, redacted, has explanation`);
      assert.ok(!('blocked_by' in doc), `${what}: open, redacted, has blocked_by`);
    }
    for (const k of ['title', 'body', 'status', 'electorate']) assert.ok(k in doc, `${what}: redacted lacks ${k}`);
  }
}

// What each principal may see of each labelled proposal (the same grid as
// the matrix's GET rows), for the log.
const SIGHT = {
  secretariat: { open: 'full', npg: 'full', shared: 'full', adopted: 'full', blocked: 'full' },
  FR: { open: 'full', shared: 'full', adopted: 'full', blocked: 'full' },
  US: { open: 'full', npg: 'full', shared: 'full', adopted: 'full', blocked: 'full' },
  HU: { open: 'full', npg: 'full', shared: 'full', adopted: 'full', blocked: 'full' },
  JP: { shared: 'redacted', adopted: 'redacted' },
  public: { adopted: 'redacted' },
};

const proposalOf = (e) => (e.type === 'proposal.created' ? e.payload.id : e.payload.proposal);

async function checkLog(who, page) {
  assert.equal(page.next, null, 'the whole log should fit one page of 1000');
  const mine = page.events;
  const all = (await call('secretariat', 'GET', '/api/v1/log?limit=1000')).body.events;
  const label = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  const isProposalEvent = (e) => typeof proposalOf(e) === 'number';
  // Registry events are everyone's.
  assert.deepEqual(mine.filter((e) => !isProposalEvent(e)).map((e) => e.seq),
    all.filter((e) => !isProposalEvent(e)).map((e) => e.seq), 'registry events differ');
  const kinds = (id) => mine.filter((e) => proposalOf(e) === id).map((e) => e.type);
  for (const e of mine.filter(isProposalEvent)) {
    const l = label[proposalOf(e)];
    if (who === 'secretariat') continue;
    if (who === 'JP' || who === 'public') {
      assert.ok(SIGHT[who][l], `${who} sees event ${e.seq} (${e.type}) of proposal ${proposalOf(e)} (${l ?? 'unlabelled'})`);
      assert.ok(['proposal.created', 'procedure.concluded'].includes(e.type),
        `${who} sees ${e.type} (event ${e.seq}) of proposal ${l}`);
    } else if (who === 'FR') {
      assert.notEqual(l, 'npg', `FR sees ${e.type} (event ${e.seq}) of the NPG proposal`);
    }
  }
  if (who === 'secretariat' || who === 'US' || who === 'HU') {
    for (const l of ['npg', 'shared', 'adopted', 'blocked']) {
      assert.ok(kinds(ids[l]).includes('position.stated'), `${who}: no position.stated of ${l}`);
    }
    assert.ok(kinds(ids.adopted).includes('procedure.concluded'));
  }
  if (who === 'FR') {
    assert.deepEqual(kinds(ids.npg), [], 'FR sees events of the NPG proposal');
    for (const l of ['shared', 'adopted', 'blocked']) {
      assert.ok(kinds(ids[l]).includes('position.stated'), `FR: no position.stated of ${l}`);
    }
  }
  if (who === 'JP') {
    const seen = mine.filter(isProposalEvent).map((e) => [label[proposalOf(e)], e.type]);
    assert.deepEqual(seen.map((x) => x.join(' ')).sort(),
      ['adopted procedure.concluded', 'adopted proposal.created', 'shared proposal.created']);
  }
  if (who === 'public') {
    const seen = mine.filter(isProposalEvent).map((e) => [label[proposalOf(e)], e.type]);
    assert.deepEqual(seen, [['adopted', 'proposal.created'], ['adopted', 'procedure.concluded']]);
  }
}

// A feed, read by python3-icalendar: the labelled proposals it holds are
// exactly `labels`, and no other labelled proposal's title is in its bytes.
async function checkCalendar(text, labels, what) {
  const parsed = await parseFeed(text);
  assert.deepEqual(parsed.problems, [], `${what}: lines`);
  const uids = new Set(parsed.events.map((e) => e.UID));
  const all = (await call('secretariat', 'GET', '/api/v1/proposals?limit=1000')).body.proposals;
  const title = Object.fromEntries(all.map((d) => [d.id, d.title]));
  for (const l of ['open', 'npg', 'shared', 'adopted', 'blocked', 'silence', 'npgSilence']) {
    const shown = uids.has(`proposal-${ids[l]}@council`);
    assert.equal(shown, labels.includes(l), `${what}: ${l} (${ids[l]}) ${shown ? 'shown' : 'missing'}`);
    if (!labels.includes(l)) {
      assert.ok(!parsed.events.some((e) => e.SUMMARY.endsWith(`: ${title[ids[l]]}`)),
        `${what}: the title of ${l} is in the feed`);
    }
  }
}

function describe(exp) {
  if (exp === 'webhook') return ' = its webhook\'s deliveries';
  if (exp === 'mail') return ' = its e-mails';
  if (exp && exp.calendar) return ` calendar [${exp.calendar.join(', ')}]`;
  if (exp === null || exp === undefined) return '';
  if (typeof exp === 'string') return ` ${exp}`;
  if (exp.list) return ` lists [${exp.list.join(', ')}]${exp.exact ? ' only' : ''}, ${exp.view}`;
  if (exp.whoami) return ` ${exp.whoami.filter(Boolean).join(' ')}`;
  if (exp.has) return ` with ${exp.has}`;
  return '';
}

// A principal's stream from the start of the log against its /log: the
// same events (so checkLog's rules hold for it), up to the last event /log
// showed when the stream opened; the matrix's writes may add more after.
async function checkStream(who) {
  const log = (await call(who, 'GET', '/api/v1/log?limit=1000')).body;
  const last = log.events.at(-1).seq;
  const sess = who.startsWith('person:') ? SESSIONS[who.replace(/^person:/, '')] : null;
  const s = await openStream(srv.base, AUTH[who] ? AUTH[who].replace(/^Bearer /, '') : null,
    { after: 0, headers: sess ? { Cookie: `cn_session=${sess.cookie}` } : {} });
  try {
    assert.equal(s.status, 200, `${who}: ${s.body}`);
    await s.until((ms) => ms.some((m) => Number(m.id) >= last), `${who}'s stream to reach event ${last}`);
  } finally {
    s.close();
  }
  const shown = s.messages.map((m) => m.data).filter((e) => e.seq <= last);
  assert.deepEqual(shown, log.events, `${who}: the stream differs from /log`);
  await checkLog(who.replace(/^person:/, ''), { events: shown, next: null });
}

for (const [who, method, path, body, want, exp] of ROWS) {
  test(`${who} ${method} ${path} → ${want}${describe(exp)}`, async () => {
    if (exp === 'stream') {
      await checkStream(who);
      return;
    }
    const feed = path.includes('{feed}');
    const real = path.replace('{feed}', () => FEEDS[who])
      .replace(/\{person:(\w+)\}/, (_, p) => String(PERSONS[p]))
      .replace(/\{spare:([\w:]+)\}/, (_, owner) => String(SPARE[owner]))
      .replace(/\{hook:([\w:]+)\}/, (_, owner) => String(HOOKS[owner].id))
      .replace(/\{mail:([\w:]+)\}/, (_, owner) => String(MAILS[owner].id))
      .replace(/\{hookspare:([\w:]+)\}/, (_, owner) => String(HOOKSPARE[owner])).replace(/\{(\w+)\}/g, (_, l) => {
      assert.ok(l in ids, `no proposal labelled ${l}`);
      return String(ids[l]);
    });
    // A calendar program sends no Authorization header: the key is all.
    const r = await call(feed ? 'public' : who, method, real, body);
    const what = `${who} ${method} ${real}`;
    assert.equal(r.status, want, `${what}: expected ${want}, got ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    if (exp === 'csrf') assert.equal(r.body?.error?.code, 'csrf', `${what}: ${JSON.stringify(r.body)}`);
    else if (ERROR_CODES[want]) {
      assert.ok(ERROR_CODES[want].includes(r.body?.error?.code),
        `${what}: error code ${JSON.stringify(r.body)}`);
      assert.equal(typeof r.body.error.message, 'string');
    }
    if (exp === 'full' || exp === 'redacted') checkView(r.body, exp, what);
    else if (exp === 'log') await checkLog(who.replace(/^person:/, ''), r.body);
    else if (exp === 'webhook') await checkWebhook(who, r.body);
    else if (exp === 'mail') await checkMail(who, r.body);
    else if (exp && exp.hooks) {
      // Its own webhooks only, never a secret.
      const got = r.body.webhooks.map((w) => w.id);
      assert.equal(r.body.count, got.length);
      assert.ok(got.includes(HOOKS[exp.hooks].id), `${what}: its webhook is not listed`);
      for (const [owner, h] of Object.entries(HOOKS)) {
        if (owner !== exp.hooks) assert.ok(!got.includes(h.id), `${what}: lists ${owner}'s webhook`);
      }
      for (const w of r.body.webhooks) assert.ok(!('secret' in w), `${what}: a secret in the list`);
    }
    else if (exp && exp.has) assert.ok(exp.has in r.body, `${what}: no '${exp.has}'`);
    else if (exp && exp.calendar) await checkCalendar(r.body, exp.calendar, what);
    else if (exp && exp.feeds) {
      // Its own feeds only: the matrix's and the spare, never another's.
      const got = r.body.feeds.map((f) => f.id);
      assert.equal(r.body.count, got.length);
      assert.ok(got.includes(SPARE[exp.feeds]), `${what}: its spare feed is not listed`);
      for (const [owner, id] of Object.entries(SPARE)) {
        if (owner !== exp.feeds) assert.ok(!got.includes(id), `${what}: lists ${owner}'s feed`);
      }
      for (const f of r.body.feeds) assert.ok(!('url' in f) && !('key' in f), `${what}: a key in the list`);
    }
    else if (exp && exp.whoami) {
      assert.equal(r.body.role, exp.whoami[0]);
      assert.equal(r.body.code, exp.whoami[1]);
    } else if (exp && exp.list) {
      const got = r.body.proposals.map((d) => d.id);
      assert.equal(r.body.count, got.length);
      for (const l of ['open', 'npg', 'shared', 'adopted', 'blocked', 'silence']) {
        assert.equal(got.includes(ids[l]), exp.list.includes(l),
          `${what}: ${l} (${ids[l]}) ${exp.list.includes(l) ? 'missing' : 'listed'}`);
      }
      if (exp.exact) assert.deepEqual(got, exp.list.map((l) => ids[l]), `${what}: exactly`);
      for (const d of r.body.proposals) checkView(d, exp.view, `${what} #${d.id}`);
    }
  });
}

// ---- beyond the grid ---------------------------------------------------------------

// The spec's `security` against what the grid saw: a route the public
// (no credential) was answered on, other than 401, lists anonymous ({});
// one it got 401 from does not; a route a token or a person's session was
// answered 2xx on lists bearer or session, unless the route lists
// anonymous alone (/healthz: whoever asks, a credential is not read).  (A
// calendar feed's key, in the query, is the public's: its route lists
// anonymous.)
test("docs/api.yaml's security says who may call each route, as the grid found", async () => {
  const KIND = { public: 'anonymous', secretariat: 'bearer', FR: 'bearer', US: 'bearer', HU: 'bearer', JP: 'bearer' };
  const wrong = new Set();
  let checked = 0;
  for (const c of CALLS) {
    const kind = c.who.startsWith('person:') ? 'session' : KIND[c.who];
    const sec = kind && await securityOf(c.method, c.path);
    if (!sec) continue;
    const route = `${c.method} ${c.path.split('?')[0].replace(/\/\d+(?=\/|$)/g, '/{id}')}`;
    checked++;
    if (kind === 'anonymous' && c.status !== 401 && !sec.has('anonymous'))
      wrong.add(`${route}: the public was answered ${c.status}, but the spec does not list {}`);
    else if (kind === 'anonymous' && c.status === 401 && sec.has('anonymous'))
      wrong.add(`${route}: the public was refused (401), but the spec lists {}`);
    else if (kind !== 'anonymous' && c.status < 300 && !sec.has(kind) && !(sec.has('anonymous') && sec.size === 1))
      wrong.add(`${route}: ${c.who} was answered ${c.status}, but the spec does not list ${kind}`);
  }
  assert.ok(checked > 500, `only ${checked} calls checked`);
  assert.deepEqual([...wrong], []);
});

test('what a principal may not see answers exactly like what does not exist', async () => {
  const cases = [['FR', 'npg'], ['JP', 'open'], ['public', 'shared'], ['public', 'blocked']];
  for (const [who, l] of cases) {
    for (const suffix of ['', '/positions', '/conclude']) {
      const method = suffix ? 'POST' : 'GET';
      const body = suffix === '/positions' ? COMMENT : undefined;
      if (who === 'public' && method === 'POST') continue; // 401 before sight
      const hidden = await call(who, method, `/api/v1/proposals/${ids[l]}${suffix}`, body);
      const absent = await call(who, method, `/api/v1/proposals/${ids.none}${suffix}`, body);
      assert.equal(hidden.status, 404, `${who} ${method} ${l}${suffix}`);
      assert.deepEqual(hidden.body, absent.body, `${who} ${method} ${l}${suffix}: differs from absent`);
    }
  }
});

// Live: streams open while the secretariat writes.  A partner's and the
// public's never carry an event of a proposal hidden from them; France's
// none of the NPG's; each message is the event as /log shows it then.  A
// proposal adopted while the streams are open was hidden when it was made:
// nothing of it reaches them before its adoption (docs/api.yaml: earlier
// events are not sent again, so a stream already past its creation
// carries its conclusion alone).
test('streams opened before the writes carry only what each principal sees', async () => {
  const whos = ['JP', 'public', 'FR'];
  const streams = {};
  for (const who of whos) {
    streams[who] = await openStream(srv.base, AUTH[who] ? AUTH[who].replace(/^Bearer /, '') : null);
    assert.equal(streams[who].status, 200);
  }
  const mk = async (b) => (await ok('secretariat', 'POST', '/api/v1/proposals', b, 201)).id;
  const hidden = await mk({ body: 'NAC', title: 'live: not shared' });
  await ok('FR', 'POST', `/api/v1/proposals/${hidden}/positions`, { position: 'concur' });
  const npg = await mk({ body: 'NPG', title: 'live: NPG' });
  await ok('US', 'POST', `/api/v1/proposals/${npg}/positions`, { position: 'concur' });
  const shared = await mk({ body: 'NAC', title: 'live: shared', shared: true });
  await ok('FR', 'POST', `/api/v1/proposals/${shared}/positions`, { position: 'concur' });
  const adopted = await mk({ body: 'NAC', title: 'live: adopted' });
  // What each stream had received before the adoption was asked for:
  // nothing of that proposal may be among it.
  const beforeAdoption = Object.fromEntries(whos.map((w) => [w, streams[w].messages.length]));
  assert.equal((await ok('secretariat', 'POST', `/api/v1/proposals/${adopted}/conclude`)).outcome, 'adopted');
  const concluded = (ms) => ms.some((m) => m.event === 'procedure.concluded' && m.data.payload.proposal === adopted);
  for (const who of whos) await streams[who].until(concluded, `${who}'s stream to carry the adoption`);
  for (const who of whos) streams[who].close();
  const seen = (who) => streams[who].messages.map((m) => [m.data.type, proposalOf(m.data)]);
  const of = (who, id) => seen(who).filter(([, p]) => p === id).map(([t]) => t);
  assert.deepEqual(of('JP', hidden), [], 'JP: the hidden proposal');
  assert.deepEqual(of('JP', npg), [], 'JP: the NPG proposal');
  assert.deepEqual(of('JP', shared), ['proposal.created'], 'JP: the shared proposal, redacted: its creation alone');
  // The adopted proposal was hidden from JP and the public until its
  // adoption.  A stream that reaches its creation only after the adoption
  // (a busy server: the stream thread lags the writer) sends it as /log
  // shows it then, public; one that passed it before sends the conclusion
  // alone.  Either way nothing of it arrived before the adoption was asked.
  for (const who of ['JP', 'public']) {
    const got = of(who, adopted);
    assert.ok(JSON.stringify(got) === JSON.stringify(['procedure.concluded']) ||
      JSON.stringify(got) === JSON.stringify(['proposal.created', 'procedure.concluded']),
    `${who}: the adoption, ${JSON.stringify(got)}`);
    const early = streams[who].messages.slice(0, beforeAdoption[who]).filter((m) => proposalOf(m.data) === adopted);
    assert.deepEqual(early, [], `${who}: an event of the hidden proposal before its adoption`);
  }
  for (const id of [hidden, npg, shared]) assert.deepEqual(of('public', id), [], `public: proposal ${id}`);
  assert.deepEqual(of('FR', npg), [], 'FR: the NPG proposal');
  assert.ok(of('FR', hidden).includes('position.stated'), 'FR sees its NAC proposals in full');
  // Each message is the event as /log shows it to the same principal.
  for (const who of whos) {
    const first = Number(streams[who].messages[0].id);
    const log = (await call(who, 'GET', `/api/v1/log?from=${first}&limit=1000`)).body.events;
    const bySeq = new Map(log.map((e) => [e.seq, e]));
    for (const m of streams[who].messages) {
      assert.deepEqual(m.data, bySeq.get(Number(m.id)), `${who}: event ${m.id} differs from /log`);
    }
  }
});

test('log: paging with from=next neither repeats nor skips events', async () => {
  for (const who of ['secretariat', 'public']) {
    const whole = (await call(who, 'GET', '/api/v1/log?limit=1000')).body.events.map((e) => e.seq);
    const paged = [];
    let from = 1;
    for (let i = 0; i < 500 && from !== null; i++) {
      const r = await call(who, 'GET', `/api/v1/log?from=${from}&limit=7`);
      assert.equal(r.status, 200);
      paged.push(...r.body.events.map((e) => e.seq));
      from = r.body.next;
    }
    assert.equal(from, null, `${who}: paging did not reach the end`);
    assert.deepEqual(paged, whole, `${who}: pages joined differ from the whole log`);
  }
});
