// procedures.test.mjs - the procedures list's pure parts
// (web/src/model/procedures.js) and the labels and status of ui.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  heading, tally, ownPosition, sortOpen, sortConcluded, explanationAfterVerdict, effectText, mergePages, CONCLUDED_PAGE, listHash,
} from '../../../web/src/model/procedures.js';
import { humanize, statusOf, statusLabel, errorText } from '../../../web/src/ui.js';

test('heading: by role; a delegation is told the bodies its member sits on', () => {
  assert.deepEqual(heading('secretariat'), ['Procedures', 'Every proposal before every body.']);
  assert.match(heading('member', 'France')[1], /^Proposals before the bodies France sits on/);
  assert.equal(heading('partner')[0], 'Shared with partners');
  assert.equal(heading('public')[0], 'Adopted decisions');
});

test('tally: positions counted by kind; none without positions', () => {
  const p = { positions: [{ position: 'concur' }, { position: 'silent' }, { position: 'concur' }] };
  assert.deepEqual(tally(p), { concur: 2, silent: 1 });
  assert.deepEqual(tally({}), {}, 'a partner or the public sees no positions');
  const summary = { position_counts: { concur: 30, object: 1 }, positions: [{ member: 'FR', position: 'object' }] };
  assert.deepEqual(tally(summary), { concur: 30, object: 1 }, 'a list\'s summary gives the counts');
  tally(summary).concur = 0;
  assert.equal(summary.position_counts.concur, 30, 'a copy');
});

test('ownPosition: the delegation\'s own, from a summary or a full view; none for others', () => {
  const fr = { member: 'FR', position: 'object' };
  assert.equal(ownPosition({ positions: [fr] }, 'FR'), fr);
  assert.equal(ownPosition({ positions: [{ member: 'US', position: 'concur' }, fr] }, 'FR'), fr);
  assert.equal(ownPosition({ positions: [fr] }, 'US'), null);
  assert.equal(ownPosition({ positions: [fr] }, null), null, 'the secretariat has no position');
  assert.equal(ownPosition({ position_counts: {} }, 'FR'), null);
});

test('sortOpen: deadlines first, soonest first, then by id; the input is kept', () => {
  const list = [
    { id: 4 }, { id: 2, deadline: '2026-05-02T10:00:00Z' }, { id: 1 }, { id: 3, deadline: '2026-05-01T10:00:00Z' },
  ];
  assert.deepEqual(sortOpen(list).map((p) => p.id), [3, 2, 1, 4]);
  assert.deepEqual(list.map((p) => p.id), [4, 2, 1, 3]);
});

test('sortConcluded: the latest concluded first, ties by the higher id', () => {
  const list = [
    { id: 1, concluded: '2026-01-01T00:00:00Z' }, { id: 2, concluded: '2026-03-01T00:00:00Z' },
    { id: 3, concluded: '2026-01-01T00:00:00Z' },
  ];
  assert.deepEqual(sortConcluded(list).map((p) => p.id), [2, 3, 1]);
});

test('explanationAfterVerdict: the rule\'s explanation without the verdict it repeats', () => {
  assert.equal(explanationAfterVerdict({ verdict: 'blocked', explanation: 'blocked: FR objects' }), 'FR objects');
  assert.equal(explanationAfterVerdict({ verdict: 'adopted', explanation: 'no objection' }), 'no objection');
  assert.equal(explanationAfterVerdict({ verdict: 'adopted', explanation: 'blocked: adopted: x' }),
    'blocked: adopted: x', 'only a leading verdict is dropped');
  assert.equal(explanationAfterVerdict({ verdict: 'adopted' }), '');
});

test('effectText: each effect in a line, countries by name', () => {
  const names = new Map([['JP', 'Japan']]);
  assert.equal(effectText({ type: 'open-office', name: 'NATO Liaison Office Tokyo', city: 'Tokyo', country: 'JP' },
    names), 'Open NATO Liaison Office Tokyo, Tokyo (Japan)');
  assert.equal(effectText({ type: 'open-office', name: 'X', city: 'Y', country: 'ZZ' }, null), 'Open X, Y (ZZ)');
  assert.equal(effectText({ type: 'close-office', id: 'nlo-kyiv' }), 'Close office nlo-kyiv');
  assert.equal(effectText({ type: 'admit-member', name: 'Sweden', code: 'SE', effective: '2024-03-07' }),
    'Admit Sweden (SE) from 2024-03-07');
  assert.equal(effectText({ type: 'add-partner', name: 'Japan', code: 'JP', framework: 'partners-across-the-globe' }),
    'Add partner Japan (JP), partners-across-the-globe');
  assert.equal(effectText({ type: 'rename-body' }), 'rename-body');
});

test('statusOf and statusLabel: outcome once concluded, the procedure while open', () => {
  assert.equal(statusOf({ status: 'concluded', outcome: 'blocked' }), 'blocked');
  assert.equal(statusOf({ status: 'concluded' }), 'concluded');
  assert.equal(statusOf({ status: 'open', procedure: 'silence' }), 'silence');
  assert.equal(statusOf({ status: 'open', procedure: 'ratification' }), 'open');
  assert.equal(statusLabel({ status: 'concluded', outcome: 'lapsed' }), 'Lapsed');
  assert.equal(statusLabel({ status: 'concluded', outcome: 'vetoed' }), 'Concluded');
  assert.equal(statusLabel({ status: 'open', procedure: 'silence' }), 'Under silence');
  assert.equal(statusLabel({ status: 'open', procedure: 'ratification' }), 'Ratifying');
  assert.equal(statusLabel({ status: 'open', procedure: 'meeting' }), 'Open');
});

test('humanize and errorText', () => {
  assert.equal(humanize('heads-of-state-and-government'), 'Heads of state and government');
  assert.equal(humanize(null), '');
  assert.equal(errorText(null), '');
  assert.equal(errorText({ status: 0, message: 'The server cannot be reached.' }), 'The server cannot be reached.');
  assert.equal(errorText(new Error('boom')), 'boom');
  assert.equal(errorText('plain'), 'plain');
});

test('mergePages: the first page (re-read) and the older pages as one list, each proposal once', () => {
  const v = (id, outcome) => ({ id, outcome });
  const first = [v(9, 'adopted'), v(8, 'blocked')];
  const older = [v(8, 'open-then'), v(5, 'adopted'), v(3, 'failed')];
  assert.deepEqual(mergePages(first, older), [v(9, 'adopted'), v(8, 'blocked'), v(5, 'adopted'), v(3, 'failed')],
    'the first page\'s copy wins');
  assert.deepEqual(mergePages([], older), older);
  assert.ok(CONCLUDED_PAGE > 0 && CONCLUDED_PAGE <= 1000, 'a page the API serves');
});

test('effectText: the body effects in a line', () => {
  assert.equal(effectText({ type: 'establish-body', id: 'IWG', name: 'Informal Working Group', rule: 'consensus' }),
    'Establish the body Informal Working Group (IWG), rule: consensus');
  assert.equal(effectText({ type: 'amend-body', body: 'DPC', rule: 'unanimity', procedure: 'silence' }),
    'Amend the body DPC: rule, procedure');
});

test('listHash: the list\'s address for a body and search words, each left out when empty', () => {
  assert.equal(listHash('', ''), '#/proposals');
  assert.equal(listHash('NAC', ''), '#/proposals?body=NAC');
  assert.equal(listHash('', 'liaison office'), '#/proposals?q=liaison%20office');
  assert.equal(listHash('NAC', 'Tokyo & co'), '#/proposals?body=NAC&q=Tokyo%20%26%20co');
  assert.equal(listHash('', 'a+b'), '#/proposals?q=a%2Bb', 'a plus sign stays one');
});
