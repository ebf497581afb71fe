// history.js - the event log indexed by proposal, as api.js reads it page
// by page: each event once (by seq), under the proposal it concerns
// (proposal.created names it in payload.id, the others in
// payload.proposal).  Pure: the caller owns the index and does the fetching.

export const proposalOf = (e) => (e.type === 'proposal.created' ? e.payload?.id : e.payload?.proposal);

// cursor: the next seq to ask for; rescanned: proposals read again from the
// start once (their events may have been out of sight when first read).
export const newIndex = () => ({ cursor: 1, seen: new Set(), by: new Map(), rescanned: new Set() });

// Adds a page {events, next} of GET /log; true while there is a next page.
export function indexPage(st, page) {
  for (const e of page.events) {
    st.cursor = Math.max(st.cursor, e.seq + 1);
    const id = proposalOf(e);
    if (id == null || st.seen.has(e.seq)) continue;
    st.seen.add(e.seq);
    if (!st.by.has(id)) st.by.set(id, []);
    st.by.get(id).push(e);
  }
  if (page.next == null) return false;
  st.cursor = page.next;
  return true;
}

export const hasCreation = (st, id) => (st.by.get(id) || []).some((e) => e.type === 'proposal.created');

// The proposal's events in log order (a copy).
export const eventsOf = (st, id) => [...(st?.by.get(id) || [])].sort((a, b) => a.seq - b.seq);
