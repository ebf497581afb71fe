/* fuzz_mail.c - libFuzzer target for what e-mail notifications read from
 * outside: a subscription's address (core/mail_addr.c, the API's `email`
 * and --email), a request's Accept-Language (core/i18n.c), and a title
 * from the record made into a message (server/mail_compose.c).  The
 * first byte chooses: 0 an address, 1 an Accept-Language, else a title.
 *
 * Properties: an address taken is at most 254 bytes of printable ASCII
 * with one '@' and no space, and comes back the same, with its language,
 * from its stored mailto URI; one refused names its field.  A header
 * gives a language only when it names en or fr (either case), and leaves
 * it alone otherwise.  Any title, in either language, makes a message
 * that is 7-bit ASCII with CRLF line ends only, no line over 998 bytes
 * (RFC 5322 2.1.1), and the same headers (the title never adds one). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "core/i18n.h"
#include "core/mail_addr.h"
#include "server/mail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void address(const char *s)
{
	struct cn_err err = {0};
	char uri[CN_MAIL_URI_MAX + 1], back[CN_MAIL_ADDR_MAX + 1], lang[3];

	if (cn_mail_addr_check(s, "email", &err)) {
		if (!strstr(err.msg, "'email'"))
			abort();
		return;
	}
	if (strlen(s) > CN_MAIL_ADDR_MAX || !strchr(s, '@') ||
	    strchr(s, '@') != strrchr(s, '@'))
		abort();
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			abort();
	cn_mail_uri(s, "fr", uri, sizeof(uri));
	if (cn_mail_uri_parse(uri, back, lang, &err) || strcmp(back, s) ||
	    strcmp(lang, "fr"))
		abort();
}

static void accept_language(const char *s)
{
	enum cn_lang lang = (enum cn_lang)9;
	int names = strcasestr(s, "en") || strcasestr(s, "fr");

	if (cn_lang_accept(s, &lang) == 0) {
		if (!names || (lang != CN_LANG_EN && lang != CN_LANG_FR))
			abort();
	} else if (lang != (enum cn_lang)9) {
		abort();
	}
}

/* Header lines of a message: the lines before the first empty one. */
static size_t header_lines(const char *m)
{
	size_t n = 0;

	for (const char *p = m; *p && strncmp(p, "\r\n", 2); n++) {
		const char *e = strstr(p, "\r\n");
		if (!e)
			break;
		p = e + 2;
	}
	return n;
}

static void title(const char *s)
{
	static size_t want[2];
	struct mail_conf m = {.url = "smtp://127.0.0.1:25",
			      .from = "council@nac.example"};
	struct cn_webhook w = {.id = 7};
	json_t *o;
	char *body;

	o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
		      "reminder", "proposal", (json_int_t)17, "title", s, "body",
		      "NAC", "procedure", "silence", "deadline",
		      "2026-12-04T12:00:00Z", "remind", "2h", "member", "FR",
		      "awaited", "position");
	if (!o)
		return; /* not UTF-8: jansson refuses it, as the record would */
	body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	for (int l = 0; l < 2 && body; l++) {
		struct cn_err err = {0};
		size_t len = 0, line = 0, heads;
		char *msg;

		cn_mail_uri("fr@delegation.example", l ? "fr" : "en", w.url,
			    sizeof(w.url));
		if (!(msg = mail_compose(&m, &w, "reminder", "remind:17:1:7200",
					 body, 1796400000, &len, &err)))
			abort();
		if (len != strlen(msg))
			abort();
		for (size_t i = 0; i < len; i++) {
			unsigned char c = (unsigned char)msg[i];
			if (c >= 0x80 || c == 0)
				abort();
			if (c == '\r' && msg[i + 1] != '\n')
				abort();
			if (c == '\n' && (i == 0 || msg[i - 1] != '\r'))
				abort();
			line = c == '\n' ? 0 : line + 1;
			if (line > 998 + 1)
				abort();
		}
		/* The Subject folds over lines; other headers are fixed: the
		 * count of header lines that do not start with a space. */
		heads = 0;
		for (const char *p = msg; *p && strncmp(p, "\r\n", 2);) {
			if (*p != ' ')
				heads++;
			p = strstr(p, "\r\n") + 2;
		}
		if (!want[l])
			want[l] = heads;
		if (heads != want[l] || header_lines(msg) < heads)
			abort();
		free(msg);
	}
	free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in;

	if (size < 1 || sodium_init() < 0)
		return 0;
	if (!(in = malloc(size)))
		return 0;
	memcpy(in, data + 1, size - 1);
	in[size - 1] = '\0'; /* as a C string: up to its first NUL */
	if (data[0] == 0)
		address(in);
	else if (data[0] == 1)
		accept_language(in);
	else
		title(in);
	free(in);
	return 0;
}
