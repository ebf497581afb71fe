// lib.mjs - start a real `council serve` on a free 127.0.0.1 port over a
// fresh store seeded with the NATO dataset, with one token per role.
// Used by tests/http/*.test.mjs (node --test).
//
// COUNCIL_TEST_BACKEND=postgresql: the stores are PostgreSQL databases
// instead of SQLite files, in a throwaway PostgreSQL 15 cluster this
// process starts at its first store (tests/pg/cluster.sh) and stops when
// it exits; their signing keys under a private $HOME (a PostgreSQL store's
// key is ~/.config/council/STORE_ID.key).  tests/run.sh runs the suites
// that do not reach into a store's file this way too.
//
// Every answer api() and asPerson() get is checked against docs/api.yaml
// when the file's tests are done (PROBE_X, below).
import { spawn, execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { beforeEach, afterEach } from 'node:test';
import { unlikeSpec } from './spec.mjs';

export const BACKEND = process.env.COUNCIL_TEST_BACKEND || 'sqlite';
if (!['sqlite', 'postgresql'].includes(BACKEND)) {
  throw new Error(`COUNCIL_TEST_BACKEND: '${BACKEND}' is neither sqlite nor postgresql`);
}

export const COUNCIL = process.env.COUNCIL;
if (!COUNCIL) throw new Error('set COUNCIL to the council binary');

export function council(db, ...args) {
  return execFileSync(COUNCIL, ['--db', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// The same without blocking the event loop: use it while a server runs
// and the call may be long, so that the HTTP client's timers keep running
// (a pooled connection must be retired before the server's idle timeout,
// which a loop blocked for longer than that cannot do).
export function councilAsync(db, ...args) {
  return new Promise((resolve, reject) => execFile(COUNCIL, ['--db', db, ...args], { encoding: 'utf8' },
    (e, out, err) => (e ? reject(new Error(`council ${args.join(' ')}: ${err || e.message}`)) : resolve(out))));
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// A store with tokens; the server is started separately so tests can
// stop and restart it over the same store.
// The PostgreSQL cluster of this process (BACKEND postgresql), started
// once; each store is a database of its own in it.
let cluster = null;
function pgDatabase() {
  if (!cluster) {
    const home = mkdtempSync(join(tmpdir(), 'council-http-home-'));
    // not under home (0700): the cluster's user, postgres, must reach it
    const dir = join(tmpdir(), `council-pg-http.${process.pid}`);
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'pg', 'cluster.sh');
    const conn = execFileSync(script, ['start', dir], { encoding: 'utf8' }).trim();
    process.env.HOME = home;
    cluster = { dir, home, conn, script, n: 0 };
    process.on('exit', () => {
      try { execFileSync(cluster.script, ['stop', cluster.dir], { stdio: 'ignore' }); } catch { /* reported by pg_ctl */ }
      rmSync(cluster.home, { recursive: true, force: true });
    });
  }
  const name = `s${++cluster.n}`;
  execFileSync('/usr/lib/postgresql/15/bin/psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', cluster.dir,
    '-U', 'council', '-d', 'postgres', '-c', `CREATE DATABASE ${name} ENCODING 'UTF8'`]);
  return cluster.conn.replace(/dbname=\S+/, `dbname=${name}`);
}

// A new, empty store's address: the file NAME in dir (SQLite), or a new
// database in this process's cluster (BACKEND postgresql).
export function newDb(dir, name) {
  return BACKEND === 'postgresql' ? pgDatabase() : join(dir, name);
}

// Tokens for several members in one call ("CODE TOKEN" a line when
// more than one is asked, as `council token issue --help` says), by code.
export function memberTokens(db, codes) {
  if (!codes.length) return {};
  const out = council(db, 'token', 'issue', ...codes.flatMap((m) => ['--member', m])).trim();
  if (codes.length === 1) return { [codes[0]]: out };
  return Object.fromEntries(out.split('\n').map((line) => line.split(' ')));
}

export function makeStore({ at } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'council-http-'));
  const db = newDb(dir, 'council.db');
  council(db, 'init', ...(at ? ['--at', at] : []));
  const tok = (...a) => council(db, 'token', 'issue', ...a).trim();
  const tokens = {
    secretariat: tok('--role', 'secretariat'),
    ...memberTokens(db, ['FR', 'US', 'HU']),
    JP: tok('--partner', 'JP'),
    public: null,
  };
  return { dir, db, tokens, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const STOP_MS = 60000;

// ---- a case that hangs ------------------------------------------------------
// run.sh cuts a file off after 900 s with nothing to say which case hung,
// or where (a11y.test.mjs on a CI machine, 2026-12-07: one case done,
// then silence).  So under node --test every case, and every stretch
// between two (the hooks), has CASE_MS (COUNCIL_CASE_TIMEOUT seconds,
// default 300: the longest case takes under a minute on a loaded 2-CPU
// machine).  Past it the file prints the step's name, every thread's
// stack in each server it started, and what was registered with
// onHang() (the browser's pages), kills the servers and fails.
const CASE_MS = Number(process.env.COUNCIL_CASE_TIMEOUT || 300) * 1000;
const servers = new Set();
const hangReports = new Set();

// fn() says, in words, something worth knowing when a case hangs;
// returns the function that takes it back.
export function onHang(fn) {
  hangReports.add(fn);
  return () => hangReports.delete(fn);
}

if (process.env.NODE_TEST_CONTEXT) {
  let step = { name: 'the file\'s start and its before hooks', since: Date.now() };
  beforeEach((t) => { step = { name: `the case "${t.name}"`, since: Date.now() }; });
  afterEach((t) => { step = { name: `after the case "${t.name}" (hooks)`, since: Date.now() }; });
  const dog = setInterval(async () => {
    if (Date.now() - step.since < CASE_MS) return;
    clearInterval(dog);
    const out = [`HUNG: ${step.name} has run for ${Math.round((Date.now() - step.since) / 1000)} s`];
    for (const fn of hangReports) {
      try { out.push(await fn()); } catch (e) { out.push(`(${e.message})`); }
    }
    for (const child of servers) out.push(`server pid ${child.pid}, its threads:\n${stacks(child.pid)}`);
    process.stderr.write(`${out.join('\n')}\n`);
    for (const child of servers) child.kill('SIGKILL');
    process.exit(1);
  }, 1000);
  dog.unref();
}

// Every thread's stack in process pid, in words (gdb, as a test's
// diagnosis), or why there are none.
export function stacks(pid) {
  try {
    return execFileSync('gdb', ['-p', String(pid), '-batch', '-nx', '-ex', 'thread apply all bt'],
      { encoding: 'utf8', timeout: 60000, stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n').filter((l) => /^(Thread|#)/.test(l))
      .map((l) => l.replace(/ \(.*\) (at|from) /, ' $1 ').replace(/^#(\d+) +(0x[0-9a-f]+ in )?/, '  #$1 '))
      .join('\n');
  } catch (e) {
    return `(no stacks: gdb: ${e.message})`;
  }
}

// port: the one to listen on (default: a free one), for a test that must
// name it before the server starts (serve --origin).
//
// timeout: the idle timeout, 60 s unless a test asks for its own.  fetch
// keeps a connection in its pool and retires it on the server's Keep-Alive
// hint, by a timer; a test that blocks its event loop longer than the hint
// (execFileSync of the CLI: a person's password hashed three times on a
// loaded machine took 17 s) then writes into a connection the server has
// closed, and the request fails ("fetch failed", people.test.mjs's before
// hook with 15 s, two checks at once).
export async function startServer(db, { threads = 2, timeout = 60, web, args = [], port: want } = {}) {
  const port = want || await freePort();
  const child = spawn(COUNCIL, ['--db', db, 'serve', '--listen', `127.0.0.1:${port}`,
    '--threads', String(threads), '--timeout', String(timeout),
    ...(web === undefined ? [] : ['--web', web]), ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  servers.add(child);
  child.on('exit', () => servers.delete(child));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10000;
  for (;;) {
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null) throw new Error(`server exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`server did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // A server stops within seconds of SIGTERM (serve.c: streams get
  // STREAMS_END_MS, queued writes are answered); one that has not after
  // STOP_MS is hung, a defect: what each of its threads was doing is
  // taken with gdb before it is killed, and the error carries it, so that
  // a hang on a CI machine says where rather than holding the file until
  // run.sh's guard cuts it off with nothing to read.
  const stop = async () => {
    if (child.exitCode !== null) return child.exitCode;
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    child.kill('SIGTERM');
    let timer;
    const LATE = Symbol('late');
    const first = await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, STOP_MS, LATE); })]);
    clearTimeout(timer);
    if (first !== LATE) return first;
    const threads = stacks(child.pid);
    child.kill('SIGKILL');
    await exited;
    throw new Error(`the server (pid ${child.pid}) had not exited ${STOP_MS / 1000} s after SIGTERM; `
      + `its threads then:\n${threads}\nits stderr:\n${stderr}`);
  };
  return { base, port, child, stop, stderr: () => stderr };
}

// fetch with a role's token; returns { status, body (parsed JSON or text) }
export async function api(base, token, method, path, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const init = {
    method,
    headers,
    body: body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body)),
  };
  // One turn of the event loop first: after a long synchronous step (a CLI
  // call) the client's idle timers must run and retire pooled connections
  // the server is about to close, before this request picks one.
  await new Promise((resolve) => setTimeout(resolve, 0));
  let r;
  try {
    r = await fetch(base + path, init);
  } catch (e) {
    // A pooled keep-alive connection the server has just closed for
    // idleness: retry an idempotent GET once on a fresh one, as browsers do.
    if (method !== 'GET') throw e;
    r = await fetch(base + path, init);
  }
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  PROBE_X.push({ method, path, status: r.status, body: parsed, who: token ? 'a token' : 'the public' });
  return { status: r.status, body: parsed, headers: r.headers };
}

export function isoIn(seconds) {
  return new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000)
    .toISOString().replace('.000Z', 'Z');
}

// Send raw bytes on a socket; resolve with the whole response text.
export function raw(port, bytes, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let data = '';
    const t = setTimeout(() => { s.destroy(); resolve(data); }, timeoutMs);
    s.on('data', (d) => { data += d; });
    s.on('end', () => { clearTimeout(t); resolve(data); });
    s.on('error', () => { clearTimeout(t); resolve(data); });
    s.on('connect', () => s.write(bytes));
  });
}

// ---- people and sessions (docs/ARCHITECTURE.md, "People and sessions") -------

// Make a person with `council person add` (delegation: a member's or
// partner's code, or null for the secretariat); its id.
export function addPerson(db, name, delegation, password) {
  const dir = mkdtempSync(join(tmpdir(), 'council-pw-'));
  try {
    const file = join(dir, 'pw');
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
    const who = delegation ? ['--delegation', delegation] : ['--secretariat'];
    return Number(council(db, 'person', 'add', '--name', name, ...who, '--password-file', file).trim());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// POST /api/v1/session: {status, body, cookie (the cn_session value, or
// null), setCookie (the whole header), csrf}.
export async function signIn(base, name, password, headers = {}) {
  const r = await fetch(`${base}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify({ name, password }),
  });
  const text = await r.text();
  let body = text;
  try { body = JSON.parse(text); } catch { /* not JSON */ }
  const setCookie = r.headers.get('set-cookie');
  const m = setCookie && /^cn_session=([^;]*);/.exec(setCookie);
  return { status: r.status, body, headers: r.headers, setCookie, cookie: m ? m[1] : null,
    csrf: body && body.csrf };
}

// A request a session signs in: the cookie, and its CSRF token unless
// csrf is false; extra headers (Origin, Sec-Fetch-Site) as given.
export async function asPerson(base, session, method, path, body, { csrf = true, headers = {} } = {}) {
  const h = { Cookie: `cn_session=${session.cookie}`, ...headers };
  if (csrf) h['X-CSRF-Token'] = session.csrf;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const r = await fetch(base + path, { method, headers: h,
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let parsed = text;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  PROBE_X.push({ method, path, status: r.status, body: parsed, who: 'a person' });
  return { status: r.status, body: parsed, headers: r.headers };
}

// Every answer api() and asPerson() get is checked, once the file's tests
// and hooks have all run (the process about to exit), against
// docs/api.yaml's schema for its route and status (spec.mjs): an answer
// the spec does not describe fails the file (its exit status), here
// rather than in a client generated from the spec.  Not an `after` hook:
// one that fails skips the file's own, which stop its servers.
const PROBE_X = [];
// An answer a file got by its own fetch, checked with the others.
export function recordAnswer(method, path, status, body, who) {
  PROBE_X.push({ method, path, status, body, who });
}
process.once('beforeExit', async () => {
  const { checked, problems } = await unlikeSpec(PROBE_X);
  if (!problems.length) return;
  process.stderr.write(`${checked} answers checked; unlike docs/api.yaml:\n  ${problems.join('\n  ')}\n`);
  process.exitCode = 1;
});
