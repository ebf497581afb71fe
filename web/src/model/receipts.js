// model/receipts.js - what the receipts page shows, from the receipts kept
// in this browser and the result of verify.js: which receipts a proposal's
// list holds, an event's badge, a verification's title and sentence.
// Pure (no DOM): views/receipts.js draws it, the Node unit tests import it.
import { receiptFacts, CHECK_LABEL } from '../verify.js';
import { POSITION_ICON, VOTE_LABEL, VOTE_POSITION } from '../ui.js';

// The kept receipts of one proposal (only: its id), or all (only: null).
export function receiptsOf(all, only) {
  if (only == null) return all;
  return all.filter((x) => (x.proposal ?? receiptFacts(x.receipt).proposal) === only);
}

// [class, icon, label] of an event other than a stated position.
const EVENT_BADGE = {
  'silence.broken': ['pos-object', 'cross', 'Broke silence'],
  'comment.made': ['pos-comment', 'comment', 'Comment'],
  'reservation.lifted': ['pos-reserve', 'pause', 'Lifted reservation'],
  'written.refused': ['pos-object', 'cross', 'Refused the written procedure'],
};

// A receipt's badge: {position} for a stated position, else {cls, icon, label}
// (a vote's: 'Voted yes').
export function eventBadgeOf(f) {
  if (f.type === 'position.stated' && f.position) return { position: f.position };
  // a vote, in the colour of the position it counts as
  if (f.type === 'vote.cast' && VOTE_LABEL[f.vote]) {
    const pos = VOTE_POSITION[f.vote];
    return { cls: `pos-${pos}`, icon: POSITION_ICON[pos], label: `Voted ${VOTE_LABEL[f.vote].toLowerCase()}` };
  }
  const [cls, icon, label] = EVENT_BADGE[f.type] || ['pos-silent', 'dot', f.type || 'Event'];
  return { cls, icon, label };
}

export const STATUS_WORD = { ok: 'passed', failed: 'failed', skipped: 'not checked' };
export const STATUS_ICON = { ok: 'check', failed: 'cross', skipped: 'minus' };

// verifyReceipt's result in words: a title, a sentence, an announcement.
export const failedCheck = (r) => CHECK_LABEL[r.failed] || r.failed;
export const resultTitle = (r) => (r.ok ? 'Verified' : `Failed: ${failedCheck(r)}`);
export function resultSentence(r) {
  if (r.ok) return r.summary;
  return `${r.reason ? r.reason.replace(/^./, (c) => c.toUpperCase()) : ''}.`;
}
export const resultAnnouncement = (r) =>
  (r.ok ? `Verified. ${r.summary}` : `Failed: ${failedCheck(r)}. ${r.reason}.`);
