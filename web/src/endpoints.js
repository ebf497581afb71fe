// endpoints.js - the API's addresses as the page asks for them
// (docs/api.yaml): one function per resource, query strings without the
// parameters left empty.  Pure (no fetch, no storage): api.js sends the
// requests, and the Node unit tests import this module directly.
const V1 = '/api/v1';

// {at: '2020-01-01', body: ''} -> '?at=2020-01-01'; '' when nothing is set.
export function query(o) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v != null && v !== '') p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const url = {
  whoami: () => `${V1}/whoami`,
  members: (at, body) => `${V1}/members${query({ at, body })}`,
  allMembers: () => `${V1}/members?all=1`,
  bodies: (at) => `${V1}/bodies${query({ at })}`,
  partners: (at) => `${V1}/partners${query({ at })}`,
  offices: (at) => `${V1}/offices${query({ at })}`,
  allOffices: () => `${V1}/offices?all=1`,
  logKey: () => `${V1}/log/key`,
  proposals: (o = {}) => `${V1}/proposals${query(o)}`,
  proposal: (id) => `${V1}/proposals/${id}`,
  history: (id, after) => `${V1}/proposals/${id}/events${query({ after })}`,
  positions: (id) => `${V1}/proposals/${id}/positions`,
  votes: (id) => `${V1}/proposals/${id}/votes`,
  action: (id, action) => `${V1}/proposals/${id}/${action}`,
  // {at, rule, with, without}: the what-if's parameters, as the API takes them
  bodyAnalysis: (key, o = {}) => `${V1}/bodies/${encodeURIComponent(key)}/analysis${query(o)}`,
  proposalAnalysis: (id) => `${V1}/proposals/${id}/analysis`,
  stream: () => `${V1}/events/stream`,
  session: () => `${V1}/session`,
  // (after: the last id of the page before, a page's `next`)
  webhooks: (after) => `${V1}/webhooks${query({ after })}`,
  webhookRevoke: (id) => `${V1}/webhooks/${id}/revoke`,
  calendarFeeds: (after) => `${V1}/calendar/feeds${query({ after })}`,
  calendarFeedRevoke: (id) => `${V1}/calendar/feeds/${id}/revoke`,
  passkeySignInOptions: () => `${V1}/session/passkey/options`,
  passkeySignIn: () => `${V1}/session/passkey`,
  passkeys: () => `${V1}/passkeys`,
  passkeyOptions: () => `${V1}/passkeys/options`,
  passkey: (id) => `${V1}/passkeys/${id}`,
};
