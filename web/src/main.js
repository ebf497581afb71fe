// main.js - the council page: session, header, hash router, ticking clocks.
// Each view is a chunk of its own, loaded when its route is first shown;
// the route's first API reads start at the same time (model/navigation.js
// routeReads), so a view's data and its code arrive together.
import { h, replace } from './dom.js';
import * as api from './api.js';
import { setLocale, tickAll, zone } from './time.js';
import { startLive } from './live.js';
import { t, currentLang, currentLocale, chooseAndReload, initLang, loadLang } from './i18n.js';
import { alertBox, errorText, loading } from './ui.js';
import { parseHash, principalLabel, shortLabel, navLinks, routeReads } from './model/navigation.js';

// [path, the view's module and export, options]
const ROUTES = [
  [/^\/signin$/, () => import('./views/signin.js'), 'signinView', { public: true }],
  [/^\/proposals$/, () => import('./views/procedures.js'), 'proceduresView'],
  [/^\/proposals\/(\d+)$/, () => import('./views/proposal.js'), 'proposalView'],
  [/^\/propose$/, () => import('./views/propose.js'), 'proposeView', {
    role: 'secretariat', deny: ['web.deny.propose', 'web.deny.propose_link'],
  }],
  [/^\/receipts$/, () => import('./views/receipts.js'), 'receiptsView', {
    role: 'member', deny: ['web.deny.receipts', 'web.deny.receipts_link'],
  }],
  [/^\/bodies$/, () => import('./views/bodies.js'), 'bodiesView'],
  [/^\/bodies\/([A-Za-z0-9_-]{1,15})\/analysis$/, () => import('./views/analysis.js'), 'analysisView'],
  [/^\/registry(?:\/(members|partners|offices))?$/, () => import('./views/registry.js'), 'registryView'],
  [/^\/subscriptions$/, () => import('./views/subscriptions.js'), 'subscriptionsView'],
  [/^\/passkeys$/, () => import('./views/passkeys.js'), 'passkeysView'],
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
let ready = null; // the session, restored once (whoami), and the page's words

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
  if (!p) { replace(who, h('a', { class: 'btn small ghost', href: '#/signin' }, t('web.signin.button'))); return; }
  const person = api.session.person;
  replace(who, h('span', { class: `who-badge role-${role}`, 'data-role': role, 'data-code': p.code || null },
    h('span', { class: 'sr-only' }, t('web.who.signed_in_as')),
    // A person: its name, for its delegation (or the secretariat).
    person ? h('span', { class: 'who-person', id: 'who-person' },
      t('web.who.person', { name: person.name })) : null,
    h('span', { class: 'who-long' }, principalLabel(p)),
    h('span', { class: 'who-short', 'aria-hidden': 'true' }, shortLabel(p))),
    person ? h('a', { class: 'btn small ghost', href: '#/passkeys', id: 'passkeys-link' },
      t('web.passkey.nav')) : null,
    role === 'public'
      ? h('a', { class: 'btn small ghost', href: '#/signin' }, t('web.signin.button'))
      : h('button', { type: 'button', class: 'btn small ghost', id: 'sign-out', onclick: async () => {
        await api.signOut();
        setFlash({ kind: 'ok', msg: t('web.signin.signed_out') });
        navigate('#/signin');
      } }, t('web.signin.sign_out')));
}

// main's data-drawn names the hash whose view is drawn (as the view left
// it: the analysis writes its date into the hash), and is absent while a
// route is on its way; whoever waits for a view (the browser tests' settle)
// waits for it to name the address shown, not for the view before.
async function route() {
  const seq = ++routeSeq;
  delete main.dataset.drawn;
  await drawRoute(seq);
  if (seq === routeSeq) main.dataset.drawn = location.hash;
}

async function drawRoute(seq) {
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
    replace(main, alertBox(t('web.error.unreachable', { error: errorText(e) })));
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
    document.title = `${t('web.notfound.title')} · council`;
    show();
    replace(view, h('h1', { tabindex: '-1' }, t('web.notfound.heading')),
      h('p', {}, t('web.notfound.text'), ' ', h('a', { href: '#/proposals' }, t('web.notfound.link'))));
    focusHeading();
    return;
  }
  if (opts?.role && api.role() !== opts.role) {
    document.title = `${t('web.deny.title')} · council`;
    show();
    replace(view, h('h1', { tabindex: '-1' }, t('web.deny.heading')),
      h('p', {}, t(opts.deny[0]), ' ', h('a', { href: '#/signin' }, t(opts.deny[1]))));
    focusHeading();
    return;
  }
  const ctx = {
    el: view, params: path.match(re).slice(1), query, path,
    principal: api.session.principal,
    alive: () => seq === routeSeq,
    onCleanup: (f) => cleanups.push(f),
    title: (s) => { document.title = `${s} · council`; },
    navigate,
  };
  try {
    const mod = await code;
    if (mod instanceof Error) throw new Error(t('web.error.chunk'));
    if (seq !== routeSeq) return;
    show();
    replace(view, loading());
    await mod[name](ctx);
  } catch (e) {
    if (seq !== routeSeq) return;
    show();
    replace(view, h('h1', { tabindex: '-1' }, t('web.error.heading')), alertBox(errorText(e)),
      h('p', {}, h('button', { type: 'button', class: 'btn', onclick: () => route() }, t('web.error.retry'))));
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
  const person = api.session.person;
  api.signOut();
  setFlash({ kind: 'error', msg: t(person ? 'web.signin.session_ended' : 'web.signin.revoked') });
  navigate('#/signin');
});

// The shell (index.html) is written in English: the document's language,
// the time zone, the switch to the other language, and in French the
// rest of the shell in French.
function shellIn(lang) {
  document.documentElement.lang = lang;
  document.getElementById('tz').textContent = zone;
  const sw = document.getElementById('lang-switch');
  sw.onclick = () => chooseAndReload(lang === 'fr' ? 'en' : 'fr');
  if (lang === 'en') return;
  sw.textContent = t('web.lang.en');
  sw.setAttribute('lang', 'en');
  document.getElementById('skip-link').textContent = t('web.shell.skip');
  document.getElementById('site-nav').setAttribute('aria-label', t('web.shell.nav_label'));
  const tz = h('span', { id: 'tz' }, zone);
  replace(document.getElementById('footer-times'), ...t('web.shell.footer_times', { zone: '\u0000' })
    .split('\u0000').flatMap((part, i) => (i ? [tz, part] : [part])));
  document.getElementById('footer-record').textContent = t('web.shell.footer_record');
  document.getElementById('live').textContent = t('web.live.starting');
  const ld = main.querySelector('.loading');
  if (ld) ld.textContent = t('web.loading');
}

function start() {
  initLang();
  setLocale(currentLocale());
  // The words (French is a chunk of its own) and the session at once.
  ready = Promise.all([loadLang().then(() => shellIn(currentLang())), api.restore()]);
  ready.catch(() => { /* route() says so */ });
  window.addEventListener('hashchange', route);
  route();
  setInterval(() => {
    if (tickAll()) document.dispatchEvent(new CustomEvent('council:deadline'));
  }, 1000);
}

start();
