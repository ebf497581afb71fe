// views/proposal.js - one proposal: verdict and explanation, text and
// revisions, the roll-call grid, reasons and footnotes, the history, effects
// with a map and the treaty-area flag, and the actions the principal may
// take.  Drawn at once from one request: the proposal with its events and
// the states' names (GET /api/v1/proposals/{id}/events); the globe of an
// office effect is loaded when it comes into view.  While open, read again
// when the tab's stream (live.js) brings an event of this proposal, and
// every 10 s only while the stream is down.
import { h, replace, icon, keepFocus, afterPaint, whenShown } from '../dom.js';
import * as api from '../api.js';
import { isLive, proposalOf } from '../live.js';
import * as receipts from '../receipts.js';
import { timeEl, countdownEl, isoToLocalInput, timeText } from '../time.js';
import {
  statusBadge, positionBadge, alertBox, errorText, loading, openDialog, toast,
  POSITIONS, POSITION_LABEL, POSITION_ICON, PROCEDURE_LABEL, LEVEL_LABEL, humanize,
  VOTES, VOTE_LABEL, VOTE_POSITION,
} from '../ui.js';
import { tally, explanationText } from '../model/procedures.js';
import { areaText } from '../model/registry.js';
import {
  outcomeText, verdictText, verdictState, outcomeIcon, namedCodes, effectsOutcomeNote, ratificationLabel,
  extendedDeadline, effectsApplied, effectState, effectsNote, effectLabel, capitalize, fmtLatLon, byName,
  positionsByName, tileLabel, silenceConsents, statements, actorLabel, historyLine, historyNote, timelineClass,
  secretariatNote, receiptsNote, NOT_FOUND_WHY, positionWord, voteDialogText, positionMarks, ruleName, concernedText,
  breakLines,
} from '../model/proposal.js';
import { breaksWords } from '../model/bodies.js';
import { isVote, voteOf, voteCounts, tallyEntries, tallyText, votedLabel } from '../model/votes.js';
import { ruleTests, ruleHasTests, attrWords } from '../model/rule.js';
import { countryName, t as tr } from '../i18n.js';

const FALLBACK_MS = 10000; // while the stream is down
// Set once "Who can still block it" was asked for in this tab.
const BLOCKING_KEY = 'council.blocking';

export async function proposalView(ctx) {
  const id = Number(ctx.params[0]);
  const role = api.role();
  const me = role === 'member' ? ctx.principal.code : null;
  ctx.title(tr('web.prop.proposal', { id }));
  replace(ctx.el, loading());

  // The proposal with its history and the names; a proposal out of sight
  // is 404, as one that does not exist.
  let first;
  try {
    first = await api.proposalHistory(id);
  } catch (e) {
    if (e.status !== 404) throw e;
    if (ctx.alive()) notFound(ctx, id, role);
    return;
  }
  if (!ctx.alive()) return;
  let p = first.proposal;
  let events = first.events;
  const names = new Map(Object.entries(first.names || {}).map(([c, n]) => [c, countryName(c, n)]));

  const nameOf = (c) => names.get(c) || c;
  const announce = h('div', { class: 'sr-only', 'aria-live': 'assertive', id: 'announce' });
  const crumbs = h('nav', { class: 'crumbs', 'aria-label': tr('web.prop.breadcrumb') },
    h('a', { href: '#/proposals' }, role === 'public' ? tr('web.procs.title_public') : tr('web.procs.title')),
    h('span', { 'aria-hidden': 'true' }, ' / '),
    h('span', { 'aria-current': 'page' }, tr('web.prop.proposal', { id })));
  const head = h('header', { class: 'proposal-head' });
  const verdict = h('section', { id: 'verdict', class: 'verdict', 'aria-labelledby': 'verdict-h' });
  const actions = h('section', { id: 'actions', class: 'card side-card', 'aria-labelledby': 'actions-h' });
  const effects = h('section', { id: 'effects', class: 'card side-card', 'aria-labelledby': 'effects-h' });
  const text = h('section', { id: 'text', class: 'card', 'aria-labelledby': 'text-h' });
  const count = h('section', { id: 'count', class: 'card', 'aria-labelledby': 'count-h' });
  const rollcall = h('section', { id: 'rollcall', class: 'card', 'aria-labelledby': 'rollcall-h' });
  // Who can still block it: its code and its read (15 KB for NATO) asked
  // for by a button, or, once asked for in this tab, when it comes into
  // view: never on a first visit's budget.  Last in its column, so that its
  // arrival moves nothing on the screen.
  let updateBlocking = null;
  const showBlocking = () => import('../blocking.js').then((m) => {
    if (!ctx.alive() || updateBlocking) return;
    updateBlocking = m.blockingSection(blocking, { nameOf, alive: ctx.alive });
    updateBlocking(p);
  }).catch(() => { /* the rest of the page stands without it */ });
  const asked = sessionStorage.getItem(BLOCKING_KEY);
  const blocking = h('section', { id: 'blocking', class: 'card', 'aria-labelledby': 'blocking-h' },
    h('h2', { id: 'blocking-h', tabindex: '-1' },
      tr(p.status === 'open' ? 'web.prop.blocking_open' : 'web.prop.blocking_closed')),
    h('p', { class: 'sub' }, tr('web.prop.blocking_lead'), ' ',
      asked ? null : h('button', { type: 'button', class: 'btn small', id: 'blocking-show', onclick: () => {
        sessionStorage.setItem(BLOCKING_KEY, '1');
        showBlocking();
      } }, tr('web.signin.show'))));
  const reasons = h('section', { id: 'reasons', class: 'card', 'aria-labelledby': 'reasons-h' });
  const hist = h('section', { id: 'history', class: 'card', 'aria-labelledby': 'history-h' });
  const actionMsg = h('div', { class: 'action-msg', 'aria-live': 'polite' });
  // On a narrow screen the actions come first while the procedure is open;
  // once it is concluded there are none, and the text and the roll call
  // come before the effects.
  const grid = h('div', { class: 'detail-grid' },
    h('div', { class: 'side' }, actions, effects),
    h('div', { class: 'primary' }, text, count, rollcall, reasons, hist, blocking));

  let lastKey = '';
  // Where focus goes when the control that had it is gone (the procedure
  // concluded and its actions with it): the verdict's heading.
  const verdictHeading = () => document.getElementById('verdict-h');

  function render() {
    ctx.title(p.title);
    grid.classList.toggle('concluded', p.status === 'concluded');
    keepFocus(head, renderHead);
    keepFocus(verdict, renderVerdict, verdictHeading);
    keepFocus(actions, renderActions, verdictHeading);
    renderEffects();
    keepFocus(text, renderText);
    renderCount();
    renderRollcall();
    renderReasons();
    renderHistory();
    updateBlocking?.(p);
  }

  function renderHead() {
    replace(head,
      h('div', { class: 'badges' }, statusBadge(p),
        h('span', { class: 'badge subtle' }, PROCEDURE_LABEL[p.procedure] || p.procedure),
        p.shared ? h('span', { class: 'badge subtle' }, tr('web.procs.shared')) : null,
        h('span', { class: 'proc-id' }, `#${p.id}`)),
      h('h1', { tabindex: '-1', id: 'proposal-h' }, p.title),
      h('dl', { class: 'meta' },
        h('div', {}, h('dt', {}, tr('web.prop.meta.body')), h('dd', {}, `${p.body_name} (${p.body})`)),
        h('div', { class: 'meta-rule' }, h('dt', {}, tr('web.prop.meta.rule')),
          h('dd', { id: 'rule' },
            h('a', { id: 'rule-name', href: '#/bodies', title: tr('web.prop.meta.rule_link') }, ruleName(p)),
            tr('web.prop.meta.colon'), h('code', {}, p.rule))),
        p.concerned ? h('div', {}, h('dt', {}, tr('web.prop.meta.concerned')),
          h('dd', { id: 'concerned', 'data-member': p.concerned }, concernedText(p, nameOf))) : null,
        p.procedure === 'silence' ? h('div', {}, h('dt', {}, tr('web.prop.meta.breaks')),
          h('dd', { id: 'silence-breaks' }, capitalize(breaksWords(p.silence_breaks)))) : null,
        p.supersedes ? h('div', {}, h('dt', {}, tr('web.prop.meta.takes_up')),
          h('dd', {}, h('a', { href: `#/proposals/${p.supersedes}`, id: 'supersedes' },
            tr('web.prop.proposal', { id: p.supersedes })))) : null,
        p.superseded_by ? h('div', {}, h('dt', {}, tr('web.prop.meta.taken_up')),
          h('dd', {}, h('a', { href: `#/proposals/${p.superseded_by}`, id: 'superseded-by' },
            tr('web.prop.proposal', { id: p.superseded_by })))) : null,
        p.level ? h('div', {}, h('dt', {}, tr('web.prop.meta.level')),
          h('dd', {}, LEVEL_LABEL[p.level] || humanize(p.level))) : null,
        p.place ? h('div', {}, h('dt', {}, tr('web.prop.meta.place')), h('dd', {}, p.place)) : null,
        h('div', {}, h('dt', {}, tr('web.prop.meta.proposer')), h('dd', {}, humanize(p.proposer))),
        h('div', {}, h('dt', {}, tr('web.prop.meta.opened')), h('dd', {}, timeEl(p.opened))),
        h('div', {}, h('dt', {}, tr('web.prop.meta.electorate')),
          h('dd', {}, tr('web.prop.meta.electorate_value', { n: p.electorate_size })))));
  }

  // The verdict in words: the panel's heading (focus lands here when a
  // dialog's action ends the procedure).
  const verdictLabel = (...kids) => h('h2', { class: 'verdict-label', id: 'verdict-h', tabindex: '-1' }, kids);

  function renderVerdict() {
    const st = verdictState(p);
    verdict.className = `verdict verdict-${st}`;
    verdict.setAttribute('data-status', p.status);
    verdict.setAttribute('data-outcome', p.outcome || '');
    if (p.status === 'concluded') {
      const by = namedCodes(p.blocked_by, nameOf);
      replace(verdict,
        h('div', { class: 'verdict-main' },
          h('p', { class: 'verdict-kicker' }, tr('web.procs.col_outcome')),
          verdictLabel(icon(outcomeIcon(p.outcome), 'icon big'), outcomeText(p.outcome)),
          explanationText(p, nameOf)
            ? h('p', { class: 'verdict-explanation', id: 'explanation' }, explanationText(p, nameOf)) : null,
          p.tally ? h('p', { class: 'verdict-tally', id: 'tally-line' }, tr('web.prop.the_count'), ' ',
            tallyText(p.tally)) : null),
        h('div', { class: 'verdict-side' },
          by ? h('p', {}, tr('web.prop.blocked_by'), ' ', h('strong', { id: 'blocked-by' }, by)) : null,
          breakList(),
          h('p', {}, tr('web.prop.concluded_at'), ' ', timeEl(p.concluded)),
          h('p', { class: 'sub' }, effectsOutcomeNote(p))));
      return;
    }
    const main = [];
    if (p.procedure === 'silence') {
      main.push(
        h('p', { class: 'verdict-kicker' }, tr('web.open.silence')),
        verdictLabel(icon('clock', 'icon big'),
          h('span', {}, tr('web.procs.silence_ends_in'), ' ', countdownEl(p.deadline, 'countdown'))),
        h('p', { class: 'verdict-deadline' }, tr('web.prop.deadline'), ' ', timeEl(p.deadline)),
        h('p', { class: 'sub' }, tr('web.prop.silence_note')));
    } else if (p.procedure === 'written') {
      main.push(
        h('p', { class: 'verdict-kicker' }, tr('procedure.written')),
        verdictLabel(icon('clock', 'icon big'),
          h('span', {}, tr('web.procs.voting_ends_in'), ' ', countdownEl(p.deadline, 'countdown'))),
        h('p', { class: 'verdict-deadline' }, tr('web.prop.deadline'), ' ', timeEl(p.deadline)),
        h('p', { class: 'sub' }, tr('web.prop.written_note', { voted: votedLabel(p) })));
    } else if (p.procedure === 'vote') {
      main.push(h('p', { class: 'verdict-kicker' }, tr('procedure.vote')),
        verdictLabel(votedLabel(p)),
        h('p', { class: 'sub' }, tr('web.prop.vote_note')));
    } else if (p.procedure === 'ratification') {
      main.push(h('p', { class: 'verdict-kicker' }, tr('procedure.ratification')),
        verdictLabel(ratificationLabel(p)),
        p.outstanding?.length ? h('p', { class: 'sub' }, tr('web.prop.outstanding'), ' ', p.outstanding.join(' '))
          : null);
    } else {
      main.push(h('p', { class: 'verdict-kicker' }, tr('web.status.open')),
        verdictLabel(tr('web.prop.before', { body: p.body_name })),
        h('p', { class: 'sub' }, tr('web.prop.meeting_note')));
    }
    const side = [];
    if (p.verdict) {
      side.push(h('p', { class: 'verdict-now' },
        tr(p.procedure === 'silence' ? 'web.prop.if_now' : 'web.prop.verdict_now')),
        h('p', { class: `verdict-now-value verdict-${p.verdict}` }, verdictText(p.verdict)),
        explanationText(p, nameOf)
            ? h('p', { class: 'verdict-explanation', id: 'explanation' }, explanationText(p, nameOf)) : null);
      if (p.holding?.length) {
        side.push(h('p', { class: 'holding' }, tr('web.prop.holding'), ' ', namedCodes(p.holding, nameOf)));
      }
    } else {
      side.push(h('p', { class: 'sub' }, tr('web.prop.not_shared')));
    }
    replace(verdict, h('div', { class: 'verdict-main' }, main), h('div', { class: 'verdict-side' }, side));
  }

  // Every letter that broke silence, first to last.
  function breakList() {
    const lines = breakLines(p, nameOf);
    if (!lines.length) return null;
    return h('div', { class: 'breaks' }, h('p', {}, tr('web.prop.silence_broken')),
      h('ul', { id: 'breaks' }, lines.map((b) => h('li', { 'data-kind': b.kind, 'data-members': b.members.join(' ') },
        b.text, ', ', timeEl(b.at)))));
  }

  // ---- the count: a vote's tally and the rule's tests --------------------------------
  function renderCount() {
    const tests = ruleHasTests(p.rule) || isVote(p) ? ruleTests(p) : null;
    if (!tests && !p.tally) { count.hidden = true; return; }
    count.hidden = false;
    const votes = isVote(p);
    replace(count,
      h('div', { class: 'section-head' },
        h('h2', { id: 'count-h' }, tr(votes ? 'web.prop.count_vote' : 'web.prop.count')),
        h('span', { class: 'sub' }, tr(p.status === 'open' ? 'web.prop.as_it_stands' : 'web.prop.as_concluded'))),
      // the count alone, to those who do not see the roll call's legend
      p.tally && !p.positions ? h('ul', {
        class: 'legend vote-tally', id: 'vote-tally', 'aria-label': tr('web.prop.votes'),
      },
        tallyEntries(p.tally).map(([v, n]) => h('li', {
          class: `legend-item pos-${VOTE_POSITION[v]}`, 'data-vote': v,
        }, h('span', { class: 'swatch', 'aria-hidden': 'true' }, icon(POSITION_ICON[VOTE_POSITION[v]])),
        VOTE_LABEL[v], h('span', { class: 'legend-count' }, String(n))))) : null,
      tests ? [
        h('p', { class: 'sub' }, tr('web.prop.rule_under_before'), h('strong', {}, ruleName(p)),
          tr(p.weights ? 'web.prop.rule_under_after_weights' : 'web.prop.rule_under_after')),
        h('div', { class: 'rule-tests', id: 'rule-tests' }, ruleTest(tests, true)),
      ] : null);
  }

  // One test: its words, the count against the threshold, a bar for the
  // eye (the words say it all: the bar is hidden from screen readers).
  function ruleTest(t, top = false) {
    const met = t.met === null ? 'unknown' : t.met ? 'met' : 'not-met';
    const state = tr({
      met: 'web.prop.test.met', 'not-met': 'web.prop.test.not-met', unknown: 'web.prop.test.unknown',
    }[met]);
    if (t.tests) {
      const list = h('ul', { class: 'rule-group' }, t.tests.map((x) => h('li', {}, ruleTest(x))));
      if (top && t.op === 'and') return list;
      return h('div', { class: `rule-test rule-${t.op}`, 'data-met': met, 'data-label': t.label },
        h('p', { class: 'rule-test-head' }, h('span', {}, t.label), stateBadge(met, state)), list);
    }
    const bar = typeof t.fill === 'number' ? h('div', { class: 'rule-bar', 'aria-hidden': 'true' },
      h('span', { class: 'rule-fill', style: `width:${(100 * t.fill).toFixed(2)}%` }),
      typeof t.mark === 'number'
        ? h('span', { class: 'rule-mark', style: `left:${(100 * t.mark).toFixed(2)}%` }) : null)
      : null;
    return h('div', { class: `rule-test rule-${t.op}`, 'data-met': met, 'data-label': t.label },
      h('p', { class: 'rule-test-head' }, h('span', {}, t.label), stateBadge(met, state)),
      h('p', { class: 'rule-test-value' }, h('strong', { class: 'num' }, t.valueText),
        t.thresholdText ? [` · ${tr('web.prop.needs')} `, t.thresholdText] : null,
        t.who && t.who.length ? [' · ', namedCodes(t.who, nameOf)] : null),
      bar);
  }

  const stateBadge = (met, state) => h('span', { class: `rule-state rule-state-${met}` },
    icon({ met: 'check', 'not-met': 'cross', unknown: 'minus' }[met]), state);

  // ---- actions ------------------------------------------------------------------
  async function act(run, okMsg) {
    actionMsg.replaceChildren();
    const np = await run();
    p = np;
    const msg = typeof okMsg === 'function' ? okMsg() : okMsg;
    toast(msg);
    announce.textContent = msg;
    await refreshHistory();
    render();
  }

  // A delegation's statement or vote.  The answer carries the receipt of
  // the event: kept in this browser.
  const keeping = (send) => (body, msg) => {
    let kept = false;
    return act(async () => {
      const { receipt, ...np } = await send(p.id, body);
      if (receipt) kept = receipts.keep(receipt, { member: me, proposal: p.id, title: p.title });
      return np;
    }, () => (kept ? tr('web.act.receipt_kept', { msg }) : msg));
  };
  const post = keeping(api.statePosition);

  // A comment's dialog: put on record, changing nothing.
  const commentDialog = (words) => () => dialog({
    title: tr('web.prop.kind.comment'),
    body: h('p', {}, words),
    fields: [{ name: 'text', label: tr('web.prop.kind.comment'), type: 'textarea', required: true }],
    confirmLabel: tr('web.act.comment_confirm'),
    onConfirm: (v) => post({ position: 'comment', text: v.text }, tr('web.act.comment_done')),
  });

  // Opens an action's dialog; when it closes, focus goes back to its
  // button, or to the verdict if the action ended the procedure.
  const dialog = (o) => openDialog({ ...o, fallbackFocus: verdictHeading });

  function renderActions() {
    actions.hidden = false;
    if (p.status !== 'open') {
      // Concluded: nothing more to do; the verdict panel says when.
      actions.hidden = true;
      replace(actions, h('h2', { id: 'actions-h' }, tr('web.act.actions')));
      return;
    }
    if (role === 'member') return renderDelegation();
    if (role === 'secretariat') return renderSecretariat();
    replace(actions, h('h2', { id: 'actions-h' }, tr('web.act.actions')),
      h('p', { class: 'sub' }, role === 'partner'
        ? tr('web.act.partner_note')
        : tr('web.act.public_note')));
  }

  function renderDelegation() {
    const mine = (p.positions || []).find((x) => x.member === me);
    if (!mine) {
      replace(actions, h('h2', { id: 'actions-h' }, tr('web.act.your_delegation')),
        h('p', { class: 'sub', id: 'not-electorate' }, p.concerned === me
          ? tr('web.act.concerned', { name: nameOf(me) })
          : tr('web.act.not_electorate', { name: nameOf(me) })));
      return;
    }
    if (isVote(p)) return renderVoting(mine);
    const silence = p.procedure === 'silence';
    const amendBreaks = silence && (p.silence_breaks || []).includes('amend');
    // A position's button.  The one for the position already held stays
    // focusable (aria-disabled, not disabled), so focus stays on it after
    // it is pressed; reserve and lift share a place (and a focus key).
    const btn = (label, pos, cls, onclick, { current = false, focus = pos } = {}) => h('button', {
      type: 'button', class: `btn ${cls || ''}`, 'data-action': pos, 'data-focus': `act-${focus}`,
      'aria-pressed': mine.position === pos ? 'true' : null, 'aria-disabled': current ? 'true' : null,
      onclick: current ? null : onclick,
    }, icon(POSITION_ICON[pos] || 'comment'), label);
    const guard = (fn) => async () => {
      try { await fn(); } catch (e) { actionMsg.replaceChildren(alertBox(errorText(e))); }
    };
    replace(actions,
      h('h2', { id: 'actions-h' }, tr('web.who.member', { name: nameOf(me) })),
      h('p', { class: 'mine-line' }, tr('web.act.your_position'), positionBadge(mine.position)),
      h('div', { class: 'action-grid' },
        btn(tr('web.act.concur'), 'concur', 'ok',
          guard(() => post({ position: 'concur' }, tr('web.act.recorded_concur'))),
          { current: mine.position === 'concur' }),
        mine.position === 'reserve'
          ? btn(tr('web.act.lift'), 'lift', '', guard(() => post({ position: 'lift' }, tr('web.act.lifted'))),
            { focus: 'reserve' })
          : btn(tr('web.act.reserve'), 'reserve', '', () => dialog({
            title: tr('web.act.reserve_title'),
            body: h('p', {},
              tr('web.act.reserve_body')),
            fields: [{ name: 'text', label: tr('web.act.note_optional'), type: 'textarea', rows: 3 }],
            confirmLabel: tr('web.act.reserve_confirm'),
            onConfirm: (v) => post({ position: 'reserve', ...(v.text ? { text: v.text } : {}) },
              tr('web.act.reserve_done')),
          })),
        btn(tr('web.act.footnote'), 'footnote', '', () => dialog({
          title: tr('web.act.footnote_title'),
          body: h('p', {}, tr('web.act.footnote_body')),
          fields: [{ name: 'text', label: tr('web.act.statement'), type: 'textarea', required: true }],
          confirmLabel: tr('web.act.footnote_confirm'),
          onConfirm: (v) => post({ position: 'footnote', text: v.text }, tr('web.act.footnote_done')),
        })),
        btn(tr('web.act.abstain'), 'abstain', '', () => dialog({
          title: tr('web.act.abstain_title'),
          fields: [
            { name: 'declared', label: tr('web.act.declared'), type: 'checkbox' },
            { name: 'text', label: tr('web.act.declaration_optional'), type: 'textarea', rows: 3 },
          ],
          confirmLabel: tr('web.act.abstain_title'),
          onConfirm: (v) => post({
            position: 'abstain', ...(v.declared ? { declared: true } : {}), ...(v.text ? { text: v.text } : {}),
          }, tr('web.act.abstain_done')),
        })),
        btn(tr('web.act.comment'), 'comment', 'ghost', commentDialog(silence
          ? tr('web.act.comment_silence')
          : tr('web.act.comment_position')))),
      h('div', { class: 'danger-zone' },
        amendBreaks ? btn(tr('web.act.amend'), 'amend', 'danger', () => dialog({
          title: tr('web.act.amend_title'),
          danger: true,
          body: [
            h('p', {}, h('strong', {}, tr('web.act.amend_warning', { title: p.title, name: nameOf(me) }))),
            h('p', {}, tr('web.act.amend_undone')),
          ],
          fields: [{ name: 'text', label: tr('web.pm.amendment'), type: 'textarea', required: true }],
          confirmLabel: tr('web.act.amend_confirm'),
          onConfirm: (v) => post({ position: 'amend', text: v.text },
            tr('web.act.amend_done', { name: nameOf(me) })),
        })) : null,
        btn(silence ? tr('web.act.break') : tr('web.act.object'), 'object', 'danger', () => dialog({
          title: silence ? tr('web.act.break_title') : tr('web.act.object_title'),
          danger: true,
          body: [
            h('p', {}, silence
              ? h('strong', {},
                tr('web.act.break_warning', { title: p.title, name: nameOf(me) }))
              : h('strong', {}, tr('web.act.object_warning', { rule: p.rule, name: nameOf(me), title: p.title }))),
            h('p', {}, silence
              ? tr('web.act.break_undone')
              : tr('web.act.object_change')),
          ],
          fields: [{
            name: 'reason', label: silence ? tr('web.act.reason_letter') : tr('web.act.reason'), type: 'textarea',
            required: silence,
          }],
          confirmLabel: silence ? tr('web.act.break_confirm') : tr('web.act.object_confirm'),
          onConfirm: (v) => post({ position: 'object', ...(v.reason ? { reason: v.reason } : {}) },
            silence ? tr('web.act.break_done', { name: nameOf(me) }) : tr('web.act.object_done')),
        }), { current: mine.position === 'object' })),
      receiptsLine(false),
      actionMsg);
  }

  // How many receipts the delegation keeps for the proposal, and a link.
  function receiptsLine(voting) {
    const nKept = receipts.countFor(me, p.id);
    return h('p', { class: 'receipts-line sub' }, icon('check'),
      receiptsNote(nKept, voting),
      h('a', { href: `#/receipts?proposal=${p.id}`, id: 'receipts-link' },
        nKept ? tr('web.act.verify_receipts') : tr('web.act.your_receipts')));
  }

  // A delegation's vote: yes, no, abstain (with a formal declaration or
  // not), not participating, each confirmed in a dialog that takes an
  // explanation of vote; under the written procedure, refusing the
  // procedure (which ends it).  The button of the vote already cast stays
  // focusable and pressed, as a position's does.
  function renderVoting(mine) {
    const current = mine.vote || null;
    const written = p.procedure === 'written';
    const voteBody = (vote, extra = {}) => ({ vote, ...extra });
    const cast = keeping(api.castVote);
    const voteBtn = (vote, cls) => {
      const [title, words] = voteDialogText(vote, p);
      const held = current === vote;
      return h('button', {
        type: 'button', class: `btn ${cls}`, 'data-action': `vote-${vote}`, 'data-focus': `vote-${vote}`,
        'aria-pressed': held ? 'true' : null, 'aria-disabled': held ? 'true' : null,
        onclick: held ? null : () => dialog({
          title,
          body: [h('p', {}, h('strong', {}, tr('web.act.votes_on',
            { name: nameOf(me), vote: VOTE_LABEL[vote].toLowerCase(), title: p.title }))),
            h('p', {}, words)],
          fields: [
            vote === 'abstain'
              ? { name: 'declared', label: tr('web.act.declared'), type: 'checkbox' }
              : null,
            { name: 'text', label: tr('web.act.explanation'), type: 'textarea', rows: 3 },
          ].filter(Boolean),
          confirmLabel: tr('web.act.vote_confirm', { vote: VOTE_LABEL[vote].toLowerCase() }),
          onConfirm: (v) => cast(voteBody(vote, {
            ...(v.declared ? { declared: true } : {}), ...(v.text ? { text: v.text } : {}),
          }), tr('web.act.vote_done', { vote: VOTE_LABEL[vote].toLowerCase() })),
        }),
      }, icon(POSITION_ICON[VOTE_POSITION[vote]]), VOTE_LABEL[vote]);
    };
    replace(actions,
      h('h2', { id: 'actions-h' }, tr('web.who.member', { name: nameOf(me) })),
      h('p', { class: 'mine-line' }, tr('web.act.your_vote'), h('span', {
        class: `pos-badge pos-${VOTE_POSITION[voteOf(mine)]}`, id: 'my-vote', 'data-vote': voteOf(mine),
      }, VOTE_LABEL[voteOf(mine)], mine.declared ? tr('web.act.declared_mark') : null)),
      h('div', { class: 'action-grid' },
        voteBtn('yes', 'ok'), voteBtn('no', 'danger-text'), voteBtn('abstain', ''), voteBtn('not-participating', ''),
        h('button', {
          type: 'button', class: 'btn ghost', 'data-action': 'comment', 'data-focus': 'act-comment',
          onclick: commentDialog(tr('web.act.comment_vote')),
        }, icon('comment'), tr('web.act.comment'))),
      written ? h('div', { class: 'danger-zone' }, h('button', {
        type: 'button', class: 'btn danger', 'data-action': 'refuse', 'data-focus': 'act-refuse',
        onclick: () => dialog({
          title: tr('web.act.refuse_title'),
          danger: true,
          body: [
            h('p', {}, h('strong', {}, tr('web.act.refuse_warning', { name: nameOf(me), title: p.title }))),
            h('p', {}, tr('web.act.refuse_undone')),
          ],
          fields: [{ name: 'reason', label: tr('web.act.reason'), type: 'textarea', required: true }],
          confirmLabel: tr('web.act.refuse_confirm'),
          onConfirm: (v) => cast({ refuse: v.reason }, tr('web.act.refuse_done', { name: nameOf(me) })),
        }),
      }, icon('cross'), tr('web.act.refuse'))) : null,
      h('p', { class: 'sub' }, written ? tr('web.act.counted_deadline') : tr('web.act.chair_closes'),
        tr('web.act.vote_change')),
      receiptsLine(true),
      actionMsg);
  }

  function renderSecretariat() {
    // A button opening the action's dialog (made when clicked); its confirm runs the action.
    const actionBtn = (action, cls, ic, label, spec) => h('button', {
      type: 'button', class: cls, 'data-action': action, 'data-focus': `act-${action}`,
      onclick: () => dialog(spec()),
    }, icon(ic), label);
    const run = (action, body, msg) => act(() => api.secretariat(p.id, action, body), msg);
    const items = [];
    if (p.procedure === 'silence') {
      const deadlineField = {
        name: 'deadline', label: tr('web.act.new_deadline'), type: 'datetime', required: true,
        value: isoToLocalInput(extendedDeadline(p.deadline, Date.now())),
      };
      items.push(
        actionBtn('extend', 'btn', 'clock', tr('web.act.extend'), () => ({
          title: tr('web.act.extend_title'),
          body: h('p', {}, tr('web.act.current_deadline'), timeText(p.deadline)),
          fields: [deadlineField],
          confirmLabel: tr('web.act.extend_confirm'),
          onConfirm: (v) => run('extend', { deadline: v.deadline }, tr('web.act.extend_done')),
        })),
        actionBtn('recirculate', 'btn', 'pen', tr('web.act.recirculate'), () => ({
          title: tr('web.act.recirculate_title'),
          body: h('p', {}, tr('web.act.recirculate_body')),
          fields: [
            {
              name: 'text', label: tr('web.act.revised_text'), type: 'textarea', required: true, value: p.text, rows: 6,
            },
            deadlineField,
          ],
          confirmLabel: tr('web.act.recirculate_confirm'),
          onConfirm: (v) => run('recirculate', { text: v.text, deadline: v.deadline },
            tr('web.act.recirculate_done', { n: p.revision + 1 })),
        })));
    }
    const allVoted = p.procedure === 'written' && p.tally && !p.tally.not_voted;
    if (p.procedure === 'meeting' || p.procedure === 'vote' || allVoted) {
      const votes = isVote(p);
      const label = votes ? tr('web.act.close') : tr('web.act.conclude');
      items.push(actionBtn('conclude', 'btn primary', 'check', label, () => ({
        title: votes ? tr('web.act.close_title') : tr('web.act.conclude_title'),
        body: [h('p', {}, votes ? tr('web.act.close_body') : tr('web.act.conclude_body')),
          p.tally ? h('p', {}, tr('web.prop.the_count'), tallyText(p.tally), '.') : null,
          p.verdict ? h('p', {}, tr('web.act.verdict'), h('strong', {}, verdictText(p.verdict)),
            explanationText(p, nameOf) ? ` — ${explanationText(p, nameOf)}` : '') : null],
        confirmLabel: votes ? tr('web.act.close_confirm') : tr('web.act.conclude_confirm'),
        onConfirm: () => run('conclude', undefined, votes ? tr('web.act.close_done') : tr('web.act.conclude_done')),
      })));
    }
    items.push(actionBtn('withdraw', 'btn ghost danger-text', 'cross', tr('web.act.withdraw'), () => ({
      title: tr('web.act.withdraw_title'),
      danger: true,
      body: h('p', {}, tr('web.act.withdraw_body')),
      fields: [{ name: 'reason', label: tr('web.act.reason_optional'), type: 'textarea', rows: 3 }],
      confirmLabel: tr('web.act.withdraw_confirm'),
      onConfirm: (v) => run('withdraw', v.reason ? { reason: v.reason } : {}, tr('web.act.withdraw_done')),
    })));
    replace(actions, h('h2', { id: 'actions-h' }, tr('web.who.secretariat')),
      h('p', { class: 'sub' }, secretariatNote(p)),
      h('div', { class: 'action-grid' }, items), actionMsg);
  }

  // ---- effects --------------------------------------------------------------------
  function renderEffects() {
    const list = p.effects || [];
    if (!list.length) { effects.hidden = true; return; }
    effects.hidden = false;
    const applied = effectsApplied(p);
    replace(effects, h('h2', { id: 'effects-h' }, tr('web.prop.effects')),
      h('p', { class: 'sub' }, effectsNote(p)),
      list.map((e) => effectCard(e, applied)));
  }

  function effectCard(e, applied) {
    const state = effectState(applied);
    if (e.type === 'open-office') {
      const out = !!e.out_of_area;
      // The box keeps the globe's size, so drawing it moves nothing.
      const mapBox = e.lat != null && e.lon != null ? h('div', { class: 'effect-map' }) : null;
      if (mapBox) {
        whenShown(mapBox, () => import('../map.js').then((m) => m.loadLand().then((fc) => mapBox.replaceChildren(
          m.globe(fc, {
            lon: +e.lon, lat: +e.lat, size: 200, cls: out ? 'out' : 'in',
            title: tr('web.pm.place', { city: e.city, where: fmtLatLon(e.lat, e.lon) }),
          })))).catch(() => mapBox.replaceChildren()));
      }
      return h('article', {
        class: `effect effect-${state}`, 'data-effect': e.type, 'data-office': e.id, 'data-out-of-area': String(out),
      },
        h('h3', {}, icon('pin'), tr('web.prop.open_office')),
        h('p', { class: 'effect-name' }, e.name),
        mapBox,
        h('dl', { class: 'kv' },
          h('div', {}, h('dt', {}, tr('web.prop.office.city')), h('dd', {}, `${e.city}, ${nameOf(e.country)}`)),
          e.kind ? h('div', {}, h('dt', {}, tr('web.prop.office.kind')), h('dd', {}, humanize(e.kind))) : null,
          e.lat != null ? h('div', {}, h('dt', {}, tr('web.prop.office.location')),
            h('dd', {}, fmtLatLon(e.lat, e.lon))) : null,
          h('div', {}, h('dt', {}, tr('web.prop.office.id')), h('dd', {}, h('code', {}, e.id)))),
        h('div', { class: `area-flag ${out ? 'out' : 'in'}`, 'data-treaty-area': out ? 'out' : 'in' },
          icon(out ? 'out' : 'check'),
          h('div', {}, h('strong', {}, tr(out ? 'web.reg.legend.out' : 'web.prop.in_area')),
            e.treaty_area ? h('p', {}, capitalize(areaText(e.treaty_area, e.country))) : null)));
    }
    const label = effectLabel(e);
    return h('article', { class: `effect effect-${state}`, 'data-effect': e.type },
      h('h3', {}, label[0]), h('p', {}, label[1]));
  }

  // ---- text, roll call, reasons, history -----------------------------------------
  let revisionsOpen = false;
  function renderText() {
    const revs = p.revisions || [];
    replace(text,
      h('div', { class: 'section-head' },
        h('h2', { id: 'text-h' }, tr('web.prop.text')),
        h('span', { class: 'sub' }, revs.length > 1 ? tr('web.prop.revision_of', { n: p.revision, of: revs.length })
          : tr('web.prop.revision', { n: p.revision }))),
      h('div', { class: 'document' },
        (p.text || tr('web.prop.no_text')).split(/\n{2,}/).map((para) => h('p', {}, para))),
      revs.length > 1 ? h('details', {
        class: 'revisions', open: revisionsOpen || null,
        ontoggle: (ev) => { revisionsOpen = ev.target.open; },
      },
        h('summary', { 'data-focus': 'revisions' }, tr('web.prop.earlier', { n: revs.length - 1 })),
        h('ol', { reversed: true }, [...revs].reverse().slice(1).map((r) => h('li', {},
          h('p', { class: 'sub' }, tr('web.prop.circulated', { n: r.revision }), ' ', timeEl(r.at),
            r.deadline ? [` · ${tr('web.prop.silence_until')} `, timeEl(r.deadline)] : null),
          h('div', { class: 'document small' }, r.text))))) : null);
  }

  function renderRollcall() {
    const positions = p.positions;
    if (!positions) {
      replace(rollcall, h('h2', { id: 'rollcall-h' }, tr('web.prop.meta.electorate')),
        h('p', { class: 'sub' }, tr('web.prop.n_members', { n: p.electorate_size }), ' ',
          tr(role === 'public' ? 'web.prop.public_no_positions' : 'web.prop.partner_no_positions')),
        h('ul', { class: 'chips' }, byName(p.electorate, nameOf)
          .map((c) => h('li', { class: 'chip', title: nameOf(c) }, c))));
      return;
    }
    const votes = isVote(p);
    // Once a vote is closed, a member who never voted did not participate.
    const closed = p.status === 'concluded';
    const t = votes ? voteCounts(positions, closed) : tally(p);
    const sorted = positionsByName(positions, nameOf);
    // The figure each member weighs under the rule, if it weighs them.
    const [attr, weightOf] = Object.entries(p.weights || {})[0] || [];
    replace(rollcall,
      h('div', { class: 'section-head' },
        h('h2', { id: 'rollcall-h' }, tr(votes ? 'web.prop.rollcall_vote' : 'web.prop.rollcall')),
        h('span', { class: 'sub' }, tr('web.prop.rollcall_sub', { n: p.electorate_size }))),
      h('ul', { class: 'legend', 'aria-label': tr('web.prop.legend') },
        (votes ? VOTES : POSITIONS).map((k) => {
          const pos = votes ? VOTE_POSITION[k] : k;
          return h('li', { class: `legend-item pos-${pos}`, [votes ? 'data-vote' : 'data-position']: k },
            h('span', { class: 'swatch', 'aria-hidden': 'true' }, icon(POSITION_ICON[pos])),
            votes ? VOTE_LABEL[k] : POSITION_LABEL[k], h('span', { class: 'legend-count' }, String(t[k] || 0)));
        })),
      attr ? h('p', { class: 'sub' }, tr('web.prop.tile_weight', { what: attrWords(attr).toLowerCase() })) : null,
      silenceConsents(p) ? h('p', { class: 'sub' }, tr('web.prop.silence_consents')) : null,
      h('ul', { class: 'rollcall-grid', id: 'rollcall-grid' }, sorted.map((x) => {
        const { title } = tileLabel(x, nameOf, votes, closed);
        const marks = positionMarks(x, nameOf);
        // Read as "France, Object, with a statement": the code is for the eye.
        return h('li', {
          class: `tile pos-${x.position}${x.member === me ? ' mine' : ''}`,
          'data-member': x.member, 'data-position': x.position, 'data-vote': votes ? voteOf(x, closed) : null,
          'data-signed': x.signed ? 'true' : null, title,
        },
        h('span', { class: 'tile-code', 'aria-hidden': 'true' }, x.member),
        h('span', { class: 'tile-name' }, nameOf(x.member), h('span', { class: 'sr-only' }, ', ')),
        h('span', { class: 'tile-pos' }, icon(POSITION_ICON[x.position]), positionWord(x, votes, closed),
          marks.length ? h('span', { class: 'sr-only' }, ` (${marks.join('; ')})`) : null),
        weightOf && weightOf[x.member] != null ? h('span', { class: 'tile-weight num' },
          h('span', { class: 'sr-only' }, `, ${attrWords(attr).toLowerCase()} `), weightOf[x.member]) : null,
        x.member === me ? h('span', { class: 'sr-only' }, `, ${tr('web.prop.your_delegation')}`) : null,
        x.text ? h('span', { class: 'tile-note' }, icon('comment'),
          h('span', { class: 'sr-only' }, `, ${tr('web.prop.with_statement')}`)) : null);
      })));
  }

  function renderReasons() {
    const items = statements(p.positions, events, p.footnotes, nameOf);
    if (!p.positions && !items.length) { reasons.hidden = true; return; }
    reasons.hidden = false;
    replace(reasons, h('h2', { id: 'reasons-h' }, tr('web.prop.reasons')),
      items.length ? h('ul', { class: 'statements' }, items.map(statement))
        : h('p', { class: 'empty' }, tr('web.prop.no_statement')));
  }

  function statement(x) {
    return h('li', { class: `statement pos-${x.kind}`, 'data-member': x.member, 'data-kind': x.kind },
      h('div', { class: 'statement-head' },
        h('strong', {}, `${nameOf(x.member)} (${x.member})`),
        statementBadge(x),
        x.marks.length ? h('span', { class: 'statement-marks' }, x.marks.join(' · ')) : null,
        x.at ? timeEl(x.at) : null),
      x.text ? h('blockquote', {}, x.text) : null);
  }

  // A statement's kind in a badge: a comment, an amendment, a refusal of
  // the written procedure, a vote, or the position.
  function statementBadge(x) {
    const badge = (pos, ic, label) => h('span', { class: `pos-badge pos-${pos}`, 'data-position': pos },
      icon(ic), label);
    switch (x.kind) {
      case 'comment': return badge('comment', 'comment', tr('web.prop.kind.comment'));
      case 'amend': return badge('object', 'pen', tr('web.prop.kind.amend'));
      case 'refused': return badge('object', 'cross', tr('web.prop.kind.refused'));
      case 'vote': return badge(x.position, POSITION_ICON[x.position],
        tr('web.prop.kind.vote', { vote: VOTE_LABEL[x.vote].toLowerCase() }));
      default: return positionBadge(x.kind);
    }
  }

  // A history line's parts, with its times as <time> elements and the
  // proposals it names as links.
  const lineOf = (e) => historyLine(e, p.body_name, nameOf).map((x) => {
    if (!x || typeof x !== 'object') return x;
    return x.time ? timeEl(x.time) : h('a', { href: `#/proposals/${x.proposal}` }, `proposal ${x.proposal}`);
  });

  function renderHistory() {
    replace(hist, h('h2', { id: 'history-h' }, tr('web.prop.history')),
      events.length ? h('ol', { class: 'timeline' }, events.map((e) => {
        const note = historyNote(e);
        return h('li', { class: timelineClass(e.type), 'data-type': e.type, 'data-seq': e.seq },
          h('span', { class: 'tl-dot', 'aria-hidden': 'true' }),
          h('div', { class: 'tl-body' },
            h('p', { class: 'tl-what' }, lineOf(e)),
            note ? h('p', { class: 'tl-note' }, note) : null,
            h('p', { class: 'tl-meta' }, timeEl(e.time), h('span', { class: 'tl-actor' }, actorLabel(e.actor, nameOf)),
              h('span', { class: 'tl-seq', title: tr('web.prop.event_title', { seq: e.seq, hash: e.hash }) },
                `#${e.seq}`))));
      })) : h('p', { class: 'empty' }, tr('web.prop.no_record')));
  }

  // The events (and the proposal with them) after a change.
  async function refreshHistory() {
    try {
      const r = await api.proposalHistory(p.id);
      p = r.proposal;
      events = r.events;
    } catch { /* keep what we have */ }
  }

  // ---- first render, then polling ------------------------------------------------------
  lastKey = JSON.stringify(p);
  render();
  replace(ctx.el, announce, crumbs, head, verdict, grid);
  if (asked) afterPaint().then(() => whenShown(blocking, showBlocking));

  let busy = false;
  let again = false; // an event came during a read: read once more after it
  async function poll() {
    if (busy) { again = true; return; }
    if (!ctx.alive() || p.status !== 'open') return;
    busy = true;
    again = false;
    try {
      const np = await api.getProposal(id);
      const key = JSON.stringify(np);
      if (key !== lastKey && ctx.alive()) {
        const was = p.status;
        p = np;
        lastKey = key;
        await refreshHistory();
        if (!ctx.alive()) return;
        render();
        if (was === 'open' && p.status === 'concluded') {
          announce.textContent = tr('web.prop.announce_concluded',
            { outcome: outcomeText(p.outcome), explanation: explanationText(p, nameOf) });
          toast(`${p.title}: ${outcomeText(p.outcome)}`, p.outcome === 'adopted' ? 'ok' : 'warn');
        }
      }
      actionMsg.querySelector('.alert-net')?.remove();
    } catch (e) {
      if (!ctx.alive()) return;
      if (e.status === 404) { notFound(ctx, id, role); return; }
      if (e.status === 0 && !actionMsg.querySelector('.alert-net')) {
        const a = alertBox(errorText(e)); a.classList.add('alert-net'); actionMsg.append(a);
      }
    } finally {
      busy = false;
      if (again) poll();
    }
  }
  const timer = setInterval(() => { if (!isLive()) poll(); }, FALLBACK_MS);
  const onDue = () => setTimeout(poll, 300);
  const onEvent = (ev) => { if (proposalOf(ev.detail) === p.id) poll(); };
  // Back after an outage: what the stream missed before it resumed.
  const onLive = (ev) => { if (ev.detail === 'back') poll(); };
  document.addEventListener('council:deadline', onDue);
  document.addEventListener('council:event', onEvent);
  document.addEventListener('council:live', onLive);
  ctx.onCleanup(() => {
    clearInterval(timer);
    document.removeEventListener('council:deadline', onDue);
    document.removeEventListener('council:event', onEvent);
    document.removeEventListener('council:live', onLive);
    for (const d of document.querySelectorAll('dialog')) d.close();
  });
}

function notFound(ctx, id, role) {
  ctx.title(tr('web.notfound.title'));
  const why = NOT_FOUND_WHY[role];
  replace(ctx.el,
    h('nav', { class: 'crumbs', 'aria-label': tr('web.prop.breadcrumb') },
      h('a', { href: '#/proposals' }, tr('web.procs.title'))),
    h('div', { class: 'card notfound', id: 'not-found' },
      h('h1', { tabindex: '-1' }, tr('web.prop.none_here', { id })),
      h('p', {}, tr('web.prop.none_here_why'), ' ', why || ''),
      h('p', {}, h('a', { class: 'btn', href: '#/proposals' }, tr('web.prop.back')))));
}
