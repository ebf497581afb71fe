// votes.test.mjs - roll-call votes and the written procedure, the pure
// parts (web/src/model/votes.js): each member's vote, open and closed, and
// the tally in order and in words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isVote, voteOf, voteCounts, tallyEntries, tallyText, votedLabel } from '../../../web/src/model/votes.js';

test('which procedures are voted, and a member\'s vote before and after the vote closes', () => {
  assert.deepEqual(['vote', 'written', 'meeting', 'silence', 'ratification'].map((procedure) => isVote({ procedure })),
    [true, true, false, false, false]);
  assert.equal(voteOf({ vote: 'no' }), 'no');
  assert.equal(voteOf({}), 'not-voted');
  assert.equal(voteOf({}, true), 'not-participating', 'once closed, a member who never voted did not take part');
  const ps = [{ vote: 'yes' }, { vote: 'yes' }, { vote: 'abstain' }, {}];
  assert.deepEqual(voteCounts(ps), { yes: 2, abstain: 1, 'not-voted': 1 });
  assert.deepEqual(voteCounts(ps, true), { yes: 2, abstain: 1, 'not-participating': 1 });
  assert.deepEqual(voteCounts(undefined), {});
});

test('the tally: in the order of the votes, in words, and who has voted', () => {
  const open = { yes: 14, no: 1, abstain: 1, not_participating: 1, not_voted: 10 };
  assert.deepEqual(tallyEntries(open),
    [['yes', 14], ['no', 1], ['abstain', 1], ['not-participating', 1], ['not-voted', 10]]);
  assert.deepEqual(tallyEntries({ abstain: 0, no: 2, yes: 25, not_participating: 0 }).map(([v]) => v),
    ['yes', 'no', 'abstain', 'not-participating'], 'a closed vote has no not_voted');
  assert.deepEqual(tallyEntries(undefined), []);
  assert.equal(tallyText(open), '14 in favour, 1 against, 1 abstaining, 1 not participating, 10 not yet voted');
  assert.equal(tallyText({ yes: 10, no: 0, abstain: 5, not_participating: 0 }), '10 in favour, 0 against, 5 abstaining',
    'the Security Council\'s 10-0-5');
  assert.equal(tallyText(null), '');
  assert.equal(votedLabel({ electorate_size: 27, tally: open }), '17 of 27 have voted');
  assert.equal(votedLabel({ electorate_size: 27 }), 'Voting', 'a partner sees no tally while open');
});
