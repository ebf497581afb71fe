/* checkpoint.c - C2SP checkpoints on signed notes: signing, strict
 * parsing and verifying a tree head; see checkpoint.h.
 *
 * Strictness is deliberate, as for notes: one spelling of every field. */
#include "checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sha256.h"

/* "previous " + base64 of 32 bytes (44) + "\n" */
#define PREV_WORD "previous "
#define PREV_LINE_LEN (sizeof(PREV_WORD) - 1 + CN_MERKLE_B64_LEN - 1 + 1)

/* The chain line of a note, NUL-terminated. */
static void prev_line(const char *prev, size_t len, char out[PREV_LINE_LEN + 1])
{
	uint8_t h[CN_SHA256_LEN];
	const void *part = prev;

	cn_sha256_parts(&part, &len, 1, h);
	memcpy(out, PREV_WORD, sizeof(PREV_WORD) - 1);
	cn_merkle_hash_b64(h, out + sizeof(PREV_WORD) - 1);
	out[PREV_LINE_LEN - 1] = '\n';
	out[PREV_LINE_LEN] = '\0';
}

int cn_checkpoint_follows(const struct cn_checkpoint *cp,
			  const char *prev_note, size_t prev_len)
{
	char line[PREV_LINE_LEN + 1];

	if (!cp->extensions || strlen(cp->extensions) != PREV_LINE_LEN)
		return 0;
	prev_line(prev_note, prev_len, line);
	return memcmp(cp->extensions, line, PREV_LINE_LEN) == 0;
}

/* --- checkpoints -------------------------------------------------------- */

int cn_checkpoint_sign(const char *origin, uint64_t size,
		       const uint8_t root[CN_MERKLE_HASH_LEN],
		       const char *key_name,
		       const uint8_t sk[CN_NOTE_SECKEY_LEN], char **note,
		       struct cn_err *err)
{
	return cn_checkpoint_sign_after(origin, size, root, NULL, 0, key_name,
					sk, note, err);
}

int cn_checkpoint_sign_after(const char *origin, uint64_t size,
			     const uint8_t root[CN_MERKLE_HASH_LEN],
			     const char *prev_note, size_t prev_len,
			     const char *key_name,
			     const uint8_t sk[CN_NOTE_SECKEY_LEN], char **note,
			     struct cn_err *err)
{
	struct cn_buf sb = CN_BUF_INIT;
	char b64[CN_MERKLE_B64_LEN], num[24];
	size_t olen = strlen(origin);
	int rc;

	*note = NULL;
	if (olen == 0 || memchr(origin, '\n', olen) || !cn_note_text_ok(origin, olen))
		return cn_err_set(err, CN_EINVAL,
				  "checkpoint origin must be one non-empty line "
				  "of UTF-8 without control characters");
	cn_merkle_hash_b64(root, b64);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)size);
	cn_buf_add(&sb, origin, olen);
	cn_buf_add(&sb, "\n", 1);
	cn_buf_puts(&sb, num);
	cn_buf_add(&sb, "\n", 1);
	cn_buf_puts(&sb, b64);
	cn_buf_add(&sb, "\n", 1);
	if (prev_note) {
		char line[PREV_LINE_LEN + 1];

		prev_line(prev_note, prev_len, line);
		cn_buf_add(&sb, line, PREV_LINE_LEN);
	}
	if (sb.oom) {
		cn_buf_release(&sb);
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	rc = cn_note_sign(sb.s, sb.len, key_name, sk, note, err);
	cn_buf_release(&sb);
	return rc;
}

void cn_checkpoint_release(struct cn_checkpoint *cp)
{
	free(cp->origin);
	free(cp->extensions);
	cn_note_release(&cp->note);
	memset(cp, 0, sizeof(*cp));
}

/* Decimal without sign, spaces or leading zeros ("0" alone is zero), so
 * each size has one spelling; refuses values of 2^64 and above. */
static int parse_size(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || (n > 1 && s[0] == '0'))
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (s[i] < '0' || s[i] > '9')
			return -1;
		d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int parse_body(struct cn_checkpoint *cp, struct cn_err *err)
{
	const char *p = cp->note.text, *end = p + cp->note.text_len;
	const char *line[3];
	size_t llen[3], got = 0;

	/* The text ends with '\n' (cn_note_parse checked), so every memchr
	 * below finds one. */
	for (int i = 0; i < 3; i++) {
		const char *nl;

		if (p == end)
			return cn_err_set(err, CN_EINVAL,
					  "text has %d lines, needs origin, "
					  "size and root", i);
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == p)
			return cn_err_set(err, CN_EINVAL, "line %d is empty",
					  i + 1);
		line[i] = p;
		llen[i] = (size_t)(nl - p);
		p = nl + 1;
	}
	for (const char *q = p; q < end;) {
		const char *nl = memchr(q, '\n', (size_t)(end - q));

		if (nl == q)
			return cn_err_set(err, CN_EINVAL,
					  "empty line after the root");
		q = nl + 1;
	}
	if (parse_size(line[1], llen[1], &cp->size) != 0)
		return cn_err_set(err, CN_EINVAL,
				  "tree size is not a decimal number below "
				  "2^64 without leading zeros");
	if (cn_base64_decode(line[2], llen[2], cp->root, sizeof(cp->root),
		       &got) != 0 ||
	    got != sizeof(cp->root))
		return cn_err_set(err, CN_EINVAL,
				  "root is not the base64 of 32 bytes");
	cp->origin = strndup(line[0], llen[0]);
	if (!cp->origin)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (p < end) {
		cp->extensions = strndup(p, (size_t)(end - p));
		if (!cp->extensions)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	return 0;
}

int cn_checkpoint_parse(const char *note, size_t len, struct cn_checkpoint *cp,
			struct cn_err *err)
{
	int rc;

	memset(cp, 0, sizeof(*cp));
	rc = cn_note_parse(note, len, &cp->note, err);
	if (!rc)
		rc = parse_body(cp, err);
	if (rc) {
		/* cn_err_prefix returns CN_EINVAL when err is NULL: keep rc. */
		cn_checkpoint_release(cp);
		cn_err_prefix(err, "checkpoint: ");
		return rc;
	}
	return 0;
}

int cn_checkpoint_verify(const char *note, size_t len, const char *key_name,
			 const uint8_t pk[CN_NOTE_PUBKEY_LEN],
			 struct cn_checkpoint *cp, struct cn_err *err)
{
	struct cn_checkpoint tmp;
	int rc;

	if (cp)
		memset(cp, 0, sizeof(*cp));
	rc = cn_checkpoint_parse(note, len, &tmp, err);
	if (rc)
		return rc;
	rc = cn_note_verify(&tmp.note, key_name, pk, err);
	if (rc) {
		cn_checkpoint_release(&tmp);
		cn_err_prefix(err, "checkpoint: ");
		return rc;
	}
	if (cp)
		*cp = tmp;
	else
		cn_checkpoint_release(&tmp);
	return 0;
}
