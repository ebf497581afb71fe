// model/navigation.js - the page's address and the header's words: the
// fragment read as a path and a query, the main navigation for a role,
// the principal's label (long and short), and the API reads a route
// starts at once.  Pure (no DOM, no location): main.js routes and draws,
// the Node unit tests import it.
import { url } from '../endpoints.js';
import { countryName, t } from '../i18n.js';

// '#/bodies?at=2003-02-16' -> {path: '/bodies', query: URLSearchParams}
export function parseHash(hash) {
  const raw = decodeURIComponent(hash.replace(/^#/, '')) || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

// The main navigation: [href, label, the paths it is current for].  The
// first three are in index.html already (the shell), for everyone.
export function navLinks(role) {
  return [
    ['#/proposals', t('web.nav.procedures'), /^\/proposals/],
    ['#/bodies', t('web.nav.bodies'), /^\/bodies/],
    ['#/registry/members', t('web.nav.registry'), /^\/registry/],
    role === 'secretariat' ? ['#/propose', t('web.nav.propose'), /^\/propose/] : null,
    role === 'member' ? ['#/receipts', t('web.nav.receipts'), /^\/receipts/] : null,
    role !== 'public' ? ['#/subscriptions', t('web.nav.subscriptions'), /^\/subscriptions/] : null,
  ].filter(Boolean);
}

// The principal's member or partner by name (whoami gives it), or by
// names: code -> name, else by its code.
const nameOf = (p, names) => names?.get(p.code) || countryName(p.code, p.name);

export function principalLabel(p, names) {
  if (!p) return t('web.who.nobody');
  if (p.role === 'secretariat') return t('web.who.secretariat');
  if (p.role === 'member') return t('web.who.member', { name: nameOf(p, names) });
  if (p.role === 'partner') return t('web.who.partner', { name: nameOf(p, names) });
  return t('web.who.public');
}

// The label on a narrow screen.
export function shortLabel(p, names) {
  if (p.role === 'member') return nameOf(p, names);
  if (p.role === 'partner') return t('web.who.partner_short', { code: p.code });
  return principalLabel(p, names);
}

// The API reads the view of `path` needs before it draws anything, started
// while its code loads (api.prefetch); the view asks for the same address.
// A proposal's page is one read: the proposal with its events and the
// states' names.  The procedures list draws its heading first and reads
// its lists then: started earlier, they would share the line with the
// view's code and delay the heading.  A body's power analysis reads the
// bodies and every member (its slider's stops and its first date) before
// it can ask for the analysis: those two start with its code.
export function routeReads(path) {
  const m = path.match(/^\/proposals\/(\d+)$/);
  if (m) return [url.history(Number(m[1]))];
  return /^\/bodies\/[^/]+\/analysis$/.test(path) ? [url.bodies(), url.allMembers()] : [];
}
