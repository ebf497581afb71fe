// crash.test.mjs - durability under kill -9 (issue 10, "Tests and
// figures"): 32 writers (24 delegations stating positions, 8 proposing)
// while the server is killed with SIGKILL three times at random moments a
// few hundred milliseconds apart, and restarted each time.  Every write
// acknowledged (2xx) is in the record afterwards, through the API and in
// `council log export`; `council verify` passes after each crash and at
// the end.  Bounded: about 20 s.  `make crash` runs a long campaign.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaign, median } from './crash.mjs';

test('kill -9 three times under 32 writers: no acknowledged write is lost, the record verifies', async () => {
  const r = await campaign({ kills: 3, log: (m) => console.log(`# ${m}`) });
  console.log(`# ${r.acknowledged} acknowledged (${r.positions} positions, ${r.proposals} proposals), ` +
    `restart median ${median(r.restartMs)} ms, max ${Math.max(...r.restartMs)} ms`);
  assert.deepEqual(r.lostWrites, [], `${r.lost} acknowledged writes lost`);
  assert.equal(r.verifyFailures, 0);
  assert.ok(r.acknowledged >= 32, `only ${r.acknowledged} writes acknowledged`);
  assert.ok(r.after > 0, 'no write acknowledged after the last restart');
});
