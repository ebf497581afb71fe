/* hook_url.c - what a webhook is made with (hooks.h): its URL, checked
 * before it is stored, parsed by libcurl's own URL parser, the one that
 * will send to it; and its secret.  The API and the CLI make webhooks
 * through these. */
#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/hook.h"
#include "../core/timeutil.h"
#include "../store/store.h"
#include "curl_lib.h"
#include "hooks.h"
#include "url_parts.h"

/* Whether a URL's host (as libcurl gives it: an IPv6 literal in
 * brackets) may be dialled; NULL, or why not. */
static const char *host_local(const char *host)
{
	uint8_t a[16];
	char v6[64];
	size_t n = strlen(host), k;

	if (!strcasecmp(host, "localhost") ||
	    (n > 10 && !strcasecmp(host + n - 10, ".localhost")))
		return "a loopback address";
	if (inet_pton(AF_INET, host, a) == 1)
		return cn_hook_addr_local(4, a);
	if (host[0] == '[' && n >= 2 && n - 2 < sizeof(v6)) {
		memcpy(v6, host + 1, n - 2);
		v6[n - 2] = '\0';
		/* A zone (fe80::1%eth0) is link-local by definition. */
		if ((k = strcspn(v6, "%")) < n - 2)
			return "a link-local address";
		if (inet_pton(AF_INET6, v6, a) == 1)
			return cn_hook_addr_local(6, a);
	}
	return NULL;
}

int hook_url_check(const char *url, int allow_local, struct cn_err *err)
{
	struct url_parts u;
	const char *why;
	int rc;

	if (strlen(url) > CN_WEBHOOK_URL_MAX)
		return cn_err_set(err, CN_EINVAL, "field 'url': at most %d bytes",
				  CN_WEBHOOK_URL_MAX);
	if ((rc = url_parts_read(url, 1, &u, err)))
		return rc == CN_EINVAL
			? cn_err_set(err, CN_EINVAL, "field 'url': not an "
				     "absolute URL with a host (http://host/path)")
			: rc;
	if (strcmp(u.scheme, "http") && strcmp(u.scheme, "https"))
		rc = cn_err_set(err, CN_EINVAL, "field 'url': scheme '%.20s': "
				"only http and https", u.scheme);
	else if (u.credentials)
		rc = cn_err_set(err, CN_EINVAL, "field 'url': no user or "
				"password in the URL (the signature authenticates "
				"deliveries)");
	else if (!allow_local && (why = host_local(u.host)))
		rc = cn_err_set(err, CN_EINVAL, "field 'url': host '%.100s' is %s"
				", which a webhook may not reach (serve "
				"--webhooks-allow-local allows it)", u.host, why);
	url_parts_free(&u);
	return rc;
}

void hook_secret_new(char out[CN_HOOK_SECRET_LEN + 1])
{
	uint8_t raw[32];

	memcpy(out, "whsec_", 6);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out + 6, CN_HOOK_SECRET_LEN + 1 - 6, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

int hook_store(struct cn_store *st, int64_t now, struct cn_webhook *w,
	       struct cn_err *err)
{
	uint64_t size;
	int rc;

	if ((rc = cn_store_tree_size(st, &size, err)))
		return rc;
	w->cursor = (int64_t)size;
	cn_time_format(now, w->created);
	return cn_store_webhook_add(st, w, &w->id, err);
}

json_t *hook_attempt_json(const struct cn_attempt *a)
{
	char t[CN_TIME_BUF], n[CN_TIME_BUF];
	/* An event's ref is its seq; a reminder's (remind.h) is not an
	 * event: no seq. */
	int event = a->ref[0] >= '0' && a->ref[0] <= '9';
	json_t *o = json_pack("{s:I, s:o, s:s, s:I, s:s, s:s?, s:s, s:o, s:o}",
			      "delivery", (json_int_t)a->item, "seq",
			      event ? json_integer(strtoll(a->ref, NULL, 10))
				    : json_null(), "type",
			      a->kind, "attempt", (json_int_t)a->attempt,
			      "time", cn_time_format(a->time, t), "error",
			      a->error, "state", a->state, "status",
			      a->status ? json_integer(a->status) : json_null(),
			      "next_retry",
			      a->next_at ? json_string(cn_time_format(a->next_at, n))
					 : json_null());
	return o;
}
