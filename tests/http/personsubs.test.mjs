// personsubs.test.mjs - a person's own subscriptions (docs/WEBHOOKS.md,
// "A person's subscriptions"), end to end with real components: a person
// of France signs in with a password and makes a webhook, an e-mail
// subscription with a 2 h reminder and a calendar feed; a silence
// procedure whose deadline is a minute away (inside the 2 h window, so
// the reminder is due at once, as reminders.test.mjs makes deadlines
// near) brings the signed reminder to a real HTTP receiver and the
// reminder e-mail to a real SMTP listener (tools/smtp_sink.py); the feed
// parses with Python's icalendar.  Another person of France and France's
// token see none of it (404, as another token's); the person's
// subscriptions never carry the NPG item France may not see; the cookie
// without its CSRF token writes nothing; and once the secretariat
// disables the person, nothing more reaches its receiver or mailbox
// (waited for as a condition: France's token's own webhook and e-mail,
// made alike, receive the next event), a notice queued for it before is
// cancelled, not sent, and its feed URL answers 404.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFeed } from './ical.mjs';
import { api, councilAsync, makeStore, startServer, isoIn, addPerson, signIn, asPerson } from './lib.mjs';
import { receiver, verify, until } from './hooklib.mjs';
import { startSink, stopSink, mails, carried } from './maillib.mjs';

const PW = 'correct horse battery';

let store, srv, recv, sink;
let anne, bob;
const made = {};   // what anne and France's token made
const ids = {};

const sec = (method, path, body) => api(srv.base, store.tokens.secretariat, method, path, body);
const fr = (method, path, body) => api(srv.base, store.tokens.FR, method, path, body);
const as = (who) => (method, path, body, opts) => asPerson(srv.base, who, method, path, body, opts);
const at = (path) => recv.got.filter((g) => g.path === path);
const to = (addr) => mails(sink.dir).filter((m) => m.envelope.to.includes(addr));
// What a delivery or a message is about.
const aboutBody = (b) => b.proposal ?? b.payload?.id ?? b.payload?.proposal;
const aboutHook = (g) => aboutBody(JSON.parse(g.body));
const aboutMail = (m) => aboutBody(carried(m));

async function propose(body, title, extra = {}) {
  const r = await sec('POST', '/api/v1/proposals', { body, title, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

before(async () => {
  store = makeStore();
  recv = await receiver();
  sink = await startSink(mkdtempSync(join(tmpdir(), 'council-smtp-')));
  srv = await startServer(store.db, { args: ['--webhooks-allow-local',
    '--smtp', `smtp://127.0.0.1:${sink.port}`, '--mail-from', 'council@nac.example'] });
  ids.anne = addPerson(store.db, 'anne', 'FR', PW);
  ids.bob = addPerson(store.db, 'bob', 'FR', PW);
  anne = await signIn(srv.base, 'anne', PW);
  bob = await signIn(srv.base, 'bob', PW);
  assert.equal(anne.status, 201, JSON.stringify(anne.body));
  assert.equal(bob.status, 201, JSON.stringify(bob.body));
});

after(async () => {
  if (srv) await srv.stop();
  await recv.close();
  await stopSink(sink);
  rmSync(sink.dir, { recursive: true, force: true });
  store.cleanup();
});

test('a person makes, lists and reads its own; nobody else sees them', async () => {
  const types = ['proposal.created'];
  // Without the CSRF token the cookie writes nothing.
  for (const [path, body] of [['/api/v1/webhooks', { url: recv.url('/anne'), types }],
    ['/api/v1/webhooks', { email: 'anne@fr.example', lang: 'fr' }],
    ['/api/v1/calendar/feeds', { label: 'phone' }]]) {
    const r = await as(anne)('POST', path, body, { csrf: false });
    assert.equal(r.status, 403, `${path}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, 'csrf');
  }
  assert.equal((await as(anne)('GET', '/api/v1/webhooks')).body.count, 0, 'nothing stored');
  assert.equal((await as(anne)('GET', '/api/v1/calendar/feeds')).body.count, 0, 'nothing stored');

  const hook = await as(anne)('POST', '/api/v1/webhooks', { url: recv.url('/anne'), types, remind: ['2h'] });
  assert.equal(hook.status, 201, JSON.stringify(hook.body));
  assert.ok(typeof hook.body.secret === 'string' && hook.body.secret.length >= 20, 'its secret, once');
  const mail = await as(anne)('POST', '/api/v1/webhooks',
    { email: 'anne@fr.example', lang: 'fr', types, remind: ['2h'] });
  assert.equal(mail.status, 201, JSON.stringify(mail.body));
  assert.deepEqual([mail.body.email, mail.body.lang, mail.body.remind], ['anne@fr.example', 'fr', ['2h']]);
  const feed = await as(anne)('POST', '/api/v1/calendar/feeds', { label: 'phone' });
  assert.equal(feed.status, 201, JSON.stringify(feed.body));
  Object.assign(made, { hook: hook.body, mail: mail.body, feed: feed.body });

  // France's token, alike: the control that shows events still flow.
  const ctl = await fr('POST', '/api/v1/webhooks', { url: recv.url('/ctl'), types });
  const ctlMail = await fr('POST', '/api/v1/webhooks', { email: 'ctl@fr.example', types });
  assert.equal(ctl.status, 201, JSON.stringify(ctl.body));
  assert.equal(ctlMail.status, 201, JSON.stringify(ctlMail.body));
  Object.assign(made, { ctl: ctl.body, ctlMail: ctlMail.body });

  const list = await as(anne)('GET', '/api/v1/webhooks');
  assert.deepEqual(list.body.webhooks.map((w) => w.id), [hook.body.id, mail.body.id]);
  assert.ok(!JSON.stringify(list.body).includes(hook.body.secret), 'a secret is shown once');
  assert.equal((await as(anne)('GET', `/api/v1/webhooks/${hook.body.id}`)).status, 200);
  assert.equal((await as(anne)('GET', `/api/v1/webhooks/${hook.body.id}/deliveries`)).status, 200);
  const feeds = await as(anne)('GET', '/api/v1/calendar/feeds');
  assert.deepEqual(feeds.body.feeds.map((f) => [f.id, f.label]), [[feed.body.id, 'phone']]);

  // Bob, of the same delegation, and France's token: none of anne's.
  assert.equal((await as(bob)('GET', '/api/v1/webhooks')).body.count, 0);
  assert.equal((await as(bob)('GET', '/api/v1/calendar/feeds')).body.count, 0);
  assert.deepEqual((await fr('GET', '/api/v1/webhooks')).body.webhooks.map((w) => w.id),
    [ctl.body.id, ctlMail.body.id]);
  assert.equal((await fr('GET', '/api/v1/calendar/feeds')).body.count, 0);
  for (const id of [hook.body.id, mail.body.id]) {
    for (const path of [`/api/v1/webhooks/${id}`, `/api/v1/webhooks/${id}/deliveries`]) {
      assert.equal((await as(bob)('GET', path)).status, 404, path);
      assert.equal((await fr('GET', path)).status, 404, path);
    }
    assert.equal((await as(bob)('POST', `/api/v1/webhooks/${id}/revoke`)).status, 404);
    assert.equal((await fr('POST', `/api/v1/webhooks/${id}/revoke`)).status, 404);
  }
  const fid = feed.body.id;
  assert.equal((await as(bob)('POST', `/api/v1/calendar/feeds/${fid}/revoke`)).status, 404);
  assert.equal((await fr('POST', `/api/v1/calendar/feeds/${fid}/revoke`)).status, 404);
  // And anne none of the token's.
  assert.equal((await as(anne)('GET', `/api/v1/webhooks/${ctl.body.id}`)).status, 404);
  assert.equal((await as(anne)('POST', `/api/v1/webhooks/${ctl.body.id}/revoke`)).status, 404);

  // A revocation without CSRF is refused; with it, anne's own goes.
  const spare = await as(anne)('POST', '/api/v1/webhooks', { url: recv.url('/spare') });
  assert.equal((await as(anne)('POST', `/api/v1/webhooks/${spare.body.id}/revoke`, undefined,
    { csrf: false })).status, 403);
  assert.equal((await as(anne)('POST', `/api/v1/webhooks/${spare.body.id}/revoke`)).status, 200);
  assert.equal((await as(anne)('GET', `/api/v1/webhooks/${spare.body.id}`)).status, 404);
});

test('the reminder by webhook and e-mail, and the feed, carry what France sees', async () => {
  ids.nac = await propose('NAC', 'personsubs: a silence ending soon',
    { procedure: 'silence', deadline: isoIn(60) });
  ids.npg = await propose('NPG', 'personsubs: NPG, hidden from France',
    { procedure: 'silence', deadline: isoIn(60) });

  const reminded = (g) => g.headers['council-event'] === 'reminder' && aboutHook(g) === ids.nac;
  const got = await until('anne\'s signed reminder', () => at('/anne').find(reminded));
  assert.equal(verify(made.hook.secret, got.headers['council-signature'], got.body), null);
  assert.deepEqual([JSON.parse(got.body).member, JSON.parse(got.body).remind], ['FR', '2h']);
  const m = await until('anne\'s reminder e-mail', () => to('anne@fr.example')
    .find((x) => x.headers['Council-Event'] === 'reminder' && aboutMail(x) === ids.nac));
  assert.match(m.headers.Subject, /^\[council\] Rappel/, 'in French, as asked');
  await until('the NAC item\'s notice to anne', () => at('/anne')
    .some((g) => g.headers['council-event'] === 'proposal.created' && aboutHook(g) === ids.nac));

  // The control saw the NPG item's turn pass (France is not on the NPG:
  // nothing of it anywhere).
  await until('the control\'s NAC notice', () => at('/ctl').some((g) => aboutHook(g) === ids.nac));
  for (const g of [...at('/anne'), ...at('/ctl')]) {
    assert.notEqual(aboutHook(g), ids.npg, g.body);
    assert.ok(!g.body.includes('hidden from France'), g.body);
  }
  for (const x of to('anne@fr.example')) assert.ok(!JSON.stringify(x).includes('hidden from France'));

  const r = await fetch(made.feed.url);
  assert.equal(r.status, 200);
  const cal = await parseFeed(await r.text());
  assert.deepEqual(cal.problems, []);
  const uids = cal.events.map((e) => e.UID);
  assert.ok(uids.includes(`proposal-${ids.nac}@council`), JSON.stringify(uids));
  assert.ok(!uids.includes(`proposal-${ids.npg}@council`), 'the NPG item is hidden from France');
});

test('a disabled person\'s subscriptions stop and its feed answers as revoked', async () => {
  // A notice queued and waiting for its retry when the disable commits
  // (the receiver answers 500 to the first attempts) is cancelled, not
  // sent: the store's delivery log says so.
  recv.plan.set('/anne-wait', [500, 500, 500, 500]);
  const wait = await as(anne)('POST', '/api/v1/webhooks', { url: recv.url('/anne-wait'), types: ['proposal.created'] });
  assert.equal(wait.status, 201, JSON.stringify(wait.body));
  const queued = await propose('NAC', 'personsubs: queued before the disable');
  await until('the first attempt logged', async () => {
    const r = await as(anne)('GET', `/api/v1/webhooks/${wait.body.id}/deliveries`);
    return r.body.deliveries.length >= 1 && r.body.deliveries.every((d) => d.state === 'pending');
  });

  const off = await sec('POST', `/api/v1/people/${ids.anne}/disable`);
  assert.equal(off.status, 200, JSON.stringify(off.body));
  assert.equal((await fetch(made.feed.url)).status, 404, 'the feed, as a revoked one');

  const id = await propose('NAC', 'personsubs: after the disable');
  // France's token's webhook and e-mail, made alike, get it: the round
  // that would have reached anne's has run.
  await until('the control webhook\'s notice', () => at('/ctl').some((g) => aboutHook(g) === id));
  await until('the control e-mail', () => to('ctl@fr.example').some((x) => aboutMail(x) === id));
  assert.deepEqual(at('/anne').filter((g) => aboutHook(g) === id), [], 'nothing to anne\'s receiver');
  assert.deepEqual(to('anne@fr.example').filter((x) => aboutMail(x) === id), [], 'nor her mailbox');
  const log = await until('the cancellation', async () => {
    const d = JSON.parse(await councilAsync(store.db, 'webhook', 'deliveries', String(wait.body.id), '--json'));
    return d.some((a) => a.state === 'cancelled') && d;
  });
  assert.ok(log.find((a) => a.state === 'cancelled').error.includes('revoked'), JSON.stringify(log));
  assert.equal(log.filter((a) => a.status === 500).length, at('/anne-wait').length, 'nothing sent but the refused');
  assert.ok(at('/anne-wait').every((g) => aboutHook(g) === queued));
  // Signed out too: her session ended with the disable.
  assert.equal((await as(anne)('GET', '/api/v1/webhooks')).status, 401);
});
