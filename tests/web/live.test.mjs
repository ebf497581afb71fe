// live.test.mjs - live updates in Debian's chromium: a proposal's page
// open as the secretariat shows a delegation's response made by another
// client, brought by the tab's event stream (web/src/live.js), without
// the page asking for the proposal on a timer; the stream's state is shown
// in the footer; the stream's request carries no token in its address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webFixture, api, signIn } from './lib.mjs';

let fx;
before(async () => { fx = await webFixture(); });
after(() => fx?.close());

test('a response made elsewhere appears on an open proposal page, with no polling', async () => {
  const { browser, base, tok } = fx;
  const p = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Live roll call' });
  assert.equal(p.status, 201);
  const id = p.body.id;
  const page = await browser.newPage('secretariat');
  const reads = []; // the page's reads of this proposal (view or events)
  const streams = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === `/api/v1/proposals/${id}` || u.pathname === `/api/v1/proposals/${id}/events`) reads.push(Date.now());
    if (u.pathname === '/api/v1/events/stream') streams.push(r);
  });
  await signIn(page, base, tok.secretariat);
  await page.goto(`${base}/#/proposals/${id}`);
  await page.locator('#rollcall-grid li[data-member="FR"]').waitFor();
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 20000 });
  assert.match(await page.locator('#live').textContent(), /as they happen/);
  assert.equal(await page.locator('#live').getAttribute('role'), 'status');
  // The tab's stream, opened again at sign-in: its token in a header,
  // never in the address.
  assert.ok(streams.length >= 1);
  for (const r of streams) assert.ok(!r.url().includes(tok.secretariat), 'the token is not in the stream\'s URL');
  assert.equal((await streams.at(-1).allHeaders()).authorization, `Bearer ${tok.secretariat}`);
  // Three times the old poll's period with nothing happening: not one
  // read of the proposal (the page used to ask every 2 s).
  const quiet = reads.length;
  await page.waitForTimeout(6500);
  assert.equal(reads.length, quiet, 'the page asked for the proposal with nothing new');
  // France answers from another client; the page shows it.
  const r = await api(base, tok.FR, 'POST', `/api/v1/proposals/${id}/positions`, { position: 'object', reason: 'not now' });
  assert.equal(r.status, 200);
  await page.locator('#rollcall-grid li[data-member="FR"][data-position="object"]').waitFor({ timeout: 20000 });
  assert.ok(reads.length > quiet, 'read again, after the event');
  assert.deepEqual(browser.errors, [], 'no console or page errors');
  await page.close();
});

// A hidden tab lets its stream go (browsers keep six connections to a
// server for all tabs) and resumes from the last id when shown: what
// happened meanwhile arrives then.
test('a hidden tab lets its stream go and catches up when shown', async () => {
  const { browser, base, tok } = fx;
  const p = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Hidden tab' });
  assert.equal(p.status, 201);
  const id = p.body.id;
  const page = await browser.newPage('FR');
  const streams = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/events/stream') streams.push(r); });
  await signIn(page, base, tok.US);
  await page.goto(`${base}/#/proposals/${id}`);
  await page.locator('#rollcall-grid li[data-member="FR"]').waitFor();
  await page.locator('#live[data-state="live"]').waitFor({ timeout: 20000 });
  const setHidden = (hidden) => page.evaluate((h) => {
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
  await setHidden(true);
  await page.locator('#live[data-state="down"]').waitFor();
  const opened = streams.length;
  assert.equal((await api(base, tok.FR, 'POST', `/api/v1/proposals/${id}/positions`,
    { position: 'concur' })).status, 200);
  await setHidden(false);
  await page.locator('#rollcall-grid li[data-member="FR"][data-position="concur"]').waitFor({ timeout: 20000 });
  assert.equal(streams.length, opened + 1, 'one stream again');
  assert.match((await streams.at(-1).allHeaders())['last-event-id'] || '', /^\d+$/, 'resumed after the last id');
  assert.deepEqual(browser.errors, [], 'no console or page errors');
  await page.close();
});
