/* lists.c - the lists that grow, a page at a time; see lists.h. */
#include "lists.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "../core/buf.h"
#include "../core/event_type.h"

#define MATCH_WORDS 16
#define MATCH_BYTES 256

int cn_lists_open(const char *path, struct cn_store **out, struct cn_err *err)
{
	return cn_store_open(path, CN_STORE_READONLY, out, err);
}

int cn_lists_match(const char *words, const char *field, char **match,
		   struct cn_err *err)
{
	struct cn_buf b = CN_BUF_INIT;
	size_t nwords = 0;
	const char *p = words;

	*match = NULL;
	if (strlen(words) > MATCH_BYTES)
		return cn_err_set(err, CN_EINVAL, "%s: at most %d bytes", field,
				  MATCH_BYTES);
	for (;;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		if (++nwords > MATCH_WORDS) {
			cn_buf_release(&b);
			return cn_err_set(err, CN_EINVAL, "%s: at most %d words",
					  field, MATCH_WORDS);
		}
		/* One space between words: each backend makes its own query
		 * of them (store/pagesql.c), none reads an operator. */
		if (nwords > 1)
			cn_buf_puts(&b, " ");
		for (; *p && !isspace((unsigned char)*p); p++)
			cn_buf_add(&b, p, 1);
	}
	if (!nwords) {
		cn_buf_release(&b);
		return cn_err_set(err, CN_EINVAL, "%s: give at least one word",
				  field);
	}
	if (cn_buf_finish(&b, match))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* cn_sight_of's rule as the store selects by it: the secretariat sees
 * every proposal; a member, the proposals of the bodies it sits on on
 * v->now (bodies: malloc'd, the caller frees); a partner, the shared
 * ones; everyone, the adopted ones (the store adds those always). */
static int sight_rows(const struct cn_viewer *v, struct cn_sight_rows *out,
		      const char ***bodies, struct cn_err *err)
{
	const struct cn_world *w = v->reg;

	memset(out, 0, sizeof(*out));
	*bodies = NULL;
	switch (v->role) {
	case CN_ROLE_SECRETARIAT:
		out->every = 1;
		return 0;
	case CN_ROLE_PARTNER:
		out->shared = 1;
		return 0;
	case CN_ROLE_PUBLIC:
		return 0;
	case CN_ROLE_MEMBER:
		break;
	}
	if (w->nbodies && !(*bodies = calloc(w->nbodies, sizeof(**bodies))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < w->nbodies; i++)
		if (cn_body_has(w, &w->bodies[i], v->code, v->now))
			(*bodies)[out->nbodies++] = w->bodies[i].id;
	out->bodies = *bodies;
	return 0;
}

int cn_lists_proposals(struct cn_store *st, const struct cn_viewer *v,
		       const struct cn_proposal_query *q, cn_proposal_fn fn,
		       void *ctx, struct cn_err *err)
{
	struct cn_proposal_query mine = *q;
	const char **bodies;
	int rc;

	if ((rc = sight_rows(v, &mine.sight, &bodies, err)))
		return rc;
	if ((rc = cn_store_read_begin(st, err)) == 0) {
		rc = cn_store_proposal_page(st, &mine, fn, ctx, err);
		cn_store_read_end(st);
	}
	free(bodies);
	return rc;
}

/* ---- a proposal in a list ------------------------------------------------ */

/* What a summary keeps of a view, when the view has it; the rest (the
 * text, revisions, electorate, and whatever a view holds per member) is a
 * proposal's page's, not a list's.  A field the view gains later stays
 * out of lists until it is named here. */
static const char *const summary_keeps[] = {
	"id", "body", "body_name", "title", "procedure", "rule", "rule_name",
	"revision", "proposer", "opened", "deadline", "shared",
	"electorate_size", "level", "place", "status", "outcome", "concluded",
	"verdict", "explanation", "blocked_by", "effects", "tally",
	"supersedes", "superseded_by", "concerned", NULL};

static int kept(const char *key)
{
	for (size_t i = 0; summary_keeps[i]; i++)
		if (!strcmp(key, summary_keeps[i]))
			return 1;
	return 0;
}

/* positions -> position_counts and the member's own position alone. */
static int summary_positions(json_t *view, json_t *positions,
			     const char *member)
{
	json_t *counts = json_object(), *own = json_array(), *x;
	size_t i;

	if (!counts || !own)
		goto oom;
	json_array_foreach(positions, i, x) {
		const char *pos = json_string_value(json_object_get(x, "position"));
		const char *who = json_string_value(json_object_get(x, "member"));
		json_int_t n;

		if (!pos)
			continue;
		n = json_integer_value(json_object_get(counts, pos));
		if (json_object_set_new(counts, pos, json_integer(n + 1)))
			goto oom;
		if (member && who && !strcmp(who, member) &&
		    json_array_append(own, x))
			goto oom;
	}
	if (json_object_set_new(view, "position_counts", counts))
		goto oom_own;
	if (!member) {
		json_decref(own);
		return 0;
	}
	return json_object_set_new(view, "positions", own) ? -1 : 0;
oom:
	json_decref(counts);
oom_own:
	json_decref(own);
	return -1;
}

int cn_lists_summary(json_t *view, const char *member, struct cn_err *err)
{
	json_t *positions = json_incref(json_object_get(view, "positions"));
	const char *key;
	json_t *value;
	void *tmp;
	int rc = 0;

	json_object_foreach_safe(view, tmp, key, value) {
		(void)value;
		if (!kept(key))
			json_object_del(view, key);
	}
	if (json_is_array(positions) &&
	    summary_positions(view, positions, member))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	json_decref(positions);
	return rc;
}

/* ---- the log -------------------------------------------------------------- */

struct scan_page {
	cn_lists_event_fn fn;
	void *ctx;
	int64_t upto, left, next;
};

enum { STOP_PAGE = 1 };

static int scan_one(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct scan_page *sp = ctx;

	if (ev->seq > sp->upto)
		return STOP_PAGE;
	if (sp->left-- == 0) {
		sp->next = ev->seq;
		return STOP_PAGE;
	}
	return sp->fn(sp->ctx, ev, err);
}

/* Every event: the log itself, its chain checked as it is read. */
static int log_every(struct cn_store *st, int64_t from, int64_t upto,
		     int64_t limit, cn_lists_event_fn fn, void *ctx,
		     int64_t *next, struct cn_err *err)
{
	struct scan_page sp = {fn, ctx, upto, limit, 0};
	int rc = cn_store_scan(st, from, scan_one, &sp, err);

	*next = sp.next;
	return rc == STOP_PAGE ? 0 : rc;
}

/* The type names sight reads: every type the log knows (an event about
 * no proposal is everyone's, of a known type), and the public record. */
static void type_names(const char **known, size_t *nknown,
		       const char **record, size_t *nrecord)
{
	*nknown = *nrecord = 0;
	for (int id = 0; id < CN_EV_COUNT; id++) {
		const struct cn_event_type *et = cn_event_type_get((enum cn_ev)id);
		known[(*nknown)++] = et->name;
		if (et->flags & CN_EVT_PUBLIC_RECORD)
			record[(*nrecord)++] = et->name;
	}
}

int cn_lists_log(struct cn_store *st, const struct cn_viewer *v, int64_t from,
		 int64_t upto, int64_t limit, cn_lists_event_fn fn, void *ctx,
		 int64_t *next, struct cn_err *err)
{
	const char *known[CN_EV_COUNT], *record[CN_EV_COUNT], **bodies = NULL;
	struct cn_log_query q = {.from = from, .upto = upto, .limit = limit + 1};
	int64_t *seqs = NULL;
	size_t n = 0;
	int rc;

	*next = 0;
	if (from > upto)
		return 0;
	if ((rc = cn_store_read_begin(st, err)))
		return rc;
	if (v->role == CN_ROLE_SECRETARIAT) {
		rc = log_every(st, from, upto, limit, fn, ctx, next, err);
		cn_store_read_end(st);
		return rc;
	}
	type_names(known, &q.nopen, record, &q.nrecord);
	q.open_types = known;
	q.record_types = record;
	if (!(seqs = malloc((size_t)q.limit * sizeof(*seqs))))
		rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	if (rc == 0)
		rc = sight_rows(v, &q.sight, &bodies, err);
	if (rc == 0)
		rc = cn_store_log_page(st, &q, seqs, &n, err);
	for (size_t i = 0; rc == 0 && i < n && (int64_t)i < limit; i++) {
		struct cn_event ev;
		if ((rc = cn_store_event(st, seqs[i], &ev, err)))
			break;
		rc = fn(ctx, &ev, err);
		cn_event_release(&ev);
	}
	if (rc == 0 && (int64_t)n > limit)
		*next = seqs[limit];
	cn_store_read_end(st);
	free(bodies);
	free(seqs);
	return rc;
}
