/* paging.c - the query arguments of lists that grow; see paging.h. */
#include "paging.h"

#include <stdio.h>
#include <string.h>

#include "../app/views.h"
#include "../core/buf.h"
#include "../core/timeutil.h"
#include "request.h"

int page_limit(struct ctx *x, int64_t dflt, int64_t max, int64_t *out)
{
	return arg_int(x, "limit", dflt, 1, max, out);
}

/* The spellings of a switch, and what each means. */
static const struct {
	const char *word;
	int on;
} switches[] = {
	{"", 1}, {"1", 1}, {"true", 1}, {"yes", 1},
	{"0", 0}, {"false", 0}, {"no", 0},
};

int arg_switch(struct ctx *x, const char *name, int dflt, int *out)
{
	const char *s = x->req->arg(x->req, name);

	*out = dflt;
	if (!s)
		return 0;
	for (size_t i = 0; i < sizeof(switches) / sizeof(switches[0]); i++)
		if (!strcmp(s, switches[i].word)) {
			*out = switches[i].on;
			return 0;
		}
	reply_error(x, 400, "invalid", "query argument '%s' must be yes or no "
		    "(true, false, 1, 0)", name);
	return -1;
}

int arg_time(struct ctx *x, const char *name, char *buf, const char **out)
{
	const char *s = x->req->arg(x->req, name);
	struct cn_err err = {0};
	char what[48];
	int64_t t;

	*out = NULL;
	if (!s)
		return 0;
	snprintf(what, sizeof(what), "query argument '%s'", name);
	if (cn_time_parse(s, what, &t, &err)) {
		reply_error(x, 400, "invalid", "%s", err.msg);
		return -1;
	}
	*out = cn_time_format(t, buf);
	return 0;
}

int arg_enum(struct ctx *x, const char *name, const char *const *values,
	     const char **out)
{
	const char *s = x->req->arg(x->req, name);
	struct cn_buf list = CN_BUF_INIT;

	*out = NULL;
	if (!s)
		return 0;
	for (int i = 0; values[i]; i++) {
		if (!strcmp(values[i], s)) {
			*out = values[i];
			cn_buf_release(&list);
			return 0;
		}
		cn_buf_printf(&list, "%s%s", i ? ", " : "", values[i]);
	}
	reply_error(x, 400, "invalid", "query argument '%s' must be one of %s",
		    name, list.s ? list.s : "");
	cn_buf_release(&list);
	return -1;
}

/* name=value, percent-encoded but for RFC 3986's unreserved characters. */
static void add_arg(struct cn_buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";

	cn_buf_puts(b, b->len && strchr(b->s, '?') ? "&" : "?");
	cn_buf_puts(b, name);
	cn_buf_puts(b, "=");
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			cn_buf_add(b, p, 1);
		} else {
			char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
			cn_buf_add(b, e, 3);
		}
	}
}

json_t *next_href(struct ctx *x, const char *const *names, const char *cursor,
		  const char *value, const char *drop)
{
	struct cn_buf b = CN_BUF_INIT;
	json_t *out;

	if (!value)
		return json_null();
	cn_buf_puts(&b, x->req->path);
	for (int i = 0; names[i]; i++) {
		const char *v = x->req->arg(x->req, names[i]);
		if (v && strcmp(names[i], cursor) && !(drop && !strcmp(names[i], drop)))
			add_arg(&b, names[i], v);
	}
	add_arg(&b, cursor, value);
	out = b.oom ? json_null() : json_string(b.s);
	cn_buf_release(&b);
	return out;
}

int page_by_id_args(struct ctx *x, int64_t *limit, int64_t *after)
{
	return page_limit(x, PAGE_DEFAULT, API_LIST_PAGE_MAX, limit) ||
	       arg_int(x, "after", 0, 0, INT64_MAX, after) ? -1 : 0;
}

void reply_page_by_id(struct ctx *x, json_t *items, int64_t limit,
		      const char *list)
{
	static const char *const names[] = {"limit", "after", NULL};
	struct cn_err err = {0};
	json_t *next = items ? cn_view_cut_by_id(items, limit) : NULL;
	json_t *href = NULL, *page = NULL;
	char cursor[32];

	if (json_is_integer(next))
		snprintf(cursor, sizeof(cursor), "%lld",
			 (long long)json_integer_value(next));
	if (next)
		href = next_href(x, names, "after",
				 json_is_integer(next) ? cursor : NULL, NULL);
	if (href)
		page = json_pack("{s:I, s:O, s:O, s:O}", "count",
				 (json_int_t)json_array_size(items), list,
				 items, "next", next, "next_href", href);
	json_decref(items);
	json_decref(next);
	json_decref(href);
	if (!page) {
		cn_err_set(&err, CN_ENOMEM, "out of memory");
		reply_err(x, &err);
		return;
	}
	reply_json(x, 200, page);
}

json_t *page_registry(struct ctx *x, json_t *view, const char *list,
		      const char *key, const char *const *names)
{
	struct cn_err err = {0};
	const char *next;
	json_t *href;
	int64_t limit;

	if (page_limit(x, CN_VIEW_PAGE_MAX, CN_VIEW_PAGE_MAX, &limit)) {
		json_decref(view);
		return NULL;
	}
	if (cn_view_page(view, list, key, x->req->arg(x->req, "after"), limit,
			 &next, &err)) {
		if (err.code == CN_EINVAL)
			reply_error(x, 400, "invalid", "query argument 'after': "
				    "%s", err.msg);
		else
			reply_err(x, &err);
		json_decref(view);
		return NULL;
	}
	href = next_href(x, names, "after", next, NULL);
	if (!href || json_object_set_new(view, "next_href", href)) {
		cn_err_set(&err, CN_ENOMEM, "out of memory");
		reply_err(x, &err);
		json_decref(view);
		return NULL;
	}
	return view;
}
