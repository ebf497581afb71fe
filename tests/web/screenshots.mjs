// screenshots.mjs - take a screenshot of each main view of the page into
// docs/screenshots/, against a server over realistic data: the NATO
// dataset, the Tokyo 2023 case replayed (scenarios/tokyo-2023.json), and
// procedures in progress (one under silence with positions on the record).
//   COUNCIL=build/council node tests/web/screenshots.mjs [OUTDIR]
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeStore, council, api, isoIn, startWebServer, launchBrowser, signIn, localInput, networkQuiet } from './lib.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = process.argv[2] || join(root, 'docs', 'screenshots');
mkdirSync(out, { recursive: true });

const store = makeStore();
const tok = store.tokens;
// `council replay FILE --db DB` records the scenario in DB (all steps or none).
council(store.db, 'replay', join(root, 'scenarios', 'tokyo-2023.json'), '--db', store.db);
const server = await startWebServer(store.db);
const base = server.base;
const post = async (token, path, body) => {
  const r = await api(base, token, 'POST', path, body);
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

// An adopted decision, a meeting in progress, and two silence procedures.
const budget = await post(tok.secretariat, '/api/v1/proposals', {
  body: 'NAC', title: 'Approve the civil budget for 2027', shared: false,
  text: 'The Council approves the civil budget for 2027 as set out in the Budget Committee’s report.',
});
await post(tok.secretariat, `/api/v1/proposals/${budget.id}/conclude`, {});
const pii = await post(tok.secretariat, '/api/v1/proposals', {
  body: 'NAC', title: 'Endorse the Partnership Interoperability Initiative work plan', shared: true,
  level: 'permanent-representatives', place: 'NATO Headquarters, Brussels',
  text: 'The Council endorses the 2027 work plan of the Partnership Interoperability Initiative.',
});
await post(tok.US, `/api/v1/proposals/${pii.id}/positions`, { position: 'concur' });
await post(tok.HU, `/api/v1/proposals/${pii.id}/positions`, { position: 'reserve', text: 'Pending instructions from Budapest.' });
const statement = await post(tok.secretariat, '/api/v1/proposals', {
  body: 'NAC', title: 'Council statement on the anniversary of the Washington Treaty', procedure: 'silence',
  deadline: isoIn(2 * 86400 + 3 * 3600),
  text: 'On the anniversary of the signing of the North Atlantic Treaty, the Council reaffirms the Alliance’s commitment to the collective defence of all Allies.\n\nThe Council recalls that the Alliance is defensive and that it threatens no one.',
});
for (const [who, body] of [
  ['US', { position: 'concur' }],
  ['FR', { position: 'comment', text: 'France suggests “reaffirms its unwavering commitment” in the first paragraph.' }],
  ['HU', { position: 'footnote', text: 'Hungary recalls its statement of 12 July on the second paragraph.' }],
]) await post(tok[who], `/api/v1/proposals/${statement.id}/positions`, body);
const pristina = await post(tok.secretariat, '/api/v1/proposals', {
  body: 'NAC', title: 'Extend the mandate of the NATO Advisory and Liaison Team in Pristina', procedure: 'silence',
  deadline: isoIn(5 * 3600 + 17 * 60), shared: true,
  text: 'The Council extends the mandate of the NATO Advisory and Liaison Team (NALT) for one year.',
});
await post(tok.US, `/api/v1/proposals/${pristina.id}/positions`, { position: 'concur' });

const browser = await launchBrowser({ timezoneId: 'Europe/Brussels', viewport: { width: 1280, height: 860 } });
// full: the whole page; until: a selector whose bottom ends the picture.
async function shot(page, name, { full = true, until, top = true } = {}) {
  await page.evaluate(() => document.fonts.ready);
  await networkQuiet(page);
  if (top) await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.waitForTimeout(300);
  let clip;
  if (until) {
    const b = await page.locator(until).boundingBox();
    const width = page.viewportSize().width;
    clip = { x: 0, y: 0, width, height: Math.ceil(b.y + b.height + 24) };
  }
  await page.screenshot({ path: join(out, `${name}.png`), fullPage: full || !!clip, clip });
  console.log(`docs/screenshots/${name}.png`);
}

try {
  const pub = await browser.newPage('public');
  await pub.goto(`${base}/#/signin`);
  await pub.locator('#token').waitFor();
  await shot(pub, 'sign-in', { full: false });

  const sec = await browser.newPage('secretariat');
  await signIn(sec, base, tok.secretariat);
  await sec.locator('#open-list .proc-card').first().waitFor();
  await shot(sec, 'procedures');

  const fr = await browser.newPage('FR');
  await signIn(fr, base, tok.FR);
  await fr.goto(`${base}/#/proposals/${statement.id}`);
  await fr.locator('#rollcall-grid .tile').first().waitFor();
  await fr.locator('#history .tl-item').first().waitFor();
  await shot(fr, 'proposal');
  await fr.locator('#actions [data-action="object"]').click();
  await fr.getByRole('dialog').waitFor();
  await fr.getByRole('dialog').getByLabel(/Reason/).fill('France cannot support the text as it stands.');
  await shot(fr, 'break-silence', { full: false, top: false });
  await fr.keyboard.press('Escape');

  await sec.goto(`${base}/#/proposals/1`);
  await sec.locator('#rollcall-grid .tile').first().waitFor();
  await sec.locator('#effects svg.globe').waitFor();
  await shot(sec, 'proposal-blocked');

  await fr.goto(`${base}/#/bodies?at=2003-02-16`);
  await fr.locator('.body-card').first().waitFor();
  await shot(fr, 'bodies');

  await pub.goto(`${base}/#/registry/members`);
  await pub.locator('svg.chart').waitFor();
  await shot(pub, 'registry-members');

  await pub.goto(`${base}/#/registry/offices`);
  await pub.locator('svg.map .marker').first().waitFor();
  await shot(pub, 'offices-map', { until: '.map-card' });
  await pub.locator('[data-region="europe"]').click();
  await pub.locator('svg.map .marker').first().waitFor();
  await pub.locator('.map-card').screenshot({ path: join(out, 'offices-map-europe.png') });
  console.log('docs/screenshots/offices-map-europe.png');

  await pub.goto(`${base}/#/registry/partners`);
  await pub.locator('[data-framework]').first().waitFor();
  await shot(pub, 'registry-partners');

  await sec.goto(`${base}/#/propose`);
  await sec.getByLabel('Title').fill('Open a NATO liaison office in Tokyo');
  await sec.locator('label[for="p-proc-silence"]').click();
  await sec.getByLabel('Silence deadline (your time)').fill(await localInput(sec, 3 * 86400e3));
  await sec.locator('#add-open-office').click();
  const ed = sec.locator('[data-effect="open-office"]');
  await ed.getByLabel('Office name').fill('NATO Liaison Office Tokyo');
  await ed.getByLabel('Host city').fill('Tokyo');
  await ed.getByLabel('Country (ISO code)').fill('JP');
  await ed.getByLabel(/Latitude/).fill('35.68');
  await ed.getByLabel(/Longitude/).fill('139.69');
  await ed.locator('.marker.picked').waitFor();
  await shot(sec, 'propose');

  // receipts: France states two positions through the page, pins the
  // published key (`council log key`) and verifies; the older receipt is
  // then edited in localStorage, and fails.
  await fr.goto(`${base}/#/proposals/${pii.id}`);
  await fr.locator('#actions [data-action="concur"]').click();
  await fr.locator('#rollcall-grid .tile[data-member="FR"][data-position="concur"]').waitFor();
  await fr.goto(`${base}/#/proposals/${pristina.id}`);
  await fr.locator('#actions [data-action="comment"]').click();
  await fr.getByRole('dialog').getByLabel('Comment').fill('France supports the extension and asks for a report at six months.');
  await fr.getByRole('dialog').getByRole('button', { name: 'Put on record' }).click();
  await fr.locator('.receipts-line', { hasText: '1 receipt' }).waitFor();
  const receiptsKey = await fr.evaluate(() => Object.keys(localStorage).find((k) => k.startsWith('council.receipts.v1:')));
  await fr.evaluate((k) => {
    const list = JSON.parse(localStorage.getItem(k));
    list[0].receipt.event = list[0].receipt.event.replace('"concur"', '"object"');
    localStorage.setItem(k, JSON.stringify(list));
  }, receiptsKey);
  await fr.goto(`${base}/#/receipts`);
  await fr.locator('#pin-input').fill(council(store.db, 'log', 'key').trim());
  await fr.locator('#pin-key').click();
  await fr.locator('.key-match').waitFor();
  for (const li of await fr.locator('#receipt-list > li.receipt').all()) {
    await li.getByRole('button', { name: 'Verify' }).click();
    await li.locator('.verify-result[data-result]').waitFor();
  }
  await fr.evaluate(() => document.getElementById('toasts').replaceChildren());
  await shot(fr, 'receipts');

  const phone = await browser.newPage('phone', { viewport: { width: 390, height: 844 } });
  await signIn(phone, base, tok.HU);
  await phone.goto(`${base}/#/proposals/${statement.id}`);
  await phone.locator('#rollcall-grid .tile').first().waitFor();
  await shot(phone, 'phone-proposal', { full: false });
  await phone.locator('#rollcall').scrollIntoViewIfNeeded();
  await phone.evaluate(() => document.getElementById('rollcall').scrollIntoView());
  await shot(phone, 'phone-rollcall', { full: false, top: false });

  if (browser.errors.length) throw new Error(`console errors:\n${browser.errors.join('\n')}`);
} finally {
  await browser.close();
  await server.stop();
  store.cleanup();
}
