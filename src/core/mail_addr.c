/* mail_addr.c - an e-mail subscription's address; see mail_addr.h. */
#include "mail_addr.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define LOCAL_MAX 64
#define DOMAIN_MAX 253
#define LABEL_MAX 63
#define LANG_FIELD "?Content-Language="

/* RFC 5322 atext: letters, digits and these. */
static int atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static int let_dig(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

static int check_local(const char *s, size_t n, const char *field,
		       struct cn_err *err)
{
	if (n == 0)
		return cn_err_set(err, CN_EINVAL, "field '%s': nothing before "
				  "the '@'", field);
	if (n > LOCAL_MAX)
		return cn_err_set(err, CN_EINVAL, "field '%s': the part before "
				  "the '@' is over %d bytes", field, LOCAL_MAX);
	if (s[0] == '.' || s[n - 1] == '.')
		return cn_err_set(err, CN_EINVAL, "field '%s': a dot may not "
				  "begin or end the part before the '@'", field);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.' && s[i + 1] == '.')
			return cn_err_set(err, CN_EINVAL, "field '%s': two dots "
					  "in a row at byte %zu", field, i + 1);
		if (c != '.' && !atext(c))
			return cn_err_set(err, CN_EINVAL, "field '%s': byte %zu "
					  "(0x%02x) may not be in an address "
					  "(quoted local parts are not taken)",
					  field, i + 1, c);
	}
	return 0;
}

static int check_domain(const char *s, size_t at, const char *field,
			struct cn_err *err)
{
	const char *d = s + at + 1;
	size_t n = strlen(d), label = 0;

	if (n == 0)
		return cn_err_set(err, CN_EINVAL, "field '%s': no domain after "
				  "the '@'", field);
	if (n > DOMAIN_MAX)
		return cn_err_set(err, CN_EINVAL, "field '%s': the domain is "
				  "over %d bytes", field, DOMAIN_MAX);
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)d[i];
		size_t pos = at + 1 + i + 1;
		if (c == '.' || c == '\0') {
			if (label == 0)
				return cn_err_set(err, CN_EINVAL, "field '%s': an "
						  "empty label in the domain at "
						  "byte %zu", field, pos);
			if (d[i - 1] == '-')
				return cn_err_set(err, CN_EINVAL, "field '%s': a "
						  "domain label ends with '-' "
						  "at byte %zu", field, pos - 1);
			label = 0;
			continue;
		}
		if (c == '-' && label == 0)
			return cn_err_set(err, CN_EINVAL, "field '%s': a domain "
					  "label begins with '-' at byte %zu",
					  field, pos);
		if (c != '-' && !let_dig(c))
			return cn_err_set(err, CN_EINVAL, "field '%s': byte %zu "
					  "(0x%02x) may not be in a domain "
					  "(letters, digits, '-' and '.'; no "
					  "address literal)", field, pos, c);
		if (++label > LABEL_MAX)
			return cn_err_set(err, CN_EINVAL, "field '%s': a domain "
					  "label is over %d bytes", field,
					  LABEL_MAX);
	}
	return 0;
}

int cn_mail_addr_check(const char *s, const char *field, struct cn_err *err)
{
	const char *at;
	size_t n;

	if (!s || !*s)
		return cn_err_set(err, CN_EINVAL, "field '%s': an e-mail address "
				  "such as name@example.org", field);
	n = strlen(s);
	if (n > CN_MAIL_ADDR_MAX)
		return cn_err_set(err, CN_EINVAL, "field '%s': over %d bytes",
				  field, CN_MAIL_ADDR_MAX);
	if (!(at = strrchr(s, '@')))
		return cn_err_set(err, CN_EINVAL, "field '%s': no '@' (one "
				  "address such as name@example.org)", field);
	if (memchr(s, '@', (size_t)(at - s)))
		return cn_err_set(err, CN_EINVAL, "field '%s': more than one "
				  "'@' (one address, unquoted)", field);
	if (check_local(s, (size_t)(at - s), field, err))
		return err->code;
	return check_domain(s, (size_t)(at - s), field, err);
}

int cn_mail_is_uri(const char *url)
{
	return url && !strncmp(url, "mailto:", 7);
}

/* Kept as they are in the URI: RFC 3986 unreserved, and '@'. */
static int plain(unsigned char c)
{
	return let_dig(c) || (c && strchr("-._~@", c));
}

void cn_mail_uri(const char *addr, const char *lang, char *out, size_t n)
{
	size_t k;

	assert(n >= CN_MAIL_URI_MAX + 1);
	k = (size_t)snprintf(out, n, "mailto:");
	for (const unsigned char *p = (const unsigned char *)addr;
	     *p && k + 4 < n; p++) {
		if (plain(*p))
			out[k++] = (char)*p;
		else
			k += (size_t)snprintf(out + k, n - k, "%%%02X", *p);
	}
	snprintf(out + k, n - k, "%s%s", LANG_FIELD, lang);
}

static int hex(unsigned char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
				      : -1;
}

int cn_mail_uri_parse(const char *uri, char addr[CN_MAIL_ADDR_MAX + 1],
		      char lang[3], struct cn_err *err)
{
	const char *q, *p;
	size_t k = 0;

	addr[0] = lang[0] = '\0';
	if (!cn_mail_is_uri(uri) || !(q = strstr(uri, LANG_FIELD)) ||
	    strlen(q + strlen(LANG_FIELD)) != 2)
		return cn_err_set(err, CN_EINVAL, "not an e-mail subscription's "
				  "URI");
	for (p = uri + 7; p < q; p++) {
		int c = (unsigned char)*p;
		if (c == '%') {
			int hi = hex((unsigned char)p[1]);
			int lo = hi < 0 ? -1 : hex((unsigned char)p[2]);
			if (lo < 0)
				return cn_err_set(err, CN_EINVAL, "a bad escape "
						  "in an e-mail subscription's URI");
			c = hi * 16 + lo;
			p += 2;
		}
		if (k >= CN_MAIL_ADDR_MAX)
			return cn_err_set(err, CN_EINVAL, "an e-mail "
					  "subscription's address is too long");
		addr[k++] = (char)c;
	}
	addr[k] = '\0';
	memcpy(lang, q + strlen(LANG_FIELD), 3);
	if (strcmp(lang, "en") && strcmp(lang, "fr"))
		return cn_err_set(err, CN_EINVAL, "an e-mail subscription's "
				  "language is not en or fr");
	return cn_mail_addr_check(addr, "email", err);
}
