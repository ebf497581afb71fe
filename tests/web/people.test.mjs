// people.test.mjs - a person signs in through the page's form (name and
// password), in a real Chromium: the server's HttpOnly session cookie,
// the person's name and delegation in the header, a position stated
// through the page (its CSRF token sent by the page) and recorded as the
// delegation's, naming the person; a wrong password told as such; sign-out
// ending the session on the server, so the cookie the browser held is
// refused after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webFixture, api, isoIn, networkQuiet } from './lib.mjs';
import { addPerson } from '../http/lib.mjs';

const PW = 'a page password';
let fx;
const ids = {};

before(async () => {
  fx = await webFixture();
  addPerson(fx.store.db, 'anne.martin', 'FR', PW);
  const r = await api(fx.base, fx.tok.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC',
    title: 'Statement on the summit', procedure: 'silence', deadline: isoIn(86400), text: 'The text.' });
  assert.equal(r.status, 201);
  ids.silence = r.body.id;
});

after(() => fx?.close());

async function signInAs(page, name, password) {
  await page.goto(`${fx.base}/#/signin`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.locator('#person-sign-in').click();
}

test('a wrong password is told as such, and signs nobody in', async () => {
  const page = await fx.browser.newPage('wrong');
  await signInAs(page, 'anne.martin', 'not her password');
  await page.locator('#person-error .alert').waitFor();
  assert.match(await page.locator('#person-error').innerText(), /Wrong name or password/);
  assert.deepEqual((await fx.browser.context.cookies()).filter((c) => c.name === 'cn_session'), []);
  await page.close();
});

test('a person signs in with the form, acts for France, and signs out on the server', async () => {
  const page = await fx.browser.newPage('anne');
  await signInAs(page, 'anne.martin', PW);
  await page.waitForURL(/#\/proposals$/);
  // The cookie: the server's, HttpOnly, Secure, SameSite=Strict.
  const [cookie] = (await fx.browser.context.cookies()).filter((c) => c.name === 'cn_session');
  assert.ok(cookie, 'no session cookie');
  assert.equal(cookie.httpOnly, true);
  assert.equal(cookie.secure, true);
  assert.equal(cookie.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('cn_session')), false, 'script reads the cookie');
  // The header names the person and its delegation.
  assert.match(await page.locator('#who-person').innerText(), /anne\.martin/);
  assert.equal(await page.locator('.who-badge').getAttribute('data-code'), 'FR');
  assert.match(await page.locator('.who-badge').innerText(), /France/);
  // No token anywhere in the tab's storage.
  assert.equal(await page.evaluate(() => sessionStorage.getItem('council.token')), null);

  // A reservation through the page: a write the cookie signs in, with the
  // CSRF token the page holds.
  await page.goto(`${fx.base}/#/proposals/${ids.silence}`);
  await page.locator('#actions .mine-line').waitFor();
  await page.locator('#actions [data-action="reserve"]').click();
  await page.getByRole('dialog', { name: 'Enter a reservation' }).getByLabel(/Note/).fill('Pending instructions from Paris.');
  await page.getByRole('dialog').getByRole('button', { name: 'Enter reservation' }).click();
  await page.locator('#rollcall-grid .tile[data-member="FR"][data-position="reserve"]').waitFor();
  const log = (await api(fx.base, fx.tok.secretariat, 'GET', `/api/v1/proposals/${ids.silence}/events`)).body.events;
  assert.match(log.at(-1).actor, /^delegation:FR person:\d+$/);
  assert.equal(log.at(-1).person, 'anne.martin');

  // Reloaded, the tab is still signed in (the cookie, and the CSRF
  // token asked for again).
  await page.reload();
  await page.locator('#who-person').waitFor();
  await networkQuiet(page);

  // Sign out: the session ends on the server; the cookie the browser
  // held is refused from then on.
  await page.locator('#sign-out').click();
  await page.waitForURL(/#\/signin$/);
  const r = await fetch(`${fx.base}/api/v1/whoami`, { headers: { Cookie: `cn_session=${cookie.value}` } });
  assert.equal(r.status, 401);
  assert.deepEqual((await fx.browser.context.cookies()).filter((c) => c.name === 'cn_session'), []);
  await page.close();
  assert.deepEqual(fx.browser.errors.filter((e) => !/status of 401/.test(e)), []);
});
