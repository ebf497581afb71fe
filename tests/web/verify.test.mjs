// verify.test.mjs - web/src/verify.js in Node (WebCrypto Ed25519 through
// globalThis.crypto.subtle), no browser: the RFC 9162 inclusion vectors of
// transparency-dev/merkle (every file), the known notes and keys of
// docs/MERKLE.md and Go's sumdb/note tests, a reference tree, the blinded
// leaf against Node's own HMAC and test_event.c's vector, and a real
// receipt from a real `council serve`, intact and tampered with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createHash, createHmac, generateKeyPairSync, randomBytes } from 'node:crypto';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeStore, startServer, api, council } from '../http/lib.mjs';
import {
  verifyInclusion, checkInclusion, leafHash, nodeHash, b64decode, b64encode, parseVkey,
  parseNote, parseCheckpointText, verifyNote, verifyReceipt, receiptFacts, commitment, eventLeafHash,
} from '../../web/src/verify.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const VECTORS = process.env.COUNCIL_VECTORS
  ? join(process.env.COUNCIL_VECTORS, ...(statSync(join(process.env.COUNCIL_VECTORS, 'merkle'), { throwIfNoEntry: false }) ? ['merkle', 'testdata'] : []))
  : join(root, 'tests', 'vectors', 'merkle', 'testdata');

const files = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory()
  ? files(join(dir, d.name)) : d.name.endsWith('.json') ? [join(dir, d.name)] : []));

// ---- RFC 9162 vectors ------------------------------------------------------------

test('every inclusion vector: wantErr false verifies, wantErr true does not', async () => {
  const dir = join(VECTORS, 'inclusion');
  const all = files(dir).sort();
  assert.equal(all.length, 98, `98 inclusion vectors in ${dir}`);
  const tally = { accepted: 0, rejectedByVerifier: 0, rejectedNot32: 0 };
  for (const f of all) {
    const name = relative(dir, f);
    const text = readFileSync(f, 'utf8');
    const v = JSON.parse(text);
    // 2^64 - 1 does not fit a double: integers are read from the raw text.
    const int = (k) => BigInt(text.match(new RegExp(`"${k}"\\s*:\\s*(\\d+)`))[1]);
    const bytes = (s) => {
      const b = b64decode(s);
      assert.ok(b, `${name}: "${s}" is canonical base64`);
      return b;
    };
    const leaf = bytes(v.leafHash);
    const rt = bytes(v.root);
    const proof = (v.proof || []).map(bytes);
    assert.equal(typeof v.wantErr, 'boolean', `${name}: wantErr`);
    const r = await checkInclusion(int('leafIdx'), int('treeSize'), leaf, proof, rt);
    assert.equal(r.ok, !v.wantErr, `${name} (${v.desc}): ${r.reason || 'accepted'}`);
    if (r.ok) tally.accepted++;
    else if (/not 32 bytes/.test(r.reason)) tally.rejectedNot32++;
    else tally.rejectedByVerifier++;
  }
  // as docs/MERKLE.md counts them for the C verifier
  assert.deepEqual(tally, { accepted: 6, rejectedByVerifier: 66, rejectedNot32: 26 });
});

// ---- a reference tree -------------------------------------------------------------

const sha = (...parts) => createHash('sha256').update(Buffer.concat(parts.map((p) => Buffer.from(p)))).digest();
const H0 = (leaf) => sha([0], leaf);
const H1 = (l, r) => sha([1], l, r);
const split = (n) => { let k = 1; while (k * 2 < n) k *= 2; return k; };
function mth(d) {
  if (d.length === 1) return H0(d[0]);
  const k = split(d.length);
  return H1(mth(d.slice(0, k)), mth(d.slice(k)));
}
function path(m, d) {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

test('proofs of a reference tree (RFC 9162 MTH and PATH) verify, and fail when changed', async () => {
  const leaves = Array.from({ length: 21 }, (_, i) => Buffer.from(`leaf ${i}`));
  assert.deepEqual(Buffer.from(await leafHash('leaf 0')), H0('leaf 0'));
  assert.deepEqual(Buffer.from(await nodeHash(H0('a'), H0('b'))), H1(H0('a'), H0('b')));
  let checked = 0;
  for (let n = 1; n <= leaves.length; n++) {
    const d = leaves.slice(0, n);
    const rt = new Uint8Array(mth(d));
    for (let i = 0; i < n; i++) {
      const p = path(i, d).map((x) => new Uint8Array(x));
      const lh = await leafHash(d[i]);
      assert.ok(await verifyInclusion(i, n, lh, p, rt), `leaf ${i} of ${n}`);
      assert.equal(await verifyInclusion(BigInt(i), BigInt(n), lh, p, rt), true);
      assert.equal(await verifyInclusion(i, n, await leafHash(d[(i + 1) % n].toString() + 'x'), p, rt), false);
      if (p.length) {
        const bad = p.map((x) => x.slice());
        bad[bad.length - 1][0] ^= 1;
        assert.equal(await verifyInclusion(i, n, lh, bad, rt), false, `flipped node, leaf ${i} of ${n}`);
        assert.equal(await verifyInclusion(i, n, lh, p.slice(1), rt), false, `dropped node, leaf ${i} of ${n}`);
      }
      assert.equal(await verifyInclusion(i, n, lh, [...p, new Uint8Array(32)], rt), false, `extra node, leaf ${i} of ${n}`);
      assert.equal(await verifyInclusion(n, n, lh, p, rt), false);
      checked++;
    }
  }
  assert.equal(checked, 231);
  // a bare SHA-256 of the leaf is not its leaf hash
  assert.equal(await verifyInclusion(0, 1, new Uint8Array(sha('x')), [], new Uint8Array(H0('x'))), false);
  // bad arguments are refused, not thrown
  assert.equal(await verifyInclusion(-1, 2, new Uint8Array(32), [], new Uint8Array(32)), false);
  assert.equal(await verifyInclusion(0.5, 2, new Uint8Array(32), [], new Uint8Array(32)), false);
  assert.equal(await verifyInclusion(0, 1n << 64n, new Uint8Array(32), [], new Uint8Array(32)), false);
});

// ---- blinded leaves ------------------------------------------------------------------

test('an event\'s leaf is SHA-256(0x00 || HMAC-SHA256(salt, bytes)), as council computes it', async () => {
  // test_event.c's event 1 and salt 0x01..0x20, hashes computed with openssl and Python
  const ev1 = '{"actor":"delegation:FR","payload":{"member":"FR","proposal":1,"text":"G\\u00E9ographie"},'
    + `"prev":"${'0'.repeat(64)}","seq":1,"time":"2023-07-07T09:30:00Z","type":"comment.made"}`;
  const salt1 = Uint8Array.from({ length: 32 }, (_, i) => i + 1);
  assert.equal(Buffer.from(await commitment(salt1, ev1)).toString('hex'),
    '0059bfd12a2306c4f1755f1f68da43fd8e70b8cdd6904e4361ffa353d40f47f6');
  assert.equal(Buffer.from(await eventLeafHash(salt1, ev1)).toString('hex'),
    '1f2fbb3c2bf493b41832fdb5ecc23343e2210899c938e510ad8a3fddd6f901ed');
  // the unblinded leaf of the old format is another hash
  assert.equal(Buffer.from(await leafHash(ev1)).toString('hex'),
    '55b40943946b59d606b55299d4d721447a521a51594cd02f99aabb2d53eec9b6');
  // against Node's HMAC, for random salts and texts (non-ASCII as UTF-8)
  for (let i = 0; i < 50; i++) {
    const salt = new Uint8Array(randomBytes(32));
    const text = `{"n":${i},"t":"${randomBytes(i).toString('base64')}é"}`;
    const c = createHmac('sha256', salt).update(text, 'utf8').digest();
    assert.deepEqual(Buffer.from(await commitment(salt, text)), c);
    assert.deepEqual(Buffer.from(await eventLeafHash(salt, text)), sha([0], c));
  }
});

// ---- base64, keys and notes ----------------------------------------------------------

const ROOT8 = 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=';
const PY_NOTE = `council.example/log\n8\n${ROOT8}\n\n\u2014 council.example/log yHclDAV1uFi2q7Iv1zRXQSSwmmN+VGQC5HeM43TPTvQBLJNhaGWjI7mGT982XS4PaGDXXlGDfij79vMTP3g/vOc6YwE=\n`;
const PY_VKEY = 'council.example/log+c877250c+AddamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const GO_ENOCH = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const GO_TEXT = 'If you think cryptography is the answer to your problem,\nthen you don\'t know what your problem is.\n';
const GO_PETER = '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const GO_ENOCH_SIG = '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

test('base64 is standard, padded and canonical', () => {
  assert.equal(b64decode(ROOT8).length, 32);
  assert.equal(b64encode(b64decode(ROOT8)), ROOT8);
  for (const bad of [
    'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg', // no padding
    'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyh=', // unused bits set
    'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg= ', ' XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=',
    'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz-Nw7_RgQyg=', // URL alphabet
    'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQ\u02b6g=', // a non-ASCII "digit"
    'QUJD\nRA==', 'A===', null, 42,
  ]) assert.equal(b64decode(bad), null, JSON.stringify(bad));
});

test('log keys: the name, the type byte 0x01 and the key id are checked', async () => {
  const k = await parseVkey(PY_VKEY);
  assert.equal(k.name, 'council.example/log');
  assert.equal(k.id, 'c877250c');
  assert.equal(k.publicKey.length, 32);
  assert.equal((await parseVkey(GO_VKEY)).id, 'c74f20a3');
  assert.equal((await parseVkey(GO_VKEY.replace('c74f20a3', 'C74F20A3'))).id, 'c74f20a3', 'upper-case hex, as Go accepts');
  // the same key with type byte 0x02
  const raw = b64decode(GO_VKEY.split('+')[2]);
  raw[0] = 0x02;
  await assert.rejects(parseVkey(`PeterNeumann+c74f20a3+${b64encode(raw)}`), /not 0x01/);
  await assert.rejects(parseVkey('PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), /does not match/);
  await assert.rejects(parseVkey('PeterNeuman+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), /does not match/);
  await assert.rejects(parseVkey('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10'), /base64|32 bytes/);
  await assert.rejects(parseVkey('Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), /name/);
  await assert.rejects(parseVkey('c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), /key id|NAME/);
  await assert.rejects(parseVkey('+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'), /name/);
  // every proper prefix of a key is refused
  for (let i = 0; i < GO_VKEY.length; i++) await assert.rejects(parseVkey(GO_VKEY.slice(0, i)), undefined, GO_VKEY.slice(0, i));
});

test('signed notes: the MERKLE.md checkpoint and Go\'s note vectors', async () => {
  assert.equal(await verifyNote(PY_NOTE, PY_VKEY), true);
  const cp = parseCheckpointText(parseNote(PY_NOTE).text);
  assert.equal(cp.origin, 'council.example/log');
  assert.equal(cp.size, 8n);
  assert.equal(b64encode(cp.root), ROOT8);
  assert.equal(await verifyNote(PY_NOTE, GO_VKEY), false, 'another key');
  // every body byte changed, and a signature bit flipped
  const body = parseNote(PY_NOTE).text;
  for (let i = 0; i < body.length; i++) {
    const t = body.slice(0, i) + String.fromCharCode(body.charCodeAt(i) ^ 1) + PY_NOTE.slice(i + 1);
    assert.equal(await verifyNote(t, PY_VKEY), false, `body byte ${i}`);
  }
  const note = parseNote(PY_NOTE);
  note.signatures[0].sig[10] ^= 0x20;
  assert.equal(await verifyNote(`${note.text}\n\u2014 council.example/log ${b64encode(Uint8Array.from([...note.signatures[0].keyId, ...note.signatures[0].sig]))}\n`, PY_VKEY), false);
  // Go: a known signature beside an unknown one
  const both = `${GO_TEXT}\n${GO_PETER}${GO_ENOCH_SIG}`;
  assert.equal(await verifyNote(both, GO_VKEY), true);
  assert.equal(await verifyNote(both, GO_ENOCH), true);
  assert.equal(await verifyNote(`${GO_TEXT}\n${GO_PETER.slice(0, 60)}ABCD${GO_PETER.slice(60)}`, GO_VKEY), false, 'Go\'s invalid signature');
  for (const bad of [
    GO_TEXT, `${GO_TEXT}\n`, `${GO_TEXT}\n${GO_PETER.slice(0, -1)}`, `\u0001${GO_TEXT}\n${GO_PETER}`,
    `${GO_TEXT}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${GO_TEXT}\n${GO_PETER}Unexpected line.\n`, `${GO_TEXT}\n${GO_PETER.replace('\u2014', '-')}`,
    `${GO_TEXT.replace('\n', '\r\n')}\n${GO_PETER}`,
  ]) {
    assert.throws(() => parseNote(bad), undefined, JSON.stringify(bad.slice(-40)));
    assert.equal(await verifyNote(bad, GO_VKEY), false);
  }
  // checkpoint bodies
  for (const bad of [`o\n08\n${ROOT8}\n`, `o\n-8\n${ROOT8}\n`, `o\n8\n${ROOT8}`, `\n8\n${ROOT8}\n`, `o\n8\nAAAA\n`,
    `o\n18446744073709551616\n${ROOT8}\n`, `o\n8\n${ROOT8}\n\n`]) {
    assert.throws(() => parseCheckpointText(bad), undefined, JSON.stringify(bad));
  }
  assert.equal(parseCheckpointText(`o\n18446744073709551615\n${ROOT8}\next\n`).size, (1n << 64n) - 1n);
});

// ---- a real receipt from a real server --------------------------------------------------

let store; let srv; let receipt; let vkey; let proposalId;
before(async () => {
  store = makeStore();
  srv = await startServer(store.db);
  const p = await api(srv.base, store.tokens.secretariat, 'POST', '/api/v1/proposals',
    { body: 'NAC', title: 'Receipts, verified in the browser' });
  assert.equal(p.status, 201);
  proposalId = p.body.id;
  const r = await api(srv.base, store.tokens.FR, 'POST', `/api/v1/proposals/${proposalId}/positions`,
    { position: 'object', reason: 'La France n’est pas d’accord — lettre d’objection.' });
  assert.equal(r.status, 200);
  receipt = r.body.receipt;
  // the published key, out of band: what `council log key` prints
  vkey = council(store.db, 'log', 'key').trim();
});
after(async () => {
  await srv?.stop();
  store?.cleanup();
});

const flipB64 = (s, i, bit = 1) => { const b = b64decode(s); b[i] ^= bit; return b64encode(b); };

test('a real receipt verifies against the published key', async () => {
  assert.ok(receipt, 'the answer carries a receipt');
  assert.equal((await api(srv.base, null, 'GET', '/api/v1/log/key')).body.vkey, vkey);
  const r = await verifyReceipt(receipt, vkey);
  assert.equal(r.ok, true, r.summary);
  assert.equal(r.failed, null);
  assert.ok(r.checks.every((c) => c.status === 'ok'), JSON.stringify(r.checks));
  const ev = JSON.parse(receipt.event);
  assert.equal(ev.seq, receipt.index + 1);
  assert.match(r.summary, new RegExp(`^Event ${ev.seq}, FR object on proposal ${proposalId}, is in the log signed at size ${r.facts.size} by ${vkey.split('+').slice(0, 2).join('\\+')}\\.$`));
  const f = receiptFacts(receipt);
  assert.deepEqual([f.seq, f.index, f.type, f.position, f.proposal, f.member], [ev.seq, receipt.index, 'position.stated', 'object', proposalId, 'FR']);
  assert.equal(String(f.size), r.facts.size);
  // the checkpoint is one the server also serves (or an earlier one)
  const cp = (await api(srv.base, null, 'GET', '/api/v1/log/checkpoint')).body;
  assert.ok(cp.size >= f.size);
  // the receipt's own copy of the key is not what is trusted
  assert.equal((await verifyReceipt({ ...receipt, log_key: 'someone+00000000+AQ==' }, vkey)).ok, true);
});

async function expectFail(rc, check, key = vkey) {
  const r = await verifyReceipt(rc, key);
  assert.equal(r.ok, false, `${check}: ${r.summary}`);
  assert.equal(r.failed, check, r.summary);
  assert.equal(r.checks.find((c) => c.id === check).status, 'failed');
  return r;
}

test('the receipt carries the event\'s salt; another salt, none, or the old format fails', async () => {
  assert.equal(b64decode(receipt.salt)?.length, 32);
  assert.equal(receipt.council_receipt, 2);
  for (const i of [0, 13, 31]) {
    const r = await expectFail({ ...receipt, salt: flipB64(receipt.salt, i) }, 'inclusion');
    assert.match(r.reason, /another root/);
  }
  await expectFail({ ...receipt, salt: b64encode(new Uint8Array(randomBytes(32))) }, 'inclusion');
  await expectFail({ ...receipt, salt: undefined }, 'receipt');
  await expectFail({ ...receipt, salt: receipt.salt.slice(0, -4) }, 'receipt');
  const r = await expectFail({ ...receipt, council_receipt: 1 }, 'receipt');
  assert.match(r.reason, /format 1, from before blinded leaves/);
  // the old leaf over the bare bytes is not what the tree holds
  const proof = receipt.proof.map(b64decode);
  const cp = parseCheckpointText(parseNote(receipt.checkpoint).text);
  assert.equal(await verifyInclusion(receipt.index, cp.size, await leafHash(receipt.event), proof, cp.root), false);
  assert.equal(await verifyInclusion(receipt.index, cp.size,
    await eventLeafHash(b64decode(receipt.salt), receipt.event), proof, cp.root), true);
});

test('one byte changed in the event fails', async () => {
  const ev = receipt.event;
  // inside the letter of objection: still a well-formed event, not in the tree
  const at = ev.indexOf('lettre');
  const r = await expectFail({ ...receipt, event: ev.slice(0, at) + 'm' + ev.slice(at + 1) }, 'inclusion');
  assert.match(r.reason, /another root/);
  await expectFail({ ...receipt, event: ev.replace('"object"', '"concur"') }, 'inclusion');
  // every byte, one at a time: never verifies
  for (let i = 0; i < ev.length; i++) {
    const t = ev.slice(0, i) + String.fromCharCode(ev.charCodeAt(i) ^ 1) + ev.slice(i + 1);
    assert.equal((await verifyReceipt({ ...receipt, event: t }, vkey)).ok, false, `event byte ${i}`);
  }
  await expectFail({ ...receipt, index: receipt.index + 1 }, 'event');
});

test('one byte changed in the proof fails', async () => {
  assert.ok(receipt.proof.length >= 3);
  for (let k = 0; k < receipt.proof.length; k++) {
    for (const i of [0, 17, 31]) {
      const proof = receipt.proof.slice();
      proof[k] = flipB64(proof[k], i, 0x80);
      await expectFail({ ...receipt, proof }, 'inclusion');
    }
  }
  await expectFail({ ...receipt, proof: receipt.proof.slice(1) }, 'inclusion');
  await expectFail({ ...receipt, proof: [...receipt.proof, receipt.proof[0]] }, 'inclusion');
  await expectFail({ ...receipt, proof: [receipt.proof[0].slice(0, -4)] }, 'proof');
});

test('one byte changed in the root of the note, or in its signature, fails', async () => {
  const note = receipt.checkpoint;
  const [origin, size, rootText] = note.split('\n');
  for (const i of [0, 15, 31]) {
    await expectFail({ ...receipt, checkpoint: note.replace(`\n${rootText}\n`, `\n${flipB64(rootText, i)}\n`) }, 'signature');
  }
  await expectFail({ ...receipt, checkpoint: note.replace(`${origin}\n${size}\n`, `${origin}\n${Number(size) + 1}\n`) }, 'signature');
  const line = note.slice(note.lastIndexOf('\n\n') + 2).trimEnd();
  const sigText = line.slice(line.lastIndexOf(' ') + 1);
  for (const i of [4, 30, 67]) {
    await expectFail({ ...receipt, checkpoint: note.replace(sigText, flipB64(sigText, i)) }, 'signature');
  }
  // the key id in the line changed: not signed by the pinned key
  const r = await expectFail({ ...receipt, checkpoint: note.replace(sigText, flipB64(sigText, 0)) }, 'signature');
  assert.match(r.reason, /not signed by the pinned key/);
  // without its final newline the note is malformed
  await expectFail({ ...receipt, checkpoint: note.slice(0, -1) }, 'note');
});

test('a different pinned key fails', async () => {
  const name = vkey.split('+')[0];
  const { publicKey } = generateKeyPairSync('ed25519');
  const pk = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  const id = sha(Buffer.from(name), [0x0a, 0x01], pk).subarray(0, 4).toString('hex');
  const other = `${name}+${id}+${Buffer.concat([Buffer.from([1]), pk]).toString('base64')}`;
  assert.ok((await parseVkey(other)).id === id);
  const r = await expectFail(receipt, 'signature', other);
  assert.match(r.reason, /not signed by the pinned key/);
  // the receipt naming that key changes nothing
  await expectFail({ ...receipt, log_key: other }, 'signature', other);
  // another name, the same key: another key id, not the log's key
  // (only the first two '+' separate fields: the base64 may hold more)
  const keyText = vkey.slice(vkey.indexOf('+', vkey.indexOf('+') + 1) + 1);
  const id2 = sha(Buffer.from('someone.else'), [0x0a, 0x01], b64decode(keyText).subarray(1)).subarray(0, 4).toString('hex');
  await expectFail(receipt, 'signature', `someone.else+${id2}+${keyText}`);
  // no key, or a broken one
  await expectFail(receipt, 'key', null);
  await expectFail(receipt, 'key', vkey.replace(/\+[0-9a-f]{8}\+/, '+00000000+'));
  // not a receipt
  await expectFail({ ...receipt, council_receipt: 3 }, 'receipt');
  await expectFail(null, 'receipt');
  await expectFail({ ...receipt, proof: 'x' }, 'receipt');
});
