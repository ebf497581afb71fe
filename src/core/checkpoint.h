/*
 * checkpoint.h - signed tree heads: C2SP checkpoints
 * (c2sp.org/tlog-checkpoint) carried by signed notes (note.h).
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
 * The signed text ("body") is the first three lines, newlines included,
 * possibly followed by extension lines.  This header includes note.h, so
 * its callers find the signed-note and key functions here too.
 *
 * Ownership: every char ** output is malloc'd and NUL-terminated; the
 * caller frees it with free().  struct cn_checkpoint owns its strings and
 * arrays until cn_checkpoint_release().
 *
 * Pure code: no I/O, no clock, no global state.
 */
#ifndef CN_CHECKPOINT_H
#define CN_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "merkle.h"
#include "note.h"

/* A parsed checkpoint.  `note` holds the body as its text and the
 * signature lines. */
struct cn_checkpoint {
	char *origin;     /* first line, non-empty; malloc'd */
	uint64_t size;    /* tree size */
	uint8_t root[CN_MERKLE_HASH_LEN];
	char *extensions; /* NULL, or the extension lines after the root, each
			     ending in '\n' (we write one: the chain line,
			     below) */
	struct cn_note note;
};

/* --- checkpoints -------------------------------------------------------- */

/* Sign the checkpoint (origin, size, root) with one key.  origin must be
 * non-empty note text without a newline; the key name should be the
 * origin (the spec's SHOULD), but any valid name works. */
int cn_checkpoint_sign(const char *origin, uint64_t size,
		       const uint8_t root[CN_MERKLE_HASH_LEN],
		       const char *key_name,
		       const uint8_t sk[CN_NOTE_SECKEY_LEN], char **note,
		       struct cn_err *err) CN_NODISCARD;

/* The same, the note's text followed by the chain line of prev_note (a
 * checkpoint the same key signed before, all its bytes; none when
 * prev_note is NULL):
 *
 *     previous <base64 of SHA-256(prev_note)>\n
 *
 * A log that signs each checkpoint after the one before it, checking that
 * one's signature first, makes a sequence in which a verifier that has
 * checked one note's signature knows its predecessor's bytes are the
 * ones the key vouched for, and so on back: the signature of the last
 * stands for the run (cn_checkpoint_follows).  C2SP does not recommend
 * extension lines, since a monitor cannot audit them; this one is for
 * council's own verifier, and any other client ignores it. */
int cn_checkpoint_sign_after(const char *origin, uint64_t size,
			     const uint8_t root[CN_MERKLE_HASH_LEN],
			     const char *prev_note, size_t prev_len,
			     const char *key_name,
			     const uint8_t sk[CN_NOTE_SECKEY_LEN], char **note,
			     struct cn_err *err) CN_NODISCARD;

/* 1 when cp's extension lines are exactly the chain line of prev_note
 * (prev_len bytes), 0 otherwise (none, another line, another note). */
int cn_checkpoint_follows(const struct cn_checkpoint *cp,
			  const char *prev_note, size_t prev_len);

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
