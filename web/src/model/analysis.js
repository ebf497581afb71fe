// model/analysis.js - what the analysis views show, computed from the
// API's answers (docs/ANALYSIS.md): the dates on which a body's power can
// change (the date slider's stops: accessions, exits, membership clauses,
// amendments, dated figures), the date shown first, each member's indices
// in the table's order, the veto players and the smallest blocking
// coalition in words, the what-if's parameters, and a proposal's "who can
// still block it".  Pure (no DOM): views/analysis.js and blocking.js draw
// it, the Node unit tests import it.
// The words are the catalogue's (web.an.*, web.block.*) in the page's
// language, and the numbers are written the way that language writes
// them (Intl.NumberFormat in the page's locale: "4 294 967 296" and
// "3,13 %" in French, with narrow no-break spaces).  The API's own
// explanation of a verdict is core's English text, on record; in French
// the page words the verdict from the answer's structured fields instead
// (verdictExplanation).
import { fmtDate } from '../time.js';
import { query } from '../endpoints.js';
import { currentLocale, currentLang, labels, t } from '../i18n.js';

const INDEX_LABEL = labels({
  shapley_shubik: 'web.an.idx.shapley_shubik', banzhaf: 'web.an.idx.banzhaf',
  coleman_prevent: 'web.an.idx.coleman_prevent', coleman_initiate: 'web.an.idx.coleman_initiate',
});
// The indices the page shows, in the table's order (the API's keys); each
// label in the page's language when read.
export const INDICES = ['shapley_shubik', 'banzhaf', 'coleman_prevent', 'coleman_initiate']
  .map((key) => ({ key, get label() { return INDEX_LABEL[key]; } }));

// A dataset's partial date stands for the first day of its period:
// '1995' -> '1995-01-01', '1949-10' -> '1949-10-01'.
export function dayOf(d) {
  if (!d) return null;
  const s = String(d);
  if (/^\d{4}$/.test(s)) return `${s}-01-01`;
  if (/^\d{4}-\d{2}$/.test(s)) return `${s}-01`;
  return s.slice(0, 10);
}

// The attributes a rule's weight() counts:
// 'weight(concur, population_share) >= 65% ...' -> ['population_share'].
export function ruleAttributes(rule) {
  const found = String(rule || '').matchAll(/weight\(\s*[^,()]+,\s*([A-Za-z0-9_]+)\s*\)/g);
  return [...new Set([...found].map((m) => m[1]))];
}

const memberOn = (m, day) => dayOf(m.accession) <= day && (!m.exit || day < dayOf(m.exit));
const heldOn = (periods, day) => (periods || []).some((p) => (!p.from || dayOf(p.from) <= day)
  && (!p.to || day < dayOf(p.to)));

// Whether the registry holds, for every member of the alliance on `day`,
// each figure of `attrs` (GET /api/v1/members?all=1 gives the dated
// `attributes`).  The API has the last word (it refuses, naming the
// figure); this only picks a first date that it will answer.
export function figuresHeld(members, attrs, day) {
  return members.filter((m) => memberOn(m, day)).every((m) => attrs.every((a) => heldOn(m.attributes?.[a], day)));
}

// What happens on a stop, in words.
const KIND_LABEL = labels({
  established: 'web.an.kind.established', clause: 'web.an.kind.clause', amended: 'web.an.kind.amended',
  joined: 'web.an.kind.joined', left: 'web.an.kind.left', figures: 'web.an.kind.figures',
  figures_end: 'web.an.kind.figures_end', today: 'web.an.kind.today',
});

// The dates from the body's establishment to `today` on which its
// electorate, rule or figures change, oldest first, each with what changes
// in words: [{date: 'YYYY-MM-DD', what: 'Joined: Poland, Czechia'}].
// `today` is the last stop, whatever happens on it.
export function changeDates(body, members, today, nameOf = (c) => c) {
  const start = dayOf(body.established) || '0000-01-01';
  const end = dayOf(body.dissolved);
  const at = new Map();
  const add = (d, kind, item) => {
    const day = dayOf(d);
    if (!day || day < start || day > today || (end && day >= end)) return;
    if (!at.has(day)) at.set(day, new Map());
    const kinds = at.get(day);
    if (!kinds.has(kind)) kinds.set(kind, []);
    if (item && !kinds.get(kind).includes(item)) kinds.get(kind).push(item);
  };
  add(body.established, 'established');
  for (const c of body.membership || []) {
    add(c.from, 'clause');
    add(c.to, 'clause');
  }
  for (const a of body.amendments || []) add(a.effective, 'amended');
  for (const m of members) {
    add(m.accession, 'joined', nameOf(m.code));
    add(m.exit, 'left', nameOf(m.code));
    for (const [attr, periods] of Object.entries(m.attributes || {})) {
      for (const p of periods) {
        add(p.from, 'figures', attr.replace(/_/g, ' '));
        add(p.to, 'figures_end', attr.replace(/_/g, ' '));
      }
    }
  }
  // Figures replaced on a day are new figures, not figures that end.
  for (const kinds of at.values()) {
    const fresh = kinds.get('figures') || [];
    const ended = (kinds.get('figures_end') || []).filter((x) => !fresh.includes(x));
    if (kinds.has('figures_end')) {
      if (ended.length) kinds.set('figures_end', ended); else kinds.delete('figures_end');
    }
  }
  add(today, 'today');
  return [...at.keys()].sort().map((date) => ({
    date,
    what: [...at.get(date)].map(([kind, items]) => (items.length
      ? t('web.an.kind_items', { kind: KIND_LABEL[kind], items: items.join(', ') }) : KIND_LABEL[kind]))
      .reduce((a, b) => t('web.an.kinds_and', { a, b })),
  }));
}

// The stop shown for `day`: the last on or before it (the first if none).
export function stopIndex(stops, day) {
  let i = 0;
  stops.forEach((s, k) => { if (s.date <= day) i = k; });
  return i;
}

// The date shown first: today, unless the registry lacks a figure the
// body's rule counts today; then the latest stop that has them all (the
// EU's population shares are dated by the year they are in force).  For a
// body dissolved (no stop today), its last stop.
export function firstDate(stops, members, attrs, today) {
  if (stops.length && stops.at(-1).date !== today) return stops.at(-1).date;
  if (!attrs.length || figuresHeld(members, attrs, today)) return today;
  const ok = stops.filter((s) => figuresHeld(members, attrs, s.date));
  return ok.length ? ok.at(-1).date : today;
}

// ---- numbers -----------------------------------------------------------------

// The page's number formats, made once per locale.
const formats = new Map();
function numberFormat(name) {
  const locale = currentLocale();
  if (!formats.has(locale)) {
    formats.set(locale, {
      count: new Intl.NumberFormat(locale),
      percent: new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 2, maximumFractionDigits: 2 }),
      tiny: new Intl.NumberFormat(locale, { style: 'percent', maximumSignificantDigits: 2 }),
    });
  }
  return formats.get(locale)[name];
}

// '4294967296' -> '4,294,967,296', '4 294 967 296' in French (counts are
// exact decimal strings, beyond 2^53 too: formatted as BigInt).
export function groupDigits(s) {
  const str = String(s ?? '');
  return /^\d+$/.test(str) ? numberFormat('count').format(BigInt(str)) : str;
}

// An index as a percentage: {exact: '1/32', value: 0.03125} -> '3.13%',
// '3,13 %' in French; below 0.01 % two significant digits.  The space
// before % is the narrow one French typography (and po/fr.po's texts)
// use: ICU versions differ, some give a full no-break space.
export function percent(f) {
  if (!f || typeof f.value !== 'number') return '—';
  const v = f.value;
  return numberFormat(v !== 0 && v < 0.0001 ? 'tiny' : 'percent').format(v).replace(/\u00a0%/, '\u202f%');
}

// The exact fraction when it is short enough to read ('1/32', '421/2145').
export const shortExact = (f) => (f && f.exact && f.exact.length <= 11 ? f.exact : null);

// ---- a body's analysis -------------------------------------------------------------

// The members' rows, the most powerful first (Shapley-Shubik, else the
// normalised Banzhaf), ties by name.
export function indexRows(power, nameOf = (c) => c) {
  const key = (r) => r.shapley_shubik?.value ?? r.banzhaf?.value ?? 0;
  return (power?.indices || []).map((r) => ({ ...r, name: nameOf(r.member) }))
    .sort((a, b) => key(b) - key(a) || a.name.localeCompare(b.name));
}

// The largest value of `index` among the analyses (the bars' common scale).
export function scaleOf(analyses, index) {
  let max = 0;
  for (const a of analyses) for (const r of a?.power?.indices || []) max = Math.max(max, r[index]?.value || 0);
  return max || 1;
}

const list = (codes, nameOf) => codes.map(nameOf).join(', ');

// Who can block alone, in words; `all` when every member can (consensus).
export function vetoText(ra, nameOf = (c) => c) {
  const n = ra.electorate.length;
  const v = ra.power.veto_players || [];
  if (n > 1 && v.length === n) return { all: true, text: t('web.an.veto_all', { n: groupDigits(n) }) };
  if (n === 1 && v.length === 1) return { all: true, text: t('web.an.veto_only', { member: nameOf(v[0]) }) };
  if (!v.length) return { all: false, text: t('web.an.veto_none') };
  const members = list(v, nameOf);
  return {
    all: false,
    text: v.length === 1 ? t('web.an.veto_one', { members })
      : t('web.an.veto_some', { n: groupDigits(v.length), members }),
  };
}

// The smallest blocking coalitions: their size, how many, one of them.
export function blockingText(power, nameOf = (c) => c) {
  const sb = power.smallest_blocking;
  if (!sb || sb.size == null) return t('web.an.blocking_none');
  return t(sb.size === 1 ? 'web.an.blocking_one' : 'web.an.blocking_some', {
    size: groupDigits(sb.size), n: groupDigits(sb.count), example: list(sb.example || [], nameOf),
  });
}

// The counts of coalitions, in words.
export function coalitionLines(power) {
  if (power.winning == null) return [];
  return [
    t('web.an.winning', {
      n: groupDigits(power.winning), of: groupDigits(power.coalitions), power: percent(power.collective_power),
    }),
    power.minimal_winning != null ? t('web.an.minimal_winning', { n: groupDigits(power.minimal_winning) }) : null,
  ].filter(Boolean);
}

// Why a part of the analysis is missing (the API's `note`, English, for
// machines and the English page); in French the page's own words from
// the structured fields: `monotone`, and the parts left null (the
// indices, the minimal coalitions, the smallest blocking ones).  '' when
// nothing is missing.
export function noteText(power) {
  if (!power?.note) return '';
  if (currentLang() === 'en') return power.note;
  if (power.monotone === false) return t('web.an.note.not_monotone');
  const first = power.indices?.[0] || {};
  const missing = [
    first.banzhaf === undefined ? t('web.an.note.part.banzhaf') : null,
    first.shapley_shubik == null ? t('web.an.note.part.shapley') : null,
    power.minimal_winning == null ? t('web.an.note.part.minimal') : null,
    power.smallest_blocking == null ? t('web.an.note.part.blocking') : null,
  ].filter(Boolean);
  return missing.length ? t('web.an.note.missing', { parts: missing.join(', ') }) : '';
}

// ---- the what-if ---------------------------------------------------------------

// The what-if of the address (?rule=&with=&without=).
export function whatIfOf(q) {
  return { rule: q.get('rule') || '', with: q.get('with') || '', without: q.get('without') || '' };
}
export const hasWhatIf = (w) => !!(w.rule || w.with || w.without);

// The view's address: today and an empty what-if leave the query out.
export function analysisHash(key, at, w, today) {
  return `#/bodies/${encodeURIComponent(key)}/analysis${query({
    at: at === today ? '' : at, rule: w.rule, with: w.with, without: w.without,
  })}`;
}

// The what-if's title: 'With Ukraine, without France, under procedural'.
export function whatIfTitle(ra, nameOf = (c) => c) {
  const parts = [];
  if (ra.with?.length) parts.push(t('web.an.if_with', { members: list(ra.with.map((x) => x.split('=')[0]), nameOf) }));
  if (ra.without?.length) parts.push(t('web.an.if_without', { members: list(ra.without, nameOf) }));
  if (ra.rule_name) parts.push(t('web.an.if_rule', { rule: ra.rule_name }));
  else if (parts.length === 0) parts.push(t('web.an.if_other_rule'));
  return t('web.an.what_if_title', { what: parts.join(', ') });
}

// ---- a proposal: who can still block it ---------------------------------------

const VERDICT_WORD = labels({
  pending: 'web.block.verdict.pending', adopted: 'web.block.verdict.adopted',
  blocked: 'web.block.verdict.blocked', failed: 'web.block.verdict.failed',
});
export const verdictWord = (v) => VERDICT_WORD[v?.verdict] || v?.verdict || '—';
// The same in the running text: 'blocked', 'bloquée'.
const VERDICT_IN_TEXT = labels({
  pending: 'web.block.in_text.pending', adopted: 'web.block.in_text.adopted',
  blocked: 'web.block.in_text.blocked', failed: 'web.block.in_text.failed',
});
const verdictInText = (verdict) => VERDICT_IN_TEXT[verdict] || verdict;

// A position in a change ('silent → object'), lower case in the text.
const POSITION_IN_TEXT = labels({
  concur: 'web.block.pos.concur', object: 'web.block.pos.object', abstain: 'web.block.pos.abstain',
  'abstain-declared': 'web.block.pos.abstain_declared', reserve: 'web.block.pos.reserve',
  footnote: 'web.block.pos.footnote', silent: 'web.block.pos.silent',
});
const positionInText = (p) => POSITION_IN_TEXT[p] || p;

// The verdicts the answer gives, each [label, {verdict, explanation}].
export function verdictRows(a) {
  return [
    [t('web.block.row.now'), a.now],
    [a.silence_is_consent ? t('web.block.row.deadline_consent') : t('web.block.row.conclusion'), a.at_conclusion],
    [t('web.block.row.silent_concur'), a.if_silent_concur],
    [t('web.block.row.silent_object'), a.if_silent_object],
  ].filter(([, v]) => v);
}

// Why a verdict, in words: in English the API's explanation (core's text,
// as the record has it); in French the page's own words from the
// verdict's structured fields (who blocks, whose reservation holds it),
// or nothing when they name no one.
export function verdictExplanation(v, nameOf = (c) => c) {
  if (!v) return '';
  if (currentLang() === 'en') return v.explanation || '';
  if (v.blocking?.length) return t('web.block.why.blocking', { members: list(v.blocking, nameOf) });
  if (v.holding?.length) return t('web.block.why.holding', { members: list(v.holding, nameOf) });
  return '';
}

// Who can still block it alone, in words.
export function canBlockText(a, nameOf = (c) => c) {
  const c = a.can_block || [];
  if (!c.length) return t('web.block.can_none');
  if (c.length > 1 && c.length === a.power?.members) return t('web.block.can_all', { n: groupDigits(c.length) });
  return c.length === 1 ? t('web.block.can_one', { members: list(c, nameOf) })
    : t('web.block.can_some', { n: groupDigits(c.length), members: list(c, nameOf) });
}

const change = (x, nameOf) => `${nameOf(x.member)} ${positionInText(x.from)} → ${positionInText(x.to)}`;

// One change of position that flips the outcome, per member:
// [{member, text: 'France silent → object: blocked'}].
export function pivotalRows(a, nameOf = (c) => c) {
  return (a.pivotal || []).map((x) => ({
    member: x.member, to: x.to,
    text: t('web.block.pivotal', { change: change(x, nameOf), verdict: verdictInText(x.verdict) }),
  }));
}

// The smallest set of changes that flips the outcome, in words.
export function flipText(a, nameOf = (c) => c) {
  const f = a.smallest_flip;
  if (!f) return t('web.block.flip_none');
  const words = {
    n: groupDigits(f.size), to: positionInText(f.to), verdict: verdictInText(f.verdict), sets: groupDigits(f.count),
    example: (f.example || []).map((x) => change(x, nameOf)).join(', '),
  };
  const text = f.size === 1
    ? (f.count === '1' ? t('web.block.flip_one_only', words) : t('web.block.flip_one', words))
    : (f.count === '1' ? t('web.block.flip_some_only', words) : t('web.block.flip_some', words));
  return f.proved_smallest === false ? `${text} ${t('web.block.flip_bound')}` : text;
}

// For a redacted sight: what it is shown, and why no more.
export const redactedText = () => t('web.block.redacted');

// 'As of 1 Jan 2025' or 'Today, 2 Dec 2026'.
export const asOfText = (at, today) => t(at === today ? 'web.an.as_of_today' : 'web.an.as_of', { date: fmtDate(at) });
