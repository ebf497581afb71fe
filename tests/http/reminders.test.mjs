// reminders.test.mjs - reminders before deadlines (docs/WEBHOOKS.md,
// "Reminders before deadlines"), to a real receiver that checks every
// signature: a silence procedure a few seconds ahead and offsets in
// seconds; the reminder comes once, signed, before the deadline, to the
// delegations that have not answered and may see the proposal, and to
// no one else (not the secretariat, not a partner, not a member off the
// body); a written vote the same until the delegation votes; a deadline
// extended gets a reminder of its own; a
// withdrawn proposal none; a reminder queued before a kill -9 is
// delivered once after the restart.  Every wait is for a condition, with
// generous bounds (hooklib.mjs); the offsets leave the deadline at least
// 5 s after the reminder's time.  The tests that wait for deadlines run
// at once, each on a store, server and receiver of its own (world()).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, makeStore, startServer, freePort, isoIn } from './lib.mjs';
import { receiver, verify, until } from './hooklib.mjs';

const LOCAL = ['--webhooks-allow-local'];

// A world: a store, a receiver and a server over the store.  Each test
// that waits for a deadline has one of its own, so that those tests run
// at once (most of their time is the clock running to a deadline) and
// yet no hook of one sees the proposals of another: every count below
// is of everything a receiver got, as if the test ran alone.
async function world() {
  const w = { store: makeStore(), recv: await receiver() };
  w.srv = await startServer(w.store.db, { args: LOCAL });
  w.as = (who) => (method, path, body) => api(w.srv.base, w.store.tokens[who], method, path, body);
  w.at = (path) => w.recv.got.filter((g) => g.path === path);
  w.hook = async (who, url, remind) => {
    const r = await w.as(who)('POST', '/api/v1/webhooks', { url, types: ['procedure.concluded'], remind });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  w.silence = async (body, title, seconds, { procedure = 'silence', shared = false } = {}) => {
    const deadline = isoIn(seconds);
    const r = await w.as('secretariat')('POST', '/api/v1/proposals',
      { body, title, procedure, deadline, shared });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { id: r.body.id, deadline };
  };
  w.close = async () => {
    await w.srv?.stop();
    await w.recv.close();
    w.store.cleanup();
  };
  return w;
}

const reminders = (got) => got.filter((g) => g.headers['council-event'] === 'reminder');
const concluded = (got, id) => got.some((g) => g.headers['council-event'] === 'procedure.concluded'
  && JSON.parse(g.body).payload.proposal === id);

let w0;

before(async () => {
  w0 = await world();
});

after(async () => {
  await w0?.close();
});

// The test's own world, closed whatever the test's outcome.
async function inWorld(fn) {
  const w = await world();
  try {
    await fn(w);
  } finally {
    await w.close();
  }
}

test('remind: bad offsets are refused, naming the field, and nothing is stored', async () => {
  const fr = w0.as('FR');
  const url = w0.recv.url('/never');
  for (const remind of ['24h', [24], ['24'], ['1w'], ['0s'], ['31d'], ['2h', '120m'],
    ['1h', '2h', '3h', '4h', '5h'], ['-1h'], ['']]) {
    const r = await fr('POST', '/api/v1/webhooks', { url, remind });
    assert.equal(r.status, 400, `${JSON.stringify(remind)}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.error.message, /'remind'/, JSON.stringify(remind));
  }
  assert.equal((await fr('GET', '/api/v1/webhooks')).body.count, 0, 'nothing stored');
  // Taken: shown largest first, each in its largest whole unit.
  const ok = await fr('POST', '/api/v1/webhooks', { url, remind: ['90s', '1d', '2h'] });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  assert.deepEqual(ok.body.remind, ['24h', '2h', '90s']);
  assert.deepEqual((await fr('GET', `/api/v1/webhooks/${ok.body.id}`)).body.remind, ['24h', '2h', '90s']);
  const plain = await fr('POST', '/api/v1/webhooks', { url });
  assert.deepEqual(plain.body.remind, [], 'none by default');
  for (const id of [ok.body.id, plain.body.id]) {
    assert.equal((await fr('POST', `/api/v1/webhooks/${id}/revoke`)).status, 200);
  }
});

describe('deadlines, each in a world of its own, at once', { concurrency: true }, () => {
  test('once, signed, before the deadline, to the delegations still awaited that see it', () => inWorld(async (w) => {
    const { as, at, hook, silence, recv } = w;
    const hooks = {
      FR: await hook('FR', recv.url('/fr'), ['15s']),
      US: await hook('US', recv.url('/us'), ['15s']),
      HU: await hook('HU', recv.url('/hu'), ['15s']),
      JP: await hook('JP', recv.url('/jp'), ['15s']),
      secretariat: await hook('secretariat', recv.url('/sec'), ['15s']),
    };
    // Shared: Japan sees it, and still owes no answer.
    const nac = await silence('NAC', 'reminders: NAC silence', 20, { shared: true });
    const npg = await silence('NPG', 'reminders: NPG silence, hidden from France', 20);
    const gone = await silence('NAC', 'reminders: withdrawn at once', 20);
    const wd = await as('secretariat')('POST', `/api/v1/proposals/${gone.id}/withdraw`, { reason: 'overtaken' });
    assert.equal(wd.status, 200, JSON.stringify(wd.body));
    // The United States answers before the reminder's time: none for it.
    const us = await as('US')('POST', `/api/v1/proposals/${nac.id}/positions`,
      { position: 'concur' });
    assert.equal(us.status, 200, JSON.stringify(us.body));
    // Hungary comments: a word on the record, no position; it answered too.
    const hu = await as('HU')('POST', `/api/v1/proposals/${nac.id}/positions`,
      { position: 'comment', text: 'noted' });
    assert.equal(hu.status, 200, JSON.stringify(hu.body));

    const got = await until('France\'s reminder', () => reminders(at('/fr'))
      .find((g) => JSON.parse(g.body).proposal === nac.id));
    const when = Date.now();
    assert.ok(when < Date.parse(nac.deadline), `before the deadline (${new Date(when).toISOString()} < ${nac.deadline})`);
    assert.equal(verify(hooks.FR.secret, got.headers['council-signature'], got.body), null);
    assert.match(got.headers['council-delivery'], /^\d+$/);
    assert.deepEqual(JSON.parse(got.body), {
      type: 'reminder', proposal: nac.id, title: 'reminders: NAC silence', body: 'NAC',
      procedure: 'silence', deadline: nac.deadline, remind: '15s', member: 'FR', awaited: 'position',
    });

    // Past the deadline no reminder can come: wait for the conclusions.
    for (const path of ['/fr', '/us', '/hu', '/sec']) {
      await until(`the conclusion at ${path}`, () => concluded(at(path), nac.id));
    }
    await until('the NPG conclusion', () => concluded(at('/sec'), npg.id));
    assert.equal(reminders(at('/fr')).length, 1, 'France: once, and only of what it sees');
    // The United States sits on the NPG and did not answer there.
    assert.deepEqual(reminders(at('/us')).map((g) => JSON.parse(g.body).proposal), [npg.id],
      'the United States answered on the NAC item');
    assert.deepEqual(reminders(at('/hu')).map((g) => JSON.parse(g.body).proposal), [npg.id],
      'Hungary commented on the NAC item (and sits on the NPG)');
    assert.equal(reminders(at('/sec')).length, 0, 'the secretariat owes no answer');
    assert.equal(reminders(at('/jp')).length, 0, 'a partner owes none');
    assert.ok(concluded(at('/jp'), nac.id), 'though Japan sees the shared item');
    for (const g of [...at('/fr'), ...at('/jp')]) assert.ok(!g.body.includes('hidden from France'), g.body);

    // The delivery log names it.
    const log = await as('FR')('GET', `/api/v1/webhooks/${hooks.FR.id}/deliveries`);
    const rem = log.body.deliveries.filter((d) => d.type === 'reminder');
    assert.equal(rem.length, 1, JSON.stringify(log.body));
    assert.equal(rem[0].state, 'delivered');
    assert.equal(rem[0].seq, null, 'a reminder is no event of the log');
  }));

  test('a written vote: reminded until the delegation votes', () => inWorld(async (w) => {
    const { as, at, hook, silence, recv } = w;
    const fr = await hook('FR', recv.url('/w-fr'), ['15s']);
    const us = await hook('US', recv.url('/w-us'), ['15s']);
    const p = await silence('NAC', 'reminders: a written vote', 20, { procedure: 'written' });
    const v = await as('US')('POST', `/api/v1/proposals/${p.id}/votes`, { vote: 'yes' });
    assert.equal(v.status, 200, JSON.stringify(v.body));
    const got = await until('France\'s reminder', () => reminders(at('/w-fr'))[0]);
    assert.equal(verify(fr.secret, got.headers['council-signature'], got.body), null);
    const body = JSON.parse(got.body);
    assert.equal(body.proposal, p.id);
    assert.equal(body.procedure, 'written');
    assert.equal(body.awaited, 'vote');
    await until('the count', () => concluded(at('/w-us'), p.id) && concluded(at('/w-fr'), p.id));
    assert.equal(reminders(at('/w-fr')).length, 1);
    assert.equal(reminders(at('/w-us')).length, 0, 'the United States voted');
    assert.ok(us.id > 0);
  }));

  test('an extended deadline gets a reminder of its own', () => inWorld(async (w) => {
    const { as, at, hook, silence, recv } = w;
    const h = await hook('FR', recv.url('/ext'), ['15s']);
    const p = await silence('NAC', 'reminders: extended', 20);
    const first = await until('the first reminder', () => reminders(at('/ext'))[0]);
    assert.equal(JSON.parse(first.body).deadline, p.deadline);
    const later = isoIn(25);
    const r = await as('secretariat')('POST', `/api/v1/proposals/${p.id}/extend`, { deadline: later });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const second = await until('the second reminder', () => reminders(at('/ext'))
      .find((g) => JSON.parse(g.body).deadline === later));
    assert.equal(verify(h.secret, second.headers['council-signature'], second.body), null);
    assert.notEqual(second.headers['council-delivery'], first.headers['council-delivery']);
    await until('the conclusion', () => concluded(at('/ext'), p.id));
    assert.equal(reminders(at('/ext')).length, 2, 'one per deadline');
  }));

  test('a reminder queued before a kill -9 is delivered once after the restart', () => inWorld(async (w) => {
    const { as, hook, silence } = w;
    // The receiver is down: its port is free and nothing listens there.
    const port = await freePort();
    const h = await hook('FR', `http://127.0.0.1:${port}/crash`, ['15s']);
    const p = await silence('NAC', 'reminders: across a kill -9', 25);
    // Queued and tried once (refused: nothing listens), then killed.
    await until('a first attempt', async () => {
      const log = await as('FR')('GET', `/api/v1/webhooks/${h.id}/deliveries`);
      return log.body.deliveries.some((d) => d.type === 'reminder');
    });
    w.srv.child.kill('SIGKILL');
    await new Promise((r) => w.srv.child.on('exit', r));
    w.srv = null;
    const late = await receiver(port);
    try {
      w.srv = await startServer(w.store.db, { args: LOCAL });
      const got = await until('the reminder after the restart', () => reminders(late.got)[0]);
      assert.equal(verify(h.secret, got.headers['council-signature'], got.body), null);
      assert.equal(JSON.parse(got.body).proposal, p.id);
      await until('the conclusion', () => concluded(late.got, p.id));
      assert.equal(reminders(late.got).length, 1, 'once');
    } finally {
      await late.close();
    }
  }));
});
