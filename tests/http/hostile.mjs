// hostile.mjs - helpers for the hostile-input tests (protocol, badinput,
// slowloris, crash): raw HTTP exchanges read as bytes, strict UTF-8 JSON,
// the answer a request gets as bytes, and a store's fingerprint.
import net from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { recordAnswer } from './lib.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Send raw bytes on a fresh connection (from localAddress when given) and
// resolve with every byte the server sent until it closed or timeoutMs.
export function exchange(port, bytes, { timeoutMs = 5000, localAddress } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    const done = () => { clearTimeout(t); s.destroy(); resolve(Buffer.concat(chunks)); };
    const t = setTimeout(done, timeoutMs);
    s.on('data', (d) => chunks.push(d));
    s.on('end', done);
    s.on('error', done);
    s.on('connect', () => s.write(bytes));
  });
}

// The first response in buf: { status, headers (lower-case names), body }.
export function parseResponse(buf) {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: Buffer.alloc(0) };
  const head = buf.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number((/^HTTP\/1\.[01] (\d{3})/.exec(head[0]) || [])[1] || 0);
  const headers = {};
  for (const l of head.slice(1)) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const len = Number(headers['content-length'] ?? buf.length - end - 4);
  return { status, headers, body: buf.subarray(end + 4, end + 4 + len) };
}

// Bytes -> JSON, refusing anything that is not valid UTF-8.
export function strictJson(bytes) {
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

// One request through fetch; the answer's bytes and, when they are valid
// UTF-8 JSON, the parsed value (else json is undefined and why says why).
export async function call(base, { method = 'GET', path, token, body, contentType, headers = {} }) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined && contentType !== null) h['Content-Type'] = contentType ?? 'application/json';
  const init = { method, headers: h };
  if (body !== undefined) init.body = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  let r;
  for (let attempt = 0; ; attempt++) {
    try {
      r = await fetch(base + path, init);
      break;
    } catch (e) {
      // a pooled connection closed for idleness: retry a GET once
      if (method !== 'GET' || attempt) throw e;
    }
  }
  const bytes = Buffer.from(await r.arrayBuffer());
  let json;
  let why = '';
  try { json = strictJson(bytes); } catch (e) { why = `${e.message}: ${bytes.toString('latin1').slice(0, 120)}`; }
  recordAnswer(method, path, r.status, json);
  return { status: r.status, bytes, json, why, headers: r.headers };
}

// Whether an answer is the API's error shape, valid UTF-8, with a code and
// a message; returns a string saying what is wrong, or '' when it is.
export function errorShapeProblem(r) {
  if (r.json === undefined) return `not UTF-8 JSON (${r.why})`;
  const e = r.json && r.json.error;
  if (!e || typeof e.code !== 'string' || !e.code) return `no error.code in ${r.bytes.toString().slice(0, 200)}`;
  if (typeof e.message !== 'string' || !e.message) return `no error.message in ${r.bytes.toString().slice(0, 200)}`;
  return '';
}

// Everything the store holds, as one hash: any event, checkpoint, token or
// projection row appended or changed moves it.
// A PostgreSQL store (a libpq keyword string or URI, lib.mjs's BACKEND
// postgresql): every row of every table outside PostgreSQL's own schemas,
// each table in the order a scan gives its rows (as pg_dump --data-only
// would write them), in one query.  Not pg_dump itself: it takes about
// five times as long, and badinput fingerprints the store after each of
// about 500 entries.  Not the sequences' positions, which a refused
// insert rolled back still moves though nothing is stored.
const isPg = (db) => /^postgres(ql)?:\/\/|dbname=/.test(db);
const PG_ROWS = `SELECT string_agg(format('%I.%I', schemaname, tablename) || E'\\n'
    || query_to_xml(format('SELECT * FROM %I.%I', schemaname, tablename), true, false, '')::text,
    E'\\n' ORDER BY schemaname, tablename)
  FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`;
// One session per store, kept open: a psql or sqlite3 started for each
// print cost badinput 79 ms (PostgreSQL) and 20 ms (SQLite) an entry, 56 s
// of its 81 on PostgreSQL, where the query alone takes about 10 ms
// (2026-12-06).  Each print is a fresh statement, so it sees every
// transaction committed before it was sent.  print() resolves with the
// hash; close() ends the session.
export function fingerprinter(db) {
  const pg = isPg(db);
  const child = pg
    ? spawn('/usr/lib/postgresql/15/bin/psql', ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', db])
    : spawn('sqlite3', ['-bail', '-readonly', db]);
  let chunks = [];
  let err = '';
  let waiting = null; // { tail, errBefore, resolve, reject }
  let ended = null;
  const fail = (why) => {
    ended ??= why;
    if (waiting) waiting.reject(new Error(`fingerprint of ${db}: ${ended}`));
    waiting = null;
  };
  // the last n bytes received, or fewer
  const last = (n) => {
    const parts = [];
    for (let i = chunks.length - 1, got = 0; i >= 0 && got < n; i--) {
      parts.unshift(chunks[i]);
      got += chunks[i].length;
    }
    const b = Buffer.concat(parts);
    return b.subarray(Math.max(0, b.length - n));
  };
  child.stdout.on('data', (d) => {
    chunks.push(d);
    if (!waiting || !last(waiting.tail.length).equals(waiting.tail)) return;
    const all = Buffer.concat(chunks);
    chunks = [];
    const w = waiting;
    waiting = null;
    // a print the shell complained about is no print: sqlite3 without
    // -bail would have hashed a partial dump
    if (err.length > w.errBefore) w.reject(new Error(`fingerprint of ${db}: ${err.slice(w.errBefore).trim()}`));
    else w.resolve(createHash('sha256').update(all.subarray(0, all.length - w.tail.length + 1)).digest('hex'));
  });
  child.stderr.on('data', (d) => { err += d; });
  child.stdin.on('error', (e) => fail(e.message));
  child.on('error', (e) => fail(e.message));
  child.on('exit', (code, signal) => fail(`${pg ? 'psql' : 'sqlite3'} ended (${signal ?? code}): ${err.trim()}`));
  let n = 0;
  return {
    print() {
      if (ended) return Promise.reject(new Error(`fingerprint of ${db}: ${ended}`));
      assert(!waiting, 'one print at a time');
      const marker = `-- fingerprint ${randomUUID()} ${++n} --`;
      return new Promise((resolve, reject) => {
        waiting = { tail: Buffer.from(`\n${marker}\n`), errBefore: err.length, resolve, reject };
        child.stdin.write(pg ? `${PG_ROWS};\n\\echo '${marker}'\n` : `.dump\n.print '${marker}'\n`);
      });
    },
    close() {
      if (ended) return Promise.resolve();
      return new Promise((resolve) => { child.once('exit', () => resolve()); child.stdin.end(); });
    },
  };
}

// The number of events in the store.
export function eventCount(db) {
  const sql = 'SELECT count(*) FROM events';
  return Number((isPg(db)
    ? execFileSync('/usr/lib/postgresql/15/bin/psql', ['-X', '-At', '-d', db, '-c', sql], { encoding: 'utf8' })
    : execFileSync('sqlite3', ['-readonly', db, sql], { encoding: 'utf8' })).trim());
}
