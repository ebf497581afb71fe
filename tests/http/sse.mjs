// sse.mjs - a Server-Sent Events client for the tests: reads
// GET /api/v1/events/stream through fetch and parses each message by the
// HTML standard's rules (fields up to a blank line; `:` lines are
// comments), so a test sees the messages a browser's EventSource would.
//
//   const s = await openStream(base, token, { lastEventId, after });
//   s.status, s.headers            the response's
//   await s.until((msgs) => ...)   wait (bounded) until a predicate holds
//   s.messages                     [{ id, event, data (parsed) }]
//   s.comments                     comment lines seen (": keep-alive")
//   s.lastId                       the last id seen, as EventSource keeps it
//   await s.ended                  resolves when the stream ends; s.error is
//                                  set if it broke instead of ending
//   s.close()
export async function openStream(base, token, { lastEventId, after, signal, headers: extra = {} } = {}) {
  const ac = new AbortController();
  if (signal) signal.addEventListener('abort', () => ac.abort());
  const headers = { Accept: 'text/event-stream', ...extra };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lastEventId !== undefined) headers['Last-Event-ID'] = String(lastEventId);
  const q = after === undefined ? '' : `?after=${after}`;
  const r = await fetch(`${base}/api/v1/events/stream${q}`, { headers, signal: ac.signal });
  const s = {
    status: r.status, headers: r.headers, messages: [], comments: [], retry: null,
    body: null, close: () => ac.abort(),
  };
  if (r.status !== 200 || !(r.headers.get('content-type') || '').startsWith('text/event-stream')) {
    s.body = await r.text();
    s.ended = Promise.resolve();
    return s;
  }
  const waiters = new Set();
  const poke = () => { for (const w of waiters) w(); };
  s.ended = (async () => {
    const dec = new TextDecoder();
    let buf = '';
    let msg = {};
    try {
      for await (const chunk of r.body) {
        buf += dec.decode(chunk, { stream: true });
        let nl;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line === '') {
            if (msg.id !== undefined) s.lastId = msg.id; // kept, data or not
            if (msg.data !== undefined) {
              s.messages.push({ id: msg.id, event: msg.event || 'message', data: JSON.parse(msg.data) });
            }
            msg = {};
            continue;
          }
          if (line.startsWith(':')) { s.comments.push(line); continue; }
          const c = line.indexOf(':');
          const field = c < 0 ? line : line.slice(0, c);
          const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
          if (field === 'data') msg.data = msg.data === undefined ? value : `${msg.data}\n${value}`;
          else if (field === 'id') msg.id = value;
          else if (field === 'event') msg.event = value;
          else if (field === 'retry') s.retry = Number(value);
        }
        poke();
      }
    } catch (e) {
      // Aborted by close(), or broken: a stream cut without its last
      // chunk (s.error says which).
      if (e.name !== 'AbortError') s.error = e;
    } finally {
      s.done = true;
      poke();
    }
  })();
  // Wait until pred(messages) holds; fail after timeoutMs (generous: the
  // machine may be busy) with what was seen.
  s.until = (pred, what = 'the stream to satisfy a condition', timeoutMs = 30000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (pred(s.messages, s)) { waiters.delete(check); clearTimeout(t); resolve(s.messages); return; }
        if (s.done) { waiters.delete(check); clearTimeout(t); reject(new Error(`stream ended before ${what}; ${s.messages.length} messages`)); }
      };
      const t = setTimeout(() => { waiters.delete(check); reject(new Error(`timed out waiting for ${what}; ${s.messages.length} messages, last id ${s.messages.at(-1)?.id}`)); }, timeoutMs);
      waiters.add(check);
      check();
    });
  return s;
}

// Every event of the log a principal sees after seq `after`, through
// GET /api/v1/log: what a stream must carry, one for one.
export async function logAfter(base, token, after) {
  const out = [];
  let from = after + 1;
  for (;;) {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    const r = await fetch(`${base}/api/v1/log?from=${from}&limit=1000`, { headers });
    const page = await r.json();
    if (r.status !== 200) throw new Error(`GET /api/v1/log: ${r.status} ${JSON.stringify(page)}`);
    out.push(...page.events);
    if (!page.next) return out;
    from = page.next;
  }
}
