// passkeys.js - the browser's side of a passkey ceremony (WebAuthn): the
// server's options, whose binary fields come as base64url, made into what
// navigator.credentials wants (ArrayBuffers), and the authenticator's
// answer made back into base64url for the server (docs/api.yaml,
// /api/v1/passkeys and /api/v1/session/passkey).  The checks are the
// server's; this only carries bytes.
import * as api from './api.js';

const toBytes = (s) => {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
};
const toB64u = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const creds = (list) => (list || []).map((c) => ({ ...c, id: toBytes(c.id) }));

// Whether this browser can use passkeys at all.
export const supported = () => typeof window !== 'undefined' && !!window.PublicKeyCredential
  && !!navigator.credentials;

// Register a passkey for the signed-in person, under label: the stored
// passkey ({id, label, created, used}).  A refusal or a cancelled prompt
// is thrown (a DOMException named NotAllowedError for the latter).
export async function register(label) {
  const { publicKey: o } = await api.passkeyOptions();
  const cred = await navigator.credentials.create({ publicKey: {
    ...o, challenge: toBytes(o.challenge), user: { ...o.user, id: toBytes(o.user.id) },
    excludeCredentials: creds(o.excludeCredentials),
  } });
  return api.addPasskey({
    clientDataJSON: toB64u(cred.response.clientDataJSON),
    attestationObject: toB64u(cred.response.attestationObject),
    ...(label ? { label } : {}),
  });
}

// Sign in with a discoverable passkey: the person, as signInPerson gives.
export async function signIn() {
  const { publicKey: o } = await api.passkeySignInOptions();
  const cred = await navigator.credentials.get({ publicKey: {
    ...o, challenge: toBytes(o.challenge), allowCredentials: creds(o.allowCredentials),
  } });
  const r = cred.response;
  return api.signInPasskey({
    id: toB64u(cred.rawId),
    clientDataJSON: toB64u(r.clientDataJSON),
    authenticatorData: toB64u(r.authenticatorData),
    signature: toB64u(r.signature),
    userHandle: r.userHandle ? toB64u(r.userHandle) : null,
  });
}
