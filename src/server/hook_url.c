/* hook_url.c - a webhook's URL checked before it is stored (hooks.h),
 * parsed by libcurl's own URL parser, the one that will send to it. */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <string.h>
#include <strings.h>

#include "../core/hook.h"
#include "../store/store.h"
#include "hooks.h"

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
	CURLU *u;
	char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
	const char *why;
	int rc = 0;

	if (strlen(url) > CN_WEBHOOK_URL_MAX)
		return cn_err_set(err, CN_EINVAL, "field 'url': at most %d bytes",
				  CN_WEBHOOK_URL_MAX);
	if (!(u = curl_url()))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0)) {
		rc = cn_err_set(err, CN_EINVAL, "field 'url': not an absolute "
				"URL with a host (http://host/path)");
	} else if (strcmp(scheme, "http") && strcmp(scheme, "https")) {
		rc = cn_err_set(err, CN_EINVAL, "field 'url': scheme '%.20s': "
				"only http and https", scheme);
	} else if (!curl_url_get(u, CURLUPART_USER, &user, 0) ||
		   !curl_url_get(u, CURLUPART_PASSWORD, &pass, 0)) {
		rc = cn_err_set(err, CN_EINVAL, "field 'url': no user or "
				"password in the URL (the signature authenticates "
				"deliveries)");
	} else if (!allow_local && (why = host_local(host))) {
		rc = cn_err_set(err, CN_EINVAL, "field 'url': host '%.100s' is %s"
				", which a webhook may not reach (serve "
				"--webhooks-allow-local allows it)", host, why);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return rc;
}
