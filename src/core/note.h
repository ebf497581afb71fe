/*
 * note.h - C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys:
 * a text and one or more signature lines, and the Go-compatible key
 * strings (golang.org/x/mod/sumdb/note) that name the keys.
 *
 * A signed note, byte for byte (\n is 0x0A, — is U+2014 = E2 80 94):
 *
 *     <text: one or more lines, each ending in \n>
 *     \n
 *     — <key name> <base64(key id[4] || Ed25519 signature[64])>\n
 *     (more signature lines: cosigners, witnesses, rotated keys)
 *
 * key id = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
 * A verifier ignores signatures by keys it does not know (name and id must
 * both match), rejects the note if a known key's signature is invalid, and
 * rejects it unless the known key signed it.  Parsers are strict: valid
 * UTF-8, no control characters but newline, canonical base64, exact
 * newlines.  checkpoint.h builds the log's checkpoints on these notes.
 *
 * Ownership: every char ** output is malloc'd and NUL-terminated; the
 * caller frees it with free().  struct cn_note owns its strings and arrays
 * until cn_note_release().  Secret keys are caller buffers; functions here
 * wipe their own copies.
 *
 * Pure code: no I/O, no clock, no global state (cn_note_keygen draws from
 * libsodium's random generator, which needs sodium_init()).
 */
#ifndef CN_NOTE_H
#define CN_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CN_NOTE_PUBKEY_LEN 32 /* crypto_sign_PUBLICKEYBYTES */
#define CN_NOTE_SECKEY_LEN 64 /* crypto_sign_SECRETKEYBYTES: seed || public key */
#define CN_NOTE_SIG_LEN 64    /* crypto_sign_BYTES */
#define CN_NOTE_KEYID_LEN 4
/* The spec asks verifiers to cap signatures and accept at least 16; Go's
 * golang.org/x/mod/sumdb/note caps at 100. */
#define CN_NOTE_MAX_SIGS 100
/* Refuse notes larger than this before looking at them (1 MiB). */
#define CN_NOTE_MAX_LEN ((size_t)1 << 20)

/* One signature line. */
struct cn_note_sig {
	char *name;                        /* key name, malloc'd */
	uint8_t key_id[CN_NOTE_KEYID_LEN]; /* first 4 decoded bytes */
	uint8_t *sig;                      /* the rest (>= 1 byte), malloc'd */
	size_t sig_len;                    /* 64 for Ed25519 */
};

/* A parsed signed note: the signed text and every signature line in order.
 * Parsing does not verify anything. */
struct cn_note {
	char *text;      /* signed text, ends with '\n'; malloc'd, NUL-terminated */
	size_t text_len;
	struct cn_note_sig *sigs; /* malloc'd array of nsigs (1..100) */
	size_t nsigs;
};

/* --- keys --------------------------------------------------------------- */

/* The 4-byte key id of an Ed25519 key (formula above).  Any name. */
void cn_note_key_id(const char *name, const uint8_t pk[CN_NOTE_PUBKEY_LEN],
		    uint8_t id[CN_NOTE_KEYID_LEN]);

/* New random Ed25519 key pair (wraps crypto_sign_keypair).  CN_EINVAL when
 * name is not a valid key name: non-empty UTF-8 without control
 * characters, Unicode spaces or '+'. */
int cn_note_keygen(const char *name, uint8_t pk[CN_NOTE_PUBKEY_LEN],
		   uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
	CN_NODISCARD;

/* Verifier key string "<name>+<8 hex digits of key id>+<base64(0x01 ||
 * public key)>" as golang.org/x/mod/sumdb/note writes it.  Decoding checks
 * the name, the algorithm byte, the key length and that the key id
 * matches; *name is malloc'd. */
int cn_note_vkey_encode(const char *name, const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			char **out, struct cn_err *err) CN_NODISCARD;
int cn_note_vkey_decode(const char *vkey, char **name,
			uint8_t pk[CN_NOTE_PUBKEY_LEN], struct cn_err *err)
	CN_NODISCARD;

/* Signer key string "PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 ||
 * 32-byte seed)>" (Go's format).  Keep it secret: whoever holds it can sign
 * checkpoints.  Decoding rebuilds the 64-byte libsodium secret key from the
 * seed and checks the key id. */
int cn_note_skey_encode(const char *name, const uint8_t sk[CN_NOTE_SECKEY_LEN],
			char **out, struct cn_err *err) CN_NODISCARD;
int cn_note_skey_decode(const char *skey, char **name,
			uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
	CN_NODISCARD;

/* --- signed notes ------------------------------------------------------- */

/* Parse msg[0..len) strictly into *note (which need not be initialised).
 * The text ends at the last blank line; then 1..100 lines "— name b64\n"
 * with b64 decoding to 5 or more bytes.  CN_EINVAL on any deviation. */
int cn_note_parse(const char *msg, size_t len, struct cn_note *note,
		  struct cn_err *err) CN_NODISCARD;
void cn_note_release(struct cn_note *note);

/* Sign text[0..len) (non-empty, ends with '\n', valid note text): *out is
 * the text, a blank line and one signature line. */
int cn_note_sign(const char *text, size_t len, const char *key_name,
		 const uint8_t sk[CN_NOTE_SECKEY_LEN], char **out,
		 struct cn_err *err) CN_NODISCARD;

/* Add a signature by another key to an existing note (a cosigner or a
 * witness; also key rotation).  An earlier line by the same name and key
 * id is replaced.  Existing signatures are kept, not checked. */
int cn_note_cosign(const char *msg, size_t len, const char *key_name,
		   const uint8_t sk[CN_NOTE_SECKEY_LEN], char **out,
		   struct cn_err *err) CN_NODISCARD;

/* 0 when key (key_name, pk) validly signed the note's text and none of its
 * lines with that name and key id is invalid; CN_ECORRUPT otherwise (the
 * message says which).  Lines by other keys are ignored. */
int cn_note_verify(const struct cn_note *note, const char *key_name,
		   const uint8_t pk[CN_NOTE_PUBKEY_LEN], struct cn_err *err)
	CN_NODISCARD;

/* cn_note_verify in three steps, for a caller that checks the signatures
 * elsewhere (verify checks a store's checkpoints on a second thread):
 * prepare names the key (its name checked, its id computed), run checks
 * the note's lines by that key (no allocation, no state but *chk and
 * what it reads: any thread, while nothing changes the note), and result
 * says what cn_note_verify would have said.  chk borrows key_name and pk
 * until the result. */
struct cn_note_check {
	const char *key_name;
	const uint8_t *pk;
	uint8_t id[CN_NOTE_KEYID_LEN];
	size_t good;  /* valid lines by the key */
	size_t bad;   /* 0, or the 1-based line of the first invalid one */
};

int cn_note_check_prepare(struct cn_note_check *chk, const char *key_name,
			  const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			  struct cn_err *err) CN_NODISCARD;
void cn_note_check_run(struct cn_note_check *chk, const struct cn_note *note);
/* As run, but each line by the key is taken as valid without its Ed25519
 * check: for a note whose exact bytes a note already checked vouches
 * for (a checkpoint's chain line, checkpoint.h), never for a note alone. */
void cn_note_check_vouched(struct cn_note_check *chk,
			   const struct cn_note *note);
int cn_note_check_result(const struct cn_note_check *chk, struct cn_err *err)
	CN_NODISCARD;

/* 1 when s[0..n) is valid note text: UTF-8 without control characters
 * but newline. */
int cn_note_text_ok(const char *s, size_t n);

#endif
