/* mail_send.c - serve's SMTP settings and one submission's transfer; see
 * mail.h.  libcurl speaks SMTP (and SMTPS, and STARTTLS); this file only
 * sets it up: no SMTP is written here. */
#include "mail.h"
#include "url_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The URL: smtp:// or smtps://, a host, no user or password (those come
 * from a file or the environment, never from the command line). */
static int check_url(const char *url, struct cn_err *err)
{
	struct url_parts u;
	int rc;

	if (strlen(url) > MAIL_URL_MAX)
		return cn_err_set(err, CN_EINVAL, "--smtp: over %d bytes",
				  MAIL_URL_MAX);
	if ((rc = url_parts_read(url, 0, &u, err)))
		return rc == CN_EINVAL
			? cn_err_set(err, CN_EINVAL, "--smtp: not a URL such as "
				     "smtp://127.0.0.1:25 or smtps://relay.example:465")
			: rc;
	if (strcasecmp(u.scheme, "smtp") && strcasecmp(u.scheme, "smtps"))
		rc = cn_err_set(err, CN_EINVAL, "--smtp: the scheme is smtp or "
				"smtps, not %s", u.scheme);
	else if (u.credentials)
		rc = cn_err_set(err, CN_EINVAL, "--smtp: no user or password in "
				"the URL (a command line is seen by ps): use "
				"--smtp-auth FILE or COUNCIL_SMTP_USER and "
				"COUNCIL_SMTP_PASSWORD");
	url_parts_free(&u);
	return rc;
}

static int read_auth(struct mail_conf *m, const char *file, struct cn_err *err)
{
	char line[2 * MAIL_SECRET_MAX + 4], *colon;
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return cn_err_set(err, CN_EIO, "--smtp-auth: cannot read %s", file);
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return cn_err_set(err, CN_EINVAL, "--smtp-auth: %s is empty", file);
	}
	fclose(f);
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	if (!(colon = strchr(line, ':')) || colon == line ||
	    (size_t)(colon - line) > MAIL_SECRET_MAX ||
	    strlen(colon + 1) > MAIL_SECRET_MAX)
		return cn_err_set(err, CN_EINVAL, "--smtp-auth: the first line "
				  "of %s is USER:PASSWORD (each at most %d "
				  "bytes)", file, MAIL_SECRET_MAX);
	*colon = '\0';
	memcpy(m->user, line, (size_t)(colon - line) + 1);
	memcpy(m->password, colon + 1, strlen(colon + 1) + 1);
	return 0;
}

int mail_conf_set(struct mail_conf *m, const char *url, const char *from,
		  const char *auth_file, const char *ca, struct cn_err *err)
{
	const char *u = getenv("COUNCIL_SMTP_USER");
	const char *pw = getenv("COUNCIL_SMTP_PASSWORD");

	memset(m, 0, sizeof(*m));
	if (!url) {
		if (from || auth_file || ca)
			return cn_err_set(err, CN_EINVAL, "--mail-from, "
					  "--smtp-auth and --smtp-ca need --smtp");
		return 0;
	}
	if (ca) {
		FILE *f = strlen(ca) <= MAIL_URL_MAX ? fopen(ca, "r") : NULL;
		if (!f)
			return cn_err_set(err, CN_EIO, "--smtp-ca: cannot read %s",
					  ca);
		fclose(f);
		snprintf(m->ca, sizeof(m->ca), "%s", ca);
	}
	if (check_url(url, err))
		return err->code;
	if (!from)
		return cn_err_set(err, CN_EINVAL, "--smtp needs --mail-from ADDR, "
				  "the sender of its messages");
	if (cn_mail_addr_check(from, "--mail-from", err))
		return err->code;
	snprintf(m->url, sizeof(m->url), "%s", url);
	snprintf(m->from, sizeof(m->from), "%s", from);
	if (auth_file)
		return read_auth(m, auth_file, err);
	if (u && *u) {
		if (strlen(u) > MAIL_SECRET_MAX || !pw ||
		    strlen(pw) > MAIL_SECRET_MAX)
			return cn_err_set(err, CN_EINVAL, "COUNCIL_SMTP_USER needs "
					  "COUNCIL_SMTP_PASSWORD (each at most "
					  "%d bytes)", MAIL_SECRET_MAX);
		snprintf(m->user, sizeof(m->user), "%s", u);
		snprintf(m->password, sizeof(m->password), "%s", pw);
	}
	return 0;
}

static size_t upload(char *buf, size_t size, size_t n, void *ctx)
{
	struct mail_send *ms = ctx;
	size_t k = ms->len - ms->off;

	if (k > size * n)
		k = size * n;
	memcpy(buf, ms->p + ms->off, k);
	ms->off += k;
	return k;
}

/* Keep the server's last reply line, or its first refusal (4xx or 5xx:
 * the QUIT that follows one answers 221), for the delivery log. */
static int trace(CURL *easy, curl_infotype type, char *data, size_t n,
		 void *ctx)
{
	struct mail_send *ms = ctx;
	(void)easy;

	if (type == CURLINFO_HEADER_IN &&
	    !(ms->reply[0] == '4' || ms->reply[0] == '5')) {
		while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		if (n >= sizeof(ms->reply))
			n = sizeof(ms->reply) - 1;
		memcpy(ms->reply, data, n);
		ms->reply[n] = '\0';
	}
	return 0;
}

int mail_prepare(CURL *easy, const struct mail_conf *m, const char *to,
		 const char *body, size_t len, struct mail_send *ms)
{
	char from[CN_MAIL_ADDR_MAX + 3], rcpt[CN_MAIL_ADDR_MAX + 3];
	struct curl_slist *l;

	memset(ms, 0, sizeof(*ms));
	ms->p = body;
	ms->len = len;
	snprintf(from, sizeof(from), "<%s>", m->from);
	snprintf(rcpt, sizeof(rcpt), "<%s>", to);
	if (!(l = curl_slist_append(NULL, rcpt)))
		return -1;
	ms->rcpt = l;
	curl_easy_setopt(easy, CURLOPT_URL, m->url);
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(easy, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, ms->rcpt);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, upload);
	curl_easy_setopt(easy, CURLOPT_READDATA, ms);
	curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, trace);
	curl_easy_setopt(easy, CURLOPT_DEBUGDATA, ms);
	if (m->ca[0])
		curl_easy_setopt(easy, CURLOPT_CAINFO, m->ca);
	if (m->user[0]) {
		curl_easy_setopt(easy, CURLOPT_USERNAME, m->user);
		curl_easy_setopt(easy, CURLOPT_PASSWORD, m->password);
		/* Credentials only over TLS: STARTTLS or smtps, required. */
		curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	} else {
		curl_easy_setopt(easy, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	}
	return 0;
}

void mail_send_clear(struct mail_send *ms)
{
	curl_slist_free_all(ms->rcpt);
	ms->rcpt = NULL;
}
