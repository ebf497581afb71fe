// api.test.mjs - what the page asks of the API, without a server: the
// addresses (web/src/endpoints.js), and the reads a route starts while its
// view's code loads (one, for a proposal's page; never the log), the
// navigation each role gets (web/src/model/navigation.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { query, url } from '../../../web/src/endpoints.js';
import { routeReads, navLinks } from '../../../web/src/model/navigation.js';

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
  assert.equal(url.proposals({ body: undefined, status: 'open' }), '/api/v1/proposals?status=open');
  assert.equal(url.proposals(), '/api/v1/proposals');
  assert.equal(url.proposal(7), '/api/v1/proposals/7');
  assert.equal(url.history(7), '/api/v1/proposals/7/events', 'one proposal with its history');
  assert.equal(url.history(7, 1000), '/api/v1/proposals/7/events?after=1000', 'its history after event 1000');
  assert.equal(url.positions(7), '/api/v1/proposals/7/positions');
  assert.equal(url.action(7, 'extend'), '/api/v1/proposals/7/extend');
  assert.equal(url.webhooks(), '/api/v1/webhooks');
  assert.equal(url.webhooks(12), '/api/v1/webhooks?after=12', 'the page after webhook 12');
  assert.equal(url.calendarFeeds(), '/api/v1/calendar/feeds');
  assert.equal(url.calendarFeeds(40), '/api/v1/calendar/feeds?after=40');
  assert.equal(url.bodyAnalysis('NAC', { at: '1999-03-12', rule: '', with: 'PL', without: '' }),
    '/api/v1/bodies/NAC/analysis?at=1999-03-12&with=PL');
  assert.equal(url.bodyAnalysis('COUNCIL', { with: 'UA=8.5' }), '/api/v1/bodies/COUNCIL/analysis?with=UA%3D8.5');
  assert.equal(url.proposalAnalysis(7), '/api/v1/proposals/7/analysis');
});

const q = (s = '') => new URLSearchParams(s);

test('routeReads: a proposal page is one read, its history; the power analysis two; nothing else early', () => {
  assert.deepEqual(routeReads('/proposals/12'), ['/api/v1/proposals/12/events']);
  assert.deepEqual(routeReads('/bodies/NAC/analysis'), ['/api/v1/bodies', '/api/v1/members?all=1'],
    'the analysis: what its first date needs, with its code');
  for (const path of ['/proposals', '/bodies', '/registry/offices', '/signin', '/receipts']) {
    assert.deepEqual(routeReads(path), [], `${path}: its view draws first, then reads`);
  }
  assert.equal(url.proposals({ status: 'concluded', limit: 20, before: 7 }),
    '/api/v1/proposals?status=concluded&limit=20&before=7', 'the concluded list, a page at a time');
});

test('navLinks: everyone browses the procedures, bodies and registry; the role adds its own', () => {
  const labels = (role) => navLinks(role).map((l) => l[1]);
  assert.deepEqual(labels('public'), ['Procedures', 'Bodies', 'Registry']);
  assert.deepEqual(labels('partner'), ['Procedures', 'Bodies', 'Registry', 'Subscriptions']);
  assert.deepEqual(labels('secretariat'), ['Procedures', 'Bodies', 'Registry', 'New proposal', 'Subscriptions']);
  assert.deepEqual(labels('member'), ['Procedures', 'Bodies', 'Registry', 'Receipts', 'Subscriptions']);
  const [, , match] = navLinks('public')[2];
  assert.ok(match.test('/registry/offices') && !match.test('/bodies'), 'current for its own paths');
});
