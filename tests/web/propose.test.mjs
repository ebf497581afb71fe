// propose.test.mjs - the new-proposal form offers every procedure the API
// takes (issue 13 §1), in Debian's chromium against real servers: a
// roll-call vote under the Security Council's procedural rule
// (data/unsc.json), the EU Council's written procedure with its deadline
// and a named rule (data/eu-council.json), the OSCE's consensus-minus-one
// naming the State concerned (data/osce.json), what breaks a silence;
// each checked in the API.
// A field's error names it, is tied to it, and its link takes focus
// there; nothing is created.  The form fits 390 and 320 px; axe finds
// nothing serious in the states only these councils show (a rule to
// choose, the State concerned).  No console or page error may be left
// behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { councilsFixture, store } from './councils.mjs';
import { launchBrowser, startWebServer, signIn, api, localInput, audit } from './lib.mjs';

let fx; let browser; let unsc; let unscSrv; let dir;
before(async () => {
  fx = await councilsFixture();
  dir = mkdtempSync(join(tmpdir(), 'council-web-propose-'));
  unsc = store(dir, 'unsc', 'unsc.json', []);
  unscSrv = await startWebServer(unsc.db);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await unscSrv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await fx?.close();
});

function noErrors() {
  assert.deepEqual(browser.errors, [], 'no console or page errors');
}

// The form, signed in as the secretariat of the council served at base.
async function openForm(base, token, label, opts) {
  const page = await browser.newPage(label, opts);
  await signIn(page, base, token);
  await page.goto(`${base}/#/propose`);
  await page.locator('#p-title').waitFor();
  return page;
}

// The proposal the form created, read back from the API.
async function created(page, base, token) {
  await page.waitForURL(/#\/proposals\/\d+$/);
  const id = Number(page.url().match(/proposals\/(\d+)$/)[1]);
  const r = await api(base, token, 'GET', `/api/v1/proposals/${id}`);
  assert.equal(r.status, 200);
  return r.body;
}

const radios = (page) => page.locator('input[name="procedure"]').evaluateAll((els) => els.map((e) => e.value));

test('a roll-call vote on the Security Council under its procedural rule', async () => {
  const page = await openForm(unscSrv.base, unsc.tok.secretariat, 'SC');
  assert.deepEqual(await radios(page), ['meeting', 'silence', 'ratification', 'vote', 'written']);
  // the Council's own procedure is the default: a vote, no deadline
  assert.equal(await page.locator('#p-proc-vote').isChecked(), true);
  assert.equal(await page.locator('#p-deadline').isVisible(), false);
  assert.equal(await page.locator('#p-submit').innerText(), 'Put to the vote');
  const rule = page.getByLabel('Rule', { exact: true });
  assert.deepEqual(await rule.locator('option').evaluateAll((os) => os.map((o) => [o.value, o.textContent])),
    [['', 'substantive (the body’s rule)'], ['procedural', 'procedural']]);
  assert.match(await page.locator('#p-rule-text').innerText(), /none\(object in \{CN FR GB RU US\}\)/);
  await rule.selectOption('procedural');
  assert.equal(await page.locator('#p-rule-text').innerText(), 'Counted under: count(concur) >= 9');
  await page.getByLabel('Title').fill('Adopt the agenda');
  await page.getByLabel('Level').selectOption('foreign-ministers');
  await page.getByLabel('Place').fill('New York');
  await page.locator('#p-submit').click();
  const p = await created(page, unscSrv.base, unsc.tok.secretariat);
  assert.equal(p.procedure, 'vote');
  assert.equal(p.rule_name, 'procedural');
  assert.equal(p.rule, 'count(concur) >= 9');
  assert.equal(p.level, 'foreign-ministers');
  assert.equal(p.place, 'New York');
  assert.equal(p.electorate.length, 15);
  await page.close();
  noErrors();
});

test('the EU Council’s written procedure, with its deadline and a named rule', async () => {
  const { eu } = fx;
  const page = await openForm(eu.base, eu.tok.secretariat, 'EU');
  await page.getByLabel('Body').selectOption('COUNCIL');
  await page.locator('label[for="p-proc-written"]').click();
  assert.equal(await page.locator('#p-submit').innerText(), 'Open the written procedure');
  assert.equal(await page.locator('#p-level').isVisible(), false, 'no meeting: no level');
  await page.getByLabel('Rule', { exact: true }).selectOption('simple-majority');
  await page.getByLabel('Title').fill('A decision by written procedure, from the form');
  const deadline = await localInput(page, 2 * 3600 * 1000);
  await page.getByLabel('Deadline for written votes (your time)').fill(deadline);
  const iso = await page.evaluate((v) => new Date(v).toISOString().replace(/\.\d+Z$/, 'Z'), deadline);
  await page.locator('#p-submit').click();
  const p = await created(page, eu.base, eu.tok.secretariat);
  assert.equal(p.procedure, 'written');
  assert.equal(p.rule_name, 'simple-majority');
  assert.equal(p.rule, 'count(concur) > 1/2 of electorate');
  assert.equal(Date.parse(p.deadline), Date.parse(iso));
  assert.equal(p.electorate.length, 27);
  await page.close();
  noErrors();
});

test('a field’s error names it, is tied to it, takes focus there; nothing is created', async () => {
  const { eu } = fx;
  const before = (await api(eu.base, eu.tok.secretariat, 'GET', '/api/v1/proposals?limit=100')).body.count;
  const page = await openForm(eu.base, eu.tok.secretariat, 'EU errors');
  await page.locator('label[for="p-proc-written"]').click();
  await page.getByLabel('Deadline for written votes (your time)').fill('');
  await page.locator('#p-submit').click();
  const summary = page.locator('.form-error [role="alert"]');
  await summary.waitFor();
  // the summary takes focus and names each field
  assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('form-error')), true);
  assert.deepEqual(await page.locator('.form-error li a').allInnerTexts(),
    ['Give the proposal a title.', 'Choose the deadline for written votes.']);
  // each field is marked and described by its message
  const dl = page.locator('#p-deadline');
  assert.equal(await dl.getAttribute('aria-invalid'), 'true');
  assert.match(await dl.getAttribute('aria-describedby'), /\bp-deadline-error\b/);
  assert.equal(await page.locator('#p-deadline-error').innerText(), 'Choose the deadline for written votes.');
  assert.equal(await page.locator('#p-title').getAttribute('aria-invalid'), 'true');
  // the summary's link takes focus to the field
  await page.locator('.form-error li a', { hasText: 'deadline' }).click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'p-deadline');
  // corrected, the marks go
  await page.getByLabel('Title').fill('Corrected');
  await dl.fill(await localInput(page, 3600 * 1000));
  await page.getByLabel('Rule', { exact: true }).selectOption('simple-majority');
  await page.locator('#p-submit').click();
  const p = await created(page, eu.base, eu.tok.secretariat);
  assert.equal(p.title, 'Corrected');
  const after = (await api(eu.base, eu.tok.secretariat, 'GET', '/api/v1/proposals?limit=100')).body.count;
  assert.equal(after, before + 1, 'only the corrected proposal was created');
  await page.close();
  noErrors();
});

test('a rule applied without the State concerned asks for it (the OSCE)', async () => {
  const { osce } = fx;
  const page = await openForm(osce.base, osce.tok.secretariat, 'OSCE');
  await page.getByLabel('Body').selectOption('PC');
  const concerned = page.locator('#p-concerned');
  assert.equal(await concerned.isVisible(), false);
  await page.getByLabel('Rule', { exact: true }).selectOption('consensus-minus-one');
  assert.equal(await concerned.isVisible(), true);
  await page.getByLabel('Title').fill('Action without the consent of the State concerned, from the form');
  await page.locator('#p-submit').click();
  await page.locator('#p-concerned-error').waitFor();
  assert.equal(await page.locator('#p-concerned-error').innerText(),
    'Choose the State concerned: the rule is applied without it.');
  assert.equal(await concerned.getAttribute('aria-invalid'), 'true');
  await page.getByLabel('State concerned').selectOption('RU');
  await page.locator('#p-submit').click();
  const p = await created(page, osce.base, osce.tok.secretariat);
  assert.equal(p.rule_name, 'consensus-minus-one');
  assert.equal(p.concerned, 'RU');
  assert.ok(!p.electorate.includes('RU'));
  await page.close();
  noErrors();
});

test('what breaks silence: the body’s own by default, changed by the box', async () => {
  const { eu, osce } = fx;
  // the EU Council: an objection alone, unless ticked
  let page = await openForm(eu.base, eu.tok.secretariat, 'EU silence');
  await page.getByLabel('Body').selectOption('COUNCIL');
  await page.locator('label[for="p-proc-silence"]').click();
  const box = page.getByLabel(/A proposed amendment breaks silence too/);
  assert.equal(await box.isChecked(), false);
  await box.check();
  // (qmv weighs by population shares, which the registry holds up to 2025)
  await page.getByLabel('Rule', { exact: true }).selectOption('simple-majority');
  await page.getByLabel('Title').fill('A silence an amendment breaks');
  await page.getByLabel('Silence deadline (your time)').fill(await localInput(page, 3600 * 1000));
  await page.locator('#p-submit').click();
  let p = await created(page, eu.base, eu.tok.secretariat);
  assert.deepEqual(p.silence_breaks, ['object', 'amend']);
  await page.close();
  // the OSCE's Permanent Council: an amendment too (silence_breaks), unless unticked
  page = await openForm(osce.base, osce.tok.secretariat, 'OSCE silence');
  await page.getByLabel('Body').selectOption('PC');
  await page.locator('label[for="p-proc-silence"]').click();
  const own = page.getByLabel(/A proposed amendment breaks silence too/);
  assert.equal(await own.isChecked(), true, 'the body’s own');
  await own.uncheck();
  await page.getByLabel('Title').fill('A silence only an objection breaks');
  await page.getByLabel('Silence deadline (your time)').fill(await localInput(page, 3600 * 1000));
  await page.locator('#p-submit').click();
  p = await created(page, osce.base, osce.tok.secretariat);
  assert.equal(p.silence_breaks, undefined, 'an objection alone');
  await page.close();
  noErrors();
});

for (const width of [390, 320]) {
  test(`the form fits ${width} px, every procedure on screen`, async () => {
    const { eu } = fx;
    const page = await openForm(eu.base, eu.tok.secretariat, `EU ${width}`, { viewport: { width, height: 800 } });
    await page.getByLabel('Body').selectOption('COUNCIL');
    for (const v of ['vote', 'written', 'silence']) {
      await page.locator(`label[for="p-proc-${v}"]`).click();
      assert.equal(await page.locator(`#p-proc-${v}`).isChecked(), true, v);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${v}: the form is ${overflow}px wider than the screen`);
    }
    for (const id of ['#p-rule', '#p-deadline', '#p-breaks-amend']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width, `${id} within the screen`);
    }
    await page.close();
    noErrors();
  });
}

for (const width of [1280, 390]) {
  test(`axe, WCAG 2.1 A and AA: the rule and the State concerned at ${width} px`, async () => {
    const { osce } = fx;
    const page = await openForm(osce.base, osce.tok.secretariat, `OSCE axe ${width}`,
      { viewport: { width, height: 900 } });
    await page.getByLabel('Body').selectOption('PC');
    await page.getByLabel('Rule', { exact: true }).selectOption('consensus-minus-one');
    await page.getByLabel('Title').fill('Audited');
    await page.locator('#p-submit').click();
    await page.locator('#p-concerned-error').waitFor();
    const found = await audit(page, '/propose, consensus-minus-one, no State concerned');
    await page.locator('label[for="p-proc-silence"]').click();
    found.push(...await audit(page, '/propose, silence, what breaks it'));
    await page.close();
    assert.deepEqual(found, [], `serious or critical violations:\n  ${found.join('\n  ')}`);
    noErrors();
  });
}
