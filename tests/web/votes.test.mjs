// votes.test.mjs - the page on councils other than NATO's (tests/web/
// councils.mjs: the EU Council and the OSCE): a qualified-majority vote's
// count against its thresholds (members and population), the roll of who
// voted what, a vote cast from the page with its dialog and focus, the
// written procedure refused, the chair closing a vote; the named rule, the
// State concerned, a silence broken by a proposed amendment and taken up
// again, a public footnote and a body's establishment.  Each view audited
// by axe at 1280 and 390 px, with its dialogs open; a vote cast with the
// keyboard alone.  Nothing here waits for time to pass: each step waits for
// what it changes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchBrowser, signIn, settle, audit, tabTo, assertFocus, dialogAction,
} from './lib.mjs';
import { councilsFixture } from './councils.mjs';

const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
let fx, browser, eu, osce;

before(async () => {
  fx = await councilsFixture();
  ({ eu, osce } = fx);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await fx?.close();
});

// A page signed in as `who` of council `c` (the public browses).
async function pageAs(c, who, { size = 'desktop', label = who } = {}) {
  const page = await browser.newPage(`${label}@${size}`, { viewport: SIZES[size] });
  if (who === 'public') {
    await page.goto(`${c.base}/#/signin`);
    await page.locator('#browse-public').click();
    await page.waitForURL(/#\/proposals$/);
  } else {
    await signIn(page, c.base, c.tok[who]);
  }
  return page;
}

// Open a proposal's page and wait for its heading.
async function open(page, c, id, title) {
  await page.goto(`${c.base}/#/proposals/${id}`);
  await page.locator('.proposal-head .proc-id', { hasText: new RegExp(`^#${id}$`) }).waitFor();
  await page.locator('main h1', { hasText: title }).waitFor();
  await settle(page);
}

const text = (page, sel) => page.locator(sel).innerText();
const ruleTest = (page, label) => page.locator(`#rule-tests .rule-test[data-label="${label}"]`);

test('a qualified-majority vote, open: the count against both thresholds, the roll with each population share',
  async () => {
    const page = await pageAs(eu, 'secretariat');
    await open(page, eu, eu.ids.open, 'A regulation put to a qualified-majority vote');
    assert.match(await text(page, '.proposal-head .badges'), /Voting/);
    assert.match(await text(page, '#rule'), /the body’s rule: count\(concur\) >= 55% of electorate/);
    assert.match(await text(page, '#verdict-h'), /^14 of 27 have voted$/);
    assert.match(await text(page, '#explanation'), /^pending: 12 concur, needs 3 more/);
    // members: 12 of 27 against 55% (15); population 40.72% against 65%; not met
    const members = ruleTest(page, 'Members in favour');
    assert.equal(await members.getAttribute('data-met'), 'not-met');
    assert.match(await members.innerText(), /12 of 27 · needs at least 55% of 27 members \(15\)/);
    const pop = ruleTest(page, 'Population share of the members in favour');
    assert.equal(await pop.getAttribute('data-met'), 'not-met');
    assert.match(await pop.innerText(), /40\.72% · needs at least 65% of the total/);
    assert.match(await ruleTest(page, 'Members not in favour').innerText(), /15 of 27 · needs fewer than 4/);
    // the roll: a vote per tile, in words, with its weight
    const de = page.locator('#rollcall-grid .tile[data-member="DE"]');
    assert.equal(await de.getAttribute('data-vote'), 'no');
    assert.match(await de.innerText(), /Germany\s+.*NO\s+.*18\.49/s);
    assert.equal(await page.locator('#rollcall-grid .tile[data-vote="not-voted"]').count(), 13);
    assert.equal(await page.locator('#rollcall-grid .tile[data-member="IT"]').getAttribute('data-vote'), 'abstain');
    assert.equal(await page.locator('#rollcall .legend-item[data-vote="yes"] .legend-count').innerText(), '12');
    assert.match(await text(page, '#history'), /Germany \(DE\) votes no/);
    // the chair closes it: the dialog says the count
    await page.locator('#actions [data-action="conclude"]').click();
    assert.match(await page.locator('dialog[open]').innerText(), /12 in favour, 1 against, 1 abstaining, 13 not yet voted/);
    await page.keyboard.press('Escape');
    await page.close();
    assert.deepEqual(browser.errors, []);
  });

test('the same vote concluded, to the public: the count, the population share from the explanation, no roll',
  async () => {
    const page = await pageAs(eu, 'public');
    await open(page, eu, eu.ids.qmv, 'Regulation phasing out imports of Russian natural gas');
    assert.match(await text(page, '#verdict-h'), /Adopted/);
    assert.equal(await text(page, '#tally-line'), 'The count: 25 in favour, 2 against, 0 abstaining');
    assert.equal(await page.locator('#vote-tally [data-vote="no"] .legend-count').innerText(), '2');
    const pop = ruleTest(page, 'Population share of the members in favour');
    assert.equal(await pop.getAttribute('data-met'), 'met');
    assert.match(await pop.innerText(), /96\.66%/);
    assert.equal(await ruleTest(page, 'Members in favour').getAttribute('data-met'), 'met');
    assert.equal(await page.locator('#rollcall-grid').count(), 0, 'who voted which way is the members’');
    assert.match(await text(page, '#rollcall'), /does not see delegations’ positions/);
    await page.close();
    assert.deepEqual(browser.errors, []);
  });

test('a delegation votes from the page: a dialog, its explanation on record, the vote changed, focus kept',
  async () => {
    const page = await pageAs(eu, 'FR');
    await open(page, eu, eu.ids.vote, 'A procedural decision put to a vote');
    assert.match(await text(page, '#rule-name'), /^simple-majority$/);
    assert.equal(await page.locator('#my-vote').getAttribute('data-vote'), 'not-voted');
    // Escape backs out: nothing recorded, focus back on the button
    await page.locator('#actions [data-action="vote-yes"]').click();
    const dlg = page.locator('dialog[open]');
    assert.match(await dlg.innerText(), /France votes yes on “A procedural decision put to a vote”/);
    await page.keyboard.press('Escape');
    await dlg.waitFor({ state: 'detached' });
    await assertFocus(page, '[data-focus="vote-yes"]', 'after Escape');
    assert.equal(await page.locator('#my-vote').getAttribute('data-vote'), 'not-voted');
    // yes, with an explanation of vote
    await page.locator('#actions [data-action="vote-yes"]').click();
    await page.getByLabel('Explanation of vote (optional)').fill('France supports the text.');
    await page.locator('dialog[open] [data-focus="confirm"]').click();
    await page.locator('#my-vote[data-vote="yes"]').waitFor();
    await assertFocus(page, '[data-focus="vote-yes"][aria-pressed="true"]', 'after voting yes');
    assert.equal(await page.locator('#rollcall-grid .tile[data-member="FR"]').getAttribute('data-vote'), 'yes');
    const stmt = page.locator('#reasons .statement[data-member="FR"]');
    assert.match(await stmt.innerText(), /Voted yes[\s\S]*France supports the text\./);
    assert.match(await text(page, '#history'), /France \(FR\) votes yes/);
    assert.match(await ruleTest(page, 'Members in favour').innerText(), /1 of 27 · needs more than 1\/2 of 27 members \(13\)/);
    // changed: an abstention with a formal declaration
    await page.locator('#actions [data-action="vote-abstain"]').click();
    await page.getByLabel('With a formal declaration (constructive abstention)').check();
    await page.locator('dialog[open] [data-focus="confirm"]').click();
    await page.locator('#my-vote[data-vote="abstain"]').waitFor();
    await assertFocus(page, '[data-focus="vote-abstain"][aria-pressed="true"]', 'after abstaining');
    assert.match(await text(page, '#my-vote'), /Abstain · formal declaration/);
    assert.match(await page.locator('#rollcall-grid .tile[data-member="FR"]').innerText(), /ABSTAIN/);
    await page.close();

    // the chair closes it: FR's abstention counted, the others not participating
    const sec = await pageAs(eu, 'secretariat');
    await open(sec, eu, eu.ids.vote, 'A procedural decision put to a vote');
    await sec.locator('#actions [data-action="conclude"]').click();
    await sec.locator('dialog[open] [data-focus="confirm"]').click();
    await sec.locator('#verdict[data-status="concluded"]').waitFor();
    await assertFocus(sec, '#verdict-h', 'after closing the vote');
    assert.match(await text(sec, '#verdict-h'), /Failed/);
    assert.equal(await text(sec, '#tally-line'), 'The count: 0 in favour, 0 against, 1 abstaining, 26 not participating');
    assert.equal(await sec.locator('#rollcall-grid .tile[data-vote="not-participating"]').count(), 26);
    await sec.close();
    assert.deepEqual(browser.errors, []);
  });

test('the written procedure: its deadline, and a member refusing it ends it at once', async () => {
  const page = await pageAs(eu, 'HU');
  await open(page, eu, eu.ids.written, 'A decision by written procedure');
  assert.match(await text(page, '#verdict-h'), /Voting ends in/);
  await page.locator('#actions [data-action="refuse"]').click();
  const dlg = page.locator('dialog[open]');
  assert.match(await dlg.innerText(), /if Hungary refuses it, “A decision by written procedure” is blocked at once/);
  await dlg.locator('[data-focus="confirm"]').click();
  assert.match(await dlg.locator('.dialog-error').innerText(), /Reason: required/, 'the reason is required');
  await dlg.locator('textarea').fill('Hungary asks for a meeting.');
  await dlg.locator('[data-focus="confirm"]').click();
  await page.locator('#verdict[data-outcome="blocked"]').waitFor();
  await assertFocus(page, '#verdict-h', 'after refusing');
  assert.equal(await text(page, '#explanation'), 'blocked: HU did not agree to the written procedure');
  assert.match(await text(page, '#blocked-by'), /Hungary \(HU\)/);
  const tile = page.locator('#rollcall-grid .tile[data-member="HU"]');
  assert.match(await tile.innerText(), /REFUSED THE PROCEDURE/);
  assert.match(await page.locator('#reasons .statement[data-member="HU"]').innerText(),
    /Refused the written procedure[\s\S]*Hungary asks for a meeting\./);
  assert.match(await text(page, '#history'), /Hungary \(HU\) does not agree to the written procedure/);
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('the OSCE: the State concerned, a silence an amendment broke and its sequel, a public footnote, a new body',
  async () => {
    const page = await pageAs(osce, 'secretariat');
    await open(page, osce, osce.ids.minus, 'Action without the consent of the State concerned');
    assert.equal(await text(page, '#rule-name'), 'consensus-minus-one');
    assert.match(await text(page, '#concerned'), /Russian Federation \(RU\) is the State concerned: the decision is taken without it/);
    assert.equal(await page.locator('#rollcall-grid .tile[data-member="RU"]').count(), 0);
    assert.match(await text(page, '#history'), /Under the rule consensus-minus-one\. Without RU, the State concerned\./);

    await open(page, osce, osce.ids.broken, 'A declaration under silence');
    assert.equal(await text(page, '#silence-breaks'), 'An objection or a proposed amendment');
    assert.equal(await text(page, '#explanation'), 'blocked: US broke silence');
    assert.match(await text(page, '#breaks'), /United States \(US\): a letter proposing an amendment/);
    assert.equal(await page.locator('#breaks li').getAttribute('data-kind'), 'amend');
    assert.match(await page.locator('#rollcall-grid .tile[data-member="US"]').innerText(), /AMENDMENT/);
    assert.match(await text(page, '#reasons'), /Proposed amendment[\s\S]*Add a paragraph on the partners/);
    assert.match(await text(page, '#history'), /United States \(US\) breaks silence, proposing an amendment/);
    await page.locator('#superseded-by').click();
    await page.locator('main h1', { hasText: 'A declaration under silence' }).waitFor();
    await page.locator('#supersedes').waitFor();
    assert.equal(await text(page, '#supersedes'), `Proposal ${osce.ids.broken}`);
    assert.match(await text(page, '#history'), new RegExp(`taking up the matter of proposal ${osce.ids.broken}`));
    await page.close();

    // the public: the footnote France made public, the body established
    const pub = await pageAs(osce, 'public');
    await open(pub, osce, osce.ids.body, 'Establish an informal working group');
    const fn = pub.locator('#reasons .statement[data-member="FR"]');
    assert.match(await fn.innerText(), /Footnote[\s\S]*published with the decision[\s\S]*France reads the mandate narrowly\./);
    const eff = pub.locator('#effects [data-effect="establish-body"]');
    assert.match(await eff.innerText(), /Establish a body[\s\S]*Informal Working Group \(IWG\) · rule: consensus/i);
    // the bodies page names the body's rules
    await pub.goto(`${osce.base}/#/bodies`);
    await pub.locator('main h1', { hasText: 'Bodies' }).waitFor();
    const rules = pub.locator('[data-body="PC"] .named-rules');
    await rules.waitFor();
    assert.match(await rules.locator('[data-rule="consensus-minus-one"]').innerText(),
      /consensus-minus-one[\s\S]*Names a State concerned/);
    await pub.close();
    assert.deepEqual(browser.errors, []);
  });

test('the State concerned sees why it takes no part', async () => {
  const page = await pageAs(osce, 'RU');
  await open(page, osce, osce.ids.minus, 'Action without the consent of the State concerned');
  assert.match(await text(page, '#not-electorate'), /Russian Federation is the State concerned: the decision is taken without it/);
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('a proposed amendment breaks silence from the page, where the procedure allows it', async () => {
  const page = await pageAs(osce, 'FR');
  await open(page, osce, osce.ids.again, 'A declaration under silence');
  await page.locator('#actions [data-action="amend"]').click();
  const dlg = page.locator('dialog[open]');
  assert.match(await dlg.innerText(), /a proposed amendment breaks silence/);
  await dlg.locator('textarea').fill('Name the partners one by one.');
  await dlg.locator('[data-focus="confirm"]').click();
  await page.locator('#verdict[data-outcome="blocked"]').waitFor();
  await assertFocus(page, '#verdict-h', 'after the amendment');
  assert.equal(await text(page, '#explanation'), 'blocked: FR broke silence');
  assert.equal(await page.locator('#breaks li').getAttribute('data-kind'), 'amend');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

test('a vote cast with the keyboard alone: Tab, Enter, Escape; focus after each', async () => {
  const page = await pageAs(eu, 'DE');
  await open(page, eu, eu.ids.cast, 'Another procedural decision');
  await page.locator('main h1').focus();
  // Escape backs out of the dialog: focus returns to its button
  await tabTo(page, '#actions [data-action="vote-no"]');
  await page.keyboard.press('Enter');
  await page.locator('dialog[open]').waitFor();
  await assertFocus(page, 'dialog[open] textarea', 'the dialog opens on its field');
  await page.keyboard.press('Escape');
  await page.locator('dialog').waitFor({ state: 'detached' });
  await assertFocus(page, '[data-focus="vote-no"]', 'after Escape');
  // no, with an explanation typed in the dialog
  await dialogAction(page, 'vote-no', () => page.keyboard.type('Germany cannot agree.'));
  await page.locator('#my-vote[data-vote="no"]').waitFor();
  await assertFocus(page, '[data-focus="vote-no"][aria-pressed="true"]', 'after voting no');
  // the pressed button stays where it is and says so; another vote moves nothing
  await dialogAction(page, 'vote-not-participating');
  await page.locator('#my-vote[data-vote="not-participating"]').waitFor();
  await assertFocus(page, '[data-focus="vote-not-participating"][aria-pressed="true"]', 'after not participating');
  await page.close();
  assert.deepEqual(browser.errors, []);
});

// Every new view, for who sees it, at both widths; and every vote dialog.
for (const size of Object.keys(SIZES)) {
  test(`axe, WCAG 2.1 A and AA, at ${SIZES[size].width} px: votes, the written procedure, the OSCE's views`,
    async () => {
      const found = [];
      const views = [
        [eu, 'secretariat', [eu.ids.qmv, eu.ids.open, eu.ids.written, eu.ids.vote]],
        [eu, 'FR', [eu.ids.open, eu.ids.written, eu.ids.cast]],
        [eu, 'public', [eu.ids.qmv]],
        [osce, 'secretariat', [osce.ids.minus, osce.ids.broken, osce.ids.again, osce.ids.body]],
        [osce, 'RU', [osce.ids.minus]],
        [osce, 'public', [osce.ids.body]],
      ];
      for (const [c, who, list] of views) {
        const page = await pageAs(c, who, { size, label: `axe ${who}` });
        for (const id of list) {
          await page.goto(`${c.base}/#/proposals/${id}`);
          await page.locator('.proposal-head .proc-id', { hasText: new RegExp(`^#${id}$`) }).waitFor();
          await settle(page);
          found.push(...await audit(page, `${who} proposal ${id}`));
        }
        for (const route of ['/proposals', '/bodies']) {
          await page.goto(`${c.base}/#${route}`);
          await settle(page);
          found.push(...await audit(page, `${who} ${route}`));
        }
        // the dialogs of a delegation's vote (and of the written procedure's refusal)
        if (who === 'FR') {
          for (const [id, actions] of [[eu.ids.cast, ['vote-yes', 'vote-no', 'vote-abstain', 'vote-not-participating',
            'comment']], [eu.ids.written2, ['refuse']]]) {
            await page.goto(`${c.base}/#/proposals/${id}`);
            await page.locator('.proposal-head .proc-id', { hasText: new RegExp(`^#${id}$`) }).waitFor();
            await settle(page);
            for (const action of actions) {
              await page.locator(`#actions [data-action="${action}"]`).click();
              await page.locator('dialog[open]').waitFor();
              found.push(...await audit(page, `proposal ${id}, dialog ${action}`));
              await page.keyboard.press('Escape');
              await page.locator('dialog').waitFor({ state: 'detached' });
            }
          }
        }
        // nothing wider than the screen but a table in its own box
        if (size === 'phone') {
          const over = await page.evaluate(() => document.documentElement.scrollWidth > innerWidth);
          assert.equal(over, false, `${who}: the page scrolls sideways at 390 px`);
        }
        await page.close();
      }
      assert.deepEqual(found, [], `serious or critical violations:\n  ${found.join('\n  ')}`);
      assert.deepEqual(browser.errors, []);
    });
}

test('at 320 px the open vote reflows: nothing wider than the screen', async () => {
  const page = await browser.newPage('FR@320', { viewport: { width: 320, height: 640 } });
  await signIn(page, eu.base, eu.tok.FR);
  const wide = [];
  for (const id of [eu.ids.open, eu.ids.written]) {
    await page.goto(`${eu.base}/#/proposals/${id}`);
    await page.locator('.proposal-head .proc-id', { hasText: new RegExp(`^#${id}$`) }).waitFor();
    await settle(page);
    wide.push(...await page.evaluate(() => [...document.querySelectorAll('main *')]
      .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5 && !el.closest('.table-wrap'))
      .slice(0, 5).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`)));
  }
  await page.close();
  assert.deepEqual(wide, []);
  assert.deepEqual(browser.errors, []);
});
