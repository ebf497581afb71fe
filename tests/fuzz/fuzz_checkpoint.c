/* fuzz_checkpoint.c - libFuzzer target for the signed-note and checkpoint
 * parsers, the verifier and the key-string decoders.
 *
 * Properties checked on every input:
 *  - parsing fails with CN_EINVAL (or CN_ENOMEM) or succeeds;
 *  - a parsed note re-encodes to exactly the input (the parser accepts one
 *    spelling only), and a parsed checkpoint's fields re-encode to exactly
 *    its signed text;
 *  - verifying never crashes, with the fixed key and with the name of
 *    every signature line;
 *  - re-signing the parsed fields, and cosigning the input, give notes
 *    that verify with the signing key.
 * The fixed key is RFC 8032's TEST 1 key under the name
 * "council.example/log", so the seeds (signed with it) verify. */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/checkpoint.h"

#define KEY_NAME "council.example/log"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct key {
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN];
};

static const struct key *fuzz_key(void)
{
	static struct key k;
	static int ready;
	static const uint8_t seed[32] = {
		0x9d, 0x61, 0xb1, 0x9d, 0xef, 0xfd, 0x5a, 0x60,
		0xba, 0x84, 0x4a, 0xf4, 0x92, 0xec, 0x2c, 0xc4,
		0x44, 0x49, 0xc5, 0x69, 0x7b, 0x32, 0x69, 0x19,
		0x70, 0x3b, 0xac, 0x03, 0x1c, 0xae, 0x7f, 0x60,
	};

	if (!ready) {
		if (sodium_init() < 0 ||
		    crypto_sign_seed_keypair(k.pk, k.sk, seed) != 0)
			abort();
		ready = 1;
	}
	return &k;
}

static void check_code(int rc)
{
	if (rc != 0 && rc != CN_EINVAL && rc != CN_ENOMEM &&
	    rc != CN_ECORRUPT)
		abort();
}

/* A parsed note must re-encode to the input byte for byte. */
static void check_note_round_trip(const struct cn_note *n, const char *msg,
				  size_t len)
{
	size_t at = n->text_len + 1;

	if (at > len || memcmp(msg, n->text, n->text_len) != 0 ||
	    msg[n->text_len] != '\n')
		abort();
	for (size_t i = 0; i < n->nsigs; i++) {
		const struct cn_note_sig *s = &n->sigs[i];
		size_t blen = CN_NOTE_KEYID_LEN + s->sig_len;
		size_t b64len = sodium_base64_ENCODED_LEN(
			blen, sodium_base64_VARIANT_ORIGINAL);
		uint8_t *blob = malloc(blen);
		char *b64 = malloc(b64len);
		size_t nl = strlen(s->name);

		if (!blob || !b64)
			abort();
		memcpy(blob, s->key_id, CN_NOTE_KEYID_LEN);
		memcpy(blob + CN_NOTE_KEYID_LEN, s->sig, s->sig_len);
		sodium_bin2base64(b64, b64len, blob, blen,
				  sodium_base64_VARIANT_ORIGINAL);
		if (at + 4 + nl + 1 + strlen(b64) + 1 > len ||
		    memcmp(msg + at, "\xE2\x80\x94 ", 4) != 0 ||
		    memcmp(msg + at + 4, s->name, nl) != 0 ||
		    msg[at + 4 + nl] != ' ' ||
		    memcmp(msg + at + 5 + nl, b64, strlen(b64)) != 0 ||
		    msg[at + 5 + nl + strlen(b64)] != '\n')
			abort();
		at += 4 + nl + 1 + strlen(b64) + 1;
		free(blob);
		free(b64);
	}
	if (at != len)
		abort();
}

static void check_checkpoint(const struct cn_checkpoint *cp,
			     const struct key *k)
{
	char b64[CN_MERKLE_B64_LEN], num[24];
	char *body, *note = NULL;
	size_t blen;
	struct cn_checkpoint again;
	struct cn_err err;
	int rc;

	/* the fields spell the signed text exactly */
	cn_merkle_hash_b64(cp->root, b64);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)cp->size);
	blen = strlen(cp->origin) + strlen(num) + strlen(b64) + 3 +
	       (cp->extensions ? strlen(cp->extensions) : 0);
	body = malloc(blen + 1);
	if (!body)
		abort();
	snprintf(body, blen + 1, "%s\n%s\n%s\n%s", cp->origin, num, b64,
		 cp->extensions ? cp->extensions : "");
	if (blen != cp->note.text_len || memcmp(body, cp->note.text, blen) != 0)
		abort();
	free(body);

	/* re-signing the fields gives a note our key verifies */
	rc = cn_checkpoint_sign(cp->origin, cp->size, cp->root, KEY_NAME, k->sk,
				&note, &err);
	if (rc == CN_ENOMEM)
		return;
	if (rc != 0)
		abort();
	if (cn_checkpoint_verify(note, strlen(note), KEY_NAME, k->pk, &again,
				 &err) != 0)
		abort();
	if (strcmp(again.origin, cp->origin) != 0 || again.size != cp->size ||
	    memcmp(again.root, cp->root, sizeof(cp->root)) != 0)
		abort();
	cn_checkpoint_release(&again);
	free(note);
}

/* Signed after the input (any bytes will do as the note before), the
 * checkpoint names the input and nothing else: not the input a byte
 * shorter, not itself. */
static void check_chain(const struct cn_checkpoint *cp, const char *msg,
			size_t size, const struct key *k)
{
	struct cn_checkpoint after;
	struct cn_err err;
	char *note = NULL;
	int rc = cn_checkpoint_sign_after(cp->origin, cp->size, cp->root, msg,
					  size, KEY_NAME, k->sk, &note, &err);

	if (rc == CN_ENOMEM)
		return;
	if (rc != 0 || cn_checkpoint_verify(note, strlen(note), KEY_NAME, k->pk,
					    &after, &err) != 0)
		abort();
	if (!cn_checkpoint_follows(&after, msg, size) ||
	    (size > 0 && cn_checkpoint_follows(&after, msg, size - 1)) ||
	    cn_checkpoint_follows(&after, note, strlen(note)))
		abort();
	cn_checkpoint_release(&after);
	free(note);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct key *k = fuzz_key();
	const char *msg = (const char *)data;
	struct cn_checkpoint cp;
	struct cn_note note;
	struct cn_err err;
	char *str, *out = NULL, *name = NULL;
	uint8_t pk[CN_NOTE_PUBKEY_LEN], sk[CN_NOTE_SECKEY_LEN];
	int rc;

	/* the generic note layer */
	rc = cn_note_parse(msg, size, &note, &err);
	check_code(rc);
	if (rc == 0) {
		check_note_round_trip(&note, msg, size);
		check_code(cn_note_verify(&note, KEY_NAME, k->pk, &err));
		for (size_t i = 0; i < note.nsigs; i++)
			check_code(cn_note_verify(&note, note.sigs[i].name,
						  k->pk, &err));
		cn_note_release(&note);
		/* cosigning a valid note always works, and verifies */
		rc = cn_note_cosign(msg, size, KEY_NAME, k->sk, &out, &err);
		if (rc == 0) {
			if (cn_note_parse(out, strlen(out), &note, &err) != 0 ||
			    cn_note_verify(&note, KEY_NAME, k->pk, &err) != 0)
				abort();
			cn_note_release(&note);
			free(out);
		} else if (rc != CN_EINVAL && rc != CN_ENOMEM) {
			abort(); /* EINVAL only for 100 other signatures */
		}
	}

	/* the checkpoint layer */
	rc = cn_checkpoint_parse(msg, size, &cp, &err);
	check_code(rc);
	if (rc == 0) {
		check_checkpoint(&cp, k);
		check_chain(&cp, msg, size, k);
		cn_checkpoint_release(&cp);
	}
	rc = cn_checkpoint_verify(msg, size, KEY_NAME, k->pk, &cp, &err);
	check_code(rc);
	cn_checkpoint_release(&cp);

	/* key strings: the input as one NUL-terminated string */
	str = malloc(size + 1);
	if (!str)
		return 0;
	memcpy(str, data, size);
	str[size] = '\0';
	rc = cn_note_vkey_decode(str, &name, pk, &err);
	check_code(rc);
	if (rc == 0) {
		/* a decoded key re-encodes to a key that decodes the same */
		char *enc = NULL, *name2 = NULL;
		uint8_t pk2[CN_NOTE_PUBKEY_LEN];

		if (cn_note_vkey_encode(name, pk, &enc, &err) != 0 ||
		    cn_note_vkey_decode(enc, &name2, pk2, &err) != 0 ||
		    strcmp(name, name2) != 0 || memcmp(pk, pk2, sizeof(pk)) != 0)
			abort();
		free(enc);
		free(name2);
		free(name);
	}
	rc = cn_note_skey_decode(str, &name, sk, &err);
	check_code(rc);
	if (rc == 0)
		free(name);
	free(str);
	return 0;
}
