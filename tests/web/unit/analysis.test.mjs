// analysis.test.mjs - the analysis views' pure parts (web/src/model/analysis.js):
// the dates a body's power can change on, the first date the registry has
// the rule's figures for, numbers and words, the what-if's address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setLocale } from '../../../web/src/time.js';
import { useLang } from '../../../web/src/i18n.js';
import {
  dayOf, ruleAttributes, figuresHeld, changeDates, stopIndex, firstDate, groupDigits, percent, shortExact,
  indexRows, vetoText, blockingText, analysisHash, whatIfOf, whatIfTitle, canBlockText, flipText, verdictRows,
  verdictExplanation, pivotalRows, coalitionLines, noteText, INDICES,
} from '../../../web/src/model/analysis.js';

setLocale('en-GB');

const QMV = 'count(concur) >= 55% of electorate and (weight(concur, population_share) >= 65% of electorate '
  + 'or count(object|abstain|silent) < 4)';
const share = (v, from, to) => ({ population_share: [{ value: v, from, to }] });
// Two states with 2025's figures, one that left in 2020, one with no figure.
const EU = [
  { code: 'DE', name: 'Germany', accession: '1958', attributes: share('18.6', '2025-01-01', '2026-01-01') },
  { code: 'MT', name: 'Malta', accession: '2004-05-01', attributes: share('0.1', '2025-01-01', '2026-01-01') },
  { code: 'GB', name: 'United Kingdom', accession: '1973', exit: '2020-02-01' },
];

test('partial dates stand for the first day of their period; the figures a rule counts', () => {
  assert.equal(dayOf('1995'), '1995-01-01');
  assert.equal(dayOf('1949-10'), '1949-10-01');
  assert.equal(dayOf('2004-05-01'), '2004-05-01');
  assert.equal(dayOf(null), null);
  assert.deepEqual(ruleAttributes(QMV), ['population_share']);
  assert.deepEqual(ruleAttributes('consensus'), []);
});

test('the registry holds the figures on a date when every member of that day has them', () => {
  const attrs = ['population_share'];
  assert.equal(figuresHeld(EU, attrs, '2025-06-01'), true); // GB has left
  assert.equal(figuresHeld(EU, attrs, '2026-01-01'), false); // the period is [from, to)
  assert.equal(figuresHeld(EU, attrs, '2019-06-01'), false);
});

test('the slider stops: accessions, exits, figures, the body established, today', () => {
  const body = { established: '1958-01-01', membership: [{ kind: 'all', from: null, to: null }] };
  const stops = changeDates(body, EU, '2026-12-02', (c) => ({ DE: 'Germany', MT: 'Malta' }[c] || c));
  assert.deepEqual(stops.map((s) => [s.date, s.what]), [
    ['1958-01-01', 'Established; Joined: Germany'],
    ['1973-01-01', 'Joined: GB'],
    ['2004-05-01', 'Joined: Malta'],
    ['2020-02-01', 'Left: GB'],
    ['2025-01-01', 'New figures: population share'],
    ['2026-01-01', 'Figures end: population share'],
    ['2026-12-02', 'Today'],
  ]);
  assert.equal(stopIndex(stops, '2019-12-31'), 2);
  assert.equal(stopIndex(stops, '1900-01-01'), 0);
  // Today lacks the figures: the latest stop with them all is shown first.
  assert.equal(firstDate(stops, EU, ['population_share'], '2026-12-02'), '2025-01-01');
  assert.equal(firstDate(changeDates(body, EU, '2025-03-01'), EU, ['population_share'], '2025-03-01'), '2025-03-01');
  assert.equal(firstDate(stops, EU, [], '2026-12-02'), '2026-12-02');
  // nothing before the body's establishment, nothing after today
  const later = changeDates({ established: '2000-01-01' }, EU, '2010-01-01');
  assert.deepEqual(later.map((s) => s.date), ['2000-01-01', '2004-05-01', '2010-01-01']);
  // a body dissolved: its stops end before the dissolution, and the last is shown first
  const gone = changeDates({ established: '1963-10-10', dissolved: '2010-06-01' }, EU, '2026-12-02');
  assert.deepEqual(gone.map((s) => s.date), ['1963-10-10', '1973-01-01', '2004-05-01']);
  assert.equal(firstDate(gone, EU, [], '2026-12-02'), '2004-05-01');
});

test('numbers: exact counts grouped, indices as percentages, short fractions kept', () => {
  assert.equal(groupDigits('4294967296'), '4,294,967,296');
  assert.equal(groupDigits('514'), '514');
  assert.equal(percent({ exact: '1/32', value: 0.03125 }), '3.13%');
  assert.equal(percent({ exact: '1/4294967295', value: 2.3283064370807974e-10 }), '0.000000023%');
  assert.equal(percent(null), '—');
  assert.equal(shortExact({ exact: '421/2145' }), '421/2145');
  assert.equal(shortExact({ exact: '890954123/40156716600' }), null);
});

test('veto players and blocking coalitions in words; rows by power', () => {
  const all = { electorate: ['FR', 'US'], power: { veto_players: ['FR', 'US'] } };
  assert.equal(vetoText(all).text, 'Every member can block alone: all 2 are veto players.');
  assert.equal(vetoText(all).all, true);
  const sc = { electorate: ['CN', 'FR', 'MT'], power: { veto_players: ['CN', 'FR'] } };
  assert.equal(vetoText(sc).text, '2 veto players, each able to block alone: CN, FR.');
  assert.equal(vetoText({ electorate: ['A', 'B'], power: { veto_players: [] } }).all, false);
  assert.equal(blockingText({ smallest_blocking: { size: 4, count: '514', example: ['FR', 'DE', 'IT', 'ES'] } }),
    'The smallest blocking coalitions have 4 members: 514 of them, for example FR, DE, IT, ES.');
  assert.match(blockingText({ smallest_blocking: { size: null, count: '0', example: [] } }), /No coalition can block/);
  const rows = indexRows({ indices: [
    { member: 'MT', shapley_shubik: { value: 0.01 } }, { member: 'DE', shapley_shubik: { value: 0.2 } },
    { member: 'AT', shapley_shubik: { value: 0.01 } }] });
  assert.deepEqual(rows.map((r) => r.member), ['DE', 'AT', 'MT']);
});

test('the what-if in the address, and its title', () => {
  const q = new URLSearchParams('with=PL&without=FR');
  const w = whatIfOf(q);
  assert.deepEqual(w, { rule: '', with: 'PL', without: 'FR' });
  assert.equal(analysisHash('NAC', '1990-01-01', w, '2026-12-02'),
    '#/bodies/NAC/analysis?at=1990-01-01&with=PL&without=FR');
  assert.equal(analysisHash('NAC', '2026-12-02', whatIfOf(new URLSearchParams()), '2026-12-02'),
    '#/bodies/NAC/analysis');
  assert.equal(whatIfTitle({ with: ['UA=8.5'], without: ['FR'], rule_name: 'procedural' }),
    'What if: with UA, without FR, under the rule procedural');
});

test('a proposal: the verdicts, who can block it alone, the smallest flip', () => {
  const a = {
    silence_is_consent: true, power: { members: 3 }, silent: ['A', 'B', 'C'], can_block: ['A', 'B', 'C'],
    now: { verdict: 'adopted' }, at_conclusion: { verdict: 'adopted' },
    smallest_flip: { to: 'object', size: 1, count: '3', verdict: 'blocked',
      example: [{ member: 'C', from: 'silent', to: 'object' }] },
  };
  assert.deepEqual(verdictRows(a).map(([l]) => l),
    ['As it stands now', 'At the deadline, if the silent stay silent (silence is consent)']);
  assert.equal(canBlockText(a), 'Any member can still block it alone: all 3.');
  assert.equal(canBlockText({ ...a, can_block: ['B'] }), 'One member can still block it alone: B.');
  assert.equal(canBlockText({ ...a, can_block: [] }), 'No member can still block it alone.');
  assert.equal(flipText(a),
    'One change to object would make it blocked (3 such sets), for example: C silent → object.');
  assert.match(flipText({ ...a, smallest_flip: { ...a.smallest_flip, proved_smallest: false } }), /upper bound/);
  assert.equal(flipText({ smallest_flip: null }), 'No change of positions would turn the outcome.');
});

// French: the words of the catalogue, the numbers as French writes them
// (a narrow no-break space between thousands and before %, a decimal
// comma), and the verdict explained from the answer's fields, not from
// the API's English explanation.
test('in French: words, numbers and the verdicts\' explanations', async (t) => {
  const NNBSP = '\u202f';
  await useLang('fr');
  t.after(() => useLang('en'));
  setLocale('fr-FR');
  t.after(() => setLocale('en-GB'));
  assert.equal(groupDigits('4294967296'), `4${NNBSP}294${NNBSP}967${NNBSP}296`);
  assert.equal(percent({ exact: '1/32', value: 0.03125 }), `3,13${NNBSP}%`);
  assert.equal(percent({ value: 2.3283064370807974e-10 }), `0,000000023${NNBSP}%`);
  assert.deepEqual(INDICES.map((x) => x.label),
    ['Shapley-Shubik', 'Banzhaf normalisé', 'Coleman, pour empêcher', 'Coleman, pour initier']);
  assert.equal(vetoText({ electorate: ['A', 'B'], power: { veto_players: ['A', 'B'] } }).text,
    `Chaque membre peut bloquer seul${NNBSP}: les 2 ont tous un droit de veto.`);
  assert.equal(blockingText({ smallest_blocking: { size: 4, count: '1514', example: ['FR', 'DE', 'IT', 'ES'] } }),
    `Les plus petites coalitions de blocage comptent 4 membres${NNBSP}: il y en a 1${NNBSP}514, par exemple FR, DE, IT, ES.`);
  assert.deepEqual(coalitionLines({ winning: '1', coalitions: '4294967296', collective_power: { value: 1 / 4294967296 },
    minimal_winning: '1' }), [
    `1 coalitions sur 4${NNBSP}294${NNBSP}967${NNBSP}296 l’emportent (0,000000023${NNBSP}%${NNBSP}: le pouvoir d’agir de l’organe).`,
    '1 coalitions gagnantes minimales (chacune perd si l’un de ses membres la quitte).',
  ]);
  const body = { established: '1958-01-01', membership: [] };
  assert.deepEqual(changeDates(body, EU, '2026-12-02', (c) => ({ DE: 'Allemagne' }[c] || c)).slice(0, 1)
    .map((s) => s.what), [`Création${NNBSP}; Adhésion${NNBSP}: Allemagne`]);
  assert.equal(whatIfTitle({ with: ['UA=8.5'], without: ['FR'], rule_name: 'procedural' }),
    `Et si${NNBSP}: avec UA, sans FR, sous la règle procedural`);
  const a = {
    silence_is_consent: true, power: { members: 3 }, can_block: ['B'],
    now: { verdict: 'blocked', explanation: 'blocked: B objects', blocking: ['B'] },
    at_conclusion: { verdict: 'pending', explanation: 'pending: A reserves', holding: ['A'] },
    pivotal: [{ member: 'C', from: 'silent', to: 'object', verdict: 'blocked' }],
    smallest_flip: { to: 'object', size: 2, count: '1', verdict: 'blocked',
      example: [{ member: 'C', from: 'silent', to: 'object' }, { member: 'A', from: 'concur', to: 'object' }] },
  };
  assert.deepEqual(verdictRows(a).map(([l]) => l),
    ['En l’état actuel', 'À l’échéance, si les silencieux se taisent (qui ne dit mot consent)']);
  const names = (c) => ({ A: 'Albanie', B: 'Belgique' }[c] || c);
  assert.equal(verdictExplanation(a.now, names), 'bloquée par Belgique');
  assert.equal(verdictExplanation(a.at_conclusion, names), 'retenue par la réserve de Albanie');
  assert.equal(verdictExplanation({ verdict: 'adopted', explanation: 'adopted: all concur' }), '');
  assert.equal(canBlockText(a, names), `Un seul membre peut encore la bloquer seul${NNBSP}: Belgique.`);
  assert.deepEqual(pivotalRows(a).map((r) => r.text), [`C silence → objection${NNBSP}: bloquée`]);
  assert.equal(flipText(a, names), '2 changements vers objection la rendraient bloquée (le seul ensemble de ce type), '
    + `par exemple${NNBSP}: C silence → objection, Albanie accord → objection.`);
});

test('in English the verdict is explained by the API\'s own text', () => {
  assert.equal(verdictExplanation({ verdict: 'blocked', explanation: 'blocked: B objects', blocking: ['B'] }),
    'blocked: B objects');
});

// The API's note (English) says why a part is missing; the English page
// shows it as it is, the French one says it from the structured fields.
test('the note on what was not computed: the API\'s in English, French words from the fields', async (t) => {
  const NNBSP = '\u202f';
  assert.equal(noteText({ note: '' }), '');
  const notMonotone = { monotone: false, note: 'the rule is not monotone (...)', indices: [] };
  assert.equal(noteText(notMonotone), notMonotone.note);
  const tooLarge = {
    monotone: true, note: 'minimal coalitions not counted: the decision diagram passed its size limit',
    indices: [{ member: 'A', banzhaf: { value: 0.5 }, shapley_shubik: { value: 0.5 } }],
    minimal_winning: null, minimal_blocking: null, smallest_blocking: { size: 1, count: '1', example: ['A'] },
  };
  assert.equal(noteText(tooLarge), tooLarge.note);
  await useLang('fr');
  t.after(() => useLang('en'));
  assert.match(noteText(notMonotone), /^La règle n’est pas monotone /);
  assert.equal(noteText(tooLarge), `Non calculés, le calcul étant trop grand${NNBSP}: les coalitions minimales.`);
  assert.equal(noteText({ ...tooLarge, smallest_blocking: null, indices: [{ member: 'A', shapley_shubik: null }] }),
    `Non calculés, le calcul étant trop grand${NNBSP}: les indices de Banzhaf, Shapley-Shubik, les coalitions `
    + 'minimales, les plus petites coalitions de blocage.');
});
