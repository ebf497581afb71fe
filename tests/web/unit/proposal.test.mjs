// proposal.test.mjs - one proposal's page, its pure parts
// (web/src/model/proposal.js): the verdict panel's words, the roll call,
// the statements on record, the history's lines, the effects' state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  outcomeText, verdictText, verdictState, outcomeIcon, namedCodes, effectsOutcomeNote, ratificationLabel,
  extendedDeadline, effectsApplied, effectState, effectsNote, effectLabel, capitalize, fmtCoord, fmtLatLon, byName,
  positionsByName, tileLabel, silenceConsents, statements, actorLabel, historyLine, historyNote, timelineClass,
  secretariatNote, receiptsNote, NOT_FOUND_WHY, positionWord, positionMarks, voteDialogText, ruleName, concernedText,
  breakLines,
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
  assert.equal(receiptsNote(0, true), 'Each vote you cast comes back with a receipt. ', 'under a vote');
  assert.match(NOT_FOUND_WHY.public, /adopted decisions only/);
  assert.equal(NOT_FOUND_WHY.secretariat, undefined, 'the secretariat sees everything: no excuse');
});

test('a position in a word and its marks: votes, refusals, amendments, signatures, public footnotes, joint letters',
  () => {
    assert.equal(positionWord({ position: 'object' }, false), 'Object');
    assert.equal(positionWord({ position: 'object', vote: 'no' }, true), 'No');
    assert.equal(positionWord({ position: 'silent' }, true), 'Not yet voted');
    assert.equal(positionWord({ position: 'silent' }, true, true), 'Not participating');
    assert.equal(positionWord({ position: 'object', refused_procedure: true }, true), 'Refused the procedure');
    assert.equal(positionWord({ position: 'object', amendment: true }, false), 'Amendment');
    assert.deepEqual(positionMarks({ member: 'FR', position: 'footnote', signed: true, key: 'FR-2026', public: true },
      nameOf), ['signed with the key FR-2026', 'published with the decision']);
    assert.deepEqual(positionMarks({ member: 'FR', position: 'object', joint: ['FR', 'BE', 'DE'] }, nameOf),
      ['joint letter with Belgium, Germany']);
    assert.deepEqual(tileLabel({ member: 'DE', position: 'abstain', vote: 'abstain', declared: true, text: 'Why' },
      nameOf, true), { label: 'Germany: Abstain (formal declaration)', title: 'Germany: Abstain (formal declaration) — Why' });
  });

test('statements: explanations of vote, refusals, amendments; the public footnotes of an adopted decision', () => {
  const positions = [
    { member: 'FR', position: 'concur', vote: 'yes', text: 'Explained', at: '2026-01-01T00:00:00Z' },
    { member: 'HU', position: 'object', refused_procedure: true, text: 'A meeting', at: '2026-01-02T00:00:00Z' },
    { member: 'TR', position: 'object', amendment: true, text: 'Add a line', at: '2026-01-03T00:00:00Z' },
  ];
  assert.deepEqual(statements(positions, []).map((x) => [x.member, x.kind, x.vote]),
    [['FR', 'vote', 'yes'], ['HU', 'refused', undefined], ['TR', 'amend', undefined]]);
  const pub = statements(undefined, [], [{ member: 'FR', text: 'Read narrowly' }]);
  assert.deepEqual(pub.map((x) => [x.member, x.kind, x.text, x.marks]),
    [['FR', 'footnote', 'Read narrowly', ['published with the decision']]]);
  assert.equal(statements(positions, [], [{ member: 'FR', text: 'x' }]).length, 3,
    'who sees the positions sees the footnotes there, not twice');
});

test('the rule\'s name, the State concerned, the letters breaking silence', () => {
  assert.equal(ruleName({ rule_name: 'qmv-reinforced' }), 'qmv-reinforced');
  assert.equal(ruleName({}), 'the body’s rule');
  assert.match(concernedText({ concerned: 'TR' }, nameOf), /^Türkiye \(TR\) is the State concerned: the decision is taken without it/);
  assert.equal(concernedText({}, nameOf), '');
  assert.deepEqual(breakLines({ breaks: [{ members: ['FR', 'BE', 'DE'], at: 'T', kind: 'object' },
    { members: ['TR'], at: 'U', kind: 'amend' }] }, nameOf).map((b) => b.text),
  ['France (FR), Belgium (BE), Germany (DE): a joint letter of objection', 'Türkiye (TR): a letter proposing an amendment']);
  assert.deepEqual(breakLines({}, nameOf), []);
});

test('history: votes, refusals, joint letters, amendments, superseding, the count at conclusion', () => {
  const line = (type, payload) => historyLine({ type, payload }, 'Council of the European Union', nameOf);
  assert.deepEqual(line('vote.cast', { member: 'FR', vote: 'yes' }), ['France (FR) votes yes', '']);
  assert.deepEqual(line('vote.cast', { member: 'DE', vote: 'abstain', declared: true }),
    ['Germany (DE) abstains', ' (formal declaration)']);
  assert.deepEqual(line('vote.cast', { member: 'BE', vote: 'not-participating' }), ['Belgium (BE) does not participate', '']);
  assert.deepEqual(line('written.refused', { member: 'FR' }), ['France (FR) does not agree to the written procedure']);
  assert.deepEqual(line('silence.broken', { member: 'FR', members: ['FR', 'BE'] }),
    ['France (FR), Belgium (BE) break silence in a joint letter', '']);
  assert.deepEqual(line('silence.broken', { member: 'TR', kind: 'amend' }),
    ['Türkiye (TR) breaks silence', ', proposing an amendment']);
  assert.deepEqual(line('proposal.superseded', { by: 3 }), ['Taken up again in ', { proposal: 3 }]);
  assert.deepEqual(line('proposal.created', { procedure: 'meeting', supersedes: 2 }),
    ['Proposed to the Council of the European Union', ' (Meeting)', ', taking up the matter of ', { proposal: 2 }]);
  assert.deepEqual(line('proposal.created', { procedure: 'written', deadline: 'D' }),
    ['Proposed to the Council of the European Union', ', by written procedure until ', { time: 'D' }]);
  assert.deepEqual(line('procedure.concluded', { outcome: 'adopted', tally: { yes: 25, no: 2, abstain: 0 } }),
    ['Concluded: Adopted', ' (25 in favour, 2 against, 0 abstaining)']);
  assert.equal(historyNote({ type: 'written.refused', payload: { reason: 'A meeting' } }), 'A meeting');
  assert.equal(historyNote({ type: 'vote.cast', payload: { text: 'Explained' } }), 'Explained');
  assert.equal(historyNote({ type: 'proposal.created', payload: { rule_name: 'consensus-minus-one', concerned: 'RU' } }),
    'Under the rule consensus-minus-one. Without RU, the State concerned.');
  assert.equal(historyNote({ type: 'proposal.created', payload: {} }), null);
});

test('body effects in words, the secretariat\'s step and the vote dialog\'s, by procedure', () => {
  assert.deepEqual(effectLabel({ type: 'establish-body', id: 'IWG', name: 'Informal Working Group', rule: 'consensus',
    procedure: 'silence', silence_breaks: ['object', 'amend'] }), ['Establish a body',
    'Informal Working Group (IWG) · rule: consensus · procedure: Silence procedure · silence broken by an objection '
    + 'or a proposed amendment']);
  assert.deepEqual(effectLabel({ type: 'amend-body', body: 'DPC', rule: 'unanimity', effective: '2031-01-01' }),
    ['Amend a body', 'DPC · rule: unanimity · from 1 Jan 2031']);
  assert.deepEqual(effectLabel({ type: 'amend-body', body: 'NPG', membership: { kind: 'all-except', except: ['FR'] } }),
    ['Amend a body', 'NPG · membership: from establishment: all members except FR · from the day of adoption']);
  assert.match(secretariatNote({ procedure: 'vote' }), /^Close the vote when the members have voted/);
  assert.match(secretariatNote({ procedure: 'written' }), /counts the votes at the deadline/);
  assert.deepEqual(voteDialogText('no', { procedure: 'vote', rule: 'count(concur) >= 9 and none(object in {RU})' }),
    ['Vote no?', 'A vote against counts as an objection under the rule (where the rule gives a veto, it is one). '
      + 'You may change it until the chair closes the vote.']);
  assert.match(voteDialogText('yes', { procedure: 'written', rule: 'x' })[1], /until the deadline\.$/);
  assert.equal(voteDialogText('not-participating', { procedure: 'vote', rule: 'x' })[0], 'Not participate?');
});
