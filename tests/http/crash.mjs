// crash.mjs - a crash campaign against `council serve`: concurrent writers
// while the server is killed with SIGKILL and restarted, again and again;
// then every write that was acknowledged (2xx) must be in the record.
//
// Used by crash.test.mjs (a few kills, in make check) and scripts/crash.sh
// (`make crash`: a long campaign).  campaign() returns its figures:
//   acknowledged   writes answered 2xx (positions and proposals)
//   lost           acknowledged writes missing afterwards
//   verifyFailures `council verify` runs that failed (after each kill, on
//                  the store as the crash left it, and at the end)
//   restartMs      for each restart, from spawning the server to its first
//                  answer of /healthz
//   after          acknowledged writes after the last restart
// An acknowledged position is checked by its receipt: the event with that
// index must have exactly those bytes, in the log served by the API and in
// `council log export`.  An acknowledged proposal must be served with its
// title, and its proposal.created event be in the export.
import { spawn, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COUNCIL, makeStore, startServer, council } from './lib.mjs';
import { sleep } from './hostile.mjs';

const MEMBERS = ['BE', 'CA', 'DK', 'FR', 'IS', 'IT', 'LU', 'NL', 'NO', 'PT', 'GB', 'US', 'GR', 'TR', 'DE', 'ES',
  'CZ', 'HU', 'PL', 'BG', 'EE', 'LV', 'LT', 'RO', 'SK', 'SI', 'AL', 'HR', 'ME', 'MK', 'FI', 'SE'];

const run = (args) => new Promise((resolve) => execFile(COUNCIL, args, { maxBuffer: 1 << 28 },
  (err, stdout, stderr) => resolve({ code: err ? (err.code ?? -1) : 0, stdout, stderr })));

// One write; null when it was not acknowledged (refused, failed, or the
// server was gone).
async function write(base, token, path, body) {
  try {
    const r = await fetch(base + path, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Connection: 'close' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10000),
    });
    const json = await r.json().catch(() => null);
    return { status: r.status, json };
  } catch {
    return null;
  }
}

export async function campaign({ kills = 3, writers = 32, proposers = 8, minGapMs = 300, maxGapMs = 1500,
  threads = 2, log = () => {} } = {}) {
  const store = makeStore();
  const delegations = MEMBERS.slice(0, writers - proposers);
  const tokens = Object.fromEntries(delegations.map((m) => [m, council(store.db, 'token', 'issue', '--member', m).trim()]));
  const S = store.tokens.secretariat;
  let srv = await startServer(store.db, { threads });
  const cur = { base: srv.base };

  // Each delegation states positions on its own meeting, so no two writers
  // race for one ballot.
  const meetings = {};
  for (const m of delegations) {
    const r = await write(cur.base, S, '/api/v1/proposals', { body: 'NAC', title: `crash: ${m}'s meeting` });
    if (!r || r.status !== 201) throw new Error(`setup: ${JSON.stringify(r)}`);
    meetings[m] = r.json.id;
  }

  const acks = [];
  let stop = false;
  let phase = 0; // restarts so far
  const positionWriter = async (m) => {
    let n = 0;
    while (!stop) {
      const position = n % 2 ? 'concur' : 'abstain';
      const r = await write(cur.base, tokens[m], `/api/v1/proposals/${meetings[m]}/positions`, { position });
      if (r && r.status === 200 && r.json?.receipt) {
        acks.push({ kind: 'position', member: m, index: r.json.receipt.index, event: r.json.receipt.event, phase });
        n++;
      } else if (r && r.status === 409) {
        n++; // an unacknowledged write landed before the crash: it is unchanged
      } else await sleep(20);
    }
  };
  const proposer = async (k) => {
    let n = 0;
    while (!stop) {
      const title = `crash: proposer ${k}, write ${n++}`;
      const r = await write(cur.base, S, '/api/v1/proposals', { body: 'NAC', title });
      if (r && r.status === 201) acks.push({ kind: 'proposal', id: r.json.id, title, phase });
      else await sleep(20);
    }
  };
  const running = [...delegations.map(positionWriter), ...Array.from({ length: proposers }, (_, k) => proposer(k))];

  const restartMs = [];
  let verifyFailures = 0;
  const verify = async (what) => {
    const v = await run(['--db', store.db, 'verify']);
    if (v.code !== 0 || !/^ok: /.test(v.stdout)) {
      verifyFailures++;
      log(`verify failed ${what}: ${v.stderr.trim() || v.stdout.trim()}`);
    }
  };
  try {
    for (let k = 0; k < kills; k++) {
      await sleep(minGapMs + Math.random() * (maxGapMs - minGapMs));
      srv.child.kill('SIGKILL');
      await new Promise((resolve) => (srv.child.exitCode !== null || srv.child.signalCode ? resolve() : srv.child.once('exit', resolve)));
      await verify(`after kill ${k + 1}`);
      const t0 = Date.now();
      srv = await startServer(store.db, { threads });
      restartMs.push(Date.now() - t0);
      phase++;
      cur.base = srv.base;
      log(`kill ${k + 1}: ${acks.length} acknowledged so far; restarted in ${restartMs.at(-1)} ms`);
    }
    // Writes go on after the last restart: wait for some to be
    // acknowledged (a bound, not a pause that a slow machine could miss).
    for (const t0 = Date.now(); acks.filter((a) => a.phase === kills).length < writers && Date.now() - t0 < 20000;) await sleep(50);
  } finally {
    stop = true;
    await Promise.all(running);
  }

  // What the record holds: the log through the API, then the export.
  const served = new Map();
  for (let from = 1; from;) {
    const r = await fetch(`${cur.base}/api/v1/log?from=${from}&limit=1000`, { headers: { Authorization: `Bearer ${S}` } });
    const page = await r.json();
    for (const e of page.events) served.set(e.seq, e.bytes);
    from = page.next;
  }
  const lostWrites = [];
  for (const a of acks.filter((x) => x.kind === 'proposal')) {
    const r = await fetch(`${cur.base}/api/v1/proposals/${a.id}`, { headers: { Authorization: `Bearer ${S}` } });
    const doc = r.ok ? await r.json() : null;
    if (!doc || doc.title !== a.title) lostWrites.push(`proposal ${a.id} '${a.title}' (${r.status})`);
  }
  await srv.stop();
  const exported = join(store.dir, 'export.jsonl');
  const ex = await run(['--db', store.db, 'log', 'export', exported]);
  if (ex.code !== 0) throw new Error(`log export: ${ex.stderr}`);
  const inExport = new Set();
  const created = new Map();
  // JSON Lines (export format 2, docs/MERKLE.md): a header, then one
  // {"salt","event"} line per event with its canonical bytes verbatim after
  // "event":, then the checkpoints.
  const EVENT = /^\{"salt":"[A-Za-z0-9+/]{43}=","event":(.*)\}$/;
  for (const line of readFileSync(exported, 'utf8').split('\n')) {
    const m = EVENT.exec(line);
    if (!m) continue;
    const ev = JSON.parse(m[1]);
    inExport.add(m[1]);
    if (ev.type === 'proposal.created') created.set(ev.payload.id, ev.payload.title);
  }
  for (const a of acks.filter((x) => x.kind === 'position')) {
    if (served.get(a.index + 1) !== a.event) lostWrites.push(`${a.member}'s position, event ${a.index + 1}, not served by the API`);
    else if (!inExport.has(a.event)) lostWrites.push(`${a.member}'s position, event ${a.index + 1}, not in the export`);
  }
  for (const a of acks.filter((x) => x.kind === 'proposal')) {
    if (created.get(a.id) !== a.title) lostWrites.push(`proposal ${a.id} '${a.title}' not in the export`);
  }
  await verify('at the end');
  store.cleanup();
  return {
    kills,
    acknowledged: acks.length,
    positions: acks.filter((x) => x.kind === 'position').length,
    proposals: acks.filter((x) => x.kind === 'proposal').length,
    after: acks.filter((x) => x.phase === kills).length,
    lost: lostWrites.length,
    lostWrites,
    verifyFailures,
    restartMs,
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : 0;
}

// scripts/crash.sh: `node tests/http/crash.mjs KILLS` prints the figures.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const kills = Number(process.argv[2] || 50);
  const t0 = Date.now();
  const r = await campaign({ kills, log: (m) => process.stderr.write(`crash: ${m}\n`) });
  console.log(`crash: ${r.kills} kill -9 of council serve under 32 writers in ${Math.round((Date.now() - t0) / 1000)} s`);
  console.log(`acknowledged writes: ${r.acknowledged} (${r.positions} positions, ${r.proposals} proposals)`);
  console.log(`lost: ${r.lost}`);
  for (const w of r.lostWrites.slice(0, 20)) console.log(`  lost: ${w}`);
  console.log(`verify failures: ${r.verifyFailures}`);
  console.log(`restart time: median ${median(r.restartMs)} ms, max ${Math.max(...r.restartMs)} ms`);
  process.exit(r.lost || r.verifyFailures ? 1 : 0);
}
