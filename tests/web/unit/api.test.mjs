// api.test.mjs - what api.js sends and keeps, without a server: the
// addresses (web/src/endpoints.js) and the event log's index by proposal
// (web/src/history.js), page by page as GET /log returns them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query, url } from '../../../web/src/endpoints.js';
import { proposalOf, newIndex, indexPage, hasCreation, eventsOf } from '../../../web/src/history.js';

test('query: parameters left empty are not sent; values are encoded', () => {
  assert.equal(query({}), '');
  assert.equal(query({ at: undefined, body: null, status: '' }), '');
  assert.equal(query({ at: '2003-02-16', body: 'DPC' }), '?at=2003-02-16&body=DPC');
  assert.equal(query({ body: 'A&B C' }), '?body=A%26B+C');
  assert.equal(query({ from: 0 }), '?from=0', 'zero is a value');
});

test('url: one address per resource, as in docs/api.yaml', () => {
  assert.equal(url.whoami(), '/api/v1/whoami');
  assert.equal(url.members(), '/api/v1/members');
  assert.equal(url.members('1966-07-01', 'NAC'), '/api/v1/members?at=1966-07-01&body=NAC');
  assert.equal(url.allMembers(), '/api/v1/members?all=1');
  assert.equal(url.bodies('2023-04-04'), '/api/v1/bodies?at=2023-04-04');
  assert.equal(url.partners(), '/api/v1/partners');
  assert.equal(url.offices(''), '/api/v1/offices');
  assert.equal(url.allOffices(), '/api/v1/offices?all=1');
  assert.equal(url.logKey(), '/api/v1/log/key');
  assert.equal(url.log(41, 1000), '/api/v1/log?from=41&limit=1000');
  assert.equal(url.proposals({ body: undefined, status: 'open' }), '/api/v1/proposals?status=open');
  assert.equal(url.proposals(), '/api/v1/proposals');
  assert.equal(url.proposal(7), '/api/v1/proposals/7');
  assert.equal(url.positions(7), '/api/v1/proposals/7/positions');
  assert.equal(url.action(7, 'extend'), '/api/v1/proposals/7/extend');
});

const ev = (seq, type, payload) => ({ seq, type, payload });

test('proposalOf: proposal.created names it in payload.id, the others in payload.proposal', () => {
  assert.equal(proposalOf(ev(1, 'proposal.created', { id: 3 })), 3);
  assert.equal(proposalOf(ev(2, 'position.stated', { proposal: 3, member: 'FR' })), 3);
  assert.equal(proposalOf(ev(3, 'member.admitted', { code: 'FI' })), undefined);
});

test('indexPage: events by proposal, each once, the cursor past the last seen', () => {
  const st = newIndex();
  const more = indexPage(st, {
    events: [ev(1, 'proposal.created', { id: 1 }), ev(2, 'member.admitted', { code: 'SE' }),
      ev(3, 'position.stated', { proposal: 1 }), ev(4, 'proposal.created', { id: 2 })],
    next: 5,
  });
  assert.equal(more, true, 'a next page is announced');
  assert.equal(st.cursor, 5);
  assert.deepEqual(eventsOf(st, 1).map((e) => e.seq), [1, 3]);
  assert.deepEqual(eventsOf(st, 2).map((e) => e.seq), [4]);
  // The same events again (a rescan from the start), then a new one: once each.
  const done = indexPage(st, {
    events: [ev(3, 'position.stated', { proposal: 1 }), ev(1, 'proposal.created', { id: 1 }),
      ev(6, 'procedure.concluded', { proposal: 1 })],
    next: null,
  });
  assert.equal(done, false, 'the last page');
  assert.equal(st.cursor, 7, 'the cursor follows the highest seq seen');
  assert.deepEqual(eventsOf(st, 1).map((e) => e.seq), [1, 3, 6], 'in log order, each once');
});

test('hasCreation and eventsOf: a proposal whose creation was not seen; no index yet', () => {
  const st = newIndex();
  indexPage(st, { events: [ev(9, 'position.stated', { proposal: 4 })], next: null });
  assert.equal(hasCreation(st, 4), false, 'read again from the start once');
  assert.equal(hasCreation(st, 5), false);
  indexPage(st, { events: [ev(2, 'proposal.created', { id: 4 })], next: null });
  assert.equal(hasCreation(st, 4), true);
  assert.deepEqual(eventsOf(st, 4).map((e) => e.seq), [2, 9]);
  assert.deepEqual(eventsOf(null, 4), []);
  const copy = eventsOf(st, 4);
  copy.pop();
  assert.equal(eventsOf(st, 4).length, 2, 'the caller gets a copy');
});
