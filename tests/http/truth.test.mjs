// truth.test.mjs - issue 15 over the API: EU qualified majority weighed by
// the population in force (tests/data/eu.json); a body established and
// amended by decision; silence broken by one ally, joined by another, by
// an amendment where the procedure allows it, and the matter taken up
// again; a signed position shown as signed; a footnote made public with
// the decision, and only then; the body recorded as the actor of its
// decisions.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { council, makeStore, startServer, api, isoIn, newDb } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EU_DATASET = join(ROOT, 'tests', 'data', 'eu.json');
const EU = ['BE', 'BG', 'CZ', 'DK', 'DE', 'EE', 'IE', 'GR', 'ES', 'FR', 'HR', 'IT', 'CY', 'LV',
  'LT', 'LU', 'HU', 'MT', 'NL', 'AT', 'PL', 'PT', 'RO', 'SI', 'SK', 'FI', 'SE'];

let nato, natoSrv, eu, euSrv;
const tok = {};

before(async () => {
  nato = makeStore();
  for (const m of ['TR', 'DE', 'BE', 'GR']) tok[m] = council(nato.db, 'token', 'issue', '--member', m).trim();
  natoSrv = await startServer(nato.db);

  const dir = mkdtempSync(join(tmpdir(), 'council-eu-'));
  const db = newDb(dir, 'eu.db');
  council(db, 'init', '--dataset', EU_DATASET);
  eu = { dir, db, tokens: { secretariat: council(db, 'token', 'issue', '--role', 'secretariat').trim() } };
  for (const m of EU) eu.tokens[m] = council(db, 'token', 'issue', '--member', m).trim();
  euSrv = await startServer(db);
});

after(async () => {
  if (natoSrv) await natoSrv.stop();
  if (euSrv) await euSrv.stop();
  if (nato) nato.cleanup();
  if (eu) rmSync(eu.dir, { recursive: true, force: true });
});

const S = () => nato.tokens.secretariat;
const N = (who) => nato.tokens[who] ?? tok[who];
async function ok(r, status = 200) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}
const log = async () => (await api(natoSrv.base, S(), 'GET', '/api/v1/log?limit=1000')).body.events;

// ---- EU qualified majority -----------------------------------------------------

async function euVote(title, against) {
  const p = await ok(await api(euSrv.base, eu.tokens.secretariat, 'POST', '/api/v1/proposals',
    { body: 'COUNCIL', title }), 201);
  for (const m of EU) {
    const position = against.includes(m) ? { position: 'object', reason: 'no' } : { position: 'concur' };
    await ok(await api(euSrv.base, eu.tokens[m], 'POST', `/api/v1/proposals/${p.id}/positions`, position));
  }
  return ok(await api(euSrv.base, eu.tokens.secretariat, 'POST', `/api/v1/proposals/${p.id}/conclude`));
}

test('EU qualified majority: the population in force is frozen into the proposal and counted', async () => {
  const three = await euVote('Three large states against', ['DE', 'FR', 'IT']);
  assert.equal(three.weights.population.DE, '83445000');
  assert.equal(Object.keys(three.weights.population).length, 27);
  assert.equal(three.outcome, 'adopted');
  assert.equal(three.explanation, 'adopted: 24 concur >= 55% of 27 electorate (15); 3 object|abstain|silent < 4');

  const four = await euVote('Four against', ['DE', 'FR', 'IT', 'ES']);
  assert.equal(four.outcome, 'failed');
  assert.equal(four.explanation,
    'failed: population 42.24% < 65% of electorate; 4 object|abstain|silent, at most 3 allowed');

  const most = await euVote('All but two', ['HU', 'SK']);
  assert.equal(most.outcome, 'adopted');
  assert.match(most.explanation, /population 96\.66% >= 65% of electorate/);
});

// ---- bodies by decision --------------------------------------------------------------

test('a body is established, then amended, by a decision of the NAC', async () => {
  const est = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'Establish the EPC',
    effects: [{ type: 'establish-body', id: 'EPC', name: 'Euro-Atlantic Planning Committee',
      rule: 'count(concur) >= 2/3 of electorate', membership: [{ kind: 'all-except', except: ['FR'] }] }],
  }), 201);
  let bodies = (await ok(await api(natoSrv.base, null, 'GET', '/api/v1/bodies'))).bodies;
  assert.equal(bodies.filter((b) => b.id === 'EPC').length, 0, 'nothing before the decision');
  const bad = await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'Bad', effects: [{ type: 'establish-body', id: 'BAD', name: 'Bad', rule: 'count(concur) => 2' }],
  });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /rule: column 15/);

  const done = await ok(await api(natoSrv.base, S(), 'POST', `/api/v1/proposals/${est.id}/conclude`));
  assert.equal(done.outcome, 'adopted');
  bodies = (await ok(await api(natoSrv.base, null, 'GET', '/api/v1/bodies'))).bodies;
  const epc = bodies.find((b) => b.id === 'EPC');
  assert.equal(epc.rule, 'count(concur) >= 2/3 of electorate');
  assert.equal(epc.decision, est.id);
  const members = (await ok(await api(natoSrv.base, null, 'GET', '/api/v1/members?body=EPC'))).members;
  assert.equal(members.some((m) => m.code === 'FR'), false);

  const amend = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'Amend the EPC',
    effects: [{ type: 'amend-body', body: 'EPC', rule: 'consensus', name: 'Planning Committee' }],
  }), 201);
  await ok(await api(natoSrv.base, S(), 'POST', `/api/v1/proposals/${amend.id}/conclude`));
  bodies = (await ok(await api(natoSrv.base, null, 'GET', '/api/v1/bodies'))).bodies;
  const amended = bodies.find((b) => b.id === 'EPC');
  assert.equal(amended.rule, 'consensus');
  assert.equal(amended.name, 'Planning Committee');
  assert.equal(amended.amendments[0].before.rule, 'count(concur) >= 2/3 of electorate');
  assert.equal(amended.amendments[0].decision, amend.id);

  // The decisions are the NAC's.
  const events = await log();
  const mine = events.filter((e) => ['body.established', 'body.amended'].includes(e.type) ||
    (e.type === 'procedure.concluded' && [est.id, amend.id].includes(e.payload.proposal)));
  assert.deepEqual(mine.map((e) => `${e.type}=${e.actor}`).filter((x) => !x.endsWith('=dataset')),
    ['procedure.concluded=body:NAC', 'body.established=body:NAC',
      'procedure.concluded=body:NAC', 'body.amended=body:NAC']);
});

// ---- silence as practised ------------------------------------------------------------

test('silence: the first letter ends it, a later one before the deadline joins, the outcome names both', async () => {
  const p = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'Contingency planning', procedure: 'silence', deadline: isoIn(7 * 86400), shared: true,
  }), 201);
  const first = await ok(await api(natoSrv.base, N('FR'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'object', reason: 'Letter of France: premature' }));
  assert.equal(first.outcome, 'blocked');
  assert.equal(first.explanation, 'blocked: FR broke silence');
  const joined = await ok(await api(natoSrv.base, N('DE'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'object', reason: 'Letter of Germany' }));
  assert.equal(joined.explanation, 'blocked: FR, DE broke silence');
  assert.deepEqual(joined.blocked_by, ['FR', 'DE']);
  assert.deepEqual(joined.breaks.map((b) => b.members.join('+')), ['FR', 'DE']);
  assert.equal(joined.positions.find((x) => x.member === 'DE').text, 'Letter of Germany');
  const again = await api(natoSrv.base, N('DE'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'object', reason: 'twice' });
  assert.equal(again.status, 409);
  const concur = await api(natoSrv.base, N('US'), 'POST', `/api/v1/proposals/${p.id}/positions`, { position: 'concur' });
  assert.equal(concur.status, 409, 'nothing but a letter after the procedure ended');
  // A joint letter speaks for others: each delegation speaks for itself.
  const joint = await api(natoSrv.base, N('BE'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'object', reason: 'x', joint: ['GR'] });
  assert.equal(joint.status, 400);

  // A partner sees who broke silence and when, never the letters.
  const seen = await ok(await api(natoSrv.base, nato.tokens.JP, 'GET', `/api/v1/proposals/${p.id}`));
  assert.deepEqual(seen.blocked_by, ['FR', 'DE']);
  assert.equal(seen.breaks.length, 2);
  assert.equal(seen.positions, undefined);
  assert.equal(JSON.stringify(seen).includes('Letter of'), false);

  // The letter is the delegation's, the conclusion the NAC's.
  const events = (await log()).filter((e) => e.payload.proposal === p.id);
  assert.deepEqual(events.map((e) => `${e.type}=${e.actor}`),
    ['silence.broken=delegation:FR', 'procedure.concluded=body:NAC', 'silence.broken=delegation:DE']);

  // The secretariat recirculates a revised text: a new proposal takes the
  // matter up, and each says which is which.
  const old = await ok(await api(natoSrv.base, S(), 'POST', `/api/v1/proposals/${p.id}/recirculate`,
    { text: 'Revised', deadline: isoIn(14 * 86400) }));
  assert.ok(old.superseded_by > p.id);
  const next = await ok(await api(natoSrv.base, S(), 'GET', `/api/v1/proposals/${old.superseded_by}`));
  assert.equal(next.supersedes, p.id);
  assert.equal(next.status, 'open');
  assert.equal(next.procedure, 'silence');
  assert.equal(next.text, 'Revised');
  assert.equal(next.title, 'Contingency planning');
});

test('the OSCE variant: a proposed amendment breaks silence where the procedure says so', async () => {
  const osce = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'OSCE-style', procedure: 'silence', deadline: isoIn(7 * 86400), breaks: ['object', 'amend'],
  }), 201);
  assert.deepEqual(osce.silence_breaks, ['object', 'amend']);
  const r = await ok(await api(natoSrv.base, N('TR'), 'POST', `/api/v1/proposals/${osce.id}/positions`,
    { position: 'amend', text: "add 'within existing resources'" }));
  assert.equal(r.explanation, 'blocked: TR broke silence');
  assert.equal(r.breaks[0].kind, 'amend');
  const plain = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', {
    body: 'NAC', title: 'NATO-style', procedure: 'silence', deadline: isoIn(7 * 86400),
  }), 201);
  const refused = await api(natoSrv.base, N('TR'), 'POST', `/api/v1/proposals/${plain.id}/positions`,
    { position: 'amend', text: 'x' });
  assert.equal(refused.status, 409);
  assert.match(refused.body.error.message, /only an objection breaks silence/);
  const meeting = await api(natoSrv.base, S(), 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'x', breaks: ['object', 'amend'] });
  assert.equal(meeting.status, 400);
  assert.match(meeting.body.error.message, /field 'breaks'/);
});

test('a matter not adopted is taken up again by a proposal that names it', async () => {
  const p = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', { body: 'NAC', title: 'First try' }), 201);
  await ok(await api(natoSrv.base, N('HU'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'object', reason: 'no' }));
  await ok(await api(natoSrv.base, S(), 'POST', `/api/v1/proposals/${p.id}/conclude`));
  const bad = await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', { supersedes: 'one' });
  assert.equal(bad.status, 400);
  const next = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', { supersedes: p.id }), 201);
  assert.equal(next.title, 'First try');
  assert.equal(next.body, 'NAC');
  assert.equal(next.supersedes, p.id);
  const twice = await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', { supersedes: p.id });
  assert.equal(twice.status, 409);
  assert.match(twice.body.error.message, /already taken up/);
});

// ---- signed, public --------------------------------------------------------------------

// Sign as `council respond --sign` does (docs/ARCHITECTURE.md): Ed25519
// over "council/v1/position\n" and the canonical JSON of the statement.
function signPosition(skeyText, { proposal, revision, member, position, text = null, declared = false }) {
  // PRIVATE+KEY+name+keyid+base64(0x01 || seed); base64 may hold '+' too.
  const seed = Buffer.from(skeyText.trim().split('+').slice(4).join('+'), 'base64').subarray(1);
  const key = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8',
  });
  const body = JSON.stringify({ declared, member, position, proposal, revision, text });
  return sign(null, Buffer.from(`council/v1/position\n${body}`), key).toString('base64');
}

test('a signed position shows as signed, with its key; a public footnote is published with the adopted decision only', async () => {
  const keyFile = join(nato.dir, 'fr-api.key');
  const vkey = council(nato.db, 'keygen', '--name', 'FR-API', '--out', keyFile).trim();
  await ok(await api(natoSrv.base, N('FR'), 'POST', '/api/v1/keys', { vkey }), 201);
  const p = await ok(await api(natoSrv.base, S(), 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Communique' }), 201);
  const signature = signPosition(readFileSync(keyFile, 'utf8'),
    { proposal: p.id, revision: 1, member: 'FR', position: 'concur' });
  const after1 = await ok(await api(natoSrv.base, N('FR'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'concur', signature }));
  const fr = after1.positions.find((x) => x.member === 'FR');
  assert.equal(fr.signed, true);
  assert.equal(fr.key, 'FR-API');

  await ok(await api(natoSrv.base, N('TR'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'footnote', text: 'Türkiye recalls its position', public: true }));
  await ok(await api(natoSrv.base, N('GR'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'footnote', text: 'Greece notes, in confidence' }));
  const notFootnote = await api(natoSrv.base, N('US'), 'POST', `/api/v1/proposals/${p.id}/positions`,
    { position: 'concur', public: true });
  assert.equal(notFootnote.status, 400);
  const open = await ok(await api(natoSrv.base, S(), 'GET', `/api/v1/proposals/${p.id}`));
  assert.equal(open.footnotes, undefined, 'nothing is published while open');
  assert.equal(open.positions.find((x) => x.member === 'TR').public, true);

  await ok(await api(natoSrv.base, S(), 'POST', `/api/v1/proposals/${p.id}/conclude`));
  const pub = await ok(await api(natoSrv.base, null, 'GET', `/api/v1/proposals/${p.id}`));
  assert.equal(pub.outcome, 'adopted');
  assert.deepEqual(pub.footnotes, [{ member: 'TR', text: 'Türkiye recalls its position' }]);
  assert.equal(pub.positions, undefined);
  assert.equal(JSON.stringify(pub).includes('in confidence'), false);
});
