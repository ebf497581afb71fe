// i18n.test.mjs - the page in English and in French, in Debian's chromium
// against a real `council serve`: French when the browser prefers it
// (Playwright's locale, which sets navigator.languages and
// Accept-Language) or when the page's switch chose it (kept in
// localStorage, over reloads); English by default.  French text, French
// dates and times ("2 décembre 2026 à 14:00"), French typography (U+202F
// before a colon), and <html lang> following the language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webFixture, launchBrowser, api, isoIn, signIn, networkQuiet } from './lib.mjs';

const NNBSP = '\u202f';
const MONTHS_FR = 'janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre';
// "28 novembre 2026 à 20:39 UTC+1": a French local time, month spelt out.
const FRENCH_TIME = new RegExp(`^\\d{1,2} (${MONTHS_FR}) \\d{4} à \\d{2}:\\d{2} UTC[+−-]\\d+$`);
const ENGLISH_TIME = /^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} (CET|CEST|GMT\+\d+)$/;

let fx, fr;
const ids = {};

before(async () => {
  fx = await webFixture();
  const sec = (method, path, body) => api(fx.base, fx.tok.secretariat, method, path, body);
  const silence = await sec('POST', '/api/v1/proposals',
    { body: 'NAC', title: 'Liaison office', procedure: 'silence', deadline: isoIn(3 * 86400) });
  assert.equal(silence.status, 201, JSON.stringify(silence.body));
  ids.silence = silence.body.id;
  const meeting = await sec('POST', '/api/v1/proposals', { body: 'NAC', title: 'A meeting' });
  ids.meeting = meeting.body.id;
  for (const m of ['FR', 'US', 'HU']) {
    const r = await api(fx.base, fx.tok[m], 'POST', `/api/v1/proposals/${ids.meeting}/positions`, { position: 'concur' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
  const c = await sec('POST', `/api/v1/proposals/${ids.meeting}/conclude`);
  assert.equal(c.body.outcome, 'adopted');
  fr = await launchBrowser({ locale: 'fr-FR' });
});

after(async () => {
  await fr?.close();
  await fx?.close();
});

const heading = (page) => page.locator('main h1').innerText();

// Sign in through the French page, by its French label.
async function signInFrench(page, token) {
  await page.goto(`${fx.base}/#/signin`);
  await page.getByLabel('Jeton d’accès').fill(token);
  await page.locator('#sign-in').click();
  await page.waitForURL(/#\/proposals$/);
}
const navNames = (page) => page.locator('#site-nav a').allInnerTexts();

test('English by default: text, <html lang>, English dates, the switch offers French', async () => {
  const page = await fx.browser.newPage('en');
  await signIn(page, fx.base, fx.tok.secretariat);
  await page.locator(`[data-proposal="${ids.silence}"]`).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await heading(page), 'Procedures');
  assert.deepEqual(await navNames(page), ['Procedures', 'Bodies', 'Registry', 'New proposal']);
  const sw = page.locator('#lang-switch');
  assert.equal(await sw.innerText(), 'Français');
  assert.equal(await sw.getAttribute('lang'), 'fr', 'the name of French is marked as French');
  const card = page.locator(`article[data-proposal="${ids.silence}"]`);
  assert.match(await card.locator('.deadline-line').innerText(), /^Silence ends in /);
  assert.match(await card.locator('.deadline-at .local').innerText(), ENGLISH_TIME);
  assert.match(await page.locator('#footer-times').innerText(), /^Times are shown in your time zone \(Europe\/Paris\)/);
  await page.close();
  assert.deepEqual(fx.browser.errors, []);
});

test('a browser that prefers French gets the page in French, with French dates and typography', async () => {
  const page = await fr.newPage('fr');
  await page.goto(`${fx.base}/#/signin`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await heading(page), 'Décisions par consensus');
  await page.getByLabel('Jeton d’accès').fill(fx.tok.secretariat);
  await page.locator('#sign-in').click();
  await page.waitForURL(/#\/proposals$/);
  await page.locator(`[data-proposal="${ids.silence}"]`).first().waitFor();
  await networkQuiet(page);
  assert.equal(await heading(page), 'Procédures');
  assert.deepEqual(await navNames(page), ['Procédures', 'Organes', 'Registre', 'Nouvelle proposition']);
  assert.equal(await page.locator('#open-h').innerText(), 'Procédures en cours');
  assert.match(await page.locator('.who-badge .who-long').innerText(), /^Secrétariat$/);
  // the open silence: its countdown and its deadline in French
  const card = page.locator(`article[data-proposal="${ids.silence}"]`);
  assert.equal(await card.locator('[data-status]').first().innerText(), 'Accord tacite en cours');
  assert.match(await card.locator('.deadline-line').innerText(), /^Fin de l’accord tacite dans \d+ j \d{2} h \d{2} min/);
  assert.match(await card.locator('.deadline-at .local').innerText(), FRENCH_TIME);
  assert.match(await card.locator('.sub').innerText(), new RegExp(`Procédure d’accord tacite · règle${NNBSP}: `));
  assert.match(await card.locator('.verdict-line').innerText(), new RegExp(`^Si l’on concluait maintenant${NNBSP}: Adoptée`));
  // the concluded table: French headings, the outcome, a French date
  const row = page.locator(`#concluded-list tr[data-proposal="${ids.meeting}"]`);
  assert.deepEqual(await page.locator('#concluded-list th').allTextContents(), ['#', 'Proposition', 'Issue', 'Conclue le']);
  assert.equal(await row.locator('.badge').innerText(), 'Adoptée');
  assert.match(await row.locator('time .local').innerText(), FRENCH_TIME);
  assert.match(await page.locator('#footer-times').innerText(), /^Les heures sont données dans votre fuseau horaire \(Europe\/Paris\)/);
  assert.equal(await page.locator('#lang-switch').innerText(), 'English');
  await page.close();
  assert.deepEqual(fr.errors, []);
});

test('the switch: French chosen in an English browser, kept over a reload, and back to English', async () => {
  const page = await fx.browser.newPage('switch');
  await signIn(page, fx.base, fx.tok.FR);
  await page.locator(`article[data-proposal="${ids.silence}"]`).waitFor();
  assert.equal(await heading(page), 'Procedures');
  await Promise.all([page.waitForEvent('load'), page.locator('#lang-switch').click()]);
  await page.locator(`article[data-proposal="${ids.silence}"]`).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await heading(page), 'Procédures', 'the same view, signed in still, in French');
  assert.match(await page.locator('.who-badge .who-long').innerText(), new RegExp(`^Délégation${NNBSP}: `));
  assert.equal(await page.evaluate(() => localStorage.getItem('council.lang')), 'fr');
  await page.reload();
  await page.locator(`article[data-proposal="${ids.silence}"]`).waitFor();
  assert.equal(await heading(page), 'Procédures', 'the choice outlives a reload');
  const due = page.locator(`article[data-proposal="${ids.silence}"] .deadline-at .local`);
  assert.match(await due.innerText(), FRENCH_TIME);
  await Promise.all([page.waitForEvent('load'), page.locator('#lang-switch').click()]);
  await page.locator(`article[data-proposal="${ids.silence}"]`).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await heading(page), 'Procedures');
  await page.close();
  assert.deepEqual(fx.browser.errors, []);
});

test('a proposal page in French: its headings, its verdict, its history, in French with French dates', async () => {
  const page = await fr.newPage('fr-proposal');
  await signInFrench(page, fx.tok.secretariat);
  await page.goto(`${fx.base}/#/proposals/${ids.meeting}`);
  await page.locator('#history .tl-item').first().waitFor();
  await networkQuiet(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.equal(await page.locator('.crumbs [aria-current="page"]').innerText(), `Proposition ${ids.meeting}`);
  assert.equal(await page.locator('#verdict .verdict-kicker').textContent(), 'Issue');
  assert.match(await page.locator('#verdict-h').innerText(), /Adoptée/);
  assert.match(await page.locator('#verdict .verdict-side').innerText(), /Conclue le/);
  assert.match(await page.locator('#verdict .verdict-side time .local').innerText(), FRENCH_TIME);
  assert.equal(await page.locator('#history-h').innerText(), 'Historique');
  assert.equal(await page.locator('#rollcall-h').innerText(), 'Appel nominal');
  assert.match(await page.locator('#history .tl-what').first().innerText(), /^Proposée à l’organe /);
  assert.match(await page.locator('#history .tl-what').last().innerText(), new RegExp(`^Conclue${NNBSP}: Adoptée`));
  assert.match(await page.locator('#text .sub').innerText(), /^Révision 1$/);
  await page.close();
  assert.deepEqual(fr.errors, []);
});

test('a delegation acts in French: its panel, a button, the confirmation', async () => {
  const page = await fr.newPage('fr-act');
  await signInFrench(page, fx.tok.US);
  await page.goto(`${fx.base}/#/proposals/${ids.silence}`);
  await page.locator('#actions-h').waitFor();
  await networkQuiet(page);
  assert.match(await page.locator('#actions-h').innerText(), new RegExp(`^Délégation${NNBSP}: `));
  assert.match(await page.locator('#actions .mine-line').innerText(), new RegExp(`^Votre position${NNBSP}:`));
  const concur = page.locator('[data-action="concur"]');
  assert.equal((await concur.innerText()).trim(), 'Donner son accord');
  await concur.click();
  await page.locator('.toast').first().waitFor();
  assert.match(await page.locator('.toast').first().innerText(), new RegExp(`^Position consignée${NNBSP}: accord`));
  assert.match(await page.locator('[data-action="object"]').innerText(), /Rompre l’accord tacite…/);
  await page.close();
  assert.deepEqual(fr.errors, []);
});
