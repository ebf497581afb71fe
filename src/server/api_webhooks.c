/*
 * api_webhooks.c - a principal's webhooks over the API (docs/WEBHOOKS.md):
 * make one (POST /api/v1/webhooks), list them (GET), read one (GET
 * .../{id}), revoke one (POST .../{id}/revoke) and read its delivery log
 * (GET .../{id}/deliveries).  Deliveries are hooks.c's.
 *
 * As calendar feeds (api_feeds.c): a webhook belongs to the token the
 * request carries, or to the person signed in (owner.h), and every route
 * sees only that owner's live webhooks: another token's or person's, a
 * revoked one and one that never was are all 404.  The public has no
 * token to own one: 401.  Its deliveries carry what its owner sees, so a
 * webhook never shows more than its owner may read.
 * The secret is made here (libsodium) and shown once, in the answer to
 * POST; the store keeps it, since the server signs with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hook.h"
#include "../core/i18n.h"
#include "../core/mail_addr.h"
#include "../core/remind.h"
#include "../core/timeutil.h"
#include "access.h"
#include "cache.h"
#include "handlers.h"
#include "hooks.h"
#include "owner.h"
#include "paging.h"
#include "request.h"
#include "submit.h"

#define NEEDS_HOOK_TOKEN "a webhook is made for a token or a person signed" \
	" in: send a token or sign in"

static int make_hook(struct cn_store *st, int64_t now, void *args,
		     struct cn_err *err)
{
	struct hook_args *a = args;
	int rc = owner_job(st, a->person, now, &a->hook.owner, err);

	return rc ? rc : hook_store(st, now, &a->hook, err);
}

static int revoke_hook(struct cn_store *st, int64_t now, void *args,
		       struct cn_err *err)
{
	struct cn_webhook *w = &((struct hook_args *)args)->hook;
	int rc = cn_store_webhook_revoke(st, w->id, now, err);

	cn_time_format(now, w->revoked);
	return rc == CN_ENOTFOUND ? cn_err_set(err, CN_ENOTFOUND,
					       "no such webhook") : rc;
}

/* A webhook as the API shows it: never its secret.  An e-mail
 * subscription (a mailto row, mail.h) shows its address and language
 * instead of a URL. */
static json_t *hook_json(const struct cn_webhook *w)
{
	json_t *types = json_array(), *remind = json_array(), *o;
	char addr[CN_MAIL_ADDR_MAX + 1], lang[3];
	const char *p = w->types;
	struct cn_remind r;
	struct cn_err err = {0};
	char word[CN_REMIND_WORD];

	/* The store holds what POST checked; a row that is not is shown
	 * with none rather than failing the list. */
	if (cn_remind_decode(w->remind, &r, &err))
		r.n = 0;
	for (size_t i = 0; i < r.n; i++) {
		cn_remind_word(r.at[i], word);
		json_array_append_new(remind, json_string(word));
	}

	while (*p) {
		size_t n = strcspn(p, ",");
		json_array_append_new(types, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	o = json_pack("{s:I, s:o, s:o, s:s, s:I}", "id", (json_int_t)w->id,
		      "types", types, "remind", remind, "created", w->created,
		      "cursor", (json_int_t)w->cursor);
	if (!cn_mail_is_uri(w->url)) {
		json_object_set_new(o, "url", json_string(w->url));
	} else if (!cn_mail_uri_parse(w->url, addr, lang, &err)) {
		json_object_set_new(o, "email", json_string(addr));
		json_object_set_new(o, "lang", json_string(lang));
	}
	return o;
}

static void result_hook(struct ctx *x, const struct pending *p)
{
	const struct cn_webhook *w = &p->a.hook.hook;
	json_t *o = hook_json(w);

	/* An e-mail is not signed: its secret is never used, never shown. */
	if (!cn_mail_is_uri(w->url))
		json_object_set_new(o, "secret", json_string(w->secret));
	reply_json(x, 201, o);
}

static void result_revoked(struct ctx *x, const struct pending *p)
{
	const struct cn_webhook *w = &p->a.hook.hook;
	reply_json(x, 200, json_pack("{s:I, s:s}", "id", (json_int_t)w->id,
				     "revoked", w->revoked));
}

/* The field `types`: an array of event type names into out ("a,b");
 * -1 after answering 400. */
static int field_types(struct ctx *x, const json_t *o, char *out, size_t n)
{
	const json_t *v = json_object_get(o, "types"), *t;
	struct cn_err err = {0};
	size_t i, len = 0;

	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		reply_error(x, 400, "invalid", "field 'types': an array of event "
			    "types");
		return -1;
	}
	json_array_foreach(v, i, t) {
		const char *s = json_string_value(t);
		size_t k = s ? strlen(s) : 0;
		if (!s || !k || strchr(s, ',') || len + k + 2 > n) {
			reply_error(x, 400, "invalid", "field 'types': item %zu: "
				    "an event type name", i);
			return -1;
		}
		if (len)
			out[len++] = ',';
		memcpy(out + len, s, k + 1);
		len += k;
	}
	if (cn_hook_types_check(out, &err)) {
		reply_error(x, 400, "invalid", "field 'types': %s", err.msg);
		return -1;
	}
	return 0;
}

/* The field `remind`: an array of offsets ("24h") into out, the stored
 * form (core/remind.h); -1 after answering 400. */
static int field_remind(struct ctx *x, const json_t *o,
			char out[CN_REMIND_TEXT])
{
	const json_t *v = json_object_get(o, "remind"), *t;
	struct cn_remind r = {0};
	struct cn_err err = {0};
	size_t i;

	out[0] = '\0';
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v)) {
		reply_error(x, 400, "invalid", "field 'remind': an array of "
			    "offsets such as \"24h\"");
		return -1;
	}
	json_array_foreach(v, i, t) {
		const char *s = json_string_value(t);
		if (!s) {
			reply_error(x, 400, "invalid", "field 'remind': item %zu: "
				    "a string such as \"24h\"", i);
			return -1;
		}
		if (cn_remind_add(&r, s, "remind", i, &err)) {
			reply_err(x, &err);
			return -1;
		}
	}
	cn_remind_encode(&r, out);
	return 0;
}

/* An e-mail subscription's `email` and `lang` into its stored URI (out,
 * CN_WEBHOOK_URL_MAX + 1 bytes): 0, or -1 after answering.  The language
 * is `lang`, else the request's Accept-Language, else English. */
static int field_email(struct ctx *x, const json_t *o, const char *email,
		       char *out)
{
	const char *tag = NULL;
	enum cn_lang lang = CN_LANG_EN;
	struct cn_err err = {0};

	if (json_object_get(o, "url")) {
		reply_error(x, 400, "invalid", "field 'email': a subscription has "
			    "a url (a webhook) or an email, not both");
		return -1;
	}
	if (field_str(x, o, "lang", 0, &tag))
		return -1;
	if (tag && (strlen(tag) != 2 || cn_lang_parse(tag, &lang))) {
		reply_error(x, 400, "invalid", "field 'lang': en or fr, not '%s'",
			    tag);
		return -1;
	}
	if (!tag)
		(void)cn_lang_accept(x->req->header(x->req, "Accept-Language"),
				     &lang);
	if (cn_mail_addr_check(email, "email", &err)) {
		reply_err(x, &err);
		return -1;
	}
	/* Refused rather than stored undelivered: the maker learns now. */
	if (!x->api->mail.url[0]) {
		reply_error(x, 409, "refused", "field 'email': this server sends "
			    "no e-mail (it runs without --smtp)");
		return -1;
	}
	cn_mail_uri(email, cn_lang_code(lang), out, CN_WEBHOOK_URL_MAX + 1);
	return 0;
}

void h_webhook_new(struct ctx *x)
{
	static const char *const fields[] = {"url", "email", "lang", "types",
					     "remind", NULL};
	struct cn_err err = {0};
	char types[CN_WEBHOOK_TYPES_MAX + 1], remind[CN_REMIND_TEXT];
	char mailto[CN_WEBHOOK_URL_MAX + 1];
	const char *url = NULL, *email = NULL;
	struct cn_webhook *w;
	struct pending *p;
	json_t *o;

	if (x->who.role == CN_ROLE_PUBLIC) {
		reply_error(x, 401, "unauthorized", NEEDS_HOOK_TOKEN);
		return;
	}
	if (!(o = body_object(x)))
		return;
	if (known_fields(x, o, fields) || field_str(x, o, "email", 0, &email)) {
		json_decref(o);
		return;
	}
	if (email) {
		if (field_email(x, o, email, mailto)) {
			json_decref(o);
			return;
		}
		url = mailto;
	} else if (json_object_get(o, "lang")) {
		json_decref(o);
		reply_error(x, 400, "invalid", "field 'lang': only with 'email'");
		return;
	} else if (field_str(x, o, "url", 1, &url)) {
		json_decref(o);
		return;
	} else if (hook_url_check(url, x->api->webhooks_allow_local, &err)) {
		json_decref(o);
		reply_err(x, &err);
		return;
	}
	if (field_types(x, o, types, sizeof(types)) ||
	    field_remind(x, o, remind)) {
		json_decref(o);
		return;
	}
	if (!(p = pending_new(x, o)))
		return;
	w = &p->a.hook.hook;
	snprintf(w->types, sizeof(w->types), "%s", types);
	snprintf(w->remind, sizeof(w->remind), "%s", remind);
	w->owner = x->who.token_id;
	p->a.hook.person = x->who.person;
	snprintf(w->url, sizeof(w->url), "%s", url);
	hook_secret_new(w->secret);
	pending_submit_store(x, p, make_hook, result_hook);
}

struct one_hook {
	struct cn_webhook w;
	int found;
};

static int got_hook(void *ctx, const struct cn_webhook *w, struct cn_err *err)
{
	struct one_hook *o = ctx;
	(void)err;
	o->w = *w;
	o->found = 1;
	return 0;
}

/* The store to read webhooks from and their owner (owner.h): 0, 1 when
 * a person owns none yet, or -1 after answering. */
static int hook_owner(struct ctx *x, struct cn_store **st, int64_t *owner)
{
	struct cn_err err = {0};

	if (x->who.role != CN_ROLE_PUBLIC &&
	    !(*st = cache_lists(x->cache, x->api, &err))) {
		reply_error(x, 503, "unavailable", "%s", err.msg);
		return -1;
	}
	return owner_read(x, *st, NEEDS_HOOK_TOKEN, owner);
}

/* This owner's live webhook x->id into *o: 0, or -1 after answering
 * (401 for the public, 404 for anything not its own). */
static int own_hook(struct ctx *x, struct cn_store **st, struct one_hook *o)
{
	struct cn_err err = {0};
	int64_t owner = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	*st = NULL;
	if ((rc = hook_owner(x, st, &owner)) < 0)
		return -1;
	if (rc == 0 &&
	    cn_store_webhooks(*st, owner, x->id, got_hook, o, &err)) {
		reply_err(x, &err);
		return -1;
	}
	if (!o->found) {
		not_found(x);
		return -1;
	}
	return 0;
}

static int list_hook(void *ctx, const struct cn_webhook *w, struct cn_err *err)
{
	if (json_array_append_new(ctx, hook_json(w)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* The caller's live webhooks, a page at a time by id (paging.h). */
void h_webhooks(struct ctx *x)
{
	struct cn_err err = {0};
	struct cn_store *st = NULL;
	int64_t owner = 0, limit, after;
	json_t *arr;
	int rc;

	if ((rc = hook_owner(x, &st, &owner)) < 0 ||
	    page_by_id_args(x, &limit, &after))
		return;
	/* A person who owns nothing yet has none (owner 0 would be all). */
	if ((arr = json_array()) && rc == 0 &&
	    cn_store_webhook_page(st, owner, after, limit + 1, list_hook, arr,
				  &err)) {
		json_decref(arr);
		reply_err(x, &err);
		return;
	}
	reply_page_by_id(x, arr, limit, "webhooks");
}

void h_webhook(struct ctx *x)
{
	struct cn_store *st;
	struct one_hook o;

	if (own_hook(x, &st, &o))
		return;
	reply_json(x, 200, hook_json(&o.w));
}

void h_webhook_revoke(struct ctx *x)
{
	struct cn_store *st;
	struct one_hook o;
	struct pending *p;

	if (own_hook(x, &st, &o) || !(p = pending_new(x, NULL)))
		return;
	p->a.hook.hook.id = x->id;
	pending_submit_store(x, p, revoke_hook, result_revoked);
}

static int list_attempt(void *ctx, const struct cn_attempt *a,
			struct cn_err *err)
{
	json_t *o = hook_attempt_json(a);

	if (!o || json_array_append_new(ctx, o))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

void h_webhook_deliveries(struct ctx *x)
{
	struct cn_err err = {0};
	struct cn_store *st;
	struct one_hook o;
	int64_t limit;
	json_t *arr;

	if (page_limit(x, PAGE_DEFAULT, API_LIST_PAGE_MAX, &limit) ||
	    own_hook(x, &st, &o))
		return;
	arr = json_array();
	if (cn_store_notice_log(st, hooks_channel(&o.w), o.w.id, limit, list_attempt,
				arr, &err)) {
		json_decref(arr);
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, json_pack("{s:I, s:o}", "id", (json_int_t)o.w.id,
				     "deliveries", arr));
}
