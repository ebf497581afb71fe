/* reply.c - the answers of the API; see ctx.h.
 *
 * An error message may echo what the client sent (a date, a body code, a
 * field name) and is cut at CN_ERR_MSG_MAX bytes wherever that falls, so
 * before it is put in JSON it is made valid UTF-8: a byte that does not
 * begin a well-formed sequence becomes U+FFFD, and a sequence cut short by
 * the end of the message is dropped.  Otherwise jansson refuses the string
 * and the answer would have no body at all. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx.h"

/* What an answer that cannot be encoded says instead. */
static const char UNENCODABLE[] =
	"{\"error\":{\"code\":\"internal\",\"message\":"
	"\"the answer could not be encoded as JSON\"}}";

void reply_json(struct ctx *x, int status, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

	json_decref(v);
	reply_text(x, status, text, text ? strlen(text) : 0);
}

void reply_text(struct ctx *x, int status, char *text, size_t len)
{
	if (!text) {
		status = 500;
		text = strdup(UNENCODABLE);
		len = text ? strlen(text) : 0;
	}
	x->res->status = status;
	x->res->content_type = "application/json";
	x->res->body = text;
	x->res->len = len;
}

/* The length of the well-formed UTF-8 sequence (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF) that starts s, of which n
 * bytes remain; 0 when s does not start one; UTF8_CUT when it starts one
 * that the end of the text cuts short. */
#define UTF8_CUT ((size_t)-1)
static size_t utf8_len(const unsigned char *s, size_t n)
{
	/* By lead byte: the sequence's length and the range of its second
	 * byte (the first continuation is the one that excludes overlongs,
	 * surrogates and code points past U+10FFFF). */
	static const struct {
		unsigned char lead_lo, lead_hi, len, second_lo, second_hi;
	} forms[] = {
		{0x00, 0x7F, 1, 0, 0},       {0xC2, 0xDF, 2, 0x80, 0xBF},
		{0xE0, 0xE0, 3, 0xA0, 0xBF}, {0xE1, 0xEC, 3, 0x80, 0xBF},
		{0xED, 0xED, 3, 0x80, 0x9F}, {0xEE, 0xEF, 3, 0x80, 0xBF},
		{0xF0, 0xF0, 4, 0x90, 0xBF}, {0xF1, 0xF3, 4, 0x80, 0xBF},
		{0xF4, 0xF4, 4, 0x80, 0x8F},
	};
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (s[0] < forms[f].lead_lo || s[0] > forms[f].lead_hi)
			continue;
		size_t len = forms[f].len;
		for (size_t i = 1; i < len; i++) {
			if (i == n)
				return UTF8_CUT;
			unsigned char lo = i == 1 ? forms[f].second_lo : 0x80;
			unsigned char hi = i == 1 ? forms[f].second_hi : 0xBF;
			if (s[i] < lo || s[i] > hi)
				return 0;
		}
		return len;
	}
	return 0;
}

/* msg as valid UTF-8 into out (size >= 3 * strlen(msg) + 1 suffices). */
static void utf8_clean(const char *msg, char *out, size_t size)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	const unsigned char *s = (const unsigned char *)msg;
	size_t n = strlen(msg), o = 0;

	for (size_t i = 0; i < n;) {
		size_t len = utf8_len(s + i, n - i);
		if (len == UTF8_CUT)
			break; /* cut by the message's size limit */
		const char *from = len ? msg + i : replacement;
		size_t k = len ? len : sizeof(replacement) - 1;
		if (o + k >= size)
			break;
		memcpy(out + o, from, k);
		o += k;
		i += len ? len : 1;
	}
	out[o] = '\0';
}

void reply_error(struct ctx *x, int status, const char *code,
		 const char *fmt, ...)
{
	char msg[CN_ERR_MSG_MAX], clean[3 * CN_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	utf8_clean(msg, clean, sizeof(clean));
	reply_json(x, status, json_pack("{s:{s:s, s:s}}", "error", "code", code,
					"message", clean));
}

void reply_err(struct ctx *x, const struct cn_err *e)
{
	switch (e->code) {
	case CN_EINVAL: reply_error(x, 400, "invalid", "%s", e->msg); return;
	case CN_ENOTFOUND: reply_error(x, 404, "not-found", "%s", e->msg); return;
	case CN_EREFUSED: reply_error(x, 409, "refused", "%s", e->msg); return;
	case CN_ECONCLUDED: reply_error(x, 409, "concluded", "%s", e->msg); return;
	case CN_EIO:
		/* The store cannot be written (or the server is stopping): try
		 * again later. */
		reply_error(x, 503, "unavailable", "%s", e->msg);
		return;
	default: reply_error(x, 500, "internal", "%s", e->msg); return;
	}
}

void reply_bytes(struct ctx *x, const char *bytes, size_t len)
{
	x->res->status = 200;
	x->res->content_type = "application/json";
	if ((x->res->body = malloc(len + 1))) {
		memcpy(x->res->body, bytes, len);
		x->res->len = len;
	}
}

void not_found(struct ctx *x)
{
	reply_error(x, 404, "not-found", "no such resource");
}
