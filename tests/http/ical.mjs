// ical.mjs - iCalendar feeds read by Debian's python3-icalendar, a real
// RFC 5545 parser and not council's (tools/ical_parse.py says what it
// checks and prints).  One parser process for a test file, started at the
// first feed: starting Python and importing icalendar cost 110 ms of CPU
// a feed, more than the parse (2026-12-06).
//
// parseFeed(text) resolves with what ical_parse.py prints for the feed
// ({ problems, calendar, events }), and rejects when it cannot parse it.
// While no feed is being parsed the process does not keep the test file
// running; it ends when the file's process does (its stdin closes).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PARSER = fileURLToPath(new URL('./tools/ical_parse.py', import.meta.url));

// The parser now running: { proc, pending: [{ resolve, reject }] in the
// order the feeds were sent, lines: what it printed past its last line }.
let parser = null;

function idle(p, yes) {
  for (const h of [p.proc, p.proc.stdin, p.proc.stdout, p.proc.stderr]) {
    if (yes) h.unref(); else h.ref();
  }
}

function start() {
  const p = { proc: spawn('/usr/bin/python3', [PARSER, '--serve']), pending: [], lines: '', err: '' };
  const end = (why) => {
    if (parser === p) parser = null;
    if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill();
    const e = new Error(`ical_parse.py: ${why} ${p.err.trim().slice(-600)}`);
    for (const q of p.pending.splice(0)) q.reject(e);
  };
  p.proc.stdout.setEncoding('utf8');
  p.proc.stdout.on('data', (d) => {
    p.lines += d;
    for (let nl; (nl = p.lines.indexOf('\n')) >= 0;) {
      const line = p.lines.slice(0, nl);
      p.lines = p.lines.slice(nl + 1);
      const q = p.pending.shift();
      if (!q) { end(`said more than it was asked: ${line.slice(0, 200)}`); return; }
      let out;
      try { out = JSON.parse(line); } catch (e) { q.reject(new Error(`ical_parse.py printed ${line.slice(0, 200)}: ${e.message}`)); continue; }
      if (out.error) q.reject(new Error(`ical_parse.py: ${out.error}`));
      else q.resolve(out);
    }
    if (!p.pending.length) idle(p, true);
  });
  p.proc.stderr.on('data', (d) => { p.err += d; });
  p.proc.stdin.on('error', (e) => end(e.message));
  p.proc.on('error', (e) => end(e.message));
  // 'close', not 'exit': every answer on stdout is read first
  p.proc.on('close', (code, signal) => end(`ended (${signal ?? code})`));
  return p;
}

export function parseFeed(text) {
  parser ??= start();
  const p = parser;
  const bytes = Buffer.from(text, 'utf8');
  return new Promise((resolve, reject) => {
    if (!p.pending.length) idle(p, false);
    p.pending.push({ resolve, reject });
    p.proc.stdin.write(`${bytes.length}\n`);
    p.proc.stdin.write(bytes);
  });
}
