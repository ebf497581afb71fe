// blocking.js - a proposal's "Who can still block it" (GET
// /api/v1/proposals/{id}/analysis, docs/ANALYSIS.md): the verdict now and
// if the silent stay silent, concur or object; who can still block it
// alone; each single change of position that flips the outcome; the
// smallest set of changes that does.  A principal who does not see the
// positions gets the power of the rule only (`redacted`), and is told so.
// A chunk of its own, loaded by views/proposal.js when asked for (its
// button), or, once asked for in the tab, when the section comes into view
// after the proposal's heading, verdict and roll call are on the screen: a
// first visit to a proposal page does not carry it.
import { h, replace, keepFocus } from './dom.js';
import * as api from './api.js';
import { alertBox, errorText, loading } from './ui.js';
import { t } from './i18n.js';
import {
  verdictRows, verdictWord, verdictExplanation, canBlockText, pivotalRows, flipText, vetoText, blockingText,
  redactedText,
} from './model/analysis.js';

// Draws into `el` (a section the proposal view placed and keeps); returns
// update(p), called with the proposal whenever it changes: the analysis is
// asked again only when the proposal's state has changed.
export function blockingSection(el, { nameOf, alive }) {
  let lastKey = null;
  let seq = 0;
  async function update(p) {
    const key = JSON.stringify([p.status, p.revision, p.positions, p.votes, p.deadline]);
    if (key === lastKey) return;
    lastKey = key;
    const my = ++seq;
    const current = () => alive() && my === seq;
    const open = p.status === 'open';
    // (focus on the button that asked for it goes to the heading)
    if (!el.hasAttribute('data-drawn')) keepFocus(el, () => replace(el, heading(open), loading()), headingEl);
    let a;
    for (let attempt = 1; ; attempt++) {
      try {
        a = await api.proposalAnalysis(p.id);
        break;
      } catch (e) {
        if (!current()) return;
        if (transient(e) && attempt < ATTEMPTS) {
          await new Promise((res) => setTimeout(res, RETRY_MS * attempt));
          if (!current()) return;
          continue;
        }
        // A game too large to analyse is said so, and the page goes on;
        // a failure that may pass is offered again, and asked again when
        // the proposal next changes.
        if (transient(e)) lastKey = null;
        const again = transient(e) ? h('p', {}, h('button', { type: 'button', class: 'btn small', id: 'blocking-retry',
          onclick: () => { lastKey = null; update(p); } }, t('web.error.retry'))) : null;
        keepFocus(el, () => replace(el, heading(open), alertBox(errorText(e)), again), headingEl);
        el.setAttribute('data-drawn', 'error');
        return;
      }
    }
    if (!current()) return;
    keepFocus(el, () => replace(el, heading(open), ...(a.redacted ? redacted(a, nameOf)
      : open ? full(a, p, nameOf) : settled(a, nameOf))), headingEl);
    el.setAttribute('data-drawn', a.redacted ? 'redacted' : 'full');
  }
  return update;
}

// No answer, or the server's own failure (5xx: busy, out of memory), may
// not happen again: asked up to ATTEMPTS times, RETRY_MS, then twice
// that, apart, before the section says so.  A refusal (4xx) stands.
const ATTEMPTS = 3;
const RETRY_MS = 1000;
const transient = (e) => !(e?.status >= 400 && e.status < 500);

const headingEl = () => document.getElementById('blocking-h');
const heading = (open) => h('div', { class: 'section-head' },
  h('h2', { id: 'blocking-h', tabindex: '-1' }, open ? t('web.block.title_open') : t('web.block.title_settled')),
  h('span', { class: 'sub' }, open ? t('web.block.sub_open') : t('web.block.sub_settled')));

// The power of the rule: veto players and the smallest blocking coalition.
function powerLines(a, nameOf) {
  return [
    h('p', { id: 'blocking-veto' }, vetoText({ electorate: a.power.indices?.map((r) => r.member) || [],
      power: a.power }, nameOf).text),
    h('p', { id: 'blocking-smallest' }, blockingText(a.power, nameOf)),
  ];
}

function redacted(a, nameOf) {
  return [h('p', { class: 'note', id: 'blocking-redacted' }, redactedText()), ...powerLines(a, nameOf)];
}

function settled(a, nameOf) {
  return [h('p', { class: 'sub' }, t('web.block.concluded')), ...powerLines(a, nameOf)];
}

function full(a, p, nameOf) {
  const pivotal = pivotalRows(a, nameOf);
  return [
    h('dl', { class: 'kv blocking-verdicts', id: 'blocking-verdicts' }, verdictRows(a).map(([label, v]) => {
      const why = verdictExplanation(v, nameOf);
      return h('div', {},
        h('dt', {}, label),
        h('dd', { 'data-verdict': v.verdict }, h('strong', {}, verdictWord(v)), why ? ` (${why})` : ''));
    })),
    h('p', { id: 'blocking-can', class: 'blocking-can' }, canBlockText(a, nameOf)),
    h('h3', {}, t('web.block.one_change')),
    pivotal.length ? h('ul', { class: 'blocking-pivotal', id: 'blocking-pivotal' },
      pivotal.map((x) => h('li', { 'data-member': x.member, 'data-to': x.to }, x.text)))
      : h('p', { class: 'empty' }, t('web.block.one_change_none')),
    h('h3', {}, t('web.block.smallest_set')),
    h('p', { id: 'blocking-flip' }, flipText(a, nameOf)),
    (a.silent || []).length ? h('p', { class: 'sub' }, t('web.block.silent_so_far', {
      n: a.silent.length, of: p.electorate_size,
    })) : null,
    ...powerLines(a, nameOf),
    h('p', {}, h('a', { href: `#/bodies/${encodeURIComponent(p.body)}/analysis` },
      t('web.block.power_link', { body: p.body_name || p.body }))),
  ];
}
