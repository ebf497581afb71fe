// api.js - the HTTP/JSON API (docs/api.yaml) as the page uses it: the
// session (a person's, by the server's HttpOnly cookie, its CSRF token in
// memory only; or a pasted token, in sessionStorage), the alliance the store names, the
// registry caches, and reads started early (prefetch) so that a view's
// data is on its way while its code loads.  The addresses come from
// endpoints.js.
import { url } from './endpoints.js';
import { countryName, t } from './i18n.js';

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
  alliance: null, // {id, name}, from whoami
  browsing: sessionStorage.getItem(PUBLIC_KEY) === '1',
  // A person signed in by name and password: {id, name, role, code}; the
  // cookie is the browser's (HttpOnly), and every write carries csrf.
  person: null,
  csrf: null,
};

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export async function request(path, { method = 'GET', body, token = session.token } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  else if (session.csrf && method !== 'GET') headers['X-CSRF-Token'] = session.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    // Never kept by the browser: what a token reads must not be stored.
    r = await fetch(path, {
      method, headers, cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', t('web.error.network'));
  }
  const text = await r.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!r.ok) {
    const e = data && data.error;
    const err = new ApiError(r.status, e?.code || 'http',
      e?.message || `The server answered ${r.status}.`);
    if (r.status === 401 && ((token && token === session.token) || (!token && session.person))) {
      onUnauthorized(err);
    }
    throw err;
  }
  return data;
}

// ---- reads started early ---------------------------------------------------
// A read started by prefetch() is handed, once, to the first get() of the
// same address within a few seconds; after that get() asks again.

const EARLY_MS = 5000;
const early = new Map();

export function prefetch(path) {
  if (early.has(path)) return;
  const p = request(path);
  p.catch(() => {}); // handed over to get(), or dropped
  early.set(path, { p, at: Date.now(), token: session.token });
}

function get(path) {
  const e = early.get(path);
  early.delete(path);
  if (e && e.token === session.token && Date.now() - e.at < EARLY_MS) return e.p;
  return request(path);
}

// ---- session ---------------------------------------------------------------

// {role, code, name}: the name is the member's or partner's in the registry.
function setWho(who) {
  session.alliance = who.alliance || null;
  return { role: who.role, code: who.code, name: who.name || null };
}

export async function signIn(token) {
  const who = await request(url.whoami(), { token });
  if (who.role === 'public') throw new ApiError(401, 'unauthorized', t('web.error.no_one'));
  session.token = token;
  session.principal = setWho(who);
  session.browsing = false;
  sessionStorage.setItem(TOKEN_KEY, token);
  sessionStorage.removeItem(PUBLIC_KEY);
  resetCaches();
  return session.principal;
}

// A sign-in's POST (no session yet, so no CSRF token): its answer, or the
// refusal thrown as the API gave it (429 with retryAfter in seconds).
async function signInPost(path, body) {
  let r;
  try {
    r = await fetch(path, { method: 'POST', cache: 'no-store',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', t('web.error.network'));
  }
  const data = await r.json().catch(() => null);
  if (!r.ok) {
    const err = new ApiError(r.status, data?.error?.code || 'http', data?.error?.message || `${r.status}`);
    err.retryAfter = Number(r.headers.get('retry-after')) || null;
    throw err;
  }
  return data;
}

// Sign in as a person: the server sets the session cookie and gives the
// CSRF token its writes need.  A refusal is thrown as the API gave it
// (401 wrong name or password, 429 with retryAfter in seconds).
export async function signInPerson(name, password) {
  return adoptSession(await signInPost(url.session(), { name, password }));
}

// Sign in with a passkey (passkeys.js makes the assertion): the same
// session as a password gives.
export const passkeySignInOptions = () => signInPost(url.passkeySignInOptions(), {});
export async function signInPasskey(assertion) {
  return adoptSession(await signInPost(url.passkeySignIn(), assertion));
}

// The signed-in person's passkeys (a session's, with its CSRF token).
export const passkeys = () => request(url.passkeys());
export const passkeyOptions = () => request(url.passkeyOptions(), { method: 'POST', body: {} });
export const addPasskey = (body) => request(url.passkeys(), { method: 'POST', body });
export const removePasskey = (id) => request(url.passkey(id), { method: 'DELETE' });

async function adoptSession(data) {
  session.token = null;
  session.person = data.person;
  session.csrf = data.csrf;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PUBLIC_KEY);
  resetCaches();
  session.principal = setWho(await request(url.whoami()));
  session.browsing = false;
  return session.person;
}

export function browseAsPublic() {
  // Reads already made without a token stay good.
  if (session.token) resetCaches();
  session.token = null;
  session.principal = { role: 'public', code: null };
  session.browsing = true;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.setItem(PUBLIC_KEY, '1');
}

// Sign out: a person's session ends on the server (its cookie is then
// worth nothing), a token is forgotten by the tab.
export async function signOut() {
  if (session.person) {
    const csrf = session.csrf;
    session.person = null;
    session.csrf = null;
    try {
      await fetch(url.session(), { method: 'DELETE', cache: 'no-store',
        headers: { Accept: 'application/json', 'X-CSRF-Token': csrf } });
    } catch { /* the cookie expires on the server all the same */ }
  }
  session.token = null;
  session.principal = null;
  session.browsing = false;
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(PUBLIC_KEY);
  resetCaches();
}

// Who the tab's token stands for (the public without one), and the
// alliance the store names: one request, whatever the session.
export async function restore() {
  let who;
  try {
    who = await request(url.whoami());
  } catch (e) {
    if (e.status !== 401) throw e;
    await signOut();
    who = await request(url.whoami());
  }
  // A person's session, when the browser holds its cookie: whoami says
  // who, and gives the CSRF token (kept in memory, never in storage).
  if (!session.token && who.person) {
    session.person = { ...who.person, role: who.role, code: who.code };
    session.csrf = who.csrf;
    session.browsing = false;
  }
  const principal = setWho(who);
  if (session.token || session.person) session.principal = principal;
  else if (session.browsing) session.principal = { role: 'public', code: null };
  return session.principal;
}

export const role = () => session.principal?.role || 'public';

// ---- registry (cached: it changes only through adopted decisions) ----------

const cache = new Map();
function cached(key, fn) {
  if (!cache.has(key)) cache.set(key, fn().catch((e) => { cache.delete(key); throw e; }));
  return cache.get(key);
}
export function resetCaches() { cache.clear(); early.clear(); }
export function dropRegistryCache() {
  for (const k of [...cache.keys()]) if (k.startsWith('reg:')) cache.delete(k);
}

export const allMembers = () => cached('reg:members:all', () => get(url.allMembers()));
export const members = (at, body) => get(url.members(at, body));
export const bodies = (at) => get(url.bodies(at));
export const partners = (at) => get(url.partners(at));
export const allPartners = () => cached('reg:partners', () => get(url.partners()));
export const offices = (at) => get(url.offices(at));
export const allOffices = () => get(url.allOffices());
// Power under a body's rule on a date, a what-if beside it (docs/ANALYSIS.md).
export const bodyAnalysis = (key, o) => get(url.bodyAnalysis(key, o));

// code -> name for members ever and partners today
export async function names() {
  return cached('reg:names', async () => {
    const [m, p] = await Promise.all([allMembers(), allPartners()]);
    const map = new Map();
    for (const x of p.partners) map.set(x.code, countryName(x.code, x.name));
    for (const x of m.members) map.set(x.code, countryName(x.code, x.name));
    return map;
  });
}

// ---- the log's public key (fetched once a session; it names, it is not trusted) --

export const logKey = () => cached('log:key', () => get(url.logKey()));

// ---- proposals ---------------------------------------------------------------

export const listProposals = (o = {}) => get(url.proposals(o));
export const getProposal = (id) => request(url.proposal(id));
// One proposal with its events, as the principal may see them: a
// proposal's page in one request (GET /api/v1/proposals/{id}/events).
// A proposal with its whole history: the events come 1,000 a page, and a
// page's `next` is the `after` of the one that follows.  Read from the
// first each time, not from the last event held: a proposal shared since
// shows a partner events it hid before.
export async function proposalHistory(id) {
  // Each page says the sight it was read with; sight follows dates (a
  // seat in a body ends), so a history read across that change would
  // hold one sight's events beside the other's view: read again, whole.
  for (let tries = 1; ; tries++) {
    let r = await get(url.history(id));
    const events = [...r.events];
    const sight = r.sight;
    while (r.next != null && r.sight === sight) {
      r = await get(url.history(id, r.next));
      if (r.sight === sight) events.push(...r.events);
    }
    if (r.sight === sight) return { ...r, events };
    if (tries === 3) throw new ApiError(409, 'sight-changed', t('web.error.sight_changed'));
  }
}
// Who can still turn a proposal (redacted: the power of its rule only).
export const proposalAnalysis = (id) => request(url.proposalAnalysis(id));
export const propose = (body) => request(url.proposals(), { method: 'POST', body });
export const statePosition = (id, body) => request(url.positions(id), { method: 'POST', body });
export const castVote = (id, body) => request(url.votes(id), { method: 'POST', body });
export const secretariat = (id, action, body = {}) =>
  request(url.action(id, action), { method: 'POST', body });

// A principal's own subscriptions (views/subscriptions.js): a person's
// with its session, a token's with the token.
export const webhooks = (after) => request(url.webhooks(after));
export const subscribe = (body) => request(url.webhooks(), { method: 'POST', body });
export const revokeWebhook = (id) => request(url.webhookRevoke(id), { method: 'POST' });
export const calendarFeeds = (after) => request(url.calendarFeeds(after));
export const makeCalendarFeed = (body) => request(url.calendarFeeds(), { method: 'POST', body });
export const revokeCalendarFeed = (id) => request(url.calendarFeedRevoke(id), { method: 'POST' });
