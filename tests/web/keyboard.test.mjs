// keyboard.test.mjs - the main flows with the keyboard alone (Tab, Enter,
// Space, Escape; no mouse), checking where focus lands after each action:
// never back at the start of the page.  Signing in lands on the view's
// heading; a position's button keeps focus after it is pressed (it is
// drawn anew, the focus follows it); a dialog gives focus back to the
// button that opened it, or, when its action ended the procedure, to the
// verdict's heading; a new proposal lands on its heading.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webFixture, api, isoIn, tabTo, assertFocus, dialogAction } from './lib.mjs';

let fx, browser, base, tok;
const ids = {};

before(async () => {
  fx = await webFixture();
  ({ browser, base, tok } = fx);
  const mk = async (b) => {
    const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  ids.silence = await mk({ body: 'NAC', title: 'Statement on the summit', procedure: 'silence',
    deadline: isoIn(86400), text: 'The Council issues the statement.' });
  ids.review = await mk({ body: 'NAC', title: 'Terms of reference of the review', procedure: 'silence',
    deadline: isoIn(86400), text: 'First text.' });
  ids.meeting = await mk({ body: 'NAC', title: 'Take note of the annual report' });
  ids.withdrawn = await mk({ body: 'NAC', title: 'A draft to withdraw' });
});

after(() => fx?.close());

// Sign in as a person with a keyboard does: the field has focus, type, Enter;
// focus lands on the view's heading.
async function keyboardSignIn(page, token) {
  await page.goto(`${base}/#/signin`);
  await assertFocus(page, '#token', 'the sign-in page');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/proposals$/);
  await assertFocus(page, 'main h1', 'after signing in');
}

const tile = (page, member) => page.locator(`#rollcall-grid .tile[data-member="${member}"]`);

test('a delegation: sign in, open a proposal, state each position, break silence; focus after each', async () => {
  const page = await browser.newPage('FR');
  await page.goto(`${base}/#/signin`);
  await assertFocus(page, '#token', 'the sign-in page');
  // the skip link is the first stop
  await page.keyboard.press('Shift+Tab');
  await tabTo(page, '.skip-link');
  await tabTo(page, '#token');
  await page.keyboard.type(tok.FR);
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/proposals$/);
  await assertFocus(page, 'main h1', 'after signing in');

  // open the proposal from its card
  await tabTo(page, `#open-list [data-proposal="${ids.silence}"] a`);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`#/proposals/${ids.silence}$`));
  await page.locator('#actions .mine-line').waitFor();
  await assertFocus(page, 'main h1', 'after opening a proposal');

  // concur: the button stays focused (pressed, not disabled)
  await tabTo(page, '#actions [data-action="concur"]');
  await page.keyboard.press('Enter');
  await page.locator('#rollcall-grid .tile[data-member="FR"][data-position="concur"]').waitFor();
  await assertFocus(page, '[data-focus="act-concur"][aria-pressed="true"]', 'after concurring');

  // reserve, with a note; then lift it: the same place keeps focus
  await dialogAction(page, 'reserve', () => page.keyboard.type('Pending instructions from Paris.'));
  await page.locator('#rollcall-grid .tile[data-member="FR"][data-position="reserve"]').waitFor();
  await assertFocus(page, '[data-focus="act-reserve"][data-action="lift"]', 'after entering a reservation');
  await page.keyboard.press('Enter');
  await page.locator('#rollcall-grid .tile[data-member="FR"][data-position="silent"]').waitFor();
  await assertFocus(page, '[data-focus="act-reserve"][data-action="reserve"]', 'after lifting it');

  // a dialog backed out of with Escape gives focus back to its button
  await tabTo(page, '#actions [data-action="footnote"]');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('dialog').waitFor({ state: 'detached' });
  await assertFocus(page, '[data-focus="act-footnote"]', 'after Escape');

  await dialogAction(page, 'footnote', () => page.keyboard.type('France recalls its position.'));
  await tile(page, 'FR').and(page.locator('[data-position="footnote"]')).waitFor();
  await assertFocus(page, '[data-focus="act-footnote"]', 'after a footnote');

  await dialogAction(page, 'abstain', async () => {
    await page.keyboard.press('Space'); // the formal declaration
    await page.keyboard.press('Tab');
    await page.keyboard.type('A constructive abstention.');
  });
  await tile(page, 'FR').and(page.locator('[data-position="abstain"]')).waitFor();
  assert.match(await page.locator('#reasons').innerText(), /formal declaration/);
  await assertFocus(page, '[data-focus="act-abstain"]', 'after abstaining');

  await dialogAction(page, 'comment', () => page.keyboard.type('France asks for the annex.'));
  await page.locator('#reasons .statement[data-kind="comment"]').waitFor();
  await assertFocus(page, '[data-focus="act-comment"]', 'after a comment');

  // breaking silence ends the procedure: focus goes to the verdict
  await dialogAction(page, 'object', () => page.keyboard.type('France cannot agree to the text.'));
  await page.locator('#verdict[data-outcome="blocked"]').waitFor();
  await assertFocus(page, '#verdict-h', 'after breaking silence');
  assert.match(await page.locator('#verdict-h').innerText(), /Blocked/);

  // sign out: the sign-in page, its field ready
  await tabTo(page, '#sign-out', { back: true });
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/signin$/);
  await assertFocus(page, '#token', 'after signing out');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('the secretariat: propose, extend, recirculate, conclude, withdraw; focus after each', async () => {
  const page = await browser.newPage('secretariat');
  await keyboardSignIn(page, tok.secretariat);

  // a new proposal, by keyboard: the body is chosen, a title, Enter
  await tabTo(page, 'nav[aria-label="Main"] a[href="#/propose"]', { back: true });
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/propose$/);
  // the list's own Body filter stays on screen until the form is drawn
  await page.locator('#p-title').waitFor();
  await assertFocus(page, '#p-title', 'the form');
  await page.keyboard.type('Agree the statement by keyboard');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/proposals\/\d+$/);
  await page.locator('#verdict').waitFor();
  await assertFocus(page, 'main h1', 'after proposing');
  assert.equal(await page.locator('main h1').innerText(), 'Agree the statement by keyboard');

  await page.goto(`${base}/#/proposals/${ids.review}`);
  await page.locator('#actions [data-action="extend"]').waitFor();
  const before = await page.locator('#verdict .verdict-deadline time').getAttribute('datetime');
  await dialogAction(page, 'extend'); // the new deadline is filled in: a day later
  await page.locator('#history [data-type="deadline.extended"]').waitFor();
  assert.notEqual(await page.locator('#verdict .verdict-deadline time').getAttribute('datetime'), before);
  await assertFocus(page, '[data-focus="act-extend"]', 'after extending');

  await dialogAction(page, 'recirculate', async () => {
    await page.keyboard.press('Control+a');
    await page.keyboard.type('Revised text.');
  });
  await page.locator('#history [data-type="text.recirculated"]').waitFor();
  assert.match(await page.locator('#text').innerText(), /Revised text\./);
  await assertFocus(page, '[data-focus="act-recirculate"]', 'after recirculating');

  // concluding ends the procedure: focus goes to the verdict
  await page.goto(`${base}/#/proposals/${ids.meeting}`);
  await page.locator('#actions [data-action="conclude"]').waitFor();
  await dialogAction(page, 'conclude');
  await page.locator('#verdict[data-outcome="adopted"]').waitFor();
  await assertFocus(page, '#verdict-h', 'after concluding');

  await page.goto(`${base}/#/proposals/${ids.withdrawn}`);
  await page.locator('#actions [data-action="withdraw"]').waitFor();
  await dialogAction(page, 'withdraw', () => page.keyboard.type('Overtaken by events.'));
  await page.locator('#verdict[data-outcome="withdrawn"]').waitFor();
  await assertFocus(page, '#verdict-h', 'after withdrawing');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('a table that scrolls sideways at 390 px is reached and scrolled with the keyboard', async () => {
  const page = await browser.newPage('phone', { viewport: { width: 390, height: 844 } });
  await page.goto(`${base}/#/registry/offices`);
  await page.locator('#offices-table tbody tr').first().waitFor();
  const box = page.locator('.table-wrap[role="region"]');
  assert.equal(await box.count(), 1, 'the offices table scrolls, and says so');
  assert.match(await box.getAttribute('aria-label'), /Offices \(scrolls sideways\)/);
  assert.ok(await page.locator('.table-scroll.overflows .scroll-hint').isVisible(), 'a visible cue');
  await tabTo(page, '.table-wrap[role="region"]');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('.table-wrap[role="region"]').scrollLeft > 0);
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('the concluded list shows its newest page; "Show older" reads the rest, focus on what it brought', async () => {
  // more concluded procedures than a page holds
  const made = [];
  for (let i = 0; i < 22; i++) {
    const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: `Routine ${i + 1}` });
    assert.equal((await api(base, tok.secretariat, 'POST', `/api/v1/proposals/${r.body.id}/conclude`, {})).status, 200);
    made.push(r.body.id);
  }
  const total = (await api(base, tok.secretariat, 'GET', '/api/v1/proposals?status=concluded')).body.count;
  const page = await browser.newPage('older');
  await keyboardSignIn(page, tok.FR);
  const rows = page.locator('#concluded-list tr[data-proposal]');
  await page.locator('#show-older').waitFor();
  assert.equal(await rows.count(), 20, 'the newest page');
  assert.equal(await page.locator(`#concluded-list tr[data-proposal="${made.at(-1)}"]`).count(), 1);
  await tabTo(page, '#show-older');
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelectorAll('#concluded-list tr[data-proposal]').length === n, total);
  assert.equal(await page.locator('#show-older').count(), 0, 'nothing older left');
  await assertFocus(page, '#concluded-list tr[data-proposal] a', 'after the last page');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

// The page polls an open proposal and draws it anew when it changed (another
// delegation's position): the heading or verdict a reader had focus on is
// drawn anew too, and focus must follow it, not fall to <body>.  (Under load
// a poll that left before an action and answered after it did the same to
// the focus an action had just put on the verdict.)
test('a proposal drawn anew by its poll keeps focus on its heading and on its verdict', async () => {
  const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Polled while read' });
  assert.equal(r.status, 201);
  const page = await browser.newPage('polled');
  await keyboardSignIn(page, tok.FR);
  await page.goto(`${base}/#/proposals/${r.body.id}`);
  await page.locator('#verdict-h').waitFor();
  for (const [who, sel] of [['US', '#verdict-h'], ['HU', 'main h1']]) {
    await page.focus(sel);
    const drawn = await page.evaluateHandle(() => document.querySelector('#verdict-h'));
    const s = await api(base, tok[who], 'POST', `/api/v1/proposals/${r.body.id}/positions`, { position: 'concur' });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    // the poll has drawn the page anew: the verdict element is another one
    await page.waitForFunction((code) => document.querySelector(`#rollcall-grid .tile[data-member="${code}"]`)
      ?.innerText.match(/concur/i), who);
    assert.ok(await page.evaluate((old) => old !== document.querySelector('#verdict-h'), drawn), 'drawn anew');
    await assertFocus(page, sel, `after ${who}'s position arrived by the poll`);
  }
  await page.close();
  assert.deepEqual(browser.errors, []);
});

// A body's power with the keyboard alone: the bodies page's link, the date
// slider (arrow keys, Home; its value announced and focus kept while the
// analysis is drawn anew), the index the bars show, a what-if.
test('the power analysis: reached, walked by date and compared with the keyboard; focus stays put', async () => {
  const page = await browser.newPage('analysis');
  await keyboardSignIn(page, tok.FR);
  await page.goto(`${base}/#/bodies`);
  await page.locator('[data-analysis="NAC"]').waitFor();
  await tabTo(page, '[data-analysis="NAC"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/bodies\/NAC\/analysis$/);
  await page.locator('#an-today-table').waitFor();
  await assertFocus(page, 'main h1', 'after opening the analysis');
  const members = () => page.locator('#an-today-members').innerText();
  assert.equal(await members(), '32 members');

  await tabTo(page, '#an-stop');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('#an-today-members')?.textContent === '12 members');
  assert.match(await page.locator('#an-stop').getAttribute('aria-valuetext'), /^24 Aug 1949: Established/);
  assert.match(await page.locator('#an-announce').innerText(), /24 Aug 1949: 12 members/);
  await assertFocus(page, '#an-stop', 'after moving the slider');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() => document.querySelector('#an-today-members')?.textContent === '14 members');
  await assertFocus(page, '#an-stop', 'after the analysis of 1952 was drawn');

  // the bars show another index; the pressed button keeps focus
  await tabTo(page, '[data-focus="idx-banzhaf"]');
  await page.keyboard.press('Enter');
  await page.locator('.power-bars[data-index="banzhaf"]').first().waitFor();
  await assertFocus(page, '[data-focus="idx-banzhaf"][aria-pressed="true"]', 'after choosing the index');

  // what if France were left out (a type-ahead on the select), compared
  await tabTo(page, '#an-without', { back: true });
  await page.keyboard.type('France');
  await tabTo(page, '#an-compare');
  await page.keyboard.press('Enter');
  await page.locator('#an-whatif-table').waitFor();
  assert.equal(await page.locator('#an-whatif-members').innerText(), '13 members');
  await assertFocus(page, '#an-compare', 'after comparing');

  // a proposal's "who can still block it", asked for with its button:
  // focus goes to the section's heading when the button gives way
  const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Who blocks it' });
  assert.equal(r.status, 201);
  await page.goto(`${base}/#/proposals/${r.body.id}`);
  await page.locator('#blocking-show').waitFor();
  await tabTo(page, '#blocking-show');
  await page.keyboard.press('Enter');
  await page.locator('#blocking[data-drawn="full"]').waitFor();
  await assertFocus(page, '#blocking-h', 'after asking who can still block it');
  assert.match(await page.locator('#blocking-can').innerText(), /^Any member can still block it alone: all 32/);
  await page.close();
  assert.deepEqual(browser.errors, []);
});
