/*
 * url_parts.h - the parts of a URL that serve checks before it dials one,
 * read by libcurl's own parser (CURLU), the one that will send to it, so
 * what is checked is what is dialled.  Webhook URLs (hook_url.c) and the
 * SMTP relay (mail_send.c) are checked through it; each says itself
 * which schemes and hosts it takes.
 *
 * Ownership: scheme and host are the caller's after url_parts_read
 * succeeds, freed by url_parts_free (also safe after a failure).
 */
#ifndef CN_URL_PARTS_H
#define CN_URL_PARTS_H

#include "../core/err.h"

struct url_parts {
	char *scheme;     /* as libcurl gives it (lower case) */
	char *host;       /* an IPv6 literal in brackets */
	int credentials;  /* a user or a password is in the URL */
};

/* Parse URL into out.  CN_EINVAL (message "not a URL") when libcurl
 * cannot read it as an absolute URL with a scheme and a host; any scheme
 * when any_scheme, else only those libcurl speaks; CN_ENOMEM. */
int url_parts_read(const char *url, int any_scheme, struct url_parts *out,
		   struct cn_err *err) CN_NODISCARD;
void url_parts_free(struct url_parts *p);

#endif
