// routes.test.mjs - docs/api.yaml and the served routes agree.
//
// 1. The (method, path) pairs under `paths:` in docs/api.yaml, read without
//    a YAML library by the layout rule stated at the top of that file, are
//    exactly those `council routes` prints (cn_routes in src/server/api.c).
// 2. Every spec route, probed with its method against a real server over
//    proposals that exist, is routed: it answers neither 404 (unknown route)
//    nor 405, and gives the status a successful call should; and its JSON
//    answer is what the spec's schema for that status says (spec.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { council, makeStore, startServer, api, isoIn, addPerson, signIn, asPerson } from './lib.mjs';
import { Authenticator } from './authenticator.mjs';
import { unlikeSpec } from './spec.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SPEC = join(ROOT, 'docs', 'api.yaml');
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

// Layout rule (docs/api.yaml): `paths:` at column 0 up to the next column-0
// key; a path is a 2-space key starting with '/'; its operations are
// 4-space keys named by lower-case method.  Anything else at 2 or 4 spaces
// inside `paths:` breaks the rule and fails the parse loudly.
export function specRoutes(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^paths:\s*$/.test(l));
  if (start < 0) throw new Error('docs/api.yaml: no column-0 `paths:` line');
  const routes = [];
  let path = null;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i].replace(/\s+#.*$/, '');
    if (/^\S/.test(l)) break;                      // next top-level key
    if (/^\s*(#.*)?$/.test(l)) continue;           // blank or comment
    let m;
    if ((m = /^ {2}(\S.*?):\s*$/.exec(l))) {
      if (!m[1].startsWith('/')) throw new Error(`line ${i + 1}: path key must start with '/': ${l}`);
      path = m[1];
      continue;
    }
    if ((m = /^ {4}(\S.*?):\s*$/.exec(l)) || /^ {4}\S/.test(l)) {
      const key = m ? m[1] : l.trim();
      if (!path) throw new Error(`line ${i + 1}: operation outside a path`);
      if (!METHODS.includes(key)) {
        throw new Error(`line ${i + 1}: only HTTP methods may sit at 4 spaces under a path, found '${key}'`);
      }
      routes.push(`${key.toUpperCase()} ${path}`);
      continue;
    }
    if (/^ {1,3}\S/.test(l)) throw new Error(`line ${i + 1}: unexpected indentation: ${l}`);
  }
  return routes;
}

const diff = (a, b) => [...a].filter((x) => !b.has(x)).sort();

test('docs/api.yaml follows its layout rule and lists routes once each', () => {
  const routes = specRoutes(readFileSync(SPEC, 'utf8'));
  assert.ok(routes.length > 0, 'no routes found under paths:');
  const dup = routes.filter((r, i) => routes.indexOf(r) !== i);
  assert.deepEqual(dup, [], `routes listed twice: ${dup.join(', ')}`);
});

test('every served route is in docs/api.yaml and every spec route is served', () => {
  const spec = new Set(specRoutes(readFileSync(SPEC, 'utf8')));
  const served = new Set(council('/dev/null', 'routes').split('\n').map((s) => s.trim()).filter(Boolean));
  assert.ok(served.size > 0, '`council routes` printed nothing');
  const undocumented = diff(served, spec);
  const unserved = diff(spec, served);
  assert.deepEqual(undocumented, [], `served but not in docs/api.yaml:\n  ${undocumented.join('\n  ')}`);
  assert.deepEqual(unserved, [], `in docs/api.yaml but not served:\n  ${unserved.join('\n  ')}`);
});

// ---- probing the spec routes on a live server ----------------------------

let store, srv;
const ids = {};
const HOOK = { url: 'http://127.0.0.1:9/routes', types: ['office.closed'] };

before(async () => {
  store = makeStore();
  // Webhooks may name 127.0.0.1, where nothing listens: no probe reaches
  // beyond this machine.
  srv = await startServer(store.db, { args: ['--webhooks-allow-local',
    '--rp-id', 'localhost', '--origin', 'http://localhost:8443'] });
  const S = store.tokens.secretariat;
  const mk = async (body) => {
    const r = await api(srv.base, S, 'POST', '/api/v1/proposals', body);
    assert.equal(r.status, 201, `setup propose: ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  ids.meeting = await mk({ body: 'NAC', title: 'routes: a meeting' });
  ids.silence = await mk({ body: 'NAC', title: 'routes: a silence', procedure: 'silence',
    deadline: isoIn(30 * 86400) });
  ids.toConclude = await mk({ body: 'NAC', title: 'routes: to conclude' });
  ids.toWithdraw = await mk({ body: 'NAC', title: 'routes: to withdraw' });
  const feed = JSON.parse(council(store.db, 'token', 'feed', '1', '--json'));
  ids.feed = feed.url.split('?')[1];
  // A second feed of the secretariat's token, for the revoke probe.
  ids.feedId = JSON.parse(council(store.db, 'token', 'feed', '1', '--json')).id;
  // A person of France's delegation, signed in twice (one session to
  // read, one to sign out), and one for the secretariat to disable.
  addPerson(store.db, 'routes-fr', 'FR', 'routes password');
  ids.personToDisable = addPerson(store.db, 'routes-gone', 'DE', 'routes password');
  ids.session = await signIn(srv.base, 'routes-fr', 'routes password');
  ids.sessionToEnd = await signIn(srv.base, 'routes-fr', 'routes password');
  assert.equal(ids.session.status, 201);
  // Two passkeys of hers: one stays, one is removed by the probe.
  for (const name of ['passkey', 'passkeyToRemove']) {
    const o = await asPerson(srv.base, ids.session, 'POST', '/api/v1/passkeys/options', {});
    const r = await asPerson(srv.base, ids.session, 'POST', '/api/v1/passkeys',
      new Authenticator().create(o.body, 'http://localhost:8443'));
    assert.equal(r.status, 201, `setup passkey: ${JSON.stringify(r.body)}`);
    ids[name] = r.body.id;
  }
  // Two of France's webhooks: one to read, one to revoke.
  for (const name of ['hook', 'hookToRevoke']) {
    const r = await api(srv.base, store.tokens.FR, 'POST', '/api/v1/webhooks', HOOK);
    assert.equal(r.status, 201, `setup webhook: ${JSON.stringify(r.body)}`);
    ids[name] = r.body.id;
  }
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

// One probe per spec route: who calls, on what, and the status a
// successful call gives.  `id` names one of the proposals made in before().
const PROBES = {
  'GET /healthz': { who: 'secretariat', want: 200 },
  'GET /api/v1/whoami': { who: 'secretariat', want: 200 },
  'GET /api/v1/members': { who: 'secretariat', query: '?body=NAC', want: 200 },
  'GET /api/v1/bodies': { who: 'secretariat', query: '?at=2000-01-01', want: 200 },
  'GET /api/v1/bodies/{key}/analysis': { who: 'secretariat', key: 'NAC', want: 200 },
  'GET /api/v1/partners': { who: 'secretariat', want: 200 },
  'GET /api/v1/search': { who: 'secretariat', query: '?q=office', want: 200 },
  'GET /api/v1/offices': { who: 'secretariat', query: '?all', want: 200 },
  'GET /api/v1/proposals': { who: 'secretariat', query: '?status=open', want: 200 },
  'POST /api/v1/proposals': { who: 'secretariat', want: 201,
    body: { body: 'NPG', title: 'routes: probe', level: 'defence-ministers', place: 'Brussels' } },
  'GET /api/v1/proposals/{id}': { who: 'secretariat', id: 'meeting', want: 200 },
  'GET /api/v1/proposals/{id}/events': { who: 'FR', id: 'meeting', want: 200 },
  'GET /api/v1/proposals/{id}/analysis': { who: 'FR', id: 'meeting', want: 200 },
  // The secretariat may not state positions (403, after routing); a member
  // delegation may.
  'POST /api/v1/proposals/{id}/positions': { who: 'FR', id: 'meeting', want: 200,
    body: { position: 'comment', text: 'probe' } },
  // NATO's bodies do not vote: routed, and refused by the engine (409);
  // tests/http/vote.test.mjs casts votes on the EU dataset.
  'POST /api/v1/proposals/{id}/votes': { who: 'FR', id: 'meeting', want: 409,
    body: { vote: 'yes' } },
  'POST /api/v1/proposals/{id}/extend': { who: 'secretariat', id: 'silence', want: 200,
    body: () => ({ deadline: isoIn(60 * 86400) }) },
  'POST /api/v1/proposals/{id}/recirculate': { who: 'secretariat', id: 'silence', want: 200,
    body: () => ({ text: 'revised', deadline: isoIn(90 * 86400) }) },
  'POST /api/v1/proposals/{id}/conclude': { who: 'secretariat', id: 'toConclude', want: 200 },
  'POST /api/v1/proposals/{id}/withdraw': { who: 'secretariat', id: 'toWithdraw', want: 200,
    body: { reason: 'probe' } },
  'GET /api/v1/log': { who: 'secretariat', query: '?from=1&limit=5', want: 200 },
  // A calendar program sends no token: the key in the URL is the feed's.
  'GET /api/v1/calendar.ics': { who: 'public', query: () => `?${ids.feed}`, want: 200 },
  'GET /api/v1/calendar/feeds': { who: 'FR', want: 200 },
  'POST /api/v1/calendar/feeds': { who: 'FR', want: 201, body: { label: 'probe' } },
  'POST /api/v1/calendar/feeds/{id}/revoke': { who: 'secretariat', id: 'feedId', want: 200 },
  'GET /api/v1/webhooks': { who: 'FR', want: 200 },
  'POST /api/v1/webhooks': { who: 'FR', want: 201, body: HOOK },
  'GET /api/v1/webhooks/{id}': { who: 'FR', id: 'hook', want: 200 },
  'POST /api/v1/webhooks/{id}/revoke': { who: 'FR', id: 'hookToRevoke', want: 200 },
  'GET /api/v1/webhooks/{id}/deliveries': { who: 'FR', id: 'hook', want: 200 },
  // A stream stays open: its status and type are checked, then it is let go.
  'GET /api/v1/events/stream': { who: 'secretariat', query: '?after=1', want: 200, stream: true },
  'POST /api/v1/keys': { who: 'FR', want: 201,
    body: () => ({ vkey: council(store.db, 'keygen', '--name', 'FR-probe',
      '--out', join(store.dir, 'fr-probe.key')).trim() }) },
  'GET /api/v1/log/key': { who: 'public', want: 200 },
  'GET /api/v1/log/checkpoint': { who: 'public', want: 200 },
  'GET /api/v1/log/proof/inclusion': { who: 'public', query: '?index=3&size=50', want: 200 },
  'GET /api/v1/log/proof/consistency': { who: 'public', query: '?from=10&to=60', want: 200 },
  // People: sign-in needs no credential; a session reads and ends itself.
  'POST /api/v1/session': { who: 'public', want: 201, body: { name: 'routes-fr', password: 'routes password' } },
  'GET /api/v1/session': { session: 'session', want: 200 },
  'DELETE /api/v1/session': { session: 'sessionToEnd', want: 200 },
  'GET /api/v1/people': { who: 'secretariat', want: 200 },
  'POST /api/v1/people': { who: 'secretariat', want: 201,
    body: { name: 'routes-new', delegation: 'US', password: 'routes password' } },
  'POST /api/v1/people/{id}/disable': { who: 'secretariat', id: 'personToDisable', want: 200 },
  // Passkeys: a ceremony's answer needs an authenticator (setup above, and
  // tests/http/passkeys.test.mjs); here an empty one is routed and refused.
  'GET /api/v1/passkeys': { session: 'session', want: 200 },
  'POST /api/v1/passkeys/options': { session: 'session', want: 200, body: {} },
  'POST /api/v1/passkeys': { session: 'session', want: 400, body: {} },
  'DELETE /api/v1/passkeys/{id}': { session: 'session', id: 'passkeyToRemove', want: 200 },
  'POST /api/v1/session/passkey/options': { who: 'public', want: 200, body: {} },
  'POST /api/v1/session/passkey': { who: 'public', want: 400, body: {} },
};

const answers = []; // {who, method, path, status, body} of each probe

for (const route of specRoutes(readFileSync(SPEC, 'utf8'))) {
  test(`probe ${route}`, async () => {
    const p = PROBES[route];
    assert.ok(p, `no probe for ${route}: add one to PROBES`);
    const [method, pattern] = route.split(' ');
    const path = pattern.replace('{id}', () => String(ids[p.id]))
      .replace('{key}', () => p.key)
      + (typeof p.query === 'function' ? p.query() : p.query || '');
    const body = typeof p.body === 'function' ? p.body() : p.body;
    if (p.stream) {
      const ac = new AbortController();
      const r = await fetch(srv.base + path, { signal: ac.signal,
        headers: { Authorization: `Bearer ${store.tokens[p.who]}` } });
      assert.equal(r.status, p.want, `${method} ${path}`);
      assert.equal(r.headers.get('content-type'), 'text/event-stream');
      ac.abort();
      return;
    }
    const r = p.session ? await asPerson(srv.base, ids[p.session], method, path, body)
      : await api(srv.base, store.tokens[p.who], method, path, body);
    answers.push({ who: p.who ?? p.session, method, path, status: r.status, body: r.body });
    assert.notEqual(r.status, 405, `${method} ${path}: 405 ${JSON.stringify(r.body)}`);
    assert.notEqual(r.status, 404, `${method} ${path}: 404 ${JSON.stringify(r.body)}`);
    assert.equal(r.status, p.want, `${method} ${path}: ${JSON.stringify(r.body)}`);
  });
}

// After every probe: what each route answered is what the spec says it
// answers (tests/http/spec.mjs).
test('every probe\'s answer matches its schema in docs/api.yaml', async () => {
  const { checked, problems } = await unlikeSpec(answers);
  assert.ok(checked >= 40, `only ${checked} answers checked`);
  assert.deepEqual(problems, [], `answers unlike docs/api.yaml:\n  ${problems.join('\n  ')}`);
});

// RFC 9110 15.5.6: a 405 carries Allow, listing the methods the target
// resource supports: here, the spec's methods for that path.
test('a served path with another method answers 405, Allow naming its methods; an unknown path 404', async () => {
  const S = store.tokens.secretariat;
  const byPath = new Map();
  for (const route of specRoutes(readFileSync(SPEC, 'utf8'))) {
    const [method, pattern] = route.split(' ');
    byPath.set(pattern, [...(byPath.get(pattern) || []), method]);
  }
  const wrongAllow = [];
  for (const [pattern, methods] of byPath) {
    const path = pattern.replace('{id}', String(ids.meeting)).replace('{key}', 'NAC');
    for (const m of ['GET', 'POST', 'DELETE'].filter((x) => !methods.includes(x))) {
      const r = await api(srv.base, S, m, path, m === 'POST' ? {} : undefined);
      assert.equal(r.status, 405, `${m} ${path}`);
      assert.equal(r.body.error.code, 'method-not-allowed');
      const allow = (r.headers.get('allow') || '').split(',').map((x) => x.trim()).filter(Boolean);
      if (allow.sort().join(', ') !== [...methods].sort().join(', ')) {
        wrongAllow.push(`${m} ${path}: Allow '${r.headers.get('allow')}', serves ${methods.join(', ')}`);
      }
    }
  }
  assert.deepEqual(wrongAllow, [], `405 with a wrong Allow header:\n  ${wrongAllow.join('\n  ')}`);
  const r = await api(srv.base, S, 'GET', '/api/v1/no-such-route');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not-found');
});
