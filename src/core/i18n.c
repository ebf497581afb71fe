/*
 * i18n.c - languages and the catalogue's messages (i18n.h).
 */
#include <assert.h>
#include <stdarg.h>
#include <string.h>

#include "i18n.h"

static const char *const codes[CN_LANG_COUNT] = {"en", "fr"};

const char *cn_lang_code(enum cn_lang lang)
{
	assert((unsigned)lang < CN_LANG_COUNT);
	return codes[lang];
}

int cn_lang_parse(const char *tag, enum cn_lang *lang)
{
	size_t n;

	if (!tag)
		return -1;
	/* The language is what comes before a region, a codeset or a
	 * modifier: fr-CA, fr_FR.UTF-8, fr_BE@euro. */
	n = strcspn(tag, "-_.@");
	if (n != 2)
		return -1;
	for (int i = 0; i < CN_LANG_COUNT; i++)
		if ((tag[0] | 0x20) == codes[i][0] &&
		    (tag[1] | 0x20) == codes[i][1]) {
			*lang = (enum cn_lang)i;
			return 0;
		}
	return -1;
}

/* A weight, "q=0.8" after a ';' (1000 for 1, 0 to 1000); -1 when bad. */
static int weight(const char *p, size_t n)
{
	int w = 0, places = 0;
	size_t i = 2;

	while (n && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n < 3 || (p[0] | 0x20) != 'q' || p[1] != '=' ||
	    (p[2] != '0' && p[2] != '1'))
		return -1;
	w = (p[i++] - '0') * 1000;
	if (i < n && p[i] == '.')
		for (i++; i < n && places < 3 && p[i] >= '0' && p[i] <= '9';
		     i++, places++)
			w += (p[i] - '0') * (places == 0 ? 100 : places == 1 ? 10 : 1);
	return i == n && w <= 1000 ? w : -1;
}

int cn_lang_accept(const char *header, enum cn_lang *lang)
{
	int best = 0, found = -1;
	enum cn_lang pick = CN_LANG_EN;
	const char *p = header;

	while (p && *p) {
		size_t n = strcspn(p, ","), t;
		const char *semi = memchr(p, ';', n);
		char tag[16];
		int w = 1000;
		enum cn_lang l;

		if (semi && (w = weight(semi + 1, n - (size_t)(semi + 1 - p))) < 0)
			w = 0; /* a weight not understood counts for nothing */
		t = semi ? (size_t)(semi - p) : n;
		while (t && (*p == ' ' || *p == '\t'))
			p++, t--, n--;
		while (t && (p[t - 1] == ' ' || p[t - 1] == '\t'))
			t--;
		if (t < sizeof(tag)) {
			memcpy(tag, p, t);
			tag[t] = '\0';
			if (strcspn(tag, "_.@") == t && !cn_lang_parse(tag, &l) &&
			    w > best) {
				best = w;
				pick = l;
				found = 0;
			}
		}
		p += n + (p[n] == ',');
	}
	if (!found)
		*lang = pick;
	return found;
}

const char *cn_msg(enum cn_lang lang, enum cn_msg msg)
{
	assert((unsigned)lang < CN_LANG_COUNT && (unsigned)msg < CN_MSG_COUNT);
	return cn_msg_table[lang][msg];
}

int cn_msg_find(const char *key, enum cn_msg *msg)
{
	for (unsigned i = 0; i < CN_MSG_COUNT; i++)
		if (!strcmp(cn_msg_keys[i], key)) {
			*msg = (enum cn_msg)i;
			return 0;
		}
	return -1;
}

/* The value of the placeholder name (n bytes) in the pairs of ap into
 * *value: 1, or 0 when no pair names it. */
static int lookup(va_list ap, const char *name, size_t n, const char **value)
{
	va_list aq;
	const char *k;
	int found = 0;

	va_copy(aq, ap);
	while ((k = va_arg(aq, const char *))) {
		const char *v = va_arg(aq, const char *);
		if (!found && strlen(k) == n && !memcmp(k, name, n)) {
			*value = v ? v : "";
			found = 1;
		}
	}
	va_end(aq);
	return found;
}

void cn_msg_vput(struct cn_buf *b, enum cn_lang lang, enum cn_msg msg,
		 va_list ap)
{
	const char *s = cn_msg(lang, msg), *open, *close, *v;

	while ((open = strchr(s, '{')) && (close = strchr(open, '}'))) {
		cn_buf_add(b, s, (size_t)(open - s));
		if (lookup(ap, open + 1, (size_t)(close - open - 1), &v))
			cn_buf_puts(b, v);
		else
			cn_buf_add(b, open, (size_t)(close - open + 1));
		s = close + 1;
	}
	cn_buf_puts(b, s);
}

void cn_msg_put(struct cn_buf *b, enum cn_lang lang, enum cn_msg msg, ...)
{
	va_list ap;

	va_start(ap, msg);
	cn_msg_vput(b, lang, msg, ap);
	va_end(ap);
}
