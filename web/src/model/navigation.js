// model/navigation.js - the page's address and the header's words: the
// fragment read as a path and a query, the main navigation for a role,
// the principal's label (long and short), and the API reads a route
// starts at once.  Pure (no DOM, no location): main.js routes and draws,
// the Node unit tests import it.
import { url } from '../endpoints.js';

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
    ['#/proposals', 'Procedures', /^\/proposals/],
    ['#/bodies', 'Bodies', /^\/bodies/],
    ['#/registry/members', 'Registry', /^\/registry/],
    role === 'secretariat' ? ['#/propose', 'New proposal', /^\/propose/] : null,
    role === 'member' ? ['#/receipts', 'Receipts', /^\/receipts/] : null,
  ].filter(Boolean);
}

// The principal's member or partner by name (whoami gives it), or by
// names: code -> name, else by its code.
const nameOf = (p, names) => names?.get(p.code) || p.name || p.code;

export function principalLabel(p, names) {
  if (!p) return 'Not signed in';
  if (p.role === 'secretariat') return 'Secretariat';
  if (p.role === 'member') return `Delegation of ${nameOf(p, names)}`;
  if (p.role === 'partner') return `Partner · ${nameOf(p, names)}`;
  return 'Public';
}

// The label on a narrow screen.
export function shortLabel(p, names) {
  if (p.role === 'member') return nameOf(p, names);
  if (p.role === 'partner') return `${p.code} (partner)`;
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
