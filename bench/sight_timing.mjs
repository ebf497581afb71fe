// bench/sight_timing.mjs - can the time of an answer tell a hidden proposal
// from one that does not exist?  (issue 9, item 7: "hidden and nonexistent
// answer the same way and in indistinguishable time".)
//
// Measured as an attacker would: on one keep-alive connection, thousands of
// GET /api/v1/proposals/{id} as the public (and POSTs of a position as the
// FR delegation), the hidden id and a nonexistent one interleaved in random
// order, in several rounds.  Each round compares the two samples with the
// Mann-Whitney U test (no assumption on the distribution of latencies) and
// prints the medians, their difference and the two-sided p-value.  A
// control pair, a visible proposal against a nonexistent one (whose answers
// differ: 200 and 404), shows the test can tell apart what differs.  Each
// round also prints both samples' 99.9th percentiles: every 404 is held to
// a floor after the request came in (src/server/http.h), which hides the
// work only while the work stays below it.
//
// COUNCIL=build-bench/council node bench/sight_timing.mjs [SAMPLES] [ROUNDS]
// (make bench runs it).  Only 127.0.0.1; bounded in requests.
import http from 'node:http';
import { makeStore, startServer, council } from '../tests/http/lib.mjs';

const SAMPLES = Number(process.argv[2] || 3000);
const ROUNDS = Number(process.argv[3] || 5);
const ALPHA = 0.01;

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(port, method, path, token, body) {
  return new Promise((resolve, reject) => {
    const headers = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers['Content-Type'] = 'application/json';
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ns: Number(process.hrtime.bigint() - t0) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

// Two-sided Mann-Whitney U test, normal approximation with tie correction.
function mannWhitney(a, b) {
  const all = a.map((v) => [v, 0]).concat(b.map((v) => [v, 1])).sort((x, y) => x[0] - y[0]);
  const n = all.length;
  const ranks = new Array(n);
  let tie = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && all[j + 1][0] === all[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = r;
    const t = j - i + 1;
    tie += t * t * t - t;
    i = j + 1;
  }
  let ra = 0;
  for (let i = 0; i < n; i++) if (all[i][1] === 0) ra += ranks[i];
  const n1 = a.length; const n2 = b.length;
  const u = ra - (n1 * (n1 + 1)) / 2;
  const mu = (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * ((n + 1) - tie / (n * (n - 1))));
  const z = (u - mu) / sigma;
  return { z, p: 2 * (1 - phi(Math.abs(z))) };
}

// The standard normal distribution function (Abramowitz-Stegun 7.1.26).
function phi(x) {
  const t = 1 / (1 + 0.3275911 * x / Math.SQRT2);
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t *
    Math.exp(-(x * x) / 2);
  return 0.5 * (1 + y);
}

const quantile = (v, q) => { const s = [...v].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * q))]; };
const median = (v) => quantile(v, 0.5);
const us = (ns) => (ns / 1e3).toFixed(1);

async function compare(label, port, a, b) {
  let significant = 0;
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    const ta = []; const tb = [];
    const sa = new Set(); const sb = new Set();
    for (let i = 0; i < 2 * SAMPLES; i++) {
      // random order, equal counts
      const pickA = ta.length < SAMPLES && (tb.length >= SAMPLES || Math.random() < 0.5);
      const x = await (pickA ? a() : b());
      (pickA ? ta : tb).push(x.ns);
      (pickA ? sa : sb).add(x.status);
    }
    const { p } = mannWhitney(ta, tb);
    if (p < ALPHA) significant++;
    rows.push(`  round ${r + 1}: median ${(median(ta) / 1e3).toFixed(1)} us (${[...sa]}) vs ` +
      `${(median(tb) / 1e3).toFixed(1)} us (${[...sb]}), difference ` +
      `${((median(ta) - median(tb)) / 1e3).toFixed(2)} us, p = ${p.toPrecision(2)}; ` +
      `99.9th percentile ${us(quantile(ta, 0.999))} and ${us(quantile(tb, 0.999))} us`);
  }
  console.log(`${label}: significant at p < ${ALPHA} in ${significant} of ${ROUNDS} rounds of ${SAMPLES} + ${SAMPLES}`);
  for (const row of rows) console.log(row);
  return significant;
}

const store = makeStore();
// The Tokyo replay (NAC proposals, one adopted), then an NPG item: hidden
// from the public and from France, which does not sit on the NPG.
council(store.db, 'replay', new URL('../scenarios/tokyo-2023.json', import.meta.url).pathname);
const npg = council(store.db, 'propose', '--body', 'NPG', '--title', 'Nuclear planning item').trim();
// and a decision adopted under silence, which the public sees
const shown = council(store.db, 'propose', '--body', 'NAC', '--title', 'Agree the statement',
  '--procedure', 'silence', '--deadline', '2024-01-02T12:00:00Z', '--at', '2024-01-01').trim();
council(store.db, 'tick');
const missing = 100000;
const srv = await startServer(store.db);
const { port } = srv;
try {
  const get = (id, tok) => () => request(port, 'GET', `/api/v1/proposals/${id}`, tok);
  const post = (id) => () => request(port, 'POST', `/api/v1/proposals/${id}/positions`, store.tokens.FR,
    JSON.stringify({ member: 'FR', position: 'concur' }));
  console.log(`sight timing: hidden proposal ${npg}, nonexistent ${missing}, visible ${shown}`);
  await compare('GET as the public, hidden vs nonexistent', port, get(npg, null), get(missing, null));
  await compare('GET as FR, hidden vs nonexistent', port, get(npg, store.tokens.FR), get(missing, store.tokens.FR));
  await compare('POST a position as FR, hidden vs nonexistent', port, post(npg), post(missing));
  await compare('control: GET as the public, visible vs nonexistent', port, get(shown, null), get(missing, null));
} finally {
  agent.destroy();
  await srv.stop();
  store.cleanup();
}
