// model/analysis.js - what the analysis views show, computed from the
// API's answers (docs/ANALYSIS.md): the dates on which a body's power can
// change (the date slider's stops: accessions, exits, membership clauses,
// amendments, dated figures), the date shown first, each member's indices
// in the table's order, the veto players and the smallest blocking
// coalition in words, the what-if's parameters, and a proposal's "who can
// still block it".  Pure (no DOM): views/analysis.js and blocking.js draw
// it, the Node unit tests import it.
import { fmtDate } from '../time.js';
import { query } from '../endpoints.js';

// The indices the page shows, in the table's order (the API's keys).
export const INDICES = [
  { key: 'shapley_shubik', label: 'Shapley-Shubik' },
  { key: 'banzhaf', label: 'Banzhaf, normalised' },
  { key: 'coleman_prevent', label: 'Coleman, to prevent' },
  { key: 'coleman_initiate', label: 'Coleman, to initiate' },
];

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
  add(body.established, 'Established');
  for (const c of body.membership || []) {
    add(c.from, 'Membership clause');
    add(c.to, 'Membership clause');
  }
  for (const a of body.amendments || []) add(a.effective, 'Amended');
  for (const m of members) {
    add(m.accession, 'Joined', nameOf(m.code));
    add(m.exit, 'Left', nameOf(m.code));
    for (const [attr, periods] of Object.entries(m.attributes || {})) {
      for (const p of periods) {
        add(p.from, 'New figures', attr.replace(/_/g, ' '));
        add(p.to, 'Figures end', attr.replace(/_/g, ' '));
      }
    }
  }
  // Figures replaced on a day are new figures, not figures that end.
  for (const kinds of at.values()) {
    const fresh = kinds.get('New figures') || [];
    const ended = (kinds.get('Figures end') || []).filter((x) => !fresh.includes(x));
    if (kinds.has('Figures end')) {
      if (ended.length) kinds.set('Figures end', ended); else kinds.delete('Figures end');
    }
  }
  add(today, 'Today');
  return [...at.keys()].sort().map((date) => ({
    date,
    what: [...at.get(date)].map(([kind, items]) => (items.length ? `${kind}: ${items.join(', ')}` : kind))
      .join('; '),
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

// '4294967296' -> '4,294,967,296' (counts are exact decimal strings).
export const groupDigits = (s) => String(s ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');

// An index as a percentage: {exact: '1/32', value: 0.03125} -> '3.13%'.
export function percent(f) {
  if (!f || typeof f.value !== 'number') return '—';
  const v = f.value * 100;
  return `${v !== 0 && v < 0.01 ? v.toPrecision(2) : v.toFixed(2)}%`;
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
  if (n > 1 && v.length === n) {
    return { all: true, text: `Every member can block alone: all ${n} are veto players.` };
  }
  if (n === 1 && v.length === 1) return { all: true, text: `${nameOf(v[0])}, the only member, decides alone.` };
  if (!v.length) return { all: false, text: 'No member can block alone: there is no veto player.' };
  return {
    all: false,
    text: `${v.length === 1 ? 'One veto player' : `${v.length} veto players`}, each able to block alone: `
      + `${list(v, nameOf)}.`,
  };
}

// The smallest blocking coalitions: their size, how many, one of them.
export function blockingText(power, nameOf = (c) => c) {
  const sb = power.smallest_blocking;
  if (!sb || sb.size == null) return 'No coalition can block: the rule adopts whatever the members do.';
  const of = sb.size === 1 ? 'a single member' : `${sb.size} members`;
  const n = groupDigits(sb.count);
  return `The smallest blocking coalitions have ${of}: ${n} of them, for example ${list(sb.example || [], nameOf)}.`;
}

// The counts of coalitions, in words.
export function coalitionLines(power) {
  if (power.winning == null) return [];
  return [
    `${groupDigits(power.winning)} of ${groupDigits(power.coalitions)} coalitions win`
      + ` (${percent(power.collective_power)}: the power of the body to act).`,
    power.minimal_winning != null ? `${groupDigits(power.minimal_winning)} minimal winning coalitions`
      + ' (each loses if any member leaves it).' : null,
  ].filter(Boolean);
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
  if (ra.with?.length) parts.push(`with ${list(ra.with.map((x) => x.split('=')[0]), nameOf)}`);
  if (ra.without?.length) parts.push(`without ${list(ra.without, nameOf)}`);
  if (ra.rule_name) parts.push(`under the rule ${ra.rule_name}`);
  else if (parts.length === 0) parts.push('under another rule');
  const s = parts.join(', ');
  return `What if: ${s}`;
}

// ---- a proposal: who can still block it ---------------------------------------

const VERDICT_WORD = { pending: 'Pending', adopted: 'Adopted', blocked: 'Blocked', failed: 'Fails' };
export const verdictWord = (v) => VERDICT_WORD[v?.verdict] || v?.verdict || '—';

// The verdicts the answer gives, each [label, {verdict, explanation}].
export function verdictRows(a) {
  return [
    ['As it stands now', a.now],
    [a.silence_is_consent ? 'At the deadline, if the silent stay silent (silence is consent)'
      : 'At conclusion, if the silent stay silent', a.at_conclusion],
    ['If every silent member concurs', a.if_silent_concur],
    ['If every silent member objects', a.if_silent_object],
  ].filter(([, v]) => v);
}

// Who can still block it alone, in words.
export function canBlockText(a, nameOf = (c) => c) {
  const c = a.can_block || [];
  if (!c.length) return 'No member can still block it alone.';
  if (c.length > 1 && c.length === a.power?.members) return `Any member can still block it alone: all ${c.length}.`;
  return `${c.length === 1 ? 'One member' : `${c.length} members`} can still block it alone: ${list(c, nameOf)}.`;
}

const change = (x, nameOf) => `${nameOf(x.member)} ${x.from} → ${x.to}`;

// One change of position that flips the outcome, per member:
// [{member, text: 'France silent → object: blocked'}].
export function pivotalRows(a, nameOf = (c) => c) {
  return (a.pivotal || []).map((x) => ({
    member: x.member, to: x.to, text: `${change(x, nameOf)}: ${verdictWord({ verdict: x.verdict }).toLowerCase()}`,
  }));
}

// The smallest set of changes that flips the outcome, in words.
export function flipText(a, nameOf = (c) => c) {
  const f = a.smallest_flip;
  if (!f) return 'No change of positions would turn the outcome.';
  const n = f.size === 1 ? 'One change' : `${f.size} changes`;
  const sets = f.count === '1' ? 'the only such set' : `${groupDigits(f.count)} such sets`;
  return `${n} to ${f.to} would make it ${verdictWord({ verdict: f.verdict }).toLowerCase()} (${sets}), `
    + `for example: ${(f.example || []).map((x) => change(x, nameOf)).join(', ')}.`
    + (f.proved_smallest === false ? ' This is an upper bound: another position might need fewer.' : '');
}

// For a redacted sight: what it is shown, and why no more.
export const REDACTED_TEXT = 'You see the power under this proposal’s rule and electorate, not the positions: '
  + 'who can still block it depends on positions that are not shared with you.';

// 'As of 1 Jan 2025' or 'Today, 2 Dec 2026'.
export const asOfText = (at, today) => (at === today ? `Today, ${fmtDate(at)}` : `As of ${fmtDate(at)}`);
