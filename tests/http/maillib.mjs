// maillib.mjs - what the e-mail suites share (mail.test.mjs,
// access.test.mjs): a real SMTP listener on 127.0.0.1
// (tools/smtp_sink.py, Debian's python3-aiosmtpd) and the messages it
// took, read back with Python's email package (tools/mail_parse.py).
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TOOLS = join(dirname(fileURLToPath(import.meta.url)), 'tools');

// The listener: on `port` (0: a free one), writing what it takes to dir;
// tls = [cert, key, 'user:password']: STARTTLS and AUTH required.
export function startSink(dir, port = 0, tls = []) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/python3', [join(TOOLS, 'smtp_sink.py'), dir, String(port), ...tls],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve({ child, dir, port: Number(m[1]) });
    });
    child.on('exit', (code) => reject(new Error(`smtp_sink.py exited ${code}: ${err}`)));
  });
}

export async function stopSink(s) {
  if (s.child.exitCode !== null) return;
  const gone = new Promise((r) => s.child.on('exit', r));
  s.child.kill('SIGKILL');
  await gone;
}

// Every message the sink in dir took so far, parsed.
export function mails(dir) {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    .map((f) => join(dir, f.replace(/\.json$/, '.eml')));
  if (!files.length) return [];
  return JSON.parse(execFileSync('/usr/bin/python3', [join(TOOLS, 'mail_parse.py'), ...files],
    { encoding: 'utf8', maxBuffer: 256 << 20 }));
}

const part = (m, type) => {
  const p = m.parts.find((x) => x.type === type);
  assert.ok(p, `${m.file}: no ${type} part`);
  return p.text.replace(/\r\n/g, '\n');
};
export const text = (m) => part(m, 'text/plain');
export const html = (m) => part(m, 'text/html');
// The webhook body a message carries, at the end of its text part.
export const carried = (m) => JSON.parse(/\n(\{[\s\S]*\n\})\n/.exec(text(m))[1]);
