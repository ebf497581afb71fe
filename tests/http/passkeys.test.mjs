// passkeys.test.mjs - passkeys (WebAuthn) end to end on a real server
// (docs/ARCHITECTURE.md, "Passkeys"): registration by a signed-in person,
// sign-in with the passkey, acting with the session it gives, the list and
// removal; and every refusal the Relying Party owes: wrong origin, wrong
// type, a replayed or expired challenge, another session's challenge, a
// wrong rpIdHash, user presence or verification missing, a bad signature,
// a counter that does not grow, an unknown credential, a disabled person,
// a token or the public on a person's routes, no CSRF token, and every
// route without --rp-id.  The authenticator is tests/http/authenticator.mjs,
// a real ES256 signer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { makeStore, startServer, api, council, addPerson, signIn, asPerson } from './lib.mjs';
import { Authenticator, UP, UV, AT, b64u } from './authenticator.mjs';

const PW = 'correct horse battery';
const RP = 'localhost';
const ORIGIN = 'http://localhost:8443';
let store, srv;
const ids = {};

before(async () => {
  store = makeStore();
  srv = await startServer(store.db, { args: ['--rp-id', RP, '--origin', ORIGIN] });
  ids.anne = addPerson(store.db, 'anne', 'FR', PW);
  ids.ben = addPerson(store.db, 'ben', 'FR', PW);
  ids.carl = addPerson(store.db, 'carl', 'US', PW);
  const r = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'passkeys: an open meeting' });
  assert.equal(r.status, 201);
  ids.open = r.body.id;
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

// POST without a session (the sign-in routes): status, body, cookie, csrf.
async function post(base, path, body) {
  const r = await fetch(base + path, { method: 'POST',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  const m = /^cn_session=([^;]*);/.exec(r.headers.get('set-cookie') || '');
  return { status: r.status, body: parsed, cookie: m ? m[1] : null, csrf: parsed && parsed.csrf,
    headers: r.headers };
}

async function register(s, auth, o = {}) {
  const opts = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys/options', {});
  assert.equal(opts.status, 200, JSON.stringify(opts.body));
  return asPerson(srv.base, s, 'POST', '/api/v1/passkeys', auth.create(opts.body, ORIGIN, o));
}

async function signInWith(auth, o = {}, base = srv.base) {
  const opts = await post(base, '/api/v1/session/passkey/options', {});
  assert.equal(opts.status, 200, JSON.stringify(opts.body));
  return post(base, '/api/v1/session/passkey', auth.get(opts.body, ORIGIN, RP, o));
}

test('a person registers a passkey, signs in with it, acts, lists and removes it', async () => {
  const s = await signIn(srv.base, 'anne', PW);
  assert.equal(s.status, 201);
  const opts = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys/options', {});
  assert.equal(opts.status, 200);
  const pk = opts.body.publicKey;
  assert.deepEqual(pk.rp, { id: RP, name: 'council' });
  assert.equal(pk.user.name, 'anne');
  assert.equal(Buffer.from(pk.user.id, 'base64url').length, 32);
  assert.notEqual(pk.user.id, b64u(Buffer.from(String(ids.anne))), 'the handle is not the id');
  assert.equal(Buffer.from(pk.challenge, 'base64url').length, 32);
  assert.deepEqual(pk.pubKeyCredParams, [{ type: 'public-key', alg: -7 }]);
  assert.deepEqual(pk.excludeCredentials, []);
  assert.equal(pk.attestation, 'none');
  assert.deepEqual(pk.authenticatorSelection,
    { residentKey: 'preferred', requireResidentKey: false, userVerification: 'required' });

  const auth = new Authenticator();
  const made = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys',
    auth.create(opts.body, ORIGIN, { label: 'laptop' }));
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.label, 'laptop');
  assert.equal(made.body.used, null);
  // The same answer again: its challenge is spent.
  const again = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys',
    auth.create(opts.body, ORIGIN));
  assert.equal(again.status, 401);
  assert.match(again.body.error.message, /no such challenge/);
  // The next registration excludes it and offers the same handle.
  const next = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys/options', {});
  assert.deepEqual(next.body.publicKey.excludeCredentials, [{ type: 'public-key', id: b64u(auth.credId) }]);
  assert.equal(next.body.publicKey.user.id, pk.user.id);

  // Signed out, in again with the passkey alone.
  assert.equal((await asPerson(srv.base, s, 'DELETE', '/api/v1/session')).status, 200);
  const options = await post(srv.base, '/api/v1/session/passkey/options', {});
  assert.equal(options.status, 200);
  assert.deepEqual(options.body.publicKey.allowCredentials, []);
  assert.equal(options.body.publicKey.rpId, RP);
  assert.equal(options.body.publicKey.userVerification, 'required');
  const p = await post(srv.base, '/api/v1/session/passkey', auth.get(options.body, ORIGIN, RP));
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.ok(p.cookie && p.csrf);
  assert.match(p.headers.get('set-cookie'), /HttpOnly; Secure; SameSite=Strict/);
  assert.equal(p.body.person.name, 'anne');
  const who = await asPerson(srv.base, p, 'GET', '/api/v1/session');
  assert.equal(who.body.person.id, ids.anne);
  // A write recorded with the person.
  const pos = await asPerson(srv.base, p, 'POST', `/api/v1/proposals/${ids.open}/positions`,
    { position: 'concur' });
  assert.equal(pos.status, 200, JSON.stringify(pos.body));
  const log = (await api(srv.base, store.tokens.secretariat, 'GET', '/api/v1/log?limit=1000')).body.events;
  assert.equal(log.at(-1).actor, `delegation:FR person:${ids.anne}`);
  // The list shows it used; another person sees none of it.
  const list = await asPerson(srv.base, p, 'GET', '/api/v1/passkeys');
  assert.equal(list.body.count, 1);
  assert.equal(list.body.passkeys[0].label, 'laptop');
  assert.ok(list.body.passkeys[0].used);
  const ben = await signIn(srv.base, 'ben', PW);
  assert.deepEqual((await asPerson(srv.base, ben, 'GET', '/api/v1/passkeys')).body, { count: 0, passkeys: [] });
  const id = list.body.passkeys[0].id;
  assert.equal((await asPerson(srv.base, ben, 'DELETE', `/api/v1/passkeys/${id}`)).status, 404);
  // Named sign-in offers the person's credentials.
  const named = await post(srv.base, '/api/v1/session/passkey/options', { name: 'anne' });
  assert.deepEqual(named.body.publicKey.allowCredentials, [{ type: 'public-key', id: b64u(auth.credId) }]);
  const nobody = await post(srv.base, '/api/v1/session/passkey/options', { name: 'nobody' });
  assert.deepEqual(nobody.body.publicKey.allowCredentials, []);
  // Removed without its CSRF token: refused, still there.
  assert.equal((await asPerson(srv.base, p, 'DELETE', `/api/v1/passkeys/${id}`, undefined, { csrf: false })).status, 403);
  const rm = await asPerson(srv.base, p, 'DELETE', `/api/v1/passkeys/${id}`);
  assert.equal(rm.status, 200, JSON.stringify(rm.body));
  assert.equal(rm.body.id, id);
  assert.equal((await asPerson(srv.base, p, 'GET', '/api/v1/passkeys')).body.count, 0);
  const gone = await signInWith(auth);
  assert.equal(gone.status, 401);
  assert.equal(gone.body.error.message, 'passkey not accepted: sign in otherwise, or try again');
});

test('registration refuses a wrong origin, type, rpIdHash, flags, format and another session\'s challenge', async () => {
  const s = await signIn(srv.base, 'ben', PW);
  const auth = new Authenticator();
  for (const [o, status, msg] of [
    [{ origin: 'http://localhost:9999' }, 401, /origin/],
    [{ origin: 'https://evil.example' }, 401, /origin/],
    [{ type: 'webauthn.get' }, 401, /type/],
    [{ rpId: 'evil.example' }, 401, /rpIdHash/],
    [{ flags: UV | AT }, 401, /present/],
    [{ flags: UP | AT }, 401, /verified/],
    [{ flags: UP | UV }, 400, /left over/], // credential data without AT
    [{ fmt: 'packed' }, 400, /fmt/],
    [{ challenge: b64u(Buffer.alloc(32, 7)) }, 401, /no such challenge/],
  ]) {
    const r = await register(s, auth, o);
    assert.equal(r.status, status, `${JSON.stringify(o)}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.error.message, msg, JSON.stringify(o));
  }
  // A challenge another session was given.
  const other = await signIn(srv.base, 'ben', PW);
  const opts = await asPerson(srv.base, other, 'POST', '/api/v1/passkeys/options', {});
  const r = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys', auth.create(opts.body, ORIGIN));
  assert.equal(r.status, 401);
  assert.match(r.body.error.message, /another session/);
  // Malformed input: 400 naming the field, nothing stored.
  for (const [body, field] of [
    [{ clientDataJSON: 'not base64!', attestationObject: 'AA' }, /clientDataJSON/],
    // Bytes over 0x7f that libsodium's decoder alone would take (fuzz_webauthn).
    [{ clientDataJSON: 'QUFB\u013dQUFB', attestationObject: 'AA' }, /clientDataJSON/],
    [{ clientDataJSON: b64u('{}'), attestationObject: 'AA' }, /clientDataJSON/],
    [{ clientDataJSON: 'AA', attestationObject: 'AA', extra: 1 }, /extra/],
    [{ clientDataJSON: 'AA', attestationObject: 'AA', label: '' }, /label/],
  ]) {
    const b = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys', body);
    assert.equal(b.status, 400, JSON.stringify(body));
    assert.match(b.body.error.message, field);
  }
  assert.equal((await asPerson(srv.base, s, 'GET', '/api/v1/passkeys')).body.count, 0);
});

test('sign-in refuses what a Relying Party must, the same way where it could tell', async () => {
  const s = await signIn(srv.base, 'carl', PW);
  const auth = new Authenticator();
  assert.equal((await register(s, auth)).status, 201);
  const { privateKey: other } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  for (const [o, msg] of [
    [{ origin: 'http://localhost:1' }, /origin/],
    [{ type: 'webauthn.create' }, /type/],
    [{ rpId: 'example.org' }, /rpIdHash/],
    [{ flags: UV }, /present/],
    [{ flags: UP }, /verified/],
    [{ challenge: b64u(Buffer.alloc(32, 1)) }, /no such challenge/],
  ]) {
    const r = await signInWith(auth, o);
    assert.equal(r.status, 401, JSON.stringify(o));
    assert.match(r.body.error.message, msg, JSON.stringify(o));
    assert.equal(r.cookie, null);
  }
  // A bad signature, an unknown credential and a wrong user handle: one
  // answer.
  const bad = await signInWith(auth, { key: other });
  const unknown = await signInWith(auth, { credId: Buffer.alloc(16, 9) });
  const handle = await signInWith(auth, { userHandle: b64u(Buffer.alloc(32, 3)) });
  for (const r of [bad, unknown, handle]) {
    assert.equal(r.status, 401);
    assert.deepEqual(r.body, unknown.body);
  }
  // A replayed answer: its challenge is spent.
  const opts = await post(srv.base, '/api/v1/session/passkey/options', {});
  const answer = auth.get(opts.body, ORIGIN, RP);
  assert.equal((await post(srv.base, '/api/v1/session/passkey', answer)).status, 201);
  const replay = await post(srv.base, '/api/v1/session/passkey', answer);
  assert.equal(replay.status, 401);
  assert.match(replay.body.error.message, /no such challenge/);
  // A counter that does not grow: a clone.
  const clone = await signInWith(auth, { count: auth.count });
  assert.equal(clone.status, 401);
  assert.match(clone.body.error.message, /counter did not grow.*cloned/);
  assert.equal((await signInWith(auth)).status, 201, 'the real one still signs in');
  // A disabled person: the same answer as an unknown credential.
  assert.equal((await api(srv.base, store.tokens.secretariat, 'POST', `/api/v1/people/${ids.carl}/disable`)).status, 200);
  const off = await signInWith(auth);
  assert.equal(off.status, 401);
  assert.deepEqual(off.body, unknown.body);
});

test('council person passkeys lists a person\'s passkeys and removes one', async () => {
  const s = await signIn(srv.base, 'ben', PW);
  const auth = new Authenticator();
  const made = await register(s, auth, { label: 'phone' });
  assert.equal(made.status, 201);
  const list = JSON.parse(council(store.db, 'person', 'passkeys', String(ids.ben), '--json'));
  assert.deepEqual(list.map((k) => [k.id, k.label, k.used]), [[made.body.id, 'phone', null]]);
  assert.ok(!JSON.stringify(list).includes(b64u(auth.credId)), 'no credential in the list');
  assert.match(council(store.db, 'person', 'passkeys', String(ids.ben)), /phone/);
  // Another person's passkey is not this person's to remove.
  assert.throws(() => council(store.db, 'person', 'passkeys', String(ids.anne), '--remove', String(made.body.id)),
    /no passkey/);
  assert.throws(() => council(store.db, 'person', 'passkeys', '9999'), /no such person/);
  assert.throws(() => council(store.db, 'person', 'passkeys', String(ids.ben), '--remove', 'x'), /--remove/);
  assert.equal((await signInWith(auth)).status, 201);
  council(store.db, 'person', 'passkeys', String(ids.ben), '--remove', String(made.body.id));
  assert.deepEqual(JSON.parse(council(store.db, 'person', 'passkeys', String(ids.ben), '--json')), []);
  assert.equal((await signInWith(auth)).status, 401, 'removed, it signs nobody in');
});

test('a person\'s passkey routes: the public 401, tokens 403, writes need the CSRF token', async () => {
  for (const [m, path] of [['GET', '/api/v1/passkeys'], ['POST', '/api/v1/passkeys/options'],
    ['POST', '/api/v1/passkeys'], ['DELETE', '/api/v1/passkeys/1']]) {
    const body = m === 'POST' ? {} : undefined;
    assert.equal((await api(srv.base, null, m, path, body)).status, 401, `${m} ${path}`);
    for (const who of ['secretariat', 'FR', 'JP'])
      assert.equal((await api(srv.base, store.tokens[who], m, path, body)).status, 403, `${who} ${m} ${path}`);
  }
  const s = await signIn(srv.base, 'ben', PW);
  const r = await asPerson(srv.base, s, 'POST', '/api/v1/passkeys/options', {}, { csrf: false });
  assert.equal(r.status, 403);
  assert.equal(r.body.error.code, 'csrf');
  // Sign-in from another site (login CSRF).
  const x = await fetch(`${srv.base}/api/v1/session/passkey/options`, { method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example' }, body: '{}' });
  assert.equal(x.status, 403);
});

test('without --rp-id every passkey route says so; with a short life a challenge expires', async () => {
  const off = await startServer(store.db);
  const short = await startServer(store.db, { args: ['--rp-id', RP, '--origin', ORIGIN,
    '--passkey-challenge-life', '1'] });
  try {
    const s = await signIn(off.base, 'ben', PW);
    for (const [m, path] of [['GET', '/api/v1/passkeys'], ['POST', '/api/v1/passkeys/options'],
      ['POST', '/api/v1/passkeys'], ['DELETE', '/api/v1/passkeys/1']]) {
      const r = await asPerson(off.base, s, m, path, m === 'POST' ? {} : undefined);
      assert.equal(r.status, 409, `${m} ${path}`);
      assert.match(r.body.error.message, /--rp-id/);
    }
    for (const path of ['/api/v1/session/passkey/options', '/api/v1/session/passkey']) {
      const r = await post(off.base, path, {});
      assert.equal(r.status, 409, path);
      assert.match(r.body.error.message, /--rp-id and --origin/);
    }
    // The CLI refuses half a configuration, and an IP address as RP id.
    assert.throws(() => council(store.db, 'serve', '--rp-id', RP), /--origin/);
    assert.throws(() => council(store.db, 'serve', '--rp-id', '127.0.0.1', '--origin', 'http://127.0.0.1:1'),
      /IP address/);
    assert.throws(() => council(store.db, 'serve', '--rp-id', RP, '--origin', 'http://example.org'),
      /--rp-id/);

    const b = await signIn(short.base, 'ben', PW);
    const opts = await asPerson(short.base, b, 'POST', '/api/v1/passkeys/options', {});
    assert.equal(opts.status, 200);
    // Past its end by the server's clock (whole seconds): wait for it.
    const made = Date.now();
    await new Promise((r) => setTimeout(r, 2100 - (Date.now() - made)));
    const r = await asPerson(short.base, b, 'POST', '/api/v1/passkeys',
      new Authenticator().create(opts.body, ORIGIN));
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /expired/);
  } finally {
    await off.stop();
    await short.stop();
  }
});

test('failed passkey sign-ins count in the sign-in throttle', async () => {
  const t = await startServer(store.db, { args: ['--rp-id', RP, '--origin', ORIGIN] });
  try {
    const auth = new Authenticator();
    let last;
    for (let i = 0; i < 25; i++) {
      last = await signInWith(auth, {}, t.base);
      if (last.status === 429) break;
      assert.equal(last.status, 401);
    }
    assert.equal(last.status, 429);
    assert.ok(Number(last.headers.get('retry-after')) > 0);
  } finally {
    await t.stop();
  }
});
