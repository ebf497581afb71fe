/*
 * api.c - the /api/v1 routes: parsing, access control, and the bridge to
 * the reader (queries) and the writer (commands).  See server.h.
 */
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../app/export.h"
#include "../app/projection.h"
#include "../app/views.h"
#include "../core/merkle.h"
#include "../core/timeutil.h"
#include "api.h"
#include "auth.h"
#include "http.h"
#include "writer.h"

#define MAX_JSON_DEPTH 16
#define LOG_PAGE_MAX 1000

#define CACHE_SLOTS 64

/* One read-only connection per HTTP thread, with caches that live until
 * any other connection commits (SQLite's data_version moves): the
 * registry (rebuilt only when its own version moves), resolved tokens,
 * and rendered proposals. */
struct reader {
	struct cn_store *st;
	struct cn_world reg;
	int64_t version;        /* registry version of reg */
	int64_t tokens_version; /* of the tokens cache */
	int64_t dver;           /* data_version the caches below belong to */
	int loaded;
	struct {
		uint8_t hash[CN_HASH_LEN];
		struct cn_principal who;
	} tokens[CACHE_SLOTS];
	int ntokens;
	struct doc_slot {
		int64_t id;
		char *text;        /* the stored view, full */
		size_t len;
		char *redacted;    /* the view without deliberations, lazily */
		size_t rlen;
		char body[16];
		int shared, status_concluded, adopted;
	} docs[CACHE_SLOTS];
	int ndocs;
};

static void reader_clear(struct reader *rd)
{
	for (int i = 0; i < rd->ndocs; i++) {
		free(rd->docs[i].text);
		free(rd->docs[i].redacted);
	}
	rd->ndocs = 0;
}

struct cn_api {
	char db[512];
	char web[512];      /* directory of the web page, "" for none */
	struct writer *writer;
	pthread_key_t reader_key;
};

struct ctx {
	struct cn_api *api;
	struct reader *rd;
	const struct http_request *req;
	struct http_response *res;
	struct cn_principal who;
	int64_t id;     /* {id} in the path */
	int64_t now;
};

/* ---- responses ---------------------------------------------------------- */

static void reply_json(struct ctx *x, int status, json_t *v)
{
	x->res->status = status;
	x->res->content_type = "application/json";
	x->res->body = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	x->res->len = x->res->body ? strlen(x->res->body) : 0;
	json_decref(v);
}

static void reply_error(struct ctx *x, int status, const char *code,
			const char *fmt, ...) CN_PRINTF(4, 5);
static void reply_error(struct ctx *x, int status, const char *code,
			const char *fmt, ...)
{
	char msg[CN_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply_json(x, status, json_pack("{s:{s:s, s:s}}", "error", "code", code,
					"message", msg));
}

/* Map an engine error to HTTP. */
static void reply_err(struct ctx *x, const struct cn_err *e)
{
	switch (e->code) {
	case CN_EINVAL: reply_error(x, 400, "invalid", "%s", e->msg); return;
	case CN_ENOTFOUND: reply_error(x, 404, "not-found", "%s", e->msg); return;
	case CN_EREFUSED: reply_error(x, 409, "refused", "%s", e->msg); return;
	case CN_ECONCLUDED: reply_error(x, 409, "concluded", "%s", e->msg); return;
	case CN_EIO:
		/* The store cannot be written (or the server is stopping): try
		 * again later. */
		reply_error(x, 503, "unavailable", "%s", e->msg);
		return;
	default: reply_error(x, 500, "internal", "%s", e->msg); return;
	}
}

static void not_found(struct ctx *x)
{
	reply_error(x, 404, "not-found", "no such resource");
}

/* ---- the reader ---------------------------------------------------------- */

static void reader_free(void *p)
{
	struct reader *rd = p;
	if (!rd)
		return;
	reader_clear(rd);
	rd->ntokens = 0;
	cn_world_release(&rd->reg);
	cn_store_close(rd->st);
	free(rd);
}

static struct reader *reader_get(struct cn_api *api, struct cn_err *err)
{
	struct reader *rd = pthread_getspecific(api->reader_key);
	int64_t v;

	if (!rd) {
		if (!(rd = calloc(1, sizeof(*rd)))) {
			cn_err_set(err, CN_ENOMEM, "out of memory");
			return NULL;
		}
		if (cn_store_open(api->db, CN_STORE_READONLY, &rd->st, err)) {
			free(rd);
			return NULL;
		}
		cn_world_init(&rd->reg);
		pthread_setspecific(api->reader_key, rd);
	}
	if (cn_store_data_version(rd->st, &v, err))
		return NULL;
	if (rd->loaded && v == rd->dver)
		return rd; /* nothing committed since: every cache holds */
	reader_clear(rd);
	rd->dver = v;
	int64_t tv;
	if (cn_store_registry_version(rd->st, &v, &tv, err))
		return NULL;
	/* Resolved tokens hold until a token is issued or revoked: a
	 * position written by someone else does not make them stale. */
	if (tv != rd->tokens_version) {
		rd->ntokens = 0;
		rd->tokens_version = tv;
	}
	if (!rd->loaded || v != rd->version) {
		cn_world_release(&rd->reg);
		cn_world_init(&rd->reg);
		if (cn_projection_registry(rd->st, &rd->reg, err)) {
			rd->loaded = 0;
			return NULL;
		}
		rd->version = v;
		rd->loaded = 1;
	}
	return rd;
}

/* ---- access ---------------------------------------------------------------- */

enum sight { SEE_NONE, SEE_REDACTED, SEE_FULL };

/* Who sees what, from the few fields of a proposal that decide it. */
static enum sight sight_meta(const struct ctx *x, const char *body, int shared,
			     int adopted)
{
	const struct cn_body *b;

	switch (x->who.role) {
	case CN_ROLE_SECRETARIAT:
		return SEE_FULL;
	case CN_ROLE_MEMBER:
		b = body ? cn_world_body(&x->rd->reg, body) : NULL;
		return b && cn_body_has(&x->rd->reg, b, x->who.code, x->now)
			       ? SEE_FULL : SEE_NONE;
	case CN_ROLE_PARTNER:
		/* What is shared with partners, and what the public sees. */
		return shared || adopted ? SEE_REDACTED : SEE_NONE;
	case CN_ROLE_PUBLIC:
		return adopted ? SEE_REDACTED : SEE_NONE;
	}
	return SEE_NONE;
}

static int doc_adopted(const json_t *doc)
{
	const char *status = json_string_value(json_object_get(doc, "status"));
	const char *outcome = json_string_value(json_object_get(doc, "outcome"));
	return status && !strcmp(status, "concluded") && outcome &&
	       !strcmp(outcome, "adopted");
}

static enum sight sight_of(const struct ctx *x, const json_t *doc)
{
	return sight_meta(x, json_string_value(json_object_get(doc, "body")),
			  json_is_true(json_object_get(doc, "shared")),
			  doc_adopted(doc));
}

/* Deliberations stay with the members: drop positions and whatever names
 * a member's stance.  An open proposal also loses its running verdict. */
static void redact(json_t *doc)
{
	static const char *const drop[] = {"positions", "outstanding", "holding",
					   "verdict", NULL};
	for (int i = 0; drop[i]; i++)
		json_object_del(doc, drop[i]);
	const char *status = json_string_value(json_object_get(doc, "status"));
	if (!status || strcmp(status, "concluded")) {
		json_object_del(doc, "explanation");
		json_object_del(doc, "blocked_by");
	}
}

/* Whether the principal may see proposal x->id (for writes, which need
 * only that); replies 404 and returns -1 when not. */
static int check_visible(struct ctx *x)
{
	struct cn_err err = {0};
	char body[16];
	int shared, adopted;

	if (cn_store_proposal_meta(x->rd->st, x->id, body, &shared, &adopted,
				   &err)) {
		if (err.code == CN_ENOTFOUND)
			not_found(x);
		else
			reply_err(x, &err);
		return -1;
	}
	if (sight_meta(x, body, shared, adopted) == SEE_NONE) {
		not_found(x);
		return -1;
	}
	return 0;
}

/* ---- request bodies ------------------------------------------------------------ */

static int depth_of(const json_t *v)
{
	const char *k;
	const json_t *c;
	size_t i;
	int d = 0, m;

	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, c)
			if ((m = depth_of(c)) > d)
				d = m;
		return d + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, c)
			if ((m = depth_of(c)) > d)
				d = m;
		return d + 1;
	}
	return 0;
}

/* Parse the body as a JSON object; NULL after replying 400. */
static json_t *body_object(struct ctx *x)
{
	json_error_t je;
	json_t *v;

	if (!x->req->body || x->req->body_len == 0) {
		reply_error(x, 400, "invalid", "a JSON object body is required");
		return NULL;
	}
	/* jansson's own limit is 2048 levels; the recursion in depth_of
	 * stays far below any stack limit at that depth. */
	v = json_loadb(x->req->body, x->req->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		reply_error(x, 400, "malformed-json", "line %d, column %d: %s",
			    je.line, je.column, je.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		reply_error(x, 400, "invalid", "the body must be a JSON object");
		return NULL;
	}
	if (depth_of(v) > MAX_JSON_DEPTH) {
		json_decref(v);
		reply_error(x, 400, "invalid", "JSON nested deeper than %d levels",
			    MAX_JSON_DEPTH);
		return NULL;
	}
	return v;
}

/* Optional string field; replies 400 and returns -1 on a wrong type. */
static int field_str(struct ctx *x, const json_t *o, const char *name,
		     int required, const char **out)
{
	const json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			reply_error(x, 400, "invalid", "field '%s' is required", name);
			return -1;
		}
		return 0;
	}
	if (!json_is_string(v)) {
		reply_error(x, 400, "invalid", "field '%s' must be a string", name);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

static int field_bool(struct ctx *x, const json_t *o, const char *name, int *out)
{
	const json_t *v = json_object_get(o, name);
	*out = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		reply_error(x, 400, "invalid", "field '%s' must be true or false", name);
		return -1;
	}
	*out = json_is_true(v);
	return 0;
}

/* Refuse unknown fields: a typo must not be silently ignored. */
static int known_fields(struct ctx *x, const json_t *o, const char *const *names)
{
	const char *k;
	const json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		int ok = 0;
		for (int i = 0; names[i]; i++)
			ok |= !strcmp(k, names[i]);
		if (!ok) {
			reply_error(x, 400, "invalid", "unknown field '%s'", k);
			return -1;
		}
	}
	return 0;
}

/* ---- query arguments ----------------------------------------------------------- */

static int arg_at(struct ctx *x, int64_t *at)
{
	const char *s = x->req->arg(x->req, "at");
	struct cn_err err = {0};
	*at = x->now;
	if (s && cn_time_parse(s, "at", at, &err)) {
		reply_error(x, 400, "invalid", "%s", err.msg);
		return -1;
	}
	return 0;
}

static int arg_flag(struct ctx *x, const char *name)
{
	const char *s = x->req->arg(x->req, name);
	return s && (!strcmp(s, "") || !strcmp(s, "1") || !strcmp(s, "true"));
}

static int arg_int(struct ctx *x, const char *name, int64_t dflt, int64_t min,
		   int64_t max, int64_t *out)
{
	const char *s = x->req->arg(x->req, name);
	char *end;
	*out = dflt;
	if (!s)
		return 0;
	long long v = strtoll(s, &end, 10);
	if (*s == '\0' || *end || v < min || v > max) {
		reply_error(x, 400, "invalid",
			    "query argument '%s' must be an integer in %lld..%lld",
			    name, (long long)min, (long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

/* ---- handlers: registry ------------------------------------------------------- */

static void reply_view(struct ctx *x, json_t *v, struct cn_err *err)
{
	if (!v)
		reply_err(x, err);
	else
		reply_json(x, 200, v);
}

static void h_health(struct ctx *x)
{
	reply_json(x, 200, json_pack("{s:b}", "ok", 1));
}

static void h_whoami(struct ctx *x)
{
	reply_json(x, 200, json_pack("{s:s, s:s?}", "role", cn_role_name(x->who.role),
				     "code", x->who.code[0] ? x->who.code : NULL));
}

static void h_members(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t at;
	if (arg_at(x, &at))
		return;
	reply_view(x, cn_view_members(&x->rd->reg, x->req->arg(x->req, "body"), at,
				      arg_flag(x, "all"), &err), &err);
}

static void h_bodies(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t at;
	if (arg_at(x, &at))
		return;
	reply_view(x, cn_view_bodies(&x->rd->reg, at, &err), &err);
}

static void h_partners(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t at;
	if (arg_at(x, &at))
		return;
	reply_view(x, cn_view_partners(&x->rd->reg,
				       x->req->arg(x->req, "framework"), at, &err),
		   &err);
}

static void h_offices(struct ctx *x)
{
	struct cn_err err = {0};
	int64_t at;
	if (arg_at(x, &at))
		return;
	reply_view(x, cn_view_offices(&x->rd->reg, at, arg_flag(x, "all"), &err),
		   &err);
}

/* ---- handlers: proposals -------------------------------------------------------- */

static void h_proposals(struct ctx *x)
{
	const char *body = x->req->arg(x->req, "body");
	const char *status = x->req->arg(x->req, "status");
	struct cn_err err = {0};
	json_t *all, *out, *doc;
	size_t i;

	static const char *const statuses[] = {"open", "concluded", "adopted",
					       "blocked", "failed", "withdrawn",
					       NULL};
	if (status) {
		int ok = 0;
		for (int k = 0; statuses[k]; k++)
			ok |= !strcmp(statuses[k], status);
		if (!ok) {
			reply_error(x, 400, "invalid",
				    "query argument 'status' must be one of open, "
				    "concluded, adopted, blocked, failed, withdrawn");
			return;
		}
	}
	if (cn_store_proposal_docs(x->rd->st, &all, &err)) {
		reply_err(x, &err);
		return;
	}
	out = json_array();
	json_array_foreach(all, i, doc) {
		const char *st = json_string_value(json_object_get(doc, "status"));
		const char *oc = json_string_value(json_object_get(doc, "outcome"));
		enum sight s = sight_of(x, doc);
		if (s == SEE_NONE)
			continue;
		if (body && strcasecmp(body, json_string_value(json_object_get(doc, "body"))))
			continue;
		if (status && !(!strcmp(status, st) || (oc && !strcmp(status, oc))))
			continue;
		if (s == SEE_REDACTED)
			redact(doc);
		json_array_append(out, doc);
	}
	json_decref(all);
	reply_json(x, 200, json_pack("{s:I, s:o}", "count",
				     (json_int_t)json_array_size(out), "proposals", out));
}

/* The cached view of proposal x->id, loading it on a miss; NULL after
 * replying (404 when there is no such proposal). */
static struct doc_slot *doc_slot(struct ctx *x)
{
	struct reader *rd = x->rd;
	struct cn_err err = {0};
	struct doc_slot *d;
	json_error_t je;
	json_t *doc;
	char *text;
	size_t len;

	for (int i = 0; i < rd->ndocs; i++)
		if (rd->docs[i].id == x->id)
			return &rd->docs[i];
	if (cn_store_proposal_text(rd->st, x->id, &text, &len, &err)) {
		if (err.code == CN_ENOTFOUND)
			not_found(x);
		else
			reply_err(x, &err);
		return NULL;
	}
	if (!(doc = json_loadb(text, len, 0, &je))) {
		free(text);
		reply_error(x, 500, "internal", "stored proposal: %s", je.text);
		return NULL;
	}
	if (rd->ndocs == CACHE_SLOTS) {
		/* Full: start again rather than track ages; a burst over 64
		 * proposals between two commits is rare. */
		for (int i = 0; i < rd->ndocs; i++) {
			free(rd->docs[i].text);
			free(rd->docs[i].redacted);
		}
		rd->ndocs = 0;
	}
	d = &rd->docs[rd->ndocs++];
	memset(d, 0, sizeof(*d));
	d->id = x->id;
	d->text = text;
	d->len = len;
	snprintf(d->body, sizeof(d->body), "%s",
		 json_string_value(json_object_get(doc, "body")) ? json_string_value(json_object_get(doc, "body")) : "");
	d->shared = json_is_true(json_object_get(doc, "shared"));
	d->adopted = doc_adopted(doc);
	json_decref(doc);
	return d;
}

static void reply_bytes(struct ctx *x, const char *bytes, size_t len)
{
	x->res->status = 200;
	x->res->content_type = "application/json";
	if ((x->res->body = malloc(len + 1))) {
		memcpy(x->res->body, bytes, len);
		x->res->len = len;
	}
}

static void h_proposal(struct ctx *x)
{
	struct doc_slot *d = doc_slot(x);
	enum sight s;

	if (!d)
		return;
	s = sight_meta(x, d->body, d->shared, d->adopted);
	if (s == SEE_NONE) {
		not_found(x);
		return;
	}
	if (s == SEE_FULL) {
		reply_bytes(x, d->text, d->len);
		return;
	}
	if (!d->redacted) {
		json_t *doc = json_loadb(d->text, d->len, 0, NULL);
		if (doc) {
			redact(doc);
			d->redacted = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
			d->rlen = d->redacted ? strlen(d->redacted) : 0;
			json_decref(doc);
		}
		if (!d->redacted) {
			reply_error(x, 500, "internal", "out of memory");
			return;
		}
	}
	reply_bytes(x, d->redacted, d->rlen);
}

/* A write on its way through the writer.  It owns everything the
 * command's arguments point into, since the handler returns before the
 * command runs. */
struct key_args {
	const char *member, *vkey;
};

struct pending {
	struct writer_job job;
	union {
		struct key_args key;
		struct cn_propose_args propose;
		struct cn_respond_args respond;
		struct cn_app_secretariat_args sec;
	} a;
	json_t *body;             /* the parsed request; args point into it */
	char actor[32];
	char member[CN_CODE_MAX];
	int created;
	struct http_deferred *d;
};

static struct pending *pending_new(struct ctx *x, json_t *body)
{
	struct pending *p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(body);
		reply_error(x, 500, "internal", "out of memory");
		return NULL;
	}
	p->body = body;
	return p;
}

static void reply_bytes(struct ctx *x, const char *bytes, size_t len);

static void pending_reply(struct pending *p, struct ctx *x)
{
	if (p->job.rc)
		reply_err(x, &p->job.err);
	else if (!p->job.result)
		reply_error(x, 500, "internal", "no result");
	else {
		reply_bytes(x, p->job.result, p->job.result_len);
		x->res->status = p->created ? 201 : 200;
	}
	free(p->job.result);
	json_decref(p->body);
	free(p);
}

/* Called by the writer once the job is durable or refused. */
static void pending_done(struct writer_job *job, void *vp)
{
	struct pending *p = vp;
	struct http_response res = {0};
	struct ctx x = {.res = &res};
	struct http_deferred *d = p->d;
	(void)job;

	pending_reply(p, &x);
	http_complete(d, &res);
}

/* Queue the command and answer when it is durable.  The HTTP thread does
 * not wait: the connection is suspended until the writer calls back. */
static void submit(struct ctx *x, struct pending *p, cn_command_fn fn,
		   const char *actor, int64_t proposal, int created)
{
	p->job.fn = fn;
	p->job.args = &p->a;
	snprintf(p->actor, sizeof(p->actor), "%s", actor);
	p->job.actor = p->actor;
	p->job.proposal = proposal;
	p->created = created;
	if ((p->d = x->req->defer(x->req)) != NULL) {
		writer_submit_async(x->api->writer, &p->job, pending_done, p);
		return;
	}
	writer_submit(x->api->writer, &p->job);
	pending_reply(p, x);
}

static int need_secretariat(struct ctx *x)
{
	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", "this action needs a token");
		return -1;
	}
	if (x->who.role != CN_ROLE_SECRETARIAT) {
		reply_error(x, 403, "forbidden",
			    "only the secretariat may do this");
		return -1;
	}
	return 0;
}

static void h_propose(struct ctx *x)
{
	static const char *const fields[] = {"body", "title", "text", "procedure",
					     "deadline", "level", "place",
					     "shared", "effects", NULL};
	struct cn_propose_args a = {0};
	struct pending *p;
	const json_t *eff;
	json_t *o;

	if (need_secretariat(x) || !(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "body", 1, &a.body) ||
	    field_str(x, o, "title", 1, &a.title) ||
	    field_str(x, o, "text", 0, &a.text) ||
	    field_str(x, o, "procedure", 0, &a.procedure) ||
	    field_str(x, o, "deadline", 0, &a.deadline) ||
	    field_str(x, o, "level", 0, &a.level) ||
	    field_str(x, o, "place", 0, &a.place) ||
	    field_bool(x, o, "shared", &a.shared)) {
		json_decref(o);
		return;
	}
	eff = json_object_get(o, "effects");
	if (eff && !json_is_null(eff) && !json_is_array(eff)) {
		reply_error(x, 400, "invalid", "field 'effects' must be a list");
		json_decref(o);
		return;
	}
	a.effects = json_is_array(eff) ? eff : NULL;
	if (!(p = pending_new(x, o)))
		return;
	p->a.propose = a;
	submit(x, p, cn_app_cmd_propose, "secretariat", 0, 1);
}

static void h_position(struct ctx *x)
{
	static const char *const fields[] = {"member", "position", "text",
					     "reason", "declared", "signature",
					     NULL};
	struct cn_respond_args r = {0};
	const char *pos, *member, *reason;
	char actor[32];
	json_t *o;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", "stating a position needs a "
			    "delegation's token");
		return;
	}
	if (check_visible(x))
		return;
	if (x->who.role != CN_ROLE_MEMBER) {
		reply_error(x, 403, "forbidden",
			    "only a member delegation states positions");
		return;
	}
	if (!(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "member", 0, &member) ||
	    field_str(x, o, "position", 1, &pos) ||
	    field_str(x, o, "text", 0, &r.text) ||
	    field_str(x, o, "reason", 0, &reason) ||
	    field_str(x, o, "signature", 0, &r.signature) ||
	    field_bool(x, o, "declared", &r.declared)) {
		json_decref(o);
		return;
	}
	if (member && strcmp(member, x->who.code)) {
		reply_error(x, 403, "forbidden",
			    "the delegation of %s may state positions for %s only",
			    x->who.code, x->who.code);
		json_decref(o);
		return;
	}
	if (!r.text)
		r.text = reason;
	r.proposal = x->id;
	if (!strcmp(pos, "lift"))
		r.act = CN_ACT_LIFT;
	else if (!strcmp(pos, "comment"))
		r.act = CN_ACT_COMMENT;
	else if (cn_pos_parse(pos, &r.pos) || r.pos == CN_POS_NONE) {
		reply_error(x, 400, "invalid",
			    "field 'position' must be one of concur, object, "
			    "abstain, reserve, footnote, lift, comment");
		json_decref(o);
		return;
	}
	snprintf(actor, sizeof(actor), "delegation:%s", x->who.code);
	struct pending *p = pending_new(x, o);
	if (!p)
		return;
	snprintf(p->member, sizeof(p->member), "%s", x->who.code);
	r.member = p->member;
	p->a.respond = r;
	p->job.want_receipt = 1;
	submit(x, p, cn_app_cmd_respond, actor, x->id, 0);
}

static void secretariat_action(struct ctx *x, cn_command_fn fn)
{
	static const char *const fields[] = {"text", "deadline", "reason", NULL};
	struct cn_app_secretariat_args a = {.proposal = x->id};
	json_t *o = NULL;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", "this action needs a token");
		return;
	}
	if (check_visible(x))
		return;
	if (need_secretariat(x))
		return;
	if (x->req->body_len) {
		if (!(o = body_object(x)))
			return;
		if (known_fields(x, o, fields) || field_str(x, o, "text", 0, &a.text) ||
		    field_str(x, o, "deadline", 0, &a.deadline) ||
		    field_str(x, o, "reason", 0, &a.reason)) {
			json_decref(o);
			return;
		}
	}
	struct pending *p = pending_new(x, o);
	if (!p)
		return;
	p->a.sec = a;
	submit(x, p, fn, "secretariat", x->id, 0);
}

static void h_extend(struct ctx *x) { secretariat_action(x, cn_app_cmd_extend); }
static void h_recirculate(struct ctx *x) { secretariat_action(x, cn_app_cmd_recirculate); }
static void h_conclude(struct ctx *x) { secretariat_action(x, cn_app_cmd_conclude); }
static void h_withdraw(struct ctx *x) { secretariat_action(x, cn_app_cmd_withdraw); }

/* ---- the log ---------------------------------------------------------------------- */

struct log_page {
	struct ctx *x;
	json_t *events;
	json_t *sights; /* proposal id -> 0/1/2, cached for the page */
	int64_t limit, next; /* next: first event not returned, 0 at the end */
};

#define STOP_PAGE 1

static int log_event(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	struct log_page *pg = ctx;
	const char *kind;
	char key[64], t[CN_TIME_BUF];

	if ((int64_t)json_array_size(pg->events) >= pg->limit) {
		pg->next = ev->seq;
		return STOP_PAGE;
	}
	if (cn_event_entity(ev, &kind, key) == 0 && !strcmp(kind, "proposal") &&
	    pg->x->who.role != CN_ROLE_SECRETARIAT) {
		json_t *c = json_object_get(pg->sights, key);
		enum sight s;
		if (c)
			s = (enum sight)json_integer_value(c);
		else {
			json_t *doc;
			struct cn_err e2;
			s = SEE_NONE;
			if (cn_store_proposal_doc(pg->x->rd->st, atoll(key), &doc, &e2) == 0) {
				s = sight_of(pg->x, doc);
				json_decref(doc);
			}
			json_object_set_new(pg->sights, key, json_integer(s));
		}
		if (s == SEE_NONE)
			return 0;
		/* Without sight of the deliberations, only the opening and
		 * the conclusion are on a principal's record. */
		if (s == SEE_REDACTED &&
		    !(ev->et && (ev->et->flags & CN_EVT_PUBLIC_RECORD)))
			return 0;
	}
	json_t *e = json_pack("{s:I, s:s, s:s, s:s, s:O, s:s}", "seq",
			      (json_int_t)ev->seq, "time", cn_time_format(ev->time, t),
			      "actor", ev->actor, "type", ev->type, "payload",
			      ev->payload, "hash", "");
	char hex[CN_HEX_LEN];
	cn_hex(ev->hash, CN_HASH_LEN, hex);
	json_object_set_new(e, "hash", json_string(hex));
	json_object_set_new(e, "bytes", json_stringn(ev->bytes, ev->len));
	cn_hex(ev->prev, CN_HASH_LEN, hex);
	json_object_set_new(e, "prev", json_string(hex));
	if (!e || json_array_append_new(pg->events, e))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

static void h_log(struct ctx *x)
{
	struct log_page pg = {x, json_array(), json_object(), 0, 0};
	struct cn_err err = {0};
	int64_t from;
	int rc;

	if (arg_int(x, "from", 1, 1, INT64_MAX / 2, &from) ||
	    arg_int(x, "limit", 100, 1, LOG_PAGE_MAX, &pg.limit)) {
		json_decref(pg.events);
		json_decref(pg.sights);
		return;
	}
	rc = cn_store_scan(x->rd->st, from, log_event, &pg, &err);
	json_decref(pg.sights);
	if (rc && rc != STOP_PAGE) {
		json_decref(pg.events);
		reply_err(x, &err);
		return;
	}
	json_t *out = json_pack("{s:o}", "events", pg.events);
	if (rc == STOP_PAGE)
		json_object_set_new(out, "next", json_integer(pg.next));
	else
		json_object_set_new(out, "next", json_null());
	reply_json(x, 200, out);
}

/* POST /api/v1/keys {"vkey"}: a delegation registers (or rotates) the key
 * it signs its positions with. */

static int register_key_fn(const struct cn_world *w, int64_t now,
			   const void *a, struct cn_outbox *box,
			   struct cn_err *err)
{
	const struct key_args *k = a;
	return cn_cmd_register_key(w, now, k->member, k->vkey, box, err);
}

static void key_done(struct writer_job *job, void *ctx)
{
	struct pending *p = ctx;
	struct http_response res = {0};
	struct ctx x = {.res = &res};
	struct http_deferred *d = p->d;
	(void)job;
	if (p->job.rc)
		reply_err(&x, &p->job.err);
	else
		reply_json(&x, 201, json_pack("{s:s, s:s}", "member", p->member,
					      "vkey", json_string_value(json_object_get(p->body, "vkey"))));
	free(p->job.result);
	json_decref(p->body);
	free(p);
	http_complete(d, &res);
}

static void h_keys(struct ctx *x)
{
	static const char *const fields[] = {"vkey", NULL};
	const char *vkey;
	struct pending *p;
	json_t *o;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", "registering a key needs a "
			    "delegation's token");
		return;
	}
	if (x->who.role != CN_ROLE_MEMBER) {
		reply_error(x, 403, "forbidden", "only a member delegation registers "
			    "its signing key");
		return;
	}
	if (!(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "vkey", 1, &vkey)) {
		json_decref(o);
		return;
	}
	if (!(p = pending_new(x, o)))
		return;
	snprintf(p->member, sizeof(p->member), "%s", x->who.code);
	struct key_args *ka = &p->a.key;
	ka->member = p->member;
	ka->vkey = vkey;
	p->job.fn = register_key_fn;
	p->job.args = ka;
	snprintf(p->actor, sizeof(p->actor), "delegation:%s", x->who.code);
	p->job.actor = p->actor;
	p->job.proposal = -1;
	if ((p->d = x->req->defer(x->req)) != NULL) {
		writer_submit_async(x->api->writer, &p->job, key_done, p);
		return;
	}
	writer_submit(x->api->writer, &p->job);
	if (p->job.rc)
		reply_err(x, &p->job.err);
	else
		reply_json(x, 201, json_pack("{s:s, s:s}", "member", p->member,
					     "vkey", vkey));
	free(p->job.result);
	json_decref(p->body);
	free(p);
}

/* ---- the verifiable record ------------------------------------------------ */

static void h_log_key(struct ctx *x)
{
	struct cn_err err = {0};
	char *vkey = NULL;
	if (cn_store_get_meta(x->rd->st, "log_vkey", &vkey, &err)) {
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:s}", "vkey", vkey));
	free(vkey);
}

static void h_log_checkpoint(struct ctx *x)
{
	struct cn_err err = {0};
	char *note = NULL, b64[CN_MERKLE_B64_LEN];
	uint8_t root[32];
	uint64_t size;
	if (cn_store_checkpoint_latest(x->rd->st, &note, &size, root, &err)) {
		reply_err(x, &err);
		return;
	}
	cn_merkle_hash_b64(root, b64);
	reply_json(x, 200, json_pack("{s:I, s:s, s:s}", "size", (json_int_t)size,
				     "root", b64, "note", note));
	free(note);
}

static int tree_args(struct ctx *x, const char *a, const char *b, int64_t *va,
		     int64_t *vb, uint64_t *size)
{
	struct cn_err err = {0};
	if (cn_store_tree_size(x->rd->st, size, &err)) {
		reply_err(x, &err);
		return -1;
	}
	if (arg_int(x, a, -1, 0, INT64_MAX / 2, va) ||
	    arg_int(x, b, (int64_t)*size, 1, INT64_MAX / 2, vb))
		return -1;
	if (*va < 0) {
		reply_error(x, 400, "invalid", "query argument '%s' is required", a);
		return -1;
	}
	if ((uint64_t)*vb > *size) {
		reply_error(x, 400, "invalid", "'%s' is beyond the log's %llu events",
			    b, (unsigned long long)*size);
		return -1;
	}
	return 0;
}

static void h_proof_inclusion(struct ctx *x)
{
	struct cn_merkle_proof proof;
	struct cn_err err = {0};
	int64_t index, size;
	uint64_t n;

	if (tree_args(x, "index", "size", &index, &size, &n))
		return;
	if (index >= size) {
		reply_error(x, 400, "invalid", "'index' must be below 'size'");
		return;
	}
	if (cn_store_inclusion(x->rd->st, (uint64_t)index, (uint64_t)size, &proof,
			       &err)) {
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:I, s:I, s:o}", "index", (json_int_t)index,
				     "size", (json_int_t)size, "proof",
				     cn_proof_json(&proof)));
}

static void h_proof_consistency(struct ctx *x)
{
	struct cn_merkle_proof proof;
	struct cn_err err = {0};
	int64_t from, to;
	uint64_t n;

	if (tree_args(x, "from", "to", &from, &to, &n))
		return;
	if (from < 1 || from > to) {
		reply_error(x, 400, "invalid", "need 1 <= 'from' <= 'to'");
		return;
	}
	if (cn_store_consistency(x->rd->st, (uint64_t)from, (uint64_t)to, &proof,
				 &err)) {
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:I, s:I, s:o}", "from", (json_int_t)from,
				     "to", (json_int_t)to, "proof",
				     cn_proof_json(&proof)));
}

/* ---- routing ------------------------------------------------------------------------ */

const struct cn_route cn_routes[] = {
	{"GET", "/healthz", h_health},
	{"GET", "/api/v1/whoami", h_whoami},
	{"GET", "/api/v1/members", h_members},
	{"GET", "/api/v1/bodies", h_bodies},
	{"GET", "/api/v1/partners", h_partners},
	{"GET", "/api/v1/offices", h_offices},
	{"GET", "/api/v1/proposals", h_proposals},
	{"POST", "/api/v1/proposals", h_propose},
	{"GET", "/api/v1/proposals/{id}", h_proposal},
	{"POST", "/api/v1/proposals/{id}/positions", h_position},
	{"POST", "/api/v1/proposals/{id}/extend", h_extend},
	{"POST", "/api/v1/proposals/{id}/recirculate", h_recirculate},
	{"POST", "/api/v1/proposals/{id}/conclude", h_conclude},
	{"POST", "/api/v1/proposals/{id}/withdraw", h_withdraw},
	{"GET", "/api/v1/log", h_log},
	{"POST", "/api/v1/keys", h_keys},
	{"GET", "/api/v1/log/key", h_log_key},
	{"GET", "/api/v1/log/checkpoint", h_log_checkpoint},
	{"GET", "/api/v1/log/proof/inclusion", h_proof_inclusion},
	{"GET", "/api/v1/log/proof/consistency", h_proof_consistency},
	{NULL, NULL, NULL},
};

/* Match path against pattern; {id} takes a positive integer. */
static int match(const char *pattern, const char *path, int64_t *id)
{
	while (*pattern && *path) {
		if (!strncmp(pattern, "{id}", 4)) {
			char *end;
			if (*path < '1' || *path > '9')
				return 0;
			long long v = strtoll(path, &end, 10);
			if (v <= 0 || (*end && *end != '/'))
				return 0;
			*id = v;
			path = end;
			pattern += 4;
			continue;
		}
		if (*pattern++ != *path++)
			return 0;
	}
	return *pattern == '\0' && *path == '\0';
}

/* The principal of an Authorization header, through the reader's cache
 * (cleared whenever anything is committed, revocations included). */
static int resolve(struct reader *rd, const char *authorization,
		   struct cn_principal *who, struct cn_err *err)
{
	uint8_t hash[CN_HASH_LEN];
	int rc;

	if (!authorization || !*authorization) {
		memset(who, 0, sizeof(*who));
		who->role = CN_ROLE_PUBLIC;
		return 0;
	}
	cn_sha256(authorization, strlen(authorization), hash);
	for (int i = 0; i < rd->ntokens; i++)
		if (!memcmp(rd->tokens[i].hash, hash, CN_HASH_LEN)) {
			*who = rd->tokens[i].who;
			return 0;
		}
	if ((rc = cn_auth_resolve(rd->st, authorization, who, err)))
		return rc;
	if (rd->ntokens < CACHE_SLOTS) {
		memcpy(rd->tokens[rd->ntokens].hash, hash, CN_HASH_LEN);
		rd->tokens[rd->ntokens++].who = *who;
	}
	return 0;
}

/* ---- the web page: static files ------------------------------------------ */

static const char *mime_of(const char *path)
{
	static const struct { const char *ext, *type; } t[] = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".woff2", "font/woff2"},
		{".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(dot, t[i].ext))
			return t[i].type;
	return NULL;
}

/* Serve GET / and the page's files from api->web.  Returns 0 when the
 * path is not a page file (the caller answers 404). */
static int serve_static(struct cn_api *api, const struct http_request *req,
			struct http_response *res)
{
	char path[1024];
	const char *rel = req->path, *type;
	FILE *f;
	long n;

	if (!api->web[0] || (strcmp(req->method, "GET") && strcmp(req->method, "HEAD")))
		return 0;
	if (!strcmp(rel, "/"))
		rel = "/index.html";
	/* Only plain names: no "..", no hidden files, no odd characters. */
	for (const char *c = rel; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '/' || *c == '-' ||
		      *c == '_' || (*c == '.' && c > rel && c[-1] != '/' &&
				    c[-1] != '.')))
			return 0;
	if (!(type = mime_of(rel)))
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s%s", api->web, rel) >= sizeof(path))
		return 0;
	if (!(f = fopen(path, "rb")))
		return 0;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > 16 * 1024 * 1024 ||
	    fseek(f, 0, SEEK_SET) || !(res->body = malloc((size_t)n + 1)) ||
	    fread(res->body, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(res->body);
		res->body = NULL;
		return 0;
	}
	fclose(f);
	res->len = (size_t)n;
	res->status = 200;
	res->content_type = type;
	return 1;
}

static void handle(void *vapi, const struct http_request *req,
		   struct http_response *res)
{
	struct cn_api *api = vapi;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct ctx x = {.api = api, .req = req, .res = res,
			.now = (int64_t)ts.tv_sec};
	struct cn_err err = {0};
	const struct cn_route *hit = NULL;
	static const char *const allows[4] = {NULL, "GET", "POST", "GET, POST"};
	int methods = 0; /* bit 0 GET, bit 1 POST: what this path serves */

	for (const struct cn_route *r = cn_routes; r->method; r++) {
		int64_t id = 0;
		if (!match(r->pattern, req->path, &id))
			continue;
		methods |= !strcmp(r->method, "GET") ? 1 : 2;
		if (!strcmp(r->method, req->method)) {
			hit = r;
			x.id = id;
			break;
		}
	}
	if (!hit) {
		if (methods) {
			res->allow = allows[methods];
			reply_error(&x, 405, "method-not-allowed",
				    "%s is not allowed on %s", req->method, req->path);
		} else if (!serve_static(api, req, res))
			not_found(&x);
		return;
	}
	if (!(x.rd = reader_get(api, &err))) {
		reply_error(&x, 503, "unavailable", "%s", err.msg);
		return;
	}
	if (resolve(x.rd, req->authorization, &x.who, &err)) {
		reply_error(&x, 401, "unauthorized", "%s", err.msg);
		return;
	}
	hit->fn(&x);
}

/* ---- lifecycle ------------------------------------------------------------------------ */

int cn_serve(const struct cn_serve_opts *o, struct cn_err *err)
{
	struct cn_api api = {0};
	struct cn_app *app;
	struct http_server *http = NULL;
	struct http_limits lim = {
		.max_body = 64 * 1024,
		.max_conns = 512,
		.timeout_s = o->timeout_s ? o->timeout_s : 15,
		.conn_memory = 32 * 1024,
		.threads = o->threads ? o->threads : 2,
	};
	char msg[256];
	int rc;

	/* SIGINT and SIGTERM are taken by sigwait() below: block them before
	 * any thread starts, so every thread inherits the mask and none can
	 * swallow the signal (a handler and pause() could miss one). */
	sigset_t stop;
	int sig;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	snprintf(api.db, sizeof(api.db), "%s", o->db);
	snprintf(api.web, sizeof(api.web), "%s", o->web ? o->web : "");
	/* The writer's app is the only read-write connection. */
	if ((rc = cn_app_open(o->db, 0, &app, err)))
		return rc;
	if ((rc = writer_start(app, &api.writer, err))) {
		cn_app_close(app);
		return rc;
	}
	pthread_key_create(&api.reader_key, reader_free);
	signal(SIGPIPE, SIG_IGN);
	if (http_start(o->addr, o->port, &lim, handle, &api, &http, msg,
		       sizeof(msg))) {
		writer_stop(api.writer);
		writer_free(api.writer);
		pthread_key_delete(api.reader_key);
		return cn_err_set(err, CN_EIO, "%s", msg);
	}
	if (!o->quiet) {
		fprintf(stderr, "council: serving %s on http://%s:%u/\n", o->db,
			o->addr, o->port);
		fflush(stderr);
	}
	sigwait(&stop, &sig);
	/* Stop taking connections, let the writer answer every queued write
	 * (resuming the suspended connections), then close the rest. */
	http_quiesce(http);
	writer_stop(api.writer);
	http_stop(http);
	writer_free(api.writer);
	pthread_key_delete(api.reader_key);
	if (!o->quiet)
		fprintf(stderr, "council: stopped\n");
	return 0;
}
