/* url_parts.c - a URL's parts by libcurl's parser; see url_parts.h. */
#include "url_parts.h"

#include <string.h>

#include "curl_lib.h"

int url_parts_read(const char *url, int any_scheme, struct url_parts *out,
		   struct cn_err *err)
{
	CURLU *u;
	char *user = NULL, *pass = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	/* libcurl's URL parser, loaded on the first URL (curl_lib.h) */
	if ((rc = cn_libcurl_load(err)))
		return rc;
	if (!(u = curl_url()))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url,
			 any_scheme ? CURLU_NON_SUPPORT_SCHEME : 0) ||
	    curl_url_get(u, CURLUPART_SCHEME, &out->scheme, 0) ||
	    curl_url_get(u, CURLUPART_HOST, &out->host, 0)) {
		url_parts_free(out);
		rc = cn_err_set(err, CN_EINVAL, "not a URL");
	} else {
		out->credentials = !curl_url_get(u, CURLUPART_USER, &user, 0) ||
				   !curl_url_get(u, CURLUPART_PASSWORD, &pass, 0);
	}
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return rc;
}

void url_parts_free(struct url_parts *p)
{
	/* Nothing to free unless url_parts_read loaded libcurl and read. */
	if (p->scheme)
		curl_free(p->scheme);
	if (p->host)
		curl_free(p->host);
	p->scheme = p->host = NULL;
}
