/* fuzz_webhook.c - libFuzzer target for what a webhook's maker sends:
 * its URL (server/hook_url.c, on libcurl's parser) and its event-type
 * filter (core/hook.c).  The first byte chooses the input.
 *
 * Properties: a URL taken is http or https, holds no NUL (the input is
 * cut there), and without --webhooks-allow-local it is taken only if it
 * is taken with it too; one refused says so naming field 'url'.  A filter
 * taken matches each of its names and no name outside it; one refused
 * has a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hook.h"
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1 || !(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (data[0] & 1)
		types(s);
	else
		url(s);
	free(s);
	return 0;
}
