// attack.mjs - an outsider's attempt to recover hidden positions from what
// the public (or a partner) is served: leaf hashes in the log page (`hash`,
// `prev`), inclusion-proof siblings, commitment-only entries of an export,
// and every salt and 32-byte value it was given.
//
// A position event is short and predictable: member x position x proposal
// x time to the second, plus the seq and prev an outsider can read off its
// neighbours.  With leaves hashed as SHA-256(0x00 || event bytes) every
// candidate can be tested against the leaf hash in well under a second.
// With blinded leaves, SHA-256(0x00 || HMAC-SHA256(salt, bytes)), a
// candidate can be tested only under the hidden event's own salt, which is
// never served: the attack tries each candidate both ways, under every
// salt it was served (and an all-zero one).
//
// The material: {leaves: Map(0-based index -> hex leaf hash), visible:
// Map(seq -> {time}), salts: [Buffer of 32 bytes], proposals: the ids it
// saw} (materialFromApi, materialFromExport).  recover(material, opts)
// returns the positions it could prove, [{seq, member, position,
// proposal}].
import * as crypto from 'node:crypto';

const { createHash, createHmac } = crypto;

export const MEMBERS = ['AL', 'BE', 'BG', 'CA', 'HR', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU',
  'IS', 'IT', 'LV', 'LT', 'LU', 'ME', 'NL', 'MK', 'NO', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE', 'TR',
  'GB', 'US'];
const POSITIONS = ['concur', 'object', 'abstain', 'reserve'];

const hex = (b) => Buffer.from(b).toString('hex');
const fromB64 = (s) => Buffer.from(s, 'base64').toString('hex');
const iso = (t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

// Every salt anywhere in a JSON body (any field named "salt"), and every
// proposal id it names.
function scan(v, salts, ids, key) {
  if (key === 'salt' && typeof v === 'string') salts.add(fromB64(v));
  if ((key === 'proposal' || key === 'id') && Number.isSafeInteger(v)) ids.add(v);
  if (Array.isArray(v)) v.forEach((x) => scan(x, salts, ids));
  else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => scan(x, salts, ids, k));
}

// What the API served ({path: body}): the leaves it gives away, the events
// it shows, its salts and the proposals it names.
export function materialFromApi(seen) {
  const leaves = new Map();
  const visible = new Map();
  const salts = new Set();
  const ids = new Set();
  for (const [path, body] of Object.entries(seen)) {
    scan(body, salts, ids);
    if ((path.startsWith('/api/v1/log?') || path.startsWith('/api/v1/events/stream')) &&
      body && Array.isArray(body.events)) {
      for (const e of body.events) {
        if (e.hash) leaves.set(e.seq - 1, e.hash);
        if (e.prev && e.seq > 1) leaves.set(e.seq - 2, e.prev);
        visible.set(e.seq, e);
      }
    }
    const m = /\/api\/v1\/log\/proof\/inclusion\?index=(\d+)(?:&size=(\d+))?$/.exec(path);
    if (m && body && Array.isArray(body.proof) && body.proof.length) {
      // The first node of an inclusion proof is the leaf's sibling, when
      // the sibling exists in a tree of that size.
      const i = Number(m[1]);
      const size = Number(body.size ?? m[2]);
      const sib = i ^ 1;
      if (sib < size) leaves.set(sib, fromB64(body.proof[0]));
    }
  }
  return { leaves, visible, salts: [...salts].map((k) => Buffer.from(k, 'hex')), proposals: [...ids] };
}

// What an export (format 2) holds: the events in full with their salts, the
// others as leaf hashes.  The leaf of a full event is computed as anyone
// can, from its salt and bytes.
export function materialFromExport(text) {
  const leaves = new Map();
  const visible = new Map();
  const salts = [];
  const ids = new Set();
  for (const line of text.split('\n').filter(Boolean)) {
    const full = /^\{"salt":"([A-Za-z0-9+/]{43}=)","event":(.*)\}$/.exec(line);
    const leaf = /^\{"leaf":"([A-Za-z0-9+/]{43}=)","seq":(\d+)\}$/.exec(line);
    if (full) {
      const ev = JSON.parse(full[2]);
      const salt = Buffer.from(full[1], 'base64');
      salts.push(salt);
      scan(ev.payload, new Set(), ids);
      leaves.set(ev.seq - 1, hex(blinded(salt, full[2])));
      if (ev.seq > 1) leaves.set(ev.seq - 2, ev.prev);
      visible.set(ev.seq, ev);
    } else if (leaf) leaves.set(Number(leaf[2]) - 1, fromB64(leaf[1]));
  }
  return { leaves, visible, salts, proposals: [...ids] };
}

// SHA-256 of the parts, one shot (crypto.hash, Node 20.12 and later,
// where there is one: the search hashes millions of candidates, and a Hash
// object for each costs half as much again).
const sha256 = typeof crypto.hash === 'function'
  ? (...parts) => crypto.hash('sha256', parts.length === 1 ? parts[0] : Buffer.concat(parts), 'buffer')
  : (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const ZERO = Buffer.from([0]);

// The two leaf constructions council has used.
const unblinded = (bytes) => sha256(ZERO, bytes);
const blinded = (salt, bytes) => unblinded(createHmac('sha256', salt).update(bytes).digest());

// HMAC-SHA256 under one key (RFC 2104), its padded key blocks made once.
function hmacUnder(key) {
  const k = Buffer.alloc(64);
  key.copy(k);
  const ipad = k.map((b) => b ^ 0x36);
  const opad = k.map((b) => b ^ 0x5c);
  return (bytes) => sha256(opad, sha256(ipad, bytes));
}

// Every way the attack hashes a candidate: the old leaf, a bare SHA-256,
// and the blinded leaf under each salt it holds (and an all-zero one).
function hashers(keys) {
  const all = [unblinded, (b) => sha256(b)];
  for (const key of [Buffer.alloc(32), ...keys]) {
    const mac = hmacUnder(key);
    all.push((b) => unblinded(mac(b)));
  }
  return all;
}

// The proposal a hidden position may be about: any id up to two beyond the
// highest the material names (ids are sequential, docs/ARCHITECTURE.md),
// or 1..maxProposal.  extraSalts: salts the attacker was not served (a
// test's oracle, to show the search covers the truth).
export function recover(material, { maxProposal, extraSalts = [] } = {}) {
  const { leaves, visible } = material;
  const fns = hashers([...material.salts, ...extraSalts]);
  const top = maxProposal ?? Math.max(0, ...(material.proposals || [])) + 2;
  const seqs = [...visible.keys()].sort((a, b) => a - b);
  const found = [];
  for (const [index, leaf] of leaves) {
    const seq = index + 1;
    if (visible.has(seq) || !leaves.has(index - 1)) continue;
    const prev = leaves.get(index - 1);
    const want = Buffer.from(leaf, 'hex');
    // Its time lies between the visible events around it.
    const before = seqs.filter((s) => s < seq).pop();
    const after = seqs.find((s) => s > seq);
    if (before === undefined || after === undefined) continue;
    const lo = Date.parse(visible.get(before).time) / 1000;
    const hi = Date.parse(visible.get(after).time) / 1000;
    if (hi - lo > 3600) continue; // keep the search bounded
    let hit = null;
    for (let t = lo; t <= hi && !hit; t++) {
      for (let p = 1; p <= top && !hit; p++) {
        for (const m of MEMBERS) {
          for (const pos of POSITIONS) {
            const bytes = Buffer.from(`{"actor":"delegation:${m}","payload":{"member":"${m}","position":"${pos}",`
              + `"previous":"silent","proposal":${p}},"prev":"${prev}","seq":${seq},"time":"${iso(t)}",`
              + '"type":"position.stated"}');
            if (fns.some((f) => want.equals(f(bytes)))) { hit = { seq, member: m, position: pos, proposal: p }; break; }
          }
          if (hit) break;
        }
      }
    }
    if (hit) found.push(hit);
  }
  return found.sort((a, b) => a.seq - b.seq);
}

// The attack on what an API served ({path: body}).
export function recoverPositions(seen, opts) {
  return recover(materialFromApi(seen), opts);
}
