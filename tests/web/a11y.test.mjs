// a11y.test.mjs - the page audited as a public-sector service is: axe-core
// (web/node_modules, pinned in web/package.json) run in Debian's chromium
// on every view, for every principal (secretariat, a member delegation, a
// partner, the public) at 1280 px wide and for the secretariat and the
// public at 390 px, and on every action's
// open dialog, with the WCAG 2.1 A and AA rules: no violation of impact
// serious or critical may remain, nor a heading level skipped (axe's
// heading-order, a best practice for 1.3.1).  At 320 px every view reflows (WCAG
// 1.4.10): nothing wider than the screen but a table, which scrolls
// inside its own box.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webFixture, api, isoIn, signIn, settle, audit } from './lib.mjs';

const SIZES = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };
const ROLES = ['secretariat', 'FR', 'JP', 'public'];

let fx, browser, base, tok;
const ids = {};

before(async () => {
  fx = await webFixture();
  ({ browser, base, tok } = fx);
  const S = tok.secretariat;
  const mk = async (b) => {
    const r = await api(base, S, 'POST', '/api/v1/proposals', b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  const say = async (who, id, b) => {
    const r = await api(base, tok[who], 'POST', `/api/v1/proposals/${id}/positions`, b);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  };
  // Under silence, with an office out of the treaty area and every kind of
  // statement; a meeting shared with partners; one blocked; one adopted.
  ids.silence = await mk({
    body: 'NAC', title: 'Open a NATO liaison office in Tokyo', procedure: 'silence', deadline: isoIn(86400),
    text: 'The Council agrees to establish a NATO liaison office in Tokyo.\n\nIt reports to the Council.',
    effects: [{ type: 'open-office', id: 'nlo-tokyo', name: 'NATO Liaison Office Tokyo', city: 'Tokyo',
      country: 'JP', lat: '35.68', lon: '139.69', kind: 'liaison' }],
  });
  await say('US', ids.silence, { position: 'reserve', text: 'Pending instructions from Washington.' });
  await say('HU', ids.silence, { position: 'footnote', text: 'Hungary recalls its national position.' });
  await say('FR', ids.silence, { position: 'comment', text: 'France asks for the annex.' });
  ids.shared = await mk({ body: 'NAC', title: 'Agree the partnership programme with Japan', shared: true });
  await say('FR', ids.shared, { position: 'abstain', declared: true, text: 'A formal declaration.' });
  ids.blocked = await mk({ body: 'NAC', title: 'Statement on the summit', procedure: 'silence', deadline: isoIn(86400) });
  await say('FR', ids.blocked, { position: 'object', reason: 'France cannot agree to the text.' });
  ids.adopted = await mk({ body: 'NAC', title: 'Approve the civil budget', text: 'The Council approves it.' });
  await say('FR', ids.adopted, { position: 'concur' });
  assert.equal((await api(base, S, 'POST', `/api/v1/proposals/${ids.adopted}/conclude`, {})).body.outcome, 'adopted');
});

after(() => fx?.close());

// Every view; those a principal may not see show "not found" or "not
// available", which are pages too.
const views = () => [
  '/signin', '/proposals', '/proposals?body=NPG', '/proposals?q=Council', `/proposals/${ids.silence}`,
  `/proposals/${ids.shared}`, `/proposals/${ids.blocked}`, `/proposals/${ids.adopted}`, '/propose', '/bodies',
  '/bodies?at=1966-07-01',
  '/registry/members', '/registry/partners', '/registry/offices', '/receipts', '/no-such-page',
  '/bodies/NAC/analysis', '/bodies/NAC/analysis?at=1990-01-01&with=PL&without=FR', '/subscriptions',
];

async function pageFor(who, size) {
  const page = await browser.newPage(`${who}@${size}`, { viewport: SIZES[size] });
  if (who === 'public') {
    await page.goto(`${base}/#/signin`);
    await page.locator('#browse-public').click();
    await page.waitForURL(/#\/proposals$/);
  } else {
    await signIn(page, base, tok[who]);
  }
  return page;
}

const show = async (page, route) => {
  await page.goto(`${base}/#${route}`);
  await settle(page);
};

// Every principal at 1280 px; at 390 px the secretariat (every control:
// the actions, the form) and the public (the least), whose phone layout
// is the one the member and the partner get too: their own controls are
// audited at 1280 px and in their dialogs at both sizes.  A phone sweep
// costs about 5 s of two CPUs on a 2-CPU VM, and this is the suite's
// longest file (2026-12-06).
const PHONE = ['secretariat', 'public'];

for (const who of ROLES) {
  for (const size of Object.keys(SIZES).filter((s) => s === 'desktop' || PHONE.includes(who))) {
    test(`axe, WCAG 2.1 A and AA: every view as ${who} at ${SIZES[size].width} px`, async () => {
      const page = await pageFor(who, size);
      const found = [];
      for (const route of views()) {
        await show(page, route);
        found.push(...await audit(page, route));
      }
      // the new proposal's form with an office to place on the map
      if (who === 'secretariat') {
        await show(page, '/propose');
        await page.locator('#add-open-office').click();
        await page.locator('[data-effect="open-office"] svg.map').waitFor();
        found.push(...await audit(page, '/propose with an office'));
        // a written procedure refused by the form: each field's error shown
        await page.locator('label[for="p-proc-written"]').click();
        await page.locator('#p-deadline').fill('');
        await page.locator('#p-submit').click();
        await page.locator('#p-deadline-error').waitFor();
        found.push(...await audit(page, '/propose, written, with errors'));
      }
      await page.close();
      assert.deepEqual(found, [], `serious or critical violations:\n  ${found.join('\n  ')}`);
      assert.deepEqual(browser.errors, []);
    });
  }
}

// Each action's dialog, open: a delegation's under silence and in a
// meeting, the secretariat's under silence and in a meeting.
const DIALOGS = {
  FR: [[() => ids.silence, ['reserve', 'footnote', 'abstain', 'comment', 'object']],
    [() => ids.shared, ['object']]],
  secretariat: [[() => ids.silence, ['extend', 'recirculate', 'withdraw']], [() => ids.shared, ['conclude']]],
};

for (const [who, sets] of Object.entries(DIALOGS)) {
  for (const size of Object.keys(SIZES)) {
    test(`axe on every open dialog of the ${who === 'FR' ? 'delegation' : 'secretariat'} at ${SIZES[size].width} px`,
      async () => {
        const page = await pageFor(who, size);
        const found = [];
        for (const [id, actions] of sets) {
          await show(page, `/proposals/${id()}`);
          for (const action of actions) {
            await page.locator(`#actions [data-action="${action}"]`).click();
            const dlg = page.locator('dialog[open]');
            await dlg.waitFor();
            found.push(...await audit(page, `proposal ${id()}, dialog ${action}`));
            await page.keyboard.press('Escape');
            await dlg.waitFor({ state: 'detached' });
          }
        }
        await page.close();
        assert.deepEqual(found, [], `serious or critical violations:\n  ${found.join('\n  ')}`);
        assert.deepEqual(browser.errors, []);
      });
  }
}

test('at 320 px every view reflows: nothing wider than the screen but a table in its own box', async () => {
  const wide = [];
  for (const who of ['secretariat', 'FR']) {
    const page = await browser.newPage(`${who}@320`, { viewport: { width: 320, height: 640 } });
    await signIn(page, base, tok[who]);
    for (const route of views()) {
      await show(page, route);
      const over = await page.evaluate(() => {
        const out = [];
        if (document.documentElement.scrollWidth > innerWidth) out.push(`page ${document.documentElement.scrollWidth}px`);
        for (const el of document.querySelectorAll('main *')) {
          const r = el.getBoundingClientRect();
          if (r.width && r.right > innerWidth + 0.5 && !el.closest('.table-wrap')) {
            out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${[...el.classList].join('.')} `
              + `ends at ${Math.round(r.right)}px`);
          }
        }
        return out.slice(0, 5);
      });
      if (over.length) wide.push(`${who} ${route}: ${over.join('; ')}`);
    }
    await page.close();
  }
  assert.deepEqual(wide, [], `wider than 320 px:\n  ${wide.join('\n  ')}`);
  assert.deepEqual(browser.errors, []);
});
