/*
 * canon_parse.h - a reader of JSON text that is already in canonical form
 * (event.h): it builds jansson values straight from the bytes and checks,
 * as it goes, that they are exactly what cn_canon_dump would write for
 * those values, so that what it accepts needs no separate canonical
 * check (cn_canon_same).
 *
 * Why.  Verifying a log decodes every event: jansson's lexer (json_loadb),
 * then json_unpack of the fields, then a walk comparing the tree with the
 * bytes was most of `council verify`.  Canonical text has one spelling
 * for each value, so a reader that accepts that spelling alone is short
 * and needs neither a lexer nor a second pass.
 *
 * What it accepts, and only this:
 *   - no whitespace anywhere;
 *   - objects with keys in strictly increasing bytewise order of their
 *     decoded UTF-8 (jansson's compare_keys: bytes, then the shorter
 *     first), hence no duplicate keys;
 *   - integers written -?(0|[1-9][0-9]*) within json_int_t, not "-0";
 *     no real numbers (a fraction or an exponent is declined);
 *   - strings of ASCII bytes 0x20..0x7F other than '"' and '\', and the
 *     escapes \" \\ \b \f \n \r \t, and \u with four upper-case hex digits
 *     for the other characters below 0x20 (never U+0000, which jansson
 *     refuses) and for every character above 0x7F (a surrogate pair above
 *     the BMP);
 *   - true, false, null; nesting up to jansson's own limit, 2,048 objects
 *     and arrays deep counting the outermost as 1.
 * Anything else is declined, not refused: the reader says nothing of why,
 * and the caller gives the bytes to jansson's path, which accepts or
 * refuses them with its own message.  So a caller's behaviour on any
 * bytes is the jansson path's, only faster on canonical ones
 * (tests/fuzz/fuzz_canon.c holds the two to the same answers).
 *
 * Use.  A reader walks one buffer; each function returns 1 when it read
 * what was asked, 0 when it did not, and then r->status says why
 * (CN_CANON_DECLINED, or CN_ENOMEM).  After a 0 the reader is spent.
 *
 * Ownership.  Values and strings returned are the caller's (json_decref,
 * free); cn_canon_reader_release frees the reader's scratch space.  A
 * span points into the caller's buffer.
 */
#ifndef CN_CANON_PARSE_H
#define CN_CANON_PARSE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"

#define CN_CANON_DECLINED 1 /* not canonical text this reader accepts */
#define CN_CANON_MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH */

struct cn_canon_reader {
	const char *p, *end;
	int depth;  /* containers open around the next value */
	int status; /* 0 while reading; CN_CANON_DECLINED or CN_ENOMEM */
	char *scratch; /* a decoded string with escapes */
	size_t scratch_cap;
};

/* Read buf[0..len), at nesting depth `depth` (0 for a whole text; 1 for
 * a value inside one object, say). */
void cn_canon_reader_init(struct cn_canon_reader *r, const char *buf,
			  size_t len, int depth);
void cn_canon_reader_release(struct cn_canon_reader *r);

/* Whether every byte was read (a 0 declines). */
int cn_canon_end(struct cn_canon_reader *r);

/* The n bytes lit, exactly (a key with its quotes and colon, say). */
int cn_canon_lit(struct cn_canon_reader *r, const char *lit, size_t n);

/* Any value: *v is a new reference. */
int cn_canon_value(struct cn_canon_reader *r, json_t **v);

/* An object (anything else declines): *v is a new reference. */
int cn_canon_object(struct cn_canon_reader *r, json_t **v);

/* A string, decoded, as a malloc'd NUL-terminated copy (a string
 * holding U+0000 declines, so strlen(*s) is its length). */
int cn_canon_strdup(struct cn_canon_reader *r, char **s);

/* A string without escapes: *s points at its first byte in the buffer,
 * *n is its length.  One with an escape declines. */
int cn_canon_span(struct cn_canon_reader *r, const char **s, size_t *n);

/* An integer. */
int cn_canon_integer(struct cn_canon_reader *r, json_int_t *v);

/* The order of keys in canonical text, jansson's compare_keys: bytes,
 * then the shorter first.  Negative, 0 or positive, as memcmp. */
int cn_canon_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* The whole of buf[0..len) as one value: 1 and *v, 0 when declined (*v
 * NULL), or CN_ENOMEM. */
int cn_canon_parse(const char *buf, size_t len, json_t **v) CN_NODISCARD;

/* The bytes a string of canonical JSON holds as they are, without an
 * escape: 0x20..0x7F but '"' and '\\' (1; 0 for every other byte).  The
 * reader's strings and the canonical writer's (event.c) read it through
 * cn_canon_plain_run, below. */
extern const unsigned char cn_canon_plain[256];

/* How many of s[0..n) lead it that are plain (cn_canon_plain).  The
 * first eight by the table (most strings, keys and codes, are shorter),
 * then eight bytes at a time while none of the eight is below 0x20, '"',
 * '\\' or above 0x7F, then by the table again.  Each test is exact for
 * "some byte is": a borrow starts only at a byte that is below what is
 * subtracted.  A long text (a dataset's sources, a proposal's text) is
 * then an eighth of the steps (read_string, walk_string). */
static inline size_t cn_canon_plain_run(const unsigned char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	size_t i = 0;

	while (i < n && i < 8 && cn_canon_plain[s[i]])
		i++;
	if (i < 8)
		return i;
	for (; n - i >= 8; i += 8) {
		uint64_t x, q, b;

		memcpy(&x, s + i, 8);
		q = x ^ (ones * '"');
		b = x ^ (ones * '\\');
		if ((x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) |
		     ((b - ones) & ~b)) & high)
			break;
	}
	while (i < n && cn_canon_plain[s[i]])
		i++;
	return i;
}

#endif
