/*
 * buf.c - the string builder, the hex and base64 decoders and the JSON
 * string helpers; see buf.h.
 */
#include "buf.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for `extra` more bytes and the NUL, or set oom. */
static void reserve(struct cn_buf *b, size_t extra)
{
	size_t want, cap;
	char *p;

	if (b->oom)
		return;
	if (extra > SIZE_MAX - b->len - 1) {
		b->oom = 1;
		return;
	}
	want = b->len + extra + 1;
	if (want <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < want)
		cap = cap > SIZE_MAX / 2 ? want : cap * 2;
	/* realloc keeps the old block on failure; it stays in b->s, so
	 * cn_buf_finish() or cn_buf_release() still frees it. */
	p = realloc(b->s, cap);
	if (!p) {
		b->oom = 1;
		return;
	}
	b->s = p;
	b->cap = cap;
}

void cn_buf_add_grow(struct cn_buf *b, const void *data, size_t n)
{
	reserve(b, n);
	if (b->oom)
		return;
	if (n)
		memcpy(b->s + b->len, data, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void cn_buf_puts(struct cn_buf *b, const char *s)
{
	cn_buf_add(b, s, strlen(s));
}

void cn_buf_printf(struct cn_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1; /* only an encoding error; treat as unusable */
		return;
	}
	reserve(b, (size_t)n);
	if (b->oom)
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void cn_buf_reset(struct cn_buf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

int cn_buf_finish(struct cn_buf *b, char **out)
{
	if (!b->oom && !b->s)
		reserve(b, 0);
	if (b->oom) {
		cn_buf_release(b);
		*out = NULL;
		return CN_ENOMEM;
	}
	b->s[b->len] = '\0'; /* an untouched buffer has not been written */
	*out = b->s;
	memset(b, 0, sizeof(*b));
	return 0;
}

void cn_buf_release(struct cn_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}

/* ---- hex ----------------------------------------------------------------- */

void cn_hex(const uint8_t *in, size_t n, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * n] = '\0';
}

/* A digit's value plus 1 (0: not a digit), UPPER marking 'A'..'F': one
 * load a digit, where the comparisons were a twentieth of `verify
 * --export` (every line's prev). */
#define UPPER 0x20
static const unsigned char hex_digit[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = UPPER | 11, ['B'] = UPPER | 12, ['C'] = UPPER | 13,
	['D'] = UPPER | 14, ['E'] = UPPER | 15, ['F'] = UPPER | 16,
};

int cn_hex_decode(const char *in, size_t len, uint8_t *out, size_t n,
		  int any_case)
{
	/* Tested once, at the end (every event's prev is 64 digits): a byte
	 * that is no digit is 0 in the table, so its value less 1 has the
	 * top bit set; an upper-case one carries UPPER. */
	const unsigned refuse = any_case ? 0 : UPPER;
	unsigned acc = 0;

	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const unsigned hi = hex_digit[(unsigned char)in[2 * i]] - 1u;
		const unsigned lo = hex_digit[(unsigned char)in[2 * i + 1]] - 1u;
		acc |= hi | lo;
		out[i] = (uint8_t)((hi & 0xf) << 4 | (lo & 0xf));
	}
	return (acc & 0x80000000u) || (acc & refuse) ? -1 : 0;
}

int cn_unhex(const char *in, uint8_t *out, size_t n)
{
	return cn_hex_decode(in, strlen(in), out, n, 0);
}

/* ---- base64 ------------------------------------------------------------- */

/* Standard base64 digits by byte; -1 for every other byte. */
static const int8_t b64_digit[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Four digits as 24 bits, with bit 31 set when one is no digit (-1 in
 * the table, which the OR carries up). */
static uint32_t b64_group(const char *s)
{
	const int32_t a = b64_digit[(unsigned char)s[0]];
	const int32_t b = b64_digit[(unsigned char)s[1]];
	const int32_t c = b64_digit[(unsigned char)s[2]];
	const int32_t d = b64_digit[(unsigned char)s[3]];

	return ((uint32_t)(a | b | c | d) & 0x80000000u) |
	       (uint32_t)(a & 63) << 18 | (uint32_t)(b & 63) << 12 |
	       (uint32_t)(c & 63) << 6 | (uint32_t)(d & 63);
}

int cn_base64_decode(const char *s, size_t n, uint8_t *out, size_t max,
		     size_t *got)
{
	/* '=' ends it: one or two, and only as the last characters */
	const size_t pad = n >= 4 && s[n - 1] == '=' ? 1 + (s[n - 2] == '=') : 0;
	const size_t whole = n / 4 - (pad != 0);
	uint32_t bad = 0, g;
	size_t o = 0;

	*got = 0;
	if (n % 4 || n / 4 * 3 - pad > max)
		return -1;
	/* A group of four digits at a time (every exported event has a
	 * salt, every checkpoint a root and a signature). */
	for (size_t i = 0; i < whole; i++) {
		g = b64_group(s + 4 * i);
		bad |= g;
		out[o++] = (uint8_t)(g >> 16);
		out[o++] = (uint8_t)(g >> 8);
		out[o++] = (uint8_t)g;
	}
	if (pad) {
		/* The last group: 3 digits make two bytes, 2 make one, read
		 * as a group whose padding is zero digits; the bits left over
		 * must be zero (canonical). */
		const char last[4] = {s[n - 4], s[n - 3], pad == 1 ? s[n - 2] : 'A',
				      'A'};
		g = b64_group(last);
		bad |= g;
		if (g & (pad == 1 ? 0xffu : 0xffffu))
			return -1;
		out[o++] = (uint8_t)(g >> 16);
		if (pad == 1)
			out[o++] = (uint8_t)(g >> 8);
	}
	if (bad & 0x80000000u)
		return -1;
	*got = o;
	return 0;
}

int cn_base64_decode32(const char *s, uint8_t out[32])
{
	size_t got;

	return cn_base64_decode(s, 44, out, 32, &got) || got != 32 ? -1 : 0;
}

/* ---- JSON strings and actors --------------------------------------------- */

const char *cn_jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

json_t *cn_jstrings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i]))) {
			json_decref(a);
			a = NULL;
		}
	return a;
}

void cn_actor_delegation(char out[], size_t outlen, const char *code)
{
	snprintf(out, outlen, "delegation:%s", code);
}

const char *cn_actor_person(const char *actor)
{
	const char *p = actor ? strstr(actor, CN_ACTOR_PERSON) : NULL;

	return p && p[sizeof(CN_ACTOR_PERSON) - 1] ? p + sizeof(CN_ACTOR_PERSON) - 1
						   : NULL;
}

const char *cn_names_or(char *buf, size_t n, const void *rows, size_t count,
			size_t stride, size_t offset)
{
	size_t len = 0;

	assert(n > 0);
	buf[0] = '\0';
	for (size_t i = 0; i < count && len < n; i++) {
		const char *name;
		memcpy(&name, (const char *)rows + i * stride + offset,
		       sizeof(name));
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					i == 0 ? "" : i + 1 < count ? ", " : " or ",
					name);
	}
	return buf;
}
