/*
 * cmd_serve.c - the HTTP face from the command line: `council serve`
 * (the server opens the store itself), `council token` (the API's bearer
 * tokens: issue and revoke write the store, list reads it) and `council
 * routes`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/hook.h"
#include "../server/api.h"
#include "../server/auth.h"
#include "../server/server.h"
#include "../server/session.h"
#include "../server/standby.h"
#include "../server/webauthn.h"
#include "../store/store.h"
#include "cli.h"
#include "util.h"

enum { SERVE_LISTEN, SERVE_THREADS, SERVE_TIMEOUT, SERVE_WEB, SERVE_CADENCE,
       SERVE_STREAMS, SERVE_READ_DB, SERVE_MAX_LAG,
       SERVE_HOOKS_LOCAL, SERVE_HOOK_ATTEMPTS, SERVE_SMTP, SERVE_MAIL_FROM,
       SERVE_SMTP_AUTH, SERVE_SMTP_CA, SERVE_SESSION_IDLE, SERVE_SESSION_MAX,
       SERVE_RP_ID, SERVE_ORIGIN, SERVE_CHALLENGE_LIFE, SERVE_QUIET };
const struct cli_opt cli_opts_serve[] = {
	[SERVE_LISTEN] = OPT_VAL("listen", "ADDR:PORT",
		"where to listen (default 127.0.0.1:8080)"),
	[SERVE_THREADS] = OPT_VAL("threads", "N", "HTTP worker threads (default 2)"),
	[SERVE_TIMEOUT] = OPT_VAL("timeout", "S",
		"close a connection after S seconds without traffic (15)"),
	[SERVE_WEB] = OPT_VAL("web", "DIR",
		"serve the web page from DIR (default: $COUNCIL_WEB, else\n"
		"the page installed with council, see --version;\n"
		"'' for the API alone)"),
	[SERVE_CADENCE] = OPT_VAL("public-checkpoint-every", "S",
		"the public and partners see the record (checkpoints,\n"
		"proofs, the log) only as of the last multiple of S\n"
		"seconds, so they learn when it grew only to that\n"
		"resolution (default 0: every commit)"),
	[SERVE_STREAMS] = OPT_VAL("streams", "N",
		"event streams (GET /api/v1/events/stream) open at\n"
		"most; beyond, 503 with Retry-After (default 256)"),
	[SERVE_READ_DB] = OPT_VAL("read-db", "DB",
		"a hot standby of --db (PostgreSQL streaming\n"
		"replication) that answers reads while it is within\n"
		"--max-read-lag and holds what the client last wrote\n"
		"or saw; else the primary does (/healthz: the lag,\n"
		"where reads go)"),
	[SERVE_MAX_LAG] = OPT_VAL("max-read-lag", "S",
		"how far behind --read-db may be for its reads, in\n"
		"seconds (default 5; 0 to 60, up to 3 decimals)"),
	[SERVE_HOOKS_LOCAL] = OPT_FLAG("webhooks-allow-local",
		"let webhooks name and reach loopback and private\n"
		"addresses (off by default: a webhook URL could make the\n"
		"server call inside its own network; for tests and closed\n"
		"networks)"),
	[SERVE_HOOK_ATTEMPTS] = OPT_VAL("webhook-attempts", "N",
		"attempts a webhook delivery gets before it is given\n"
		"up (failed in its delivery log): the waits between\n"
		"them double from 1 s to an hour (default 16, about\n"
		"2 to 4 hours in all; 1 to 30)"),
	[SERVE_SMTP] = OPT_VAL("smtp", "URL",
		"send e-mail subscriptions' messages through this SMTP\n"
		"server: smtp://127.0.0.1:25 (a local exim4 or\n"
		"postfix; STARTTLS when offered) or smtps://HOST:465;\n"
		"needs --mail-from (without it, e-mail subscriptions\n"
		"are refused; docs/MAIL.md)"),
	[SERVE_MAIL_FROM] = OPT_VAL("mail-from", "ADDR",
		"the sender of e-mail notifications"),
	[SERVE_SMTP_AUTH] = OPT_VAL("smtp-auth", "FILE",
		"the relay's credentials, the first line of FILE as\n"
		"USER:PASSWORD (else $COUNCIL_SMTP_USER and\n"
		"$COUNCIL_SMTP_PASSWORD; never in the URL); sent only\n"
		"over TLS"),
	[SERVE_SMTP_CA] = OPT_VAL("smtp-ca", "FILE",
		"trust the SMTP server's certificate when these CAs\n"
		"(PEM) vouch for it, instead of the system's"),
	[SERVE_SESSION_IDLE] = OPT_VAL("session-idle", "S",
		"a person's session ends after S seconds without a\n"
		"request (default 1800)"),
	[SERVE_SESSION_MAX] = OPT_VAL("session-max", "S",
		"and S seconds after sign-in in any case (default\n"
		"43200; both at most 30 days)"),
	[SERVE_RP_ID] = OPT_VAL("rp-id", "DOMAIN",
		"people may register and sign in with passkeys\n"
		"(WebAuthn) for this domain, the Relying Party id:\n"
		"the site's host name or a parent of it (localhost\n"
		"for a test); needs --origin"),
	[SERVE_ORIGIN] = OPT_VAL("origin", "URL",
		"the page's origin as browsers see it, e.g.\n"
		"https://council.example.org (behind the TLS proxy)\n"
		"or http://localhost:8080; needs --rp-id"),
	[SERVE_CHALLENGE_LIFE] = OPT_VAL("passkey-challenge-life", "S",
		"a passkey ceremony must end within S seconds of\n"
		"its beginning (default 300; 1 to 3600)"),
	[SERVE_QUIET] = OPT_FLAG("quiet", "say nothing on start and stop"),
	OPT_END};

/* --max-read-lag: seconds, with up to three decimals, 0 to 60. */
static int max_lag_ms(struct cli *c, const char *s, int64_t *ms)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, places = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
		whole = whole * 10 + (*p - '0');
	if (*p == '.' && digits)
		for (p++; *p >= '0' && *p <= '9' && places < 3; p++, places++)
			frac = frac * 10 + (*p - '0');
	for (int k = places; k < 3; k++)
		frac *= 10;
	if (!digits || *p || (s[digits] == '.' && !places) ||
	    whole * 1000 + frac > STANDBY_MAX_LAG_S * 1000)
		return cli_usage(c, "--max-read-lag takes seconds from 0 to %d "
				 "(up to 3 decimals), not '%s'",
				 STANDBY_MAX_LAG_S, s);
	*ms = whole * 1000 + frac;
	return 0;
}

int cmd_serve(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *listen = cli_or(a->val[SERVE_LISTEN], "127.0.0.1:8080");
	const char *web = a->val[SERVE_WEB];
	struct cn_serve_opts o = {0};
	struct cn_err err = {0};
	int64_t port, nthreads = 2, tmo = 15, cadence = 0, streams = 256,
		attempts = CN_HOOK_ATTEMPTS, idle = 0, life = 0, chal = 0;
	char addr[64];
	const char *colon;
	int rc;
	(void)app;

	colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(addr))
		return cli_usage(c, "--listen takes ADDR:PORT, e.g. 127.0.0.1:8080");
	snprintf(addr, sizeof(addr), "%.*s", (int)(colon - listen), listen);
	if ((rc = cli_number(c, colon + 1, "port in --listen", 0, 65535, &port)) ||
	    (a->val[SERVE_THREADS] &&
	     (rc = cli_number(c, a->val[SERVE_THREADS], "--threads", 1, 64,
			      &nthreads))) ||
	    (a->val[SERVE_TIMEOUT] &&
	     (rc = cli_number(c, a->val[SERVE_TIMEOUT], "--timeout", 1, 3600, &tmo))) ||
	    (a->val[SERVE_CADENCE] &&
	     (rc = cli_number(c, a->val[SERVE_CADENCE], "--public-checkpoint-every",
			      0, 366 * 86400, &cadence))) ||
	    (a->val[SERVE_STREAMS] &&
	     (rc = cli_number(c, a->val[SERVE_STREAMS], "--streams", 1, 4096,
			      &streams))) ||
	    (a->val[SERVE_HOOK_ATTEMPTS] &&
	     (rc = cli_number(c, a->val[SERVE_HOOK_ATTEMPTS], "--webhook-attempts",
			      1, CN_HOOK_ATTEMPTS_MAX, &attempts))) ||
	    (a->val[SERVE_SESSION_IDLE] &&
	     (rc = cli_number(c, a->val[SERVE_SESSION_IDLE], "--session-idle",
			      1, SESSION_LIFE_MAX, &idle))) ||
	    (a->val[SERVE_SESSION_MAX] &&
	     (rc = cli_number(c, a->val[SERVE_SESSION_MAX], "--session-max",
			      1, SESSION_LIFE_MAX, &life))) ||
	    (a->val[SERVE_CHALLENGE_LIFE] &&
	     (rc = cli_number(c, a->val[SERVE_CHALLENGE_LIFE],
			      "--passkey-challenge-life", 1, 3600, &chal))))
		return rc;
	if (!a->val[SERVE_RP_ID] != !a->val[SERVE_ORIGIN])
		return cli_usage(c, "--rp-id and --origin go together: give"
				 " both, or neither (no passkeys)");
	if (a->val[SERVE_RP_ID]) {
		char why[200];
		if (wa_rp_check(a->val[SERVE_RP_ID], a->val[SERVE_ORIGIN], why,
				sizeof(why)))
			return cli_usage(c, "%s", why);
	}
	o.rp_id = a->val[SERVE_RP_ID];
	o.origin = a->val[SERVE_ORIGIN];
	o.challenge_life = chal;
	o.session_idle = idle;
	o.session_max = life;
	o.max_read_lag_ms = 5000;
	if (a->val[SERVE_MAX_LAG] && !a->val[SERVE_READ_DB])
		return cli_usage(c, "--max-read-lag bounds --read-db's lag: "
				 "give --read-db too");
	if (a->val[SERVE_MAX_LAG] &&
	    (rc = max_lag_ms(c, a->val[SERVE_MAX_LAG], &o.max_read_lag_ms)))
		return rc;
	if (a->val[SERVE_READ_DB] && !cn_store_is_database(c->db))
		return cli_usage(c, "--read-db takes a PostgreSQL standby of a "
				 "PostgreSQL --db; %s is a SQLite store, which "
				 "has no standbys", c->db);
	o.read_db = a->val[SERVE_READ_DB];
	o.max_streams = (unsigned)streams;
	o.timeout_s = (unsigned)tmo;
	o.public_checkpoint_every = cadence;
	/* The page that ships with this binary (paths.c) unless told
	 * otherwise; --web '' serves the API alone. */
	o.web = web ? web : cli_webdir();
	o.db = c->db;
	o.addr = addr;
	o.port = (unsigned)port;
	o.threads = (unsigned)nthreads;
	o.quiet = a->val[SERVE_QUIET] != NULL;
	o.webhooks_allow_local = a->val[SERVE_HOOKS_LOCAL] != NULL;
	o.webhook_attempts = attempts;
	o.smtp = a->val[SERVE_SMTP];
	o.mail_from = a->val[SERVE_MAIL_FROM];
	o.smtp_auth = a->val[SERVE_SMTP_AUTH];
	o.smtp_ca = a->val[SERVE_SMTP_CA];
	if (cn_serve(&o, &err))
		return cli_fail(c, &err);
	return 0;
}

const struct cli_opt cli_opts_routes[] = {OPT_END};

int cmd_routes(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	(void)c;
	(void)a;
	(void)app;
	for (const struct cn_route *r = cn_routes; r->method; r++)
		printf("%s %s\n", r->method, r->pattern);
	return 0;
}

/* ---- tokens ---------------------------------------------------------------- */

enum { TOKEN_ROLE, TOKEN_MEMBER, TOKEN_PARTNER, TOKEN_LABEL, TOKEN_URL,
       TOKEN_LIMIT, TOKEN_AFTER, TOKEN_JSON };
const struct cli_opt cli_opts_token[] = {
	[TOKEN_ROLE] = {.name = "role", .arg = "secretariat", .only = "issue",
			.flags = CLI_OPT_ONE_OF, .help = "the secretariat's token"},
	[TOKEN_MEMBER] = {.name = "member", .arg = "CODE", .only = "issue",
			  .flags = CLI_OPT_ONE_OF | CLI_OPT_LIST,
			  .max = CLI_MAX_LIST,
			  .help = "a member delegation's token; repeated: "
				  "one each, all or none"},
	[TOKEN_PARTNER] = {.name = "partner", .arg = "CODE", .only = "issue",
			   .flags = CLI_OPT_ONE_OF, .help = "a partner's token"},
	[TOKEN_LABEL] = {.name = "label", .arg = "TEXT", .only = "issue feed",
			 .help = "what it is for, shown by list"},
	[TOKEN_URL] = {.name = "url", .arg = "URL", .only = "feed",
		       .help = "the server's address in the subscribe URL"},
	[TOKEN_LIMIT] = {.name = "limit", .arg = "N", .only = "list",
			 .help = "at most N (default 100, at most 1000)"},
	[TOKEN_AFTER] = {.name = "after", .arg = "ID", .only = "list",
			 .help = "those above token ID (the next page)"},
	[TOKEN_JSON] = {.name = "json", .flags = CLI_OPT_JSON,
			.only = "issue list feed",
			.help = "machine-readable output"},
	OPT_END};

/* A member code given as a partner's, or the reverse: say which it is and
 * how to issue its token. */
static int wrong_kind(const struct cn_world *w, const char *code, int member)
{
	const struct cn_partner *p = member ? cn_world_partner(w, code) : NULL;
	const struct cn_member *m = member ? NULL : cn_world_member(w, code);

	if (p)
		fprintf(stderr, "council: %s (%s) is a partner, not a member: issue "
			"its token with --partner %s\n", code, p->name, code);
	else if (m)
		fprintf(stderr, "council: %s (%s) is a member, not a partner: issue "
			"its token with --member %s\n", code, m->name, code);
	else
		fprintf(stderr, "council: unknown %s code '%s'\n",
			member ? "member" : "partner", code);
	return EXIT_REFUSED;
}

/* Several members' tokens (--member repeated), in one transaction:
 * every code is checked first, and nothing is shown until all are stored,
 * since a token is shown once.  One line each, "CODE TOKEN". */
static int issue_members(struct cli *c, const struct cli_args *a,
			 struct cn_app *app)
{
	struct issued {
		char tok[CN_TOKEN_LEN + 1];
		int64_t id;
	} out[CLI_MAX_LIST];
	struct cn_store *st = cn_app_store(app);
	struct cn_err err = {0};
	uint8_t hash[CN_HASH_LEN];
	json_t *arr = NULL;
	char *text = NULL;
	int rc = 0;

	for (int i = 0; i < a->nlist; i++) {
		if (!cn_world_member(cn_app_world(app), a->list[i]))
			return wrong_kind(cn_app_world(app), a->list[i], 1);
		for (int j = 0; j < i; j++)
			if (!strcmp(a->list[j], a->list[i]))
				return cli_usage(c, "--member %s given twice",
						 a->list[i]);
	}
	if (cn_store_begin(st, &err))
		return cli_fail(c, &err);
	for (int i = 0; i < a->nlist; i++) {
		cn_token_new(out[i].tok, hash);
		if ((rc = cn_store_token_add(st, hash, "member", a->list[i],
					     a->val[TOKEN_LABEL], c->now,
					     &out[i].id, &err)))
			break;
	}
	/* The answer made before the commit: tokens that could not be
	 * shown must not be stored. */
	if (rc == 0 && c->json) {
		arr = json_array();
		for (int i = 0; arr && i < a->nlist; i++)
			if (json_array_append_new(arr, json_pack(
				    "{s:I, s:s, s:s, s:s}", "id",
				    (json_int_t)out[i].id, "role", "member",
				    "code", a->list[i], "token", out[i].tok))) {
				json_decref(arr);
				arr = NULL;
			}
		/* as cli_print_json writes it */
		text = arr ? json_dumps(arr, JSON_INDENT(2) |
					JSON_PRESERVE_ORDER) : NULL;
		json_decref(arr);
		if (!text)
			rc = cn_err_set(&err, CN_ENOMEM, "out of memory");
	}
	if (rc || cn_store_commit(st, &err)) {
		cn_store_rollback(st);
		free(text);
		return cli_fail(c, &err);
	}
	if (c->json) {
		puts(text);
		free(text);
	} else {
		for (int i = 0; i < a->nlist; i++)
			printf("%s %s\n", a->list[i], out[i].tok);
		fprintf(stderr, "tokens %lld to %lld for %d members: shown once; "
			"only their hashes are stored\n", (long long)out[0].id,
			(long long)out[a->nlist - 1].id, a->nlist);
	}
	return 0;
}

int cmd_token_issue(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *role = a->val[TOKEN_ROLE], *member = a->val[TOKEN_MEMBER];
	const char *partner = a->val[TOKEN_PARTNER], *r = role, *code = NULL;
	const struct cn_world *w = cn_app_world(app);
	struct cn_err err = {0};
	char tok[CN_TOKEN_LEN + 1];
	uint8_t hash[CN_HASH_LEN];
	int64_t id;

	if (role && strcmp(role, "secretariat"))
		return cli_usage(c, "--role takes 'secretariat' (use --member or "
				 "--partner for the others)");
	if (a->nlist > 1)
		return issue_members(c, a, app);
	if (member) {
		r = "member";
		code = member;
		if (!cn_world_member(w, member))
			return wrong_kind(w, member, 1);
	} else if (partner) {
		r = "partner";
		code = partner;
		if (!cn_world_partner(w, partner))
			return wrong_kind(w, partner, 0);
	}
	cn_token_new(tok, hash);
	if (cn_store_token_add(cn_app_store(app), hash, r, code, a->val[TOKEN_LABEL],
			       c->now, &id, &err))
		return cli_fail(c, &err);
	if (c->json)
		cli_print_json(json_pack("{s:I, s:s, s:s?, s:s}", "id", (json_int_t)id,
					 "role", r, "code", code, "token", tok));
	else {
		printf("%s\n", tok);
		fprintf(stderr, "token %lld for %s%s%s: shown once; only its hash is "
			"stored\n", (long long)id, r, code ? " " : "",
			code ? code : "");
	}
	return 0;
}

/* A feed key is made like a token and kept, hashed, in the same table
 * (store.h, "Calendar feed keys"). */
int cmd_token_feed(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *base = a->val[TOKEN_URL] ? a->val[TOKEN_URL]
					     : "http://127.0.0.1:8080";
	size_t blen = strlen(base);
	struct cn_err err = {0};
	char key[CN_TOKEN_LEN + 1], *url;
	uint8_t hash[CN_HASH_LEN];
	int64_t id;

	while (blen && base[blen - 1] == '/')
		blen--;
	if (strncmp(base, "http://", 7) && strncmp(base, "https://", 8))
		return cli_usage(c, "--url must begin with http:// or https://");
	cn_token_new(key, hash);
	if (cn_store_feed_add(cn_app_store(app), hash, a->id, a->val[TOKEN_LABEL],
			      c->now, &id, &err))
		return cli_fail(c, &err);
	if (asprintf(&url, "%.*s/api/v1/calendar.ics?key=%s", (int)blen, base,
		     key) < 0)
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	if (c->json)
		cli_print_json(json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id,
					 "token", (json_int_t)a->id, "url", url));
	else {
		printf("%s\n", url);
		fprintf(stderr, "feed %lld reads for token %lld: shown once; "
			"only its hash is stored\n", (long long)id,
			(long long)a->id);
	}
	free(url);
	return 0;
}

/* A page of tokens, by id: --limit (CLI_PAGE_DEFAULT, at most
 * CLI_PAGE_MAX) above --after; one more is read, to know whether another
 * page follows. */
int cmd_token_list(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_token_info *v;
	struct cn_err err = {0};
	struct cli_table t;
	int64_t limit, after;
	size_t n;
	int rc, more;

	if ((rc = cli_page_by_id(c, a->val[TOKEN_LIMIT], a->val[TOKEN_AFTER],
				 &limit, &after)))
		return rc;
	if (cn_store_token_list(cn_app_store(app), after, limit + 1, &v, &n, &err))
		return cli_fail(c, &err);
	if ((more = n > (size_t)limit))
		n = (size_t)limit;
	if (c->json) {
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, json_pack(
				"{s:I, s:s, s:s, s:s, s:s, s:s?, s:o}", "id",
				(json_int_t)v[i].id, "role", v[i].role, "code",
				v[i].principal, "label", v[i].label, "created",
				v[i].created, "revoked",
				v[i].revoked[0] ? v[i].revoked : NULL, "feed_of",
				v[i].feed_of ? json_integer(v[i].feed_of)
					     : json_null()));
		cli_print_json(json_pack("{s:I, s:o, s:o}", "count", (json_int_t)n,
					 "tokens", arr, "next",
					 more ? json_integer(v[n - 1].id)
					      : json_null()));
	} else {
		cli_table_init(&t, "rllllrl", (const char *[]){"id", "role", "code",
			       "created", "revoked", "feed_of", "label"});
		for (size_t i = 0; i < n; i++) {
			char id[32], of[32] = "-";
			snprintf(id, sizeof(id), "%lld", (long long)v[i].id);
			if (v[i].feed_of)
				snprintf(of, sizeof(of), "%lld",
					 (long long)v[i].feed_of);
			cli_table_row(&t, (const char *[]){id, v[i].role,
				v[i].principal, v[i].created,
				cli_or(v[i].revoked, "-"), of, v[i].label});
		}
		rc = cli_table_print(&t, &err);
		if (rc == 0 && more) {
			char id[32];
			snprintf(id, sizeof(id), "%lld", (long long)v[n - 1].id);
			cli_say_more("--after", id);
		}
	}
	free(v);
	return rc ? cli_fail(c, &err) : 0;
}

int cmd_token_revoke(struct cli *c, const struct cli_args *a,
		     struct cn_app *app)
{
	struct cn_err err = {0};
	int64_t id = a->id;

	if (cn_store_token_revoke(cn_app_store(app), id, c->now, &err))
		return cli_fail(c, &err);
	printf("token %lld revoked\n", (long long)id);
	return 0;
}
