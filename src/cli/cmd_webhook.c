/*
 * cmd_webhook.c - webhooks from the command line: `council webhook add
 * TOKEN_ID --url URL` (made for a token, as the token itself makes one
 * with POST /api/v1/webhooks), `list`, `revoke ID` and `deliveries ID`.
 * A running server delivers (server/hooks.c); these only write and read
 * the store.  What a webhook is made with is the API's (server/hooks.h):
 * the same URL check, the same secret, the same start at the log's end.
 * `add --email ADDR [--lang en|fr]` makes an e-mail subscription instead
 * (docs/MAIL.md): a row whose url is a mailto URI (core/mail_addr.h),
 * delivered by a server started with --smtp.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hook.h"
#include "../core/mail_addr.h"
#include "../core/remind.h"
#include "../core/timeutil.h"
#include "../server/hooks.h"
#include "../server/mail.h"
#include "../app/views.h"
#include "cli.h"
#include "util.h"

enum { HOOK_URL, HOOK_EMAIL, HOOK_LANG, HOOK_TYPES, HOOK_REMIND, HOOK_LOCAL,
       HOOK_LIMIT, HOOK_AFTER, HOOK_JSON };
const struct cli_opt cli_opts_webhook[] = {
	[HOOK_URL] = {.name = "url", .arg = "URL", .only = "add",
		      .help = "where deliveries are POSTed (http or https);\n"
			      "this or --email"},
	[HOOK_EMAIL] = {.name = "email", .arg = "ADDR", .only = "add",
			.help = "send e-mail to ADDR instead (a server with\n"
				"--smtp sends it; docs/MAIL.md)"},
	[HOOK_LANG] = {.name = "lang", .arg = "en|fr", .only = "add",
		       .help = "the e-mails' language (default en)"},
	[HOOK_TYPES] = {.name = "types", .arg = "T,T", .only = "add",
			.help = "only events of these types (default: all)"},
	[HOOK_REMIND] = {.name = "remind", .arg = "D,D", .only = "add",
			 .help = "remind the token's delegation this long\n"
				 "before a deadline that waits on it, e.g.\n"
				 "24h,2h (s, m, h or d; at most 4, 1s to\n"
				 "30d; default: no reminders)"},
	[HOOK_LOCAL] = {.name = "allow-local", .only = "add",
			.help = "take a loopback or private address (the\n"
				"server delivers there only with serve\n"
				"--webhooks-allow-local)"},
	[HOOK_LIMIT] = {.name = "limit", .arg = "N", .only = "list deliveries",
			.help = "at most N (default 100, at most 1000);\n"
				"deliveries: the newest N attempts"},
	[HOOK_AFTER] = {.name = "after", .arg = "ID", .only = "list",
			.help = "those above webhook ID (the next page)"},
	[HOOK_JSON] = {.name = "json", .flags = CLI_OPT_JSON,
		       .only = "add list deliveries",
		       .help = "machine-readable output"},
	OPT_END};

/* --remind's offsets, "24h,2h", into the stored form; 0 or -1 after
 * saying what is wrong. */
static int remind_option(struct cli *c, const char *arg,
			 char out[CN_REMIND_TEXT])
{
	struct cn_remind r = {0};
	struct cn_err err = {0};
	char word[CN_REMIND_WORD];
	size_t i = 0;

	out[0] = '\0';
	/* Every item, an empty one too ("2h," has two): it is refused. */
	for (const char *p = arg; p; i++) {
		size_t n = strcspn(p, ",");
		snprintf(word, sizeof(word), "%.*s", (int)(n < sizeof(word) ? n
			 : sizeof(word) - 1), p);
		if (n >= sizeof(word))
			word[0] = '\0'; /* too long: refused as no offset */
		if (cn_remind_add(&r, word, "remind", i, &err))
			return cli_usage(c, "--remind: %s", strncmp(err.msg,
					 "field 'remind': ", 16) ? err.msg
					 : err.msg + 16);
		p = p[n] ? p + n + 1 : NULL;
	}
	cn_remind_encode(&r, out);
	return 0;
}

/* The stored offsets as --remind takes them, "24h,2h" ("" for none). */
static const char *remind_words(const char *stored, char *out, size_t n)
{
	struct cn_remind r;
	struct cn_err err = {0};
	char word[CN_REMIND_WORD];
	size_t len = 0;

	out[0] = '\0';
	if (cn_remind_decode(stored, &r, &err))
		return stored; /* not this program's: shown as it is */
	for (size_t i = 0; i < r.n && len < n; i++) {
		cn_remind_word(r.at[i], word);
		len += (size_t)snprintf(out + len, n - len, "%s%s", i ? "," : "",
					word);
	}
	return out;
}

int cmd_webhook_add(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_store *st = cn_app_store(app);
	const char *types = cli_or(a->val[HOOK_TYPES], "");
	struct cn_err err = {0};
	struct cn_webhook w;
	char remind[CN_REMIND_TEXT], words[CN_REMIND_COUNT * CN_REMIND_WORD];
	int rc;

	memset(&w, 0, sizeof(w));
	if (!a->val[HOOK_URL] == !a->val[HOOK_EMAIL])
		return cli_usage(c, "webhook add needs --url URL or --email ADDR "
				 "(one of them)");
	if (a->val[HOOK_LANG] && !a->val[HOOK_EMAIL])
		return cli_usage(c, "--lang goes with --email");
	if (a->val[HOOK_EMAIL]) {
		const char *lang = cli_or(a->val[HOOK_LANG], "en");
		if (strcmp(lang, "en") && strcmp(lang, "fr"))
			return cli_usage(c, "--lang: en or fr, not '%s'", lang);
		if (cn_mail_addr_check(a->val[HOOK_EMAIL], "--email", &err))
			return cli_usage(c, "%s", err.msg);
		cn_mail_uri(a->val[HOOK_EMAIL], lang, w.url, sizeof(w.url));
	} else if (hook_url_check(a->val[HOOK_URL], a->val[HOOK_LOCAL] != NULL,
				  &err)) {
		/* The API's message names its field; here it is an option. */
		const char *why = strncmp(err.msg, "field 'url': ", 13) ? err.msg
								       : err.msg + 13;
		return cli_usage(c, "--url: %s", why);
	}
	if (strlen(types) > CN_WEBHOOK_TYPES_MAX)
		return cli_usage(c, "--types: at most %d bytes", CN_WEBHOOK_TYPES_MAX);
	if (cn_hook_types_check(types, &err))
		return cli_usage(c, "--types: %s", err.msg);
	if ((rc = remind_option(c, a->val[HOOK_REMIND], remind)))
		return rc;
	snprintf(w.remind, sizeof(w.remind), "%s", remind);
	w.owner = a->id;
	if (a->val[HOOK_URL])
		snprintf(w.url, sizeof(w.url), "%s", a->val[HOOK_URL]);
	snprintf(w.types, sizeof(w.types), "%s", types);
	hook_secret_new(w.secret);
	if (cn_store_begin(st, &err))
		return cli_fail(c, &err);
	if (hook_store(st, c->now, &w, &err) || cn_store_commit(st, &err)) {
		cn_store_rollback(st);
		return cli_fail(c, &err);
	}
	if (c->json) {
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I}",
				      "id", (json_int_t)w.id, "token",
				      (json_int_t)a->id, "url", w.url, "secret",
				      w.secret, "remind", remind_words(w.remind,
				      words, sizeof(words)), "created", w.created,
				      "cursor", (json_int_t)w.cursor);
		/* An e-mail is not signed: no secret to show. */
		if (o && cn_mail_is_uri(w.url))
			json_object_del(o, "secret");
		cli_print_json(o);
	}
	else if (cn_mail_is_uri(w.url)) {
		printf("%lld\n", (long long)w.id);
		fprintf(stderr, "e-mail subscription %lld for token %lld\n",
			(long long)w.id, (long long)a->id);
	} else {
		printf("%s\n", w.secret);
		fprintf(stderr, "webhook %lld for token %lld: its secret is shown "
			"once\n", (long long)w.id, (long long)a->id);
	}
	return 0;
}

static int list_json(void *ctx, const struct cn_webhook *w, struct cn_err *err)
{
	char words[CN_REMIND_COUNT * CN_REMIND_WORD];
	char addr[CN_MAIL_ADDR_MAX + 1], lang[3];
	struct cn_err ignored = {0};
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I}",
			      "id", (json_int_t)w->id, "token",
			      (json_int_t)w->owner, "role", w->role, "code",
			      w->principal, "url", w->url, "types", w->types,
			      "remind", remind_words(w->remind, words,
			      sizeof(words)), "created", w->created,
			      "cursor", (json_int_t)w->cursor);

	/* An e-mail subscription: its address and language read out of
	 * the stored URI, as the API shows them. */
	if (o && cn_mail_is_uri(w->url) &&
	    !cn_mail_uri_parse(w->url, addr, lang, &ignored)) {
		json_object_set_new(o, "email", json_string(addr));
		json_object_set_new(o, "lang", json_string(lang));
	}
	if (!o || json_array_append_new(ctx, o))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* Field `name` of webhook o: its text, or an integer's digits in buf. */
static const char *field_text(const json_t *o, const char *name, char *buf,
			      size_t n)
{
	const json_t *v = json_object_get(o, name);

	if (!json_is_integer(v))
		return json_string_value(v);
	snprintf(buf, n, "%lld", (long long)json_integer_value(v));
	return buf;
}

/* A page of the live webhooks, by id, as token list's (cmd_serve.c): the
 * API's fields (--json), or a table of them. */
int cmd_webhook_list(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_err err = {0};
	struct cli_table t;
	int64_t limit, after;
	json_t *arr, *o, *next;
	char id[24], owner[24], cursor[24];
	size_t i;
	int rc;

	if ((rc = cli_page_by_id(c, a->val[HOOK_LIMIT], a->val[HOOK_AFTER],
				 &limit, &after)))
		return rc;
	if (!(arr = json_array()))
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	if (cn_store_webhook_page(cn_app_store(app), 0, after, limit + 1,
				  list_json, arr, &err)) {
		json_decref(arr);
		return cli_fail(c, &err);
	}
	next = cn_view_cut_by_id(arr, limit);
	if (c->json) {
		cli_page_end(c, arr, "webhooks", next);
		return 0;
	}
	cli_table_init(&t, "rrllrrll", (const char *[]){"id", "token", "role",
		       "code", "created", "cursor", "types", "url"});
	json_array_foreach(arr, i, o) {
		const char *code = json_string_value(json_object_get(o, "code"));
		const char *types = json_string_value(json_object_get(o, "types"));
		cli_table_row(&t, (const char *[]){
			field_text(o, "id", id, sizeof(id)),
			field_text(o, "token", owner, sizeof(owner)),
			field_text(o, "role", NULL, 0), cli_or(code, "-"),
			field_text(o, "created", NULL, 0),
			field_text(o, "cursor", cursor, sizeof(cursor)),
			cli_or(types, "all"), field_text(o, "url", NULL, 0)});
	}
	if ((rc = cli_table_print(&t, &err))) {
		json_decref(next);
		next = json_null();
	}
	cli_page_end(c, arr, "webhooks", next);
	return rc ? cli_fail(c, &err) : 0;
}

int cmd_webhook_revoke(struct cli *c, const struct cli_args *a,
		       struct cn_app *app)
{
	struct cn_store *st = cn_app_store(app);
	struct cn_err err = {0};

	if (cn_store_begin(st, &err))
		return cli_fail(c, &err);
	if (cn_store_webhook_revoke(st, a->id, c->now, &err) ||
	    cn_store_commit(st, &err)) {
		cn_store_rollback(st);
		return cli_fail(c, &err);
	}
	printf("webhook %lld revoked\n", (long long)a->id);
	return 0;
}

static int attempt_json(void *ctx, const struct cn_attempt *a,
			struct cn_err *err)
{
	json_t *o = hook_attempt_json(a);

	if (!o || json_array_append_new(ctx, o))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* One line an attempt: when, which delivery of which event, the state
 * now, the receiver's status or what went wrong, the retry. */
static int attempt_text(void *ctx, const struct cn_attempt *at,
			struct cn_err *err)
{
	char t[CN_TIME_BUF], n[CN_TIME_BUF], status[24] = "";
	(void)err;

	if (at->status)
		snprintf(status, sizeof(status), ", %s %d",
			 strcmp(ctx, MAIL_CHANNEL) ? "HTTP" : "SMTP", at->status);
	printf("%s delivery %lld (event %s, %s) attempt %lld: %s%s%s%s%s%s\n",
	       cn_time_format(at->time, t), (long long)at->item, at->ref,
	       at->kind, (long long)at->attempt, at->state, status,
	       at->error ? ": " : "", at->error ? at->error : "",
	       at->next_at ? "; next at " : "",
	       at->next_at ? cn_time_format(at->next_at, n) : "");
	return 0;
}

struct row_find {
	int64_t id;
	const char *channel;
};

static int row_seen(void *ctx, const struct cn_webhook *w, struct cn_err *err)
{
	struct row_find *f = ctx;
	(void)err;

	if (w->id == f->id)
		f->channel = hooks_channel(w);
	return 0;
}

/* The outbox channel of row id, revoked or not: a webhook's or an
 * e-mail's log.  CN_ENOTFOUND when the store has no webhooks at all. */
static int row_channel(struct cn_store *st, int64_t id, const char **channel,
		       struct cn_err *err)
{
	struct row_find f = {id, HOOKS_CHANNEL};
	int rc = cn_store_webhook_rows(st, row_seen, &f, err);

	*channel = f.channel;
	return rc;
}

int cmd_webhook_deliveries(struct cli *c, const struct cli_args *a,
			   struct cn_app *app)
{
	const char *channel;
	struct cn_err err = {0};
	int64_t limit = 100;
	json_t *arr = NULL;
	int rc;

	if (a->val[HOOK_LIMIT] &&
	    (rc = cli_number(c, a->val[HOOK_LIMIT], "--limit", 1, 1000, &limit)))
		return rc;
	if (c->json && !(arr = json_array()))
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	/* A store without webhook tables has no log either: the log's
	 * read says so as it did before e-mail. */
	if ((rc = row_channel(cn_app_store(app), a->id, &channel, &err)) &&
	    rc != CN_ENOTFOUND) {
		json_decref(arr);
		return cli_fail(c, &err);
	}
	if (cn_store_notice_log(cn_app_store(app), channel, a->id, limit,
				c->json ? attempt_json : attempt_text,
				c->json ? (void *)arr : (void *)channel, &err)) {
		json_decref(arr);
		return cli_fail(c, &err);
	}
	if (arr)
		cli_print_json(arr);
	return 0;
}
