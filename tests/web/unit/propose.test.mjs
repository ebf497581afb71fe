// propose.test.mjs - the new-proposal form's decisions
// (web/src/model/propose.js): the request body and what to correct, each
// effect checked, the advisory treaty-area flag, office ids from cities.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  slug, parseCoords, treatyAreaAdvice, proposalRequest, openOfficeEffect, closeOfficeEffect, admitMemberEffect,
  addPartnerEffect,
} from '../../../web/src/model/propose.js';

test('slug: an office id from a city name', () => {
  assert.equal(slug('São Paulo'), 'sao-paulo');
  assert.equal(slug('  Tokyo  '), 'tokyo');
  assert.equal(slug("Côte d'Ivoire / Abidjan"), 'cote-d-ivoire-abidjan');
});

test('parseCoords: both numbers and in range, or nothing', () => {
  assert.deepEqual(parseCoords('35.68', '139.69'), [139.69, 35.68], '[lon, lat]');
  assert.deepEqual(parseCoords(' -33.9', '18.4 '), [18.4, -33.9]);
  assert.equal(parseCoords('91', '0'), null);
  assert.equal(parseCoords('0', '-180.5'), null);
  assert.equal(parseCoords('35', ''), null);
});

test('treatyAreaAdvice: out when not a member or south of the Tropic of Cancer; in when both known', () => {
  const members = new Set(['FR', 'US']);
  const names = new Map([['JP', 'Japan']]);
  assert.deepEqual(treatyAreaAdvice('JP', [139.69, 35.68], members, names),
    { area: 'out', reasons: ['Japan is not a member state'] });
  assert.deepEqual(treatyAreaAdvice('US', [-157.86, 21.31], members, names),
    { area: 'out', reasons: ['it lies south of the Tropic of Cancer'] }, 'Honolulu');
  assert.equal(treatyAreaAdvice('XK', [0, 10], members, names).reasons.length, 2);
  assert.deepEqual(treatyAreaAdvice('FR', [2.35, 48.86], members, names), { area: 'in', reasons: [] });
  assert.equal(treatyAreaAdvice('FR', null, members, names).area, null, 'no coordinates yet: no advice');
  assert.equal(treatyAreaAdvice('', null, members, names).area, null);
});

const NOW = Date.parse('2026-05-01T12:00:00Z');
const form = (o) => ({
  body: 'NAC', title: 'A title', text: '', procedure: 'meeting', shared: false, deadline: null, level: '', place: '',
  ...o,
});

test('proposalRequest: a meeting with its level and place, trimmed; empty fields left out', () => {
  const { request, problems } = proposalRequest(form({
    title: '  Statement  ', text: ' Text \n', level: 'foreign-ministers', place: ' Brussels ', deadline: 'ignored',
  }), NOW);
  assert.deepEqual(problems, []);
  assert.deepEqual(request, {
    body: 'NAC', title: 'Statement', procedure: 'meeting', shared: false, text: 'Text',
    level: 'foreign-ministers', place: 'Brussels',
  });
});

test('proposalRequest: a silence deadline is required and in the future; a title always', () => {
  assert.deepEqual(proposalRequest(form({ procedure: 'silence', deadline: '2026-05-02T10:00:00Z', level: 'x' }), NOW)
    .request, { body: 'NAC', title: 'A title', procedure: 'silence', shared: false, deadline: '2026-05-02T10:00:00Z' });
  assert.deepEqual(proposalRequest(form({ procedure: 'silence', title: ' ' }), NOW).problems,
    [['title', 'Give the proposal a title.'], ['deadline', 'Choose the silence deadline.']]);
  assert.deepEqual(proposalRequest(form({ procedure: 'silence', deadline: '2026-05-01T12:00:00Z' }), NOW).problems,
    [['deadline', 'The silence deadline must be in the future.']]);
  assert.deepEqual(proposalRequest(form({ procedure: 'ratification', shared: true }), NOW).request,
    { body: 'NAC', title: 'A title', procedure: 'ratification', shared: true });
});

test('proposalRequest: a roll-call vote takes a meeting\'s level and place, and the rule chosen', () => {
  assert.deepEqual(proposalRequest(form({
    body: 'SC', procedure: 'vote', rule: 'procedural', level: 'foreign-ministers', place: ' New York ',
    deadline: '2026-05-02T10:00:00Z',
  }), NOW), {
    request: {
      body: 'SC', title: 'A title', procedure: 'vote', shared: false, level: 'foreign-ministers', place: 'New York',
      rule: 'procedural',
    },
    problems: [],
  }, 'no deadline: the chair closes a vote');
  assert.equal(proposalRequest(form({ procedure: 'vote', rule: '' }), NOW).request.rule, undefined,
    'the body\'s own rule: none sent');
});

test('proposalRequest: the written procedure needs its deadline, in the future; no level', () => {
  assert.deepEqual(proposalRequest(form({
    body: 'COUNCIL', procedure: 'written', rule: 'simple-majority', deadline: '2026-05-02T10:00:00Z',
    level: 'foreign-ministers', place: 'Brussels',
  }), NOW).request, {
    body: 'COUNCIL', title: 'A title', procedure: 'written', shared: false, deadline: '2026-05-02T10:00:00Z',
    rule: 'simple-majority',
  });
  assert.deepEqual(proposalRequest(form({ procedure: 'written' }), NOW).problems,
    [['deadline', 'Choose the deadline for written votes.']]);
  assert.deepEqual(proposalRequest(form({ procedure: 'written', deadline: '2026-05-01T11:00:00Z' }), NOW).problems,
    [['deadline', 'The deadline for written votes must be in the future.']]);
});

test('proposalRequest: a rule applied without the State concerned names it; ratification takes no rule', () => {
  const minus = { body: 'PC', rule: 'consensus-minus-one', ruleConcerned: true };
  assert.deepEqual(proposalRequest(form({ ...minus, concerned: 'RU' }), NOW).request,
    { body: 'PC', title: 'A title', procedure: 'meeting', shared: false, rule: 'consensus-minus-one', concerned: 'RU' });
  assert.deepEqual(proposalRequest(form({ ...minus, concerned: '' }), NOW).problems,
    [['concerned', 'Choose the State concerned: the rule is applied without it.']]);
  assert.deepEqual(proposalRequest(form({ ...minus, procedure: 'ratification', concerned: '' }), NOW),
    { request: { body: 'PC', title: 'A title', procedure: 'ratification', shared: false }, problems: [] });
  assert.equal(proposalRequest(form({ concerned: 'RU' }), NOW).request.concerned, undefined,
    'no State concerned under a rule that has none');
});

test('proposalRequest: what breaks silence, under silence only', () => {
  const breaks = ['object', 'amend'];
  assert.deepEqual(proposalRequest(form({ procedure: 'silence', deadline: '2026-05-02T10:00:00Z', breaks }), NOW)
    .request.breaks, breaks);
  assert.equal(proposalRequest(form({ procedure: 'meeting', breaks }), NOW).request.breaks, undefined);
});

const office = (o) => ({
  id: 'nlo-tokyo', name: 'NATO Liaison Office Tokyo', city: 'Tokyo', country: 'JP', kind: 'liaison',
  lat: '', lon: '', opened: '', ...o,
});

test('openOfficeEffect: the fields in turn, coordinates both or neither, rounded', () => {
  assert.deepEqual(openOfficeEffect(office({ lat: ' 35.676191 ', lon: '139.650311', opened: '2026-06-01' })), {
    effect: {
      type: 'open-office', id: 'nlo-tokyo', name: 'NATO Liaison Office Tokyo', city: 'Tokyo', country: 'JP',
      kind: 'liaison', lat: '35.6762', lon: '139.6503', opened: '2026-06-01',
    },
  });
  assert.equal(openOfficeEffect(office()).effect.lat, undefined, 'no coordinates: none sent');
  assert.deepEqual(openOfficeEffect(office({ name: ' ' })).error, ['name', 'Open an office: give the office name.']);
  assert.deepEqual(openOfficeEffect(office({ city: '' })).error[0], 'city');
  assert.deepEqual(openOfficeEffect(office({ country: 'jp' })).error[0], 'country');
  assert.deepEqual(openOfficeEffect(office({ id: 'NLO Tokyo' })).error[0], 'id');
  assert.deepEqual(openOfficeEffect(office({ id: '-tokyo' })).error[0], 'id', 'an id starts with a letter or digit');
  assert.deepEqual(openOfficeEffect(office({ lat: '35.6' })).error[0], 'lat', 'a latitude without a longitude');
});

test('the other effects: close, admit, add a partner', () => {
  assert.deepEqual(closeOfficeEffect('nlo-moscow'), { effect: { type: 'close-office', id: 'nlo-moscow' } });
  assert.deepEqual(closeOfficeEffect(''), { error: ['office', 'Close an office: choose the office.'] });
  assert.deepEqual(admitMemberEffect({ code: ' se ', name: ' Sweden ', effective: '2024-03-07' }),
    { effect: { type: 'admit-member', code: 'SE', name: 'Sweden', effective: '2024-03-07' } });
  assert.deepEqual(admitMemberEffect({ code: 'SWE', name: 'Sweden', effective: '2024-03-07' }).error[0], 'code');
  assert.deepEqual(admitMemberEffect({ code: 'SE', name: 'Sweden', effective: '' }).error[0], 'effective');
  assert.deepEqual(addPartnerEffect({ code: 'jp', name: 'Japan', framework: 'partners-across-the-globe', since: '' }),
    { effect: { type: 'add-partner', code: 'JP', name: 'Japan', framework: 'partners-across-the-globe' } });
  assert.equal(addPartnerEffect({ code: 'CO', name: 'Colombia', framework: 'f', since: '2017-05-18' }).effect.since,
    '2017-05-18');
  assert.deepEqual(addPartnerEffect({ code: 'CO', name: '', framework: 'f', since: '' }).error,
    ['name', 'Add a partner: the name.']);
});
