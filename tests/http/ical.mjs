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

let child = null;
let pending = []; // { resolve, reject }, in the order the feeds were sent
let lines = '';
let err = '';

function idle(yes) {
  for (const h of [child, child.stdin, child.stdout, child.stderr]) {
    if (yes) h.unref(); else h.ref();
  }
}

function start() {
  child = spawn('/usr/bin/python3', [PARSER, '--serve']);
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    lines += d;
    for (let nl; (nl = lines.indexOf('\n')) >= 0;) {
      const line = lines.slice(0, nl);
      lines = lines.slice(nl + 1);
      const p = pending.shift();
      if (!p) throw new Error(`ical_parse.py said more than it was asked: ${line.slice(0, 200)}`);
      const out = JSON.parse(line);
      if (out.error) p.reject(new Error(`ical_parse.py: ${out.error}`));
      else p.resolve(out);
    }
    if (!pending.length) idle(true);
  });
  child.stderr.on('data', (d) => { err += d; });
  child.on('exit', (code, signal) => {
    const why = new Error(`ical_parse.py ended (${signal ?? code}): ${err.trim().slice(-600)}`);
    for (const p of pending) p.reject(why);
    pending = [];
    child = null;
  });
}

export function parseFeed(text) {
  if (!child) start();
  const bytes = Buffer.from(text, 'utf8');
  return new Promise((resolve, reject) => {
    if (!pending.length) idle(false);
    pending.push({ resolve, reject });
    child.stdin.write(`${bytes.length}\n`);
    child.stdin.write(bytes);
  });
}
