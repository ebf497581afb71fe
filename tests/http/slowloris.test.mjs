// slowloris.test.mjs - slow and greedy clients do not deny service
// (issue 10, item 3).
//
// 1. Per address: one address gets CONNS_PER_IP connections (src/server/
//    serve.c) and no more, while another address is served.
// 2. A thousand connections from a hundred loopback addresses trickle a
//    header line every 2 s (never silent long enough for the idle
//    timeout).  While they are open, a normal client on fresh connections
//    gets /healthz, a proposal, and makes a write, each within a bound,
//    every time; the slow ones are cut off once their headers' deadline
//    (HEADERS_SECONDS from their first byte) has passed, not before.
// 3. A server held (stopped) past a request's deadline does not cut it on
//    waking: the deadline counts the client's time, not the server's.
//
// Bounded: about 40 s.  The bounds on latency and on when a slow client
// is cut leave seconds of slack, so a loaded machine does not fail it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeStore, startServer } from './lib.mjs';
import { exchange, parseResponse, strictJson, sleep } from './hostile.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const PER_IP = 128;          // CONNS_PER_IP in src/server/serve.c
const HEADERS_S = 10;        // HEADERS_SECONDS in src/server/serve.c
const IDLE_S = 20;           // --timeout: longer than the trickle interval, and than
                             // answering PER_IP kept-alive clients on a loaded machine
const SLOW = 1000;
const SLOW_ADDRESSES = 100;  // 10 connections each, far below PER_IP
const TRICKLE_MS = 2000;
const ANSWER_MS = 2500;      // the normal client's bound, per request
const CUT_SLACK_MS = 5000;   // a slow client is cut by HEADERS_S + this

let store, srv, id;
const S = () => store.tokens.secretariat;

before(async () => {
  store = makeStore();
  srv = await startServer(store.db, { timeout: IDLE_S });
  const r = await request('POST', '/api/v1/proposals', JSON.stringify({ body: 'NAC', title: 'slowloris: readable' }));
  assert.equal(r.status, 201);
  id = r.json.id;
});

after(async () => {
  if (srv) await srv.stop();
  if (store) store.cleanup();
});

// One request on a fresh connection (the hard case: it needs a free slot),
// from localAddress; its status, JSON and how long it took.
async function request(method, path, body, { localAddress, token = S() } = {}) {
  const t0 = Date.now();
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  if (token) head.push(`Authorization: Bearer ${token}`);
  if (body) head.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
  const buf = await exchange(srv.port, `${head.join('\r\n')}\r\n\r\n${body || ''}`, { localAddress, timeoutMs: 10000 });
  const r = parseResponse(buf);
  let json;
  try { json = strictJson(r.body); } catch { /* status says enough */ }
  return { status: r.status, json, ms: Date.now() - t0 };
}

test('one address gets its share of connections and no more, while another is served', async () => {
  // Every connection asks for /healthz and keeps its connection open
  // (keep-alive): the first PER_IP are answered and stay, so they count,
  // whatever order the server accepts them in; the rest are closed unanswered.
  const net = await import('node:net');
  const socks = [];
  const outcomes = await Promise.all(Array.from({ length: PER_IP + 8 }, () => new Promise((resolve) => {
    const s = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.2.1' });
    socks.push(s);
    let got = '';
    // Each is answered or closed at once on an idle machine; the bound is
    // for a loaded one (2 CPUs, a build beside: 0 of 128 answered within
    // 5 s once), and only a connection left hanging meets it.
    const t = setTimeout(() => resolve(got ? 'answered' : 'waiting'), 60000);
    s.on('connect', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    s.on('data', (d) => { got += d; if (/^HTTP\/1\.1 200 [^]*\r\n\r\n\{"ok":true[,}]/.test(got)) { clearTimeout(t); resolve('answered'); } });
    s.on('end', () => { clearTimeout(t); resolve(got ? 'answered' : 'refused'); });
    s.on('error', () => { clearTimeout(t); resolve(got ? 'answered' : 'refused'); });
  })));
  const count = (k) => outcomes.filter((o) => o === k).length;
  // (the server's own words beside, for a failure seen once on a loaded
  // machine and not since: every connection closed unanswered)
  assert.equal(count('answered'), PER_IP, `answered ${count('answered')}, refused ${count('refused')}, waiting ${count('waiting')}; the server said: ${srv.stderr() || 'nothing'}`);
  assert.equal(count('refused'), 8);
  const other = await request('GET', '/healthz', null, { localAddress: '127.0.2.2' });
  assert.equal(other.status, 200, 'another address is served');
  const again = await request('GET', '/healthz', null, { localAddress: '127.0.2.1' });
  assert.equal(again.status, 0, 'the full address is still refused');
  for (const s of socks) s.destroy();
  // The server learns of the closes when its thread next polls them: on a
  // loaded machine that can take a while, so ask again until it has (a
  // refusal is immediate), within a bound far above any scheduling delay.
  let freed;
  for (const t0 = Date.now(); Date.now() - t0 < 20000; await sleep(200)) {
    freed = await request('GET', '/healthz', null, { localAddress: '127.0.2.1' });
    if (freed.status === 200) break;
  }
  assert.equal(freed.status, 200, 'and served again once its connections close');
});

test('a thousand slow connections from a hundred addresses neither starve a normal client nor outlive their deadline', async () => {
  const child = fork(join(HERE, 'slowclients.mjs'), [JSON.stringify({
    port: srv.port, count: SLOW, addresses: SLOW_ADDRESSES, intervalMs: TRICKLE_MS })], { stdio: 'inherit' });
  const messages = [];
  const waitFor = (type, ms) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${type}' from the slow clients in ${ms} ms`)), ms);
    const check = () => {
      const m = messages.find((x) => x.type === type);
      if (m) { clearTimeout(t); resolve(m); } else setTimeout(check, 20);
    };
    check();
  });
  child.on('message', (m) => messages.push(m));
  const probes = [];
  let probing = true;
  const prober = (async () => {
    for (let round = 0; probing; round++) {
      probes.push({ what: 'GET /healthz', ...(await request('GET', '/healthz', null, { token: null })) });
      probes.push({ what: `GET /api/v1/proposals/${id}`, ...(await request('GET', `/api/v1/proposals/${id}`)) });
      if (round % 4 === 0) {
        probes.push({ what: 'POST /api/v1/proposals', ...(await request('POST', '/api/v1/proposals',
          JSON.stringify({ body: 'NAC', title: `slowloris: written in round ${round}` }))) });
      }
      await sleep(100);
    }
  })();
  try {
    const open = await waitFor('open', 20000);
    assert.equal(open.failed, 0, `${open.failed} slow connections could not connect`);
    const done = await waitFor('done', (HEADERS_S + 25) * 1000);
    assert.equal(done.conns.length, SLOW);
    for (const c of done.conns) {
      assert.ok(c.closedAt, `a slow connection from ${c.address} is still open`);
      assert.ok(!c.answered, `a slow connection from ${c.address} got an answer to headers it never ended`);
      const lived = c.closedAt - c.firstByteAt;
      assert.ok(lived >= HEADERS_S * 1000 - 500, `cut after ${lived} ms, before its deadline (idle ${IDLE_S} s, trickle ${TRICKLE_MS} ms)`);
      assert.ok(lived <= HEADERS_S * 1000 + CUT_SLACK_MS, `cut only after ${lived} ms`);
    }
  } finally {
    probing = false;
    await prober;
    // The slow clients exit by themselves once all are done, so the
    // channel may be closing: a send that finds it closed is no error
    // (its callback takes it, rather than an uncaught 'error' after the
    // test), and the test ends only once the child has gone.
    const gone = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null
      ? resolve() : child.once('exit', resolve)));
    if (child.connected) child.send('stop', () => {});
    await gone;
  }
  assert.ok(probes.length >= 20, `only ${probes.length} probes`);
  for (const p of probes) {
    assert.ok(p.status === 200 || p.status === 201, `${p.what}: status ${p.status} after ${p.ms} ms`);
    assert.ok(p.ms <= ANSWER_MS, `${p.what}: ${p.ms} ms`);
  }
  const slowest = Math.max(...probes.map((p) => p.ms));
  console.log(`# ${probes.length} requests served beside ${SLOW} slow connections; slowest ${slowest} ms`);
});

test('a server held past a deadline does not cut, on waking, a request it could not read', async () => {
  // A request begun before the hold (its first line read), its headers'
  // deadline due during it.  The server was not running (stopped here;
  // its machine paused or starved of every CPU in life), so the time is
  // not the client's: sent whole once the server runs again, it is
  // answered, not cut by the guard's first look on waking.
  const net = await import('node:net');
  const s = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.3.1' });
  let got = '';
  let ended = false;
  s.on('data', (d) => { got += d; });
  s.on('end', () => { ended = true; });
  s.on('error', () => { ended = true; });
  await new Promise((resolve) => s.on('connect', resolve));
  s.write('GET /healthz HTTP/1.1\r\n');
  await sleep(1500); // the guard (a tick every 250 ms) has seen the first byte
  srv.child.kill('SIGSTOP');
  try {
    await sleep((HEADERS_S + 2) * 1000);
  } finally {
    srv.child.kill('SIGCONT');
  }
  await sleep(1500); // the guard looks several times before the rest comes
  assert.equal(ended, false, `cut on waking (${got.length} bytes answered)`);
  s.write('Host: x\r\nConnection: close\r\n\r\n');
  for (const t0 = Date.now(); !ended && Date.now() - t0 < 10000;) await sleep(50);
  s.destroy();
  assert.match(got, /^HTTP\/1\.1 200 /, `the request is answered: ${JSON.stringify(got.slice(0, 80))}`);
});
