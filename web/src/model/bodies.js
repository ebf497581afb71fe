// model/bodies.js - what the bodies page shows, computed from the API's
// bodies and members on a date: each body's line, who does not sit on it,
// its dated membership clauses in words.  Pure (no DOM): views/bodies.js
// draws it, the Node unit tests import it.
import { fmtDate } from '../time.js';
import { humanize, PROCEDURE_LABEL } from '../ui.js';

export function bodyLine(body) {
  return `Rule: ${body.rule} · ${PROCEDURE_LABEL[body.procedure] || body.procedure} by default`
    + ` · established ${fmtDate(body.established)}${body.dissolved ? ` · dissolved ${fmtDate(body.dissolved)}` : ''}`;
}

// The members of the alliance (codes) not sitting on a body that exists.
export function absentCodes(body, allCodes, sitting) {
  if (!body.exists_on_date) return [];
  const on = new Set(sitting);
  return allCodes.filter((c) => !on.has(c));
}

// A membership clause: 'from 1 Jan 1952 to 1 Jul 1966: all members except FR'.
export function clauseText(c) {
  const when = `${c.from ? `from ${fmtDate(c.from)}` : 'from establishment'}${c.to ? ` to ${fmtDate(c.to)}` : ''}`;
  let who;
  if (c.kind === 'all') who = 'all members';
  else if (c.kind === 'all-except') who = `all members except ${(c.except || []).join(', ')}`;
  else if (c.kind === 'list') who = `only ${(c.members || c.list || []).join(', ')}`;
  else who = humanize(c.kind);
  return `${when}: ${who}`;
}

// A body's named rules (GET /api/v1/bodies: `rules`), default first:
// [{name, rule, note, source, concerned, isDefault}].
export function namedRules(body) {
  return Object.entries(body.rules || {}).map(([name, r]) => ({
    name, rule: r.rule, note: r.note || '', source: r.source || '', concerned: !!r.concerned,
    // the body's rule by another name; not one that leaves a State out
    isDefault: r.rule === body.rule && !r.concerned,
  })).sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
}

// What breaks a silence procedure: ['object', 'amend'] -> 'an objection or
// a proposed amendment' (docs/RULES.md §10; absent, an objection alone).
export const breaksWords = (kinds) => (kinds || ['object'])
  .map((k) => (k === 'amend' ? 'a proposed amendment' : 'an objection')).join(' or ');
