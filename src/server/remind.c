/* remind.c - reminders before deadlines; see remind.h. */
#include "remind.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/remind.h"
#include "../core/timeutil.h"
#include "access.h"

/* ---- one round ------------------------------------------------------------- */

struct reminding {
	const struct cn_webhook *w;
	struct cn_remind r;
};

struct queued_reminder {
	struct remind_decided d;
	char *body; /* NULL: owed nothing, only remembered */
	size_t len;
	const char *channel; /* the subscription's (hooks_channel) */
	char ref[96];
};

struct round {
	struct ctx *x;
	struct remind_memo *memo;
	struct reminding *hooks;
	size_t nhooks;
	struct queued_reminder *q;
	size_t nq, capq;
	/* the page's last row, where the next page starts */
	char last[32];
	int64_t last_id;
	size_t rows;
};

static int push(struct round *r, const struct queued_reminder *q,
		struct cn_err *err)
{
	if (r->nq == r->capq) {
		size_t cap = r->capq ? r->capq * 2 : 16;
		struct queued_reminder *v = realloc(r->q, cap * sizeof(*v));
		if (!v)
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		r->q = v;
		r->capq = cap;
	}
	r->q[r->nq++] = *q;
	return 0;
}

/* What the proposal awaits from member `code`: "position" (silence: no
 * position stated yet), "vote" (written: none cast), or NULL. */
static const char *awaited(const json_t *view, const char *proc,
			   const char *code)
{
	const json_t *e;
	size_t i;

	if (!strcmp(proc, "silence")) {
		json_array_foreach(json_object_get(view, "positions"), i, e) {
			const char *m = json_string_value(json_object_get(e, "member"));
			const char *p = json_string_value(json_object_get(e, "position"));
			if (m && p && !strcmp(m, code))
				return strcmp(p, "silent") ? NULL : "position";
		}
		return NULL;
	}
	if (!strcmp(proc, "written")) {
		json_array_foreach(json_object_get(view, "outstanding"), i, e)
			if (json_is_string(e) && !strcmp(json_string_value(e), code))
				return "vote";
	}
	return NULL;
}

struct commented {
	const char *code;
	int found;
};

static int saw_comment(void *ctx, const struct cn_event *ev,
		       struct cn_err *err)
{
	struct commented *c = ctx;
	const char *m = cn_jstr(ev->payload, "member");
	(void)err;

	if (!strcmp(ev->type, "comment.made") && m && !strcmp(m, c->code))
		c->found = 1;
	return 0;
}

/* Whether member `code` commented on proposal id: a comment is on the
 * record and changes no state, so the view does not show it; the
 * proposal's events do (its index: the cost of its events, once per
 * decision). */
static int commented(struct ctx *x, int64_t id, const char *code, int *out,
		     struct cn_err *err)
{
	struct commented c = {code, 0};
	int rc = cn_reader_proposal_events(x->rd, id, saw_comment, &c, err);

	*out = c.found;
	return rc;
}

/* The reminder's body: what its owner may see of the proposal, and what
 * is awaited from it. */
static char *reminder_body(const json_t *view, int64_t id, const char *code,
			   const char *what, int64_t offset)
{
	char word[CN_REMIND_WORD];
	json_t *o;
	char *s;

	cn_remind_word(offset, word);
	o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
		      REMIND_KIND, "proposal", (json_int_t)id, "title",
		      cn_jstr(view, "title"), "body", cn_jstr(view, "body"),
		      "procedure", cn_jstr(view, "procedure"), "deadline",
		      cn_jstr(view, "deadline"), "remind", word, "member", code,
		      "awaited", what);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return s;
}

/* Decide hook k's reminder d about proposal id (view parsed). */
static int decide(struct round *r, const struct reminding *k, int64_t id,
		  const json_t *view, const struct remind_decided *d,
		  struct cn_err *err)
{
	struct queued_reminder q = {.d = *d, .channel = hooks_channel(k->w)};
	struct cn_proposal_sight ps;
	const char *proc = cn_jstr(view, "procedure"), *what;

	hooks_owner(k->w, &r->x->who);
	cn_proposal_sight_of(view, &ps);
	what = r->x->who.role == CN_ROLE_MEMBER && proc &&
			       sight_of(r->x, &ps) != SEE_NONE
		       ? awaited(view, proc, r->x->who.code)
		       : NULL;
	/* Under silence, a comment is a word stated on it too. */
	if (what && !strcmp(what, "position")) {
		int said = 0;
		if (commented(r->x, id, r->x->who.code, &said, err))
			return err->code;
		if (said)
			what = NULL;
	}
	if (what) {
		snprintf(q.ref, sizeof(q.ref), "remind:%lld:%lld:%lld",
			 (long long)id, (long long)d->deadline,
			 (long long)d->offset);
		if (!(q.body = reminder_body(view, id, r->x->who.code, what,
					     d->offset)))
			return cn_err_set(err, CN_ENOMEM, "out of memory");
		q.len = strlen(q.body);
		if (hooks_body(r->x->api, k->w, REMIND_KIND, q.ref, r->x->now,
			       &q.body, &q.len, err)) {
			free(q.body);
			return err->code;
		}
	}
	if (push(r, &q, err)) {
		free(q.body);
		return err->code;
	}
	return 0;
}

static int on_open(void *ctx, int64_t id, const char *doc, size_t len,
		   struct cn_err *err)
{
	struct round *r = ctx;
	const char *dl;
	json_t *view = NULL;
	int64_t deadline;
	int rc = 0;

	r->rows++;
	r->last_id = id;
	if ((rc = cn_proposal_view_parse(id, doc, len, &view, err)))
		return rc;
	dl = cn_jstr(view, "deadline");
	snprintf(r->last, sizeof(r->last), "%s", dl ? dl : "");
	if (!dl || cn_time_parse(dl, "deadline", &deadline, err)) {
		json_decref(view);
		return cn_err_set(err, CN_ECORRUPT, "proposal %lld: its stored "
				  "deadline is not a time", (long long)id);
	}
	for (size_t i = 0; i < r->nhooks && !rc; i++) {
		struct remind_decided d = {deadline, id, r->hooks[i].w->id, 0};

		if (!cn_remind_due(&r->hooks[i].r, deadline, r->x->now, &d.offset))
			continue;
		if (!remind_memo_has(r->memo, &d))
			rc = decide(r, &r->hooks[i], id, view, &d, err);
	}
	json_decref(view);
	return rc;
}

static int queue_store(struct cn_store *st, int64_t now, void *args,
		       struct cn_err *err)
{
	struct round *r = args;
	int rc;

	for (size_t i = 0; i < r->nq; i++) {
		struct queued_reminder *q = &r->q[i];
		struct cn_notice it = {
			.channel = q->channel, .kind = REMIND_KIND,
			.ref = q->ref, .target = q->d.hook, .body = q->body,
			.len = q->len,
			.created = now, .next_at = now,
		};
		if (q->body && (rc = cn_store_notice_add(st, &it, NULL, err)))
			return rc;
	}
	return 0;
}

static int any_body(const struct round *r)
{
	for (size_t i = 0; i < r->nq; i++)
		if (r->q[i].body)
			return 1;
	return 0;
}

int remind_round(struct hooks *h, struct remind_memo **memo, struct ctx *x,
		 struct cn_store *st, const struct cn_webhook *v, size_t n,
		 struct cn_err *err)
{
	struct round r = {.x = x};
	char upto[32];
	int64_t most = 0;
	int rc = 0;

	if (!writer_leads(x->api->writer))
		return 0;
	if (!*memo && !(*memo = calloc(1, sizeof(**memo))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	r.memo = *memo;
	/* Offsets and deadlines are whole seconds: one look a second is
	 * enough, however many commits wake the thread within it. */
	if (r.memo->looked == x->now)
		return 0;
	remind_memo_forget(r.memo, x->now);
	if (!(r.hooks = calloc(n + 1, sizeof(*r.hooks))))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct reminding *k = &r.hooks[r.nhooks];
		struct cn_err ignored = {0};
		/* Only a delegation owes an answer; a stored offset that is
		 * not one (not written by this server) reminds of nothing. */
		if (!v[i].remind[0] || strcmp(v[i].role, "member") ||
		    !hooks_fillable(x->api, &v[i]) ||
		    cn_remind_decode(v[i].remind, &k->r, &ignored))
			continue;
		k->w = &v[i];
		most = k->r.at[0] > most ? k->r.at[0] : most;
		r.nhooks++;
	}
	if (!r.nhooks)
		goto out;
	cn_time_format(x->now, r.last);
	cn_time_format(x->now + most, upto);
	do {
		char after[32];
		snprintf(after, sizeof(after), "%s", r.last);
		r.rows = 0;
		rc = cn_store_deadline_page(st, after, r.last_id, upto,
					    REMIND_PAGE, on_open, &r, err);
	} while (!rc && r.rows == REMIND_PAGE);
	if (!rc && any_body(&r))
		rc = hooks_run_job(h, queue_store, &r, err);
	/* Remembered once durable: a failed round decides again. */
	for (size_t i = 0; !rc && i < r.nq; i++)
		rc = remind_memo_add(r.memo, &r.q[i].d, err);
	if (!rc)
		r.memo->looked = x->now;
out:
	for (size_t i = 0; i < r.nq; i++)
		free(r.q[i].body);
	free(r.q);
	free(r.hooks);
	return rc;
}
