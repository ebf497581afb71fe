// main.js - the council page: session, header, hash router, ticking clocks.
import { h, replace } from './dom.js';
import * as api from './api.js';
import { tickAll, zone } from './time.js';
import { alertBox, errorText } from './ui.js';
import { signinView } from './views/signin.js';
import { proceduresView } from './views/procedures.js';
import { proposalView } from './views/proposal.js';
import { proposeView } from './views/propose.js';
import { bodiesView } from './views/bodies.js';
import { registryView } from './views/registry.js';
import { receiptsView } from './views/receipts.js';
import { parseHash, principalLabel, shortLabel } from './model/navigation.js';

const ROUTES = [
  [/^\/signin$/, signinView, { public: true }],
  [/^\/proposals$/, proceduresView],
  [/^\/proposals\/(\d+)$/, proposalView],
  [/^\/propose$/, proposeView, {
    role: 'secretariat', deny: ['Only the secretariat may make proposals. ', 'Sign in with a secretariat token.'],
  }],
  [/^\/receipts$/, receiptsView, {
    role: 'member', deny: ['Receipts are kept for member delegations. ', 'Sign in with a delegation’s token.'],
  }],
  [/^\/bodies$/, bodiesView],
  [/^\/registry(?:\/(members|partners|offices))?$/, registryView],
];

const header = document.getElementById('site-header');
const main = document.getElementById('main');
let cleanups = [];
let routeSeq = 0;
let flash = null;

export function navigate(hash, { replace: rep = false } = {}) {
  if (location.hash === hash) { route(); return; }
  if (rep) { history.replaceState(null, '', hash); route(); } else location.hash = hash;
}

export function setFlash(msg) { flash = msg; }

async function renderHeader(path) {
  const p = api.session.principal;
  let names = null;
  try {
    names = p && (p.role === 'member' || p.role === 'partner') ? await api.names() : null;
  } catch { /* labels fall back to codes */ }
  const link = (href, label, match) => h('a', {
    href, class: 'nav-link', 'aria-current': match.test(path) ? 'page' : null,
  }, label);
  const nav = p ? h('nav', { class: 'site-nav', 'aria-label': 'Main' },
    link('#/proposals', 'Procedures', /^\/proposals/),
    link('#/bodies', 'Bodies', /^\/bodies/),
    link('#/registry/members', 'Registry', /^\/registry/),
    p.role === 'secretariat' ? link('#/propose', 'New proposal', /^\/propose/) : null,
    p.role === 'member' ? link('#/receipts', 'Receipts', /^\/receipts/) : null) : null;
  const who = p ? h('div', { class: 'who' },
    h('span', { class: `who-badge role-${p.role}`, 'data-role': p.role, 'data-code': p.code || null },
      h('span', { class: 'sr-only' }, 'Signed in as '),
      h('span', { class: 'who-long' }, principalLabel(p, names)),
      h('span', { class: 'who-short', 'aria-hidden': 'true' }, shortLabel(p, names))),
    p.role === 'public'
      ? h('a', { class: 'btn small ghost', href: '#/signin' }, 'Sign in')
      : h('button', { type: 'button', class: 'btn small ghost', id: 'sign-out', onclick: () => {
        api.signOut();
        setFlash({ kind: 'ok', msg: 'You are signed out.' });
        navigate('#/signin');
      } }, 'Sign out')) : null;
  replace(header,
    h('div', { class: 'bar' },
      h('a', { class: 'brand', href: p ? '#/proposals' : '#/signin' },
        h('span', { class: 'logo', 'aria-hidden': 'true' }, logo()),
        h('span', { class: 'brand-name' }, 'council'),
        h('span', { class: 'brand-sub' }, 'North Atlantic Council')),
      who),
    nav);
}

function logo() {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 32 32');
  svg.innerHTML = '<circle cx="16" cy="16" r="14" fill="none" stroke="currentColor" stroke-width="2"/>'
    + '<path d="M16 3l3.2 12.8L16 29l-3.2-13.2z" fill="currentColor"/>'
    + '<path d="M3 16l12.8-3.2L29 16l-13.2 3.2z" fill="currentColor" opacity=".55"/>';
  return svg;
}

async function route() {
  const seq = ++routeSeq;
  for (const c of cleanups.splice(0)) { try { c(); } catch { /* ignore */ } }
  const { path, query } = parseHash(location.hash);
  if (path === '/') {
    navigate(api.session.principal ? '#/proposals' : '#/signin', { replace: true });
    return;
  }
  const hit = ROUTES.find(([re]) => re.test(path));
  // A deep link without a session: browse as the public.
  if (!api.session.principal && !(hit && hit[2]?.public)) api.browseAsPublic();
  await renderHeader(path);
  if (seq !== routeSeq) return;
  const view = h('div', { class: 'view' });
  replace(main, view);
  if (flash) { view.before(alertBox(flash.msg, flash.kind)); flash = null; }
  if (!hit) {
    document.title = 'Not found · council';
    replace(view, h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is no page at this address. ', h('a', { href: '#/proposals' }, 'Go to the procedures.')));
    return;
  }
  const [re, fn, opts] = hit;
  if (opts?.role && api.role() !== opts.role) {
    document.title = 'Not allowed · council';
    replace(view, h('h1', { tabindex: '-1' }, 'Not available'),
      h('p', {}, opts.deny[0], h('a', { href: '#/signin' }, opts.deny[1])));
    return;
  }
  const ctx = {
    el: view, params: path.match(re).slice(1), query, path,
    principal: api.session.principal,
    alive: () => seq === routeSeq,
    onCleanup: (f) => cleanups.push(f),
    title: (t) => { document.title = `${t} · council`; },
    navigate,
  };
  try {
    await fn(ctx);
  } catch (e) {
    if (seq !== routeSeq) return;
    replace(view, h('h1', { tabindex: '-1' }, 'Something went wrong'), alertBox(errorText(e)),
      h('p', {}, h('button', { type: 'button', class: 'btn', onclick: () => route() }, 'Try again')));
  }
  if (seq === routeSeq && document.activeElement === document.body) {
    // Move focus to the new view's heading (screen readers announce it),
    // except on first load.
    if (routed) main.querySelector('h1')?.focus({ preventScroll: true });
  }
  routed = true;
}
let routed = false;

api.setUnauthorizedHandler(() => {
  api.signOut();
  setFlash({ kind: 'error', msg: 'Your token is no longer accepted (revoked or unknown). Please sign in again.' });
  navigate('#/signin');
});

async function start() {
  document.getElementById('tz').textContent = zone;
  try {
    await api.restore();
  } catch (e) {
    replace(main, alertBox(`The server cannot be reached: ${errorText(e)}`));
  }
  window.addEventListener('hashchange', route);
  await route();
  setInterval(() => {
    if (tickAll()) document.dispatchEvent(new CustomEvent('council:deadline'));
  }, 1000);
}

start();
