/*
 * api_calendar.c - GET /api/v1/calendar.ics?key=FEEDKEY: a principal's
 * calendar of deadlines and conclusions, as RFC 5545 iCalendar
 * (core/ical.h), for calendar programs that subscribe to a URL and send
 * no Authorization header.
 *
 * The key is a calendar feed key (store.h, "Calendar feed keys"; made with
 * `council token feed ID`): it reads for the token it was made for, sees
 * what that token sees, and is dead once either is revoked.  A missing,
 * wrong or revoked key is 404, held to the same floor as every 404 (http.h),
 * so a feed that was revoked and one that never was answer alike.
 *
 * What it holds, through sight (access.h; never a rule of its own): every
 * open proposal with a deadline (silence, vote) the principal sees, and
 * every proposal it sees concluded in the last FEED_DAYS days, at its
 * deadline or, without one (a meeting, a ratification), at its
 * conclusion.  A procedure that ended before its deadline without
 * adoption (silence broken, withdrawn) keeps its event, CANCELLED, with
 * how it ended.  An open proposal without a deadline has no date to show
 * and is left out.  Each list read is bounded (FEED_MAX), never the whole
 * history: with more than that, the open ones whose deadlines come first
 * and the latest concluded, each list through an index in that order
 * (store.h, cn_proposal_order), so a feed costs what it holds.
 *
 * Stable bytes for the same record: DTSTAMP and LAST-MODIFIED are the
 * proposal's latest dated change (its revisions' times, its conclusion),
 * not the time of the request, so the ETag (the body's SHA-256) moves only
 * when the feed does, and If-None-Match answers 304.  SEQUENCE grows with
 * every change a calendar must redraw: it is the sum, over the revisions,
 * of the seconds from each revision to its deadline (an extension only
 * moves the deadline later, a recirculation adds a revision), plus one
 * once concluded.
 *
 * Its words (SUMMARY, DESCRIPTION, the calendar's name) are in the
 * language ?lang= names (en or fr, core/i18n.h; English without it), said
 * in Content-Language.  A calendar program sends no useful
 * Accept-Language, so the language is in the URL the page gives, in the
 * page's language.  A proposal's explanation, which core writes, stays
 * English.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/lists.h"
#include "../core/i18n.h"
#include "../core/ical.h"
#include "../core/timeutil.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "request.h"
#include "static.h"

#define FEED_DAYS 30
#define FEED_MAX 500

struct feed {
	struct ctx *x;
	struct cn_buf b;
	enum cn_lang lang;
	char base[300]; /* "http://host" for the page's links, or "" */
};

static int64_t time_of(const json_t *o, const char *key)
{
	int64_t t;
	struct cn_err err = {0};
	const char *s = cn_jstr(o, key);

	return s && cn_time_parse(s, key, &t, &err) == 0 ? t : CN_TIME_NONE;
}

/* SEQUENCE and the latest dated change (header comment). */
static void changes(const json_t *v, int concluded, int64_t *sequence,
		    int64_t *modified)
{
	const json_t *r;
	size_t i;

	*sequence = concluded ? 1 : 0;
	*modified = time_of(v, "opened");
	json_array_foreach(json_object_get(v, "revisions"), i, r) {
		int64_t at = time_of(r, "at"), dl = time_of(r, "deadline");
		if (at != CN_TIME_NONE && (*modified == CN_TIME_NONE ||
					   at > *modified))
			*modified = at;
		if (at != CN_TIME_NONE && dl != CN_TIME_NONE && dl > at)
			*sequence += dl - at;
	}
	if (concluded && time_of(v, "concluded") != CN_TIME_NONE)
		*modified = time_of(v, "concluded");
	/* Clients keep SEQUENCE in 32 bits. */
	if (*sequence > INT32_MAX)
		*sequence = INT32_MAX;
}

/* A word of the API (an outcome, a procedure) and its message. */
struct word {
	const char *word;
	enum cn_msg msg;
};

static const struct word outcomes[] = {
	{"adopted", CN_M_OUTCOME_ADOPTED}, {"blocked", CN_M_OUTCOME_BLOCKED},
	{"failed", CN_M_OUTCOME_FAILED}, {"withdrawn", CN_M_OUTCOME_WITHDRAWN},
	{"lapsed", CN_M_OUTCOME_LAPSED}, {NULL, CN_M_CAL_OUTCOME_CONCLUDED}};

static const struct word procedures[] = {
	{"meeting", CN_M_CAL_PROCEDURE_MEETING},
	{"silence", CN_M_CAL_PROCEDURE_SILENCE},
	{"ratification", CN_M_CAL_PROCEDURE_RATIFICATION},
	{"vote", CN_M_CAL_PROCEDURE_VOTE},
	{"written", CN_M_CAL_PROCEDURE_WRITTEN}, {NULL, CN_MSG_COUNT}};

/* word in lang by the table ending in {NULL, fallback}; a word the table
 * does not know stands for itself when the fallback is CN_MSG_COUNT. */
static const char *say(enum cn_lang lang, const struct word *t,
		       const char *word)
{
	for (; t->word; t++)
		if (word && !strcmp(word, t->word))
			return cn_msg(lang, t->msg);
	return t->msg == CN_MSG_COUNT ? (word ? word : "?") : cn_msg(lang, t->msg);
}

/* One proposal's VEVENT, or nothing when it has no date to show. */
static void add_event(struct feed *f, const json_t *v)
{
	const char *title = cn_jstr(v, "title"), *outcome = cn_jstr(v, "outcome");
	const char *proc = cn_jstr(v, "procedure"), *expl = cn_jstr(v, "explanation");
	const char *place = cn_jstr(v, "place");
	int concluded = !strcmp(cn_jstr(v, "status") ? cn_jstr(v, "status") : "",
				"concluded");
	int64_t id = json_integer_value(json_object_get(v, "id"));
	int64_t deadline = time_of(v, "deadline"), ended = time_of(v, "concluded");
	int64_t start = deadline != CN_TIME_NONE ? deadline : ended, seq, modified;
	char line[512];
	struct cn_buf s = CN_BUF_INIT;
	char *text;

	if (start == CN_TIME_NONE || (!concluded && deadline == CN_TIME_NONE))
		return;
	changes(v, concluded, &seq, &modified);
	if (modified == CN_TIME_NONE)
		modified = start;
	cn_buf_puts(&f->b, "BEGIN:VEVENT\r\n");
	snprintf(line, sizeof(line), "proposal-%lld@council", (long long)id);
	cn_ical_raw(&f->b, "UID", line);
	cn_ical_time(&f->b, "DTSTAMP", modified);
	cn_ical_time(&f->b, "LAST-MODIFIED", modified);
	/* A deadline is an instant: no DTEND, so the event ends when it
	 * starts (RFC 5545 3.6.1); a DTEND must be later than DTSTART. */
	cn_ical_time(&f->b, "DTSTART", start);
	snprintf(line, sizeof(line), "%lld", (long long)seq);
	cn_ical_raw(&f->b, "SEQUENCE", line);
	if (concluded)
		cn_msg_put(&s, f->lang, CN_M_CAL_SUMMARY_CONCLUDED, "outcome",
			   say(f->lang, outcomes, outcome), "title", title,
			   (char *)NULL);
	else
		cn_msg_put(&s, f->lang, proc && !strcmp(proc, "silence")
			   ? CN_M_CAL_SUMMARY_SILENCE : CN_M_CAL_SUMMARY_DEADLINE,
			   "title", title, (char *)NULL);
	if (cn_buf_finish(&s, &text) == 0) {
		cn_ical_text(&f->b, "SUMMARY", text);
		free(text);
	} else
		f->b.oom = 1;
	snprintf(line, sizeof(line), "%lld", (long long)id);
	cn_msg_put(&s, f->lang, CN_M_CAL_DESCRIPTION, "id", line, "body",
		   cn_jstr(v, "body_name") ? cn_jstr(v, "body_name") : "?",
		   "procedure", say(f->lang, procedures, proc), (char *)NULL);
	/* How it ended; an open one's running verdict would read as an
	 * outcome in a calendar. */
	if (concluded && expl)
		cn_buf_printf(&s, "\n%s", expl);
	if (cn_buf_finish(&s, &text) == 0) {
		cn_ical_text(&f->b, "DESCRIPTION", text);
		free(text);
	} else
		f->b.oom = 1;
	if (place)
		cn_ical_text(&f->b, "LOCATION", place);
	if (f->base[0]) {
		snprintf(line, sizeof(line), "%s/#/proposals/%lld", f->base,
			 (long long)id);
		cn_ical_raw(&f->b, "URL", line);
	}
	/* Ended before its deadline without adoption: the deadline will
	 * not come. */
	if (concluded && deadline != CN_TIME_NONE && ended < deadline &&
	    (!outcome || strcmp(outcome, "adopted")))
		cn_ical_raw(&f->b, "STATUS", "CANCELLED");
	else
		cn_ical_raw(&f->b, "STATUS", "CONFIRMED");
	cn_buf_puts(&f->b, "END:VEVENT\r\n");
}

static int add_doc(void *ctx, const struct cn_proposal_row *r,
		   struct cn_err *err)
{
	struct feed *f = ctx;
	json_t *v;
	int rc;

	if ((rc = visible_view(f->x, r->id, r->doc, r->len, &v, err)) || !v)
		return rc;
	add_event(f, v);
	json_decref(v);
	return 0;
}

static const char *calname(enum cn_lang lang, const struct cn_principal *who)
{
	switch (who->role) {
	case CN_ROLE_SECRETARIAT: return cn_msg(lang, CN_M_CAL_NAME_SECRETARIAT);
	case CN_ROLE_MEMBER: return cn_msg(lang, CN_M_CAL_NAME_MEMBER);
	case CN_ROLE_PARTNER: return cn_msg(lang, CN_M_CAL_NAME_PARTNER);
	case CN_ROLE_PUBLIC: break;
	}
	return cn_msg(lang, CN_M_CAL_NAME_PUBLIC);
}

void h_calendar(struct ctx *x)
{
	struct feed f = {x, CN_BUF_INIT, CN_LANG_EN, ""};
	struct cn_err err = {0};
	struct cn_proposal_query q;
	struct cn_viewer v;
	struct cn_store *st;
	char since[CN_TIME_BUF], name[64], *body, etag[48];
	uint8_t hash[CN_HASH_LEN];
	const char *inm, *lang = x->req->arg(x->req, "lang");
	int rc;

	if (cn_auth_feed(x->rd, x->req->arg(x->req, "key"), &x->who, &err)) {
		not_found(x);
		return;
	}
	/* Only "en" and "fr" themselves: a URL is written by the page, not
	 * taken from a browser's preferences. */
	if (lang && (cn_lang_parse(lang, &f.lang) || strlen(lang) != 2)) {
		reply_error(x, 400, "invalid",
			    "lang: '%.16s' is not a language of council: en or fr",
			    lang);
		return;
	}
	if (!(st = cache_lists(x->cache, x->api, &err))) {
		reply_error(x, 503, "unavailable", "%s", err.msg);
		return;
	}
	v = (struct cn_viewer){x->who.role, x->who.code, x->reg, x->now};
	if (request_origin(x, f.base, sizeof(f.base)))
		f.base[0] = '\0'; /* no page links */
	cn_buf_puts(&f.b, "BEGIN:VCALENDAR\r\n");
	cn_ical_raw(&f.b, "VERSION", "2.0");
	cn_ical_raw(&f.b, "PRODID", "-//council//calendar feed//EN");
	cn_ical_raw(&f.b, "CALSCALE", "GREGORIAN");
	cn_ical_raw(&f.b, "METHOD", "PUBLISH");
	snprintf(name, sizeof(name), "%s%s%s", calname(f.lang, &x->who),
		 x->who.code[0] ? " " : "", x->who.code);
	cn_ical_text(&f.b, "X-WR-CALNAME", name);
	memset(&q, 0, sizeof(q));
	q.order = CN_ORDER_DEADLINE;
	q.limit = FEED_MAX;
	rc = cn_lists_proposals(st, &v, &q, add_doc, &f, &err);
	if (rc == 0) {
		q.order = CN_ORDER_CONCLUDED;
		q.concluded_from = cn_time_format(x->now - FEED_DAYS * 86400,
						  since);
		rc = cn_lists_proposals(st, &v, &q, add_doc, &f, &err);
	}
	cn_buf_puts(&f.b, "END:VCALENDAR\r\n");
	if (rc) {
		cn_buf_release(&f.b);
		reply_err(x, &err);
		return;
	}
	if (cn_buf_finish(&f.b, &body)) {
		reply_error(x, 503, "unavailable", "out of memory");
		return;
	}
	cn_sha256(body, strlen(body), hash);
	snprintf(etag, sizeof(etag), "\"");
	cn_hex(hash, 16, etag + 1);
	strcat(etag, "\"");
	memcpy(x->res->etag, etag, sizeof(etag));
	/* The key is in the URL: only the subscriber's own client keeps it. */
	x->res->cache_control = "private, no-cache";
	x->res->vary = NULL;
	if ((inm = x->req->header(x->req, "If-None-Match")) &&
	    etag_matches(inm, etag)) {
		free(body);
		x->res->status = 304;
		return;
	}
	x->res->status = 200;
	x->res->content_type = "text/calendar; charset=utf-8";
	x->res->content_language = cn_lang_code(f.lang);
	x->res->body = body;
	x->res->len = strlen(body);
}
