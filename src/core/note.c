/* note.c - C2SP signed notes and their Ed25519 key strings: building,
 * parsing, signing, verifying; see note.h.
 *
 * Strictness is deliberate: a signature covers exact bytes, so the parser
 * accepts exactly one spelling of every field (canonical base64, no
 * leading zeros, no stray blank lines) and anything a signer could not
 * have produced is refused before any signature is looked at. */
#include "note.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sha256.h"

/* "— " : U+2014 EM DASH in UTF-8, then a space. */
static const char sig_prefix[] = "\xE2\x80\x94 ";
#define SIG_PREFIX_LEN (sizeof(sig_prefix) - 1)

/* Signature type byte of Ed25519 in key ids and key strings. */
#define ALG_ED25519 0x01

static const char skey_prefix[] = "PRIVATE+KEY+";

/* --- text checks -------------------------------------------------------- */

/* Decode one UTF-8 sequence from s[0..n) (n >= 1).  Returns its length, or
 * 0 when it is not well-formed: overlong forms, surrogates, values above
 * U+10FFFF and truncated sequences are all refused, as Go's decoder does. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2, v = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3, v = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4, v = c & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3F);
	}
	if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
		return 0;
	*cp = v;
	return len;
}

/* Unicode White_Space (what Go's unicode.IsSpace tests): key names must
 * not contain any, or "— name sig" could be split more than one way. */
static int is_space(uint32_t c)
{
	return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 ||
	       c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) ||
	       c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
	       c == 0x3000;
}

/* Note text: valid UTF-8 without ASCII control characters but newline. */
int cn_note_text_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	for (size_t i = 0; i < n;) {
		size_t k = utf8_next(p + i, n - i, &cp);

		if (k == 0 || (cp < 0x20 && cp != '\n'))
			return 0;
		i += k;
	}
	return 1;
}

/* Key name: non-empty note text without spaces or '+' ('+' separates the
 * fields of key strings). */
static int name_ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n;) {
		size_t k = utf8_next(p + i, n - i, &cp);

		if (k == 0 || cp < 0x20 || is_space(cp) || cp == '+')
			return 0;
		i += k;
	}
	return 1;
}


static char *dup_range(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/* Hand a built string to the caller, or fail with CN_ENOMEM. */
static int sb_finish(struct cn_buf *sb, char **out, struct cn_err *err)
{
	if (cn_buf_finish(sb, out))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* "— name base64(blob)\n" */
static void sb_sig_line(struct cn_buf *sb, const char *name, const uint8_t *blob,
			size_t n)
{
	size_t b64len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64len);

	if (!b64) {
		sb->oom = 1;
		return;
	}
	sodium_bin2base64(b64, b64len, blob, n, sodium_base64_VARIANT_ORIGINAL);
	cn_buf_add(sb, sig_prefix, SIG_PREFIX_LEN);
	cn_buf_puts(sb, name);
	cn_buf_add(sb, " ", 1);
	cn_buf_puts(sb, b64);
	cn_buf_add(sb, "\n", 1);
	free(b64);
}

/* --- keys --------------------------------------------------------------- */

void cn_note_key_id(const char *name, const uint8_t pk[CN_NOTE_PUBKEY_LEN],
		    uint8_t id[CN_NOTE_KEYID_LEN])
{
	static const uint8_t sep[2] = { 0x0A, ALG_ED25519 };
	const void *parts[3] = {name, sep, pk};
	const size_t lens[3] = {strlen(name), sizeof(sep), CN_NOTE_PUBKEY_LEN};
	uint8_t h[CN_SHA256_LEN];

	/* Through EVP: once per checkpoint verified */
	cn_sha256_parts(parts, lens, 3, h);
	memcpy(id, h, CN_NOTE_KEYID_LEN);
}

static int check_name(const char *name, struct cn_err *err)
{
	if (!name_ok(name, strlen(name)))
		return cn_err_set(err, CN_EINVAL,
				  "bad key name \"%.64s\": it must be non-empty "
				  "UTF-8 without spaces, control characters or "
				  "'+'", name);
	return 0;
}

int cn_note_keygen(const char *name, uint8_t pk[CN_NOTE_PUBKEY_LEN],
		   uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
{
	int rc = check_name(name, err);

	if (rc)
		return rc;
	if (crypto_sign_keypair(pk, sk) != 0)
		return cn_err_set(err, CN_EIO, "key generation failed");
	return 0;
}

static void sb_key_id_hex(struct cn_buf *sb, const uint8_t id[CN_NOTE_KEYID_LEN])
{
	char hex[2 * CN_NOTE_KEYID_LEN + 1];

	cn_hex(id, CN_NOTE_KEYID_LEN, hex);
	cn_buf_puts(sb, hex);
}

/* Split "<name>+<8 hex>+<base64>" and decode it into name, id and the
 * 33-byte algorithm-prefixed key.  The base64 may itself contain '+', so
 * only the first two '+' separate fields. */
static int parse_key_string(const char *s, const char *what, char **name,
			    uint8_t id[CN_NOTE_KEYID_LEN],
			    uint8_t key[1 + CN_NOTE_PUBKEY_LEN],
			    struct cn_err *err)
{
	const char *p1 = strchr(s, '+'), *p2, *b64;
	size_t got = 0;

	*name = NULL;
	if (!p1 || !name_ok(s, (size_t)(p1 - s)))
		return cn_err_set(err, CN_EINVAL, "%s: bad key name", what);
	p2 = strchr(p1 + 1, '+');
	if (!p2 || p2 - (p1 + 1) != 2 * CN_NOTE_KEYID_LEN)
		return cn_err_set(err, CN_EINVAL,
				  "%s: key id is not 8 hex digits", what);
	/* Go's ParseUint takes hex digits in either case. */
	if (cn_hex_decode(p1 + 1, 2 * CN_NOTE_KEYID_LEN, id, CN_NOTE_KEYID_LEN,
			  1))
		return cn_err_set(err, CN_EINVAL,
				  "%s: key id is not 8 hex digits", what);
	b64 = p2 + 1;
	if (cn_base64_decode(b64, strlen(b64), key, 1 + CN_NOTE_PUBKEY_LEN,
		       &got) != 0 ||
	    got != 1 + CN_NOTE_PUBKEY_LEN)
		return cn_err_set(err, CN_EINVAL,
				  "%s: key is not the base64 of 33 bytes", what);
	if (key[0] != ALG_ED25519)
		return cn_err_set(err, CN_EINVAL,
				  "%s: unknown key algorithm 0x%02x (want "
				  "Ed25519, 0x01)", what, key[0]);
	*name = dup_range(s, (size_t)(p1 - s));
	if (!*name)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* Both key strings' common part, "name+keyid+base64(alg || key)", where
 * key is the public key or the private seed: 32 bytes either way.  The
 * copies made here are wiped, since the key may be secret. */
static void sb_key_string(struct cn_buf *sb, const char *name,
			  const uint8_t id[CN_NOTE_KEYID_LEN],
			  const uint8_t k[CN_NOTE_PUBKEY_LEN])
{
	uint8_t key[1 + CN_NOTE_PUBKEY_LEN];
	char b64[sodium_base64_ENCODED_LEN(1 + CN_NOTE_PUBKEY_LEN,
					   sodium_base64_VARIANT_ORIGINAL)];

	_Static_assert(crypto_sign_SEEDBYTES == CN_NOTE_PUBKEY_LEN,
		       "an Ed25519 seed is as long as its public key");
	key[0] = ALG_ED25519;
	memcpy(key + 1, k, CN_NOTE_PUBKEY_LEN);
	sodium_bin2base64(b64, sizeof(b64), key, sizeof(key),
			  sodium_base64_VARIANT_ORIGINAL);
	cn_buf_puts(sb, name);
	cn_buf_add(sb, "+", 1);
	sb_key_id_hex(sb, id);
	cn_buf_add(sb, "+", 1);
	cn_buf_puts(sb, b64);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(b64, sizeof(b64));
}

int cn_note_vkey_encode(const char *name, const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			char **out, struct cn_err *err)
{
	struct cn_buf sb = CN_BUF_INIT;
	uint8_t id[CN_NOTE_KEYID_LEN];
	int rc;

	*out = NULL;
	rc = check_name(name, err);
	if (rc)
		return rc;
	cn_note_key_id(name, pk, id);
	sb_key_string(&sb, name, id, pk);
	return sb_finish(&sb, out, err);
}

int cn_note_vkey_decode(const char *vkey, char **name,
			uint8_t pk[CN_NOTE_PUBKEY_LEN], struct cn_err *err)
{
	uint8_t id[CN_NOTE_KEYID_LEN], want[CN_NOTE_KEYID_LEN];
	uint8_t key[1 + CN_NOTE_PUBKEY_LEN];
	int rc;

	rc = parse_key_string(vkey, "verifier key", name, id, key, err);
	if (rc)
		return rc;
	cn_note_key_id(*name, key + 1, want);
	if (memcmp(id, want, sizeof(id)) != 0) {
		free(*name);
		*name = NULL;
		return cn_err_set(err, CN_EINVAL,
				  "verifier key: key id does not match the "
				  "name and key");
	}
	memcpy(pk, key + 1, CN_NOTE_PUBKEY_LEN);
	return 0;
}

int cn_note_skey_encode(const char *name, const uint8_t sk[CN_NOTE_SECKEY_LEN],
			char **out, struct cn_err *err)
{
	struct cn_buf sb = CN_BUF_INIT;
	uint8_t id[CN_NOTE_KEYID_LEN], pk[CN_NOTE_PUBKEY_LEN];
	uint8_t seed[crypto_sign_SEEDBYTES];
	int rc;

	*out = NULL;
	rc = check_name(name, err);
	if (rc)
		return rc;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	cn_note_key_id(name, pk, id);
	crypto_sign_ed25519_sk_to_seed(seed, sk);
	cn_buf_puts(&sb, skey_prefix);
	sb_key_string(&sb, name, id, seed);
	sodium_memzero(seed, sizeof(seed));
	if (sb.oom && sb.s)
		sodium_memzero(sb.s, sb.cap);
	return sb_finish(&sb, out, err);
}

int cn_note_skey_decode(const char *skey, char **name,
			uint8_t sk[CN_NOTE_SECKEY_LEN], struct cn_err *err)
{
	uint8_t id[CN_NOTE_KEYID_LEN], want[CN_NOTE_KEYID_LEN];
	uint8_t key[1 + crypto_sign_SEEDBYTES], pk[CN_NOTE_PUBKEY_LEN];
	uint8_t sktmp[CN_NOTE_SECKEY_LEN];
	int rc;

	*name = NULL;
	if (strncmp(skey, skey_prefix, sizeof(skey_prefix) - 1) != 0)
		return cn_err_set(err, CN_EINVAL,
				  "signer key: does not start with "
				  "PRIVATE+KEY+");
	/* The seed has the size of a public key, so the same parser fits. */
	rc = parse_key_string(skey + sizeof(skey_prefix) - 1, "signer key",
			      name, id, key, err);
	if (rc) {
		sodium_memzero(key, sizeof(key));
		return rc;
	}
	crypto_sign_seed_keypair(pk, sktmp, key + 1);
	sodium_memzero(key, sizeof(key));
	cn_note_key_id(*name, pk, want);
	if (memcmp(id, want, sizeof(id)) != 0) {
		sodium_memzero(sktmp, sizeof(sktmp));
		free(*name);
		*name = NULL;
		return cn_err_set(err, CN_EINVAL,
				  "signer key: key id does not match the name "
				  "and key");
	}
	memcpy(sk, sktmp, sizeof(sktmp));
	sodium_memzero(sktmp, sizeof(sktmp));
	return 0;
}

/* --- signed notes ------------------------------------------------------- */

void cn_note_release(struct cn_note *note)
{
	for (size_t i = 0; i < note->nsigs; i++) {
		free(note->sigs[i].name);
		free(note->sigs[i].sig);
	}
	free(note->sigs);
	free(note->text);
	memset(note, 0, sizeof(*note));
}

/* One line "— name base64" (without its newline). */
static int parse_sig_line(const char *line, size_t n, struct cn_note_sig *sig,
			  struct cn_err *err)
{
	const char *name, *sp, *b64;
	size_t namelen, b64len, max, got = 0;
	uint8_t *bin;

	if (n < SIG_PREFIX_LEN || memcmp(line, sig_prefix, SIG_PREFIX_LEN) != 0)
		return cn_err_set(err, CN_EINVAL,
				  "does not start with an em dash and a space");
	name = line + SIG_PREFIX_LEN;
	sp = memchr(name, ' ', n - SIG_PREFIX_LEN);
	if (!sp)
		return cn_err_set(err, CN_EINVAL,
				  "no space between key name and signature");
	namelen = (size_t)(sp - name);
	if (!name_ok(name, namelen))
		return cn_err_set(err, CN_EINVAL, "bad key name");
	b64 = sp + 1;
	b64len = n - SIG_PREFIX_LEN - namelen - 1;
	max = b64len / 4 * 3 + 3;
	bin = malloc(max);
	if (!bin)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (cn_base64_decode(b64, b64len, bin, max, &got) != 0 ||
	    got < CN_NOTE_KEYID_LEN + 1) {
		free(bin);
		return cn_err_set(err, CN_EINVAL,
				  "signature is not base64 of a key id and at "
				  "least one byte");
	}
	sig->name = dup_range(name, namelen);
	sig->sig = malloc(got - CN_NOTE_KEYID_LEN);
	if (!sig->name || !sig->sig) {
		free(bin);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	memcpy(sig->key_id, bin, CN_NOTE_KEYID_LEN);
	memcpy(sig->sig, bin + CN_NOTE_KEYID_LEN, got - CN_NOTE_KEYID_LEN);
	sig->sig_len = got - CN_NOTE_KEYID_LEN;
	free(bin);
	return 0;
}

int cn_note_parse(const char *msg, size_t len, struct cn_note *note,
		  struct cn_err *err)
{
	const char *sigs, *end = msg + len, *p;
	size_t split, count = 0;
	int rc;

	memset(note, 0, sizeof(*note));
	if (len > CN_NOTE_MAX_LEN)
		return cn_err_set(err, CN_EINVAL, "note longer than %zu bytes",
				  CN_NOTE_MAX_LEN);
	if (!cn_note_text_ok(msg, len))
		return cn_err_set(err, CN_EINVAL,
				  "note is not UTF-8 text free of control "
				  "characters");
	/* The text ends at the last blank line: find the last "\n\n".  On
	 * success msg[split - 2] and msg[split - 1] are those newlines. */
	for (split = len; split >= 2; split--)
		if (msg[split - 1] == '\n' && msg[split - 2] == '\n')
			break;
	if (split < 2)
		return cn_err_set(err, CN_EINVAL,
				  "no blank line between text and signatures");
	sigs = msg + split;
	if (sigs == end || end[-1] != '\n')
		return cn_err_set(err, CN_EINVAL,
				  "note must end with signature lines, each "
				  "ending in a newline");
	for (p = sigs; p < end; p++)
		count += *p == '\n';
	if (count > CN_NOTE_MAX_SIGS)
		return cn_err_set(err, CN_EINVAL,
				  "%zu signatures, more than %d", count,
				  CN_NOTE_MAX_SIGS);
	note->text_len = split - 1; /* the text keeps its final newline */
	note->text = dup_range(msg, note->text_len);
	note->sigs = calloc(count, sizeof(*note->sigs));
	if (!note->text || !note->sigs) {
		cn_note_release(note);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	for (p = sigs; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		/* nsigs counts the entry being filled so release frees it. */
		note->nsigs++;
		rc = parse_sig_line(p, (size_t)(nl - p),
				    &note->sigs[note->nsigs - 1], err);
		if (rc) {
			size_t i = note->nsigs;

			cn_note_release(note);
			cn_err_prefix(err, "signature line %zu: ", i);
			return rc;
		}
		p = nl + 1;
	}
	return 0;
}

/* Append "— name base64(id || Ed25519(text))\n" for key sk. */
static void sb_sign(struct cn_buf *sb, const char *text, size_t len,
		   const char *name, const uint8_t sk[CN_NOTE_SECKEY_LEN])
{
	uint8_t pk[CN_NOTE_PUBKEY_LEN];
	uint8_t blob[CN_NOTE_KEYID_LEN + CN_NOTE_SIG_LEN];

	crypto_sign_ed25519_sk_to_pk(pk, sk);
	cn_note_key_id(name, pk, blob);
	crypto_sign_detached(blob + CN_NOTE_KEYID_LEN, NULL,
			     (const unsigned char *)text, len, sk);
	sb_sig_line(sb, name, blob, sizeof(blob));
}

static int check_text(const char *text, size_t len, struct cn_err *err)
{
	if (len == 0 || text[len - 1] != '\n')
		return cn_err_set(err, CN_EINVAL,
				  "note text must be non-empty and end with a "
				  "newline");
	if (len > CN_NOTE_MAX_LEN / 2 || !cn_note_text_ok(text, len))
		return cn_err_set(err, CN_EINVAL,
				  "note text must be UTF-8 without control "
				  "characters and under %zu bytes",
				  CN_NOTE_MAX_LEN / 2);
	return 0;
}

int cn_note_sign(const char *text, size_t len, const char *key_name,
		 const uint8_t sk[CN_NOTE_SECKEY_LEN], char **out,
		 struct cn_err *err)
{
	struct cn_buf sb = CN_BUF_INIT;
	int rc;

	*out = NULL;
	rc = check_text(text, len, err);
	if (!rc)
		rc = check_name(key_name, err);
	if (rc)
		return rc;
	cn_buf_add(&sb, text, len);
	cn_buf_add(&sb, "\n", 1);
	sb_sign(&sb, text, len, key_name, sk);
	return sb_finish(&sb, out, err);
}

int cn_note_cosign(const char *msg, size_t len, const char *key_name,
		   const uint8_t sk[CN_NOTE_SECKEY_LEN], char **out,
		   struct cn_err *err)
{
	struct cn_buf sb = CN_BUF_INIT;
	struct cn_note note;
	uint8_t pk[CN_NOTE_PUBKEY_LEN], id[CN_NOTE_KEYID_LEN];
	size_t kept = 0;
	int rc;

	*out = NULL;
	rc = check_name(key_name, err);
	if (rc)
		return rc;
	rc = cn_note_parse(msg, len, &note, err);
	if (rc)
		return rc;
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	cn_note_key_id(key_name, pk, id);
	cn_buf_add(&sb, note.text, note.text_len);
	cn_buf_add(&sb, "\n", 1);
	for (size_t i = 0; i < note.nsigs; i++) {
		const struct cn_note_sig *s = &note.sigs[i];
		uint8_t *blob;

		if (strcmp(s->name, key_name) == 0 &&
		    memcmp(s->key_id, id, sizeof(id)) == 0)
			continue; /* replaced by the new signature */
		/* Re-encoding gives the original line back: the parser only
		 * accepted canonical base64. */
		blob = malloc(CN_NOTE_KEYID_LEN + s->sig_len);
		if (!blob) {
			sb.oom = 1;
			break;
		}
		memcpy(blob, s->key_id, CN_NOTE_KEYID_LEN);
		memcpy(blob + CN_NOTE_KEYID_LEN, s->sig, s->sig_len);
		sb_sig_line(&sb, s->name, blob, CN_NOTE_KEYID_LEN + s->sig_len);
		free(blob);
		kept++;
	}
	if (kept + 1 > CN_NOTE_MAX_SIGS) {
		cn_note_release(&note);
		cn_buf_release(&sb);
		return cn_err_set(err, CN_EINVAL,
				  "note already has %d signatures",
				  CN_NOTE_MAX_SIGS);
	}
	sb_sign(&sb, note.text, note.text_len, key_name, sk);
	cn_note_release(&note);
	return sb_finish(&sb, out, err);
}

int cn_note_check_prepare(struct cn_note_check *chk, const char *key_name,
			  const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			  struct cn_err *err)
{
	int rc = check_name(key_name, err);

	memset(chk, 0, sizeof(*chk));
	if (rc)
		return rc;
	chk->key_name = key_name;
	chk->pk = pk;
	cn_note_key_id(key_name, pk, chk->id);
	return 0;
}

/* The line is by the key chk names: name and id together. */
static int by_key(const struct cn_note_check *chk, const struct cn_note_sig *s)
{
	return strcmp(s->name, chk->key_name) == 0 &&
	       memcmp(s->key_id, chk->id, sizeof(chk->id)) == 0;
}

void cn_note_check_run(struct cn_note_check *chk, const struct cn_note *note)
{
	chk->good = chk->bad = 0;
	for (size_t i = 0; i < note->nsigs; i++) {
		const struct cn_note_sig *s = &note->sigs[i];

		/* Only name and id together identify our key; a line that
		 * shares just one of them is someone else's. */
		if (!by_key(chk, s))
			continue;
		if (s->sig_len != CN_NOTE_SIG_LEN ||
		    crypto_sign_verify_detached(s->sig,
						(const unsigned char *)note->text,
						note->text_len, chk->pk) != 0) {
			chk->bad = i + 1;
			return;
		}
		chk->good++;
	}
}

void cn_note_check_vouched(struct cn_note_check *chk,
			   const struct cn_note *note)
{
	chk->good = chk->bad = 0;
	for (size_t i = 0; i < note->nsigs; i++)
		if (by_key(chk, &note->sigs[i]))
			chk->good++;
}

int cn_note_check_result(const struct cn_note_check *chk, struct cn_err *err)
{
	const uint8_t *id = chk->id;

	if (chk->bad)
		return cn_err_set(err, CN_ECORRUPT,
				  "invalid signature by key "
				  "%.64s+%02x%02x%02x%02x (line %zu)",
				  chk->key_name, id[0], id[1], id[2], id[3],
				  chk->bad);
	if (chk->good == 0)
		return cn_err_set(err, CN_ECORRUPT,
				  "note is not signed by key "
				  "%.64s+%02x%02x%02x%02x",
				  chk->key_name, id[0], id[1], id[2], id[3]);
	return 0;
}

int cn_note_verify(const struct cn_note *note, const char *key_name,
		   const uint8_t pk[CN_NOTE_PUBKEY_LEN], struct cn_err *err)
{
	struct cn_note_check chk;
	int rc = cn_note_check_prepare(&chk, key_name, pk, err);

	if (rc)
		return rc;
	cn_note_check_run(&chk, note);
	return cn_note_check_result(&chk, err);
}
