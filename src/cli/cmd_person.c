/*
 * cmd_person.c - `council person add|list|disable|passkeys`: the people
 * who sign in to the page (store/people.h), made and disabled by the
 * secretariat from the command line as over the API (POST
 * /api/v1/people); and a person's passkeys (store/passkeys.h), listed,
 * and one removed for a person who lost the device that held it.
 *
 * A password is read from a file (or standard input, "-"), never from
 * the command line, where `ps` and the shell's history would show it;
 * one final newline is dropped.  It is hashed (Argon2id, app/people.h)
 * and wiped; neither it nor its hash is ever printed.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../app/people.h"
#include "../app/views.h"
#include "cli.h"
#include "util.h"

enum { PERSON_NAME, PERSON_DELEGATION, PERSON_SECRETARIAT, PERSON_PASSWORD,
       PERSON_REMOVE, PERSON_LIMIT, PERSON_AFTER, PERSON_JSON };
const struct cli_opt cli_opts_person[] = {
	[PERSON_NAME] = {.name = "name", .arg = "NAME", .only = "add",
			 .flags = CLI_OPT_REQUIRED,
			 .help = "the name the person signs in with: letters,\n"
				 "digits and . _ - @, at most 64 bytes"},
	[PERSON_DELEGATION] = {.name = "delegation", .arg = "CODE", .only = "add",
			       .flags = CLI_OPT_ONE_OF,
			       .help = "acts for this member's delegation, or\n"
				       "this partner"},
	[PERSON_SECRETARIAT] = {.name = "secretariat", .only = "add",
				.flags = CLI_OPT_ONE_OF,
				.help = "acts for the secretariat"},
	[PERSON_PASSWORD] = {.name = "password-file", .arg = "F", .only = "add",
			     .flags = CLI_OPT_REQUIRED,
			     .help = "read the password from F ('-': standard\n"
				     "input); one final newline is dropped"},
	[PERSON_REMOVE] = {.name = "remove", .arg = "PK", .only = "passkeys",
			   .help = "remove the person's passkey PK (its id in\n"
				   "the list): it signs nobody in after"},
	[PERSON_LIMIT] = {.name = "limit", .arg = "N", .only = "list",
			  .help = "at most N (default 100, at most 1000)"},
	[PERSON_AFTER] = {.name = "after", .arg = "ID", .only = "list",
			  .help = "those above person ID (the next page)"},
	[PERSON_JSON] = {.name = "json", .help = "machine-readable output",
			 .flags = CLI_OPT_JSON, .only = "add list passkeys"},
	OPT_END,
};

/* The password in F into buf (len bytes, not NUL-terminated): 0, or an
 * error naming F. */
static int read_password(const char *path, char *buf, size_t max, size_t *len,
			 struct cn_err *err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	size_t n;
	int bad;

	if (!f)
		return cn_err_set(err, CN_EINVAL, "--password-file %s: %s", path,
				  strerror(errno));
	n = fread(buf, 1, max, f);
	bad = ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad)
		return cn_err_set(err, CN_EINVAL, "--password-file %s: cannot be"
				  " read", path);
	if (n == max)
		return cn_err_set(err, CN_EINVAL, "--password-file %s: a password"
				  " has at most %d bytes", path, CN_PASSWORD_MAX);
	if (n && buf[n - 1] == '\n')
		n--;
	if (n && buf[n - 1] == '\r')
		n--;
	*len = n;
	return 0;
}

int cmd_person_add(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	/* Room for the longest password, a CRLF, and one byte to see more. */
	char pw[CN_PASSWORD_MAX + 3];
	struct cn_err err = {0};
	struct cn_person p;
	size_t len = 0;
	int64_t id;
	int rc;

	rc = read_password(a->val[PERSON_PASSWORD], pw, sizeof(pw), &len, &err);
	if (rc == 0)
		rc = cn_person_make(cn_app_world(app), a->val[PERSON_NAME],
				    a->val[PERSON_DELEGATION], pw, len, &p, &err);
	sodium_memzero(pw, sizeof(pw));
	if (rc == 0)
		rc = cn_store_person_add(cn_app_store(app), &p, c->now, &id, &err);
	sodium_memzero(p.pwhash, sizeof(p.pwhash));
	if (rc)
		return cli_fail(c, &err);
	if (c->json)
		cli_print_json(json_pack("{s:I, s:s, s:s, s:s?}", "id",
					 (json_int_t)id, "name", p.name, "role",
					 p.role, "code",
					 p.principal[0] ? p.principal : NULL));
	else
		printf("%lld\n", (long long)id);
	return 0;
}

static int add_row(void *ctx, const struct cn_person *p, struct cn_err *err)
{
	json_t *arr = ctx;

	if (json_array_append_new(arr, json_pack(
		    "{s:I, s:s, s:s, s:s?, s:s, s:s?}", "id", (json_int_t)p->id,
		    "name", p->name, "role", p->role, "code",
		    p->principal[0] ? p->principal : NULL, "created", p->created,
		    "disabled", p->disabled[0] ? p->disabled : NULL)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

/* A page of people, by id, as token list's (cmd_serve.c). */
int cmd_person_list(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_err err = {0};
	json_t *arr = json_array(), *v, *next;
	struct cli_table t;
	int64_t limit, after;
	size_t i;
	int rc;

	if ((rc = cli_page_by_id(c, a->val[PERSON_LIMIT], a->val[PERSON_AFTER],
				 &limit, &after))) {
		json_decref(arr);
		return rc;
	}
	if (cn_store_people_list(cn_app_store(app), after, limit + 1, add_row,
				 arr, &err)) {
		json_decref(arr);
		return cli_fail(c, &err);
	}
	next = cn_view_cut_by_id(arr, limit);
	if (c->json) {
		cli_page_end(c, arr, "people", next);
		return 0;
	}
	cli_table_init(&t, "rllll", (const char *[]){"id", "name", "code",
		       "created", "disabled"});
	json_array_foreach(arr, i, v) {
		char id[32], code[32];
		const char *r = json_string_value(json_object_get(v, "role"));
		snprintf(id, sizeof(id), "%lld",
			 (long long)json_integer_value(json_object_get(v, "id")));
		snprintf(code, sizeof(code), "%s", strcmp(r, "secretariat") ?
			 json_string_value(json_object_get(v, "code")) : r);
		cli_table_row(&t, (const char *[]){id,
			json_string_value(json_object_get(v, "name")), code,
			json_string_value(json_object_get(v, "created")),
			cli_or(json_string_value(json_object_get(v, "disabled")),
			       "-")});
	}
	if ((rc = cli_table_print(&t, &err))) {
		json_decref(next);
		next = json_null();
	}
	cli_page_end(c, arr, "people", next);
	return rc ? cli_fail(c, &err) : 0;
}

int cmd_person_disable(struct cli *c, const struct cli_args *a,
		       struct cn_app *app)
{
	struct cn_err err = {0};

	if (cn_store_person_disable(cn_app_store(app), a->id, c->now, &err))
		return cli_fail(c, &err);
	fprintf(stderr, "person %lld disabled; its sessions are ended\n",
		(long long)a->id);
	return 0;
}

static int passkey_row(void *ctx, const struct cn_passkey *k,
		       struct cn_err *err)
{
	if (json_array_append_new(ctx, json_pack(
		    "{s:I, s:s, s:s, s:s?, s:I}", "id", (json_int_t)k->id,
		    "label", k->label, "created", k->created, "used",
		    k->used[0] ? k->used : NULL, "sign_count",
		    (json_int_t)k->sign_count)))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

int cmd_person_passkeys(struct cli *c, const struct cli_args *a,
			struct cn_app *app)
{
	struct cn_store *st = cn_app_store(app);
	struct cn_err err = {0};
	json_t *arr, *v;
	struct cli_table t;
	int64_t pk;
	size_t i;
	int rc;

	/* The person first, so that an id that names none says so. */
	if ((rc = cn_store_people(st, NULL, a->id, NULL, NULL, &err)))
		return cli_fail(c, &err);
	if (a->val[PERSON_REMOVE]) {
		if ((rc = cli_number(c, a->val[PERSON_REMOVE], "--remove", 1,
				     INT64_MAX, &pk)))
			return rc;
		if (cn_store_passkey_remove(st, a->id, pk, &err))
			return cli_fail(c, &err);
		fprintf(stderr, "passkey %lld of person %lld removed\n",
			(long long)pk, (long long)a->id);
		return 0;
	}
	arr = json_array();
	if ((rc = cn_store_passkeys(st, a->id, passkey_row, arr, &err))) {
		json_decref(arr);
		return cli_fail(c, &err);
	}
	if (c->json) {
		cli_print_json(arr);
		return 0;
	}
	cli_table_init(&t, "rlll", (const char *[]){"id", "label", "created",
		       "used"});
	json_array_foreach(arr, i, v) {
		char id[32];
		snprintf(id, sizeof(id), "%lld",
			 (long long)json_integer_value(json_object_get(v, "id")));
		cli_table_row(&t, (const char *[]){id,
			json_string_value(json_object_get(v, "label")),
			json_string_value(json_object_get(v, "created")),
			cli_or(json_string_value(json_object_get(v, "used")), "-")});
	}
	rc = cli_table_print(&t, &err);
	json_decref(arr);
	return rc ? cli_fail(c, &err) : 0;
}
