// mail.test.mjs - e-mail notifications (docs/MAIL.md) to a real SMTP
// listener started by the test (tests/http/tools/smtp_sink.py, Debian's
// python3-aiosmtpd, on 127.0.0.1), each message read back with Python's
// email package (tools/mail_parse.py): RFC 5322 and MIME,
// multipart/alternative with a text and an HTML part, UTF-8, the
// subscriber's language (French with French typography), HTML escaped,
// threading headers; an event notice; a reminder before the deadline,
// once; nothing about a proposal its owner may not see; a 451 retried
// then delivered; a 550 recorded as failed at once; a kill -9 between
// the commit and the delivery, delivered once after the restart; a
// subscription waiting while a server runs without --smtp, sent after;
// bad input refused naming the field, and refused without --smtp.  Every
// wait is for a condition with a generous bound (hooklib.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, makeStore, startServer, isoIn } from './lib.mjs';
import { until } from './hooklib.mjs';
import { startSink, stopSink, mails as sunk, text, html, carried as body } from './maillib.mjs';

const NNBSP = '\u202f';

let store;
let srv;
let sink;

const mails = () => sunk(sink.dir);
const to = (addr) => mails().filter((m) => m.envelope.to.includes(addr));
// What a message is about: the proposal of the webhook body it carries.
const about = (m) => { const b = body(m); return b.proposal ?? b.payload?.id ?? b.payload?.proposal; };

// A time as the French messages write it: "1er décembre 2026 à 9 h 05 UTC".
const MOIS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août',
  'septembre', 'octobre', 'novembre', 'décembre'];
const frDate = (iso) => {
  const d = new Date(iso);
  const day = d.getUTCDate() === 1 ? '1er' : String(d.getUTCDate());
  return `${day} ${MOIS[d.getUTCMonth()]} ${d.getUTCFullYear()} à ${d.getUTCHours()} h ${String(d.getUTCMinutes()).padStart(2, '0')} UTC`;
};

const as = (who) => (method, path, b) => api(srv.base, store.tokens[who], method, path, b);
const SMTP = () => ['--smtp', `smtp://127.0.0.1:${sink.port}`, '--mail-from', 'council@nac.example'];

async function subscribe(who, fields, status = 201) {
  const r = await as(who)('POST', '/api/v1/webhooks', fields);
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}

async function propose(body, title, extra = {}) {
  const r = await as('secretariat')('POST', '/api/v1/proposals', { body, title, procedure: 'meeting', ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id;
}

async function deliveries(who, id) {
  const r = await as(who)('GET', `/api/v1/webhooks/${id}/deliveries`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.deliveries;
}

before(async () => {
  store = makeStore();
  sink = await startSink(mkdtempSync(join(tmpdir(), 'council-smtp-')));
});

after(async () => {
  if (srv) await srv.stop();
  await stopSink(sink);
  rmSync(sink.dir, { recursive: true, force: true });
  store.cleanup();
});

test('without --smtp an e-mail subscription is refused, and nothing is stored', async () => {
  srv = await startServer(store.db);
  const r = await subscribe('FR', { email: 'fr@delegation.example' }, 409);
  assert.match(r.error.message, /'email'.*--smtp/);
  assert.equal((await as('FR')('GET', '/api/v1/webhooks')).body.count, 0);
  assert.equal(await srv.stop(), 0);
  srv = null;
});

test('bad input is refused, naming the field, and nothing is stored', async () => {
  srv = await startServer(store.db, { args: ['--webhooks-allow-local', ...SMTP()] });
  const bad = [
    [{ email: 42 }, 'email'],
    [{ email: '' }, 'email'],
    [{ email: 'no-at-sign' }, 'email'],
    [{ email: 'two@@example.org' }, 'email'],
    [{ email: 'a@b@example.org' }, 'email'],
    [{ email: '"quoted"@example.org' }, 'email'],
    [{ email: 'fr@delegation.example\r\nBcc: x@evil.example' }, 'email'],
    [{ email: 'fr@delegation.example\n' }, 'email'],
    [{ email: 'Name <fr@delegation.example>' }, 'email'],
    [{ email: 'fr@delegation.example, us@delegation.example' }, 'email'],
    [{ email: '.fr@delegation.example' }, 'email'],
    [{ email: 'fr..x@delegation.example' }, 'email'],
    [{ email: 'fr@-delegation.example' }, 'email'],
    [{ email: 'fr@[127.0.0.1]' }, 'email'],
    [{ email: 'fr@délégation.example' }, 'email'],
    [{ email: `${'x'.repeat(65)}@delegation.example` }, 'email'],
    [{ email: `fr@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.long.example` }, 'email'],
    [{ email: 'fr@delegation.example', url: 'http://127.0.0.1:9/x' }, 'email'],
    [{ email: 'fr@delegation.example', lang: 'de' }, 'lang'],
    [{ email: 'fr@delegation.example', lang: 'fr-FR' }, 'lang'],
    [{ email: 'fr@delegation.example', lang: 7 }, 'lang'],
    [{ url: 'http://127.0.0.1:9/x', lang: 'fr' }, 'lang'],
    [{ email: 'fr@delegation.example', remind: ['1w'] }, 'remind'],
    [{ email: 'fr@delegation.example', types: ['no.such.type'] }, 'types'],
  ];
  for (const [b, field] of bad) {
    const r = await as('FR')('POST', '/api/v1/webhooks', b);
    assert.equal(r.status, 400, `${JSON.stringify(b)}: ${JSON.stringify(r.body)}`);
    assert.match(r.body.error.message, new RegExp(`'${field}'`), JSON.stringify(b));
  }
  assert.equal((await as('FR')('GET', '/api/v1/webhooks')).body.count, 0, 'nothing stored');
  // The public owns nothing.
  const pub = await api(srv.base, null, 'POST', '/api/v1/webhooks', { email: 'p@example.org' });
  assert.equal(pub.status, 401);
});

test('the language: lang, else Accept-Language, else English; each shown and revocable', async () => {
  const post = (headers, b) => fetch(`${srv.base}/api/v1/webhooks`, {
    method: 'POST', body: JSON.stringify(b),
    headers: { Authorization: `Bearer ${store.tokens.US}`, 'Content-Type': 'application/json', ...headers },
  }).then(async (r) => ({ status: r.status, body: await r.json() }));
  const cases = [
    [{}, { email: 'a@us.example' }, 'en'],
    [{ 'Accept-Language': 'fr-CH, fr;q=0.9, en;q=0.8' }, { email: 'b@us.example' }, 'fr'],
    [{ 'Accept-Language': 'de-DE, en;q=0.5, fr;q=0.7' }, { email: 'c@us.example' }, 'fr'],
    [{ 'Accept-Language': 'fr;q=0, en' }, { email: 'd@us.example' }, 'en'],
    [{ 'Accept-Language': 'de' }, { email: 'e@us.example' }, 'en'],
    [{ 'Accept-Language': 'fr' }, { email: 'f@us.example', lang: 'en' }, 'en'],
    [{}, { email: 'g@us.example', lang: 'fr' }, 'fr'],
  ];
  for (const [headers, b, lang] of cases) {
    const r = await post(headers, b);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.lang, lang, `${JSON.stringify(headers)} ${JSON.stringify(b)}`);
    assert.equal(r.body.email, b.email);
    assert.equal(r.body.url, undefined, 'an e-mail subscription has no URL');
    assert.equal(r.body.secret, undefined, 'nor a secret: nothing is signed');
    const one = await as('US')('GET', `/api/v1/webhooks/${r.body.id}`);
    assert.deepEqual([one.body.email, one.body.lang], [b.email, lang]);
    assert.equal((await as('US')('POST', `/api/v1/webhooks/${r.body.id}/revoke`)).status, 200);
  }
  assert.equal((await as('US')('GET', '/api/v1/webhooks')).body.count, 0);
});

test('an event notice: multipart/alternative, UTF-8, French for a French subscriber, English for an English one, only what the owner may see', async () => {
  const fr = await subscribe('FR', { email: 'fr@delegation.example', lang: 'fr', types: ['proposal.created'] });
  const us = await subscribe('US', { email: 'us@delegation.example', types: ['proposal.created'] });
  const sec = await subscribe('secretariat', { email: 'sec@nac.example', types: ['proposal.created'] });
  const title = 'Déclaration <b>sur</b> l\'Arctique & « la paix »';
  const id = await propose('NAC', title);
  const hidden = await propose('NPG', 'mail: NPG item hidden from France');
  await until('the secretariat\'s notice of the hidden item', () => to('sec@nac.example').some((m) => about(m) === hidden));
  const m = await until('France\'s notice', () => to('fr@delegation.example').find((x) => about(x) === id));
  const e = await until('the United States\' notice', () => to('us@delegation.example').find((x) => about(x) === id));

  for (const x of [m, e]) {
    assert.deepEqual(x.defects, [], JSON.stringify(x.defects));
    assert.equal(x.type, 'multipart/alternative');
    assert.deepEqual(x.parts.map((p) => p.type), ['text/plain', 'text/html']);
    for (const p of x.parts) {
      assert.equal(p.charset, 'utf-8');
      assert.match(p.cte, /^(base64|quoted-printable)$/i);
      assert.deepEqual(p.defects, []);
    }
    assert.ok(x.ascii, 'the message itself is 7-bit');
    assert.ok(x.crlf, 'CRLF line ends');
    assert.ok(x.max_line <= 998, `line length ${x.max_line}`);
    assert.equal(x.headers['MIME-Version'], '1.0');
    assert.equal(x.headers.From, 'council <council@nac.example>');
    assert.equal(x.envelope.from, 'council@nac.example');
    assert.ok(!Number.isNaN(Date.parse(x.headers.Date)), x.headers.Date);
    assert.match(x.headers['Message-ID'], /^<[^<>@\s]+@nac\.example>$/);
    assert.equal(x.headers['In-Reply-To'], x.headers.References);
    assert.match(x.headers.References, new RegExp(`^<council\\.s\\d+\\.p${id}@nac\\.example>$`));
    assert.equal(x.headers['Council-Event'], 'proposal.created');
    // The text carries the event as the log shows it to the owner.
    const b = body(x);
    assert.equal(b.type, 'proposal.created');
    assert.equal(b.payload.title, title);
    assert.ok(text(x).includes(title), 'the title as it is in the text part');
    // HTML: escaped, never the title's markup.
    assert.ok(!html(x).includes('<b>sur</b>'), 'no markup from the record');
    assert.ok(html(x).includes('Déclaration &lt;b&gt;sur&lt;/b&gt; l&#39;Arctique &amp; « la paix »'), html(x));
  }
  assert.equal(m.headers.To, 'fr@delegation.example');
  assert.equal(m.headers['Content-Language'], 'fr');
  // The event type in French words (the subject decoded from its RFC
  // 2047 words by Python's email package), the type itself in the header.
  assert.equal(m.headers.Subject, `[council] Nouvelle proposition${NNBSP}: proposition ${id}, «${NNBSP}${title}${NNBSP}»`);
  assert.match(text(m), new RegExp(`^Nouvelle proposition — événement \\d+ du registre, enregistré le \\d{1,2}(er)? [a-zéû]+ \\d{4} à (1?\\d|2[0-3]) h \\d\\d UTC par`));
  assert.doesNotMatch(text(m).split('\n\n')[0], /proposal\.created/, 'no type name in the French sentence');
  assert.ok(text(m).includes(`Ce que le registre vous montre (le même contenu que le corps d’un webhook)${NNBSP}:`));
  assert.ok(html(m).startsWith('<!DOCTYPE html>\n<html lang="fr">'));
  assert.equal(e.headers['Content-Language'], 'en');
  assert.equal(e.headers.Subject, `[council] New proposal: proposal ${id}, “${title}”`);
  assert.match(text(e), /^New proposal — event \d+ of the log, recorded on \d{1,2} [A-Z][a-z]+ \d{4} at \d\d:\d\d UTC by /);
  // Sight: France does not sit on the NPG.
  assert.ok(!to('fr@delegation.example').some((x) => about(x) === hidden), 'nothing of the NPG for France');
  assert.ok(to('us@delegation.example').some((x) => about(x) === hidden), 'the United States sits on the NPG');
  assert.ok(!JSON.stringify(to('fr@delegation.example')).includes('hidden from France'));
  // Threaded: every notice of one proposal names the same root.
  const log = await deliveries('FR', fr.id);
  assert.ok(log.some((d) => d.state === 'delivered' && d.status === 250), JSON.stringify(log));
  for (const s of [fr, us, sec]) assert.equal((await as(s === fr ? 'FR' : s === us ? 'US' : 'secretariat')('POST', `/api/v1/webhooks/${s.id}/revoke`)).status, 200);
});

test('a reminder before the deadline, once, in French', async () => {
  const s = await subscribe('FR', { email: 'fr-remind@delegation.example', lang: 'fr',
    types: ['procedure.concluded'], remind: ['15s'] });
  const deadline = isoIn(20);
  const r = await as('secretariat')('POST', '/api/v1/proposals',
    { body: 'NAC', title: 'mail: a silence procedure', procedure: 'silence', deadline });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id;
  const reminded = (x) => x.headers['Council-Event'] === 'reminder' && about(x) === id;
  const m = await until('the reminder', () => to('fr-remind@delegation.example').find(reminded));
  assert.ok(Date.now() < Date.parse(deadline), 'before the deadline');
  assert.deepEqual(body(m), {
    type: 'reminder', proposal: id, title: 'mail: a silence procedure', body: 'NAC',
    procedure: 'silence', deadline, remind: '15s', member: 'FR', awaited: 'position',
  });
  assert.equal(m.headers.Subject, `[council] Rappel${NNBSP}: proposition ${id}, «${NNBSP}mail: a silence procedure${NNBSP}», échéance le ${frDate(deadline)}`);
  assert.match(text(m), /La procédure d’accord tacite sur la proposition \d+/);
  assert.match(m.headers.References, new RegExp(`p${id}@`));
  await until('the conclusion', () => to('fr-remind@delegation.example')
    .some((x) => x.headers['Council-Event'] === 'procedure.concluded' && about(x) === id));
  assert.equal(to('fr-remind@delegation.example').filter(reminded).length, 1, 'once');
  const concl = to('fr-remind@delegation.example').find((x) => x.headers['Council-Event'] === 'procedure.concluded');
  assert.equal(concl.headers.References, m.headers.References, 'one thread per proposal');
  // (a conclusion's payload names the proposal, not its title)
  assert.equal(concl.headers.Subject, `[council] Procédure conclue${NNBSP}: proposition ${id}`);
  assert.equal((await as('FR')('POST', `/api/v1/webhooks/${s.id}/revoke`)).status, 200);
});

test('a 451 is retried and delivered; a 550 is failed at once, its reply in the delivery log', async () => {
  const temp = await subscribe('FR', { email: 'tempfail@delegation.example', types: ['proposal.created'] });
  const rej = await subscribe('FR', { email: 'reject@delegation.example', types: ['proposal.created'] });
  const id = await propose('NAC', 'mail: retried and rejected');
  const m = await until('the retried message', () => to('tempfail@delegation.example').find((x) => about(x) === id));
  assert.ok(m);
  const t = await until('the retry recorded', async () => {
    const log = await deliveries('FR', temp.id);
    return log.length >= 2 && log.some((d) => d.state === 'delivered') ? log : null;
  });
  const first = t[t.length - 1];
  assert.equal(first.status, 451, JSON.stringify(t));
  assert.match(first.error, /451 4\.3\.0/);
  assert.equal(t[0].status, 250);
  assert.equal(t[0].state, 'delivered');
  const r = await until('the rejection recorded', async () => {
    const log = await deliveries('FR', rej.id);
    return log.some((d) => d.state === 'failed') ? log : null;
  });
  assert.equal(r.length, 1, `one attempt, no retry: ${JSON.stringify(r)}`);
  assert.equal(r[0].status, 550);
  assert.match(r[0].error, /550 5\.1\.1/);
  assert.equal(r[0].next_retry, null, JSON.stringify(r[0]));
  assert.equal(to('reject@delegation.example').length, 0);
  assert.equal(to('tempfail@delegation.example').filter((x) => about(x) === id).length, 1, 'delivered once');
  for (const s of [temp, rej]) assert.equal((await as('FR')('POST', `/api/v1/webhooks/${s.id}/revoke`)).status, 200);
});

test('a server without --smtp leaves a subscription waiting; one with --smtp sends what it missed', async () => {
  const s = await subscribe('FR', { email: 'fr-wait@delegation.example', types: ['proposal.created'] });
  assert.equal(await srv.stop(), 0);
  srv = await startServer(store.db, { args: ['--webhooks-allow-local'] });
  // A webhook of the same token shows the thread has passed the event.
  const w = await subscribe('FR', { url: 'http://127.0.0.1:9/wait', types: ['proposal.created'] });
  const id = await propose('NAC', 'mail: while the server sends no e-mail');
  await until('the webhook passed the event', async () =>
    (await as('FR')('GET', `/api/v1/webhooks/${w.id}`)).body.cursor > s.cursor);
  assert.equal((await as('FR')('GET', `/api/v1/webhooks/${s.id}`)).body.cursor, s.cursor, 'the e-mail cursor waits');
  assert.equal(to('fr-wait@delegation.example').length, 0);
  assert.equal(await srv.stop(), 0);
  srv = await startServer(store.db, { args: ['--webhooks-allow-local', ...SMTP()] });
  const m = await until('the missed message', () => to('fr-wait@delegation.example').find((x) => about(x) === id));
  assert.equal(m.headers['Council-Event'], 'proposal.created');
  for (const x of [s, w]) assert.equal((await as('FR')('POST', `/api/v1/webhooks/${x.id}/revoke`)).status, 200);
});

test('a notice queued before a kill -9 is delivered once after the restart', async () => {
  const s = await subscribe('FR', { email: 'fr-crash@delegation.example', types: ['proposal.created'] });
  // The SMTP server is down: the notice is queued, tried, refused.
  const port = sink.port;
  await stopSink(sink);
  const id = await propose('NAC', 'mail: across a kill -9');
  await until('a first attempt', async () => (await deliveries('FR', s.id)).length > 0);
  srv.child.kill('SIGKILL');
  await new Promise((r) => srv.child.on('exit', r));
  sink = await startSink(sink.dir, port);
  srv = await startServer(store.db, { args: ['--webhooks-allow-local', ...SMTP()] });
  const m = await until('the message after the restart', () => to('fr-crash@delegation.example').find((x) => about(x) === id));
  assert.equal(m.headers['Council-Event'], 'proposal.created');
  await until('delivered in the log', async () => (await deliveries('FR', s.id)).some((d) => d.state === 'delivered'));
  // A later event passes through too, and the first is not sent again.
  const later = await propose('NAC', 'mail: after the restart');
  await until('the later message', () => to('fr-crash@delegation.example').some((x) => about(x) === later));
  assert.equal(to('fr-crash@delegation.example').filter((x) => about(x) === id).length, 1, 'once');
});

test('a relay: STARTTLS and AUTH, credentials from a file or the environment, never in the clear', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'council-relay-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const auth = join(dir, 'auth');
  writeFileSync(auth, 'council:s3cret\n', { mode: 0o600 });
  const wrong = join(dir, 'wrong');
  writeFileSync(wrong, 'council:guess\n', { mode: 0o600 });
  const relay = await startSink(join(dir, 'sunk'), 0, [cert, key, 'council:s3cret']);
  const viaRelay = (addr) => sunk(relay.dir).filter((m) => m.envelope.to.includes(addr));
  const restart = async (args) => {
    assert.equal(await srv.stop(), 0);
    srv = await startServer(store.db, { args: ['--webhooks-allow-local', '--mail-from', 'council@nac.example', ...args] });
  };
  const relayArgs = ['--smtp', `smtp://127.0.0.1:${relay.port}`, '--smtp-ca', cert];
  try {
    // Credentials from a file: over STARTTLS, authenticated.
    await restart([...relayArgs, '--smtp-auth', auth]);
    const a = await subscribe('FR', { email: 'fr-relay@delegation.example', types: ['proposal.created'] });
    const id = await propose('NAC', 'mail: through a relay');
    const m = await until('the message through the relay', () => viaRelay('fr-relay@delegation.example').find((x) => about(x) === id));
    assert.equal(m.envelope.auth, 'council');
    assert.equal(m.envelope.tls, true);
    // From the environment.
    process.env.COUNCIL_SMTP_USER = 'council';
    process.env.COUNCIL_SMTP_PASSWORD = 's3cret';
    try {
      await restart(relayArgs);
    } finally {
      delete process.env.COUNCIL_SMTP_USER;
      delete process.env.COUNCIL_SMTP_PASSWORD;
    }
    const id2 = await propose('NAC', 'mail: credentials from the environment');
    const m2 = await until('the second message', () => viaRelay('fr-relay@delegation.example').find((x) => about(x) === id2));
    assert.deepEqual([m2.envelope.auth, m2.envelope.tls], ['council', true]);
    // A wrong password: the relay's 535 is permanent, the notice failed.
    await restart([...relayArgs, '--smtp-auth', wrong]);
    const id3 = await propose('NAC', 'mail: a wrong password');
    const log3 = await until('the refusal recorded', async () => {
      const log = await deliveries('FR', a.id);
      return log.find((d) => d.state === 'failed') ? log : null;
    });
    assert.equal(log3.find((d) => d.state === 'failed').status, 535, JSON.stringify(log3));
    assert.ok(!viaRelay('fr-relay@delegation.example').some((x) => about(x) === id3));
    // Credentials toward a server without TLS: not sent, not delivered.
    await restart(['--smtp', `smtp://127.0.0.1:${sink.port}`, '--smtp-auth', auth]);
    const b = await subscribe('FR', { email: 'fr-clear@delegation.example', types: ['proposal.created'] });
    await propose('NAC', 'mail: no TLS, no password');
    const log4 = await until('the attempt recorded', async () => {
      const log = await deliveries('FR', b.id);
      return log.length ? log : null;
    });
    assert.notEqual(log4[0].state, 'delivered', JSON.stringify(log4));
    assert.match(log4[0].error, /TLS|SSL/i, JSON.stringify(log4));
    assert.equal(to('fr-clear@delegation.example').length, 0, 'nothing in the clear');
    for (const x of [a, b]) assert.equal((await as('FR')('POST', `/api/v1/webhooks/${x.id}/revoke`)).status, 200);
  } finally {
    await stopSink(relay);
    rmSync(dir, { recursive: true, force: true });
  }
  await restart(['--smtp', `smtp://127.0.0.1:${sink.port}`]);
});

test('the server stops cleanly: nothing leaked, no sanitizer report', async () => {
  assert.equal(await srv.stop(), 0);
  assert.doesNotMatch(srv.stderr(), /Sanitizer|runtime error|Fatal/, srv.stderr());
  srv = null;
});
