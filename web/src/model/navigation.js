// model/navigation.js - the page's address and the header's words: the
// fragment read as a path and a query, the principal's label (long and
// short).  Pure (no DOM, no location): main.js routes and draws, the Node
// unit tests import it.

// '#/bodies?at=2003-02-16' -> {path: '/bodies', query: URLSearchParams}
export function parseHash(hash) {
  const raw = decodeURIComponent(hash.replace(/^#/, '')) || '/';
  const [path, qs] = raw.split('?');
  return { path: path || '/', query: new URLSearchParams(qs || '') };
}

// names: code -> name, or null (the label falls back to the code).
export function principalLabel(p, names) {
  if (!p) return 'Not signed in';
  if (p.role === 'secretariat') return 'Secretariat';
  if (p.role === 'member') return `Delegation of ${names?.get(p.code) || p.code}`;
  if (p.role === 'partner') return `Partner · ${names?.get(p.code) || p.code}`;
  return 'Public';
}

// The label on a narrow screen.
export function shortLabel(p, names) {
  if (p.role === 'member') return names?.get(p.code) || p.code;
  if (p.role === 'partner') return `${p.code} (partner)`;
  return principalLabel(p, names);
}
