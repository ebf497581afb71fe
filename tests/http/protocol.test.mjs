// protocol.test.mjs - HTTP as docs/api.yaml states it (issue 10, items 7
// and 8): credentials, Host, Content-Type, the status of a refused
// position, and error bodies that are valid UTF-8 JSON naming what was
// wrong whatever bytes the request carried.  An engine refusal is never
// a 500, and never fails another client's write.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeStore, startServer, council, isoIn, recordAnswer } from './lib.mjs';
import { exchange, parseResponse, strictJson, call, errorShapeProblem } from './hostile.mjs';

let store, srv;
const ids = {};
const S = () => store.tokens.secretariat;

before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const mk = async (body) => {
    const r = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(), body });
    assert.equal(r.status, 201, `setup: ${r.bytes}`);
    return r.json.id;
  };
  ids.meeting = await mk({ body: 'NAC', title: 'protocol: a meeting' });
  ids.silence = await mk({ body: 'NAC', title: 'protocol: a silence', procedure: 'silence', deadline: isoIn(30 * 86400) });
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

// One raw request; the parsed answer, its body as strict UTF-8 JSON.
async function rawCall(lines, body = '') {
  const head = lines.join('\r\n');
  const buf = await exchange(srv.port, `${head}\r\n${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}Connection: close\r\n\r\n${body}`);
  const r = parseResponse(buf);
  let json;
  try { json = strictJson(r.body); } catch { /* checked by the caller */ }
  // against docs/api.yaml when it is a route's (lib.mjs checks at exit)
  const [method, path] = lines[0].split(' ');
  if (path?.startsWith('/')) recordAnswer(method, path, r.status, json);
  return { ...r, json };
}

test('an empty Authorization header is 401, like any header that is not Bearer <token>', async () => {
  for (const path of ['/api/v1/whoami', '/healthz', '/api/v1/members']) {
    for (const value of ['', '   ', 'Bearer', 'Bearer ', 'Basic Zm9vOmJhcg==', 'cn_x']) {
      const r = await rawCall([`GET ${path} HTTP/1.1`, 'Host: x', `Authorization: ${value}`]);
      assert.equal(r.status, 401, `${path} with Authorization '${value}': ${r.body}`);
      assert.equal(r.json?.error?.code, 'unauthorized', `${path} '${value}': ${r.body}`);
      assert.match(r.json.error.message, /Authorization|token/);
    }
  }
  // no header at all is the public
  const r = await rawCall(['GET /api/v1/whoami HTTP/1.1', 'Host: x']);
  assert.equal(r.status, 200);
  assert.deepEqual({ role: r.json.role, code: r.json.code }, { role: 'public', code: null });
});

test('/healthz: the only server of a SQLite store leads its own clock', async () => {
  const r = await rawCall(['GET /healthz HTTP/1.1', 'Host: x']);
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { ok: true, clock_leader: true });
});

test('HTTP/1.1 without Host is 400 naming Host; HTTP/1.0 needs none', async () => {
  const r = await rawCall(['GET /healthz HTTP/1.1']);
  assert.equal(r.status, 400, String(r.body));
  assert.equal(r.json?.error?.code, 'invalid');
  assert.match(r.json.error.message, /Host/);
  const w = await rawCall(['POST /api/v1/proposals HTTP/1.1', `Authorization: Bearer ${S()}`,
    'Content-Type: application/json'], '{"body":"NAC","title":"no host"}');
  assert.equal(w.status, 400, 'a write without Host is refused before it is made');
  const old = await rawCall(['GET /healthz HTTP/1.0']);
  assert.equal(old.status, 200);
  const empty = await rawCall(['GET /healthz HTTP/1.1', 'Host:']);
  assert.equal(empty.status, 200, 'an empty Host is allowed (RFC 9112, 3.2)');
});

test('a repeated Host, Authorization or Content-Type header is 400 naming it', async () => {
  const two = [
    ['Host', ['Host: a', 'Host: b']],
    ['Authorization', ['Host: x', `Authorization: Bearer ${S()}`, 'Authorization: Basic eA==']],
    ['Content-Type', ['Host: x', `Authorization: Bearer ${S()}`, 'Content-Type: application/json', 'Content-Type: text/plain']],
  ];
  for (const [name, headers] of two) {
    const r = await rawCall(['POST /api/v1/proposals HTTP/1.1', ...headers], '{"body":"NAC","title":"two headers"}');
    assert.equal(r.status, 400, `${name}: ${r.body}`);
    assert.equal(r.json?.error?.code, 'invalid');
    assert.match(r.json.error.message, new RegExp(name));
  }
});

test('a JSON body sent as another media type is 415 with a JSON error naming Content-Type', async () => {
  const body = { body: 'NAC', title: 'media types' };
  const refused = [null, 'text/plain', 'application/x-www-form-urlencoded', 'application/xml',
    'multipart/form-data; boundary=x', 'application/jsonx', 'application/json-patch+json',
    'application/json; charset=latin1', 'application/json; charset="iso-8859-1"', 'json', '*/*', ''];
  for (const ct of refused) {
    const r = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(), body, contentType: ct });
    assert.equal(r.status, 415, `Content-Type ${JSON.stringify(ct)}: ${r.bytes}`);
    assert.equal(errorShapeProblem(r), '');
    assert.equal(r.json.error.code, 'unsupported-media-type');
    assert.match(r.json.error.message, /Content-Type/);
  }
  for (const path of [`/api/v1/proposals/${ids.meeting}/positions`, `/api/v1/proposals/${ids.silence}/extend`, '/api/v1/keys']) {
    const token = path.includes('extend') ? S() : store.tokens.FR;
    const r = await call(srv.base, { method: 'POST', path, token, body: { position: 'comment', text: 'x' }, contentType: 'text/plain' });
    assert.equal(r.status, 415, `${path}: ${r.bytes}`);
  }
  const accepted = ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8',
    'application/json ; charset="utf-8"'];
  for (const ct of accepted) {
    const r = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(), body, contentType: ct });
    assert.equal(r.status, 201, `Content-Type ${ct}: ${r.bytes}`);
  }
  // the secretariat's actions take an optional body: none needs no type
  const w = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(), body });
  const c = await call(srv.base, { method: 'POST', path: `/api/v1/proposals/${w.json.id}/withdraw`, token: S() });
  assert.equal(c.status, 200, String(c.bytes));
  // access is decided first: no token with a bad type is still 401
  const u = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', body, contentType: 'text/plain' });
  assert.equal(u.status, 401);
});

test('a member that sits on the body but is outside the frozen electorate is refused, 409, with the reason', async () => {
  // Cyprus is admitted (dated in the past) after this proposal opened.
  const early = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(),
    body: { body: 'NAC', title: 'protocol: opened before an accession' } });
  assert.equal(early.status, 201);
  const admit = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(), body: {
    body: 'NAC', title: 'protocol: admit Cyprus',
    effects: [{ type: 'admit-member', code: 'CY', name: 'Cyprus', effective: '2020-01-01' }] } });
  assert.equal(admit.status, 201, String(admit.bytes));
  const done = await call(srv.base, { method: 'POST', path: `/api/v1/proposals/${admit.json.id}/conclude`, token: S() });
  assert.equal(done.json.outcome, 'adopted', String(done.bytes));
  const cy = council(store.db, 'token', 'issue', '--member', 'CY').trim();
  const seen = await call(srv.base, { path: `/api/v1/proposals/${early.json.id}`, token: cy });
  assert.equal(seen.status, 200, 'Cyprus sits on the NAC today: it sees the proposal');
  const r = await call(srv.base, { method: 'POST', path: `/api/v1/proposals/${early.json.id}/positions`, token: cy,
    body: { position: 'concur' } });
  assert.equal(r.status, 409, String(r.bytes));
  assert.equal(r.json.error.code, 'refused');
  assert.match(r.json.error.message, /CY is not in the electorate/);
  assert.match(r.json.error.message, /admitted afterwards/);
});

test('docs/api.yaml says so too: 409 with the reason, not 404, for a member outside the electorate', () => {
  const spec = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docs', 'api.yaml'), 'utf8');
  const op = spec.slice(spec.indexOf('operationId: statePosition'), spec.indexOf('  /api/v1/proposals/{id}/extend:'));
  const response = (code) => {
    const i = op.indexOf(`        "${code}":`);
    const j = op.slice(i + 1).search(/\n {8}"\d{3}":/);
    return op.slice(i, j < 0 ? undefined : i + 1 + j);
  };
  assert.doesNotMatch(response(404), /electorate/, 'the 404 of positions still claims the electorate');
  assert.match(response(409), /electorate/, 'the 409 of positions does not name the electorate');
  assert.match(response(415), /UnsupportedMediaType/);
});

test('error bodies are valid UTF-8 JSON naming the argument, whatever bytes it held', async () => {
  const e300 = 'é'.repeat(300);
  const cases = [
    ['/api/v1/members?at=%FF', 400, /'at'|at/],
    ['/api/v1/members?at=%C3', 400, /at/],
    ['/api/v1/members?at=%ED%A0%80', 400, /at/],
    ['/api/v1/bodies?at=%F4%90%80%80', 400, /at/],
    ['/api/v1/members?body=%FF%FE', 404, /body/],
    [`/api/v1/members?body=${encodeURIComponent(e300)}`, 404, /body/],
    [`/api/v1/members?body=a${encodeURIComponent(e300)}`, 404, /body/],
    [`/api/v1/members?body=${'%FF'.repeat(600)}`, 404, /body/],
    [`/api/v1/members?at=${encodeURIComponent(e300)}`, 400, /at/],
    [`/api/v1/offices?at=a${encodeURIComponent(e300)}`, 400, /at/],
    ['/api/v1/log?limit=%FF', 400, /limit/],
    ['/api/v1/log?from=%00', 400, /from/],
    ['/api/v1/log/proof/inclusion?index=%E2%82', 400, /index/],
    ['/api/v1/proposals?status=%FF', 400, /status/],
  ];
  for (const [path, status, names] of cases) {
    const r = await call(srv.base, { path });
    assert.equal(r.status, status, `${path}: ${r.bytes.toString('latin1').slice(0, 100)}`);
    assert.equal(errorShapeProblem(r), '', path);
    assert.match(r.json.error.message, names, `${path}: ${r.json.error.message}`);
    assert.ok(Buffer.byteLength(r.json.error.message) <= 1536, `${path}: message of ${r.json.error.message.length}`);
  }
  // a JSON body carrying bytes that are not UTF-8 is malformed JSON
  const bad = Buffer.concat([Buffer.from('{"body":"NAC","title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
  const r = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(), body: bad });
  assert.equal(r.status, 400);
  assert.equal(errorShapeProblem(r), '');
  assert.equal(r.json.error.code, 'malformed-json');
});

test('an out-of-range deadline is refused (4xx, never 500) and fails no other write', async () => {
  const bad = ['9999-12-31T23:59:59-23:59', '1000-01-01T00:00:00+01:00', '9999-12-31T23:59:60Z'];
  const members = ['FR', 'US', 'HU', 'DE', 'IT', 'ES', 'PL', 'NL'];
  const tokens = { FR: store.tokens.FR, US: store.tokens.US, HU: store.tokens.HU };
  for (const m of members) if (!tokens[m]) tokens[m] = council(store.db, 'token', 'issue', '--member', m).trim();
  const sil = await call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(),
    body: { body: 'NAC', title: 'protocol: bad deadlines among good writes', procedure: 'silence', deadline: isoIn(86400) } });
  assert.equal(sil.status, 201);
  const id = sil.json.id;
  const positions = ['comment', 'comment'];
  for (let round = 0; round < 6; round++) {
    const deadline = bad[round % bad.length];
    const action = round % 2 ? 'recirculate' : 'extend';
    const writes = members.map((m) => call(srv.base, { method: 'POST', path: `/api/v1/proposals/${id}/positions`,
      token: tokens[m], body: { position: positions[round % 2], text: `round ${round}` } }));
    const wrong = call(srv.base, { method: 'POST', path: `/api/v1/proposals/${id}/${action}`, token: S(),
      body: { text: 'revised', deadline } });
    const propose = call(srv.base, { method: 'POST', path: '/api/v1/proposals', token: S(),
      body: { body: 'NAC', title: 'never', procedure: 'silence', deadline } });
    const [w, p, ...rs] = await Promise.all([wrong, propose, ...writes]);
    for (const r of [w, p]) {
      assert.ok(r.status >= 400 && r.status < 500, `${action} / propose with ${deadline}: ${r.status} ${r.bytes}`);
      assert.equal(errorShapeProblem(r), '');
      assert.match(r.json.error.message, /deadline/, r.json.error.message);
    }
    for (const [i, r] of rs.entries()) assert.equal(r.status, 200, `round ${round}, ${members[i]}: ${r.bytes}`);
  }
  await srv.stop();
  assert.match(council(store.db, 'verify'), /^ok: /);
  srv = await startServer(store.db);
});
