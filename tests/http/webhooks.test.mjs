// webhooks.test.mjs - webhooks to a real HTTP receiver (node:http on
// 127.0.0.1) that checks every delivery's signature as docs/WEBHOOKS.md
// tells a receiver to: made, delivered, filtered, revoked, retried after a
// 500 and given up after the last attempt (serve --webhook-attempts),
// sight (a webhook carries only what its owner token sees), bad input
// refused with nothing stored, and a crash between the commit and the
// delivery (kill -9: delivered after the restart, the body byte for byte
// what the log shows the owner).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, councilAsync, makeStore, startServer, freePort } from './lib.mjs';
import { receiver, verify, until } from './hooklib.mjs';

const LOCAL = ['--webhooks-allow-local'];

let store;
let srv;
let recv;

const as = (who) => (method, path, body) => api(srv.base, store.tokens[who], method, path, body);

async function propose(body) {
  const r = await as('secretariat')('POST', '/api/v1/proposals', body);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

async function hook(who, url, types) {
  const r = await as(who)('POST', '/api/v1/webhooks', types ? { url, types } : { url });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.match(r.body.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  return r.body;
}

// The event as GET /api/v1/log shows it to `who`, as its JSON text.
async function logText(who, seq) {
  const r = await as(who)('GET', `/api/v1/log?from=${seq}&limit=1`);
  assert.equal(r.status, 200);
  const e = r.body.events[0];
  assert.equal(e.seq, seq, `the log shows ${who} event ${seq}`);
  return JSON.stringify(e);
}

const at = (path) => recv.got.filter((g) => g.path === path);

before(async () => {
  store = makeStore();
  recv = await receiver();
});

after(async () => {
  if (srv) await srv.stop();
  await recv.close();
  store.cleanup();
});

test('bad input is refused, naming the field, and nothing is stored', async () => {
  srv = await startServer(store.db); // without --webhooks-allow-local
  const fr = as('FR');
  const bad = [
    [{}, 'url'],
    [{ url: 42 }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ url: 'ftp://example.org/x' }, 'url'],
    [{ url: 'http://user:pw@example.org/x' }, 'url'],
    [{ url: 'http://127.0.0.1:9/x' }, 'url'],
    [{ url: 'http://10.1.2.3/x' }, 'url'],
    [{ url: 'http://[::1]/x' }, 'url'],
    [{ url: 'http://localhost/x' }, 'url'],
    [{ url: 'http://192.168.0.1/x' }, 'url'],
    [{ url: `http://example.org/${'x'.repeat(2001)}` }, 'url'],
    [{ url: 'https://example.org/x', types: 'proposal.created' }, 'types'],
    [{ url: 'https://example.org/x', types: ['no.such.type'] }, 'types'],
    [{ url: 'https://example.org/x', types: ['proposal.created', 'proposal.created'] }, 'types'],
    [{ url: 'https://example.org/x', types: [''] }, 'types'],
    [{ url: 'https://example.org/x', colour: 'red' }, 'colour'],
  ];
  for (const [body, field] of bad) {
    const r = await fr('POST', '/api/v1/webhooks', body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.error.message, new RegExp(`'${field}'`), JSON.stringify(body));
  }
  const loop = await fr('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/x' });
  assert.match(loop.body.error.message, /loopback/);
  const pub = await api(srv.base, null, 'POST', '/api/v1/webhooks', { url: 'https://example.org/x' });
  assert.equal(pub.status, 401);
  for (const [m, p] of [['GET', '/api/v1/webhooks/999'], ['POST', '/api/v1/webhooks/999/revoke'],
    ['GET', '/api/v1/webhooks/999/deliveries']]) {
    assert.equal((await fr(m, p)).status, 404, `${m} ${p}`);
  }
  const list = await fr('GET', '/api/v1/webhooks');
  assert.equal(list.status, 200);
  assert.equal(list.body.count, 0, 'nothing stored');
  // A public host name is taken (checked again on the socket's address).
  const ok = await fr('POST', '/api/v1/webhooks', { url: 'https://example.org/hook' });
  assert.equal(ok.status, 201);
  assert.equal((await fr('POST', `/api/v1/webhooks/${ok.body.id}/revoke`)).status, 200);
  await srv.stop();
  srv = await startServer(store.db, { args: LOCAL });
});

test('a webhook gets each event it may see, signed, as the log shows it', async () => {
  const h = await hook('FR', recv.url('/fr'));
  assert.equal(h.types.length, 0);
  // Listed without its secret; another token does not see it.
  const list = await as('FR')('GET', '/api/v1/webhooks');
  assert.ok(list.body.webhooks.some((w) => w.id === h.id && w.secret === undefined));
  assert.equal((await as('US')('GET', `/api/v1/webhooks/${h.id}`)).status, 404);
  assert.equal((await as('US')('POST', `/api/v1/webhooks/${h.id}/revoke`)).status, 404);
  assert.equal((await as('FR')('GET', `/api/v1/webhooks/${h.id}`)).body.url, recv.url('/fr'));

  const id = await propose({ body: 'NAC', title: 'webhooks: a NAC meeting' });
  const got = await until('the delivery', () => at('/fr').find((g) =>
    JSON.parse(g.body).payload.id === id));
  assert.equal(verify(h.secret, got.headers['council-signature'], got.body), null);
  assert.equal(got.headers['council-event'], 'proposal.created');
  assert.equal(got.headers['content-type'], 'application/json');
  const ev = JSON.parse(got.body);
  assert.equal(got.body, await logText('FR', ev.seq), 'byte for byte the log');
  // The delivery log says so.
  const d = await until('the delivery log', async () => {
    const r = await as('FR')('GET', `/api/v1/webhooks/${h.id}/deliveries`);
    return r.body.deliveries.find((x) => x.seq === ev.seq);
  });
  assert.equal(d.status, 200);
  assert.equal(d.state, 'delivered');
  assert.equal(String(d.delivery), got.headers['council-delivery']);
  // A signature under another secret, or a changed body, fails.
  assert.notEqual(verify('whsec_other', got.headers['council-signature'], got.body), null);
  assert.notEqual(verify(h.secret, got.headers['council-signature'], got.body + ' '), null);
});

test('the event-type filter', async () => {
  const h = await hook('US', recv.url('/us-concluded'), ['procedure.concluded']);
  assert.deepEqual(h.types, ['procedure.concluded']);
  const id = await propose({ body: 'NAC', title: 'webhooks: to conclude' });
  await as('secretariat')('POST', `/api/v1/proposals/${id}/withdraw`);
  const got = await until('the conclusion', () => at('/us-concluded').find((g) =>
    JSON.parse(g.body).payload.proposal === id));
  assert.equal(JSON.parse(got.body).type, 'procedure.concluded');
  assert.ok(at('/us-concluded').every((g) => JSON.parse(g.body).type === 'procedure.concluded'),
    'nothing but conclusions');
  assert.equal(verify(h.secret, got.headers['council-signature'], got.body), null);
});

test('sight: a webhook never carries what its owner may not see', async () => {
  const fr = await hook('FR', recv.url('/fr-sight'));
  const jp = await hook('JP', recv.url('/jp-sight'));
  const sec = await hook('secretariat', recv.url('/sec-sight'));
  const npg = await propose({ body: 'NPG', title: 'webhooks: hidden from France and Japan' });
  const nac = await propose({ body: 'NAC', title: 'webhooks: NAC, not shared' });
  const shared = await propose({ body: 'NAC', title: 'webhooks: shared', shared: true });
  // The secretariat sees all three.  Deliveries go HOOKS_PARALLEL at a
  // time, so the last one sent is not the last one received: a webhook
  // is done with the three once its cursor has passed the last of them,
  // what it must hear of has been received, and every attempt in its
  // delivery log has been delivered (and received).  The log lists
  // attempts, not notices: a notice queued with the cursor's move is in
  // it only once its first attempt is over (claimed, sent, answered,
  // recorded), so an empty log proved nothing (Japan's one delivery was
  // once found missing that way, on a loaded machine).
  const secGot = await until('the secretariat', () => at('/sec-sight').find((g) => JSON.parse(g.body).payload.id === shared));
  const last = JSON.parse(secGot.body).seq;
  const about = (g) => { const p = JSON.parse(g.body).payload; return p.id ?? p.proposal; };
  const settled = (who, path, h, hears) => until(`${who}'s webhook to settle`, async () => {
    const w = await as(who)('GET', `/api/v1/webhooks/${h.id}`);
    if (w.body.cursor < last) return false;
    if (!hears.every((id) => at(path).some((g) => about(g) === id))) return false;
    const d = await as(who)('GET', `/api/v1/webhooks/${h.id}/deliveries`);
    if (!d.body.deliveries.every((x) => x.state === 'delivered')) return false;
    const got = new Set(at(path).map((g) => g.headers['council-delivery']));
    return d.body.deliveries.every((x) => got.has(String(x.delivery)));
  });
  await settled('FR', '/fr-sight', fr, [nac, shared]);
  await settled('JP', '/jp-sight', jp, [shared]);
  assert.ok(at('/fr-sight').some((g) => about(g) === shared));
  assert.ok(at('/jp-sight').some((g) => about(g) === shared));
  assert.ok(at('/sec-sight').some((g) => about(g) === npg));
  assert.ok(!at('/fr-sight').some((g) => about(g) === npg), 'France never hears of the NPG item');
  assert.ok(at('/fr-sight').some((g) => about(g) === nac));
  assert.ok(!at('/jp-sight').some((g) => about(g) === npg), 'Japan never hears of the NPG item');
  assert.ok(!at('/jp-sight').some((g) => about(g) === nac), 'Japan never hears of an unshared item');
  for (const [who, path, h] of [['FR', '/fr-sight', fr], ['JP', '/jp-sight', jp]]) {
    for (const g of at(path)) {
      assert.equal(verify(h.secret, g.headers['council-signature'], g.body), null);
      assert.equal(g.body, await logText(who, JSON.parse(g.body).seq));
    }
  }
  // No body carries the hidden proposal's title, in any field.
  for (const g of [...at('/fr-sight'), ...at('/jp-sight')]) {
    assert.ok(!g.body.includes('hidden from France'), g.body);
  }
});

test('revoked: no more deliveries', async () => {
  const gone = await hook('HU', recv.url('/hu-revoked'));
  const stays = await hook('HU', recv.url('/hu-stays'));
  const r = await as('HU')('POST', `/api/v1/webhooks/${gone.id}/revoke`);
  assert.equal(r.status, 200);
  assert.equal(r.body.id, gone.id);
  assert.equal((await as('HU')('GET', `/api/v1/webhooks/${gone.id}`)).status, 404);
  assert.equal((await as('HU')('POST', `/api/v1/webhooks/${gone.id}/revoke`)).status, 404);
  const id = await propose({ body: 'NAC', title: 'webhooks: after a revocation' });
  await until('the live webhook', () => at('/hu-stays').some((g) => JSON.parse(g.body).payload.id === id));
  assert.equal(at('/hu-revoked').length, 0);
  assert.equal(verify(stays.secret, at('/hu-stays')[0].headers['council-signature'],
    at('/hu-stays')[0].body), null);
});

test('a webhook dies with its token', async () => {
  // A token of its own, revoked with the CLI while the server runs.
  const issued = JSON.parse(await councilAsync(store.db, 'token', 'issue', '--member', 'DE', '--json'));
  store.tokens.DE = issued.token;
  const dies = await hook('DE', recv.url('/de-token'), ['proposal.created']);
  const stays = await hook('FR', recv.url('/fr-stays'), ['proposal.created']);
  const first = await propose({ body: 'NAC', title: 'webhooks: before the token is revoked' });
  await until('the first delivery', () => at('/de-token').some((g) => JSON.parse(g.body).payload.id === first));
  await councilAsync(store.db, 'token', 'revoke', String(issued.id));
  const second = await propose({ body: 'NAC', title: 'webhooks: after the token is revoked' });
  await until('the other webhook', () => at('/fr-stays').some((g) => JSON.parse(g.body).payload.id === second));
  assert.ok(!at('/de-token').some((g) => JSON.parse(g.body).payload.id === second), 'nothing after revocation');
  assert.equal(verify(dies.secret, at('/de-token')[0].headers['council-signature'], at('/de-token')[0].body), null);
  assert.equal(verify(stays.secret, at('/fr-stays')[0].headers['council-signature'], at('/fr-stays')[0].body), null);
});

test('a receiver answering 500 is tried again; the log shows both attempts', async () => {
  recv.plan.set('/flaky', [500]);
  const h = await hook('US', recv.url('/flaky'), ['proposal.created']);
  const id = await propose({ body: 'NAC', title: 'webhooks: retried' });
  await until('the second attempt', () => at('/flaky').length >= 2);
  const [first, second] = at('/flaky');
  assert.equal(first.body, second.body, 'the same bytes again');
  assert.equal(first.headers['council-delivery'], second.headers['council-delivery'],
    'the same delivery id, for receivers to drop a duplicate');
  assert.equal(JSON.parse(second.body).payload.id, id);
  assert.equal(verify(h.secret, second.headers['council-signature'], second.body), null);
  const log = await until('both attempts logged', async () => {
    const r = await as('US')('GET', `/api/v1/webhooks/${h.id}/deliveries`);
    return r.body.deliveries.length >= 2 && r.body.deliveries;
  });
  const byAttempt = Object.fromEntries(log.map((a) => [a.attempt, a]));
  assert.equal(byAttempt[1].status, 500);
  assert.ok(byAttempt[1].error, 'the failed attempt says why');
  assert.ok(byAttempt[1].next_retry, 'and when it is tried again');
  assert.equal(byAttempt[2].status, 200);
  assert.equal(byAttempt[2].state, 'delivered');
});

test('revoked while a delivery waits for its retry: cancelled, not sent', async () => {
  recv.plan.set('/cancel', [500, 500, 500, 500]);
  const h = await hook('HU', recv.url('/cancel'), ['proposal.created']);
  await hook('HU', recv.url('/cancel-companion'), ['proposal.created']);
  await propose({ body: 'NAC', title: 'webhooks: cancelled' });
  await until('the first attempt', () => at('/cancel').length >= 1);
  // Until the revocation, the delivery waits for its next retry: pending
  // (the receiver answers 500 to each of the first four attempts).
  const waiting = await until('the first attempt logged', async () => {
    const r = await as('HU')('GET', `/api/v1/webhooks/${h.id}/deliveries`);
    return r.body.deliveries.length >= 1 && r.body.deliveries;
  });
  assert.ok(waiting.every((a) => a.state === 'pending'), JSON.stringify(waiting));
  assert.equal((await as('HU')('POST', `/api/v1/webhooks/${h.id}/revoke`)).status, 200);
  // The delivery log outlives the webhook in the store (the API shows
  // only live ones): the retry is logged as cancelled.
  const log = await until('the cancellation', async () => {
    const d = JSON.parse(await councilAsync(store.db, 'webhook', 'deliveries', String(h.id), '--json'));
    return d.some((a) => a.state === 'cancelled') && d;
  });
  const attempts = log.map((a) => a.attempt).sort();
  assert.deepEqual(attempts, [...new Set(attempts)], 'each attempt logged once');
  assert.ok(log.find((a) => a.attempt === Math.max(...attempts)).error.includes('revoked'));
  const sent = at('/cancel').length;
  assert.equal(log.filter((a) => a.status === 500).length, sent, 'every request the receiver got is logged');
  // A later event reaches a live webhook, and nothing more the revoked one.
  const after = await propose({ body: 'NAC', title: 'webhooks: after the cancellation' });
  await until('the live webhook', () => at('/cancel-companion').some((g) =>
    JSON.parse(g.body).payload.id === after));
  assert.equal(at('/cancel').length, sent, 'nothing more sent');
});

test('given up after the last attempt (serve --webhook-attempts): failed, nothing more sent', async () => {
  // Three attempts: waits of about 1 s and 2 s, then given up.
  await srv.stop();
  srv = await startServer(store.db, { args: [...LOCAL, '--webhook-attempts', '3'] });
  recv.plan.set('/always-500', Array(1000).fill(500));
  const h = await hook('US', recv.url('/always-500'), ['proposal.created']);
  await hook('US', recv.url('/beside-500'), ['proposal.created']);
  const first = await propose({ body: 'NAC', title: 'webhooks: never answered 2xx' });
  const about = (g) => JSON.parse(g.body).payload.id;
  const deliveries = async () => (await as('US')('GET', `/api/v1/webhooks/${h.id}/deliveries`)).body.deliveries;
  const log = await until('the delivery given up', async () => {
    const d = await deliveries();
    return d.some((a) => a.state === 'failed') && d;
  });
  const sent = at('/always-500').filter((g) => about(g) === first);
  assert.equal(sent.length, 3, 'three attempts reached the receiver');
  assert.equal(new Set(sent.map((g) => g.headers['council-delivery'])).size, 1, 'one delivery, tried three times');
  const mine = log.filter((a) => String(a.delivery) === sent[0].headers['council-delivery']);
  assert.deepEqual(mine.map((a) => a.attempt).sort(), [1, 2, 3], 'each attempt logged once');
  for (const a of mine) {
    assert.equal(a.status, 500);
    assert.equal(a.state, 'failed', 'the delivery is failed');
    assert.ok(a.error, 'each attempt says why');
  }
  assert.equal(mine.find((a) => a.attempt === 3).next_retry, null, 'no retry after the last');
  assert.ok(mine.find((a) => a.attempt === 2).next_retry, 'a retry after the others');
  // Later events still go out: to the webhook beside it, and to this one
  // (a delivery of its own, given up in turn); the first is sent no more.
  const later = await propose({ body: 'NAC', title: 'webhooks: after one was given up' });
  await until('the webhook beside it', () => at('/beside-500').some((g) => about(g) === later));
  const laterLog = await until('the later delivery given up', async () => {
    const d = await deliveries();
    return d.filter((a) => a.state === 'failed' && String(a.delivery) !== sent[0].headers['council-delivery'])
      .length === 3 && d;
  });
  assert.ok(laterLog.every((a) => a.state === 'failed'), JSON.stringify(laterLog));
  assert.equal(at('/always-500').filter((g) => about(g) === first).length, 3, 'nothing more sent for the first');
  assert.equal(at('/always-500').filter((g) => about(g) === later).length, 3);
  assert.equal((await deliveries()).length, 6, 'and nothing more logged');
});

test('a crash between the commit and the delivery: delivered after the restart', async () => {
  // The receiver is down: its port is free and nothing listens there.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/after-crash`;
  const h = await hook('FR', url, ['proposal.created']);
  const id = await propose({ body: 'NAC', title: 'webhooks: across a kill -9' });
  // Acknowledged means committed; kill at once, whatever was tried.
  srv.child.kill('SIGKILL');
  await new Promise((r) => srv.child.on('exit', r));
  const late = await receiver(port);
  try {
    srv = await startServer(store.db, { args: LOCAL });
    const got = await until('the delivery after the restart', () => late.got.find((g) =>
      JSON.parse(g.body).payload.id === id));
    assert.equal(verify(h.secret, got.headers['council-signature'], got.body), null);
    assert.equal(got.body, await logText('FR', JSON.parse(got.body).seq), 'byte for byte the log');
  } finally {
    await late.close();
  }
});

test('an event committed while no server runs is delivered when one starts', async () => {
  // The log is the queue: an event the notifier has not passed yet is
  // found after a restart, here one the CLI committed with the server down.
  const h = await hook('FR', recv.url('/while-down'), ['proposal.created']);
  srv.child.kill('SIGKILL');
  await new Promise((r) => srv.child.on('exit', r));
  const id = Number((await councilAsync(store.db, 'propose', '--body', 'NAC', '--title',
    'webhooks: made by the CLI while no server runs')).trim());
  assert.ok(id > 0);
  srv = await startServer(store.db, { args: LOCAL });
  const got = await until('the delivery', () => at('/while-down').find((g) =>
    JSON.parse(g.body).payload.id === id));
  assert.equal(verify(h.secret, got.headers['council-signature'], got.body), null);
  assert.equal(got.body, await logText('FR', JSON.parse(got.body).seq));
  assert.equal(at('/while-down').length, 1, 'once');
});
