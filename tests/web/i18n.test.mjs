// i18n.test.mjs - the page in English and in French, in Debian's chromium
// against a real `council serve`: French when the browser prefers it
// (Playwright's locale, which sets navigator.languages and
// Accept-Language) or when the page's switch chose it (kept in
// localStorage, over reloads); English by default.  French text, French
// dates and times ("2 décembre 2026 à 14:00"), French typography (U+202F
// before a colon), and <html lang> following the language.  The analysis
// views (a body's power, a proposal's "who can still block it") with
// French numbers ("4 294 967 296", "3,13 %"), and a receipt verified in
// French, each checked for English words left, then switched back.  Every
// view walked in French, its text, aria-labels, titles and SVG searched
// for the English labels the page once had (maps, the chart, the rule's
// tests, the vote dialog, the treaty area, country names), then the
// offices' map switched back to English.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  webFixture, launchBrowser, api, isoIn, signIn, networkQuiet, settle, council, drawnRead,
} from './lib.mjs';

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
  // an open meeting that Hungary's objection blocks as it stands
  const objected = await sec('POST', '/api/v1/proposals', { body: 'NAC', title: 'A contested text' });
  ids.objected = objected.body.id;
  const o = await api(fx.base, fx.tok.HU, 'POST', `/api/v1/proposals/${ids.objected}/positions`, { position: 'object' });
  assert.equal(o.status, 200, JSON.stringify(o.body));
  // a vote (the rule's tests shown), France has voted yes; an office to open
  const vote = await sec('POST', '/api/v1/proposals', { body: 'NAC', title: 'Scrutin', procedure: 'vote' });
  assert.equal(vote.status, 201, JSON.stringify(vote.body));
  ids.vote = vote.body.id;
  const yes = await api(fx.base, fx.tok.FR, 'POST', `/api/v1/proposals/${ids.vote}/votes`, { vote: 'yes' });
  assert.equal(yes.status, 200, JSON.stringify(yes.body));
  const office = await sec('POST', '/api/v1/proposals', {
    body: 'NAC', title: 'Tokyo', procedure: 'silence', deadline: isoIn(86400),
    effects: [{ type: 'open-office', id: 'nlo-tokyo', name: 'NLO Tokyo', city: 'Tokyo', country: 'JP',
      lat: '35.68', lon: '139.69', kind: 'liaison' }],
  });
  assert.equal(office.status, 201, JSON.stringify(office.body));
  ids.office = office.body.id;
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
  assert.deepEqual(await navNames(page), ['Procedures', 'Bodies', 'Registry', 'New proposal', 'Subscriptions']);
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
  // The heading first: it waits for the page to be drawn, and the shell's
  // lang="en" stands until main.js has chosen (a loaded machine read it
  // before, once).
  assert.equal(await heading(page), 'Décisions par consensus');
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  await page.getByLabel('Jeton d’accès').fill(fx.tok.secretariat);
  await page.locator('#sign-in').click();
  await page.waitForURL(/#\/proposals$/);
  await page.locator(`[data-proposal="${ids.silence}"]`).first().waitFor();
  await networkQuiet(page);
  assert.equal(await heading(page), 'Procédures');
  assert.deepEqual(await navNames(page), ['Procédures', 'Organes', 'Registre', 'Nouvelle proposition', 'Abonnements']);
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

// English words that must not be left on a French page (whole words, so
// that "Veto" and "Shapley-Shubik", the same in both, do not count).
const ENGLISH = /\b(Who|members?|coalitions? win|What if|Compare|Leave out|per member|Every index|veto players?|Today|As of|blocked by|Pending|Adopted|Blocked|smallest|Verified|Failed|passed|Receipt format|Checkpoint|Inclusion proof|Event \d|is in the log|signed by|proof nodes)\b/;
const noEnglish = async (page, sel, what) => {
  const text = await page.locator(sel).innerText();
  assert.doesNotMatch(text, ENGLISH, `${what}: English left in ${JSON.stringify(text.match(ENGLISH)?.[0])}`);
  assert.doesNotMatch(text, /\bweb\.[a-z_]+\.[a-z_.]+/, `${what}: a catalogue key shown as it stands`);
  return text;
};
const G = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, NNBSP); // French grouping

test('a body\'s power in French: words, French numbers, no English left; and back to English', async () => {
  const page = await fr.newPage('fr-analysis');
  await page.goto(`${fx.base}/#/bodies/NAC/analysis`);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'fr');
  assert.match(await heading(page), /^Qui peut bloquer au sein de l’organe /);
  assert.match(await page.locator('#an-today-veto').innerText(),
    new RegExp(`^Chaque membre peut bloquer seul${NNBSP}: les 32 ont tous un droit de veto\\.$`));
  assert.equal(await page.locator('#an-today-members').innerText(), '32 membres');
  // 2^32 coalitions, one wins (all together): French grouping and percent
  const facts = await page.locator('#an-today .an-facts').innerText();
  assert.match(facts, new RegExp(`1 coalitions sur ${G(2 ** 32)} l’emportent \\(0,000000023${NNBSP}%${NNBSP}: `));
  assert.match(await page.locator('#an-today-blocking').innerText(),
    new RegExp(`^Les plus petites coalitions de blocage comptent un seul membre${NNBSP}: il y en a 32, par exemple `));
  assert.deepEqual(await page.locator('#an-today-table thead th').allTextContents(),
    ['Membre', 'Veto', 'Shapley-Shubik', 'Banzhaf normalisé', 'Coleman, pour empêcher', 'Coleman, pour initier']);
  // 1/32 of the power each: "3,13 %" (decimal comma, narrow space)
  const cell = page.locator('#an-today-table tbody tr[data-member="FR"] td[data-index="shapley_shubik"]');
  assert.equal(await cell.getAttribute('data-exact'), '1/32');
  assert.match(await cell.innerText(), new RegExp(`^3,13${NNBSP}%`));
  assert.match(await page.locator('#an-today .pb-value').first().innerText(), new RegExp(`^3,13${NNBSP}%$`));
  assert.match(await page.locator('#an-as-of').innerText(), new RegExp(`^Aujourd’hui, \\d{1,2} (${MONTHS_FR}) \\d{4}$`));
  assert.match(await page.locator('#an-stop-out').innerText(), new RegExp(`${NNBSP}: `));
  await noEnglish(page, 'main', 'the analysis view');
  // back to English: the same view in English words and numbers
  await Promise.all([page.waitForEvent('load'), page.locator('#lang-switch').click()]);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await heading(page), /^Who can block in the /);
  assert.equal(await page.locator('#an-today-members').innerText(), '32 members');
  assert.match(await page.locator('#an-today .an-facts').innerText(), /1 of 4,294,967,296 coalitions win \(0\.000000023%: /);
  assert.match(await page.locator('#an-today-table tbody tr[data-member="FR"] td[data-index="shapley_shubik"]').innerText(),
    /^3\.13%/);
  await page.evaluate(() => localStorage.removeItem('council.lang'));
  await page.close();
  assert.deepEqual(fr.errors, []);
});

test('who can still block a proposal, in French: the verdicts explained in French, not the API\'s English', async () => {
  const a = (await api(fx.base, fx.tok.secretariat, 'GET', `/api/v1/proposals/${ids.objected}/analysis`)).body;
  assert.equal(a.now.verdict, 'blocked');
  assert.deepEqual(a.now.blocking, ['HU']);
  assert.match(a.now.explanation, /HU/, 'the API\'s own explanation, English, is kept for machines');
  const page = await fr.newPage('fr-blocking');
  await signInFrench(page, fx.tok.secretariat);
  await page.goto(`${fx.base}/#/proposals/${ids.objected}`);
  await settle(page);
  // read in the turn the section is seen drawn in full: the poll may draw
  // the page anew, and the section then waits to be in view again
  const drawn = await drawnRead(page, `({
    h: document.querySelector('#blocking-h').innerText,
    rows: [...document.querySelectorAll('#blocking-verdicts > div')].map((d) => d.innerText),
    can: document.querySelector('#blocking-can').innerText,
    flip: document.querySelector('#blocking-flip').innerText,
  })`);
  assert.equal(drawn.h, 'Qui peut encore la bloquer');
  assert.match(drawn.rows[0], /^En l’état actuel\s+Bloquée \(bloquée par [^)]+\)$/);
  assert.doesNotMatch(drawn.rows.join('\n'), new RegExp(a.now.explanation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(drawn.can, new RegExp(`peu(t|vent) encore la bloquer seuls?${NNBSP}: `));
  assert.match(drawn.flip, /^(Un changement|\d+ changements) vers /);
  await noEnglish(page, '#blocking', 'who can still block it');
  await page.close();
  assert.deepEqual(fr.errors, []);
  // in English the API's explanation is shown as it stands
  const en = await fx.browser.newPage('en-blocking');
  await signIn(en, fx.base, fx.tok.secretariat);
  await en.goto(`${fx.base}/#/proposals/${ids.objected}`);
  await settle(en);
  assert.equal((await drawnRead(en, "document.querySelector('#blocking-verdicts > div dd').innerText")).trim(),
    `Blocked (${a.now.explanation})`);
  await en.close();
  assert.deepEqual(fx.browser.errors, []);
});

test('a receipt verified in French: the checks, the summary, a failure, no English left', async () => {
  const vkey = council(fx.store.db, 'log', 'key').trim();
  const [name, keyid] = vkey.split('+');
  const page = await fr.newPage('fr-receipt');
  await signInFrench(page, fx.tok.FR);
  await page.goto(`${fx.base}/#/proposals/${ids.objected}`);
  await page.locator('#actions-h').waitFor();
  await page.locator('[data-action="concur"]').click();
  await page.locator('.toast').first().waitFor();
  await page.goto(`${fx.base}/#/receipts`);
  await page.locator('#receipt-list > li.receipt').first().waitFor();
  await page.locator('#pin-input').fill(vkey);
  await page.locator('#pin-key').click();
  await page.locator('code#pinned-key').waitFor();
  const item = page.locator('#receipt-list > li.receipt').first();
  const seq = Number(await item.getAttribute('data-seq'));
  await item.getByRole('button', { name: 'Vérifier' }).click();
  const res = item.locator('.verify-result[data-result="verified"]');
  await res.waitFor();
  assert.equal(await res.locator('.verify-title').innerText(), 'Vérifié');
  assert.match(await res.locator('.verify-summary').innerText(), new RegExp(`^L’événement ${seq}, FR accord sur la `
    + `proposition ${ids.objected}, est dans le journal signé à la taille \\d+ par ${name}\\+${keyid}\\.$`));
  assert.deepEqual(await res.locator('.check-label').allTextContents(), [
    'réussie : Format du reçu', 'réussie : Clé de journal épinglée', 'réussie : Format du point de contrôle',
    'réussie : Signature du point de contrôle', 'réussie : Événement', 'réussie : Format de la preuve',
    'réussie : Preuve d’inclusion'].map((x) => x.replace(' : ', `${NNBSP}: `)));
  assert.match(await res.locator('[data-check="receipt"] .check-detail').innerText(), /^feuille \d+, \d+ nœuds de preuve$/);
  assert.match(await res.locator('[data-check="inclusion"] .check-detail').innerText(),
    /^l’empreinte de feuille [0-9a-f]{16}… mène à la racine signée$/);
  await noEnglish(page, '#receipt-list', 'a verified receipt');
  // the event edited in the browser's store: the inclusion proof fails, said in French
  const key = `council.receipts.v1:${vkey}:FR`;
  await page.evaluate((k) => {
    const list = JSON.parse(localStorage.getItem(k));
    list[0].receipt.event = list[0].receipt.event.replace('"concur"', '"object"');
    localStorage.setItem(k, JSON.stringify(list));
  }, key);
  await page.reload();
  await page.locator('#receipt-list > li.receipt').first().waitFor();
  await page.locator('#receipt-list > li.receipt').first().getByRole('button', { name: 'Vérifier' }).click();
  const bad = page.locator('#receipt-list > li.receipt').first().locator('.verify-result[data-result="failed"]');
  await bad.waitFor();
  assert.equal(await bad.locator('.verify-title').innerText(), `Échec${NNBSP}: Preuve d’inclusion`);
  assert.match(await bad.locator('.verify-summary').innerText(),
    new RegExp(`^L’événement n’est pas dans l’arbre signé${NNBSP}: la preuve mène à une autre racine\\.$`));
  await noEnglish(page, '#receipt-list', 'a failed receipt');
  await page.close();
  assert.deepEqual(fr.errors, []);
});

// English labels the page once showed in French (a list, whole words):
// the maps, the chart, the rule's tests, effects, the vote dialog, notes,
// the treaty area, countries by their English names.  The record's own
// names (bodies, offices, titles) are data and not searched for.
const ENGLISH_LABELS = new RegExp('\\b(World map|Tropic of Cancer|treaty area limit|Members over time|Members?|members|'
  + 'Location|in favour|against|at least|more than|fewer than|not shown|among|votes cast|All of these|At least one|'
  + 'No member|Every member|Population share|Close an office|Admit a member|Add a partner|Establish a body|'
  + 'Amend a body|renamed|Vote yes|Vote no|Abstain|Not participate|You may change|The server|Adopted when|'
  + 'Close the vote|Conclude when|receipts?|kept in this browser|Open an office|out of area|in area|'
  + 'is not a member state|no objection|Germany|United Kingdom|United States|Netherlands|Türkiye|Czechia)\\b');
// What a view says, to eyes and to screen readers: the text of <main>
// but for code (commands, rules), every aria-label, title and placeholder,
// and the SVGs' titles and labels.
const said = (page) => page.evaluate(() => [[...document.querySelectorAll('main code')]
  .reduce((text, c) => text.split(c.innerText).join(' '), document.querySelector('main').innerText),
  ...[...document.querySelectorAll('[aria-label], [title], [placeholder]')].flatMap((e) =>
    ['aria-label', 'title', 'placeholder'].map((a) => e.getAttribute(a)).filter(Boolean)),
  ...[...document.querySelectorAll('svg title, svg text')].map((e) => e.textContent)].join('\n'));
async function noEnglishLabel(page, what) {
  const text = await said(page);
  assert.doesNotMatch(text, ENGLISH_LABELS, `${what}: English left in ${JSON.stringify(text.match(ENGLISH_LABELS)?.[0])}`);
  assert.doesNotMatch(text, /\bweb\.[a-z_]+\.[a-z_.-]+/, `${what}: a catalogue key shown as it stands`);
  return text;
}

test('every view in French: no English label in text, aria-labels or maps; French numbers; and back', async () => {
  const page = await fr.newPage('fr-views');
  await signInFrench(page, fx.tok.secretariat);
  const visit = async (path, ready) => {
    await page.goto(`${fx.base}/#${path}`);
    await page.locator(ready).first().waitFor();
    await settle(page);
  };
  await visit('/proposals', `[data-proposal="${ids.vote}"]`);
  await noEnglishLabel(page, 'the procedures');
  // a vote: the rule's tests in French
  await visit(`/proposals/${ids.vote}`, '#rule-tests .rule-test');
  const tests = await page.locator('#rule-tests').innerText();
  assert.match(tests, /Aucun membre ne s’oppose/);
  assert.match(tests, /aucun contre/);
  await noEnglishLabel(page, 'a vote');
  // an office: the globe, the coordinates, the treaty area, in French
  await visit(`/proposals/${ids.office}`, '[data-effect="open-office"]');
  const effect = page.locator('[data-effect="open-office"]');
  await effect.scrollIntoViewIfNeeded();
  await effect.locator('svg.globe').waitFor();
  assert.equal(await effect.locator('svg.globe').getAttribute('aria-label'), `Tokyo${NNBSP}: 35,68° N, 139,69° E`);
  assert.match(await effect.locator('.area-flag p').innerText(),
    new RegExp(`^Hors zone${NNBSP}: JP n’est pas un État membre le \\d{1,2} (${MONTHS_FR}) \\d{4}${NNBSP}; l’article 6 `));
  await noEnglishLabel(page, 'an office to open');
  // the form, its map: French words
  await visit('/propose', '#add-open-office');
  assert.equal(await page.locator('#add-open-office').innerText(), '+ Ouvrir un bureau');
  await page.locator('#add-open-office').click();
  await page.locator('[data-effect="open-office"] svg.map').waitFor();
  assert.match(await page.locator('svg.map .tropic-label').textContent(), /^Tropique du Cancer · limite de la zone/);
  await noEnglishLabel(page, 'a new proposal');
  await visit('/bodies', '[data-body="NAC"]');
  await noEnglishLabel(page, 'the bodies');
  // the enlargement chart: French words and dates; the members in French
  await visit('/registry/members', 'svg.chart .wave');
  assert.equal(await page.locator('svg.chart .axis-label').textContent(), 'Membres');
  assert.match(await page.locator('svg.chart .wave title').first().textContent(),
    new RegExp(`^\\d{1,2} (${MONTHS_FR}) 1949${NNBSP}: .*Allemagne|^\\d{1,2} (${MONTHS_FR}) 1949${NNBSP}: .*États-Unis`));
  await noEnglishLabel(page, 'the members');
  await visit('/registry/partners', '.partner-list li');
  assert.equal(await page.locator('.partner-list li[data-code="JP"] .mname').innerText(), 'Japon');
  await noEnglishLabel(page, 'the partners');
  // the offices' map: French, its countries by their French names
  await visit('/registry/offices', 'svg.map .countries path[data-code="DE"]');
  assert.equal(await page.locator('svg.map path[data-code="DE"] title').textContent(), 'Allemagne');
  assert.match(await page.locator('svg.map .tropic-label').textContent(), /^Tropique du Cancer /);
  await noEnglishLabel(page, 'the offices');
  // back to English: the same map in English
  await Promise.all([page.waitForEvent('load'), page.locator('#lang-switch').click()]);
  await page.locator('svg.map .countries path[data-code="DE"]').waitFor();
  assert.equal(await page.locator('svg.map path[data-code="DE"] title').textContent(), 'Germany');
  assert.match(await page.locator('svg.map .tropic-label').textContent(), /^Tropic of Cancer /);
  await page.evaluate(() => localStorage.removeItem('council.lang'));
  await page.close();
  // a delegation: its vote's dialog and its receipts, in French
  const del = await fr.newPage('fr-delegation');
  await signInFrench(del, fx.tok.US);
  await del.goto(`${fx.base}/#/proposals/${ids.vote}`);
  await del.locator('[data-action="vote-no"]').click();
  const dlg = del.locator('dialog[open]');
  await dlg.waitFor();
  assert.equal(await dlg.locator('h2').innerText(), `Voter contre${NNBSP}?`);
  assert.match(await dlg.innerText(), /Vous pouvez le changer jusqu’à ce que la présidence clôture le vote\./);
  await noEnglishLabel(del, 'the vote dialog');
  await dlg.locator('button[value="cancel"]').click();
  await del.goto(`${fx.base}/#/receipts`);
  await del.locator('main h1').waitFor();
  await settle(del);
  await noEnglishLabel(del, 'the receipts');
  await del.close();
  assert.deepEqual(fr.errors, []);
  assert.deepEqual(fx.browser.errors, []);
});
