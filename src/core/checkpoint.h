/*
 * checkpoint.h - signed tree heads as C2SP signed notes (c2sp.org/signed-note)
 * carrying C2SP checkpoints (c2sp.org/tlog-checkpoint), signed with Ed25519.
 *
 * A checkpoint note, byte for byte (\n is 0x0A, — is U+2014 = E2 80 94):
 *
 *     <origin>\n
 *     <tree size, decimal, no leading zeros>\n
 *     <base64 of the 32-byte root, with padding>\n
 *     \n
 *     — <key name> <base64(key id[4] || Ed25519 signature[64])>\n
 *     (more signature lines: cosigners, witnesses, rotated keys)
 *
 * The signed text ("body") is the first three lines, newlines included.
 * key id = SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
 * A verifier ignores signatures by keys it does not know (name and id must
 * both match), rejects the note if a known key's signature is invalid, and
 * rejects it unless the known key signed it.
 *
 * Two layers live here: cn_note_* for any signed note (text + signature
 * lines; also the Go-compatible vkey/skey key strings), and cn_checkpoint_*
 * for notes whose text is a checkpoint.  Parsers are strict: valid UTF-8,
 * no control characters but newline, canonical base64, exact newlines.
 *
 * Ownership: every char ** output is malloc'd and NUL-terminated; the
 * caller frees it with free().  struct cn_note and struct cn_checkpoint own
 * their strings and arrays until cn_note_release()/cn_checkpoint_release().
 * Secret keys are caller buffers; functions here wipe their own copies.
 *
 * Pure code: no I/O, no clock, no global state (cn_note_keygen draws from
 * libsodium's random generator, which needs sodium_init()).
 */
#ifndef CN_CHECKPOINT_H
#define CN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "merkle.h"

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

/* A parsed checkpoint.  `note` holds the body as its text and the
 * signature lines. */
struct cn_checkpoint {
	char *origin;     /* first line, non-empty; malloc'd */
	uint64_t size;    /* tree size */
	uint8_t root[CN_MERKLE_HASH_LEN];
	char *extensions; /* NULL, or the extension lines after the root, each
			     ending in '\n' (we never write any) */
	struct cn_note note;
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

/* --- checkpoints -------------------------------------------------------- */

/* Sign the checkpoint (origin, size, root) with one key.  origin must be
 * non-empty note text without a newline; the key name should be the
 * origin (the spec's SHOULD), but any valid name works. */
int cn_checkpoint_sign(const char *origin, uint64_t size,
		       const uint8_t root[CN_MERKLE_HASH_LEN],
		       const char *key_name,
		       const uint8_t sk[CN_NOTE_SECKEY_LEN], char **note,
		       struct cn_err *err) CN_NODISCARD;

/* Parse a checkpoint note strictly (no signature is checked).  Besides
 * cn_note_parse's rules: at least three non-empty lines of text; size in
 * decimal without sign, spaces or leading zeros, below 2^64; root the
 * canonical base64 of exactly 32 bytes; extension lines non-empty. */
int cn_checkpoint_parse(const char *note, size_t len, struct cn_checkpoint *cp,
			struct cn_err *err) CN_NODISCARD;
void cn_checkpoint_release(struct cn_checkpoint *cp);

/* Parse and verify with one trusted key.  On success, when cp is not NULL,
 * *cp receives the parsed checkpoint (release it); on failure *cp is left
 * empty (safe to release). */
int cn_checkpoint_verify(const char *note, size_t len, const char *key_name,
			 const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			 struct cn_checkpoint *cp, struct cn_err *err)
	CN_NODISCARD;

#endif
