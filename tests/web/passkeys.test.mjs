// passkeys.test.mjs - passkeys end to end in a real Chromium, with its
// virtual authenticator (CDP WebAuthn domain: CTAP2, internal, resident
// keys, user verification): a person signs in with a password, adds a
// passkey on the passkeys page, signs out, signs in with the passkey
// alone, acts for France (the record naming the person), and removes the
// passkey, after which it signs nobody in.  WebAuthn needs a secure
// context and a domain as RP id, so the page is loaded from
// http://localhost:PORT (the server listens on 127.0.0.1 only; Chromium
// is told localhost is 127.0.0.1), and the server runs with --rp-id
// localhost --origin http://localhost:PORT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, makeStore, api, isoIn, WEB_DIST } from './lib.mjs';
import { addPerson, startServer, freePort } from '../http/lib.mjs';

const PW = 'a page password';
let store, srv, browser, base;
const ids = {};

before(async () => {
  store = makeStore();
  ids.anne = addPerson(store.db, 'anne.martin', 'FR', PW);
  const port = await freePort();
  base = `http://localhost:${port}`;
  srv = await startServer(store.db, { web: WEB_DIST, port, threads: 4,
    args: ['--rp-id', 'localhost', '--origin', base] });
  browser = await launchBrowser({ args: ['--host-resolver-rules=MAP localhost 127.0.0.1'] });
  const r = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC',
    title: 'Statement on passkeys', procedure: 'silence', deadline: isoIn(86400), text: 'The text.' });
  assert.equal(r.status, 201);
  ids.silence = r.body.id;
});

after(async () => {
  await browser?.close();
  await srv?.stop();
  store?.cleanup();
});

test('a person adds a passkey, signs in with it alone, acts, and removes it', async () => {
  const page = await browser.newPage('passkey');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: {
    protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
    isUserVerified: true } });

  // Signed in with the password, the passkey is added on its page.
  await page.goto(`${base}/#/signin`);
  await page.getByLabel('Name', { exact: true }).fill('anne.martin');
  await page.getByLabel('Password', { exact: true }).fill(PW);
  await page.locator('#person-sign-in').click();
  await page.waitForURL(/#\/proposals$/);
  await page.locator('#passkeys-link').click();
  await page.waitForURL(/#\/passkeys$/);
  await page.getByText('You have no passkey yet.').waitFor();
  await page.getByLabel('Name of the new passkey (optional)').fill('virtual key');
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.locator('#passkey-list .passkey-label', { hasText: 'virtual key' }).waitFor();
  // The authenticator holds it, discoverable, for localhost.
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.equal(credentials[0].isResidentCredential, true);
  assert.equal(credentials[0].rpId, 'localhost');
  const listed = await api(srv.base, null, 'GET', '/api/v1/passkeys');
  assert.equal(listed.status, 401, 'the list is a person\'s');

  // Signed out, in again with the passkey alone.
  await page.locator('#sign-out').click();
  await page.waitForURL(/#\/signin$/);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.waitForURL(/#\/proposals$/);
  assert.match(await page.locator('#who-person').innerText(), /anne\.martin/);
  const [cookie] = (await browser.context.cookies()).filter((c) => c.name === 'cn_session');
  assert.ok(cookie?.httpOnly, 'the session cookie');
  const { credentials: after1 } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.ok(after1[0].signCount >= 1, 'the authenticator counted the sign-in');

  // A write through the page, recorded as France's by this person.
  await page.goto(`${base}/#/proposals/${ids.silence}`);
  await page.locator('#actions .mine-line').waitFor();
  await page.locator('#actions [data-action="reserve"]').click();
  await page.getByRole('dialog', { name: 'Enter a reservation' }).getByLabel(/Note/).fill('Pending instructions.');
  await page.getByRole('dialog').getByRole('button', { name: 'Enter reservation' }).click();
  await page.locator('#rollcall-grid .tile[data-member="FR"][data-position="reserve"]').waitFor();
  const log = (await api(srv.base, store.tokens.secretariat, 'GET', `/api/v1/proposals/${ids.silence}/events`)).body.events;
  assert.equal(log.at(-1).actor, `delegation:FR person:${ids.anne}`);
  assert.equal(log.at(-1).person, 'anne.martin');

  // The page shows it used; removed, it signs nobody in.
  await page.locator('#passkeys-link').click();
  await page.locator('#passkey-list .passkey', { hasText: 'last used' }).waitFor();
  await page.getByRole('button', { name: 'Remove the passkey virtual key' }).click();
  await page.getByText('You have no passkey yet.').waitFor();
  await page.locator('#sign-out').click();
  await page.waitForURL(/#\/signin$/);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
  await page.locator('#passkey-error .alert').waitFor();
  assert.match(await page.locator('#passkey-error').innerText(), /not accepted/);
  await page.close();
  assert.deepEqual(browser.errors.filter((e) => !/status of 40[13]/.test(e)), []);
});
