// stream_pg.test.mjs - event streams on the PostgreSQL store, against a
// real PostgreSQL 15 started for the run (tests/pg/cluster.sh): two
// servers on one database, a stream opened on one carries what is written
// through the other and by the CLI (noticed through the store's change
// signal, src/server/notify.c), each event once, as /log shows it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { startServer, api, council, councilAsync } from './lib.mjs';
import { openStream, logAfter } from './sse.mjs';

const CLUSTER = join(dirname(fileURLToPath(import.meta.url)), '..', 'pg', 'cluster.sh');
const PGDIR = join(tmpdir(), `council-pg-stream.${process.pid}`);
let db;
const servers = [];

before(() => {
  db = execFileSync(CLUSTER, ['start', PGDIR], { encoding: 'utf8' }).trim();
  council(db, 'init');
});
after(async () => {
  for (const s of servers) await s.stop();
  execFileSync(CLUSTER, ['stop', PGDIR]);
});

test('a stream on one server carries what another server and the CLI write', async () => {
  const S = council(db, 'token', 'issue', '--role', 'secretariat').trim();
  const FR = council(db, 'token', 'issue', '--member', 'FR').trim();
  const a = await startServer(db);
  servers.push(a);
  const b = await startServer(db);
  servers.push(b);
  const head = (await api(a.base, S, 'GET', '/api/v1/log/checkpoint')).body.size;
  const s = await openStream(a.base, S, { after: head });
  assert.equal(s.status, 200);
  const p = await api(b.base, S, 'POST', '/api/v1/proposals', { body: 'NAC', title: 'Written on B' });
  assert.equal(p.status, 201);
  await s.until((ms) => ms.some((m) => m.data.payload.id === p.body.id), 'B\'s proposal on A\'s stream');
  assert.equal((await api(b.base, FR, 'POST', `/api/v1/proposals/${p.body.id}/positions`,
    { position: 'concur' })).status, 200);
  await councilAsync(db, 'propose', '--body', 'NAC', '--title', 'From the CLI');
  await s.until((ms) => ms.some((m) => m.data.payload.title === 'From the CLI'), 'the CLI\'s proposal');
  const log = await logAfter(a.base, S, head);
  await s.until((ms) => ms.length >= log.length, 'every event of /log');
  assert.deepEqual(s.messages.map((m) => m.data), log, 'each event once, in order, as /log shows it');
  s.close();
});
