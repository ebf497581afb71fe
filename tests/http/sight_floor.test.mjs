// sight_floor.test.mjs - every 404 leaves at a floor after its request
// reached the server, so its time cannot tell a hidden proposal from none
// (issue 9, item 7; docs/PERFORMANCE.md, "Sight in time").
//
// The server holds each 404 until an absolute deadline, the floor after
// its handler first saw the request (http_mhd.c, hold.c).  A client's
// clock starts before it sends, so it can never see a 404 sooner than the
// floor: the assertions below are lower bounds, which the server's
// deadline makes hold whatever the machine's load; nothing here bounds a
// time from above.  The environment raises the floor (it can only be
// raised) to make the holding visible: 300 ms for the routes, 60 s for the
// flood, during which /healthz and a visible proposal must still be
// answered: a held 404 occupies its connection, never a pool thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { makeStore, startServer, api } from './lib.mjs';

const FLOOR_MS = 300;
let store;
const ids = {};

// Start a server with the floor of a 404 raised to ms.
async function serveWithFloor(ms) {
  const saved = process.env.COUNCIL_NOT_FOUND_FLOOR_MS;
  process.env.COUNCIL_NOT_FOUND_FLOOR_MS = String(ms);
  try {
    return await startServer(store.db);
  } finally {
    if (saved === undefined) delete process.env.COUNCIL_NOT_FOUND_FLOOR_MS;
    else process.env.COUNCIL_NOT_FOUND_FLOOR_MS = saved;
  }
}

before(async () => {
  store = makeStore();
  const srv = await startServer(store.db);
  try {
    const mk = async (b) => {
      const r = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals', b);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id;
    };
    // Hidden from the public and from France, which does not sit on the NPG.
    ids.hidden = await mk({ body: 'NPG', title: 'Nuclear planning item' });
    // Open in the NAC, where France sits: France sees it, the public does not.
    ids.visible = await mk({ body: 'NAC', title: 'An open NAC item' });
    const r = await api(srv.base, store.tokens.US, 'POST', `/api/v1/proposals/${ids.hidden}/positions`,
      { position: 'concur' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.hiddenLeaf = r.body.receipt.index; // a leaf of the log the public may not prove
    ids.missing = 100000;
  } finally {
    await srv.stop();
  }
});

after(() => store?.cleanup());

// Every place a 404 is decided: the route table's miss, the static files,
// the reads by sight (a proposal, its events, its analysis, a proof), the
// writes' sight check (may_write), and a 404 decided by the writer thread
// after the request was queued (supersedes names no proposal).
function cases() {
  const { hidden, missing, hiddenLeaf } = ids;
  const out = [
    ['public', 'GET', '/api/v1/no-such-route'],
    ['public', 'GET', '/no-such-file.js'],
    ['public', 'GET', '/api/v1/bodies/NOSUCHBODY/analysis'],
    ['public', 'GET', `/api/v1/log/proof/inclusion?index=${hiddenLeaf}`],
    ['secretariat', 'POST', '/api/v1/proposals', { body: 'NAC', supersedes: missing }],
    ['secretariat', 'POST', `/api/v1/proposals/${missing}/extend`, { deadline: '2099-01-01T00:00:00Z' }],
  ];
  for (const id of [hidden, missing]) {
    for (const who of ['public', 'FR']) {
      out.push([who, 'GET', `/api/v1/proposals/${id}`]);
      out.push([who, 'GET', `/api/v1/proposals/${id}/events`]);
      out.push([who, 'GET', `/api/v1/proposals/${id}/analysis`]);
    }
    out.push(['FR', 'POST', `/api/v1/proposals/${id}/positions`, { member: 'FR', position: 'concur' }]);
    out.push(['FR', 'POST', `/api/v1/proposals/${id}/votes`, { vote: 'yes' }]);
  }
  return out;
}

// One request, timed from before it is sent to its whole answer.
async function timed(base, who, method, path, body) {
  const t0 = performance.now();
  const r = await api(base, store.tokens[who], method, path, body);
  return { ...r, ms: performance.now() - t0 };
}

test('a 404 never arrives before the floor, on every route and from the writer too', async () => {
  const srv = await serveWithFloor(FLOOR_MS);
  try {
    // The visible proposal answers 200 as usual (no bound on its time).
    const ok = await api(srv.base, store.tokens.FR, 'GET', `/api/v1/proposals/${ids.visible}`);
    assert.equal(ok.status, 200);
    const got = await Promise.all(cases().map(([who, method, path, body]) =>
      timed(srv.base, who, method, path, body).then((r) => ({ who, method, path, ...r }))));
    for (const r of got) {
      const what = `${r.who} ${r.method} ${r.path}`;
      assert.equal(r.status, 404, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, 'not-found', what);
      assert.ok(r.ms >= FLOOR_MS, `${what}: answered after ${r.ms.toFixed(1)} ms, before the floor of ${FLOOR_MS} ms`);
    }
    // Hidden and nonexistent say the same bytes, as well as at the same time.
    const body = (who, id) => JSON.stringify(got.find((r) => r.who === who && r.path === `/api/v1/proposals/${id}`).body);
    assert.equal(body('public', ids.hidden), body('public', ids.missing));
    assert.equal(body('FR', ids.hidden), body('FR', ids.missing));
  } finally {
    assert.equal(await srv.stop(), 0);
  }
});

test('held 404s starve nobody: /healthz and a visible proposal are answered meanwhile', async () => {
  // 64 held 404s on 64 connections (within the per-address limit), many
  // more than the 2 pool threads: were a thread to wait out a floor, the
  // answers below would queue behind them for a minute.
  const srv = await serveWithFloor(60000);
  const held = [];
  const released = []; // what came back early, and when
  try {
    for (let i = 0; i < 64; i++) {
      const id = i % 2 ? ids.hidden : ids.missing;
      const t0 = performance.now();
      const early = (what) => { released.push(`${i}: ${what} after ${(performance.now() - t0).toFixed(0)} ms`); return what; };
      held.push(fetch(`${srv.base}/api/v1/proposals/${id}`)
        .then((r) => early(r.status), (e) => early(`closed (${e.cause?.code || e.message})`)));
    }
    // Give the server time to take them all in (not an assertion: were
    // some not in yet, they would merely not be held during the checks).
    await new Promise((r) => setTimeout(r, 1000));
    const health = await api(srv.base, null, 'GET', '/healthz');
    assert.equal(health.status, 200);
    const seen = await api(srv.base, store.tokens.FR, 'GET', `/api/v1/proposals/${ids.visible}`);
    assert.equal(seen.status, 200);
    assert.equal(seen.body.id, ids.visible);
    assert.deepEqual(released, [], 'the 404s are still held while the others are answered');
  } finally {
    // Stopping releases what is held (answered 404 or closed) and exits
    // cleanly with connections suspended.
    assert.equal(await srv.stop(), 0, srv.stderr());
  }
  for (const status of await Promise.all(held)) assert.ok(status === 404 || String(status).startsWith('closed'), String(status));
});
