// main.js - the council page: session, header, hash router, ticking clocks.
// Each view is a chunk of its own, loaded when its route is first shown;
// the route's first API reads start at the same time (model/navigation.js
// routeReads), so a view's data and its code arrive together.
import { h, replace } from './dom.js';
import * as api from './api.js';
import { tickAll, zone } from './time.js';
import { startLive } from './live.js';
import { alertBox, errorText, loading } from './ui.js';
import { parseHash, principalLabel, shortLabel, navLinks, routeReads } from './model/navigation.js';

// [path, the view's module and export, options]
const ROUTES = [
  [/^\/signin$/, () => import('./views/signin.js'), 'signinView', { public: true }],
  [/^\/proposals$/, () => import('./views/procedures.js'), 'proceduresView'],
  [/^\/proposals\/(\d+)$/, () => import('./views/proposal.js'), 'proposalView'],
  [/^\/propose$/, () => import('./views/propose.js'), 'proposeView', {
    role: 'secretariat', deny: ['Only the secretariat may make proposals. ', 'Sign in with a secretariat token.'],
  }],
  [/^\/receipts$/, () => import('./views/receipts.js'), 'receiptsView', {
    role: 'member', deny: ['Receipts are kept for member delegations. ', 'Sign in with a delegation’s token.'],
  }],
  [/^\/bodies$/, () => import('./views/bodies.js'), 'bodiesView'],
  [/^\/bodies\/([A-Za-z0-9_-]{1,15})\/analysis$/, () => import('./views/analysis.js'), 'analysisView'],
  [/^\/registry(?:\/(members|partners|offices))?$/, () => import('./views/registry.js'), 'registryView'],
];

// The chunks each view imports beyond main's own, by the view's module
// name (build.mjs writes them in the shell; none when run unbundled).
const VIEW_CHUNKS = JSON.parse(document.getElementById('view-chunks')?.textContent || '{}');

// A view's chunks asked for with its code, not once its code has arrived
// and named them (a round trip more before the view can draw).  The view
// of 'proceduresView' is views/procedures.js.
function preloadChunks(exportName) {
  for (const href of VIEW_CHUNKS[exportName.replace(/View$/, '')] || []) {
    if (document.head.querySelector(`link[href="${href}"]`)) continue;
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = href;
    document.head.append(link);
  }
}

const main = document.getElementById('main');
let cleanups = [];
let routeSeq = 0;
let flash = null;
let ready = null; // the session, restored once (whoami)

export function navigate(hash, { replace: rep = false } = {}) {
  if (location.hash === hash) { route(); return; }
  if (rep) { history.replaceState(null, '', hash); route(); } else location.hash = hash;
}

export function setFlash(msg) { flash = msg; }

// The header is in index.html (the shell); this fills in the alliance, the
// principal and the role's links, without changing its size.
function renderHeader(path) {
  const p = api.session.principal;
  const role = p?.role || 'public';
  document.getElementById('alliance-name').textContent = api.session.alliance?.name || '';
  document.getElementById('brand').setAttribute('href', p ? '#/proposals' : '#/signin');
  replace(document.getElementById('site-nav'), navLinks(role).map(([href, label, match]) => h('a', {
    href, class: 'nav-link', 'aria-current': match.test(path) ? 'page' : null,
  }, label)));
  const who = document.getElementById('who');
  if (!p) { replace(who, h('a', { class: 'btn small ghost', href: '#/signin' }, 'Sign in')); return; }
  replace(who, h('span', { class: `who-badge role-${role}`, 'data-role': role, 'data-code': p.code || null },
    h('span', { class: 'sr-only' }, 'Signed in as '),
    h('span', { class: 'who-long' }, principalLabel(p)),
    h('span', { class: 'who-short', 'aria-hidden': 'true' }, shortLabel(p))),
    role === 'public'
      ? h('a', { class: 'btn small ghost', href: '#/signin' }, 'Sign in')
      : h('button', { type: 'button', class: 'btn small ghost', id: 'sign-out', onclick: () => {
        api.signOut();
        setFlash({ kind: 'ok', msg: 'You are signed out.' });
        navigate('#/signin');
      } }, 'Sign out'));
}

async function route() {
  const seq = ++routeSeq;
  for (const c of cleanups.splice(0)) { try { c(); } catch { /* ignore */ } }
  const { path, query } = parseHash(location.hash);
  const hit = ROUTES.find(([re]) => re.test(path));
  // Its data and its code, both on their way before anything waits.
  for (const u of routeReads(path)) api.prefetch(u);
  if (hit) preloadChunks(hit[2]);
  const code = hit ? hit[1]().catch((e) => e) : null;
  try {
    await ready;
  } catch (e) {
    replace(main, alertBox(`The server cannot be reached: ${errorText(e)}`));
    return;
  }
  if (seq !== routeSeq) return;
  if (path === '/') {
    navigate(api.session.principal ? '#/proposals' : '#/signin', { replace: true });
    return;
  }
  const [re, , name, opts] = hit || [];
  // A deep link without a session: browse as the public.
  if (!api.session.principal && !opts?.public) api.browseAsPublic();
  renderHeader(path);
  // The tab's stream of events, again if the token changed (live.js).
  startLive();
  const view = h('div', { class: 'view' });
  const show = () => {
    replace(main, view);
    if (flash) { view.before(alertBox(flash.msg, flash.kind)); flash = null; }
  };
  if (!hit) {
    document.title = 'Not found · council';
    show();
    replace(view, h('h1', { tabindex: '-1' }, 'Page not found'),
      h('p', {}, 'There is no page at this address. ', h('a', { href: '#/proposals' }, 'Go to the procedures.')));
    focusHeading();
    return;
  }
  if (opts?.role && api.role() !== opts.role) {
    document.title = 'Not allowed · council';
    show();
    replace(view, h('h1', { tabindex: '-1' }, 'Not available'),
      h('p', {}, opts.deny[0], h('a', { href: '#/signin' }, opts.deny[1])));
    focusHeading();
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
    const mod = await code;
    if (mod instanceof Error) throw new Error('This part of the page could not be loaded; try again.');
    if (seq !== routeSeq) return;
    show();
    replace(view, loading());
    await mod[name](ctx);
  } catch (e) {
    if (seq !== routeSeq) return;
    show();
    replace(view, h('h1', { tabindex: '-1' }, 'Something went wrong'), alertBox(errorText(e)),
      h('p', {}, h('button', { type: 'button', class: 'btn', onclick: () => route() }, 'Try again')));
  }
  if (seq === routeSeq) focusHeading();
}

// Move focus to the new view's heading (screen readers announce it),
// except on first load, and unless the view put it somewhere already.
let routed = false;
function focusHeading() {
  if (routed && (document.activeElement === document.body || !document.activeElement?.isConnected)) {
    main.querySelector('h1')?.focus({ preventScroll: true });
  }
  routed = true;
}

api.setUnauthorizedHandler(() => {
  api.signOut();
  setFlash({ kind: 'error', msg: 'Your token is no longer accepted (revoked or unknown). Please sign in again.' });
  navigate('#/signin');
});

function start() {
  document.getElementById('tz').textContent = zone;
  ready = api.restore();
  ready.catch(() => { /* route() says so */ });
  window.addEventListener('hashchange', route);
  route();
  setInterval(() => {
    if (tickAll()) document.dispatchEvent(new CustomEvent('council:deadline'));
  }, 1000);
}

start();
