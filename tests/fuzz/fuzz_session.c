/* fuzz_session.c - libFuzzer target for what a browser sends to sign in
 * and to stay signed in (server/session.c): a Cookie header, read for
 * the session cookie, and a sign-in body, read for its name and
 * password.  The first byte chooses: even, a Cookie header (the rest,
 * cut at a NUL); odd, a sign-in body (the rest, parsed as JSON as the
 * server's body_object does, then checked).
 *
 * Properties: a cookie found is "cs_" and 43 base64url characters and
 * stands in the header after "cn_session="; a header without
 * "cn_session=" has none (0), so another cookie never passes for ours.
 * Sign-in fields taken are exactly a name and a password, both strings,
 * the name well-formed (app/people.h) and the password within bounds
 * and free of control characters; one refused has a reason, and the
 * reason never repeats the password (when the body has no other field,
 * which the reason would name as it was sent; a password that is also a
 * word of the reason counts only if the reason follows it when it
 * changes). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/people.h"
#include "server/session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cookie(const char *h)
{
	char out[SESSION_LEN + 1];
	int rc = session_cookie(h, out);

	if (rc < -1 || rc > 1)
		abort();
	if (!strstr(h, SESSION_COOKIE "=") && rc != 0)
		abort();
	if (rc != 1)
		return;
	if (strlen(out) != SESSION_LEN || strncmp(out, "cs_", 3) ||
	    strspn(out + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		   "0123456789-_") != SESSION_LEN - 3)
		abort();
	{
		char want[sizeof(SESSION_COOKIE) + SESSION_LEN + 1];
		memcpy(want, SESSION_COOKIE "=", sizeof(SESSION_COOKIE));
		memcpy(want + sizeof(SESSION_COOKIE), out, SESSION_LEN + 1);
		if (!strstr(h, want))
			abort();
	}
}

/* Whether the reason for refusing o, whose password p it contains,
 * repeats the password rather than happening to hold the same word (a
 * password "password" in "field 'password' ..."): the same body with the
 * password's first character changed must give a reason holding the
 * changed password too. */
static int echoes(const json_t *o, const json_t *p)
{
	size_t n = json_string_length(p), len;
	char *pw2 = malloc(n + 1), why[160] = "";
	const char *name, *pw;
	json_t *o2 = json_deep_copy(o);
	int echo;

	if (!pw2 || !o2) {
		free(pw2);
		json_decref(o2);
		return 0;
	}
	memcpy(pw2, json_string_value(p), n + 1);
	pw2[0] = pw2[0] == 'q' ? 'z' : 'q';
	json_object_set_new(o2, "password", json_stringn(pw2, n));
	echo = signin_fields(o2, &name, &pw, &len, why, sizeof(why)) != 0 &&
	       strstr(why, pw2) != NULL;
	json_decref(o2);
	free(pw2);
	return echo;
}

static void body(const uint8_t *data, size_t size)
{
	json_t *o = json_loadb((const char *)data, size,
			       JSON_REJECT_DUPLICATES | JSON_DISABLE_EOF_CHECK,
			       NULL);
	const char *name, *pw;
	struct cn_err err = {0};
	char why[160] = "";
	size_t len;

	if (!o)
		return;
	if (signin_fields(o, &name, &pw, &len, why, sizeof(why)) == 0) {
		if (json_object_size(o) != 2 || cn_person_name_check(name, &err) ||
		    cn_password_check(pw, len, &err) ||
		    strcmp(json_string_value(json_object_get(o, "name")), name))
			abort();
	} else {
		const json_t *p = json_object_get(o, "password");
		const char *k;
		json_t *v;
		int other = 0; /* a field the reason may name, quoting it */
		if (!why[0])
			abort();
		json_object_foreach(o, k, v)
			other |= strcmp(k, "name") && strcmp(k, "password");
		if (json_is_string(p) && json_string_length(p) >= 8 && !other &&
		    strstr(why, json_string_value(p)) && echoes(o, p))
			abort();
	}
	json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		body(data + 1, size - 1);
		return 0;
	}
	if (!(s = malloc(size)))
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	cookie(s);
	free(s);
	return 0;
}
