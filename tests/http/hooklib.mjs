// hooklib.mjs - what the webhook suites share (webhooks.test.mjs,
// reminders.test.mjs): a real HTTP receiver on 127.0.0.1, the signature
// check docs/WEBHOOKS.md tells a receiver to make, and waiting for a
// condition with a generous bound (never a sleep-and-hope).
import http from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WAIT_MS = 60000; // a busy 2-CPU machine: generous, and a condition, not a sleep

// The receiver: every request kept with its raw body; the answer's status
// is chosen per path (a list, used in order, then 200).
export function receiver(port = 0) {
  const got = [];
  const plan = new Map();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      got.push({ path: req.url, headers: req.headers, body, method: req.method });
      const statuses = plan.get(req.url) || [];
      const status = statuses.length ? statuses.shift() : 200;
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({
    server, got, plan, url: (path) => `http://127.0.0.1:${server.address().port}${path}`,
    port: server.address().port,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  })));
}

// What docs/WEBHOOKS.md says a receiver does: HMAC-SHA256 under the
// secret of "t.body", compared in constant time, t within 5 minutes.
export function verify(secret, header, body) {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header || '');
  if (!m) return `malformed signature header: ${header}`;
  const t = Number(m[1]);
  if (Math.abs(Date.now() / 1000 - t) > 300) return `timestamp ${t} out of tolerance`;
  const want = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  if (!timingSafeEqual(want, Buffer.from(m[2], 'hex'))) return 'signature does not match';
  return null;
}

export async function until(what, fn, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

