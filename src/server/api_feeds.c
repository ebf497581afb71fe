/*
 * api_feeds.c - a principal's calendar feeds over the API: make one
 * (POST /api/v1/calendar/feeds), list them (GET), revoke one
 * (POST /api/v1/calendar/feeds/{id}/revoke).  The feed itself is
 * api_calendar.c's.
 *
 * A feed is made for the token the request carries, or the person
 * signed in (owner.h), and lists and revocations see only that owner's
 * feeds: another token's or person's feed, a revoked one and one that
 * never was are all 404.  The public has no token to make a feed for:
 * 401.  Making and revoking write the store, so they go to the writer
 * like every write (submit.h), as store writes that record no event;
 * the key is made here and shown once, in the
 * answer, as the whole subscribe URL (http://, the request's Host: the
 * server speaks plain HTTP; behind a TLS proxy, `council token feed
 * --url` names the outside address).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "owner.h"
#include "paging.h"
#include "request.h"
#include "submit.h"

#define NEEDS_FEED_TOKEN "a calendar feed is made for a token or a person" \
	" signed in: send a token or sign in"

static int make_feed(struct cn_store *st, int64_t now, void *args,
		     struct cn_err *err)
{
	struct feed_args *f = args;
	int rc = owner_job(st, f->person, now, &f->owner, err);

	cn_time_format(now, f->created);
	if (rc)
		return rc;
	return cn_store_feed_add(st, f->hash, f->owner, f->label, now, &f->id,
				 err);
}

static int revoke_feed(struct cn_store *st, int64_t now, void *args,
		       struct cn_err *err)
{
	struct feed_args *f = args;
	int rc = cn_store_token_revoke(st, f->id, now, err);

	cn_time_format(now, f->created);
	/* Revoked meanwhile (a race of two revocations): as absent. */
	return rc == CN_ENOTFOUND ? cn_err_set(err, CN_ENOTFOUND,
					       "no such feed") : rc;
}

/* 201 {"id", "url", "label", "created"}: the only time the key is shown. */
static void result_feed(struct ctx *x, const struct pending *p)
{
	const struct feed_args *f = &p->a.feed;
	reply_json(x, 201, json_pack("{s:I, s:s, s:s?, s:s}", "id",
				     (json_int_t)f->id, "url", f->url, "label",
				     f->label, "created", f->created));
}

static void result_revoked(struct ctx *x, const struct pending *p)
{
	const struct feed_args *f = &p->a.feed;
	reply_json(x, 200, json_pack("{s:I, s:s}", "id", (json_int_t)f->id,
				     "revoked", f->created));
}

/* This owner's valid feeds above id `after`, at most `limit` (*v
 * malloc'd, NULL when none): 0, or -1 after answering (401 for the
 * public, which has no token to hold feeds). */
static int own_feeds(struct ctx *x, int64_t after, int64_t limit,
		     struct cn_reader_feed **v, size_t *n)
{
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	int64_t owner = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (x->who.person && !(st = cache_lists(x->cache, x->api, &err))) {
		reply_error(x, 503, "unavailable", "%s", err.msg);
		return -1;
	}
	/* A person who owns nothing yet has none (owner 0: the tokens). */
	if ((rc = owner_read(x, st, NEEDS_FEED_TOKEN, &owner)))
		return rc < 0 ? -1 : 0;
	if (cn_reader_feeds(x->rd, owner, after, limit, v, n, &err)) {
		reply_err(x, &err);
		return -1;
	}
	return 0;
}

void h_feed_new(struct ctx *x)
{
	static const char *const fields[] = {"label", NULL};
	char key[CN_TOKEN_LEN + 1], base[300];
	const char *label = NULL;
	struct pending *p;
	json_t *o = NULL;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", NEEDS_FEED_TOKEN);
		return;
	}
	if (x->req->body_len) {
		if (!(o = body_object(x)))
			return;
		if (known_fields(x, o, fields) ||
		    field_str(x, o, "label", 0, &label)) {
			json_decref(o);
			return;
		}
		if (label && strlen(label) > 120) {
			json_decref(o);
			reply_error(x, 400, "invalid",
				    "field 'label': at most 120 bytes");
			return;
		}
	}
	if (request_origin(x, base, sizeof(base))) {
		json_decref(o);
		reply_error(x, 400, "invalid", "header 'Host': a host[:port] is "
			    "needed to make the subscribe URL");
		return;
	}
	if (!(p = pending_new(x, o)))
		return;
	p->a.feed.owner = x->who.token_id;
	p->a.feed.person = x->who.person;
	p->a.feed.label = label;
	cn_token_new(key, p->a.feed.hash);
	snprintf(p->a.feed.url, sizeof(p->a.feed.url),
		 "%s/api/v1/calendar.ics?key=%s", base, key);
	pending_submit_store(x, p, make_feed, result_feed);
}

/* The owner's feeds, a page at a time by id (paging.h). */
void h_feeds(struct ctx *x)
{
	struct cn_reader_feed *v;
	int64_t limit, after;
	json_t *arr;
	size_t n;

	if (page_by_id_args(x, &limit, &after) ||
	    own_feeds(x, after, limit + 1, &v, &n))
		return;
	arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_pack(
			    "{s:I, s:s?, s:s}", "id", (json_int_t)v[i].id,
			    "label", v[i].label[0] ? v[i].label : NULL,
			    "created", v[i].created))) {
			json_decref(arr);
			arr = NULL;
		}
	free(v);
	reply_page_by_id(x, arr, limit, "feeds");
}

void h_feed_revoke(struct ctx *x)
{
	struct cn_reader_feed *v;
	struct pending *p;
	size_t n;
	int mine;

	/* Its own: the first of its valid feeds from this id on is this
	 * one (one row through the index, whatever the owner holds). */
	if (own_feeds(x, x->id - 1, 1, &v, &n))
		return;
	mine = n == 1 && v[0].id == x->id;
	free(v);
	/* Another token's feed is, to this one, a feed that does not exist. */
	if (!mine) {
		not_found(x);
		return;
	}
	if (!(p = pending_new(x, NULL)))
		return;
	p->a.feed.owner = x->who.token_id;
	p->a.feed.id = x->id;
	pending_submit_store(x, p, revoke_feed, result_revoked);
}
