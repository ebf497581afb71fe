// live.js - the tab's one stream of the log (GET /api/v1/events/stream,
// Server-Sent Events, docs/api.yaml), so views update without polling.
//
// Read with fetch rather than EventSource: EventSource cannot send the
// Authorization header, and the session's long-lived bearer token must not
// go into a URL (URLs land in logs and history).  So this module speaks
// the protocol itself: it parses the messages, remembers the last id, and
// reconnects after `retry` ms with Last-Event-ID, as EventSource would, so
// that nothing is missed across a reconnection or a server restart.
//
// Each event is dispatched on `document` as `council:event` (detail: the
// event as /log shows it); the stream's state as `council:live` (detail:
// 'live', 'back' when live again after an outage, or 'down').  Views
// refresh on the events that concern them, read once more when it is
// 'back' (what happened during the outage, before the stream resumed),
// and poll slowly only while it is down (isLive()).  The footer's
// #live line says which, for everyone (role=status).
import { session } from './api.js';
import { url } from './endpoints.js';
import { t } from './i18n.js';

const RETRY_MS = 3000;

let state = 'down';
let lastId = null;
let ctl = null; // the running connection's AbortController
let token;      // the token the running stream was opened with
let opened;     // the credential it was opened for (token or person)
let upBefore = false; // this stream was live once: the next 'live' is 'back'

export const isLive = () => state === 'live';

// The proposal an event is about, or null (a registry event).
export function proposalOf(e) {
  const p = e.type === 'proposal.created' ? e.payload?.id : e.payload?.proposal;
  return typeof p === 'number' ? p : null;
}

function setState(s) {
  // Every connection counts, the first of a token's too: a stream opened
  // again after sign-in, then lost, is 'back' when it returns.
  const back = s === 'live' && upBefore;
  if (s === 'live') upBefore = true;
  if (s === state && !back) return;
  state = s;
  const el = document.getElementById('live');
  if (el) {
    el.textContent = s === 'live' ? t('web.live.on') : t('web.live.down');
    el.dataset.state = s;
  }
  document.dispatchEvent(new CustomEvent('council:live', { detail: back ? 'back' : s }));
}

function dispatch(msg) {
  if (msg.id !== undefined) lastId = msg.id;
  if (msg.data === undefined) return;
  let e;
  try { e = JSON.parse(msg.data); } catch { return; }
  document.dispatchEvent(new CustomEvent('council:event', { detail: e }));
}

// One connection, read to its end; resolves with the retry delay.
async function connect(signal) {
  let retry = RETRY_MS;
  const headers = { Accept: 'text/event-stream' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lastId !== null) headers['Last-Event-ID'] = lastId;
  const r = await fetch(url.stream(), { headers, cache: 'no-store', signal });
  if (r.status === 401) return null; // the token is refused: api.js says so on the next read
  if (!r.ok || !r.body) return retry;
  setState('live');
  const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let msg = {};
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (line === '') { dispatch(msg); msg = {}; continue; }
      if (line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      const v = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
      if (field === 'data') msg.data = msg.data === undefined ? v : `${msg.data}\n${v}`;
      else if (field === 'id') msg.id = v;
      else if (field === 'event') msg.event = v;
      else if (field === 'retry' && /^\d+$/.test(v)) retry = Number(v);
    }
  }
  return retry;
}

// Read the stream until aborted, reconnecting after each end.
function run() {
  ctl?.abort();
  const mine = new AbortController();
  ctl = mine;
  (async () => {
    while (!mine.signal.aborted) {
      let wait = RETRY_MS;
      try {
        wait = await connect(mine.signal);
      } catch { /* the network, or aborted */ }
      if (mine.signal.aborted) return;
      setState('down');
      if (wait === null) return;
      await new Promise((res) => setTimeout(res, wait));
    }
  })();
}

// Start the tab's stream, or start it again for another token (sign in,
// sign out).  From the head of the log: what the views read already is
// current, and only what happens next is needed.
export function startLive() {
  // A person's session sends its cookie, not a token: a stream opened
  // before sign-in (the public's) is opened again after it.
  const who = session.token || (session.person ? `person:${session.person.id}` : null);
  if (opened === who && (ctl || document.hidden)) return;
  opened = who;
  token = session.token;
  lastId = null;
  upBefore = false;
  if (!document.hidden) run();
}

// A hidden tab lets its stream go, and takes it up again from the last id
// when shown: a browser keeps six HTTP/1.1 connections to a server for all
// its tabs, and a stream held by every background tab would leave none for
// the tab in use.  While hidden, the views' slow poll stands in.
document.addEventListener('visibilitychange', () => {
  if (token === undefined) return; // not started yet
  if (document.hidden) {
    ctl?.abort();
    ctl = null;
    setState('down');
  } else if (!ctl) {
    run();
  }
});
