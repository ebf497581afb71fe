// stream.test.mjs - GET /api/v1/events/stream, the log by Server-Sent
// Events, against a real server: each new event once, in order, exactly as
// /log shows it; resumed with Last-Event-ID across a server restart with
// nothing missed or twice; a CLI write beside the server reaches it; bad
// starts are 400; the cap answers 503 with Retry-After and /healthz still
// answers; a quiet stream sends keep-alive comments; a revoked token's
// stream ends; SIGTERM ends streams cleanly, with nothing leaked;
// slow clients that read nothing do not grow the server's memory.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { makeStore, startServer, api, council, councilAsync } from './lib.mjs';
import { openStream, logAfter } from './sse.mjs';

const stores = [];
const servers = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const s of stores) s.cleanup();
});

async function setup(opts) {
  const store = makeStore();
  stores.push(store);
  const srv = await startServer(store.db, opts);
  servers.push(srv);
  return { store, srv };
}

async function head(base, token) {
  const cp = await api(base, token, 'GET', '/api/v1/log/checkpoint');
  assert.equal(cp.status, 200);
  return cp.body.size;
}

// The stream's messages against /log: same events, same order, each once,
// id = seq and event = type.
function sameAsLog(messages, log) {
  assert.deepEqual(messages.map((m) => Number(m.id)), log.map((e) => e.seq), 'ids are the log\'s seqs');
  for (const m of messages) {
    assert.equal(Number(m.id), m.data.seq);
    assert.equal(m.event, m.data.type);
  }
  assert.deepEqual(messages.map((m) => m.data), log, 'each message is the event as /log shows it');
}

// The keep-alive test waits the best part of 20 s for nothing to happen,
// on a server of its own: it runs beside the tests that follow, which run
// one after another as before, each on a server of its own too.
describe('a quiet stream beside the others', { concurrency: true }, () => {
  test('a quiet stream sends a keep-alive comment within 20 s', async () => {
    const { store, srv } = await setup();
    const s = await openStream(srv.base, store.tokens.JP);
    assert.equal(s.status, 200);
    await s.until((ms, st) => st.comments.includes(': keep-alive'), 'a keep-alive comment', 40000);
    assert.equal(s.messages.length, 0, 'nothing happened: no message');
    s.close();
  });

  describe('one after another', () => {
    test('a secretariat stream carries each new event once, in order, as /log shows it', async () => {
      const { store, srv } = await setup();
      const S = store.tokens.secretariat;
      const h = await head(srv.base, S);
      const s = await openStream(srv.base, S); // no start: from the head on
      assert.equal(s.status, 200);
      // Its first message says where it starts: a client that reconnects
      // before any event resumes from there.
      await s.until((ms, st) => st.lastId !== undefined, 'the first id');
      assert.equal(Number(s.lastId), h);
      assert.equal(s.headers.get('cache-control'), 'no-store');
      const p = await api(srv.base, S, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Streamed' });
      assert.equal(p.status, 201);
      assert.equal((await api(srv.base, store.tokens.FR, 'POST', `/api/v1/proposals/${p.body.id}/positions`,
        { position: 'concur' })).status, 200);
      assert.equal((await api(srv.base, S, 'POST', `/api/v1/proposals/${p.body.id}/conclude`)).status, 200);
      await s.until((ms) => ms.some((m) => m.event === 'procedure.concluded'), 'the conclusion');
      const log = await logAfter(srv.base, S, h);
      assert.ok(log.length >= 3, 'three writes, three events at least');
      await s.until((ms) => ms.length >= log.length, 'every event of /log');
      sameAsLog(s.messages, log);
      assert.equal(s.retry, 3000, 'retry: sent first');
      s.close();
    });

    test('reconnecting with Last-Event-ID after a restart misses nothing and repeats nothing', async () => {
      const store = makeStore();
      stores.push(store);
      const S = store.tokens.secretariat;
      let srv = await startServer(store.db);
      const h = await head(srv.base, S);
      const s1 = await openStream(srv.base, S, { after: h });
      const p = await api(srv.base, S, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Before the restart' });
      assert.equal(p.status, 201);
      await s1.until((ms) => ms.length >= 1, 'the proposal');
      // SIGTERM with a stream open: the server stops cleanly and ends it.
      assert.equal(await srv.stop(), 0, 'a clean exit with a stream open');
      await s1.ended;
      assert.equal(s1.error, undefined, 'the stream ended, not broke');
      assert.doesNotMatch(srv.stderr(), /Sanitizer|runtime error|Fatal/, 'a clean stop, nothing leaked');
      const last = Number(s1.messages.at(-1).id);
      // Written while no server runs, and after it is back.
      council(store.db, 'propose', '--body', 'NAC', '--title', 'While it was down');
      srv = await startServer(store.db);
      servers.push(srv);
      assert.equal((await api(srv.base, store.tokens.US, 'POST', `/api/v1/proposals/${p.body.id}/positions`,
        { position: 'concur' })).status, 200);
      const s2 = await openStream(srv.base, S, { lastEventId: last, after: 1 }); // the header wins
      const log = await logAfter(srv.base, S, last);
      assert.ok(log.some((e) => e.payload?.title === 'While it was down'), 'the CLI\'s proposal is in the log');
      await s2.until((ms) => ms.length >= log.length, 'every event after the last one seen');
      sameAsLog(s2.messages, log);
      sameAsLog([...s1.messages, ...s2.messages], await logAfter(srv.base, S, h));
      s2.close();
    });

    test('a CLI write beside the running server reaches the stream', async () => {
      const { store, srv } = await setup();
      const s = await openStream(srv.base, store.tokens.secretariat);
      await councilAsync(store.db, 'propose', '--body', 'NAC', '--title', 'From the CLI');
      await s.until((ms) => ms.some((m) => m.event === 'proposal.created' && m.data.payload.title === 'From the CLI'),
        'the CLI\'s proposal');
      s.close();
    });

    test('a bad Last-Event-ID or after is 400 naming it; one beyond the log too', async () => {
      const { store, srv } = await setup();
      const S = store.tokens.secretariat;
      for (const [opt, name] of [[{ lastEventId: 'x' }, 'Last-Event-ID'], [{ lastEventId: '-1' }, 'Last-Event-ID'],
        [{ lastEventId: '1.5' }, 'Last-Event-ID'], [{ after: 'abc' }, 'after'], [{ after: '' }, 'after'],
        [{ lastEventId: '99999999' }, 'Last-Event-ID'], [{ after: 99999999 }, 'after']]) {
        const s = await openStream(srv.base, S, opt);
        assert.equal(s.status, 400, JSON.stringify(opt));
        assert.match(JSON.parse(s.body).error.message, new RegExp(name), JSON.stringify(opt));
      }
      const bad = await openStream(srv.base, 'Bearer nonsense');
      assert.equal(bad.status, 401);
    });

    test('beyond --streams, 503 with Retry-After; /healthz still answers', async () => {
      const { store, srv } = await setup({ args: ['--streams', '2'] });
      const S = store.tokens.secretariat;
      const a = await openStream(srv.base, S);
      const b = await openStream(srv.base, null);
      assert.equal(a.status, 200);
      assert.equal(b.status, 200);
      const c = await openStream(srv.base, S);
      assert.equal(c.status, 503);
      assert.ok(Number(c.headers.get('retry-after')) > 0, 'Retry-After says when');
      assert.match(JSON.parse(c.body).error.message, /streams/);
      assert.equal((await api(srv.base, null, 'GET', '/healthz')).status, 200);
      a.close();
      b.close();
    });

    test('with a hundred streams open, /healthz and the API still answer', async () => {
      const { store, srv } = await setup();
      const streams = [];
      for (let i = 0; i < 100; i++) {
        const s = await openStream(srv.base, i % 2 ? store.tokens.FR : null);
        assert.equal(s.status, 200, `stream ${i}: ${s.body}`);
        streams.push(s);
      }
      assert.equal((await api(srv.base, null, 'GET', '/healthz')).status, 200);
      const p = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'To a hundred' });
      assert.equal(p.status, 201);
      // Every stream of FR (a member of the NAC) gets it.
      for (const s of streams.filter((_, i) => i % 2)) {
        await s.until((ms) => ms.some((m) => m.data.payload.id === p.body.id), 'the proposal on every FR stream');
      }
      for (const s of streams) s.close();
    });

    test('a stream whose token is revoked ends', async () => {
      const { store, srv } = await setup();
      const issued = JSON.parse(council(store.db, 'token', 'issue', '--member', 'FR', '--json'));
      const s = await openStream(srv.base, issued.token);
      assert.equal(s.status, 200);
      await s.until((ms, st) => st.retry === 3000, 'the stream to open');
      await councilAsync(store.db, 'token', 'revoke', String(issued.id));
      // Ends at its next read: the revocation is a commit, which wakes it.
      await Promise.race([s.ended, new Promise((_, rej) => setTimeout(
        () => rej(new Error('the stream outlived its token')), 30000))]);
      assert.ok(s.done);
    });
  });
});

// What the server holds for clients that read nothing: a cursor and one
// page each, not the events they have not taken.  Eight clients open a
// stream and never read while proposals with large texts are written
// (each event is sent with its bytes and payload, ~2x its text); queued
// per client, that would be 8 x 2 x 400 x 40 KiB = 250 MiB.  ASan keeps
// freed memory in quarantine (256 MiB by default), which RSS would count:
// the server runs with a small one, so RSS follows live memory.
test('clients that read nothing do not grow the server\'s memory; /healthz answers', async (t) => {
  const prev = process.env.ASAN_OPTIONS;
  process.env.ASAN_OPTIONS = `${prev ? `${prev}:` : ''}quarantine_size_mb=16`;
  let env;
  try {
    env = await setup({ timeout: 3600 });
  } finally {
    if (prev === undefined) delete process.env.ASAN_OPTIONS; else process.env.ASAN_OPTIONS = prev;
  }
  const { store, srv } = env;
  const S = store.tokens.secretariat;
  const rss = () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${srv.child.pid}/status`, 'utf8'))[1]) * 1024;
  const sockets = [];
  for (let i = 0; i < 8; i++) {
    const sock = net.connect(srv.port, '127.0.0.1');
    await new Promise((resolve) => sock.on('connect', resolve));
    sock.write(`GET /api/v1/events/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${S}\r\n\r\n`);
    sock.pause(); // and never read
    sockets.push(sock);
  }
  // Warm up (the threads' readers and caches), then measure.
  for (let i = 0; i < 8; i++) {
    assert.equal((await api(srv.base, S, 'POST', '/api/v1/proposals',
      { body: 'NAC', title: `warm ${i}`, text: 'w'.repeat(40000) })).status, 201);
  }
  const before = rss();
  const text = 'x'.repeat(40000);
  for (let i = 0; i < 400; i += 8) {
    const rs = await Promise.all(Array.from({ length: 8 }, (_, k) => api(srv.base, S, 'POST', '/api/v1/proposals',
      { body: 'NAC', title: `bulk ${i + k}`, text })));
    for (const r of rs) assert.equal(r.status, 201);
  }
  assert.equal((await api(srv.base, null, 'GET', '/healthz')).status, 200);
  const grown = rss() - before;
  assert.ok(grown < 96 * 1024 * 1024, `the server grew by ${(grown / 1048576).toFixed(1)} MiB`);
  t.diagnostic(`grew by ${(grown / 1048576).toFixed(1)} MiB`);
  for (const sock of sockets) sock.destroy();
});
