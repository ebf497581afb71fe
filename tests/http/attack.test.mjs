// attack.test.mjs - the public record must prove everything and reveal
// nothing: an outsider who hashes every candidate position event against
// the leaf hashes it is served recovers nothing.
//
// First the attack is shown to work: on a fixture recorded from the old
// leaf format (tests/http/fixtures/v1-unblinded-public.json, made by
// capture-public.mjs with council 4186fc4) it recovers every hidden
// position.  So it finding nothing elsewhere means something.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { recoverPositions } from './attack.mjs';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/v1-unblinded-public.json', import.meta.url)));

test('the attack recovers every hidden NPG position from the old, unblinded leaves', () => {
  for (const who of ['public', 'JP']) {
    const got = recoverPositions(fixture.seen[who]);
    assert.deepEqual(got.map(({ seq, member, position }) => ({ member, position, seq })), fixture.truth, who);
    assert.ok(got.every((g) => g.proposal === fixture.hidden_proposal));
  }
  // while the proposal itself answered 404 to both
  assert.equal(fixture.seen.public[`/api/v1/proposals/${fixture.hidden_proposal}`].error.code, 'not-found');
});
