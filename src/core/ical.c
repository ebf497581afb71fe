/* ical.c - see ical.h. */
#include "ical.h"

#include <assert.h>
#include <string.h>

#include "timeutil.h"

/* The logical line being folded: how many octets the current physical
 * line holds. */
struct line {
	struct cn_buf *b;
	size_t used;
};

/* The length of the UTF-8 sequence starting with byte c: 1 for ASCII and
 * for a byte that starts no valid sequence (it is then kept whole, never
 * split further). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xF5 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
}

/* Append n octets that must stay together (one UTF-8 sequence, or one
 * escape such as "\,"), starting a continuation line first if they would
 * not fit on this one. */
static void put_unit(struct line *l, const char *s, size_t n)
{
	assert(n > 0 && n < CN_ICAL_LINE_MAX);
	if (l->used + n > CN_ICAL_LINE_MAX) {
		cn_buf_add(l->b, "\r\n ", 3);
		l->used = 1; /* the space */
	}
	cn_buf_add(l->b, s, n);
	l->used += n;
}

/* Append s, unit by unit; escape as TEXT when text. */
static void put_value(struct line *l, const char *s, int text)
{
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t n = seq_len(c);

		if (text && (c == '\\' || c == ';' || c == ',')) {
			char esc[2] = {'\\', (char)c};
			put_unit(l, esc, 2);
			s++;
			continue;
		}
		if (text && c == '\n') {
			put_unit(l, "\\n", 2);
			s++;
			continue;
		}
		/* TEXT holds no control character but HTAB (3.3.11); a raw
		 * value is ours and holds none. */
		if (c < 0x20 && c != '\t') {
			s++;
			continue;
		}
		/* A sequence cut short by the string's end (or a stray byte
		 * inside it) is taken byte by byte. */
		for (size_t i = 1; i < n; i++)
			if (((unsigned char)s[i] & 0xC0) != 0x80) {
				n = 1;
				break;
			}
		put_unit(l, s, n);
		s += n;
	}
}

static void content_line(struct cn_buf *b, const char *name,
			 const char *value, int text)
{
	struct line l = {b, 0};

	put_value(&l, name, 0);
	put_unit(&l, ":", 1);
	put_value(&l, value, text);
	cn_buf_add(b, "\r\n", 2);
}

void cn_ical_raw(struct cn_buf *b, const char *name, const char *value)
{
	content_line(b, name, value, 0);
}

void cn_ical_text(struct cn_buf *b, const char *name, const char *value)
{
	content_line(b, name, value, 1);
}

void cn_ical_time(struct cn_buf *b, const char *name, int64_t t)
{
	char iso[CN_TIME_BUF], v[17];

	/* "YYYY-MM-DDTHH:MM:SSZ" -> "YYYYMMDDTHHMMSSZ". */
	cn_time_format(t, iso);
	assert(strlen(iso) == 20);
	memcpy(v, iso, 4);
	memcpy(v + 4, iso + 5, 2);
	memcpy(v + 6, iso + 8, 2);
	v[8] = 'T';
	memcpy(v + 9, iso + 11, 2);
	memcpy(v + 11, iso + 14, 2);
	memcpy(v + 13, iso + 17, 2);
	v[15] = 'Z';
	v[16] = '\0';
	content_line(b, name, v, 0);
}
