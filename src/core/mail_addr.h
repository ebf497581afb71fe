/*
 * mail_addr.h - an e-mail subscription's address and language: the check
 * of the address a principal gives (one addr-spec, RFC 5322 section
 * 3.4.1, in the dot-atom form) and the stored form of the subscription,
 * an RFC 6068 mailto URI whose Content-Language header field names the
 * language ("mailto:fr@delegation.example?Content-Language=fr").
 *
 * Why a mailto URI: an e-mail subscription is a webhook row of the store
 * (store/notice.h) whose url is this URI, so the store, its two backends
 * and council migrate keep it without a column of its own; the server
 * tells the two kinds apart by the scheme (a webhook's URL is http or
 * https, hook_url.c).
 *
 * What is taken: a local part of atext characters and dots (no quoted
 * string, no dot first, last or twice), at most 64 bytes; "@"; a domain
 * of letters, digits and hyphens in dot-separated labels of 1 to 63
 * (none starting or ending with a hyphen; no address literal), at most
 * 253 bytes; at most CN_MAIL_ADDR_MAX in all.  ASCII only (no SMTPUTF8),
 * so no CR, LF or other control character can reach a header.
 * Pure code: no I/O.
 */
#ifndef CN_MAIL_ADDR_H
#define CN_MAIL_ADDR_H

#include <stddef.h>

#include "err.h"

#define CN_MAIL_ADDR_MAX 254
/* The stored URI: "mailto:", the address percent-encoded (3 bytes a
 * character at most), "?Content-Language=" and the language. */
#define CN_MAIL_URI_MAX (7 + 3 * CN_MAIL_ADDR_MAX + 18 + 2)

/* 0 when s is one addr-spec as above; else CN_EINVAL with a message that
 * names field `field` and what is wrong. */
int cn_mail_addr_check(const char *s, const char *field, struct cn_err *err)
	CN_NODISCARD;

/* Whether url is an e-mail subscription's (mailto:). */
int cn_mail_is_uri(const char *url);

/* The stored form of (addr, lang) into out (n >= CN_MAIL_URI_MAX + 1):
 * addr must have passed cn_mail_addr_check, lang be "en" or "fr". */
void cn_mail_uri(const char *addr, const char *lang, char *out, size_t n);

/* Back from the stored form: the address into addr (CN_MAIL_ADDR_MAX +
 * 1 bytes) and the language into lang (3 bytes).  0, or CN_EINVAL when
 * uri is not one cn_mail_uri makes (a row not written by this server). */
int cn_mail_uri_parse(const char *uri, char addr[CN_MAIL_ADDR_MAX + 1],
		      char lang[3], struct cn_err *err) CN_NODISCARD;

#endif
