// registry.test.mjs - the registry's and the bodies' pure parts
// (web/src/model/registry.js, model/bodies.js) and the enlargement waves of
// chart.js: offices on a date, partners by framework, membership clauses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isDay, dayOr, byFramework, officeRows, officeCounts, officeMarkers, officeStatusText, OFFICE_STATE_LABEL,
} from '../../../web/src/model/registry.js';
import { bodyLine, absentCodes, clauseText, namedRules, breaksWords } from '../../../web/src/model/bodies.js';
import { enlargementWaves } from '../../../web/src/chart.js';

test('the date of a tab: a day from the address, else the fallback', () => {
  assert.equal(isDay('2003-02-16'), true);
  assert.equal(isDay('2003-02'), false);
  assert.equal(isDay(null), false);
  assert.equal(dayOr('1966-07-01', 'today'), '1966-07-01');
  assert.equal(dayOr('1966-07-01T00:00', 'today'), 'today');
  assert.equal(dayOr(null, 'today'), 'today');
});

test('byFramework: partners grouped in the order first met', () => {
  const groups = byFramework([
    { code: 'JP', framework: 'partners-across-the-globe' }, { code: 'AT', framework: 'partnership-for-peace' },
    { code: 'AU', framework: 'partners-across-the-globe' },
  ]);
  assert.deepEqual(groups.map(([fw, list]) => [fw, list.map((x) => x.code)]),
    [['partners-across-the-globe', ['JP', 'AU']], ['partnership-for-peace', ['AT']]]);
  assert.deepEqual(byFramework([]), []);
});

const ALL = [
  { id: 'nlo-tokyo', name: 'Tokyo office', city: 'Tokyo', opened: '2025-01-01', lat: 35.68, lon: 139.69,
    out_of_area: true },
  { id: 'nlo-moscow', name: 'Moscow office', city: 'Moscow', opened: '2002-05-28', closed: '2015-10-01',
    lat: 55.75, lon: 37.62 },
  { id: 'nic-kyiv', name: 'Kyiv centre', city: 'Kyiv', opened_not_before: '1997-01-01', lat: 50.45, lon: 30.52 },
  { id: 'old-hq', name: 'Old headquarters', city: 'Paris', opened: '1952-04-16', closed_by_succession: '1967-10-16',
    superseded_by: 'hq-brussels' },
  { id: 'hq-brussels', name: 'Headquarters', city: 'Brussels', opened: '1967-10-16', lat: 50.88, lon: 4.42 },
];

test('officeRows: open, closed, not yet open or not open on a date; the open ones first', () => {
  const open = [{ id: 'hq-brussels', out_of_area: false, treaty_area: 'Europe' }];
  const rows = officeRows(ALL, open, '1990-01-01');
  assert.deepEqual(rows.map((r) => [r.id, r.state]), [
    ['hq-brussels', 'open'], ['nic-kyiv', 'not-yet'], ['nlo-moscow', 'not-yet'], ['old-hq', 'closed'],
    ['nlo-tokyo', 'not-yet'],
  ]);
  assert.equal(rows[0].area, 'Europe', 'an open office takes the treaty area the server gives that day');
  const later = officeRows(ALL, [], '2020-01-01');
  assert.equal(later.find((r) => r.id === 'nlo-moscow').state, 'closed');
  assert.equal(later.find((r) => r.id === 'nic-kyiv').state, 'not-open', 'past its earliest date but not open');
  assert.deepEqual(officeCounts(rows), { open: 1, out: 0, other: 4 });
  const tokyo = officeRows(ALL, [{ id: 'nlo-tokyo', out_of_area: true }], '2026-01-01');
  assert.deepEqual(officeCounts(tokyo), { open: 1, out: 1, other: 4 });
});

test('officeMarkers: located offices only, the open ones last (drawn on top), out of area as diamonds', () => {
  const rows = officeRows(ALL, [{ id: 'nlo-tokyo', out_of_area: true }], '2026-01-01');
  const markers = officeMarkers(rows);
  assert.equal(markers.length, 4, 'the old headquarters has no coordinates');
  assert.equal(markers.at(-1).key, 'nlo-tokyo');
  assert.equal(markers.at(-1).shape, 'diamond');
  assert.equal(markers.at(-1).cls, 'open out');
  assert.equal(markers.at(-1).title, 'Tokyo office, Tokyo: open · out of the treaty area');
  assert.equal(markers.find((m) => m.key === 'nlo-moscow').title, 'Moscow office, Moscow: closed');
});

test('officeStatusText: since when, until when, by whom succeeded', () => {
  const rows = officeRows(ALL, [{ id: 'hq-brussels' }], '1990-01-01');
  const text = (id) => officeStatusText(rows.find((r) => r.id === id));
  assert.equal(text('hq-brussels'), 'Open since 16 Oct 1967');
  assert.equal(text('old-hq'), 'Succeeded 16 Oct 1967 by hq-brussels');
  assert.equal(text('nlo-moscow'), 'Opens 28 May 2002');
  assert.equal(text('nic-kyiv'), 'Opened after 1 Jan 1997');
  assert.equal(officeStatusText({ isOpen: true }), 'Open (opening date unknown)');
  assert.equal(officeStatusText({ state: 'closed', closed: '2015-10-01' }), 'Closed 1 Oct 2015');
  assert.equal(officeStatusText({ state: 'not-open' }), 'Not open on this date');
  assert.equal(OFFICE_STATE_LABEL['not-yet'], 'Not yet open');
});

test('bodies: the line, who does not sit, the clauses in words', () => {
  assert.equal(bodyLine({ rule: 'consensus', procedure: 'silence', established: '1949-08-24' }),
    'Rule: consensus · Silence procedure by default · established 24 Aug 1949');
  const gone = { rule: 'consensus-minus-one', procedure: 'meeting', established: '1963', dissolved: '2010-06' };
  assert.equal(bodyLine(gone),
    'Rule: consensus-minus-one · Meeting by default · established 1963 · dissolved Jun 2010');
  assert.deepEqual(absentCodes({ exists_on_date: true }, ['BE', 'FR', 'DE'], ['BE', 'DE']), ['FR']);
  assert.deepEqual(absentCodes({ exists_on_date: false }, ['BE', 'FR'], []), [], 'a body not in existence');
  assert.equal(clauseText({ kind: 'all' }), 'from establishment: all members');
  assert.equal(clauseText({ kind: 'all-except', from: '1966-07-01', except: ['FR'] }),
    'from 1 Jul 1966: all members except FR');
  assert.equal(clauseText({ kind: 'list', from: '1952', to: '1966-07-01', members: ['US', 'GB'] }),
    'from 1952 to 1 Jul 1966: only US, GB');
  assert.equal(clauseText({ kind: 'by-invitation' }), 'from establishment: By invitation');
});

test('enlargementWaves: accessions by date, with the running total', () => {
  const waves = enlargementWaves([
    { code: 'BE', name: 'Belgium', accession: '1949-08-24', wave: 'founders' },
    { code: 'GR', name: 'Greece', accession: '1952-02-18', wave: 'first' },
    { code: 'TR', name: 'Türkiye', accession: '1952-02-18' },
    { code: 'FR', name: 'France', accession: '1949-08-24' },
    { code: 'XX', name: 'Never', accession: null },
  ]);
  assert.deepEqual(waves.map((w) => [w.date, w.codes, w.total]),
    [['1949-08-24', ['BE', 'FR'], 2], ['1952-02-18', ['GR', 'TR'], 4]]);
  assert.equal(waves[1].label, 'first');
  assert.deepEqual(waves[1].names, ['Greece', 'Türkiye']);
});

test('a body\'s named rules, its default first, and what breaks its silence', () => {
  const pc = {
    rule: 'consensus', rules: {
      'consensus-minus-one': { rule: 'consensus', concerned: true, note: 'Without the State concerned.' },
      consensus: { rule: 'consensus', source: 'https://www.osce.org/ar/node/660025' },
    },
  };
  const eu = { rule: 'count(concur) > 1/2 of electorate', rules: {
    unanimity: { rule: 'none(object) and count(silent) == 0' },
    'simple-majority': { rule: 'count(concur) > 1/2 of electorate' } } };
  assert.deepEqual(namedRules(eu).map((r) => [r.name, r.isDefault]), [['simple-majority', true], ['unanimity', false]]);
  // both read 'consensus': the body's rule is the one that leaves no State out
  assert.deepEqual(namedRules(pc).map((r) => [r.name, r.isDefault]), [['consensus', true], ['consensus-minus-one', false]]);
  const minus = namedRules(pc).find((r) => r.name === 'consensus-minus-one');
  assert.deepEqual([minus.concerned, minus.note], [true, 'Without the State concerned.']);
  assert.deepEqual(namedRules({ rule: 'consensus' }), [], 'NATO\'s bodies name no rules');
  assert.equal(breaksWords(['object', 'amend']), 'an objection or a proposed amendment');
  assert.equal(breaksWords(undefined), 'an objection');
});
