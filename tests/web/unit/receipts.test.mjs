// receipts.test.mjs - the receipts kept in this browser (web/src/receipts.js
// over a localStorage stand-in), what the receipts page shows of them
// (web/src/model/receipts.js), and the page's address and header
// (web/src/model/navigation.js).
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import * as store from '../../../web/src/receipts.js';
import {
  receiptsOf, eventBadgeOf, resultTitle, resultSentence, resultAnnouncement, STATUS_WORD,
} from '../../../web/src/model/receipts.js';
import { parseHash, principalLabel, shortLabel } from '../../../web/src/model/navigation.js';

// localStorage as the browser has it: string values, key(i), length.
class MemoryStorage {
  #m = new Map();
  get length() { return this.#m.size; }
  key(i) { return [...this.#m.keys()][i] ?? null; }
  getItem(k) { return this.#m.has(k) ? this.#m.get(k) : null; }
  setItem(k, v) { this.#m.set(k, String(v)); }
  removeItem(k) { this.#m.delete(k); }
}
beforeEach(() => { globalThis.localStorage = new MemoryStorage(); });

const KEY = 'council.test+1a2b3c4d+AQ==';
const cp = `council.test/log\n12\n${Buffer.alloc(32, 7).toString('base64')}\n\n— council.test ${
  Buffer.alloc(68, 1).toString('base64')}\n`;
const receipt = (index, proposal, payload = {}) => ({
  council_receipt: 2, log_key: KEY, index, salt: Buffer.alloc(32, 9).toString('base64'), checkpoint: cp, proof: [],
  event: JSON.stringify({ seq: index + 1, type: 'position.stated', time: '2026-05-01T10:00:00Z',
    payload: { proposal, member: 'FR', position: 'concur', ...payload } }),
});

test('keep and listFor: one entry per event, newest event first, under the log key it names', () => {
  assert.equal(store.keep(receipt(4, 1), { member: 'FR', proposal: 1, title: 'One' }), true);
  assert.equal(store.keep(receipt(9, 2), { member: 'FR', proposal: 2, title: 'Two' }), true);
  assert.equal(store.keep(receipt(4, 1), { member: 'FR', proposal: 1, title: 'One again' }), true);
  assert.equal(store.keep(receipt(5, 1), { member: 'DE', proposal: 1, title: 'Theirs' }), true);
  const mine = store.listFor('FR');
  assert.deepEqual(mine.map((x) => [x.receipt.index, x.title]), [[9, 'Two'], [4, 'One again']]);
  assert.equal(mine[0].logKey, KEY);
  assert.equal(mine[0].storageKey, store.storageKey(KEY, 'FR'));
  assert.equal(store.countFor('FR', 1), 1);
  assert.equal(store.countFor('DE', 1), 1);
  assert.equal(store.keep(null, { member: 'FR' }), false);
  assert.equal(store.keep(receipt(1, 1), { member: '' }), false, 'no member, nothing kept');
});

test('listFor survives what another page left in storage', () => {
  localStorage.setItem(store.storageKey(KEY, 'FR'), '{not json');
  localStorage.setItem(store.storageKey('other', 'FR'), JSON.stringify([null, 3, { receipt: { index: 2 } }]));
  localStorage.setItem('unrelated', '[]');
  assert.deepEqual(store.listFor('FR').map((x) => [x.logKey, x.position]), [['other', 2]]);
});

test('pin, pinned, unpin: the log key the user trusts', () => {
  assert.equal(store.pinned(), null);
  store.pin(KEY);
  assert.equal(store.pinned(), KEY);
  store.unpin();
  assert.equal(store.pinned(), null);
});

test('receiptsOf: one proposal\'s receipts, by what was kept or what the event says', () => {
  const all = [
    { proposal: 1, receipt: receipt(1, 1) },
    { receipt: receipt(2, 2) },
    { receipt: receipt(3, 1) },
    { receipt: { event: 'not json' } },
  ];
  assert.equal(receiptsOf(all, null), all);
  assert.deepEqual(receiptsOf(all, 1).map((x) => x.receipt.index), [1, 3]);
  assert.deepEqual(receiptsOf(all, 2).map((x) => x.receipt.index), [2]);
});

test('eventBadgeOf: a position, or the event named', () => {
  assert.deepEqual(eventBadgeOf({ type: 'position.stated', position: 'object' }), { position: 'object' });
  assert.deepEqual(eventBadgeOf({ type: 'silence.broken' }),
    { cls: 'pos-object', icon: 'cross', label: 'Broke silence' });
  assert.deepEqual(eventBadgeOf({ type: 'deadline.extended' }),
    { cls: 'pos-silent', icon: 'dot', label: 'deadline.extended' });
  assert.deepEqual(eventBadgeOf({ type: null }), { cls: 'pos-silent', icon: 'dot', label: 'Event' });
  assert.deepEqual(eventBadgeOf({ type: 'vote.cast', vote: 'no' }), { cls: 'pos-object', icon: 'cross', label: 'Voted no' });
  assert.deepEqual(eventBadgeOf({ type: 'vote.cast', vote: 'not-participating' }),
    { cls: 'pos-silent', icon: 'dot', label: 'Voted not participating' });
  assert.deepEqual(eventBadgeOf({ type: 'written.refused' }),
    { cls: 'pos-object', icon: 'cross', label: 'Refused the written procedure' });
});

test('a verification in words', () => {
  const ok = { ok: true, summary: 'Event 5, FR concur, is in the log.' };
  const bad = { ok: false, failed: 'signature', reason: 'the checkpoint: it is not signed by the pinned key' };
  assert.equal(resultTitle(ok), 'Verified');
  assert.equal(resultTitle(bad), 'Failed: Checkpoint signature');
  assert.equal(resultSentence(ok), ok.summary);
  assert.equal(resultSentence(bad), 'The checkpoint: it is not signed by the pinned key.');
  assert.equal(resultAnnouncement(bad),
    'Failed: Checkpoint signature. the checkpoint: it is not signed by the pinned key.');
  assert.equal(resultTitle({ ok: false, failed: 'mystery' }), 'Failed: mystery');
  assert.equal(STATUS_WORD.skipped, 'not checked');
});

test('parseHash: the fragment as a path and a query', () => {
  const a = parseHash('#/bodies?at=2003-02-16');
  assert.equal(a.path, '/bodies');
  assert.equal(a.query.get('at'), '2003-02-16');
  assert.equal(parseHash('').path, '/');
  assert.equal(parseHash('#').path, '/');
  assert.equal(parseHash('#?next=/x').path, '/', 'a query without a path');
  assert.equal(parseHash('#/proposals%3Fbody%3DNAC').query.get('body'), 'NAC', 'an encoded fragment is decoded');
});

test('the header names the principal, long and short', () => {
  const names = new Map([['FR', 'France']]);
  assert.equal(principalLabel(null, names), 'Not signed in');
  assert.equal(principalLabel({ role: 'secretariat' }, names), 'Secretariat');
  assert.equal(principalLabel({ role: 'member', code: 'FR' }, names), 'Delegation of France');
  assert.equal(principalLabel({ role: 'member', code: 'FR' }, null), 'Delegation of FR');
  assert.equal(principalLabel({ role: 'partner', code: 'JP' }, names), 'Partner · JP');
  assert.equal(principalLabel({ role: 'public' }, names), 'Public');
  assert.equal(shortLabel({ role: 'member', code: 'FR' }, names), 'France');
  assert.equal(shortLabel({ role: 'partner', code: 'JP' }, names), 'JP (partner)');
  assert.equal(shortLabel({ role: 'secretariat' }, names), 'Secretariat');
  // whoami names the principal's member or partner: no registry needed
  assert.equal(principalLabel({ role: 'member', code: 'FR', name: 'France' }), 'Delegation of France');
  assert.equal(principalLabel({ role: 'partner', code: 'JP', name: 'Japan' }), 'Partner · Japan');
  assert.equal(shortLabel({ role: 'member', code: 'FR', name: 'France' }), 'France');
});
