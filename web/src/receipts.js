// receipts.js - the delegation's receipts and the pinned log key, kept in
// this browser's localStorage (they outlive the session's token).
//   council.receipts.v1:<log key the receipt names>:<member> -> [{receipt, proposal, title, kept}]
//   council.log-key.pinned -> the log key (vkey) the user pinned
const PREFIX = 'council.receipts.v1:';
const PIN_KEY = 'council.log-key.pinned';

function read(key) {
  try {
    const v = JSON.parse(localStorage.getItem(key) || '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

export const storageKey = (logKey, member) => `${PREFIX}${logKey}:${member}`;

// Keep the receipt of a position stated through the page.  One entry per
// event (leaf index); false if the browser refused to store it.
export function keep(receipt, { member, proposal, title }) {
  if (!receipt || typeof receipt !== 'object' || !member) return false;
  const key = storageKey(receipt.log_key || 'unknown', member);
  const all = read(key).filter((x) => x?.receipt?.index !== receipt.index);
  all.push({ receipt, proposal, title, kept: new Date().toISOString() });
  try {
    localStorage.setItem(key, JSON.stringify(all));
    return true;
  } catch {
    return false;
  }
}

// Every receipt kept for the member, under any log key, newest event first:
// [{storageKey, logKey, position (in its stored list), receipt, proposal, title, kept}]
export function listFor(member) {
  const out = [];
  let n;
  try { n = localStorage.length; } catch { return out; }
  for (let i = 0; i < n; i++) {
    const k = localStorage.key(i);
    if (!k || !k.startsWith(PREFIX) || !k.endsWith(`:${member}`)) continue;
    const logKey = k.slice(PREFIX.length, k.length - member.length - 1);
    read(k).forEach((x, position) => {
      if (x && typeof x === 'object') out.push({ ...x, storageKey: k, logKey, position });
    });
  }
  const idx = (x) => (Number.isSafeInteger(x.receipt?.index) ? x.receipt.index : -1);
  return out.sort((a, b) => idx(b) - idx(a) || String(b.kept).localeCompare(String(a.kept)));
}

export function countFor(member, proposal) {
  return listFor(member).filter((x) => x.proposal === proposal).length;
}

export function pinned() {
  try { return localStorage.getItem(PIN_KEY) || null; } catch { return null; }
}

export function pin(vkey) {
  localStorage.setItem(PIN_KEY, vkey);
}

export function unpin() {
  try { localStorage.removeItem(PIN_KEY); } catch { /* nothing kept */ }
}
