/*
 * cmd_read.c - the query commands: members, bodies, partners, offices,
 * proposals, show, log, verify.  Each prints a table for people, or JSON
 * with --json.  None of them changes the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/timeutil.h"
#include "../app/export.h"
#include "../app/views.h"
#include "../core/checkpoint.h"
#include "cli.h"

static const char *s(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));
	return v ? v : "";
}

static const char *date_or(const char *v, const char *dflt)
{
	return v && *v ? v : dflt;
}

int cmd_members(struct cli *c, int argc, char **argv)
{
	const char *body = NULL, *pos[1];
	int all = 0, np, rc;
	struct cli_opt opts[] = {OPT_VAL("body", &body), OPT_FLAG("all", &all), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	char d[CN_TIME_BUF];
	const json_t *m;
	size_t i;

	if ((rc = cli_parse(c, "members", argc, argv, opts, pos, 0, &np)) ||
	    (rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	const struct cn_world *w = cn_app_world(app);
	json_t *v = cn_view_members(w, body, c->now, all, &err);
	if (!v) {
		cn_app_close(app);
		return cli_fail(c, &err);
	}
	if (c->json) {
		cli_print_json(v);
		cn_app_close(app);
		return 0;
	}
	json_array_foreach(json_object_get(v, "members"), i, m)
		printf("%-3s %-18s %s%s%s\n", s(m, "code"), s(m, "name"),
		       s(m, "accession"), *s(m, "exit") ? "  exit " : "",
		       s(m, "exit"));
	if (all)
		printf("%zu members in all\n", i);
	else
		printf("%zu members of the %s on %s\n", i,
		       body ? s(v, "body_name") : s(w->alliance, "name"),
		       cn_date_format(c->now, d));
	json_decref(v);
	cn_app_close(app);
	return 0;
}

int cmd_bodies(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int np, rc;
	struct cn_app *app;
	char d[CN_TIME_BUF];

	if ((rc = cli_parse(c, "bodies", argc, argv, NULL, pos, 0, &np)) ||
	    (rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	const struct cn_world *w = cn_app_world(app);
	if (c->json) {
		struct cn_err err = {0};
		json_t *v = cn_view_bodies(w, c->now, &err);
		cn_app_close(app);
		if (!v)
			return cli_fail(c, &err);
		cli_print_json(v);
		return 0;
	}
	for (size_t i = 0; i < w->nbodies; i++) {
		const struct cn_body *b = &w->bodies[i];
		const struct cn_member **ms;
		size_t n = 0;
		if (cn_body_members(w, b, c->now, &ms, &n) == 0)
			free(ms);
		printf("%-4s %-30s %-10s %-8s %zu members on %s%s\n", b->id,
			       b->name, b->rule_src, b->procedure, n,
			       cn_date_format(c->now, d),
			       cn_body_exists(b, c->now) ? "" : " (not in existence)");
	}
	cn_app_close(app);
	return 0;
}

int cmd_partners(struct cli *c, int argc, char **argv)
{
	const char *fw = NULL, *pos[1];
	int np, rc;
	struct cli_opt opts[] = {OPT_VAL("framework", &fw), OPT_END};
	struct cn_app *app;
		if ((rc = cli_parse(c, "partners", argc, argv, opts, pos, 0, &np)) ||
	    (rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	const struct cn_world *w = cn_app_world(app);
	if (c->json) {
		struct cn_err err = {0};
		json_t *v = cn_view_partners(w, fw, c->now, &err);
		cn_app_close(app);
		if (!v)
			return cli_fail(c, &err);
		cli_print_json(v);
		return 0;
	}
	const char *last = NULL;
	for (size_t i = 0; i < w->npartners; i++) {
		const struct cn_partner *p = &w->partners[i];
		if (fw && strcmp(fw, p->framework))
			continue;
		if (!cn_partner_active(p, c->now))
			continue;
		if (!last || strcmp(last, p->framework))
			printf("%s%s\n", last ? "\n" : "", p->framework);
		last = p->framework;
		printf("  %-3s %-28s since %-10s %s\n", p->code, p->name,
		       date_or(s(p->record, "since"), "unknown"),
		       s(p->record, "status"));
	}
	cn_app_close(app);
	return 0;
}

int cmd_offices(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int all = 0, np, rc;
	struct cli_opt opts[] = {OPT_FLAG("all", &all), OPT_END};
	struct cn_app *app;
	char d[CN_TIME_BUF];

	if ((rc = cli_parse(c, "offices", argc, argv, opts, pos, 0, &np)) ||
	    (rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	struct cn_err err = {0};
	json_t *v = cn_view_offices(cn_app_world(app), c->now, all, &err), *j;
	size_t i;
	cn_app_close(app);
	if (!v)
		return cli_fail(c, &err);
	if (c->json) {
		cli_print_json(v);
		return 0;
	}
	json_array_foreach(json_object_get(v, "offices"), i, j)
		printf("%-26s %-14s %-2s %-10s %-10s %s\n", s(j, "id"),
		       s(j, "city"), s(j, "country"),
		       date_or(s(j, "opened"), "unknown"),
		       date_or(s(j, "closed"), "-"),
		       json_is_true(json_object_get(j, "out_of_area"))
			       ? "out of area" : "in area");
	if (all)
		printf("%zu offices in all\n", i);
	else
		printf("%zu offices open on %s\n", i, cn_date_format(c->now, d));
	json_decref(v);
	return 0;
}

int cmd_proposals(struct cli *c, int argc, char **argv)
{
	const char *body = NULL, *status = NULL, *pos[1];
	int np, rc;
	struct cli_opt opts[] = {OPT_VAL("body", &body), OPT_VAL("status", &status), OPT_END};
	struct cn_app *app;

	if ((rc = cli_parse(c, "proposals", argc, argv, opts, pos, 0, &np)))
		return rc;
	static const char *const statuses[] = {"open", "concluded", "adopted",
					       "blocked", "failed", "withdrawn",
					       "lapsed", NULL};
	if (status) {
		int ok = 0;
		for (int i = 0; statuses[i]; i++)
			ok |= !strcmp(statuses[i], status);
		if (!ok)
			return cli_usage(c, "proposals",
					 "unknown status '%s' (open, concluded, "
					 "adopted, blocked, failed, withdrawn)", status);
	}
	if ((rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	const struct cn_world *w = cn_app_world(app);
	if (body && !cn_world_body(w, body)) {
		fprintf(stderr, "council: unknown body '%s'\n", body);
		cn_app_close(app);
		return EXIT_REFUSED;
	}
	json_t *out = json_array();
	for (size_t i = 0; i < w->nproposals; i++) {
		const struct cn_proposal *p = w->proposals[i];
		if (body && strcasecmp(body, p->body))
			continue;
		if (status && !(!strcmp(status, "open") ? !p->concluded
				: !strcmp(status, "concluded") ? p->concluded
				: p->concluded && !strcmp(status, p->outcome)))
			continue;
		json_t *doc = cn_proposal_json(w, p);
		if (c->json) {
			json_array_append_new(out, doc);
			continue;
		}
		printf("%4lld  %-4s %-12s %-9s %s\n", (long long)p->id, p->body,
		       cn_proc_name(p->proc), p->concluded ? p->outcome : "open",
		       p->title);
		json_decref(doc);
	}
	if (c->json)
		cli_print_json(out);
	else
		json_decref(out);
	cn_app_close(app);
	return 0;
}

/* One event as JSON (new reference), for show and log. */
static json_t *event_json(const struct cn_event *ev)
{
	char t[CN_TIME_BUF];
	return json_pack("{s:I, s:s, s:s, s:s, s:O}", "seq", (json_int_t)ev->seq,
			 "time", cn_time_format(ev->time, t), "actor", ev->actor,
			 "type", ev->type, "payload", ev->payload);
}

static void print_event_line(const json_t *e)
{
	const json_t *pl = json_object_get(e, "payload");

	printf("  %s  #%-5lld %-20s %-16s", s(e, "time"),
	       (long long)json_integer_value(json_object_get(e, "seq")),
	       s(e, "type"), s(e, "actor"));
	if (json_object_get(pl, "member"))
		printf(" %s", s(pl, "member"));
	if (json_object_get(pl, "position"))
		printf(" %s", s(pl, "position"));
	if (json_object_get(pl, "outcome"))
		printf(" %s", s(pl, "explanation"));
	if (json_is_string(json_object_get(pl, "deadline")))
		printf(" deadline %s", s(pl, "deadline"));
	if (json_is_string(json_object_get(pl, "reason")))
		printf(" \"%s\"", s(pl, "reason"));
	else if (json_is_string(json_object_get(pl, "text")) &&
		 strcmp(s(e, "type"), "proposal.created"))
		printf(" \"%s\"", s(pl, "text"));
	else if (json_is_string(json_object_get(pl, "title")))
		printf(" \"%s\"", s(pl, "title"));
	printf("\n");
}

static int collect_event(void *ctx, const struct cn_event *ev,
			 struct cn_err *err)
{
	json_t *e = event_json(ev);
	if (!e || json_array_append_new(ctx, e))
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	return 0;
}

void cli_print_proposal(const struct cn_world *w, const json_t *doc)
{
	const json_t *x;
	size_t i;
	(void)w;

	printf("Proposal %lld: %s\n", (long long)json_integer_value(json_object_get(doc, "id")),
	       s(doc, "title"));
	printf("  body        %s (%s)\n", s(doc, "body_name"), s(doc, "body"));
	printf("  procedure   %s, rule: %s\n", s(doc, "procedure"), s(doc, "rule"));
	if (json_object_get(doc, "level"))
		printf("  meeting     %s%s%s\n", s(doc, "level"),
		       json_object_get(doc, "place") ? ", " : "", s(doc, "place"));
	printf("  opened      %s\n", s(doc, "opened"));
	if (json_is_string(json_object_get(doc, "deadline")))
		printf("  deadline    %s\n", s(doc, "deadline"));
	if (*s(doc, "text"))
		printf("  text (rev %lld) %s\n",
		       (long long)json_integer_value(json_object_get(doc, "revision")),
		       s(doc, "text"));
	if (!strcmp(s(doc, "status"), "concluded"))
		printf("  outcome     %s (concluded %s)\n", s(doc, "explanation"),
		       s(doc, "concluded"));
	else
		printf("  status      open; now %s\n", s(doc, "explanation"));
	printf("  electorate  %lld members:",
	       (long long)json_integer_value(json_object_get(doc, "electorate_size")));
	json_array_foreach(json_object_get(doc, "electorate"), i, x)
		printf(" %s", json_string_value(x));
	printf("\n");
	json_array_foreach(json_object_get(doc, "positions"), i, x) {
		if (!strcmp(s(x, "position"), "silent"))
			continue;
		printf("    %-3s %-9s %s%s%s%s\n", s(x, "member"), s(x, "position"),
		       s(x, "at"), json_object_get(x, "text") ? "  \"" : "",
		       s(x, "text"), json_object_get(x, "text") ? "\"" : "");
	}
	if (json_array_size(json_object_get(doc, "outstanding"))) {
		printf("  outstanding");
		json_array_foreach(json_object_get(doc, "outstanding"), i, x)
			printf(" %s", json_string_value(x));
		printf("\n");
	}
	json_array_foreach(json_object_get(doc, "effects"), i, x) {
		printf("  effect %zu    %s", i + 1, s(x, "type"));
		if (json_object_get(x, "name"))
			printf(" %s", s(x, "name"));
		if (json_object_get(x, "city"))
			printf(", %s (%s) %s N %s E", s(x, "city"), s(x, "country"),
			       s(x, "lat"), s(x, "lon"));
		if (json_object_get(x, "code"))
			printf(" %s", s(x, "code"));
		printf("\n");
		if (json_object_get(x, "treaty_area"))
			printf("              %s\n", s(x, "treaty_area"));
	}
}

int cmd_show(struct cli *c, int argc, char **argv)
{
	const char *pos[1];
	int np, rc;
	struct cn_app *app;
	struct cn_err err = {0};

	if ((rc = cli_parse(c, "show", argc, argv, NULL, pos, 1, &np)))
		return rc;
	if (np != 1)
		return cli_usage(c, "show", "which proposal? (council show ID)");
	char *end;
	long long id = strtoll(pos[0], &end, 10);
	if (*end || id <= 0)
		return cli_usage(c, "show", "'%s' is not a proposal id", pos[0]);
	if ((rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	const struct cn_world *w = cn_app_world(app);
	const struct cn_proposal *p = cn_world_proposal(w, id);
	if (!p) {
		fprintf(stderr, "council: no proposal %lld\n", id);
		cn_app_close(app);
		return EXIT_REFUSED;
	}
	json_t *doc = cn_proposal_json(w, p), *hist = json_array();
	rc = cn_store_proposal_events(cn_app_store(app), id, collect_event, hist,
				      &err);
	if (c->json) {
		json_object_set_new(doc, "history", hist);
		cli_print_json(doc);
	} else {
		const json_t *e;
		size_t i;
		cli_print_proposal(w, doc);
		printf("  history\n");
		json_array_foreach(hist, i, e)
			print_event_line(e);
		json_decref(doc);
		json_decref(hist);
	}
	cn_app_close(app);
	if (rc)
		return cli_fail(c, &err);
	return 0;
}

static int log_line(void *ctx, const struct cn_event *ev, struct cn_err *err)
{
	const long long *filter = ctx;
	(void)err;
	if (*filter) {
		const char *kind;
		char key[64];
		if (cn_event_entity(ev, &kind, key) || strcmp(kind, "proposal") ||
		    atoll(key) != *filter)
			return 0;
	}
	if (filter[1]) {
		fwrite(ev->bytes, 1, ev->len, stdout);
		fputc('\n', stdout);
		return 0;
	}
	json_t *e = event_json(ev);
	if (!e)
		return cn_err_set(err, CN_ENOMEM, "out of memory");
	print_event_line(e);
	json_decref(e);
	return 0;
}

int cmd_log(struct cli *c, int argc, char **argv)
{
	const char *prop = NULL, *from = NULL, *size = NULL, *aud = NULL, *pos[2];
	int np, rc;
	struct cli_opt opts[] = {OPT_VAL("proposal", &prop), OPT_VAL("from", &from),
				 OPT_VAL("size", &size), OPT_VAL("for", &aud),
				 OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	long long filter[2] = {0, 0};

	if ((rc = cli_parse(c, "log", argc, argv, opts, pos, 2, &np)))
		return rc;
	if (np >= 1)
		return cli_log_sub(c, np, pos, size, aud);
	filter[0] = prop ? atoll(prop) : 0;
	filter[1] = c->json;
	if ((prop && filter[0] <= 0) || (from && atoll(from) <= 0))
		return cli_usage(c, "log", "--proposal and --from take a number");
	if ((rc = cli_open(c, CN_STORE_READONLY, &app)))
		return rc;
	rc = cn_store_scan(cn_app_store(app), from ? atoll(from) : 1, log_line,
			   filter, &err);
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}

/* A key or note given on the command line: the text itself, or a file
 * holding it (the first line for a key, the whole file for a note). */
char *cli_text_or_file(const char *arg, int whole)
{
	FILE *f = fopen(arg, "r");
	char *buf;
	long n;

	if (!f)
		return strdup(arg);
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || n > 1 << 20 ||
	    fseek(f, 0, SEEK_SET) || !(buf = calloc(1, (size_t)n + 1))) {
		fclose(f);
		return NULL;
	}
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (!whole)
		buf[strcspn(buf, "\r\n")] = '\0';
	return buf;
}

/* The store must contain the tree a checkpoint signed: not shorter (a
 * rollback), and giving the same root at its size. */
static int check_against(struct cn_app *app, const char *note, const char *vkey,
			 struct cn_err *err)
{
	struct cn_checkpoint cp;
	uint8_t pk[32], root[32];
	uint64_t size;
	char *name = NULL, *stored = NULL;
	int rc;

	if (!vkey && cn_store_get_meta(cn_app_store(app), "log_vkey", &stored, err))
		return CN_ECORRUPT;
	rc = cn_note_vkey_decode(vkey ? vkey : stored, &name, pk, err);
	if (rc == 0 && (rc = cn_checkpoint_verify(note, strlen(note), name, pk, &cp,
						  err)) == 0) {
		if ((rc = cn_store_tree_size(cn_app_store(app), &size, err)) == 0) {
			if (cp.size > size)
				rc = cn_err_set(err, CN_ECORRUPT,
						"the log has %llu events but a "
						"checkpoint of size %llu was signed: "
						"it was rolled back or truncated",
						(unsigned long long)size,
						(unsigned long long)cp.size);
			else if ((rc = cn_store_root_at(cn_app_store(app), cp.size,
							root, err)) == 0 &&
				 memcmp(root, cp.root, 32))
				rc = cn_err_set(err, CN_ECORRUPT,
						"the log is not consistent with the "
						"checkpoint of size %llu: its first "
						"%llu events were changed",
						(unsigned long long)cp.size,
						(unsigned long long)cp.size);
		}
		cn_checkpoint_release(&cp);
	} else if (rc)
		cn_err_prefix(err, "checkpoint: ");
	free(name);
	free(stored);
	return rc;
}

int cmd_verify(struct cli *c, int argc, char **argv)
{
	const char *logkey = NULL, *checkpoint = NULL, *export = NULL, *pos[1];
	int np, rc;
	struct cli_opt opts[] = {OPT_VAL("log-key", &logkey),
				 OPT_VAL("checkpoint", &checkpoint),
				 OPT_VAL("export", &export), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	int64_t n = 0, ncp = 0;
	char *vkey = NULL, *note = NULL;

	if ((rc = cli_parse(c, "verify", argc, argv, opts, pos, 0, &np)))
		return rc;
	if (logkey && !(vkey = cli_text_or_file(logkey, 0)))
		return cli_usage(c, "verify", "cannot read --log-key %s", logkey);
	if (checkpoint && !(note = cli_text_or_file(checkpoint, 1))) {
		free(vkey);
		return cli_usage(c, "verify", "cannot read --checkpoint %s", checkpoint);
	}
	if (export) {
		struct cn_export_stats stx;
		rc = cn_verify_export(export, vkey, &stx, &err);
		free(vkey);
		free(note);
		if (rc) {
			fprintf(stderr, "council: verify failed: %s\n", err.msg);
			return EXIT_REFUSED;
		}
		printf("ok: %lld events (%llu bytes), export for %s, %lld of them "
		       "checked only as commitments; hash chain intact; Merkle "
		       "tree and %lld signed checkpoints verified%s\n",
		       (long long)stx.events, (unsigned long long)stx.bytes,
		       stx.audience, (long long)stx.commitments,
		       (long long)stx.checkpoints,
		       logkey ? "" : " (against the key the file names: give "
				     "--log-key to check it is the log's)");
		return 0;
	}
	/* Read-only: an auditor's copy of the database, without the log's
	 * signing key, verifies. */
	if (cn_app_open(c->db, CN_STORE_READONLY, &app, &err) == 0) {
		rc = cn_app_verify(app, vkey, &n, &ncp, &err);
		if (rc == 0 && note)
			rc = check_against(app, note, vkey, &err);
		cn_app_close(app);
	} else
		rc = err.code;
	free(vkey);
	free(note);
	if (c->json) {
		cli_print_json(json_pack("{s:b, s:I, s:I, s:s}", "ok", rc == 0,
					 "events", (json_int_t)n, "checkpoints",
					 (json_int_t)ncp, "message",
					 rc ? err.msg : "chain, tree, checkpoints and projections verified"));
		return rc ? EXIT_REFUSED : 0;
	}
	if (rc) {
		fprintf(stderr, "council: verify failed: %s\n", err.msg);
		return EXIT_REFUSED;
	}
	printf("ok: %lld events; hash chain intact; Merkle tree and %lld signed "
	       "checkpoints verified%s; projections match a replay of the log\n",
	       (long long)n, (long long)ncp,
	       checkpoint ? "; consistent with the given checkpoint" : "");
	return 0;
}
