// static.test.mjs - the page's files as `council serve` sends them
// (src/server/static.c) from the real build (web/dist, web/build.mjs):
// precompressed (brotli or gzip by the client's Accept-Encoding, with
// Content-Encoding and Vary), hashed assets immutable, the shell no-cache
// with an ETag and 304; and, in the browser, a first visit to a proposal
// page: one request for the proposal, none for the log, under 120 KB.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { webFixture, api, launchBrowser, WEB_DIST, networkQuiet } from './lib.mjs';

let fx, store, base;

before(async () => {
  fx = await webFixture({ browser: false });
  ({ store, base } = fx);
});

after(() => fx?.close());

// A request with exactly these headers (fetch would add its own
// Accept-Encoding and decode the body).
function get(path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (r) => {
  const enc = r.headers['content-encoding'];
  if (enc === 'br') return brotliDecompressSync(r.body);
  if (enc === 'gzip') return gunzipSync(r.body);
  return r.body;
};

const shell = () => readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
// The files the shell names: the entry script, its preloads, the icon.
const named = () => [...shell().matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => `/${m[1]}`);
const viewChunks = () => JSON.parse(shell().match(/<script type="application\/json" id="view-chunks">(.*?)<\/script>/)[1]);

test('the shell names only hashed files under assets/, and they are there', () => {
  const files = named();
  assert.ok(files.some((f) => /^\/assets\/main-[A-Z0-9]{8}\.js$/.test(f)), `the entry: ${files}`);
  assert.ok(files.some((f) => /favicon-[A-F0-9]{8}\.svg$/.test(f)));
  for (const f of files) {
    assert.match(f, /-[A-Z0-9]{8}\.[a-z0-9]+$/, `${f}: a hashed name`);
    assert.ok(existsSync(join(WEB_DIST, f)), `${f} exists`);
  }
  // Each view's other chunks, for main.js to preload with the view's code.
  const views = viewChunks();
  for (const v of ['procedures', 'proposal', 'signin', 'bodies', 'registry', 'propose', 'receipts']) {
    assert.ok(Array.isArray(views[v]), `${v}: its chunks are named`);
  }
  assert.ok(views.procedures.length && views.proposal.length, 'the list and the proposal import chunks of their own');
  for (const f of Object.values(views).flat()) {
    assert.match(f, /^assets\/chunk-[A-Z0-9]{8}\.js$/);
    assert.ok(existsSync(join(WEB_DIST, f)), `${f} exists`);
    assert.ok(!files.includes(`/${f}`), `${f}: not one main preloads already`);
  }
  assert.doesNotMatch(shell(), /<link rel="stylesheet"/, 'the CSS is inlined: nothing blocks the first paint');
  assert.match(shell(), /<header id="site-header"[\s\S]*<nav class="site-nav"[\s\S]*<main id="main"/,
    'the header and layout are in the shell');
});

test('Accept-Encoding picks the variant: brotli first, then gzip, q-values and * honoured', async () => {
  const want = readFileSync(join(WEB_DIST, 'index.html'));
  const cases = [
    ['br, gzip', 'br'], ['gzip, deflate, br', 'br'], ['gzip', 'gzip'], ['br;q=0, gzip', 'gzip'],
    ['gzip;q=1, br;q=0.5', 'gzip'], ['gzip;q=0.5, br;q=1.0', 'br'], ['*', 'br'], ['*;q=0', undefined],
    ['identity', undefined], ['BR', 'br'], ['deflate', undefined], [null, undefined],
  ];
  for (const [ae, enc] of cases) {
    const r = await get('/', ae === null ? {} : { 'Accept-Encoding': ae });
    assert.equal(r.status, 200, String(ae));
    assert.equal(r.headers['content-encoding'], enc, `Accept-Encoding: ${ae}`);
    assert.equal(r.headers.vary, 'Accept-Encoding', String(ae));
    assert.ok(decode(r).equals(want), `${ae}: the same bytes once decoded`);
    if (enc) assert.ok(r.body.length < want.length / 2, `${ae}: ${r.body.length} bytes for ${want.length}`);
  }
});

test('the shell is no-cache with an ETag; If-None-Match gives 304 without a body', async () => {
  const r = await get('/', { 'Accept-Encoding': 'br' });
  assert.equal(r.headers['cache-control'], 'no-cache');
  const etag = r.headers.etag;
  assert.match(etag, /^"[0-9a-f]+-[0-9a-f]+-br"$/);
  const again = await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': etag });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  assert.equal(again.headers['cache-control'], 'no-cache');
  assert.equal((await get('/', { 'Accept-Encoding': 'br', 'If-None-Match': `W/"x", W/${etag}` })).status, 304,
    'a list, weak comparison');
  assert.equal((await get('/', { 'Accept-Encoding': 'gzip', 'If-None-Match': etag })).status, 200,
    'another encoding is another representation');
  assert.equal((await get('/', { 'If-None-Match': '"other"' })).status, 200);
});

test('hashed assets are immutable; fonts are sent as they are', async () => {
  for (const f of named().filter((x) => x.endsWith('.js'))) {
    const r = await get(f, { 'Accept-Encoding': 'gzip, br' });
    assert.equal(r.status, 200, f);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', f);
    assert.equal(r.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(r.headers['content-encoding'], 'br', f);
    assert.ok(decode(r).equals(readFileSync(join(WEB_DIST, f))), f);
  }
  const font = (shell().match(/url\("?(assets\/inter-latin-wght[^")]+\.woff2)"?\)/) || [])[1];
  assert.ok(font, 'the font is named in the inlined CSS');
  const r = await get(`/${font}`, { 'Accept-Encoding': 'br, gzip' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'font/woff2');
  assert.equal(r.headers['content-encoding'], undefined, 'already compressed');
  assert.equal(r.headers.vary, undefined);
  assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable');
});

test('HEAD has the headers without the body; the compressed files are not served by their own names', async () => {
  const r = await get('/', { 'Accept-Encoding': 'br' }, 'HEAD');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-encoding'], 'br');
  assert.equal(r.body.length, 0);
  for (const p of ['/index.html.br', '/index.html.gz', `${named()[0]}.br`]) {
    assert.equal((await get(p)).status, 404, p);
  }
});

test('a first visit to a proposal page: one request for it, none for the log, under 120 KB', async () => {
  const fr = store.tokens.FR;
  const r = await api(base, store.tokens.secretariat, 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'Open a NATO liaison office in Tokyo', text: 'The Council agrees.',
    effects: [{ type: 'open-office', id: 'nlo-tokyo', name: 'NATO Liaison Office Tokyo', city: 'Tokyo',
      country: 'JP', lat: '35.68', lon: '139.69', kind: 'liaison' }],
  });
  assert.equal(r.status, 201);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage('FR');
    // The token in the tab's storage, without loading the page first (a
    // cold cache): the origin's smallest answer, for which chromium asks
    // /favicon.ico (the page names its icon; that answer is not counted).
    await page.route('**/favicon.ico', (q) => q.fulfill({ status: 204 }));
    await page.goto(`${base}/healthz`);
    await page.evaluate((t) => sessionStorage.setItem('council.token', t), fr);
    const requests = [];
    page.on('request', (q) => requests.push(q.url().replace(base, '')));
    await page.goto(`${base}/#/proposals/${r.body.id}`);
    await page.locator('#rollcall-grid .tile').first().waitFor();
    // What the page read to draw the proposal.  It reads the proposal
    // again only on an event of it (web/src/live.js), or every 10 s while
    // the stream is down.
    const drawn = requests.length;
    // the globe, drawn when it comes into view (counted here), and the font
    await page.locator('#effects').scrollIntoViewIfNeeded();
    await page.locator('#effects svg.globe').waitFor();
    await page.evaluate(() => document.fonts.ready);
    await networkQuiet(page);
    const api1 = requests.slice(0, drawn).filter((u) => u.startsWith('/api/'));
    assert.deepEqual(api1.filter((u) => u.startsWith(`/api/v1/proposals/${r.body.id}`)),
      [`/api/v1/proposals/${r.body.id}/events`], 'one request for the proposal and its history');
    assert.ok(!requests.some((u) => u.startsWith('/api/v1/log')), `the log is not read: ${requests}`);
    const bytes = await page.evaluate(() => [performance.getEntriesByType('navigation')[0],
      ...performance.getEntriesByType('resource')].reduce((n, e) => n + e.transferSize, 0));
    assert.ok(bytes > 10000 && bytes < 120 * 1024, `a first visit transfers ${bytes} bytes`);
    // "Who can still block it" (its chunk and its read) waits until it is
    // asked for: not on the first visit's budget.
    const analysisRead = (u) => u === `/api/v1/proposals/${r.body.id}/analysis`;
    assert.ok(!requests.some((u) => analysisRead(u) || /\/blocking-[A-Z0-9]{8}\.js$/.test(u)),
      `not read before it is asked for: ${requests}`);
    await page.locator('#blocking-show').click();
    await page.locator('#blocking[data-drawn="full"]').waitFor();
    assert.equal(requests.filter(analysisRead).length, 1);
    assert.ok(requests.some((u) => /^\/assets\/blocking-[A-Z0-9]{8}\.js$/.test(u)), 'its own chunk');
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});

test('the procedures list: its chunks asked for with its code, each list read once, in its summary form', async () => {
  const open = (await api(base, store.tokens.FR, 'GET', '/api/v1/proposals?status=open')).body.proposals;
  assert.ok(open.length, 'an open proposal (the one above)');
  assert.equal((await api(base, store.tokens.FR, 'POST', `/api/v1/proposals/${open[0].id}/positions`,
    { position: 'concur' })).status, 200);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage('FR');
    await page.route('**/favicon.ico', (q) => q.fulfill({ status: 204 }));
    await page.goto(`${base}/healthz`);
    await page.evaluate((t) => sessionStorage.setItem('council.token', t), store.tokens.FR);
    const requests = [];
    page.on('request', (q) => requests.push(q.url().replace(base, '')));
    await page.goto(`${base}/#/proposals`);
    await page.locator('#concluded-list').locator('table, .empty').first().waitFor();
    const reads = requests.filter((u) => u.startsWith('/api/v1/proposals'));
    assert.deepEqual(reads.slice(0, 2).sort(), ['/api/v1/proposals?form=summary&status=concluded&limit=20',
      '/api/v1/proposals?form=summary&status=open&limit=250'], 'the two lists, in their summary form');
    for (const f of viewChunks().procedures) {
      assert.ok(requests.includes(`/${f}`), `${f} is read`);
      assert.equal(await page.locator(`head link[rel="modulepreload"][href="${f}"]`).count(), 1,
        `${f}: preloaded when the route started`);
    }
    // Drawn from the summaries: the counts of positions and France's own.
    const card = page.locator(`#open-list [data-proposal="${open[0].id}"]`);
    await assert.doesNotReject(card.locator('.tally-line', { hasText: '1 concur' }).waitFor());
    assert.match(await card.locator('.mine').innerText(), /Your position:\s*Concur/);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
  }
});
