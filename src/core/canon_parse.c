/* canon_parse.c - jansson values read straight from canonical JSON text,
 * declining anything else; see canon_parse.h.
 *
 * Every check below is there so that what is accepted is byte for byte
 * what cn_canon_dump writes (core/event.c's canon_walk spells out the
 * same rules from the other side): a value jansson would write another
 * way, or refuse to read, is declined, never guessed at. */
#include "canon_parse.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static int decline(struct cn_canon_reader *r)
{
	if (!r->status)
		r->status = CN_CANON_DECLINED;
	return 0;
}

static int nomem(struct cn_canon_reader *r)
{
	r->status = CN_ENOMEM;
	return 0;
}

void cn_canon_reader_init(struct cn_canon_reader *r, const char *buf,
			  size_t len, int depth)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->end = buf + len;
	r->depth = depth;
}

void cn_canon_reader_release(struct cn_canon_reader *r)
{
	free(r->scratch);
	r->scratch = NULL;
	r->scratch_cap = 0;
}

int cn_canon_end(struct cn_canon_reader *r)
{
	return r->p == r->end ? 1 : decline(r);
}

int cn_canon_lit(struct cn_canon_reader *r, const char *lit, size_t n)
{
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, lit, n))
		return decline(r);
	r->p += n;
	return 1;
}

/* ---- strings ------------------------------------------------------------ */

/* Room for `more` bytes after the first `used` of the scratch. */
static int scratch_room(struct cn_canon_reader *r, size_t used, size_t more)
{
	size_t cap = r->scratch_cap ? r->scratch_cap : 64;
	char *s;

	if (used + more <= r->scratch_cap)
		return 1;
	while (cap < used + more)
		cap *= 2;
	if (!(s = realloc(r->scratch, cap)))
		return nomem(r);
	r->scratch = s;
	r->scratch_cap = cap;
	return 1;
}

/* Four upper-case hex digits at p (the reader checked there are four):
 * their value, or -1. */
static long hex4(const char *p)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];
		if (c >= '0' && c <= '9')
			v = v * 16 + (c - '0');
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

/* The code point of the \u escape at r->p (past its backslash), as
 * canonical text writes it, with r->p moved past it; -1 when declined. */
static long read_u_escape(struct cn_canon_reader *r)
{
	long cp, lo;

	if (r->end - r->p < 5 || (cp = hex4(r->p + 1)) < 0)
		return -1;
	r->p += 5;
	/* U+0000 jansson refuses to read; 0x20..0x7F are written as they
	 * are; \b \f \n \r \t have their short forms. */
	if (cp == 0 || (cp >= 0x20 && cp <= 0x7F) || cp == '\b' ||
	    cp == '\f' || cp == '\n' || cp == '\r' || cp == '\t')
		return -1;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return -1; /* a low surrogate alone */
	if (cp < 0xD800 || cp > 0xDBFF)
		return cp;
	if (r->end - r->p < 6 || r->p[0] != '\\' || r->p[1] != 'u' ||
	    (lo = hex4(r->p + 2)) < 0xDC00 || lo > 0xDFFF)
		return -1;
	r->p += 6;
	return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
}

static size_t utf8_put(char *out, long cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Read through cn_canon_plain_run (canon_parse.h): one load a byte where
 * it goes a byte at a time, where four comparisons were a tenth of
 * `verify --export`'s reading thread. */
const unsigned char cn_canon_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* A string at r->p: *s and *n its decoded UTF-8 (never holding a NUL),
 * in the buffer when it has no escape (*in_scratch 0), else in the
 * reader's scratch, valid until the next string is read. */
static int read_string(struct cn_canon_reader *r, const char **s, size_t *n,
		       int *in_scratch)
{
	const char *run;
	size_t used = 0;

	if (r->p == r->end || *r->p != '"')
		return decline(r);
	run = ++r->p;
	*in_scratch = 0;
	for (;;) {
		r->p += cn_canon_plain_run((const unsigned char *)r->p,
					   (size_t)(r->end - r->p));
		if (r->p == r->end || (*r->p != '"' && *r->p != '\\'))
			return decline(r); /* cut short, a control, not ASCII */
		if (*r->p == '"' && !*in_scratch) {
			*s = run;
			*n = (size_t)(r->p++ - run);
			return 1;
		}
		/* the run so far, then the escape (at most 4 bytes of UTF-8) */
		if (!scratch_room(r, used, (size_t)(r->p - run) + 4))
			return 0;
		memcpy(r->scratch + used, run, (size_t)(r->p - run));
		used += (size_t)(r->p - run);
		*in_scratch = 1;
		if (*r->p++ == '"') {
			*s = r->scratch;
			*n = used;
			return 1;
		}
		if (r->p == r->end)
			return decline(r);
		switch (*r->p) {
		case '"': case '\\':
			r->scratch[used++] = *r->p++;
			break;
		case 'b': r->scratch[used++] = '\b'; r->p++; break;
		case 'f': r->scratch[used++] = '\f'; r->p++; break;
		case 'n': r->scratch[used++] = '\n'; r->p++; break;
		case 'r': r->scratch[used++] = '\r'; r->p++; break;
		case 't': r->scratch[used++] = '\t'; r->p++; break;
		case 'u': {
			long cp = read_u_escape(r);
			if (cp < 0)
				return decline(r);
			used += utf8_put(r->scratch + used, cp);
			break;
		}
		default: /* "\/" and what is not an escape at all */
			return decline(r);
		}
		run = r->p;
	}
}

int cn_canon_span(struct cn_canon_reader *r, const char **s, size_t *n)
{
	int in_scratch;

	if (!read_string(r, s, n, &in_scratch))
		return 0;
	return in_scratch ? decline(r) : 1;
}

int cn_canon_strdup(struct cn_canon_reader *r, char **out)
{
	const char *s;
	size_t n;
	int in_scratch;
	char *d;

	if (!read_string(r, &s, &n, &in_scratch))
		return 0;
	if (!(d = malloc(n + 1)))
		return nomem(r);
	memcpy(d, s, n);
	d[n] = '\0';
	*out = d;
	return 1;
}

/* ---- numbers and literals ----------------------------------------------- */

int cn_canon_integer(struct cn_canon_reader *r, json_int_t *v)
{
	int neg = 0;
	unsigned long long m = 0;
	/* json_int_t's magnitudes: LLONG_MAX, or one more when negative */
	const unsigned long long max = (unsigned long long)LLONG_MAX;

	_Static_assert(sizeof(json_int_t) == sizeof(long long),
		       "jansson's integers are long long (strtoll)");
	if (r->p < r->end && *r->p == '-') {
		neg = 1;
		r->p++;
	}
	if (r->p == r->end || *r->p < '0' || *r->p > '9')
		return decline(r);
	if (*r->p == '0') {
		r->p++;
		if (neg)
			return decline(r); /* "-0" is written "0" */
	} else {
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9') {
			unsigned d = (unsigned)(*r->p++ - '0');
			if (m > (max + (unsigned)neg - d) / 10)
				return decline(r); /* jansson: "too big integer" */
			m = m * 10 + d;
		}
	}
	/* a fraction or an exponent: a real, which has no canonical form;
	 * a digit after a leading 0: not JSON */
	if (r->p < r->end && (*r->p == '.' || *r->p == 'e' || *r->p == 'E' ||
			      (*r->p >= '0' && *r->p <= '9')))
		return decline(r);
	*v = neg ? (json_int_t)(0ULL - m) : (json_int_t)m;
	return 1;
}

/* ---- values ------------------------------------------------------------- */

int cn_canon_key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	return r ? r : (alen > blen) - (alen < blen);
}

static int read_value(struct cn_canon_reader *r, json_t **v);

/* The members of an object, r->p past its '{'. */
static int read_members(struct cn_canon_reader *r, json_t *o)
{
	const char *prev = NULL;
	size_t prevlen = 0;
	char *copy = NULL; /* the previous key, when it had escapes */
	size_t copy_cap = 0;
	int ok = 1;

	if (r->p < r->end && *r->p == '}') {
		r->p++;
		return 1;
	}
	while (ok) {
		const char *k;
		size_t kn;
		int in_scratch;
		json_t *v;

		if (!read_string(r, &k, &kn, &in_scratch)) {
			ok = 0;
			break;
		}
		if (prev && cn_canon_key_cmp(prev, prevlen, k, kn) >= 0) {
			ok = decline(r); /* jansson's sort would move it */
			break;
		}
		/* the value's strings reuse the scratch */
		if (in_scratch) {
			if (kn > copy_cap) {
				char *c = realloc(copy, kn);
				if (!c) {
					ok = nomem(r);
					break;
				}
				copy = c;
				copy_cap = kn;
			}
			memcpy(copy, k, kn);
			k = copy;
		}
		prev = k;
		prevlen = kn;
		if (!cn_canon_lit(r, ":", 1) || !read_value(r, &v)) {
			ok = 0;
			break;
		}
		if (json_object_setn_new_nocheck(o, k, kn, v)) {
			ok = nomem(r);
			break;
		}
		if (r->p < r->end && *r->p == '}') {
			r->p++;
			break;
		}
		ok = cn_canon_lit(r, ",", 1);
	}
	free(copy);
	return ok;
}

/* The elements of an array, r->p past its '['. */
static int read_elements(struct cn_canon_reader *r, json_t *a)
{
	if (r->p < r->end && *r->p == ']') {
		r->p++;
		return 1;
	}
	for (;;) {
		json_t *v;

		if (!read_value(r, &v))
			return 0;
		if (json_array_append_new(a, v))
			return nomem(r);
		if (r->p < r->end && *r->p == ']') {
			r->p++;
			return 1;
		}
		if (!cn_canon_lit(r, ",", 1))
			return 0;
	}
}

static int read_container(struct cn_canon_reader *r, json_t **v, int object)
{
	json_t *c = object ? json_object() : json_array();
	int ok;

	if (!c)
		return nomem(r);
	r->p++;
	r->depth++;
	ok = object ? read_members(r, c) : read_elements(r, c);
	r->depth--;
	if (!ok) {
		json_decref(c);
		return 0;
	}
	*v = c;
	return 1;
}

static int read_value(struct cn_canon_reader *r, json_t **v)
{
	json_int_t i;
	const char *s;
	size_t n;
	int in_scratch;

	/* jansson counts every value it parses, scalars too */
	if (r->depth >= CN_CANON_MAX_DEPTH || r->p == r->end)
		return decline(r);
	switch (*r->p) {
	case '{':
		return read_container(r, v, 1);
	case '[':
		return read_container(r, v, 0);
	case '"':
		if (!read_string(r, &s, &n, &in_scratch))
			return 0;
		*v = json_stringn_nocheck(s, n);
		break;
	case 't':
		if (!cn_canon_lit(r, "true", 4))
			return 0;
		*v = json_true();
		break;
	case 'f':
		if (!cn_canon_lit(r, "false", 5))
			return 0;
		*v = json_false();
		break;
	case 'n':
		if (!cn_canon_lit(r, "null", 4))
			return 0;
		*v = json_null();
		break;
	default:
		if (!cn_canon_integer(r, &i))
			return 0;
		*v = json_integer(i);
	}
	return *v ? 1 : nomem(r);
}

int cn_canon_value(struct cn_canon_reader *r, json_t **v)
{
	return read_value(r, v);
}

int cn_canon_object(struct cn_canon_reader *r, json_t **v)
{
	if (r->p == r->end || *r->p != '{')
		return decline(r);
	return read_value(r, v);
}

int cn_canon_parse(const char *buf, size_t len, json_t **v)
{
	struct cn_canon_reader r;
	json_t *x = NULL;
	int ok;

	cn_canon_reader_init(&r, buf, len, 0);
	ok = read_value(&r, &x) && cn_canon_end(&r);
	cn_canon_reader_release(&r);
	*v = NULL;
	if (ok) {
		*v = x;
		return 1;
	}
	json_decref(x);
	assert(r.status);
	return r.status == CN_ENOMEM ? CN_ENOMEM : 0;
}
