// authenticator.mjs - a software WebAuthn authenticator for the tests: a
// real ES256 signer (node:crypto, P-256) and a small CBOR encoder, so the
// HTTP tests can answer the server's ceremonies as an authenticator would
// and then change one thing at a time (origin, type, flags, rpIdHash,
// counter, signature).  Not a mock of the server: the server's checks run
// unchanged on what this makes.  The browser test (tests/web/passkeys)
// uses Chromium's own virtual authenticator instead.
import { generateKeyPairSync, createHash, sign, randomBytes } from 'node:crypto';

export const b64u = (b) => Buffer.from(b).toString('base64url');
export const unb64u = (s) => Buffer.from(s, 'base64url');
const sha256 = (b) => createHash('sha256').update(b).digest();

// CBOR (RFC 8949), definite lengths only: integers, byte strings
// (Buffer), text, arrays, and maps (a Map, for integer keys, or an object).
function head(major, n) {
  const m = major << 5;
  if (n < 24) return Buffer.from([m | n]);
  if (n < 0x100) return Buffer.from([m | 24, n]);
  if (n < 0x10000) return Buffer.from([m | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = m | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
export function cbor(v) {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'string') {
    const b = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, b.length), b]);
  }
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)]);
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  return Buffer.concat([head(5, entries.length), ...entries.flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

export const UP = 0x01;
export const UV = 0x04;
export const AT = 0x40;

export class Authenticator {
  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.key = privateKey;
    this.jwk = publicKey.export({ format: 'jwk' });
    this.credId = randomBytes(16);
    this.count = 0;
    this.handle = null;
  }

  coseKey() {
    return cbor(new Map([[1, 2], [3, -7], [-1, 1],
      [-2, unb64u(this.jwk.x)], [-3, unb64u(this.jwk.y)]]));
  }

  authData(rpId, flags, count, attested) {
    const head = Buffer.alloc(37);
    sha256(rpId).copy(head, 0);
    head[32] = flags;
    head.writeUInt32BE(count >>> 0, 33);
    if (!attested) return head;
    const len = Buffer.from([this.credId.length >> 8, this.credId.length & 0xff]);
    return Buffer.concat([head, Buffer.alloc(16), len, this.credId, this.coseKey()]);
  }

  // The answer to POST /api/v1/passkeys/options: the body of POST
  // /api/v1/passkeys.  o changes one thing: origin, type, rpId, flags,
  // challenge, fmt.
  create(options, origin, o = {}) {
    const pk = options.publicKey;
    this.handle = pk.user.id;
    const clientData = Buffer.from(JSON.stringify({
      type: o.type || 'webauthn.create', challenge: o.challenge || pk.challenge,
      origin: o.origin || origin, crossOrigin: false,
    }));
    const authData = this.authData(o.rpId || pk.rp.id, o.flags ?? (UP | UV | AT), this.count, true);
    const att = cbor({ fmt: o.fmt || 'none', attStmt: {}, authData });
    return { clientDataJSON: b64u(clientData), attestationObject: b64u(att), ...(o.label ? { label: o.label } : {}) };
  }

  // The answer to POST /api/v1/session/passkey/options: the body of POST
  // /api/v1/session/passkey.  o as create's, and count (the counter to
  // send; by default one more than the last), key (sign with another),
  // credId, userHandle.
  get(options, origin, rpId, o = {}) {
    const pk = options.publicKey;
    if (o.count === undefined) this.count += 1;
    const clientData = Buffer.from(JSON.stringify({
      type: o.type || 'webauthn.get', challenge: o.challenge || pk.challenge,
      origin: o.origin || origin, crossOrigin: false,
    }));
    const authData = this.authData(o.rpId || rpId, o.flags ?? (UP | UV), o.count ?? this.count, false);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), o.key || this.key);
    return {
      id: b64u(o.credId || this.credId), clientDataJSON: b64u(clientData),
      authenticatorData: b64u(authData), signature: b64u(signature),
      userHandle: o.userHandle === undefined ? this.handle : o.userHandle,
    };
  }
}
