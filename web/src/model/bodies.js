// model/bodies.js - what the bodies page shows, computed from the API's
// bodies and members on a date: each body's line, who does not sit on it,
// its dated membership clauses in words.  Pure (no DOM): views/bodies.js
// draws it, the Node unit tests import it.
import { fmtDate } from '../time.js';
import { humanize, PROCEDURE_LABEL } from '../ui.js';
import { t } from '../i18n.js';

export function bodyLine(body) {
  return [t('web.bodies.line_rule', { rule: body.rule }),
    t('web.bodies.line_procedure', { procedure: PROCEDURE_LABEL[body.procedure] || body.procedure }),
    t('web.bodies.line_established', { date: fmtDate(body.established) }),
    body.dissolved ? t('web.bodies.line_dissolved', { date: fmtDate(body.dissolved) }) : null,
  ].filter(Boolean).join(' · ');
}

// The members of the alliance (codes) not sitting on a body that exists.
export function absentCodes(body, allCodes, sitting) {
  if (!body.exists_on_date) return [];
  const on = new Set(sitting);
  return allCodes.filter((c) => !on.has(c));
}

// A membership clause: 'from 1 Jan 1952 to 1 Jul 1966: all members except FR'.
export function clauseText(c) {
  const from = c.from ? t('web.clause.from', { date: fmtDate(c.from) }) : t('web.clause.from_establishment');
  const when = c.to ? t('web.clause.from_to', { from, date: fmtDate(c.to) }) : from;
  let who;
  if (c.kind === 'all') who = t('web.clause.all');
  else if (c.kind === 'all-except') who = t('web.clause.all_except', { codes: (c.except || []).join(', ') });
  else if (c.kind === 'list') who = t('web.clause.only', { codes: (c.members || c.list || []).join(', ') });
  else who = humanize(c.kind);
  return t('web.clause.line', { when, who });
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
  .map((k) => (k === 'amend' ? t('web.bodies.break_amend') : t('web.bodies.break_object'))).join(t('web.or'));
