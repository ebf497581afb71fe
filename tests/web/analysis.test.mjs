// analysis.test.mjs - the page's analysis views (issue 13, "The page"):
// a body's power on a date (#/bodies/KEY/analysis) and a proposal's "Who
// can still block it", in chromium, each figure checked against what the
// API answers (GET /api/v1/bodies/{key}/analysis, GET
// /api/v1/proposals/{id}/analysis) and against values known beforehand:
// NATO's consensus (every ally a veto player, 1/32 of the power each on
// the 32 of today; 16 members before the accessions of 12 March 1999),
// the EU Council's qualified majority on its 2025 population shares (no
// veto player, the smallest blocking coalitions of four), the public and
// a partner seeing the power without the positions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { webFixture, api, isoIn, signIn, settle, drawnAs, drawnRead } from './lib.mjs';
import { councilsFixture } from './councils.mjs';

let fx, browser, base, tok, councils;
const ids = {};

before(async () => {
  fx = await webFixture();
  ({ browser, base, tok } = fx);
  const mk = async (b) => {
    const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals', b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.id;
  };
  ids.open = await mk({ body: 'NAC', title: 'Statement on the summit', procedure: 'silence',
    deadline: isoIn(86400), shared: true });
  ids.adopted = await mk({ body: 'NAC', title: 'Approve the civil budget' });
  assert.equal((await api(base, tok.FR, 'POST', `/api/v1/proposals/${ids.adopted}/positions`,
    { position: 'concur' })).status, 200);
  assert.equal((await api(base, tok.secretariat, 'POST', `/api/v1/proposals/${ids.adopted}/conclude`, {}))
    .body.outcome, 'adopted');
  councils = await councilsFixture();
});

after(async () => {
  await councils?.close();
  await fx?.close();
});

const analysis = async (srv, key, query = '') => {
  const r = await api(srv, null, 'GET', `/api/v1/bodies/${key}/analysis${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

// The table's figures as drawn: {member: {index: exact}}.
const tableOf = (page, panel) => page.evaluate((p) => Object.fromEntries(
  [...document.querySelectorAll(`#an-${p}-table tbody tr`)].map((tr) => [tr.dataset.member, {
    veto: tr.dataset.veto === 'true',
    ...Object.fromEntries([...tr.querySelectorAll('td[data-index]')].map((td) => [td.dataset.index, td.dataset.exact])),
  }])), panel);

// The API's figures in the same shape.
const apiTable = (ra) => Object.fromEntries(ra.power.indices.map((r) => [r.member, {
  veto: r.veto, shapley_shubik: r.shapley_shubik.exact, banzhaf: r.banzhaf.exact,
  coleman_prevent: r.coleman_prevent.exact, coleman_initiate: r.coleman_initiate.exact,
}]));

const membersLine = (page, panel = 'today') => page.locator(`#an-${panel}-members`).innerText();

test('NATO today: from the bodies page, every ally a veto player with 1/32 of the power', async () => {
  const page = await browser.newPage('public');
  await page.goto(`${base}/#/bodies`);
  await settle(page);
  await page.locator('[data-analysis="NAC"]').click();
  await page.waitForURL(/#\/bodies\/NAC\/analysis$/);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  assert.match(await page.locator('#an-today-veto').innerText(), /^Every member can block alone: all 32 are veto/);
  assert.equal(await page.locator('#an-today-veto.all').count(), 1);
  assert.equal(await membersLine(page), '32 members');
  const drawn = await tableOf(page, 'today');
  assert.equal(Object.keys(drawn).length, 32);
  for (const [m, row] of Object.entries(drawn)) {
    assert.deepEqual([m, row.veto, row.shapley_shubik, row.banzhaf, row.coleman_prevent],
      [m, true, '1/32', '1/32', '1'], m);
  }
  assert.deepEqual(drawn, apiTable((await analysis(base, 'NAC')).today));
  // the bars: one per member, marked as veto players, each 1/32 of the whole
  assert.equal(await page.locator('.power-bars .pb-row.veto').count(), 32);
  assert.match(await page.locator('#an-today-blocking').innerText(), /a single member: 32 of them/);
  assert.match(await page.locator('.an-facts').first().innerText(), /1 of 4,294,967,296 coalitions win/);
  assert.deepEqual(browser.errors, []);
  await page.close();
});

// settle() waits for the view asked for, not the one before it.  The
// analysis's code held back a second: the not-found page's heading stays
// drawn meanwhile, and a wait that took it for the analysis let axe run on
// a table drawn mid-audit, before its box was made a focusable region (CI,
// a11y.test.mjs: scrollable-region-focusable on /bodies/NAC/analysis).
test('settle waits for the view asked for: the analysis whose code comes a second late', async () => {
  const page = await browser.newPage('public', { viewport: { width: 390, height: 844 } });
  await page.goto(`${base}/#/no-such-page`);
  await settle(page);
  await page.route(/\/views\/analysis-[^/]*\.js$/, async (r) => {
    await new Promise((res) => setTimeout(res, 1000));
    await r.continue();
  });
  await page.goto(`${base}/#/bodies/NAC/analysis`);
  await settle(page);
  assert.equal(await page.locator('#an-today-table').count(), 1, 'the analysis is drawn when settle returns');
  // and the table's box is a focusable region exactly when it scrolls
  const boxes = await page.evaluate(() => [...document.querySelectorAll('.table-wrap')].map((w) => [
    w.scrollWidth > w.clientWidth + 1, w.getAttribute('tabindex') === '0' && w.getAttribute('role') === 'region']));
  assert.ok(boxes.length > 0);
  for (const [over, region] of boxes) assert.equal(region, over);
  await page.unrouteAll({ behavior: 'ignoreErrors' });
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('the date: 16 members before the accessions of 12 March 1999; the slider walks the changes', async () => {
  const page = await browser.newPage('public');
  await page.goto(`${base}/#/bodies/NAC/analysis`);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  await page.locator('#an-at').fill('1999-03-11');
  await page.waitForURL(/analysis\?at=1999-03-11$/);
  await page.waitForFunction(() => document.querySelector('#an-today-members')?.textContent === '16 members');
  const api1999 = await analysis(base, 'NAC', '?at=1999-03-11');
  assert.equal(api1999.today.electorate.length, 16);
  assert.deepEqual(await tableOf(page, 'today'), apiTable(api1999.today));
  assert.equal((await tableOf(page, 'today')).DE.shapley_shubik, '1/16');
  // the slider stands on the last change before (Spain, 30 May 1982)
  assert.match(await page.locator('#an-stop').getAttribute('aria-valuetext'), /30 May 1982: Joined: Spain/);
  // the next stop is the accession itself, and then there are 19
  await page.locator('#an-stop').focus();
  await page.keyboard.press('ArrowRight');
  assert.match(await page.locator('#an-stop').getAttribute('aria-valuetext'), /^12 Mar 1999: Joined: .*Poland/);
  await page.waitForFunction(() => document.querySelector('#an-today-members')?.textContent === '19 members');
  assert.match(await page.locator('#an-announce').innerText(), /12 Mar 1999: 19 members\. Every member/);
  await page.waitForURL(/analysis\?at=1999-03-12$/);
  assert.equal(await page.locator('#an-at').inputValue(), '1999-03-12');
  // Home: the Treaty's entry into force, the twelve founders
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.querySelector('#an-today-members')?.textContent === '12 members');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'an-stop');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('what if: a member left out and one added, drawn beside the day’s analysis as the API answers', async () => {
  const page = await browser.newPage('public');
  await page.goto(`${base}/#/bodies/NAC/analysis?at=1990-01-01`);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  assert.equal(await membersLine(page), '16 members');
  // Poland was not a member in 1990: it can be added; France can be left out
  await page.locator('#an-with').selectOption('PL');
  await page.locator('#an-without').selectOption('FR');
  await page.locator('#an-compare').click();
  await page.locator('#an-whatif-table').waitFor();
  await page.waitForURL(/analysis\?at=1990-01-01&with=PL&without=FR$/);
  assert.equal(await membersLine(page), '16 members');
  assert.equal(await membersLine(page, 'whatif'), '16 members');
  assert.match(await page.locator('#an-whatif-h').innerText(), /with Poland, without France/);
  const a = await analysis(base, 'NAC', '?at=1990-01-01&with=PL&without=FR');
  assert.deepEqual(await tableOf(page, 'whatif'), apiTable(a.what_if));
  assert.ok((await tableOf(page, 'whatif')).PL);
  assert.equal((await tableOf(page, 'whatif')).FR, undefined);
  // Clear: the what-if goes, the address with it
  await page.locator('#an-clear').click();
  await page.waitForURL(/analysis\?at=1990-01-01$/);
  await page.locator('#an-whatif').waitFor({ state: 'detached' });
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('the EU Council in 2025: no veto player, blocking coalitions of four, each index as the API gives', async () => {
  const { eu } = councils;
  const page = await browser.newPage('public');
  await page.goto(`${eu.base}/#/bodies/COUNCIL/analysis?at=2025-06-01`);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  assert.equal(await membersLine(page), '27 members');
  assert.match(await page.locator('#an-today-veto').innerText(), /No member can block alone/);
  assert.match(await page.locator('#an-today-blocking').innerText(),
    /have 4 members: 514 of them, for example France, Germany, Italy, Spain/);
  const a = await analysis(eu.base, 'COUNCIL', '?at=2025-06-01');
  const drawn = await tableOf(page, 'today');
  assert.deepEqual(drawn, apiTable(a.today));
  // the table's order is the power's: Germany first, Malta last
  const order = await page.locator('#an-today-table tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.member));
  assert.equal(order[0], 'DE');
  assert.equal(order.at(-1), 'MT');
  // what if the Treaties required unanimity (one of the Council's named rules)
  await page.locator('#an-rule').selectOption('unanimity');
  await page.locator('#an-compare').click();
  await page.locator('#an-whatif-table').waitFor();
  assert.match(await page.locator('#an-whatif-h').innerText(), /under the rule unanimity/);
  assert.match(await page.locator('#an-whatif-veto').innerText(), /^Every member can block alone: all 27/);
  const u = await analysis(eu.base, 'COUNCIL', '?at=2025-06-01&rule=unanimity');
  assert.deepEqual(await tableOf(page, 'whatif'), apiTable(u.what_if));
  await page.locator('#an-clear').click();
  await page.locator('#an-whatif').waitFor({ state: 'detached' });
  // a date without the figures the rule counts: the API's refusal, said
  await page.locator('#an-at').fill('2024-06-01');
  await page.locator('#an-results .alert').waitFor();
  assert.match(await page.locator('#an-results .alert').innerText(), /2024-06-01.*population_share/);
  // (chromium logs that 400 as a console error: the one expected here)
  const refused = (e) => /status of 400/.test(e) && /analysis\?at=2024-06-01"/.test(e);
  assert.equal(browser.errors.filter(refused).length, 1);
  browser.errors.splice(0, browser.errors.length, ...browser.errors.filter((e) => !refused(e)));
  // With no date asked, the page opens on one the API answers.
  await page.goto(`${eu.base}/#/bodies`);
  await settle(page);
  await page.goto(`${eu.base}/#/bodies/COUNCIL/analysis`);
  await settle(page);
  await page.locator('#an-today-table').waitFor();
  const at = await page.locator('#an-at').inputValue();
  assert.equal((await api(eu.base, null, 'GET', `/api/v1/bodies/COUNCIL/analysis?at=${at}`)).status, 200);
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('who can still block it: an open qualified-majority vote, as its analysis says', async () => {
  const { eu } = councils;
  const page = await browser.newPage('FR');
  await signIn(page, eu.base, eu.tok.FR);
  await page.goto(`${eu.base}/#/proposals/${eu.ids.open}`);
  await settle(page);
  const a = (await api(eu.base, eu.tok.FR, 'GET', `/api/v1/proposals/${eu.ids.open}/analysis`)).body;
  assert.equal(a.smallest_flip.to, 'concur');
  assert.match(await page.locator('#blocking-h').innerText(), /Who can still block it/);
  const verdicts = await drawnRead(page,
    "[...document.querySelectorAll('#blocking-verdicts dd')].map((x) => x.dataset.verdict)");
  assert.deepEqual(verdicts, [a.now.verdict, a.at_conclusion.verdict, a.if_silent_concur.verdict,
    a.if_silent_object.verdict]);
  // Each read in the turn the section is seen drawn (drawnRead): the poll
  // may draw the page anew between a wait and a locator's read, and on a
  // busy machine did, leaving #blocking-can unasked for 20 s.
  const text = (sel) => drawnRead(page, `document.querySelector('${sel}').innerText`);
  assert.match(await text('#blocking-flip'),
    new RegExp(`^${a.smallest_flip.size} changes to concur would make it adopted \\(${a.smallest_flip.count} such`));
  assert.equal(await text('#blocking-can'), 'No member can still block it alone.');
  assert.match(await text('#blocking-smallest'), /4 members: 514 of them/);
  // The public sees the concluded vote's power only, and is told why.
  const pub = await browser.newPage('public');
  await pub.goto(`${eu.base}/#/proposals/${eu.ids.qmv}`);
  await settle(pub);
  await drawnAs(pub, 'redacted');
  assert.match(await pub.locator('#blocking-redacted').innerText(), /not the positions/);
  assert.equal(await pub.locator('#blocking-verdicts, #blocking-flip, #blocking-pivotal').count(), 0);
  assert.match(await pub.locator('#blocking-smallest').innerText(), /4 members/);
  assert.deepEqual(browser.errors, []);
  await page.close();
  await pub.close();
});

test('NATO: under silence any ally can still block it alone; a partner sees no more than the power', async () => {
  const page = await browser.newPage('US');
  await signIn(page, base, tok.US);
  await page.goto(`${base}/#/proposals/${ids.open}`);
  await settle(page);
  // read in the turn the section is seen drawn, as above
  const text = (sel) => drawnRead(page, `document.querySelector('${sel}').innerText`);
  assert.equal(await text('#blocking-can'), 'Any member can still block it alone: all 32.');
  assert.equal(await drawnRead(page,
    "document.querySelectorAll('#blocking-pivotal li[data-to=object]').length"), 32);
  assert.match(await text('#blocking-verdicts'),
    /At the deadline, if the silent stay silent \(silence is consent\)\s*Adopted/);
  assert.match(await text('#blocking-flip'), /^One change to object would make it blocked/);
  const jp = await browser.newPage('JP');
  await signIn(jp, base, tok.JP);
  await jp.goto(`${base}/#/proposals/${ids.open}`);
  await settle(jp);
  await drawnAs(jp, 'redacted');
  assert.match(await jp.locator('#blocking-redacted').innerText(), /not shared with you/);
  assert.equal(await jp.locator('#blocking-can, #blocking-pivotal').count(), 0);
  assert.match(await jp.locator('#blocking-veto').innerText(), /Every member can block alone/);
  // The public, on an adopted decision: the same.
  const pub = await browser.newPage('public');
  await pub.goto(`${base}/#/proposals/${ids.adopted}`);
  await settle(pub);
  await drawnAs(pub, 'redacted');
  assert.match(await pub.locator('#blocking-redacted').innerText(), /not the positions/);
  assert.equal(await pub.locator('#blocking-can').count(), 0);
  assert.deepEqual(browser.errors, []);
  for (const p of [page, jp, pub]) await p.close();
});

// The analysis asked again when the server failed (503) or did not answer:
// twice on its own, then on the section's button.  Faults made by the
// browser's request routing, in front of the real server.
test('who can still block it: a failed analysis is asked again, then offered again', async () => {
  const page = await browser.newPage('retry');
  const asked = [];
  let failing = 1;
  await page.route('**/api/v1/proposals/*/analysis', (route) => {
    asked.push(failing > 0 ? 'failed' : 'answered');
    if (failing-- > 0) return route.fulfill({ status: 503, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'unavailable', message: 'busy' } }) });
    return route.continue();
  });
  await signIn(page, base, tok.US);
  await page.goto(`${base}/#/proposals/${ids.open}`);
  await settle(page);
  // The section asks when it is shown: on a busy machine the page can
  // settle before that, so wait for it drawn in full (as below).
  await drawnAs(page, 'full');
  assert.deepEqual(asked, ['failed', 'answered']);
  assert.equal(await page.locator('#blocking-can').innerText(), 'Any member can still block it alone: all 32.');
  // Three failures in a row: said, with a button that asks again.
  asked.length = 0;
  failing = 3;
  await page.goto(`${base}/#/proposals`);
  await page.goto(`${base}/#/proposals/${ids.open}`);
  await drawnAs(page, 'error');
  assert.deepEqual(asked, ['failed', 'failed', 'failed']);
  assert.match(await page.locator('#blocking .alert').innerText(), /busy/);
  await page.locator('#blocking-retry').click();
  await drawnAs(page, 'full');
  assert.deepEqual(asked, ['failed', 'failed', 'failed', 'answered']);
  // A refusal (4xx) is not asked again.
  asked.length = 0;
  await page.unroute('**/api/v1/proposals/*/analysis');
  await page.route('**/api/v1/proposals/*/analysis', (route) => {
    asked.push('refused');
    return route.fulfill({ status: 422, contentType: 'application/json',
      body: JSON.stringify({ error: { code: 'too-large', message: 'too many members to analyse' } }) });
  });
  await page.goto(`${base}/#/proposals`);
  await page.goto(`${base}/#/proposals/${ids.open}`);
  await drawnAs(page, 'error');
  assert.deepEqual(asked, ['refused']);
  assert.equal(await page.locator('#blocking-retry').count(), 0);
  await page.close();
  // the browser's console reports each failed load; nothing else
  const mine = browser.errors.filter((e) => e.startsWith('retry: '));
  assert.ok(mine.every((e) => /status of (503|422)/.test(e)), mine.join('\n'));
  browser.errors.splice(0, browser.errors.length, ...browser.errors.filter((e) => !e.startsWith('retry: ')));
  assert.deepEqual(browser.errors, []);
});
