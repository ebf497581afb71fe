// proposal.test.mjs - one proposal's page, its pure parts
// (web/src/model/proposal.js): the verdict panel's words, the roll call,
// the statements on record, the history's lines, the effects' state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  outcomeText, verdictText, verdictState, outcomeIcon, namedCodes, effectsOutcomeNote, ratificationLabel,
  extendedDeadline, effectsApplied, effectState, effectsNote, effectLabel, capitalize, fmtCoord, fmtLatLon, byName,
  positionsByName, tileLabel, silenceConsents, statements, actorLabel, historyLine, historyNote, timelineClass,
  secretariatNote, receiptsNote, NOT_FOUND_WHY,
} from '../../../web/src/model/proposal.js';

const NAMES = new Map([['FR', 'France'], ['DE', 'Germany'], ['BE', 'Belgium'], ['TR', 'Türkiye']]);
const nameOf = (c) => NAMES.get(c) || c;

test('verdict panel: state, icon and words by status and procedure', () => {
  assert.equal(verdictState({ status: 'concluded', outcome: 'blocked', procedure: 'silence' }), 'blocked');
  assert.equal(verdictState({ status: 'open', procedure: 'silence' }), 'silence');
  assert.equal(verdictState({ status: 'open', procedure: 'meeting' }), 'open');
  assert.deepEqual(['adopted', 'blocked', 'withdrawn'].map(outcomeIcon), ['check', 'cross', 'minus']);
  assert.equal(outcomeText('adopted'), 'Adopted');
  assert.equal(outcomeText('vetoed'), 'vetoed', 'an unknown outcome is shown as sent');
  assert.equal(verdictText('failed'), 'Failed');
  assert.equal(verdictText('pending'), 'Pending');
  assert.equal(namedCodes(['FR', 'XX'], nameOf), 'France (FR), XX (XX)');
  assert.equal(namedCodes(undefined, nameOf), '');
});

test('ratification: how many of the electorate have ratified', () => {
  assert.equal(ratificationLabel({ electorate_size: 32, outstanding: ['HU', 'TR'] }), '30 of 32 ratified');
  assert.equal(ratificationLabel({ electorate_size: 32 }), 'In progress', 'a partner sees no tally');
});

test('effects: pending while open, applied only on adoption', () => {
  assert.equal(effectsApplied({ status: 'open' }), null);
  assert.equal(effectsApplied({ status: 'concluded', outcome: 'adopted' }), true);
  assert.equal(effectsApplied({ status: 'concluded', outcome: 'blocked' }), false);
  assert.deepEqual([null, true, false].map(effectState), ['pending', 'applied', 'not-applied']);
  assert.equal(effectsNote({ status: 'open' }), 'Applied to the registry only if adopted.');
  assert.equal(effectsNote({ status: 'concluded', outcome: 'adopted', concluded: '2024-03-07T14:00:00Z' }),
    'Applied on adoption, 7 Mar 2024.');
  assert.equal(effectsNote({ status: 'concluded', outcome: 'lapsed' }), 'Not applied: the registry is unchanged.');
  assert.equal(effectsOutcomeNote({ outcome: 'adopted', effects: [{}] }), 'Its effects were applied to the registry.');
  assert.equal(effectsOutcomeNote({ outcome: 'blocked', effects: [{}] }),
    'No effect was applied: the registry is unchanged.');
  assert.equal(effectsOutcomeNote({ outcome: 'adopted' }), 'It carried no change to the registry.');
});

test('effectLabel: heading and line of the effects other than an office opening', () => {
  assert.deepEqual(effectLabel({ type: 'close-office', id: 'nlo-kyiv' }), ['Close an office', 'Office nlo-kyiv']);
  assert.deepEqual(effectLabel({ type: 'admit-member', name: 'Sweden', code: 'SE', effective: '2024-03-07' }),
    ['Admit a member', 'Sweden (SE), effective 7 Mar 2024']);
  const partner = { type: 'add-partner', name: 'Japan', code: 'JP', framework: 'partners-across-the-globe' };
  assert.deepEqual(effectLabel(partner),
    ['Add a partner', 'Japan (JP) · Partners across the globe']);
  assert.deepEqual(effectLabel({ type: 'rename-body' }), ['Rename body', '']);
});

test('coordinates and capitals', () => {
  assert.equal(fmtCoord(35.6762, 'N', 'S'), '35.68° N');
  assert.equal(fmtCoord('-33.8688', 'N', 'S'), '33.87° S');
  assert.equal(fmtCoord(0, 'E', 'W'), '0.00° E');
  assert.equal(fmtCoord('far', 'E', 'W'), 'far');
  assert.equal(fmtLatLon('35.6762', '-0.1276'), '35.68° N, 0.13° W');
  assert.equal(capitalize('outside the area of Article 6'), 'Outside the area of Article 6');
});

test('extendedDeadline: a day after the deadline, or after now once it has passed', () => {
  const now = Date.parse('2026-05-01T12:00:00Z');
  assert.equal(extendedDeadline('2026-05-03T09:00:00Z', now), '2026-05-04T09:00:00.000Z');
  assert.equal(extendedDeadline('2026-04-30T09:00:00Z', now), '2026-05-02T12:00:00.000Z');
});

test('roll call: alphabetical by name, a tile\'s label and title', () => {
  assert.deepEqual(byName(['TR', 'FR', 'BE', 'DE'], nameOf), ['BE', 'FR', 'DE', 'TR']);
  const ps = [{ member: 'DE', position: 'concur' }, { member: 'BE', position: 'object' }];
  assert.deepEqual(positionsByName(ps, nameOf).map((x) => x.member), ['BE', 'DE']);
  assert.deepEqual(tileLabel({ member: 'FR', position: 'abstain', declared: true }, nameOf),
    { label: 'France: Abstain (formal declaration)', title: 'France: Abstain (formal declaration)' });
  assert.deepEqual(tileLabel({ member: 'TR', position: 'reserve', text: 'Instructions awaited' }, nameOf),
    { label: 'Türkiye: Reserve', title: 'Türkiye: Reserve — Instructions awaited' });
  assert.equal(silenceConsents({ procedure: 'silence', status: 'open' }), true);
  assert.equal(silenceConsents({ procedure: 'silence', status: 'concluded' }), false);
  assert.equal(silenceConsents({ procedure: 'meeting', status: 'open' }), false);
});

test('statements: positions with a text or a declaration, and comments, in time order', () => {
  const positions = [
    { member: 'FR', position: 'footnote', text: 'On the record', at: '2026-01-03T00:00:00Z' },
    { member: 'DE', position: 'concur', at: '2026-01-01T00:00:00Z' },
    { member: 'BE', position: 'abstain', declared: true, at: '2026-01-02T00:00:00Z' },
  ];
  const events = [
    { type: 'comment.made', time: '2026-01-01T12:00:00Z', payload: { member: 'TR', text: 'A remark' } },
    { type: 'position.stated', time: '2026-01-01T00:00:00Z', payload: { member: 'DE', position: 'concur' } },
  ];
  const items = statements(positions, events);
  assert.deepEqual(items.map((x) => [x.member, x.kind]), [['TR', 'comment'], ['BE', 'abstain'], ['FR', 'footnote']]);
  assert.equal(items[0].text, 'A remark');
  assert.deepEqual(statements(undefined, []), [], 'no positions shared, no comments');
});

test('history: who acted, what happened, the note under it', () => {
  assert.equal(actorLabel('delegation:FR', nameOf), 'Delegation of France');
  assert.equal(actorLabel('clock', nameOf), 'Deadline clock');
  assert.equal(actorLabel('secretariat', nameOf), 'Secretariat');
  assert.equal(actorLabel(undefined, nameOf), '');
  const line = (type, payload) => historyLine({ type, payload }, 'North Atlantic Council', nameOf);
  assert.deepEqual(line('proposal.created', { procedure: 'silence', deadline: '2026-05-01T10:00:00Z' }),
    ['Proposed to the North Atlantic Council', ', under silence until ', { time: '2026-05-01T10:00:00Z' }]);
  assert.deepEqual(line('proposal.created', { procedure: 'ratification' }),
    ['Proposed to the North Atlantic Council', ' (Ratification)']);
  assert.deepEqual(line('position.stated', { member: 'FR', position: 'reserve', previous: 'concur' }),
    ['France (FR) enters a reservation', '', ' (was concur)']);
  assert.deepEqual(line('position.stated', { member: 'BE', position: 'abstain', declared: true, previous: 'silent' }),
    ['Belgium (BE) abstains', ' (formal declaration)', ''], 'silence is not a previous position worth naming');
  assert.deepEqual(line('silence.broken', { member: 'TR' }), ['Türkiye (TR) breaks silence', '']);
  assert.deepEqual(line('text.recirculated', { revision: 2, deadline: 'D' }),
    ['Revision 2 recirculated; silence until ', { time: 'D' }]);
  assert.deepEqual(line('procedure.concluded', { outcome: 'blocked' }), ['Concluded: Blocked', '']);
  assert.deepEqual(line('tokens.rotated', {}), ['tokens.rotated']);
  assert.equal(historyNote({ type: 'procedure.concluded', payload: { explanation: 'blocked: FR broke silence' } }),
    'blocked: FR broke silence');
  assert.equal(historyNote({ type: 'silence.broken', payload: { reason: 'Letter' } }), 'Letter');
  assert.equal(historyNote({ type: 'deadline.extended', payload: { deadline: 'D' } }), null);
  assert.equal(timelineClass('position.stated'), 'tl-item tl-position-stated tl-position');
});

test('the secretariat\'s next step, by procedure', () => {
  assert.match(secretariatNote({ procedure: 'silence' }), /at the deadline by itself/);
  assert.equal(secretariatNote({ procedure: 'ratification' }), 'Adopted when the last member ratifies.');
  assert.equal(secretariatNote({ procedure: 'meeting' }), 'Conclude when the Council has spoken.');
});

test('receipts line and why a proposal is not found', () => {
  assert.equal(receiptsNote(0), 'Each position you state comes back with a receipt. ');
  assert.equal(receiptsNote(1), '1 receipt for this proposal kept in this browser. ');
  assert.equal(receiptsNote(3), '3 receipts for this proposal kept in this browser. ');
  assert.match(NOT_FOUND_WHY.public, /adopted decisions only/);
  assert.equal(NOT_FOUND_WHY.secretariat, undefined, 'the secretariat sees everything: no excuse');
});
