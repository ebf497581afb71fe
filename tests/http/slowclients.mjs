// slowclients.mjs - a child process (forked by slowloris.test.mjs) that
// plays slowloris: it opens `count` connections to 127.0.0.1:port, spread
// over `addresses` source addresses of 127.0.0.0/8 (so that no per-address
// limit is what stops them), each sending a request line and then one
// header line every `intervalMs`, never ending its headers.
//
// Runs in its own process so that its thousand sockets and timers do not
// slow the test's own client, whose answers are what the test times.
// Messages to the parent: {type: 'open', opened, failed} once every
// connection has connected or failed; {type: 'done', conns: [{address,
// firstByteAt, closedAt, answered}]} once every one is closed or when the
// parent sends 'stop'.
import net from 'node:net';

const { port, count, addresses, intervalMs } = JSON.parse(process.argv[2]);
const conns = [];
let settled = 0;
let failed = 0;

const addressOf = (i) => {
  const k = i % addresses;
  return `127.${101 + Math.floor(k / 250)}.${k % 250}.1`;
};

function report() {
  process.send({ type: 'done', conns: conns.map(({ address, firstByteAt, closedAt, answered }) =>
    ({ address, firstByteAt, closedAt, answered })) });
}

function closed(c) {
  if (c.closedAt) return;
  c.closedAt = Date.now();
  clearInterval(c.timer);
  if (conns.every((x) => x.closedAt)) {
    report();
    process.exit(0);
  }
}

for (let i = 0; i < count; i++) {
  const c = { address: addressOf(i), firstByteAt: 0, closedAt: 0, answered: false, n: 0 };
  conns.push(c);
  const s = net.connect({ port, host: '127.0.0.1', localAddress: c.address });
  s.setNoDelay(true);
  s.on('connect', () => {
    c.firstByteAt = Date.now();
    s.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slowloris/${i}\r\n`);
    c.timer = setInterval(() => { if (!s.destroyed) s.write(`X-Slow-${c.n++}: ${'a'.repeat(8)}\r\n`); }, intervalMs);
    if (++settled === count) process.send({ type: 'open', opened: count - failed, failed });
  });
  s.on('data', () => { c.answered = true; });
  s.on('error', () => {
    if (!c.firstByteAt) {
      failed++;
      if (++settled === count) process.send({ type: 'open', opened: count - failed, failed });
    }
    s.destroy();
    closed(c);
  });
  s.on('end', () => { s.destroy(); closed(c); });
  s.on('close', () => closed(c));
}

process.on('message', (m) => {
  if (m === 'stop') {
    report();
    process.exit(0);
  }
});
