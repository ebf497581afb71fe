// attack.mjs - an outsider's attempt to recover hidden positions from what
// the public (or a partner) is served: leaf hashes in inclusion proofs and
// exports, the `hash` and `prev` of the events it may see.
//
// A position event is short and predictable: member x position x proposal
// x time to the second, plus the seq and prev an outsider can read off its
// neighbours.  With leaves hashed as SHA-256(0x00 || event bytes) every
// candidate can be tested against the leaf hash in well under a second.
//
// recoverPositions(seen) takes what was fetched ({path: body}) and
// returns the positions it could prove, [{seq, member, position}].
import { createHash } from 'node:crypto';

export const MEMBERS = ['AL', 'BE', 'BG', 'CA', 'HR', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU',
  'IS', 'IT', 'LV', 'LT', 'LU', 'ME', 'NL', 'MK', 'NO', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'TR',
  'GB', 'US'];
const POSITIONS = ['concur', 'object', 'abstain', 'reserve'];

const hex = (b) => Buffer.from(b).toString('hex');
const fromB64 = (s) => Buffer.from(s, 'base64').toString('hex');
const oldLeaf = (bytes) => hex(createHash('sha256').update(Buffer.from([0])).update(bytes).digest());

// Every leaf hash the material gives away, by 0-based index.
export function leafHashes(seen) {
  const leaves = new Map();
  for (const [path, body] of Object.entries(seen)) {
    if (path.startsWith('/api/v1/log?') && body && Array.isArray(body.events)) {
      for (const e of body.events) {
        if (e.hash) leaves.set(e.seq - 1, e.hash);
        if (e.prev && e.seq > 1) leaves.set(e.seq - 2, e.prev);
      }
    }
    const m = /\/api\/v1\/log\/proof\/inclusion\?index=(\d+)&size=(\d+)/.exec(path);
    if (m && body && Array.isArray(body.proof) && body.proof.length) {
      // The first node of an inclusion proof is the leaf's sibling, when
      // the sibling exists in a tree of that size.
      const i = Number(m[1]);
      const size = Number(m[2]);
      const sib = i ^ 1;
      if (sib < size) leaves.set(sib, fromB64(body.proof[0]));
    }
  }
  return leaves;
}

// The events the material shows in full, by seq.
function visibleEvents(seen) {
  const ev = new Map();
  for (const [path, body] of Object.entries(seen))
    if (path.startsWith('/api/v1/log?') && body && Array.isArray(body.events))
      for (const e of body.events) ev.set(e.seq, e);
  return ev;
}

const iso = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

export function recoverPositions(seen, { maxProposal = 20 } = {}) {
  const leaves = leafHashes(seen);
  const visible = visibleEvents(seen);
  const seqs = [...visible.keys()].sort((a, b) => a - b);
  const found = [];
  for (const [index, leaf] of leaves) {
    const seq = index + 1;
    if (visible.has(seq) || !leaves.has(index - 1)) continue;
    const prev = leaves.get(index - 1);
    // Its time lies between the visible events around it.
    const before = seqs.filter((s) => s < seq).pop();
    const after = seqs.find((s) => s > seq);
    if (before === undefined || after === undefined) continue;
    const lo = Date.parse(visible.get(before).time) / 1000;
    const hi = Date.parse(visible.get(after).time) / 1000;
    if (hi - lo > 3600) continue; // keep the search bounded
    let hit = null;
    for (let t = lo; t <= hi && !hit; t++)
      for (let p = 1; p <= maxProposal && !hit; p++)
        for (const m of MEMBERS) {
          for (const pos of POSITIONS) {
            const bytes = `{"actor":"delegation:${m}","payload":{"member":"${m}","position":"${pos}",` +
              `"previous":"silent","proposal":${p}},"prev":"${prev}","seq":${seq},"time":"${iso(t)}",` +
              '"type":"position.stated"}';
            if (oldLeaf(bytes) === leaf) { hit = { seq, member: m, position: pos, proposal: p }; break; }
          }
          if (hit) break;
        }
    if (hit) found.push(hit);
  }
  return found.sort((a, b) => a.seq - b.seq);
}
