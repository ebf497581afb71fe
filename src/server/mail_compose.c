/* mail_compose.c - a notice's e-mail message; see mail.h.
 *
 * RFC 5322 and MIME: CRLF line ends, header lines under 78 columns but
 * for a long address, a Subject in RFC 2047 encoded words (UTF-8, base64)
 * when it is not plain ASCII, and a multipart/alternative body of a
 * text/plain and a text/html part, each UTF-8 in base64 (76-column
 * lines), so no line of a title can break the message.  The text comes
 * from the catalogues (po/, core/i18n.h) in the subscriber's language,
 * with that language's dates and its words for the event type (the
 * Council-Event header and the body keep the type itself); every value taken from the record is
 * escaped in the HTML part.  Both parts end with the webhook body itself
 * (pretty-printed): what the owner may see, exactly as a webhook carries
 * it, and nothing else.
 *
 * Threading: every message about one proposal names the same root,
 * <council.sID.pPROPOSAL@DOMAIN>, in In-Reply-To and References, so mail
 * clients group a proposal's notices and reminders. */
#include "mail.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/i18n.h"
#include "../core/json_alloc.h"
#include "../core/timeutil.h"

static const enum cn_msg months[12] = {
	CN_M_MAIL_MONTH_1, CN_M_MAIL_MONTH_2,  CN_M_MAIL_MONTH_3,
	CN_M_MAIL_MONTH_4, CN_M_MAIL_MONTH_5,  CN_M_MAIL_MONTH_6,
	CN_M_MAIL_MONTH_7, CN_M_MAIL_MONTH_8,  CN_M_MAIL_MONTH_9,
	CN_M_MAIL_MONTH_10, CN_M_MAIL_MONTH_11, CN_M_MAIL_MONTH_12,
};

/* A time of the record ("2026-12-04T12:00:00Z") as lang writes it; the
 * text as it is when it is not one. */
static void put_date(struct cn_buf *b, enum cn_lang lang, const char *iso)
{
	struct cn_err err = {0};
	char day[16], hour[16], minute[16], year[16];
	int64_t t;
	time_t tt;
	struct tm tm;

	if (!iso || cn_time_parse(iso, "time", &t, &err)) {
		cn_buf_puts(b, iso ? iso : "");
		return;
	}
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	/* French writes the first of the month as an ordinal: 1er. */
	snprintf(day, sizeof(day), "%d%s", tm.tm_mday,
		 lang == CN_LANG_FR && tm.tm_mday == 1 ? "er" : "");
	snprintf(year, sizeof(year), "%d", tm.tm_year + 1900);
	/* French writes 9 h 05, English 09:05. */
	snprintf(hour, sizeof(hour), lang == CN_LANG_FR ? "%d" : "%02d",
		 tm.tm_hour);
	snprintf(minute, sizeof(minute), "%02d", tm.tm_min);
	cn_msg_put(b, lang, CN_M_MAIL_DATE, "day", day, "month",
		   cn_msg(lang, months[tm.tm_mon]), "year", year, "hour", hour,
		   "minute", minute, NULL);
}

/* s with every control character (CR and LF among them) as a space. */
static char *flat(const char *s)
{
	char *o = strdup(s ? s : "");

	for (char *p = o; p && *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return o;
}

/* What the message is about: "proposal 17, “Title”", or the log. */
static void put_about(struct cn_buf *b, enum cn_lang lang, int64_t id,
		      const char *title)
{
	char n[24];

	snprintf(n, sizeof(n), "%lld", (long long)id);
	if (id <= 0)
		cn_buf_puts(b, cn_msg(lang, CN_M_MAIL_ABOUT_LOG));
	else if (title && *title)
		cn_msg_put(b, lang, CN_M_MAIL_ABOUT_TITLED, "id", n, "title",
			   title, NULL);
	else
		cn_msg_put(b, lang, CN_M_MAIL_ABOUT, "id", n, NULL);
}

/* An event type in lang's words ("proposal.created" is "New proposal",
 * "Nouvelle proposition"): the catalogue's mail.kind.TYPE, which
 * test_i18n checks every type of the log has; a type without one (a
 * newer log read by an older program) shows as it stands. */
static const char *kind_words(enum cn_lang lang, const char *kind)
{
	char key[80];
	enum cn_msg m;

	if ((size_t)snprintf(key, sizeof(key), "mail.kind.%s", kind) >=
		    sizeof(key) ||
	    cn_msg_find(key, &m))
		return kind;
	return cn_msg(lang, m);
}

struct parts {
	struct cn_buf subject, lead;
	int64_t proposal;
};

static int64_t jint(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* The subject and the opening sentence of a reminder or an event. */
static void words(struct parts *p, enum cn_lang lang, const char *kind,
		  const json_t *o)
{
	struct cn_buf about = CN_BUF_INIT, when = CN_BUF_INIT;
	char seq[24];
	char *title;

	if (!strcmp(kind, "reminder")) {
		p->proposal = jint(o, "proposal");
		title = flat(cn_jstr(o, "title"));
		put_about(&about, lang, p->proposal, title);
		put_date(&when, lang, cn_jstr(o, "deadline"));
		cn_msg_put(&p->subject, lang, CN_M_MAIL_SUBJECT_REMINDER,
			   "about", about.s, "deadline", when.s, NULL);
		cn_msg_put(&p->lead, lang,
			   !strcmp(cn_jstr(o, "awaited") ? cn_jstr(o, "awaited")
							  : "", "vote")
				   ? CN_M_MAIL_REMINDER_VOTE
				   : CN_M_MAIL_REMINDER_POSITION,
			   "about", about.s, "body", cn_jstr(o, "body"),
			   "deadline", when.s, "member", cn_jstr(o, "member"),
			   NULL);
	} else {
		const json_t *pl = json_object_get(o, "payload");
		p->proposal = jint(pl, "id") ? jint(pl, "id") : jint(pl, "proposal");
		title = flat(cn_jstr(pl, "title"));
		put_about(&about, lang, p->proposal, title);
		put_date(&when, lang, cn_jstr(o, "time"));
		snprintf(seq, sizeof(seq), "%lld", (long long)jint(o, "seq"));
		cn_msg_put(&p->subject, lang, CN_M_MAIL_SUBJECT_EVENT, "event",
			   kind_words(lang, kind), "about", about.s, NULL);
		cn_msg_put(&p->lead, lang, CN_M_MAIL_EVENT_TEXT, "seq", seq,
			   "event", kind_words(lang, kind), "time", when.s,
			   "actor", cn_jstr(o, "actor"), "about", about.s, NULL);
	}
	free(title);
	cn_buf_release(&about);
	cn_buf_release(&when);
}

static void put_html_escaped(struct cn_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': cn_buf_puts(b, "&amp;"); break;
		case '<': cn_buf_puts(b, "&lt;"); break;
		case '>': cn_buf_puts(b, "&gt;"); break;
		case '"': cn_buf_puts(b, "&quot;"); break;
		case '\'': cn_buf_puts(b, "&#39;"); break;
		default: cn_buf_add(b, s, 1);
		}
	}
}

/* n bytes as base64 in lines of 76, each ended by CRLF. */
static void put_base64(struct cn_buf *b, const void *in, size_t n)
{
	size_t cap = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(cap);
	size_t len;

	if (!s) {
		b->oom = 1;
		return;
	}
	sodium_bin2base64(s, cap, in, n, sodium_base64_VARIANT_ORIGINAL);
	len = strlen(s);
	for (size_t i = 0; i < len; i += 76) {
		cn_buf_add(b, s + i, len - i < 76 ? len - i : 76);
		cn_buf_puts(b, "\r\n");
	}
	free(s);
}

/* The Subject header: as it is when printable ASCII and short, else RFC
 * 2047 encoded words of whole UTF-8 characters, folded. */
static void put_subject(struct cn_buf *b, const char *s)
{
	size_t n = strlen(s), i = 0;
	int plain = n <= 60;

	for (size_t k = 0; plain && k < n; k++)
		plain = (unsigned char)s[k] >= 0x20 && (unsigned char)s[k] < 0x7f;
	cn_buf_puts(b, "Subject:");
	if (plain) {
		cn_buf_printf(b, " %s\r\n", s);
		return;
	}
	while (i < n) {
		size_t k = n - i < 45 ? n - i : 45;
		char enc[64];
		/* Not within a character: back to the start of one. */
		while (i + k < n && ((unsigned char)s[i + k] & 0xc0) == 0x80)
			k--;
		sodium_bin2base64(enc, sizeof(enc), (const unsigned char *)s + i,
				  k, sodium_base64_VARIANT_ORIGINAL);
		cn_buf_printf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : " ", enc);
		i += k;
	}
	cn_buf_puts(b, "\r\n");
}

/* LF line ends as CRLF (the text part's canonical form). */
static void put_crlf(struct cn_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			cn_buf_puts(b, "\r\n");
		else if (*s != '\r')
			cn_buf_add(b, s, 1);
	}
}

static void put_part(struct cn_buf *b, const char *boundary, const char *type,
		     const struct cn_buf *content)
{
	cn_buf_printf(b, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n", boundary, type);
	put_base64(b, content->s ? content->s : "", content->len);
}

static void put_rfc5322_date(struct cn_buf *b, int64_t now)
{
	static const char *const day[] = {"Sun", "Mon", "Tue", "Wed",
					  "Thu", "Fri", "Sat"};
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May",
					  "Jun", "Jul", "Aug", "Sep", "Oct",
					  "Nov", "Dec"};
	time_t t = (time_t)now;
	struct tm tm;

	gmtime_r(&t, &tm);
	cn_buf_printf(b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n",
		      day[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		      tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *mail_compose(const struct mail_conf *m, const struct cn_webhook *w,
		   const char *kind, const char *ref, const char *json,
		   int64_t now, size_t *len, struct cn_err *err)
{
	struct parts p = {CN_BUF_INIT, CN_BUF_INIT, 0};
	struct cn_buf text = CN_BUF_INIT, html = CN_BUF_INIT,
		      msg = CN_BUF_INIT;
	char to[CN_MAIL_ADDR_MAX + 1], code[3], boundary[48], id[24];
	unsigned char nonce[8];
	const char *domain = strrchr(m->from, '@');
	enum cn_lang lang;
	json_t *o;
	json_error_t je;
	char *pretty, *out = NULL, *r;
	int oom = 0;

	if (cn_mail_uri_parse(w->url, to, code, err))
		return NULL;
	if (cn_lang_parse(code, &lang))
		lang = CN_LANG_EN;
	if (!(o = cn_json_loadb(json, strlen(json), 0, &je, &oom)) && oom) {
		cn_err_set(err, CN_ENOMEM, "notice %s: out of memory reading "
			   "its body", ref);
		return NULL;
	}
	if (!o || !json_is_object(o)) {
		json_decref(o);
		cn_err_set(err, CN_ECORRUPT, "notice %s: its body is not JSON", ref);
		return NULL;
	}
	domain = domain ? domain + 1 : "localhost";
	words(&p, lang, kind, o);
	pretty = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);

	/* The text part. */
	cn_buf_printf(&text, "%s\n\n%s\n\n%s\n\n-- \n", p.lead.s,
		      cn_msg(lang, CN_M_MAIL_DETAILS), pretty ? pretty : "");
	{
		char sub[24];
		snprintf(sub, sizeof(sub), "%lld", (long long)w->id);
		cn_msg_put(&text, lang, CN_M_MAIL_FOOTER, "id", sub, NULL);
		cn_buf_puts(&text, "\n");
		/* The HTML part: every value escaped. */
		cn_buf_printf(&html, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>"
			      "<meta charset=\"utf-8\"><title>", code);
		put_html_escaped(&html, p.subject.s);
		cn_buf_puts(&html, "</title></head>\n<body>\n<p>");
		put_html_escaped(&html, p.lead.s);
		cn_buf_puts(&html, "</p>\n<p>");
		put_html_escaped(&html, cn_msg(lang, CN_M_MAIL_DETAILS));
		cn_buf_puts(&html, "</p>\n<pre>");
		put_html_escaped(&html, pretty);
		cn_buf_puts(&html, "</pre>\n<hr>\n<p><small>");
		struct cn_buf foot = CN_BUF_INIT;
		cn_msg_put(&foot, lang, CN_M_MAIL_FOOTER, "id", sub, NULL);
		put_html_escaped(&html, foot.s);
		cn_buf_release(&foot);
		cn_buf_puts(&html, "</small></p>\n</body>\n</html>\n");
	}
	free(pretty);

	/* The headers.  The Message-ID is made once, here, and kept with
	 * the notice: every attempt sends the same one. */
	randombytes_buf(nonce, sizeof(nonce));
	cn_hex(nonce, sizeof(nonce), id);
	snprintf(boundary, sizeof(boundary), "=_council_%s", id);
	cn_buf_printf(&msg, "From: council <%s>\r\nTo: <%s>\r\n", m->from, to);
	put_subject(&msg, p.subject.s ? p.subject.s : "");
	put_rfc5322_date(&msg, now);
	if (!(r = strdup(ref))) {
		msg.oom = 1;
	} else {
		for (char *c = r; *c; c++)
			if (*c == ':')
				*c = '.';
		cn_buf_printf(&msg, "Message-ID: <council.s%lld.%s.%s@%s>\r\n",
			      (long long)w->id, r, id, domain);
		free(r);
	}
	if (p.proposal > 0)
		cn_buf_printf(&msg, "In-Reply-To: <council.s%lld.p%lld@%s>\r\n"
			      "References: <council.s%lld.p%lld@%s>\r\n",
			      (long long)w->id, (long long)p.proposal, domain,
			      (long long)w->id, (long long)p.proposal, domain);
	cn_buf_printf(&msg, "Content-Language: %s\r\n"
		      "Auto-Submitted: auto-generated\r\n"
		      "Council-Event: %s\r\n"
		      "MIME-Version: 1.0\r\n"
		      "Content-Type: multipart/alternative; boundary=\"%s\"\r\n"
		      "\r\n", code, kind, boundary);
	{
		struct cn_buf crlf = CN_BUF_INIT;
		put_crlf(&crlf, text.s ? text.s : "");
		put_part(&msg, boundary, "text/plain", &crlf);
		cn_buf_release(&crlf);
		crlf = (struct cn_buf)CN_BUF_INIT;
		put_crlf(&crlf, html.s ? html.s : "");
		put_part(&msg, boundary, "text/html", &crlf);
		cn_buf_release(&crlf);
	}
	cn_buf_printf(&msg, "--%s--\r\n", boundary);
	if (text.oom || html.oom || p.subject.oom || p.lead.oom)
		msg.oom = 1;
	cn_buf_release(&text);
	cn_buf_release(&html);
	cn_buf_release(&p.subject);
	cn_buf_release(&p.lead);
	if (cn_buf_finish(&msg, &out)) {
		cn_err_set(err, CN_ENOMEM, "out of memory");
		return NULL;
	}
	*len = strlen(out);
	return out;
}
