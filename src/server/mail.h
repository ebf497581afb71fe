/*
 * mail.h - e-mail notifications (docs/MAIL.md): the second channel of the
 * outbox (store/notice.h), beside webhooks.
 *
 * An e-mail subscription is a webhook row whose url is a mailto URI
 * (core/mail_addr.h): the same owner, event types, reminder offsets,
 * cursor, sight and revocation.  hooks.c's thread fills and delivers it
 * as it does a webhook, with two differences, both here:
 *
 *  compose  (mail_compose.c) when a notice is queued, the JSON body a
 *           webhook would get (what the owner may see, no more) is made
 *           into the whole RFC 5322 message, multipart/alternative, text
 *           and HTML in the subscriber's language (core/i18n.h), with its
 *           Date and Message-ID: the notice holds those bytes, so a retry
 *           sends the same message and a client drops a duplicate by its
 *           Message-ID.
 *  submit   (mail_send.c) a notice of channel MAIL_CHANNEL is sent with
 *           libcurl's SMTP to serve --smtp's URL; the attempt records the
 *           server's reply code and line.  A 5xx reply is permanent
 *           (failed, no retry); anything else that is not a 2xx is
 *           retried as a webhook is.
 *
 * Without --smtp (conf.url ""), the API refuses e-mail subscriptions and
 * the thread neither fills nor delivers the ones stored (their cursors
 * wait: a server started with --smtp sends what they missed).
 */
#ifndef CN_MAIL_H
#define CN_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/mail_addr.h"
#include "../store/store.h"
#include "curl_lib.h"

#define MAIL_CHANNEL "email"
#define MAIL_URL_MAX 1024
#define MAIL_SECRET_MAX 256

/* serve's --smtp, --mail-from and credentials; read-only while serving. */
struct mail_conf {
	char url[MAIL_URL_MAX + 1]; /* smtp:// or smtps://; "": no e-mail */
	char from[CN_MAIL_ADDR_MAX + 1];
	char user[MAIL_SECRET_MAX + 1], password[MAIL_SECRET_MAX + 1];
	char ca[MAIL_URL_MAX + 1]; /* --smtp-ca: a PEM bundle; "": the system's */
};

/* Set up m from --smtp URL, --mail-from ADDR and --smtp-auth FILE (may be
 * NULL; else a file whose first line is USER:PASSWORD), or the
 * environment's COUNCIL_SMTP_USER and COUNCIL_SMTP_PASSWORD; never from
 * the URL (a user or password there is refused, as it would show in
 * ps); and --smtp-ca FILE (may be NULL), the CAs that vouch for the
 * server's certificate.  0, or CN_EINVAL naming the option. */
int mail_conf_set(struct mail_conf *m, const char *url, const char *from,
		  const char *auth_file, const char *ca, struct cn_err *err)
	CN_NODISCARD;

/* The message for notice (kind, ref) of subscription w (a mailto row),
 * whose webhook body is json, made at `now`; *len its length.  NULL with
 * err set when json is not a body the server makes, or out of memory. */
char *mail_compose(const struct mail_conf *m, const struct cn_webhook *w,
		   const char *kind, const char *ref, const char *json,
		   int64_t now, size_t *len, struct cn_err *err);

/* One submission in flight: the message, where the upload is, the
 * recipient list, and the server's last reply line. */
struct mail_send {
	const char *p;
	size_t len, off;
	struct curl_slist *rcpt;
	char reply[256];
};

/* Make easy submit body (len bytes) to address `to` through m.  0, or -1
 * when out of memory. */
int mail_prepare(CURL *easy, const struct mail_conf *m, const char *to,
		 const char *body, size_t len, struct mail_send *ms);
void mail_send_clear(struct mail_send *ms);

#endif
