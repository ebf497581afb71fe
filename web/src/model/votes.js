// model/votes.js - roll-call votes and the written procedure as the
// pages show them: each member's vote (or none yet), the tally the API
// gives in words and in order.  Pure (no DOM): the proposal's page and the
// procedures list draw it, the Node unit tests import it.
import { VOTES } from '../ui.js';
import { t as tr } from '../i18n.js';

// Roll-call votes and the written procedure are voted (yes, no, ...).
export const isVote = (p) => p.procedure === 'vote' || p.procedure === 'written';
// A member's vote; none yet while the vote is open, not participating
// once it is closed (as the conclusion counts it).
export const voteOf = (x, closed = false) => x.vote || (closed ? 'not-participating' : 'not-voted');
const tallyKey = (v) => v.replace('-', '_');

// {vote: count} over the positions of a vote (the roll call's legend).
export function voteCounts(positions, closed = false) {
  const t = {};
  for (const x of positions || []) t[voteOf(x, closed)] = (t[voteOf(x, closed)] || 0) + 1;
  return t;
}

// [[vote, count]] for each count the tally gives, in the order of VOTES.
export const tallyEntries = (t) => VOTES.filter((v) => tallyKey(v) in (t || {})).map((v) => [v, t[tallyKey(v)]]);

// {yes: 25, no: 2, abstain: 0, not_participating: 0} -> '25 in favour, 2 against, 0 abstaining'
export function tallyText(t) {
  if (!t) return '';
  const parts = [tr('web.tally.yes', { n: t.yes || 0 }), tr('web.tally.no', { n: t.no || 0 }),
    tr('web.tally.abstain', { n: t.abstain || 0 })];
  if (t.not_participating) parts.push(tr('web.tally.not_participating', { n: t.not_participating }));
  if (t.not_voted) parts.push(tr('web.tally.not_voted', { n: t.not_voted }));
  return parts.join(', ');
}

// '17 of 27 have voted' while a vote is open.
export function votedLabel(p) {
  if (!p.tally) return tr('web.open.vote');
  return tr('web.tally.voted', { n: p.electorate_size - (p.tally.not_voted || 0), of: p.electorate_size });
}
