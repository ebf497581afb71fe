// model/proposal.js - what one proposal's page shows, computed from the
// API's proposal and its events: the verdict panel's words, the roll call,
// the statements on record, the history's lines, the effects' state.
// Pure (no DOM): views/proposal.js draws it, the Node unit tests import it.
// A time inside a history line is a part {time: ISO}; the view renders it.
import { fmtDate } from '../time.js';
import { humanize, OUTCOME_LABEL, POSITION_LABEL, PROCEDURE_LABEL } from '../ui.js';

export const outcomeText = (o) => OUTCOME_LABEL[o] || o;
// The verdict if concluded now (it may be 'pending').
export const verdictText = (v) => OUTCOME_LABEL[v] || humanize(v);

// The panel's state: the outcome once concluded, else 'silence' or 'open'.
export function verdictState(p) {
  if (p.status === 'concluded') return p.outcome;
  return p.procedure === 'silence' ? 'silence' : 'open';
}

export function outcomeIcon(outcome) {
  if (outcome === 'adopted') return 'check';
  return outcome === 'blocked' ? 'cross' : 'minus';
}

// ['FR', 'DE'] -> 'France (FR), Germany (DE)'
export const namedCodes = (codes, nameOf) => (codes || []).map((c) => `${nameOf(c)} (${c})`).join(', ');

// A concluded proposal's word on the registry.
export function effectsOutcomeNote(p) {
  if (!(p.effects || []).length) return 'It carried no change to the registry.';
  return p.outcome === 'adopted' ? 'Its effects were applied to the registry.'
    : 'No effect was applied: the registry is unchanged.';
}

export function ratificationLabel(p) {
  if (!p.outstanding) return 'In progress';
  return `${p.electorate_size - p.outstanding.length} of ${p.electorate_size} ratified`;
}

// A new silence deadline's default: a day after the current one, or after
// now if it has passed.  now: milliseconds since the epoch.
export const extendedDeadline = (deadline, now) =>
  new Date(Math.max(Date.parse(deadline), now) + 24 * 3600e3).toISOString();

// Effects: applied true/false once concluded, null while open.
export const effectsApplied = (p) => (p.status === 'concluded' ? p.outcome === 'adopted' : null);

export function effectState(applied) {
  if (applied === null) return 'pending';
  return applied ? 'applied' : 'not-applied';
}

export function effectsNote(p) {
  const applied = effectsApplied(p);
  if (applied === null) return 'Applied to the registry only if adopted.';
  return applied ? `Applied on adoption, ${fmtDate(p.concluded?.slice(0, 10))}.`
    : 'Not applied: the registry is unchanged.';
}

// [heading, line] of an effect other than opening an office.
export function effectLabel(e) {
  switch (e.type) {
    case 'close-office': return ['Close an office', `Office ${e.id}`];
    case 'admit-member': return ['Admit a member', `${e.name} (${e.code}), effective ${fmtDate(e.effective)}`];
    case 'add-partner': return ['Add a partner', `${e.name} (${e.code}) · ${humanize(e.framework)}`];
    default: return [humanize(e.type), ''];
  }
}

export const capitalize = (t) => String(t).replace(/^./, (c) => c.toUpperCase());

// 35.6762, 'N', 'S' -> '35.68° N'
export function fmtCoord(v, pos, neg) {
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  return `${Math.abs(n).toFixed(2)}° ${n >= 0 ? pos : neg}`;
}

export const fmtLatLon = (lat, lon) => `${fmtCoord(lat, 'N', 'S')}, ${fmtCoord(lon, 'E', 'W')}`;

// ---- roll call ------------------------------------------------------------------

export const byName = (codes, nameOf) => [...codes].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));

export const positionsByName = (positions, nameOf) =>
  [...positions].sort((a, b) => nameOf(a.member).localeCompare(nameOf(b.member)));

// A tile's accessible label, and its title with the statement if any.
export function tileLabel(x, nameOf) {
  const label = `${nameOf(x.member)}: ${POSITION_LABEL[x.position]}${x.declared ? ' (formal declaration)' : ''}`;
  return { label, title: x.text ? `${label} — ${x.text}` : label };
}

// Under an open silence procedure a member that says nothing consents.
export const silenceConsents = (p) => p.procedure === 'silence' && p.status === 'open';

// ---- reasons and footnotes --------------------------------------------------------

// Positions with a text or a formal declaration, and comments from the
// log, in time order: [{at, member, kind, text, declared}].
export function statements(positions, events) {
  const items = [];
  for (const x of positions || []) {
    if (x.text || x.declared) {
      items.push({ at: x.at, member: x.member, kind: x.position, text: x.text, declared: x.declared });
    }
  }
  for (const e of events) {
    if (e.type === 'comment.made') {
      items.push({ at: e.time, member: e.payload.member, kind: 'comment', text: e.payload.text });
    }
  }
  return items.sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

// ---- history ----------------------------------------------------------------------

export function actorLabel(a, nameOf) {
  if (!a) return '';
  if (a.startsWith('delegation:')) return `Delegation of ${nameOf(a.slice(11))}`;
  if (a === 'clock') return 'Deadline clock';
  return humanize(a);
}

const POSITION_VERB = {
  concur: 'concurs', object: 'objects', abstain: 'abstains', reserve: 'enters a reservation',
  footnote: 'concurs with a footnote',
};

// An event in words: parts (strings and {time}) for the view to join.
export function historyLine(e, bodyName, nameOf) {
  const pl = e.payload || {};
  const m = pl.member ? `${nameOf(pl.member)} (${pl.member})` : '';
  switch (e.type) {
    case 'proposal.created':
      if (pl.procedure === 'silence' && pl.deadline) {
        return [`Proposed to the ${bodyName}`, ', under silence until ', { time: pl.deadline }];
      }
      return [`Proposed to the ${bodyName}`, pl.procedure ? ` (${PROCEDURE_LABEL[pl.procedure] || pl.procedure})` : ''];
    case 'position.stated':
      return [`${m} ${POSITION_VERB[pl.position] || pl.position}`, pl.declared ? ' (formal declaration)' : '',
        pl.previous && pl.previous !== 'silent' ? ` (was ${pl.previous})` : ''];
    case 'reservation.lifted': return [`${m} lifts its reservation`];
    case 'silence.broken': return [`${m} breaks silence`];
    case 'comment.made': return [`${m} comments`];
    case 'deadline.extended': return ['Deadline extended to ', { time: pl.deadline }];
    case 'text.recirculated': return [`Revision ${pl.revision} recirculated; silence until `, { time: pl.deadline }];
    case 'procedure.concluded': return [`Concluded: ${outcomeText(pl.outcome)}`];
    default: return [e.type];
  }
}

// The text under a history line: the explanation, the reason, the statement.
export function historyNote(e) {
  const pl = e.payload || {};
  switch (e.type) {
    case 'procedure.concluded': return pl.explanation;
    case 'silence.broken': return pl.reason;
    case 'position.stated': case 'comment.made': return pl.text;
    default: return null;
  }
}

// 'position.stated' -> 'tl-item tl-position-stated tl-position'
export const timelineClass = (type) => `tl-item tl-${type.replace('.', '-')} tl-${type.split('.')[0]}`;

// ---- the rest --------------------------------------------------------------------

// What the secretariat does next, by procedure.
export function secretariatNote(p) {
  if (p.procedure === 'silence') return 'The server concludes the procedure at the deadline by itself.';
  if (p.procedure === 'ratification') return 'Adopted when the last member ratifies.';
  return 'Conclude when the Council has spoken.';
}

export function receiptsNote(kept) {
  if (!kept) return 'Each position you state comes back with a receipt. ';
  return `${kept} receipt${kept === 1 ? '' : 's'} for this proposal kept in this browser. `;
}

// Why a proposal may be out of sight, by role.
export const NOT_FOUND_WHY = {
  partner: 'Partners see only the proposals the Council shares with them.',
  public: 'The public sees adopted decisions only.',
  member: 'A delegation sees the proposals of the bodies its member sits on.',
};
