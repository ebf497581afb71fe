/* fuzz_webhook.c - libFuzzer target for what a webhook's maker sends:
 * its URL (server/hook_url.c, on libcurl's parser), its event-type
 * filter (core/hook.c) and its reminder offsets (core/remind.c, the
 * items comma-separated as --remind takes them).  The first byte
 * chooses the input: bit 1 set, offsets; else bit 0 set, a filter; else
 * a URL.
 *
 * Properties: a URL taken is http or https, holds no NUL (the input is
 * cut there), and without --webhooks-allow-local it is taken only if it
 * is taken with it too; one refused says so naming field 'url'.  A filter
 * taken matches each of its names and no name outside it; one refused
 * has a message.  Offsets taken are in range, largest first, none twice,
 * and come back the same through the stored form and, each, through the
 * word the API shows; one refused names field 'remind' and changes
 * nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hook.h"
#include "core/remind.h"
#include "server/hooks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void url(const char *s)
{
	struct cn_err err = {0};
	int strict = hook_url_check(s, 0, &err);

	if (strict && !strstr(err.msg, "'url'"))
		abort();
	if (hook_url_check(s, 1, &err) && !strict)
		abort(); /* allowing more refused what was taken */
	if (!strict && strncasecmp(s, "http", 4))
		abort();
}

static void types(const char *s)
{
	struct cn_err err = {0};
	const char *p = s;

	if (cn_hook_types_check(s, &err)) {
		if (!err.msg[0])
			abort();
		return;
	}
	while (*p) {
		char name[64];
		size_t n = strcspn(p, ",");
		if (n >= sizeof(name))
			abort(); /* check takes no name that long */
		memcpy(name, p, n);
		name[n] = '\0';
		if (!cn_hook_types_match(s, name))
			abort();
		p += n + (p[n] == ',');
	}
	if (*s && cn_hook_types_match(s, "no.such.type"))
		abort();
}

static void remind(const char *s)
{
	struct cn_remind r = {0}, back, one;
	struct cn_err err = {0};
	char text[CN_REMIND_TEXT], word[CN_REMIND_WORD];
	const char *p = s;

	for (size_t i = 0; p; i++) {
		size_t n = strcspn(p, ",");
		struct cn_remind before = r;
		char item[64];
		if (n >= sizeof(item))
			return;
		memcpy(item, p, n);
		item[n] = '\0';
		if (cn_remind_add(&r, item, "remind", i, &err)) {
			if (!strstr(err.msg, "'remind'") ||
			    memcmp(&before, &r, sizeof(r)))
				abort();
			return;
		}
		p = p[n] ? p + n + 1 : NULL;
	}
	for (size_t i = 0; i < r.n; i++) {
		if (r.at[i] < CN_REMIND_MIN || r.at[i] > CN_REMIND_MAX ||
		    (i && r.at[i] >= r.at[i - 1]))
			abort();
		memset(&one, 0, sizeof(one));
		cn_remind_word(r.at[i], word);
		if (cn_remind_add(&one, word, "remind", 0, &err) ||
		    one.at[0] != r.at[i])
			abort();
	}
	cn_remind_encode(&r, text);
	if (cn_remind_decode(text, &back, &err) || back.n != r.n ||
	    memcmp(back.at, r.at, r.n * sizeof(r.at[0])))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || !(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] & 2)
		remind(s);
	else if (data[0] & 1)
		types(s);
	else
		url(s);
	free(s);
	return 0;
}
