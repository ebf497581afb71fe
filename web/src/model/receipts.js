// model/receipts.js - what the receipts page shows, from the receipts kept
// in this browser and the result of verify.js: which receipts a proposal's
// list holds, an event's badge, a verification's title and sentence.
// Pure (no DOM): views/receipts.js draws it, the Node unit tests import it.
import { receiptFacts, CHECK_LABEL } from '../verify.js';
import { POSITION_ICON, VOTE_LABEL, VOTE_POSITION } from '../ui.js';
import { labels, t } from '../i18n.js';

// The kept receipts of one proposal (only: its id), or all (only: null).
export function receiptsOf(all, only) {
  if (only == null) return all;
  return all.filter((x) => (x.proposal ?? receiptFacts(x.receipt).proposal) === only);
}

// [class, icon, label key] of an event other than a stated position.
const EVENT_BADGE = {
  'silence.broken': ['pos-object', 'cross', 'web.rec.badge.broke'],
  'comment.made': ['pos-comment', 'comment', 'web.prop.kind.comment'],
  'reservation.lifted': ['pos-reserve', 'pause', 'web.rec.badge.lifted'],
  'written.refused': ['pos-object', 'cross', 'web.prop.kind.refused'],
};

// A receipt's badge: {position} for a stated position, else {cls, icon, label}
// (a vote's: 'Voted yes').
export function eventBadgeOf(f) {
  if (f.type === 'position.stated' && f.position) return { position: f.position };
  // a vote, in the colour of the position it counts as
  if (f.type === 'vote.cast' && VOTE_LABEL[f.vote]) {
    const pos = VOTE_POSITION[f.vote];
    return { cls: `pos-${pos}`, icon: POSITION_ICON[pos],
      label: t('web.prop.kind.vote', { vote: VOTE_LABEL[f.vote].toLowerCase() }) };
  }
  const [cls, icon, key] = EVENT_BADGE[f.type] || ['pos-silent', 'dot', null];
  return { cls, icon, label: key ? t(key) : f.type || t('web.rec.event') };
}

export const STATUS_WORD = labels({
  ok: 'web.rec.status.ok', failed: 'web.rec.status.failed', skipped: 'web.rec.status.skipped',
});
export const STATUS_ICON = { ok: 'check', failed: 'cross', skipped: 'minus' };

// verifyReceipt's result in words: a title, a sentence, an announcement.
export const failedCheck = (r) => CHECK_LABEL[r.failed] || r.failed;
export const resultTitle = (r) => (r.ok ? t('web.rec.verified') : t('web.rec.failed', { check: failedCheck(r) }));
export function resultSentence(r) {
  if (r.ok) return r.summary;
  return `${r.reason ? r.reason.replace(/^./, (c) => c.toUpperCase()) : ''}.`;
}
export const resultAnnouncement = (r) =>
  (r.ok ? t('web.rec.verified_announce', { summary: r.summary })
    : t('web.rec.failed_announce', { check: failedCheck(r), reason: r.reason }));
