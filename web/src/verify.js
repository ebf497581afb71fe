// verify.js - check a receipt in the browser: the log key (a note verifier
// key), the checkpoint (a C2SP signed note, Ed25519 through WebCrypto), the
// event's blinded leaf (SHA-256(0x00 || HMAC-SHA256(salt, bytes))) and its
// RFC 9162 inclusion proof against the signed root.  No DOM: the same
// module runs in Node (>= 20) for the tests.  Formats: docs/MERKLE.md;
// algorithm: RFC 9162 section 2.1.3.2.
//
// verifyReceipt(receipt, pinnedVkey) -> {ok, checks, failed, summary, facts}
// Nothing here throws on bad input: every failure is a named check.

import { labels, t } from './i18n.js';

const enc = new TextEncoder();
const EM_DASH = '\u2014';
const MAX_NOTE = 1 << 20;
const MAX_SIGS = 100;
const U64_MAX = (1n << 64n) - 1n;

// The checks of a receipt, in the order they are made.
// CHECK_LABEL[id] is the check's name in the page's language.
export const CHECK_LABEL = labels({
  receipt: 'web.verify.check.receipt', key: 'web.verify.check.key', note: 'web.verify.check.note',
  signature: 'web.verify.check.signature', event: 'web.verify.check.event', proof: 'web.verify.check.proof',
  inclusion: 'web.verify.check.inclusion',
});
export const CHECKS = Object.keys(CHECK_LABEL);

class Failure extends Error {
  constructor(check, message) { super(message); this.check = check; }
}
const fail = (check, message) => { throw new Failure(check, message); };

// ---- bytes --------------------------------------------------------------------

const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function b64encode(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

// Standard base64 with padding, canonical (unused bits zero), nothing else;
// null if it is not.
export function b64decode(s) {
  if (typeof s !== 'string' || !B64_RE.test(s)) return null;
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return b64encode(out) === s ? out : null;
}

export const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

export function equalBytes(a, b) {
  if (!a || !b || a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i] ^ b[i];
  return d === 0;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function subtle() {
  const s = globalThis.crypto?.subtle;
  if (!s) fail('key', 'This browser offers no WebCrypto here (the page must be served over HTTPS or from localhost).');
  return s;
}

export async function sha256(bytes) {
  return new Uint8Array(await subtle().digest('SHA-256', bytes));
}

// ---- RFC 9162 -------------------------------------------------------------------

// SHA-256(0x00 || leaf): the RFC 9162 leaf hash of any leaf input.
export async function leafHash(leaf) {
  return sha256(concat(Uint8Array.of(0), typeof leaf === 'string' ? enc.encode(leaf) : leaf));
}

// An event's commitment: HMAC-SHA256 keyed by its 32-byte salt over its
// canonical bytes (UTF-8).  Without the salt nobody can test a guess of
// the bytes against the leaf.
export async function commitment(salt, bytes) {
  const key = await subtle().importKey('raw', salt, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', key, typeof bytes === 'string' ? enc.encode(bytes) : bytes));
}

// An event's leaf hash: SHA-256(0x00 || commitment), as council computes it.
export async function eventLeafHash(salt, bytes) {
  return leafHash(await commitment(salt, bytes));
}

export async function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

function u64(x) {
  if (typeof x === 'bigint') return x >= 0n && x <= U64_MAX ? x : null;
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return BigInt(x);
  return null;
}

// verify_inclusion of RFC 9162 section 2.1.3.2.
// index, size: numbers or BigInts; leaf, root and every proof node 32 bytes.
// Resolves to {ok, reason}.
export async function checkInclusion(index, size, leaf, proof, root) {
  const i = u64(index);
  const n = u64(size);
  if (i === null || n === null) return { ok: false, reason: t('web.verify.index_size') };
  const is32 = (x) => x instanceof Uint8Array && x.length === 32;
  if (!is32(leaf)) return { ok: false, reason: t('web.verify.leaf_32') };
  if (!is32(root)) return { ok: false, reason: t('web.verify.root_32') };
  if (!Array.isArray(proof)) return { ok: false, reason: t('web.verify.proof_list') };
  for (let k = 0; k < proof.length; k++) {
    if (!is32(proof[k])) return { ok: false, reason: t('web.verify.node_32', { k }) };
  }
  if (i >= n) return { ok: false, reason: t('web.verify.index_below', { i, n }) };
  let fn = i;
  let sn = n - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return { ok: false, reason: t('web.verify.too_many') };
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return { ok: false, reason: t('web.verify.too_few') };
  if (!equalBytes(r, root)) return { ok: false, reason: t('web.verify.other_root') };
  return { ok: true, reason: '' };
}

export async function verifyInclusion(index, size, leaf, proof, root) {
  return (await checkInclusion(index, size, leaf, proof, root)).ok;
}

// ---- keys (golang.org/x/mod/sumdb/note) ------------------------------------------------

// A key name: non-empty, no Unicode space, no control character, no '+'.
const validName = (s) => typeof s === 'string' && s.length > 0 && !/[\s+\p{Cc}]/u.test(s);

export async function keyId(name, publicKey) {
  const h = await sha256(concat(enc.encode(name), Uint8Array.of(0x0a, 0x01), publicKey));
  return h.subarray(0, 4);
}

// "NAME+KEYID+BASE64(0x01 || 32-byte key)" -> {vkey, name, id (8 hex), keyId, publicKey};
// throws an Error saying what is wrong.
export async function parseVkey(vkey) {
  if (typeof vkey !== 'string') throw new Error(t('web.verify.key_text'));
  const s = vkey.trim();
  const a = s.indexOf('+');
  const b = a < 0 ? -1 : s.indexOf('+', a + 1);
  if (a < 0 || b < 0) throw new Error(t('web.verify.key_form'));
  const name = s.slice(0, a);
  const idHex = s.slice(a + 1, b);
  if (!validName(name)) throw new Error(t('web.verify.key_name'));
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw new Error(t('web.verify.key_id_hex'));
  const raw = b64decode(s.slice(b + 1));
  if (!raw) throw new Error(t('web.verify.key_b64'));
  if (raw.length < 1 || raw[0] !== 0x01) {
    throw new Error(t('web.verify.key_type', { type: raw.length ? `0x${hex(raw.subarray(0, 1))}` : '—' }));
  }
  if (raw.length !== 33) throw new Error(t('web.verify.key_len', { n: raw.length - 1 }));
  const publicKey = raw.slice(1);
  const id = await keyId(name, publicKey);
  if (hex(id) !== idHex.toLowerCase()) {
    throw new Error(t('web.verify.key_id_match', { id: idHex, computed: hex(id) }));
  }
  return { vkey: s, name, id: hex(id), keyId: id, publicKey };
}

// ---- signed notes (C2SP signed-note) --------------------------------------------------

// -> {text (the signed body, with its final newline), signatures: [{name, keyId, sig}]};
// throws an Error saying what is wrong.
export function parseNote(note) {
  if (typeof note !== 'string') throw new Error(t('web.verify.note_text'));
  if (enc.encode(note).length > MAX_NOTE) throw new Error(t('web.verify.note_size'));
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(note)) throw new Error(t('web.verify.note_control'));
  if (/\p{Cs}/u.test(note)) throw new Error(t('web.verify.note_utf8'));
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new Error(t('web.verify.note_blank'));
  const text = note.slice(0, split + 1);
  const sigs = note.slice(split + 2);
  if (!sigs.endsWith('\n')) throw new Error(t('web.verify.note_newline'));
  const signatures = [];
  for (const line of sigs.slice(0, -1).split('\n')) {
    if (!line.startsWith(`${EM_DASH} `)) throw new Error(t('web.verify.sig_line', { line: line.slice(0, 40) }));
    const rest = line.slice(2);
    const sp = rest.indexOf(' ');
    const name = sp < 0 ? '' : rest.slice(0, sp);
    if (!validName(name)) throw new Error(t('web.verify.sig_name'));
    const raw = b64decode(rest.slice(sp + 1));
    if (!raw || raw.length < 5) throw new Error(t('web.verify.sig_b64', { name }));
    signatures.push({ name, keyId: raw.slice(0, 4), sig: raw.slice(4) });
  }
  if (!signatures.length) throw new Error(t('web.verify.no_sig'));
  if (signatures.length > MAX_SIGS) throw new Error(t('web.verify.many_sigs'));
  return { text, signatures };
}

// The note's lines by the key (both name and id match) must all verify, and
// there must be one.  Lines by other keys are ignored.
// -> {ok, reason}; throws only if WebCrypto is missing.
export async function checkNoteSignature(parsed, key) {
  const mine = parsed.signatures.filter((s) => s.name === key.name && equalBytes(s.keyId, key.keyId));
  const label = `${key.name}+${key.id}`;
  if (!mine.length) {
    const others = parsed.signatures.map((s) => `${s.name}+${hex(s.keyId)}`).join(', ');
    return { ok: false, reason: t('web.verify.not_signed', { key: label, others }) };
  }
  let pk;
  try {
    pk = await subtle().importKey('raw', key.publicKey, { name: 'Ed25519' }, false, ['verify']);
  } catch (e) {
    if (e instanceof Failure) throw e;
    if (e?.name === 'NotSupportedError') {
      fail('signature', t('web.verify.no_ed25519'));
    }
    fail('signature', t('web.verify.key_unusable', { error: e?.name || e }));
  }
  const msg = enc.encode(parsed.text);
  for (const s of mine) {
    const ok = s.sig.length === 64 && await subtle().verify('Ed25519', pk, s.sig, msg);
    if (!ok) return { ok: false, reason: t('web.verify.sig_bad', { key: label }) };
  }
  return { ok: true, reason: '' };
}

export async function verifyNote(note, vkey) {
  try {
    const key = typeof vkey === 'string' ? await parseVkey(vkey) : vkey;
    return (await checkNoteSignature(parseNote(note), key)).ok;
  } catch {
    return false;
  }
}

// ---- checkpoints (C2SP tlog-checkpoint) ----------------------------------------------------

// The signed text "origin\nsize\nbase64 root\n[extensions\n]" -> {origin, size (BigInt), root}.
export function parseCheckpointText(text) {
  const lines = text.split('\n');
  if (lines.pop() !== '') throw new Error(t('web.verify.cp_newline'));
  if (lines.length < 3) throw new Error(t('web.verify.cp_lines'));
  const [origin, sizeText, rootText, ...ext] = lines;
  if (!origin) throw new Error(t('web.verify.cp_origin'));
  if (!/^(0|[1-9][0-9]{0,19})$/.test(sizeText) || BigInt(sizeText) > U64_MAX) {
    throw new Error(t('web.verify.cp_size', { size: sizeText.slice(0, 24) }));
  }
  const root = b64decode(rootText);
  if (!root || root.length !== 32) throw new Error(t('web.verify.cp_root'));
  if (ext.some((l) => !l)) throw new Error(t('web.verify.cp_empty'));
  return { origin, size: BigInt(sizeText), root, extensions: ext };
}

// ---- receipts -------------------------------------------------------------------------------

// A stated position and a vote, in the event's sentence.
const POSITION_WORD = labels({
  concur: 'web.verify.ev.pos.concur', object: 'web.verify.ev.pos.object', abstain: 'web.verify.ev.pos.abstain',
  reserve: 'web.verify.ev.pos.reserve', footnote: 'web.verify.ev.pos.footnote',
});
const VOTE_WORD = labels({
  yes: 'web.verify.ev.vote.yes', no: 'web.verify.ev.vote.no', abstain: 'web.verify.ev.vote.abstain',
});

// "FR object", "FR broke silence", ... (the event's who and what)
export function describeEvent(ev) {
  const pl = ev?.payload || {};
  const who = pl.member || String(ev?.actor || '').replace(/^delegation:/, '') || t('web.verify.ev.someone');
  const declared = pl.declared ? t('web.verify.ev.declared') : '';
  switch (ev?.type) {
    case 'position.stated':
      return t('web.verify.ev.position', { who, position: POSITION_WORD[pl.position] || pl.position, declared });
    case 'silence.broken': return t('web.verify.ev.broke', { who });
    case 'comment.made': return t('web.verify.ev.comment', { who });
    case 'reservation.lifted': return t('web.verify.ev.lifted', { who });
    case 'vote.cast': return t('web.verify.ev.vote', { who, vote: VOTE_WORD[pl.vote] || pl.vote, declared });
    case 'written.refused': return t('web.verify.ev.refused', { who });
    default: return t('web.verify.ev.other', { who, type: ev?.type || t('web.verify.ev.event') });
  }
}

// What a stored receipt says, without checking anything (for the list).
export function receiptFacts(receipt) {
  const f = {
    index: null, seq: null, type: null, what: null, proposal: null, member: null, time: null, size: null, origin: null,
  };
  if (!receipt || typeof receipt !== 'object') return f;
  if (Number.isSafeInteger(receipt.index)) { f.index = receipt.index; }
  try {
    const ev = JSON.parse(receipt.event);
    f.seq = Number.isSafeInteger(ev.seq) ? ev.seq : null;
    f.type = typeof ev.type === 'string' ? ev.type : null;
    f.position = ev.payload?.position ?? null;
    f.vote = ev.payload?.vote ?? null;
    f.proposal = ev.payload?.proposal ?? null;
    f.member = ev.payload?.member ?? null;
    f.time = typeof ev.time === 'string' ? ev.time : null;
    f.what = describeEvent(ev);
  } catch { /* not JSON: the list shows what it can */ }
  try {
    const cp = parseCheckpointText(parseNote(receipt.checkpoint).text);
    f.size = Number(cp.size);
    f.origin = cp.origin;
  } catch { /* idem */ }
  return f;
}

// Check a receipt {council_receipt: 2, log_key, index, event, salt, checkpoint, proof}
// against the pinned log key (a vkey string; the receipt's own log_key is
// not trusted).  Resolves to
//   {ok, failed: check id or null, reason, summary, checks: [{id, label, status: ok|failed|skipped, detail}], facts}
export async function verifyReceipt(receipt, pinnedVkey) {
  const results = new Map();
  const facts = {};
  const pass = (id, detail) => results.set(id, { status: 'ok', detail });
  let failure = null;
  try {
    // the receipt's shape
    if (!receipt || typeof receipt !== 'object' || Array.isArray(receipt)) {
      fail('receipt', t('web.verify.not_object'));
    }
    if (receipt.council_receipt === 1) {
      fail('receipt', t('web.verify.format_1'));
    }
    if (receipt.council_receipt !== 2) fail('receipt', t('web.verify.not_council'));
    if (!Number.isSafeInteger(receipt.index) || receipt.index < 0) {
      fail('receipt', t('web.verify.bad_index'));
    }
    if (typeof receipt.event !== 'string' || !receipt.event) fail('receipt', t('web.verify.no_event'));
    const salt = b64decode(receipt.salt);
    if (!salt || salt.length !== 32) fail('receipt', t('web.verify.no_salt'));
    if (typeof receipt.checkpoint !== 'string') fail('receipt', t('web.verify.no_checkpoint'));
    if (!Array.isArray(receipt.proof)) fail('receipt', t('web.verify.no_proof'));
    pass('receipt', t('web.verify.pass_receipt', { leaf: receipt.index, n: receipt.proof.length }));

    // the key the user pinned
    if (!globalThis.crypto?.subtle) {
      fail('key', t('web.verify.no_webcrypto'));
    }
    if (!pinnedVkey) fail('key', t('web.verify.no_key'));
    let key;
    try {
      key = await parseVkey(pinnedVkey);
    } catch (e) { fail('key', t('web.verify.key_invalid', { error: e.message })); }
    facts.key = `${key.name}+${key.id}`;
    facts.receiptKeyDiffers = typeof receipt.log_key === 'string' && receipt.log_key.trim() !== key.vkey;
    pass('key', t('web.verify.pass_key', { key: facts.key }));

    // the checkpoint note
    let note;
    let cp;
    try {
      note = parseNote(receipt.checkpoint);
      cp = parseCheckpointText(note.text);
    } catch (e) { fail('note', t('web.verify.not_checkpoint', { error: e.message })); }
    facts.origin = cp.origin;
    facts.size = String(cp.size);
    facts.root = b64encode(cp.root);
    pass('note', t('web.verify.pass_note', { origin: cp.origin, size: cp.size }));

    // its signature, by the pinned key, over the body with its final newline
    const sig = await checkNoteSignature(note, key);
    if (!sig.ok) fail('signature', t('web.verify.sig_failed', { reason: sig.reason }));
    pass('signature', t('web.verify.pass_sig', { key: facts.key }));

    // the event: its sequence number is the leaf index + 1
    let ev;
    try { ev = JSON.parse(receipt.event); } catch { fail('event', t('web.verify.event_json')); }
    if (!ev || typeof ev !== 'object' || !Number.isSafeInteger(ev.seq) || typeof ev.type !== 'string') {
      fail('event', t('web.verify.event_seq'));
    }
    if (ev.seq !== receipt.index + 1) {
      fail('event', t('web.verify.event_leaf', { seq: ev.seq, leaf: receipt.index, event: receipt.index + 1 }));
    }
    facts.seq = ev.seq;
    facts.type = ev.type;
    facts.what = describeEvent(ev);
    facts.proposal = ev.payload?.proposal ?? null;
    facts.time = ev.time;
    pass('event', t('web.verify.pass_event', { seq: ev.seq, what: facts.what }));

    // the proof's nodes
    const proof = receipt.proof.map((p, k) => {
      const b = b64decode(p);
      if (!b || b.length !== 32) fail('proof', t('web.verify.node_b64', { k }));
      return b;
    });
    if (proof.length > 64) fail('proof', t('web.verify.proof_64'));
    pass('proof', t('web.verify.pass_proof', { n: proof.length }));

    // the leaf hash, computed here from the event's bytes and salt, up to the signed root
    const leaf = await eventLeafHash(salt, receipt.event);
    const inc = await checkInclusion(receipt.index, cp.size, leaf, proof, cp.root);
    if (!inc.ok) fail('inclusion', t('web.verify.not_in_tree', { reason: inc.reason }));
    pass('inclusion', t('web.verify.pass_inclusion', { hash: hex(leaf).slice(0, 16) }));
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    failure = e;
    results.set(e.check, { status: 'failed', detail: e.message });
  }
  const checks = CHECKS.map((id) => ({
    id, label: CHECK_LABEL[id], ...(results.get(id) || { status: 'skipped', detail: '' }),
  }));
  if (failure) {
    return {
      ok: false, failed: failure.check, reason: failure.message, checks, facts,
      summary: t('web.verify.summary_failed', { check: CHECK_LABEL[failure.check], reason: failure.message }),
    };
  }
  return {
    ok: true, failed: null, reason: '', checks, facts,
    summary: facts.proposal != null
      ? t('web.verify.summary_ok_proposal', { seq: facts.seq, what: facts.what, proposal: facts.proposal,
        size: facts.size, key: facts.key })
      : t('web.verify.summary_ok', { seq: facts.seq, what: facts.what, size: facts.size, key: facts.key }),
  };
}
