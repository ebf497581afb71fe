// analysis.test.mjs - issue 13's analysis over the API:
// GET /api/v1/bodies/{id}/analysis (a body's rule on its members and
// figures of a date; a what-if beside it with rule, with, without) and
// GET /api/v1/proposals/{id}/analysis (who can still turn it), which goes
// through sight like the proposal itself: 404 where the proposal is not
// visible, and the positions withheld from a redacted sight.  On
// data/unsc.json and data/eu-council.json.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { council, startServer, api, newDb } from './lib.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const P5 = ['CN', 'FR', 'GB', 'RU', 'US'];
let dir, un, eu, sc = [];
const tok = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'council-analysis-'));
  const udb = newDb(dir, 'un.db');
  council(udb, 'init', '--dataset', join(ROOT, 'data', 'unsc.json'));
  tok.secretariat = council(udb, 'token', 'issue', '--role', 'secretariat').trim();
  sc = JSON.parse(council(udb, 'members', '--body', 'SC', '--json')).members.map((m) => m.code);
  for (const m of sc) tok[m] = council(udb, 'token', 'issue', '--member', m).trim();
  un = await startServer(udb);
  const edb = newDb(dir, 'eu.db');
  council(edb, 'init', '--dataset', join(ROOT, 'data', 'eu-council.json'));
  eu = await startServer(edb);
});

after(async () => {
  if (un) await un.stop();
  if (eu) await eu.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function ok(r, status = 200) {
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body;
}
const get = (srv, path, token = null) => api(srv.base, token, 'GET', path);

test('the Security Council on a date: the permanent members veto, 421/2145 of the power each', async () => {
  const a = await ok(await get(un, '/api/v1/bodies/SC/analysis?at=2011-03-17'));
  assert.equal(a.body, 'SC');
  assert.equal(a.at, '2011-03-17');
  assert.equal(a.what_if, undefined);
  const p = a.today.power;
  assert.equal(a.today.electorate.length, 15);
  assert.deepEqual(p.veto_players, P5);
  assert.equal(p.winning, '848');
  assert.equal(p.minimal_winning, '210');
  assert.deepEqual(p.smallest_blocking.size, 1);
  assert.equal(p.smallest_blocking.count, '5');
  for (const row of p.indices) {
    const permanent = P5.includes(row.member);
    assert.equal(row.veto, permanent);
    assert.equal(row.shapley_shubik.exact, permanent ? '421/2145' : '4/2145');
    assert.ok(Math.abs(row.shapley_shubik.value - (permanent ? 0.19627 : 0.0018648)) < 1e-5);
    for (const k of ['banzhaf', 'penrose', 'coleman_prevent', 'coleman_initiate'])
      assert.match(row[k].exact, /^\d+(\/\d+)?$/);
  }
});

test('a what-if beside it: the procedural rule (no veto), a member left out', async () => {
  const a = await ok(await get(un, '/api/v1/bodies/SC/analysis?at=2011-03-17&rule=procedural&without=US'));
  assert.deepEqual(a.today.power.veto_players, P5);
  const w = a.what_if;
  assert.equal(w.rule_name, 'procedural');
  assert.equal(w.rule, 'count(concur) >= 9');
  assert.deepEqual(w.without, ['US']);
  assert.equal(w.electorate.length, 14);
  assert.ok(!w.electorate.includes('US'));
  assert.deepEqual(w.power.veto_players, []);
  // 9 of 14, all alike: C(13,8) swings each, 1/14 of the power.
  for (const row of w.power.indices) assert.equal(row.shapley_shubik.exact, '1/14');
  const t = await ok(await get(un, '/api/v1/bodies/SC/analysis?at=2011-03-17&rule=' +
    encodeURIComponent('count(concur) >= 10')));
  assert.equal(t.what_if.rule_name, null);
  assert.equal(t.what_if.rule, 'count(concur) >= 10');
});

test('the EU Council counts the population figures of the date asked', async () => {
  const a = await ok(await get(eu, '/api/v1/bodies/COUNCIL/analysis?at=2025-06-01&with=UA=8.5'));
  assert.equal(a.today.electorate.length, 27);
  assert.deepEqual(a.today.power.veto_players, []);
  assert.equal(a.today.power.method, 'decision diagram');
  const de = a.today.power.indices.find((r) => r.member === 'DE');
  const mt = a.today.power.indices.find((r) => r.member === 'MT');
  assert.ok(de.shapley_shubik.value > mt.shapley_shubik.value);
  assert.equal(a.what_if.electorate.length, 28);
  assert.deepEqual(a.what_if.with, ['UA=8.5']);
  assert.ok(a.what_if.power.indices.find((r) => r.member === 'UA').banzhaf.value > 0);
  // 2024: a figure the dataset does not hold is named, not guessed.
  const r = await get(eu, '/api/v1/bodies/COUNCIL/analysis?at=2024-06-01');
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /2024-06-01.*population_share/);
});

test('refusals: no such body, a bad date, a member to leave out who was not there (Japan left in 2010)', async () => {
  assert.equal((await get(un, '/api/v1/bodies/NOPE/analysis')).status, 404);
  assert.equal((await get(un, '/api/v1/bodies/SC/analysis?at=yesterday')).status, 400);
  const r = await get(un, '/api/v1/bodies/SC/analysis?at=2011-03-17&without=JP');
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /JP is not in the electorate/);
  const q = await get(un, '/api/v1/bodies/SC/analysis?at=2011-03-17&rule=qmv');
  assert.equal(q.status, 400);
  assert.match(q.body.error.message, /no rule 'qmv'/);
  assert.equal((await api(un.base, null, 'POST', '/api/v1/bodies/SC/analysis')).status, 405);
});

test('a proposal: pivotal members and the smallest flip, through sight', async () => {
  const p = await ok(await api(un.base, tok.secretariat, 'POST', '/api/v1/proposals',
    { body: 'SC', title: 'A draft resolution', procedure: 'vote' }), 201);
  const elected = sc.filter((m) => !P5.includes(m));
  for (const m of [...P5, ...elected.slice(0, 3)])
    await ok(await api(un.base, tok[m], 'POST', `/api/v1/proposals/${p.id}/votes`, { vote: 'yes' }));
  // Eight yes, seven not voted: one more yes adopts it.
  const a = await ok(await get(un, `/api/v1/proposals/${p.id}/analysis`, tok[sc[0]]));
  assert.equal(a.proposal, p.id);
  assert.equal(a.at_conclusion.verdict, 'failed');
  assert.equal(a.if_silent_concur.verdict, 'adopted');
  assert.deepEqual(a.silent, elected.slice(3));
  assert.deepEqual(a.can_block, P5);
  assert.equal(a.smallest_flip.size, 1);
  assert.equal(a.smallest_flip.count, '7');
  assert.equal(a.smallest_flip.to, 'concur');
  assert.equal(a.smallest_flip.verdict, 'adopted');
  assert.ok(a.pivotal.every((c) => elected.slice(3).includes(c.member)));
  assert.deepEqual(a.power.veto_players, P5);
  // The public does not see an open vote, nor its analysis.
  assert.equal((await get(un, `/api/v1/proposals/${p.id}/analysis`)).status, 404);
  assert.equal((await get(un, '/api/v1/proposals/999/analysis', tok.secretariat)).status, 404);
  // Adopted, the public sees it redacted: the power, not the positions.
  await ok(await api(un.base, tok[elected[3]], 'POST', `/api/v1/proposals/${p.id}/votes`, { vote: 'yes' }));
  await ok(await api(un.base, tok.secretariat, 'POST', `/api/v1/proposals/${p.id}/conclude`));
  const pub = await ok(await get(un, `/api/v1/proposals/${p.id}/analysis`));
  assert.equal(pub.redacted, true);
  assert.equal(pub.outcome, 'adopted');
  for (const k of ['now', 'at_conclusion', 'pivotal', 'silent', 'can_block', 'smallest_flip'])
    assert.equal(pub[k], undefined, k);
  assert.deepEqual(pub.power.veto_players, P5);
});
