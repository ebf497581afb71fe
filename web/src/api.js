// api.js - the HTTP/JSON API (docs/api.yaml) as the page uses it: the
// session (token in sessionStorage), registry caches and the event log.
// The addresses are built by endpoints.js, the log's index by history.js.
import { url } from './endpoints.js';
import { newIndex, indexPage, hasCreation, eventsOf } from './history.js';

const TOKEN_KEY = 'council.token';
const PUBLIC_KEY = 'council.public';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY) || null,
  principal: null, // {role, code}
  browsing: sessionStorage.getItem(PUBLIC_KEY) === '1',
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function request(path, { method = 'GET', body, token = session.token } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The server cannot be reached; the page will try again.');
  }
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!r.ok) {
    const e = data && data.error;
    const err = new ApiError(r.status, e?.code || 'http',
      e?.message || `The server answered ${r.status}.`);
    if (r.status === 401 && token && token === session.token) onUnauthorized(err);
    throw err;
  }
  return data;
}

// ---- session ---------------------------------------------------------------

export async function signIn(token) {
  const who = await request(url.whoami(), { token });
  if (who.role === 'public') throw new ApiError(401, 'unauthorized', 'That token stands for no one.');
  session.token = token;
  session.principal = who;
  session.browsing = false;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.removeItem(PUBLIC_KEY);
  resetCaches();
  return who;
}

export function browseAsPublic() {
  session.token = null;
  session.principal = { role: 'public', code: null };
  session.browsing = true;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.setItem(PUBLIC_KEY, '1');
  resetCaches();
}

export function signOut() {
  session.token = null;
  session.principal = null;
  session.browsing = false;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PUBLIC_KEY);
  resetCaches();
}

export async function restore() {
  if (session.token) {
    try {
      session.principal = await request(url.whoami());
    } catch (e) {
      if (e.status === 401) signOut();
      else throw e;
    }
  } else if (session.browsing) {
    session.principal = { role: 'public', code: null };
  }
  return session.principal;
}

export const role = () => session.principal?.role || 'public';

// ---- registry (cached: it changes only through adopted decisions) ----------

const cache = new Map();
function cached(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}
export function resetCaches() { cache.clear(); logState = null; }
export function dropRegistryCache() {
  for (const k of [...cache.keys()]) if (k.startsWith('reg:')) cache.delete(k);
}

export const allMembers = () => cached('reg:members:all', () => request(url.allMembers()));
export const members = (at, body) => request(url.members(at, body));
export const bodies = (at) => request(url.bodies(at));
export const partners = (at) => request(url.partners(at));
export const allPartners = () => cached('reg:partners', () => request(url.partners()));
export const offices = (at) => request(url.offices(at));
export const allOffices = () => request(url.allOffices());

// code -> name for members ever and partners today
export async function names() {
  return cached('reg:names', async () => {
    const [m, p] = await Promise.all([allMembers(), allPartners()]);
    const map = new Map();
    for (const x of p.partners) map.set(x.code, x.name);
    for (const x of m.members) map.set(x.code, x.name);
    return map;
  });
}

// ---- the log's public key (fetched once a session; it names, it is not trusted) --

export const logKey = () => cached('log:key', () => request(url.logKey()));

// ---- proposals ---------------------------------------------------------------

export const listProposals = (o = {}) => request(url.proposals(o));
export const getProposal = (id) => request(url.proposal(id));
export const propose = (body) => request(url.proposals(), { method: 'POST', body });
export const statePosition = (id, body) => request(url.positions(id), { method: 'POST', body });
export const secretariat = (id, action, body = {}) =>
  request(url.action(id, action), { method: 'POST', body });

// ---- the log: a proposal's history -------------------------------------------
// Read incrementally (append-only), kept per session, indexed by proposal.

let logState = null;
let syncing = null;

async function syncLog() {
  if (syncing) return syncing;
  syncing = (async () => {
    if (!logState) logState = newIndex();
    const st = logState;
    for (let pages = 0; pages < 100; pages++) {
      const page = await request(url.log(st.cursor, 1000));
      if (st !== logState) return;
      if (!indexPage(st, page)) break;
    }
  })().finally(() => { syncing = null; });
  return syncing;
}

export async function historyOf(id) {
  await syncLog();
  const st = logState;
  if (!hasCreation(st, id) && !st.rescanned.has(id)) {
    // Events may have been out of sight when first read (e.g. before adoption).
    st.rescanned.add(id);
    st.cursor = 1;
    await syncLog();
  }
  return eventsOf(logState, id);
}
