/* fuzz_ical.c - libFuzzer target for the iCalendar writer (core/ical.c),
 * which writes outside text (a proposal's title, a meeting's place) into
 * the calendar feed.  For any bytes as a TEXT value:
 *   - every physical line ends in CRLF, is at most 75 octets before it,
 *     and every line after the first begins with one space;
 *   - unfolded and unescaped, the value is the input less what TEXT may
 *     not hold (control characters but HTAB and LF; a CR is dropped, so
 *     CRLF reads as one newline);
 *   - an input that is valid UTF-8 gives lines each valid UTF-8 on its
 *     own: a fold never splits a sequence. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ical.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Whether s[0..n) is valid UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF). */
static int utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t len;
		uint32_t cp;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			len = 2, cp = c & 0x1F;
		else if (c >= 0xE0 && c <= 0xEF)
			len = 3, cp = c & 0x0F;
		else if (c >= 0xF0 && c <= 0xF4)
			len = 4, cp = c & 0x07;
		else
			return 0;
		if (i + len > n)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		i += len;
	}
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cn_buf b = CN_BUF_INIT;
	char *in, *out, *want, *got;
	size_t nw = 0, ng = 0, start;
	int valid;

	if (!(in = malloc(size + 1)))
		return 0;
	memcpy(in, data, size);
	in[size] = '\0'; /* the writer takes a C string: up to a NUL */
	size = strlen(in);
	valid = utf8_valid((const unsigned char *)in, size);
	cn_ical_text(&b, "SUMMARY", in);
	if (cn_buf_finish(&b, &out)) {
		free(in);
		return 0;
	}
	if (!(want = malloc(size + 1)) || !(got = malloc(strlen(out) + 1)))
		abort();
	for (size_t i = 0; i < size; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x20 || c == '\t' || c == '\n')
			want[nw++] = (char)c;
	}
	/* The physical lines, each up to its CRLF, and the unfolded logical
	 * line: each line after the first less its leading space. */
	start = 0;
	for (int first = 1; out[start]; first = 0) {
		char *eol = strstr(out + start, "\r\n");
		size_t len, skip = first ? 0 : 1;
		if (!eol)
			abort(); /* not ended by CRLF */
		len = (size_t)(eol - (out + start));
		if (len > CN_ICAL_LINE_MAX || memchr(out + start, '\n', len) ||
		    memchr(out + start, '\r', len))
			abort();
		if (!first && (len < 2 || out[start] != ' '))
			abort(); /* a continuation holds its space and more */
		if (valid && !utf8_valid((const unsigned char *)out + start, len))
			abort(); /* a fold split a sequence */
		memcpy(got + ng, out + start + skip, len - skip);
		ng += len - skip;
		start += len + 2;
	}
	got[ng] = '\0';
	if (strncmp(got, "SUMMARY:", 8))
		abort();
	/* Unescape what follows "SUMMARY:" and compare. */
	{
		size_t k = 0;
		for (size_t i = 8; i < ng; i++) {
			char c = got[i];
			if (c == '\\') {
				char e = got[++i];
				c = e == 'n' ? '\n' : e;
				if (e != 'n' && e != '\\' && e != ';' && e != ',')
					abort();
			} else if (c == ';' || c == ',') {
				abort(); /* unescaped */
			}
			if (k >= nw || want[k++] != c)
				abort();
		}
		if (k != nw)
			abort();
	}
	free(in);
	free(out);
	free(want);
	free(got);
	return 0;
}
