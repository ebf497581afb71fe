// model/proposal.js - what one proposal's page shows, computed from the
// API's proposal and its events: the verdict panel's words, the roll call,
// the statements on record, the history's lines, the effects' state.
// Pure (no DOM): views/proposal.js draws it, the Node unit tests import it.
// A time inside a history line is a part {time: ISO}; the view renders it.
import { fmtDate } from '../time.js';
import { humanize, OUTCOME_LABEL, POSITION_LABEL, PROCEDURE_LABEL, VOTE_LABEL } from '../ui.js';
import { voteOf, tallyText } from './votes.js';
import { clauseText, breaksWords } from './bodies.js';
import { currentLang, currentLocale, labels, t } from '../i18n.js';

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
  if (!(p.effects || []).length) return t('web.pm.no_change');
  return p.outcome === 'adopted' ? t('web.pm.effects_applied') : t('web.pm.effects_not_applied');
}

export function ratificationLabel(p) {
  if (!p.outstanding) return t('web.pm.in_progress');
  return t('web.pm.ratified', { n: p.electorate_size - p.outstanding.length, of: p.electorate_size });
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
  if (applied === null) return t('web.pm.applied_if');
  return applied ? t('web.pm.applied_on', { date: fmtDate(p.concluded?.slice(0, 10)) })
    : t('web.pm.not_applied');
}

// [heading, line] of an effect other than opening an office.
export function effectLabel(e) {
  switch (e.type) {
    case 'close-office': return [t('web.pm.fx.close_office'), t('web.pm.fx.office', { id: e.id })];
    case 'admit-member': return [t('web.pm.fx.admit_member'),
      t('web.pm.fx.effective', { name: e.name, code: e.code, date: fmtDate(e.effective) })];
    case 'add-partner': return [t('web.pm.fx.add_partner'), `${e.name} (${e.code}) · ${humanize(e.framework)}`];
    case 'establish-body': return [t('web.pm.fx.establish_body'), [`${e.name} (${e.id})`, ...bodyChanges(e),
      e.established ? t('web.pm.fx.established', { date: fmtDate(e.established) }) : null]
      .filter(Boolean).join(' · ')];
    case 'amend-body': return [t('web.pm.fx.amend_body'), [e.body,
      e.name ? t('web.pm.fx.renamed', { name: e.name }) : null, ...bodyChanges(e),
      e.membership ? t('web.pm.fx.membership', { text: clauseText(e.membership) }) : null,
      e.effective ? t('web.pm.fx.from', { date: fmtDate(e.effective) }) : t('web.pm.fx.from_adoption')]
      .filter(Boolean).join(' · ')];
    default: return [humanize(e.type), ''];
  }
}

// A body effect's rule, procedure and what breaks its silence, in words.
function bodyChanges(e) {
  return [
    e.rule ? t('web.pm.fx.rule', { rule: e.rule }) : null,
    e.procedure ? t('web.pm.fx.procedure', { procedure: PROCEDURE_LABEL[e.procedure] || e.procedure }) : null,
    e.silence_breaks ? t('web.pm.fx.breaks', { what: breaksWords(e.silence_breaks) }) : null,
    Array.isArray(e.membership) ? t('web.pm.fx.membership', { text: e.membership.map(clauseText).join('; ') }) : null,
  ];
}

export const capitalize = (t) => String(t).replace(/^./, (c) => c.toUpperCase());

// 35.6762, 'N', 'S' -> '35.68° N' ('35,68° N' in French)
export function fmtCoord(v, pos, neg) {
  const n = Number(v);
  if (!Number.isFinite(n)) return String(v);
  const abs = new Intl.NumberFormat(currentLocale(), { minimumFractionDigits: 2, maximumFractionDigits: 2 })
    .format(Math.abs(n));
  return `${abs}° ${n >= 0 ? pos : neg}`;
}

// The points of the compass in the page's language (west is O in French).
export const fmtLatLon = (lat, lon) => t('web.pm.latlon', {
  lat: fmtCoord(lat, t('web.pm.compass.n'), t('web.pm.compass.s')),
  lon: fmtCoord(lon, t('web.pm.compass.e'), t('web.pm.compass.w')),
});

// ---- roll call ------------------------------------------------------------------

export const byName = (codes, nameOf) => [...codes].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));

export const positionsByName = (positions, nameOf) =>
  [...positions].sort((a, b) => nameOf(a.member).localeCompare(nameOf(b.member)));

// A member's position in a word: its vote under a vote, a refusal of the
// written procedure, a proposed amendment that broke silence, else the
// position.
export function positionWord(x, votes, closed = false) {
  if (x.refused_procedure) return t('web.pm.refused_procedure');
  if (x.amendment) return t('web.pm.amendment');
  return votes ? VOTE_LABEL[voteOf(x, closed)] : POSITION_LABEL[x.position] || x.position;
}

// What else the record says of a position, in words: its formal
// declaration, its signature, a public footnote, a joint letter.
export function positionMarks(x, nameOf) {
  return [
    x.declared ? t('web.pm.declared') : null,
    x.signed ? (x.key ? t('web.pm.signed_key', { key: x.key }) : t('web.pm.signed')) : null,
    x.public ? t('web.pm.published') : null,
    x.joint && x.joint.length > 1
      ? t('web.pm.joint', { with: x.joint.filter((c) => c !== x.member).map(nameOf).join(', ') }) : null,
  ].filter(Boolean);
}

// A tile's accessible label, and its title with the statement if any.
export function tileLabel(x, nameOf, votes = false, closed = false) {
  const marks = positionMarks(x, nameOf);
  const label = t('web.pm.tile', { name: nameOf(x.member), position: positionWord(x, votes, closed) })
    + (marks.length ? ` (${marks.join('; ')})` : '');
  return { label, title: x.text ? `${label} — ${x.text}` : label };
}

// ---- votes ---------------------------------------------------------------------------

// The dialog's words for a vote: [title, what it counts as].
export function voteDialogText(vote, p) {
  const change = t(p.procedure === 'written' ? 'web.pm.vd.change_deadline' : 'web.pm.vd.change_chair');
  switch (vote) {
    case 'yes': return [t('web.pm.vd.yes'), t('web.pm.vd.yes_means', { change })];
    case 'no': return [t('web.pm.vd.no'),
      t(/none\(/.test(p.rule) ? 'web.pm.vd.no_means_veto' : 'web.pm.vd.no_means', { change })];
    case 'abstain': return [t('web.pm.vd.abstain'), t('web.pm.vd.abstain_means', { change })];
    default: return [t('web.pm.vd.not_participating'), t('web.pm.vd.not_participating_means', { change })];
  }
}

// ---- the rule, the State concerned, the matter's other proposals -------------------------

// The rule's name: the body's named rule the proposal was put under, or its default.
export const ruleName = (p) => p.rule_name || t('web.pm.body_rule');

export const concernedText = (p, nameOf) => (p.concerned
  ? t('web.pm.concerned', { name: nameOf(p.concerned), code: p.concerned }) : '');

// Every letter breaking silence, first to last, in words:
// [{members, at, kind, text}].
export function breakLines(p, nameOf) {
  return (p.breaks || []).map((b) => {
    const who = b.members.map((c) => `${nameOf(c)} (${c})`).join(', ');
    const joint = b.members.length > 1;
    const key = b.kind === 'amend' ? (joint ? 'web.pm.letter_joint_amend' : 'web.pm.letter_amend')
      : joint ? 'web.pm.letter_joint' : 'web.pm.letter';
    return { members: b.members, at: b.at, kind: b.kind, text: t(key, { who }) };
  });
}

// Under an open silence procedure a member that says nothing consents.
export const silenceConsents = (p) => p.procedure === 'silence' && p.status === 'open';

// ---- reasons and footnotes --------------------------------------------------------

// A statement's kind: a refusal of the written procedure, a proposed
// amendment, an explanation of vote, else the position.
const statementKind = (x) => {
  if (x.refused_procedure) return 'refused';
  if (x.amendment) return 'amend';
  return x.vote ? 'vote' : x.position;
};

// Positions with a text or a formal declaration, comments from the log,
// and (for those who do not see the positions) the footnotes published
// with an adopted decision, in time order:
// [{at, member, kind, position, vote, text, declared, marks}].
export function statements(positions, events, footnotes = [], nameOf = (c) => c) {
  const items = [];
  for (const x of positions || []) {
    if (x.text || x.declared) {
      items.push({ at: x.at, member: x.member, kind: statementKind(x), position: x.position, vote: x.vote,
        text: x.text, declared: x.declared, marks: positionMarks(x, nameOf) });
    }
  }
  if (!positions) {
    for (const f of footnotes || []) {
      items.push({ at: null, member: f.member, kind: 'footnote', position: 'footnote', text: f.text,
        marks: ['published with the decision'] });
    }
  }
  for (const e of events) {
    if (e.type === 'comment.made') {
      items.push({ at: e.time, member: e.payload.member, kind: 'comment', text: e.payload.text, marks: [] });
    }
  }
  return items.sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

// ---- history ----------------------------------------------------------------------

export function actorLabel(a, nameOf) {
  if (!a) return '';
  if (a.startsWith('delegation:')) return t('web.who.member', { name: nameOf(a.slice(11)) });
  if (a === 'clock') return t('web.pm.clock');
  return humanize(a);
}

// "{m} concurs": web.verb.position.concur, web.verb.vote.yes...
const POSITION_VERB = labels({
  concur: 'web.verb.position.concur', object: 'web.verb.position.object', abstain: 'web.verb.position.abstain',
  reserve: 'web.verb.position.reserve', footnote: 'web.verb.position.footnote',
});
const VOTE_VERB = labels({
  yes: 'web.verb.vote.yes', no: 'web.verb.vote.no', abstain: 'web.verb.vote.abstain',
  'not-participating': 'web.verb.vote.not-participating',
});

// An event in words: parts (strings, {time} and {proposal}) for the view
// to join.
export function historyLine(e, bodyName, nameOf) {
  const pl = e.payload || {};
  const m = pl.member ? `${nameOf(pl.member)} (${pl.member})` : '';
  switch (e.type) {
    case 'proposal.created': {
      const rest = pl.supersedes ? [t('web.hist.taking_up'), { proposal: pl.supersedes }] : [];
      const to = t('web.hist.proposed', { body: bodyName });
      if ((pl.procedure === 'silence' || pl.procedure === 'written') && pl.deadline) {
        return [to, t(pl.procedure === 'silence' ? 'web.hist.silence_until' : 'web.hist.written_until'),
          { time: pl.deadline }, ...rest];
      }
      return [to, pl.procedure ? ` (${PROCEDURE_LABEL[pl.procedure] || pl.procedure})` : '', ...rest];
    }
    case 'vote.cast': return [`${m} ${VOTE_VERB[pl.vote] || t('web.hist.votes', { vote: pl.vote })}`,
      pl.declared ? ` (${t('web.pm.declared')})` : ''];
    case 'written.refused': return [t('web.hist.refused', { m })];
    case 'proposal.superseded': return [t('web.hist.taken_up'), { proposal: pl.by }];
    case 'position.stated':
      return [`${m} ${POSITION_VERB[pl.position] || pl.position}`, pl.declared ? ` (${t('web.pm.declared')})` : '',
        pl.previous && pl.previous !== 'silent' ? ` ${t('web.hist.was', { was: pl.previous })}` : ''];
    case 'reservation.lifted': return [t('web.hist.lifted', { m })];
    case 'silence.broken': {
      const who = pl.members && pl.members.length > 1
        ? t('web.hist.break_joint', { who: pl.members.map((c) => `${nameOf(c)} (${c})`).join(', ') })
        : t('web.hist.break', { m });
      return [who, pl.kind === 'amend' ? t('web.hist.proposing_amendment') : ''];
    }
    case 'comment.made': return [t('web.hist.comments', { m })];
    case 'deadline.extended': return [t('web.hist.extended'), { time: pl.deadline }];
    case 'text.recirculated': return [t('web.hist.recirculated', { n: pl.revision }), { time: pl.deadline }];
    case 'procedure.concluded':
      return [t('web.hist.concluded', { outcome: outcomeText(pl.outcome) }),
        pl.tally ? ` (${tallyText(pl.tally)})` : ''];
    default: return [e.type];
  }
}

// The text under a history line: the explanation, the reason, the
// statement, the rule a proposal was put under.
export function historyNote(e) {
  const pl = e.payload || {};
  switch (e.type) {
    // the record's explanation is English: said on the English page only
    case 'procedure.concluded': return currentLang() === 'en' ? pl.explanation : null;
    case 'silence.broken': case 'written.refused': return pl.reason || pl.text;
    case 'position.stated': case 'comment.made': case 'vote.cast': return pl.text;
    case 'proposal.created': return [pl.rule_name ? t('web.hist.under_rule', { rule: pl.rule_name }) : '',
      pl.concerned ? t('web.hist.without', { code: pl.concerned }) : ''].filter(Boolean).join(' ') || null;
    default: return null;
  }
}

// 'position.stated' -> 'tl-item tl-position-stated tl-position'
export const timelineClass = (type) => `tl-item tl-${type.replace('.', '-')} tl-${type.split('.')[0]}`;

// ---- the rest --------------------------------------------------------------------

// What the secretariat does next, by procedure.
export function secretariatNote(p) {
  if (p.procedure === 'silence') return t('web.pm.sec.silence');
  if (p.procedure === 'ratification') return t('web.pm.sec.ratification');
  if (p.procedure === 'vote') return t('web.pm.sec.vote');
  if (p.procedure === 'written') return t('web.pm.sec.written');
  return t('web.pm.sec.meeting');
}

// voting: under a vote, where a delegation casts votes, not positions.
export function receiptsNote(kept, voting = false) {
  if (!kept) return `${t(voting ? 'web.pm.receipts.each_vote' : 'web.pm.receipts.each_position')} `;
  const one = new Intl.PluralRules(currentLocale()).select(kept) === 'one';
  return `${t(one ? 'web.pm.receipts.kept.one' : 'web.pm.receipts.kept.other', { n: kept })} `;
}

// Why a proposal may be out of sight, by role.
export const NOT_FOUND_WHY = labels({
  partner: 'web.pm.not_found_why.partner', public: 'web.pm.not_found_why.public',
  member: 'web.pm.not_found_why.member',
});
