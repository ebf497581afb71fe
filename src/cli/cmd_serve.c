/*
 * cmd_serve.c - `council serve`, `council token` and `council routes`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"
#include "../server/api.h"
#include "../server/auth.h"
#include "../server/server.h"
#include "cli.h"

#ifndef CN_WEBDIR
#define CN_WEBDIR "web/dist"
#endif

int cmd_serve(struct cli *c, int argc, char **argv)
{
	const char *listen = "127.0.0.1:8080", *threads = NULL, *timeout = NULL,
		   *web = NULL, *every = NULL, *pos[1];
	int quiet = 0, np, rc;
	struct cli_opt opts[] = {OPT_VAL("listen", &listen),
				 OPT_VAL("threads", &threads),
				 OPT_VAL("timeout", &timeout),
				 OPT_VAL("web", &web),
				 OPT_VAL("public-checkpoint-every", &every),
				 OPT_FLAG("quiet", &quiet), OPT_END};
	struct cn_serve_opts o = {0};
	struct cn_err err = {0};
	char addr[64];
	const char *colon;
	char *end;

	if ((rc = cli_parse(c, "serve", argc, argv, opts, pos, 0, &np)))
		return rc;
	colon = strrchr(listen, ':');
	if (!colon || colon == listen || (size_t)(colon - listen) >= sizeof(addr))
		return cli_usage(c, "serve", "--listen takes ADDR:PORT, e.g. 127.0.0.1:8080");
	snprintf(addr, sizeof(addr), "%.*s", (int)(colon - listen), listen);
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return cli_usage(c, "serve", "bad port in --listen '%s'", listen);
	long nthreads = threads ? strtol(threads, &end, 10) : 2;
	if ((threads && *end) || nthreads < 1 || nthreads > 64)
		return cli_usage(c, "serve", "--threads takes 1..64");
	long tmo = timeout ? strtol(timeout, &end, 10) : 15;
	if ((timeout && *end) || tmo < 1 || tmo > 3600)
		return cli_usage(c, "serve", "--timeout takes 1..3600 seconds");
	o.timeout_s = (unsigned)tmo;
	long long cadence = every ? strtoll(every, &end, 10) : 0;
	if ((every && (*end || !*every)) || cadence < 0 || cadence > 31622400)
		return cli_usage(c, "serve", "--public-checkpoint-every takes 0..31622400 "
				 "seconds (0: every checkpoint)");
	o.public_checkpoint_every = cadence;
	/* The page ships beside the binary's sources unless told otherwise;
	 * --web '' serves the API alone. */
	o.web = web ? web : getenv("COUNCIL_WEB") ? getenv("COUNCIL_WEB")
						  : CN_WEBDIR;
	o.db = c->db;
	o.addr = addr;
	o.port = (unsigned)port;
	o.threads = (unsigned)nthreads;
	o.quiet = quiet;
	if (cn_serve(&o, &err))
		return cli_fail(c, &err);
	return 0;
}

int cmd_routes(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int np, rc;
	if ((rc = cli_parse(c, "routes", argc, argv, NULL, pos, 0, &np)))
		return rc;
	for (const struct cn_route *r = cn_routes; r->method; r++)
		printf("%s %s\n", r->method, r->pattern);
	return 0;
}

int cmd_token(struct cli *c, int argc, char **argv)
{
	const char *role = NULL, *member = NULL, *partner = NULL, *label = NULL,
		   *pos[2];
	int np, rc;
	struct cli_opt opts[] = {OPT_VAL("role", &role), OPT_VAL("member", &member),
				 OPT_VAL("partner", &partner),
				 OPT_VAL("label", &label), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};

	if ((rc = cli_parse(c, "token", argc, argv, opts, pos, 2, &np)))
		return rc;
	if (np < 1)
		return cli_usage(c, "token", "issue, list or revoke?");
	if (!strcmp(pos[0], "issue")) {
		const char *r = role, *code = NULL;
		int n = (role != NULL) + (member != NULL) + (partner != NULL);
		if (n != 1 || np != 1)
			return cli_usage(c, "token", "give exactly one of --role "
					 "secretariat, --member CODE, --partner CODE");
		if (role && strcmp(role, "secretariat"))
			return cli_usage(c, "token", "--role takes 'secretariat' "
					 "(use --member or --partner for the others)");
		if (member) {
			r = "member";
			code = member;
		} else if (partner) {
			r = "partner";
			code = partner;
		}
		if ((rc = cli_open(c, 0, &app)))
			return rc;
		const struct cn_world *w = cn_app_world(app);
		if (member && !cn_world_member(w, member)) {
			cn_app_close(app);
			fprintf(stderr, "council: unknown member code '%s'\n", member);
			return EXIT_REFUSED;
		}
		if (partner && !cn_world_partner(w, partner)) {
			cn_app_close(app);
			fprintf(stderr, "council: unknown partner code '%s'\n", partner);
			return EXIT_REFUSED;
		}
		char tok[CN_TOKEN_LEN + 1];
		uint8_t hash[CN_HASH_LEN];
		int64_t id;
		cn_token_new(tok, hash);
		rc = cn_store_token_add(cn_app_store(app), hash, r, code, label,
					c->now, &id, &err);
		cn_app_close(app);
		if (rc)
			return cli_fail(c, &err);
		if (c->json)
			cli_print_json(json_pack("{s:I, s:s, s:s?, s:s}", "id",
						 (json_int_t)id, "role", r, "code",
						 code, "token", tok));
		else {
			printf("%s\n", tok);
			fprintf(stderr, "token %lld for %s%s%s: shown once; only its "
				"hash is stored\n", (long long)id, r, code ? " " : "",
				code ? code : "");
		}
		return 0;
	}
	if (!strcmp(pos[0], "list")) {
		struct cn_token_info *v;
		size_t n;
		if ((rc = cli_open(c, CN_STORE_READONLY, &app)))
			return rc;
		rc = cn_store_token_list(cn_app_store(app), &v, &n, &err);
		cn_app_close(app);
		if (rc)
			return cli_fail(c, &err);
		json_t *arr = json_array();
		for (size_t i = 0; i < n; i++) {
			if (c->json)
				json_array_append_new(arr, json_pack(
					"{s:I, s:s, s:s, s:s, s:s, s:s?}", "id",
					(json_int_t)v[i].id, "role", v[i].role,
					"code", v[i].principal, "label", v[i].label,
					"created", v[i].created, "revoked",
					v[i].revoked[0] ? v[i].revoked : NULL));
			else
				printf("%4lld  %-11s %-3s %-20s %s%s%s\n",
				       (long long)v[i].id, v[i].role, v[i].principal,
				       v[i].created, v[i].label,
				       v[i].revoked[0] ? "  revoked " : "",
				       v[i].revoked);
		}
		free(v);
		if (c->json)
			cli_print_json(arr);
		else
			json_decref(arr);
		return 0;
	}
	if (!strcmp(pos[0], "revoke")) {
		char *end;
		if (np != 2)
			return cli_usage(c, "token", "revoke which id?");
		long long id = strtoll(pos[1], &end, 10);
		if (*end || id <= 0)
			return cli_usage(c, "token", "'%s' is not a token id", pos[1]);
		if ((rc = cli_open(c, 0, &app)))
			return rc;
		rc = cn_store_token_revoke(cn_app_store(app), id, c->now, &err);
		cn_app_close(app);
		if (rc)
			return cli_fail(c, &err);
		printf("token %lld revoked\n", id);
		return 0;
	}
	return cli_usage(c, "token", "unknown action '%s' (issue, list, revoke)",
			 pos[0]);
}
