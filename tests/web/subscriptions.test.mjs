// subscriptions.test.mjs - a person's own subscriptions through the page
// (web/src/views/subscriptions.js), in a real Chromium against a server
// that sends e-mail to a real SMTP listener (tests/http/tools/smtp_sink.py):
// signed in with the form, the person subscribes an address by e-mail in
// French with the 2 h reminder only, sees it listed, and the server holds
// it as the person's (France's token does not list it); a calendar feed's
// URL is shown once and answers; revoking through the page removes the
// subscription on the server.  The view in French says so in French.  A
// list longer than the API's page shows the rest on "Show more".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeStore, api, WEB_DIST, launchBrowser, networkQuiet, signIn as signInWeb } from './lib.mjs';
import { startServer, addPerson, signIn as signInApi, asPerson } from '../http/lib.mjs';
import { startSink, stopSink } from '../http/maillib.mjs';

const PW = 'a page password';
let store, srv, sink, browser;

before(async () => {
  store = makeStore();
  sink = await startSink(mkdtempSync(join(tmpdir(), 'council-smtp-')));
  srv = await startServer(store.db, { threads: 4, web: WEB_DIST,
    args: ['--smtp', `smtp://127.0.0.1:${sink.port}`, '--mail-from', 'council@nac.example'] });
  addPerson(store.db, 'anne.martin', 'FR', PW);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (srv) await srv.stop();
  if (sink) {
    await stopSink(sink);
    rmSync(sink.dir, { recursive: true, force: true });
  }
  store?.cleanup();
});

test('signed in as a person, subscribe by e-mail through the page and see it listed', async () => {
  const page = await browser.newPage('anne');
  await page.goto(`${srv.base}/#/signin`);
  await page.getByLabel('Name', { exact: true }).fill('anne.martin');
  await page.getByLabel('Password', { exact: true }).fill(PW);
  await page.locator('#person-sign-in').click();
  await page.waitForURL(/#\/proposals$/);
  await page.getByRole('link', { name: 'Subscriptions' }).click();
  await page.getByRole('heading', { level: 1, name: 'Subscriptions' }).waitFor();
  await page.locator('#subs-list .empty').waitFor();

  await page.getByLabel('E-mail address').fill('anne.martin@fr.example');
  await page.getByLabel('Language of the messages').selectOption('fr');
  await page.getByLabel('24 hours before').uncheck();
  await page.getByRole('button', { name: 'Subscribe' }).click();
  const row = page.locator('#subs li', { hasText: 'anne.martin@fr.example' });
  await row.waitFor();
  assert.match(await row.innerText(), /\(fr\)[\s\S]*reminders 2h before/);
  assert.equal(await page.getByLabel('E-mail address').inputValue(), '', 'the form is ready for another');

  // On the server: the person's, as asked; not France's token's.
  const anne = await signInApi(srv.base, 'anne.martin', PW);
  const mine = await asPerson(srv.base, anne, 'GET', '/api/v1/webhooks');
  assert.equal(mine.status, 200);
  assert.deepEqual(mine.body.webhooks.map((w) => [w.email, w.lang, w.remind]),
    [['anne.martin@fr.example', 'fr', ['2h']]]);
  assert.equal((await api(srv.base, store.tokens.FR, 'GET', '/api/v1/webhooks')).body.count, 0);

  // A calendar feed: its URL once, and it answers.
  await page.getByRole('button', { name: 'Make a calendar feed' }).click();
  const feedUrl = await page.getByLabel('Your calendar feed’s address').inputValue();
  assert.match(feedUrl, /\/api\/v1\/calendar\.ics\?key=cn_/);
  assert.equal((await fetch(feedUrl)).status, 200);
  await page.locator('#feeds li').first().waitFor();

  // Revoked through the page: gone on the server too.
  await row.getByRole('button', { name: /Revoke/ }).click();
  await page.locator('#subs-list .empty').waitFor();
  assert.equal((await asPerson(srv.base, anne, 'GET', '/api/v1/webhooks')).body.count, 0);

  // In French, the same view in French.
  await page.locator('#lang-switch').click();
  await page.getByRole('heading', { level: 1, name: 'Abonnements' }).waitFor();
  await page.getByLabel('Adresse électronique').waitFor();
  await networkQuiet(page);
  await page.close();
  assert.deepEqual(browser.errors, []);
});

// More than a page (the API gives 100 at a time, `next` after): the first
// page and a button for the rest, which appends the next page in order and
// puts the focus on the first feed it brought; then no button.  A
// revocation or a new feed does not send the reader back to the first
// page, and the focus stays in the list.
test('a token with more calendar feeds than a page: the rest on "Show more"', async () => {
  const made = [];
  for (let i = 0; i < 102; i++) {
    const r = await api(srv.base, store.tokens.US, 'POST', '/api/v1/calendar/feeds', { label: `feed ${i}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    made.push(r.body.id);
  }
  // A browser of its own: the test before left its context signed in as
  // a person, and in French.
  const other = await launchBrowser();
  const page = await other.newPage('us');
  await signInWeb(page, srv.base, store.tokens.US);
  await page.goto(`${srv.base}/#/subscriptions`);
  await page.locator('#feeds li').first().waitFor();
  const shown = () => page.locator('#feeds li').evaluateAll((els) => els.map((e) => Number(e.dataset.feed)));
  assert.deepEqual(await shown(), made.slice(0, 100));
  assert.equal(await page.locator('#subs-more').count(), 0, 'no second page of subscriptions');
  await page.getByRole('button', { name: 'Show more calendar feeds' }).click();
  await page.locator(`#feeds li[data-feed="${made[101]}"]`).waitFor();
  assert.deepEqual(await shown(), made);
  assert.equal(await page.locator('#feeds-more').count(), 0, 'the last page: no button');
  const focused = () => page.evaluate(() => document.activeElement?.closest('li')?.dataset.feed ?? null);
  assert.equal(await focused(), String(made[100]));

  // Revoking a feed of the second page keeps both pages shown, and puts
  // the focus on the feed that followed it.
  await page.getByRole('button', { name: 'Revoke the calendar feed feed 100' }).click();
  await page.locator(`#feeds li[data-feed="${made[100]}"]`).waitFor({ state: 'detached' });
  const kept = made.filter((id) => id !== made[100]);
  assert.deepEqual(await shown(), kept);
  assert.equal(await focused(), String(made[101]));
  const held = await api(srv.base, store.tokens.US, 'GET', '/api/v1/calendar/feeds?limit=200');
  assert.deepEqual(held.body.feeds.map((f) => f.id), kept, 'the server holds the same');

  // Everything was shown, so a new feed is shown at the end.
  await page.locator('#feed-make').click();
  await page.locator('#feed-url').waitFor();
  await page.locator('#feeds li').nth(kept.length).waitFor();
  const withNew = await shown();
  assert.deepEqual(withNew.slice(0, -1), kept);
  assert.ok(withNew.at(-1) > made[101], 'the new feed last');

  // Revoking the last feed puts the focus on the one before it.
  await page.locator(`#feeds li[data-feed="${withNew.at(-1)}"] button`).click();
  await page.locator(`#feeds li[data-feed="${withNew.at(-1)}"]`).waitFor({ state: 'detached' });
  assert.deepEqual(await shown(), kept);
  assert.equal(await focused(), String(made[101]));
  await networkQuiet(page);
  await other.close();
  assert.deepEqual(other.errors, []);
});

// The list's reads one at a time: "Show more" pressed while the reload
// after a revocation is on its way reads after it, so no feed is shown
// twice; pressed twice before its page comes, it reads one page.  (The
// test holds the list's reads in the browser and lets them go in the
// order it chooses: the reload first, then anything else.)
test('a revocation and "Show more" at once, and "Show more" twice: each feed shown once', async () => {
  const feeds = async () => (await api(srv.base, store.tokens.US, 'GET', '/api/v1/calendar/feeds?limit=1000')).body.feeds.map((f) => f.id);
  assert.ok((await feeds()).length > 100, 'more than a page, from the test before');
  const other = await launchBrowser();
  const page = await other.newPage('us-at-once');
  await signInWeb(page, srv.base, store.tokens.US);
  await page.goto(`${srv.base}/#/subscriptions`);
  await page.locator('#feeds-more').waitFor();
  const shown = () => page.locator('#feeds li').evaluateAll((els) => els.map((e) => Number(e.dataset.feed)));

  const held = [];
  let holding = true;
  await page.route('**/api/v1/calendar/feeds*', (route) => {
    if (holding && route.request().method() === 'GET') held.push(route);
    else route.continue();
  });
  const firstId = (await shown())[0];
  await page.locator(`#feeds li[data-feed="${firstId}"] button`).click();
  for (let i = 0; held.length === 0; i++) {
    assert.ok(i < 400, 'the reload after the revocation is asked for');
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.getByRole('button', { name: 'Show more calendar feeds' }).click();
  await held.shift().continue();
  await page.locator(`#feeds li[data-feed="${firstId}"]`).waitFor({ state: 'detached' });
  holding = false;
  for (const r of held.splice(0)) await r.continue();
  await networkQuiet(page);
  let now = await shown();
  assert.equal(new Set(now).size, now.length, `no feed twice: ${now.join(',')}`);
  assert.deepEqual(now, (await feeds()).slice(0, now.length), 'in the server\'s order, from its first');

  // Twice, before the page comes: one page more.
  for (let i = now.length; i <= 100; i++) {
    assert.equal((await api(srv.base, store.tokens.US, 'POST', '/api/v1/calendar/feeds', { label: `more ${i}` })).status, 201);
  }
  await page.goto(`${srv.base}/#/`);
  await page.goto(`${srv.base}/#/subscriptions`);
  await page.locator('#feeds-more').waitFor();
  await page.locator('#feeds-more').dblclick();
  await page.locator('#feeds-more').waitFor({ state: 'detached' });
  await networkQuiet(page);
  now = await shown();
  assert.equal(new Set(now).size, now.length, `no feed twice: ${now.join(',')}`);
  assert.deepEqual(now, await feeds());
  await other.close();
  assert.deepEqual(other.errors, []);
});

// A list that cannot be read says so in its own place: the calendar feeds
// answering 503, their section shows the reason and the subscriptions
// list is drawn as ever (the error used to replace the subscriptions
// list, and the feeds stayed "Loading…").
test('a list that cannot be read says so in its own place', async () => {
  const other = await launchBrowser();
  const page = await other.newPage('us-503');
  await signInWeb(page, srv.base, store.tokens.US);
  const feedsUrl = (u) => u.pathname === '/api/v1/calendar/feeds';
  await page.route(feedsUrl, (route) => route.fulfill({ status: 503, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'unavailable', message: 'the store is busy; try again' } }) }));
  await page.goto(`${srv.base}/#/subscriptions`);
  await page.locator('#feeds-list [role="alert"]').waitFor();
  assert.match(await page.locator('#feeds-list [role="alert"]').innerText(), /the store is busy; try again/);
  await page.locator('#subs-list').locator('ul, .empty').first().waitFor();
  assert.equal(await page.locator('#subs-list [role="alert"]').count(), 0);
  await networkQuiet(page);
  await other.close();
  // (chromium logs the 503 as a console error: the one expected here)
  assert.deepEqual(other.errors.filter((e) => !/status of 503/.test(e)), []);
});
