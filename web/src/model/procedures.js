// model/procedures.js - what the procedures list shows, computed from the
// API's proposals: headings by role, the tally, the order of the cards and
// rows, the verdict's explanation and the effects in words.  Pure (no DOM):
// views/procedures.js draws it, the Node unit tests import it.
import { currentLang, t } from '../i18n.js';

// How many concluded procedures a page of the list shows at first (the
// newest); "Show older" reads the next ones.  The list's cost does not grow
// with the log.
export const CONCLUDED_PAGE = 20;
// The open list is read whole, this many a request: its cards are in
// deadline order, which the API does not page by, and what is open is
// what is under way, not the record's length.
export const OPEN_PAGE = 250;

// The list's address for a body filter and search words (each left out
// when empty): '#/proposals?body=NAC&q=liaison%20office'.
export function listHash(body, words) {
  const q = new URLSearchParams();
  if (body) q.set('body', body);
  if (words) q.set('q', words);
  const s = q.toString().replace(/\+/g, '%20');
  return s ? `#/proposals?${s}` : '#/proposals';
}

// The concluded pages read so far as one list, each proposal once (the
// first page, re-read while the view is open, wins over an older copy).
export function mergePages(first, older) {
  const seen = new Set(first.map((p) => p.id));
  return [...first, ...older.filter((p) => !seen.has(p.id))];
}

// [title, lead] by role; a delegation's lead names its member.
export function heading(role, memberName) {
  switch (role) {
    case 'secretariat': return [t('web.procs.title'), t('web.procs.lead_secretariat')];
    case 'member': return [t('web.procs.title'), t('web.procs.lead_member', { member: memberName })];
    case 'partner': return [t('web.procs.title_partner'), t('web.procs.lead_partner')];
    default: return [t('web.procs.title_public'), t('web.procs.lead_public')];
  }
}

// {position: count}: a list's summary gives it (position_counts), a full
// proposal its positions; none for a partner or the public.
export function tally(p) {
  if (p.position_counts) return { ...p.position_counts };
  const n = {};
  for (const x of p.positions || []) n[x.position] = (n[x.position] || 0) + 1;
  return n;
}

// The delegation's own position ({member, position, vote}) among the
// proposal's, or null (another principal's session, or none shown).
export function ownPosition(p, member) {
  return (member && (p.positions || []).find((x) => x.member === member)) || null;
}

// Open procedures: those with a deadline first, soonest first; then by id.
export function sortOpen(list) {
  const hasDeadline = (p) => (p.deadline ? 0 : 1);
  return [...list].sort((a, b) => hasDeadline(a) - hasDeadline(b)
    || String(a.deadline || '').localeCompare(String(b.deadline || '')) || a.id - b.id);
}

// Concluded procedures: the latest concluded first.
export function sortConcluded(list) {
  return [...list].sort((a, b) => String(b.concluded).localeCompare(String(a.concluded)) || b.id - a.id);
}

// The verdict's explanation in the page's language: the API's as it
// stands on the English page (the record's words, English by design); in
// French the page's own words from the proposal's structured fields (who
// blocks it, whose reservation holds it), or '' when they name no one.
export function explanationText(p, nameOf = (c) => c) {
  if (!p.explanation) return '';
  if (currentLang() === 'en') return p.explanation;
  const who = (codes) => codes.map(nameOf).join(', ');
  if (p.blocked_by?.length) return t('web.block.why.blocking', { members: who(p.blocked_by) });
  if (p.holding?.length) return t('web.block.why.holding', { members: who(p.holding) });
  return '';
}

// The explanation after the verdict it starts with ("blocked: FR objects"
// under the verdict "blocked" reads "FR objects"); '' without one.
export function explanationAfterVerdict(p, nameOf) {
  const text = explanationText(p, nameOf);
  return text.startsWith(`${p.verdict}: `) ? text.slice(p.verdict.length + 2) : text;
}

// An effect in a line; names: code -> name (codes stand for themselves).
export function effectText(e, names) {
  const n = (c) => (names && names.get(c)) || c;
  switch (e.type) {
    case 'open-office': return t('web.effect.open-office', { name: e.name, city: e.city, country: n(e.country) });
    case 'close-office': return t('web.effect.close-office', { id: e.id });
    case 'admit-member': return t('web.effect.admit-member', { name: e.name, code: e.code, date: e.effective });
    case 'add-partner': return t('web.effect.add-partner', { name: e.name, code: e.code, framework: e.framework });
    case 'establish-body': return t('web.effect.establish-body', { name: e.name, id: e.id, rule: e.rule });
    case 'amend-body': return t('web.effect.amend-body', { body: e.body, fields:
      ['name', 'rule', 'procedure', 'silence_breaks', 'membership'].filter((k) => k in e).join(', ') });
    default: return e.type;
  }
}
