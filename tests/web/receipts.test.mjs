// receipts.test.mjs - a delegation's receipts on the page (issue 5, item 7),
// in Debian's chromium against a real `council serve`: France states
// positions on a proposal's page, opens its receipts, pins the published
// log key and verifies them in the browser (WebCrypto Ed25519); tampered
// receipts (edited in localStorage) and a wrong pinned key fail, naming the
// check; a vote cast on the page is kept and verified the same way.  No
// console error or page error may be left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { webFixture, api, council, signIn, networkQuiet } from './lib.mjs';

const TITLE = 'Agree the communiqué on receipts';
let store; let browser; let base; let tok; let id; let vkey; let page;

let fx;
before(async () => {
  fx = await webFixture();
  ({ store, browser, base, tok } = fx);
  const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: TITLE, text: 'The Council agrees the communiqué.' });
  assert.equal(r.status, 201);
  id = r.body.id;
  // the published key, taken out of band
  vkey = council(store.db, 'log', 'key').trim();
});

after(() => fx?.close());

function noErrors() {
  assert.deepEqual(browser.errors, [], 'no console or page errors');
}

const nav = (p, name) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const STORE_PREFIX = 'council.receipts.v1:';
const stored = (p) => p.evaluate((prefix) => Object.fromEntries(Object.keys(localStorage)
  .filter((k) => k.startsWith(prefix)).map((k) => [k, JSON.parse(localStorage.getItem(k))])), STORE_PREFIX);

test('FR states positions on the page and keeps their receipts', async () => {
  page = await browser.newPage('FR');
  await signIn(page, base, tok.FR);
  await page.goto(`${base}/#/proposals/${id}`);
  await page.locator('#actions .mine-line').waitFor();
  assert.match(await page.locator('.receipts-line').innerText(), /Each position you state comes back with a receipt/);

  await page.locator('#actions [data-action="object"]').click();
  const dlg = page.getByRole('dialog', { name: 'Object?' });
  await dlg.getByLabel('Reason').fill('La France n’est pas d’accord sur le paragraphe 2.');
  await dlg.getByRole('button', { name: 'Object' }).click();
  await dlg.waitFor({ state: 'detached' });
  await page.locator('#rollcall-grid .tile[data-member="FR"][data-position="object"]').waitFor();
  await page.locator('#actions [data-action="comment"]').click();
  const c = page.getByRole('dialog', { name: 'Comment' });
  await c.getByLabel('Comment').fill('France is ready to discuss a revised text.');
  await c.getByRole('button', { name: 'Put on record' }).click();
  await c.waitFor({ state: 'detached' });
  await page.locator('.receipts-line', { hasText: '2 receipts' }).waitFor();
  assert.equal(await page.locator('#receipts-link').innerText(), 'Verify them');

  // kept per log key and member, as the server sent them
  const s = await stored(page);
  assert.deepEqual(Object.keys(s), [`${STORE_PREFIX}${vkey}:FR`]);
  const list = s[`${STORE_PREFIX}${vkey}:FR`];
  assert.equal(list.length, 2);
  assert.deepEqual(list.map((x) => x.proposal), [id, id]);
  assert.deepEqual(list.map((x) => JSON.parse(x.receipt.event).type), ['position.stated', 'comment.made']);
  assert.ok(list.every((x) => x.receipt.council_receipt === 2 && x.receipt.log_key === vkey && x.title === TITLE));
  noErrors();
});

test('its receipts page: pin the published key, verify in the browser', async () => {
  await nav(page, 'Receipts').click();
  await page.waitForURL(/#\/receipts$/);
  // the URL changes before the view is drawn: wait for the new view's heading
  await page.locator('main h1', { hasText: /^Receipts$/ }).waitFor();
  await page.locator('#receipt-list > li.receipt').first().waitFor();
  const items = page.locator('#receipt-list > li.receipt');
  assert.equal(await items.count(), 2);
  // newest event first: the comment, then the objection
  const obj = items.nth(1);
  const list = (await stored(page))[`${STORE_PREFIX}${vkey}:FR`];
  const rc = list[0].receipt;
  const seq = rc.index + 1;
  const size = Number(rc.checkpoint.split('\n')[1]);
  assert.equal(await obj.getAttribute('data-seq'), String(seq));
  assert.equal(await obj.getAttribute('data-proposal'), String(id));
  const t = await obj.innerText();
  assert.match(t, new RegExp(`Proposal ${id}: ${TITLE}`));
  assert.match(t, /Object/);
  assert.match(t, new RegExp(`#${seq}\\s*·\\s*leaf ${rc.index}`));
  assert.match(t, new RegExp(`Checkpoint size\\s*${size}`, 'i'));
  assert.match(t, /UTC/);
  assert.match(await items.nth(0).innerText(), /Comment/);

  // the key the server names is shown; nothing is pinned yet
  assert.equal(await page.locator('#server-key').innerText(), vkey);
  assert.match(await page.locator('#pinned-key').innerText(), /No key pinned/);
  await obj.getByRole('button', { name: 'Verify' }).click();
  await obj.locator('.verify-result[data-result="no-key"]').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'pin-input');

  // a key that is not one is refused, with the reason
  await page.locator('#pin-input').fill('council-log+12345678+AQID');
  await page.locator('#pin-key').click();
  assert.match(await page.locator('#pin-error').innerText(), /not a log key/);
  assert.equal(await page.locator('#pin-input').getAttribute('aria-invalid'), 'true');
  // the published key, pasted and confirmed with the keyboard
  await page.locator('#pin-input').fill(vkey);
  await page.keyboard.press('Enter');
  await page.locator('code#pinned-key').waitFor();
  assert.equal(await page.locator('#pinned-key').innerText(), vkey);
  assert.equal(await page.locator('.key-match').getAttribute('data-match'), 'same');
  assert.equal(await page.locator('#pin-input').getAttribute('aria-invalid'), null);
  assert.equal(await obj.locator('.verify-result[data-result]').count(), 0, 'results cleared when the key changes');

  // Verify, by keyboard
  await obj.getByRole('button', { name: 'Verify' }).focus();
  await page.keyboard.press('Enter');
  const res = obj.locator('.verify-result[data-result="verified"]');
  await res.waitFor();
  const [name, keyid] = vkey.split('+');
  assert.match(await res.innerText(), /Verified/);
  assert.equal(await res.locator('.verify-summary').innerText(),
    `Event ${seq}, FR object on proposal ${id}, is in the log signed at size ${size} by ${name}+${keyid}.`);
  assert.deepEqual(await res.locator('.check').evaluateAll((els) => els.map((e) => `${e.dataset.check}:${e.dataset.status}`)),
    ['receipt:ok', 'key:ok', 'note:ok', 'signature:ok', 'event:ok', 'proof:ok', 'inclusion:ok']);
  assert.match(await page.locator('#receipts-announce').innerText(), /^Verified\. Event/);

  await items.nth(0).getByRole('button', { name: 'Verify' }).click();
  await items.nth(0).locator('.verify-result[data-result="verified"]').waitFor();
  assert.match(await items.nth(0).locator('.verify-summary').innerText(), new RegExp(`^Event ${seq + 1}, FR comment on proposal ${id}`));
  noErrors();
});

async function tamper(fn) {
  const key = `${STORE_PREFIX}${vkey}:FR`;
  const list = (await stored(page))[key];
  fn(list[0].receipt);
  await page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, JSON.stringify(list)]);
  await page.reload();
  await page.locator('#receipt-list > li.receipt').first().waitFor();
  const obj = page.locator('#receipt-list > li.receipt').nth(1);
  await obj.getByRole('button', { name: 'Verify' }).click();
  const res = obj.locator('.verify-result[data-result="failed"]');
  await res.waitFor();
  return res;
}

const flip = (b64, i) => { const b = Buffer.from(b64, 'base64'); b[i] ^= 1; return b.toString('base64'); };

test('a tampered receipt shows "failed" and names the check', async () => {
  // the objection turned into concurrence
  let res = await tamper((rc) => { rc.event = rc.event.replace('"object"', '"concur"'); });
  assert.equal(await res.getAttribute('data-check'), 'inclusion');
  assert.match(await res.innerText(), /Failed: Inclusion proof/);
  assert.match(await res.locator('.verify-summary').innerText(), /not in the signed tree: the proof leads to another root/);
  assert.equal(await res.locator('.check[data-check="signature"]').getAttribute('data-status'), 'ok');
  assert.equal(await res.locator('.check[data-check="inclusion"]').getAttribute('data-status'), 'failed');
  assert.match(await page.locator('#receipts-announce').innerText(), /^Failed: Inclusion proof/);

  // restored, with one byte of the root in the checkpoint changed
  res = await tamper((rc) => {
    rc.event = rc.event.replace('"concur"', '"object"');
    const rootText = rc.checkpoint.split('\n')[2];
    rc.checkpoint = rc.checkpoint.replace(rootText, flip(rootText, 7));
  });
  assert.equal(await res.getAttribute('data-check'), 'signature');
  assert.match(await res.innerText(), /Failed: Checkpoint signature/);
  assert.match(await res.innerText(), /does not verify/);
  assert.equal(await res.locator('.check[data-check="inclusion"]').getAttribute('data-status'), 'skipped');

  // one byte of a proof node changed
  res = await tamper((rc) => {
    const rootText = rc.checkpoint.split('\n')[2];
    rc.checkpoint = rc.checkpoint.replace(rootText, flip(rootText, 7));
    rc.proof[0] = flip(rc.proof[0], 3);
  });
  assert.equal(await res.getAttribute('data-check'), 'inclusion');
  noErrors();
});

test('another pinned key: the receipts fail, and the page says the keys differ', async () => {
  const name = vkey.split('+')[0];
  const { publicKey } = generateKeyPairSync('ed25519');
  const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const kid = createHash('sha256').update(Buffer.concat([Buffer.from(`${name}\n\x01`, 'latin1'), pk])).digest().subarray(0, 4).toString('hex');
  const other = `${name}+${kid}+${Buffer.concat([Buffer.from([1]), pk]).toString('base64')}`;
  await page.locator('#pin-input').fill(other);
  await page.locator('#pin-key').click();
  await page.locator('.key-match[data-match="differs"]').waitFor();
  assert.equal(await page.locator('#pinned-key').innerText(), other);
  const comment = page.locator('#receipt-list > li.receipt').nth(0);
  await comment.getByRole('button', { name: 'Verify' }).click();
  const res = comment.locator('.verify-result[data-result="failed"]');
  await res.waitFor();
  assert.equal(await res.getAttribute('data-check'), 'signature');
  assert.match(await res.innerText(), /not signed by the pinned key/);
  // back to the published key
  await page.locator('#use-server-key').click();
  assert.equal(await page.locator('#pin-input').inputValue(), vkey);
  await page.locator('#pin-key').click();
  await page.locator('.key-match[data-match="same"]').waitFor();
  await comment.getByRole('button', { name: 'Verify' }).click();
  await comment.locator('.verify-result[data-result="verified"]').waitFor();
  noErrors();
});

test('receipts by proposal, at phone width, and only for delegations', async () => {
  const phone = await browser.newPage('phone', { viewport: { width: 390, height: 844 } });
  await signIn(phone, base, tok.FR);
  await phone.goto(`${base}/#/proposals/${id}`);
  await phone.locator('#receipts-link').click();
  await phone.waitForURL(new RegExp(`#/receipts\\?proposal=${id}$`));
  await phone.locator('#receipt-list > li.receipt').first().waitFor();
  assert.equal(await phone.locator('#receipt-list > li.receipt').count(), 2);
  assert.match(await phone.locator('#receipts-h').innerText(), new RegExp(`Receipts for proposal ${id}`));
  // localStorage is shared with the other tab: the key is pinned
  const first = phone.locator('#receipt-list > li.receipt').first();
  await first.getByRole('button', { name: 'Verify' }).click();
  await first.locator('.verify-result[data-result="verified"]').waitFor();
  await first.locator('summary').click();
  await networkQuiet(phone);
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the receipts are ${overflow}px wider than the screen`);
  await phone.close();

  // a delegation without receipts; the secretariat has no receipts page
  const us = await browser.newPage('US');
  await signIn(us, base, tok.US);
  await nav(us, 'Receipts').click();
  await us.locator('#receipts .empty').waitFor();
  assert.match(await us.locator('#receipts').innerText(), /No receipt yet/);
  await us.close();
  const sec = await browser.newPage('secretariat');
  await signIn(sec, base, tok.secretariat);
  assert.equal(await nav(sec, 'Receipts').count(), 0);
  await sec.goto(`${base}/#/receipts`);
  assert.match(await sec.locator('main').innerText(), /Receipts are kept for member delegations/);
  await sec.close();
  noErrors();
});

test('a vote cast on the page comes back with a receipt, kept and verified like a position\'s', async () => {
  const r = await api(base, tok.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'A decision put to the vote', procedure: 'vote' });
  assert.equal(r.status, 201);
  const voteId = r.body.id;
  const fr = await browser.newPage('FR vote');
  await signIn(fr, base, tok.FR);
  await fr.goto(`${base}/#/proposals/${voteId}`);
  await fr.locator('#actions [data-action="vote-no"]').waitFor();
  assert.match(await fr.locator('.receipts-line').innerText(), /Each vote you cast comes back with a receipt/);
  await fr.locator('#actions [data-action="vote-no"]').click();
  const dlg = fr.getByRole('dialog', { name: 'Vote no?' });
  await dlg.getByRole('button', { name: 'Vote no' }).click();
  await dlg.waitFor({ state: 'detached' });
  await fr.locator('.receipts-line', { hasText: '1 receipt' }).waitFor();
  const kept = (await stored(fr))[`${STORE_PREFIX}${vkey}:FR`].filter((x) => x.proposal === voteId);
  assert.equal(kept.length, 1);
  const ev = JSON.parse(kept[0].receipt.event);
  assert.deepEqual([ev.type, ev.payload.vote, ev.payload.member], ['vote.cast', 'no', 'FR']);

  await fr.locator('#receipts-link').click();
  await fr.waitForURL(new RegExp(`#/receipts\\?proposal=${voteId}$`));
  const item = fr.locator(`#receipt-list > li.receipt[data-proposal="${voteId}"]`);
  await item.waitFor();
  assert.equal(await fr.locator('#receipt-list > li.receipt').count(), 1);
  assert.equal(await item.locator('.pos-badge[data-event="vote.cast"]').innerText(), 'Voted no');
  // the published key is pinned (the test before restored it)
  await item.getByRole('button', { name: 'Verify' }).click();
  const res = item.locator('.verify-result[data-result="verified"]');
  await res.waitFor();
  assert.match(await res.locator('.verify-summary').innerText(), new RegExp(`FR voted no on proposal ${voteId}`));
  await fr.close();
  noErrors();
});
