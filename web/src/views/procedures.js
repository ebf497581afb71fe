// views/procedures.js - open procedures with live countdowns, and the
// concluded ones, the newest page first ("Show older" reads more), or,
// with search words (?q=), the proposals whose title or text holds them,
// as the principal may see them, newest first ("Show more results"); read
// again when the tab's stream (live.js) brings a proposal's event, when a
// deadline passes, and every 10 s only while the stream is down.
// The heading is drawn first, from the session alone (it is the page's
// largest text, what a phone sees first); the lists are read once it is
// on the screen, in their summary form, and each is drawn when it is in,
// the open ones above the concluded ones: the concluded table waits for
// the open cards, so nothing drawn ever moves.
import { h, replace, icon, afterPaint } from '../dom.js';
import * as api from '../api.js';
import { isLive, proposalOf } from '../live.js';
import { timeEl, countdownEl } from '../time.js';
import { t } from '../i18n.js';
import {
  statusBadge, alertBox, errorText, empty, loading, moreButton, PROCEDURE_LABEL, OUTCOME_LABEL,
  POSITIONS, POSITION_LABEL, tableWrap, VOTE_LABEL, VOTE_POSITION,
} from '../ui.js';
import { isVote, voteOf, tallyEntries, tallyText } from '../model/votes.js';
import {
  heading as headingFor, tally, ownPosition, sortOpen, sortConcluded, explanationAfterVerdict, explanationText,
  effectText,
  CONCLUDED_PAGE, OPEN_PAGE, mergePages, listHash,
} from '../model/procedures.js';

const FALLBACK_MS = 10000; // while the stream is down

export async function proceduresView(ctx) {
  const role = api.role();
  const me = ctx.principal?.code;
  ctx.title(headingFor(role)[0]);
  const bodyFilter = ctx.query.get('body') || '';
  const words = (ctx.query.get('q') || '').trim();
  const filt = { body: bodyFilter || undefined, form: 'summary' };
  const doneStatus = role === 'public' ? 'adopted' : 'concluded';
  const heading = headingFor(role, ctx.principal?.name || me);

  // The heading and the filter at once (they need only the principal).
  // The filter keeps its width when its options arrive.
  const filterSel = h('select', { id: 'body-filter', onchange: () => {
    ctx.navigate(listHash(filterSel.value, words));
  } }, h('option', { value: '' }, t('web.procs.all_bodies')),
  bodyFilter ? h('option', { value: bodyFilter }, bodyFilter) : null);
  filterSel.value = bodyFilter;

  const openList = h('div', { class: 'cards', id: 'open-list', 'aria-live': 'polite' });
  const doneList = h('div', { id: 'concluded-list' });
  const status = h('div', { class: 'poll-status', 'aria-live': 'polite' });
  const openSection = role === 'public' ? null : h('section', { 'aria-labelledby': 'open-h' },
    h('h2', { id: 'open-h' }, t('web.procs.open')), openList);
  const doneSection = h('section', { 'aria-labelledby': 'done-h' },
    h('h2', { id: 'done-h' }, role === 'public' ? t('web.procs.decisions') : t('web.procs.concluded')), doneList);
  const lists = h('div', { class: 'lists' }, loading());

  replace(ctx.el,
    h('div', { class: 'page-head' },
      h('div', {},
        h('h1', { tabindex: '-1' }, heading[0]),
        heading[1] ? h('p', { class: 'lead' }, heading[1]) : null),
      h('div', { class: 'head-tools' },
        searchForm(ctx, bodyFilter, words),
        h('label', { for: 'body-filter', class: 'inline-label' }, t('web.procs.body')), filterSel,
        role === 'secretariat' ? h('a', { class: 'btn primary', href: '#/propose' }, t('web.procs.new')) : null)),
    status, lists);

  await afterPaint();
  if (!ctx.alive()) return;
  // The filter's bodies, when they come.
  const fillBodies = () => api.bodies().then((bodies) => {
    if (!ctx.alive()) return;
    replace(filterSel, h('option', { value: '' }, t('web.procs.all_bodies')),
      bodies.bodies.map((x) => h('option', { value: x.id }, `${x.name} (${x.id})`)));
    filterSel.value = bodyFilter;
  }, () => { /* the filter keeps "All bodies" and the one asked for */ });
  if (words) {
    fillBodies();
    await searchResults(ctx, lists, filt, words, bodyFilter);
    return;
  }
  // Every open proposal, OPEN_PAGE a request, newest first (`next` is
  // the `before` of the next page).
  const readOpen = async () => {
    let page = await api.listProposals({ ...filt, status: 'open', limit: OPEN_PAGE });
    let all = page.proposals;
    while (page.next != null) {
      page = await api.listProposals({ ...filt, status: 'open', limit: OPEN_PAGE, before: page.next });
      all = all.concat(page.proposals);
    }
    return { proposals: all };
  };
  // An event while the lists are read may be in neither (a proposal
  // concluded after the concluded list was read, before the open list's
  // last page): noted, and the lists read again once they are drawn.
  let missed = false;
  const onEarly = (ev) => { if (proposalOf(ev.detail) !== null) missed = true; };
  document.addEventListener('council:event', onEarly);
  ctx.onCleanup(() => document.removeEventListener('council:event', onEarly));
  const openRead = role === 'public' ? null : readOpen();
  const doneRead = api.listProposals({ ...filt, status: doneStatus, limit: CONCLUDED_PAGE });
  doneRead.catch(() => { /* awaited below, after the open list */ });
  fillBodies();

  let openKey = null;
  let doneKey = null;
  let busy = false;
  let lastDone = 0;
  let firstPage = [];
  let older = []; // pages read with "Show older"
  let next = null; // the before= of the next older page, null at the end

  let again = false; // an event came during a read: read once more after it
  async function refresh(force = false) {
    if (busy) { again = again || force; return; }
    if (!ctx.alive()) return;
    busy = true;
    try {
      if (role !== 'public') {
        const o = await readOpen();
        if (showOpen(o)) force = true;
      }
      if (force || Date.now() - lastDone > 10000) {
        lastDone = Date.now();
        showDone(await api.listProposals({ ...filt, status: doneStatus, limit: CONCLUDED_PAGE }));
      }
      status.replaceChildren();
    } catch (e) {
      if (ctx.alive() && e.status !== 401) status.replaceChildren(alertBox(errorText(e)));
    } finally {
      busy = false;
      if (again) { again = false; refresh(true); }
    }
  }

  // Draw a list when it changed; true when the open set did (after the first).
  let openShown = [];
  function showOpen(o) {
    const key = JSON.stringify(o.proposals);
    if (key === openKey) return false;
    const changed = openKey !== null;
    openKey = key;
    openShown = o.proposals;
    renderOpen(openShown);
    return changed;
  }
  function showDone(d) {
    const key = JSON.stringify(d.proposals);
    if (key === doneKey) return;
    doneKey = key;
    firstPage = d.proposals;
    if (!older.length) next = d.next;
    renderDone();
    // Read after the open list, it may know of a conclusion that list has
    // not seen yet: a proposal is never shown open and concluded at once.
    const done = new Set(d.proposals.map((p) => p.id));
    if (openShown.some((p) => done.has(p.id))) {
      openShown = openShown.filter((p) => !done.has(p.id));
      renderOpen(openShown);
    }
  }

  // The next older page; focus stays on the button, or, once there is
  // nothing older, goes to the first proposal that page brought.
  async function showOlder() {
    const page = await api.listProposals({ ...filt, status: doneStatus, limit: CONCLUDED_PAGE, before: next });
    if (!ctx.alive()) return;
    older = [...older, ...page.proposals];
    next = page.next;
    renderDone();
    if (next == null) {
      const newest = sortConcluded(page.proposals)[0];
      doneList.querySelector(`tr[data-proposal="${newest?.id}"] a`)?.focus();
    } else {
      doneList.querySelector('#show-older')?.focus();
    }
  }

  function renderOpen(list) {
    if (!list.length) {
      replace(openList, empty(role === 'partner' ? t('web.procs.none_open_partner') : t('web.procs.none_open')));
      return;
    }
    // Silence procedures by deadline, soonest first; then the others.
    replace(openList, sortOpen(list).map((p) => openCard(p, role === 'member' ? me : null)));
  }

  function renderDone() {
    const list = mergePages(firstPage, older);
    if (!list.length) {
      replace(doneList, empty(role === 'public' ? t('web.procs.none_adopted') : t('web.procs.none_concluded')));
      return;
    }
    const rows = sortConcluded(list);
    const caption = role === 'public' ? t('web.procs.title_public') : t('web.procs.concluded_table');
    replace(doneList, tableWrap(caption,
      h('table', { class: 'table' },
      h('caption', { class: 'sr-only' }, caption),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, t('web.procs.col_proposal')),
        h('th', { scope: 'col' }, t('web.procs.col_outcome')),
        h('th', { scope: 'col' }, t('web.procs.col_concluded')))),
      h('tbody', {}, rows.map((p) => h('tr', { 'data-proposal': p.id, 'data-outcome': p.outcome },
        h('td', { class: 'num' }, p.id),
        h('td', {},
          h('a', { href: `#/proposals/${p.id}`, class: 'title-link' }, p.title),
          h('div', { class: 'sub' }, `${p.body_name} (${p.body}) · ${PROCEDURE_LABEL[p.procedure] || p.procedure}`,
            p.tally ? ` · ${tallyText(p.tally)}` : '')),
        h('td', {}, statusBadge(p), explanationText(p)
          ? h('div', { class: 'sub explanation' }, explanationText(p)) : null),
        h('td', {}, timeEl(p.concluded))))))),
    next != null ? h('p', { class: 'more' }, h('button', {
      type: 'button', class: 'btn', id: 'show-older', onclick: async (ev) => {
        ev.currentTarget.setAttribute('aria-busy', 'true');
        try { await showOlder(); } catch (e) { status.replaceChildren(alertBox(errorText(e))); }
      },
    }, role === 'public' ? t('web.procs.older_decisions') : t('web.procs.older_procedures'))) : null);
  }

  // Each list when it is in: the open cards in place of "Loading…", the
  // concluded table below them once both are (it never pushes the cards).
  if (openRead) {
    const open = await openRead;
    if (!ctx.alive()) return;
    replace(lists, openSection, loading());
    showOpen(open);
  }
  const done = await doneRead;
  if (!ctx.alive()) return;
  replace(lists, openSection, doneSection);
  showDone(done);
  lastDone = Date.now();
  const timer = setInterval(() => { if (!isLive()) refresh(); }, FALLBACK_MS);
  const onDue = () => refresh(true);
  const onVis = () => { if (!document.hidden) refresh(true); };
  // A burst of events (a batch of positions) is one read, a moment after.
  let soon = null;
  const onEvent = (ev) => {
    if (proposalOf(ev.detail) === null || soon) return;
    soon = setTimeout(() => { soon = null; refresh(true); }, 150);
  };
  // Back after an outage: what the stream missed before it resumed.
  const onLive = (ev) => { if (ev.detail === 'back') refresh(true); };
  document.addEventListener('council:deadline', onDue);
  document.addEventListener('visibilitychange', onVis);
  document.addEventListener('council:event', onEvent);
  document.addEventListener('council:live', onLive);
  document.removeEventListener('council:event', onEarly);
  if (missed) refresh(true);
  ctx.onCleanup(() => {
    clearInterval(timer);
    clearTimeout(soon);
    document.removeEventListener('council:deadline', onDue);
    document.removeEventListener('visibilitychange', onVis);
    document.removeEventListener('council:event', onEvent);
    document.removeEventListener('council:live', onLive);
  });
}

// The search box: its words go to the list's address (?q=), with the
// body filter; none shows the lists again.
function searchForm(ctx, bodyFilter, words) {
  const input = h('input', { type: 'search', id: 'proposal-search', name: 'q', value: words,
    maxlength: '256', autocomplete: 'off' });
  return h('form', { role: 'search', id: 'search-form', class: 'search-form', onsubmit: (ev) => {
    ev.preventDefault();
    ctx.navigate(listHash(bodyFilter, input.value.trim()));
  } },
  h('label', { for: 'proposal-search', class: 'inline-label' }, t('web.procs.search_label')), input,
  h('button', { type: 'submit', class: 'btn', id: 'search-go' }, t('web.procs.search_button')));
}

// The proposals whose title or text holds every word, as the principal
// may see them (GET /api/v1/proposals?q=: a word only hidden proposals
// hold finds nothing), newest first, CONCLUDED_PAGE at a time; "Show
// more results" reads the next page, focus then on the first it brought.
async function searchResults(ctx, el, filt, words, bodyFilter) {
  const found = h('div', { id: 'results-list', 'aria-live': 'polite' }, loading());
  const heading = h('h2', { id: 'results-h', tabindex: '-1' }, t('web.procs.results', { words }));
  replace(el, h('section', { 'aria-labelledby': 'results-h' },
    h('div', { class: 'section-head' }, heading,
      h('a', { class: 'btn small ghost', id: 'search-clear', href: listHash(bodyFilter, '') },
        t('web.procs.search_clear'))),
    found));
  let shown = [];
  let next = null;
  const read = (before) => api.listProposals({ ...filt, q: words, limit: CONCLUDED_PAGE, before });
  const draw = () => replace(found, shown.length ? tableWrap(t('web.procs.results_table'),
    h('table', { class: 'table' },
      h('caption', { class: 'sr-only' }, t('web.procs.results_table')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, t('web.procs.col_proposal')),
        h('th', { scope: 'col' }, t('web.procs.col_status')),
        h('th', { scope: 'col' }, t('web.procs.col_opened')))),
      h('tbody', {}, shown.map((p) => h('tr', { 'data-proposal': p.id },
        h('td', { class: 'num' }, p.id),
        h('td', {},
          h('a', { href: `#/proposals/${p.id}`, class: 'title-link' }, p.title),
          h('div', { class: 'sub' }, `${p.body_name} (${p.body}) · ${PROCEDURE_LABEL[p.procedure] || p.procedure}`)),
        h('td', {}, statusBadge(p)),
        h('td', {}, timeEl(p.opened))))))) : empty(t('web.procs.search_none')),
  next == null ? null : moreButton('results-more', t('web.procs.results_more'), async () => {
    const page = await read(next);
    if (!ctx.alive()) return;
    const seen = new Set(shown.map((p) => p.id));
    const fresh = page.proposals.filter((p) => !seen.has(p.id)).sort((a, b) => b.id - a.id);
    shown = [...shown, ...fresh];
    next = page.next;
    draw();
    ((fresh.length && found.querySelector(`tr[data-proposal="${fresh[0].id}"] a`)) || heading).focus();
  }));
  try {
    const page = await read();
    if (!ctx.alive()) return;
    // Each page comes in id order; the newest first here.
    shown = [...page.proposals].sort((a, b) => b.id - a.id);
    next = page.next;
    draw();
  } catch (e) {
    if (ctx.alive()) replace(found, alertBox(errorText(e)));
  }
}

function openCard(p, me) {
  const n = tally(p);
  const mine = ownPosition(p, me);
  const eff = (p.effects || []).map(effectSummary);
  return h('article', { class: 'card proc-card', 'data-proposal': p.id, 'data-status': p.status },
    h('div', { class: 'proc-top' },
      statusBadge(p),
      h('span', { class: 'proc-id' }, `#${p.id}`),
      p.shared ? h('span', { class: 'badge subtle' }, t('web.procs.shared')) : null),
    h('h3', {}, h('a', { href: `#/proposals/${p.id}` }, p.title)),
    h('p', { class: 'sub' },
      `${p.body_name} (${p.body}) · ${PROCEDURE_LABEL[p.procedure] || p.procedure} · `
        + t('web.procs.rule', { rule: p.rule_name || p.rule }),
      p.concerned ? ` · ${t('web.procs.concerned', { code: p.concerned })}` : ''),
    (p.procedure === 'silence' || p.procedure === 'written') && p.deadline ? h('div', { class: 'deadline-line' },
      icon('clock'),
      h('span', {}, p.procedure === 'silence' ? t('web.procs.silence_ends_in') : t('web.procs.voting_ends_in'), ' ',
        countdownEl(p.deadline, 'countdown strong')),
      h('span', { class: 'deadline-at' }, timeEl(p.deadline))) : null,
    p.tally ? h('p', { class: 'tally-line' }, tallyEntries(p.tally).filter(([, n]) => n)
      .map(([v, n]) => h('span', { class: `tally pos-${VOTE_POSITION[v]}`, 'data-vote': v },
        t('web.procs.count', { n, what: VOTE_LABEL[v].toLowerCase() })))) : null,
    p.position_counts && !p.tally ? h('p', { class: 'tally-line' },
      POSITIONS.filter((k) => n[k]).map((k) => h('span', { class: `tally pos-${k}` },
        t('web.procs.count', { n: n[k], what: POSITION_LABEL[k].toLowerCase() })))) : null,
    p.verdict ? h('p', { class: `verdict-line verdict-${p.verdict}` },
      p.procedure === 'silence' ? t('web.procs.if_now') : t('web.procs.verdict_now'), ' ',
      h('strong', {}, OUTCOME_LABEL[p.verdict] || t('web.procs.pending')),
      explanationAfterVerdict(p) ? ` — ${explanationAfterVerdict(p)}` : '') : null,
    eff.length ? h('ul', { class: 'effects-line' }, eff.map((x) => h('li', {}, x))) : null,
    mine ? h('p', { class: `mine pos-${mine.position}` },
      isVote(p) ? t('web.procs.your_vote') : t('web.procs.your_position'), ' ',
      h('strong', {}, isVote(p) ? VOTE_LABEL[voteOf(mine)] : POSITION_LABEL[mine.position])) : null);
}

// An effect in a line; a country by its code (the registry is not read here).
function effectSummary(e) {
  return [effectText(e, null),
    e.type === 'open-office' && e.out_of_area
      ? h('span', { class: 'badge warn small-badge' }, t('web.procs.out_of_area')) : null];
}
