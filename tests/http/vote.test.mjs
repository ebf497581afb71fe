// vote.test.mjs - issue 13 over the API: a roll-call vote cast through
// POST /api/v1/proposals/{id}/votes (yes, no, abstain, not participating),
// closed by the secretariat with its count; who may vote; the count shown
// to the public once concluded, the roll never; the EU Council's written
// procedure refused by one member; a named rule of the body chosen when
// proposing; each vote and refusal answered with a receipt that verifies
// offline (`council receipt verify`), as a position's is.  On data/eu-council.json, under its simple-majority rule (no
// population figures needed, whatever today's date).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { council, startServer, api, isoIn, newDb } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EU = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];
let dir, db, srv;
const tok = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'council-vote-'));
  db = newDb(dir, 'eu.db');
  council(db, 'init', '--dataset', join(ROOT, 'data', 'eu-council.json'));
  tok.secretariat = council(db, 'token', 'issue', '--role', 'secretariat').trim();
  for (const m of EU) tok[m] = council(db, 'token', 'issue', '--member', m).trim();
  srv = await startServer(db);
});

after(async () => {
  if (srv) await srv.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ok(r, status = 200) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}
const propose = async (body) =>
  ok(await api(srv.base, tok.secretariat, 'POST', '/api/v1/proposals', { body: 'COUNCIL', ...body }), 201);
const vote = (who, id, body) => api(srv.base, tok[who], 'POST', `/api/v1/proposals/${id}/votes`, body);

test('a roll-call vote under a named rule, counted when the chair closes it', async () => {
  const p = await propose({ title: 'A procedural decision', procedure: 'vote', rule: 'simple-majority' });
  assert.equal(p.procedure, 'vote');
  assert.equal(p.rule_name, 'simple-majority');
  assert.equal(p.rule, 'count(concur) > 1/2 of electorate');
  for (const m of EU.slice(0, 14)) await ok(await vote(m, p.id, { vote: 'yes' }));
  await ok(await vote('IT', p.id, { vote: 'no', text: 'An explanation of vote' }));
  await ok(await vote('ES', p.id, { vote: 'abstain', declared: true }));
  const v = await ok(await vote('SE', p.id, { member: 'SE', vote: 'not-participating' }));
  assert.deepEqual(v.tally, { yes: 14, no: 1, abstain: 1, not_participating: 1, not_voted: 10 });
  assert.deepEqual(v.votes.no, ['IT']);
  assert.equal(v.positions.find((x) => x.member === 'IT').vote, 'no');
  assert.equal(v.positions.find((x) => x.member === 'IT').text, 'An explanation of vote');
  assert.equal((await api(srv.base, null, 'GET', `/api/v1/proposals/${p.id}`)).status, 404,
    'an open vote is the members\' business');
  const c = await ok(await api(srv.base, tok.secretariat, 'POST', `/api/v1/proposals/${p.id}/conclude`));
  assert.equal(c.outcome, 'adopted');
  assert.deepEqual(c.tally, { yes: 14, no: 1, abstain: 1, not_participating: 11 });
  const pub = await ok(await api(srv.base, null, 'GET', `/api/v1/proposals/${p.id}`));
  assert.deepEqual(pub.tally, c.tally, 'the count is announced with the outcome');
  assert.equal(pub.votes, undefined, 'who voted which way stays with the members');
  const hist = await ok(await api(srv.base, tok.secretariat, 'GET', `/api/v1/proposals/${p.id}/events`));
  const concl = hist.events.find((e) => e.type === 'procedure.concluded');
  assert.deepEqual(concl.payload.tally, c.tally, 'the conclusion records the count');
  assert.equal(hist.events.filter((e) => e.type === 'vote.cast').length, 17);
});

test('who may vote, and what a vote must say', async () => {
  const p = await propose({ title: 'Another', procedure: 'vote', rule: 'simple-majority' });
  assert.equal((await vote('FR', p.id, { member: 'DE', vote: 'yes' })).status, 403);
  assert.equal((await api(srv.base, tok.secretariat, 'POST', `/api/v1/proposals/${p.id}/votes`,
    { vote: 'yes' })).status, 403);
  assert.equal((await api(srv.base, null, 'POST', `/api/v1/proposals/${p.id}/votes`,
    { vote: 'yes' })).status, 401);
  for (const bad of [{ vote: 'maybe' }, {}, { vote: 'yes', refuse: 'x' }, { vote: 'yes', extra: 1 },
    { vote: 'yes', declared: true }, { refuse: 'Not urgent' }])
    assert.equal((await vote('FR', p.id, bad)).status, 400, JSON.stringify(bad));
  const r = await api(srv.base, tok.FR, 'POST', `/api/v1/proposals/${p.id}/positions`, { position: 'concur' });
  assert.equal(r.status, 409, 'a vote takes votes, not positions');
  await ok(await vote('FR', p.id, { vote: 'yes' }));
  assert.equal((await vote('FR', p.id, { vote: 'yes' })).status, 409, 'the same vote twice');
  const bad = await api(srv.base, tok.secretariat, 'POST', '/api/v1/proposals',
    { body: 'COUNCIL', title: 'X', rule: 'nonsense' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /its rules: /);
});

test('the written procedure ends when one member refuses it', async () => {
  const p = await propose({ title: 'Urgent', procedure: 'written', rule: 'simple-majority',
    deadline: isoIn(3600) });
  assert.equal(p.procedure, 'written');
  await ok(await vote('BE', p.id, { vote: 'yes' }));
  const early = await api(srv.base, tok.secretariat, 'POST', `/api/v1/proposals/${p.id}/conclude`);
  assert.equal(early.status, 409, 'not closed while members have not voted');
  const r = await ok(await vote('HU', p.id, { refuse: 'To the Council, not in writing' }));
  assert.equal(r.outcome, 'blocked');
  assert.deepEqual(r.blocked_by, ['HU']);
  assert.equal(r.explanation, 'blocked: HU did not agree to the written procedure');
  assert.equal(r.positions.find((x) => x.member === 'HU').refused_procedure, true);
  assert.equal((await vote('FR', p.id, { vote: 'yes' })).status, 409, 'concluded');
  const hist = await ok(await api(srv.base, tok.secretariat, 'GET', `/api/v1/proposals/${p.id}/events`));
  assert.deepEqual(hist.events.map((e) => e.type),
    ['proposal.created', 'vote.cast', 'written.refused', 'procedure.concluded'],
    'the refusal is its own event in the record');
});

// The receipt the answer carries, checked offline against the published
// log key: its first line, and whether an edited copy still verifies.
async function verifyOffline(rc, name) {
  const key = await ok(await api(srv.base, null, 'GET', '/api/v1/log/key'));
  const kf = join(dir, 'vkey');
  writeFileSync(kf, `${key.vkey}\n`);
  const f = join(dir, `${name}.json`);
  writeFileSync(f, JSON.stringify(rc));
  return council(db, 'receipt', 'verify', f, '--log-key', kf);
}

test('a vote and a refusal come back with receipts that verify offline', async () => {
  const p = await propose({ title: 'Receipts for votes', procedure: 'vote', rule: 'simple-majority' });
  const r = await ok(await vote('FR', p.id, { vote: 'no', text: 'Not as drafted' }));
  assert.ok(r.receipt, 'the answer carries a receipt');
  assert.equal(r.receipt.council_receipt, 2);
  const ev = JSON.parse(r.receipt.event);
  assert.equal(ev.type, 'vote.cast');
  assert.equal(ev.payload.proposal, p.id);
  assert.equal(ev.payload.vote, 'no');
  assert.match(await verifyOffline(r.receipt, 'vote'), /^ok: event \d+ \(vote.cast by delegation:FR\)/);
  const forged = { ...r.receipt, event: r.receipt.event.replace('"no"', '"yes"') };
  assert.notEqual(forged.event, r.receipt.event);
  await assert.rejects(verifyOffline(forged, 'forged'), 'a vote turned from no to yes does not verify');

  const w = await propose({ title: 'Receipts for refusals', procedure: 'written', rule: 'simple-majority',
    deadline: isoIn(3600) });
  const ref = await ok(await vote('HU', w.id, { refuse: 'To the Council' }));
  assert.equal(JSON.parse(ref.receipt.event).type, 'written.refused', 'the refusal, not the conclusion it caused');
  assert.match(await verifyOffline(ref.receipt, 'refusal'), /^ok: event \d+ \(written.refused by delegation:HU\)/);
});
