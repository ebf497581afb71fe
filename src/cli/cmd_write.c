/*
 * cmd_write.c - the commands that change a store: init, propose, respond,
 * extend, recirculate, conclude, withdraw, tick, and replay.
 *
 * Each one takes --at TIME (default: now) so history can be recorded as it
 * happened.  A refused command prints why on stderr, exits 1, and leaves
 * the store exactly as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include "../core/checkpoint.h"
#include "../core/timeutil.h"
#include "cli.h"

#ifndef CN_DATADIR
#define CN_DATADIR "data"
#endif

static const char *default_dataset(void)
{
	const char *d = getenv("COUNCIL_DATASET");
	return d ? d : CN_DATADIR "/nato.json";
}

static int parse_id(struct cli *c, const char *cmd, int np, const char **pos,
		    int64_t *id)
{
	char *end;
	if (np != 1)
		return cli_usage(c, cmd, "which proposal? (council %s ID ...)", cmd);
	long long v = strtoll(pos[0], &end, 10);
	if (*end || v <= 0)
		return cli_usage(c, cmd, "'%s' is not a proposal id", pos[0]);
	*id = v;
	return 0;
}

int cmd_init(struct cli *c, int argc, char **argv)
{
	const char *dataset = NULL, *pos[1];
	int np, rc;
	struct cli_opt opts[] = {OPT_VAL("dataset", &dataset), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};

	if ((rc = cli_parse(c, "init", argc, argv, opts, pos, 0, &np)))
		return rc;
	if (access(c->db, F_OK) == 0) {
		fprintf(stderr, "council: %s already exists; init creates a new "
				"store and never overwrites one\n", c->db);
		return EXIT_REFUSED;
	}
	if (!dataset)
		dataset = default_dataset();
	if ((rc = cli_open(c, CN_STORE_CREATE, &app)))
		return rc;
	rc = cn_app_seed(app, dataset, c->now, &err);
	const struct cn_world *w = cn_app_world(app);
	if (!rc)
		printf("created %s: %s, %zu members, %zu bodies, %zu partners, "
		       "%zu offices (%lld events); log key in %s.key\n", c->db,
		       json_string_value(json_object_get(w->alliance, "name")),
		       w->nmembers, w->nbodies, w->npartners, w->noffices,
		       (long long)w->last_seq, c->db);
	cn_app_close(app);
	if (rc) {
		/* Leave nothing half-made behind. */
		unlink(c->db);
		char side[600];
		snprintf(side, sizeof(side), "%s-wal", c->db);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", c->db);
		unlink(side);
		snprintf(side, sizeof(side), "%s.key", c->db);
		unlink(side);
		return cli_fail(c, &err);
	}
	return 0;
}

/* "open-office:id=x,name=y" or a JSON object, into a new JSON object. */
static json_t *parse_effect(const char *spec, struct cn_err *err)
{
	json_error_t je;
	json_t *o;
	const char *colon;

	if (spec[0] == '{') {
		o = json_loads(spec, JSON_REJECT_DUPLICATES, &je);
		if (!o || !json_is_object(o)) {
			json_decref(o);
			cn_err_set(err, CN_EINVAL, "--effect: not a JSON object: %s",
				   o ? "" : je.text);
			return NULL;
		}
		return o;
	}
	colon = strchr(spec, ':');
	o = json_object();
	json_object_set_new(o, "type", json_stringn(spec, colon ? (size_t)(colon - spec)
								: strlen(spec)));
	for (const char *p = colon ? colon + 1 : ""; *p;) {
		const char *end = strchr(p, ','), *eq = strchr(p, '=');
		if (!end)
			end = p + strlen(p);
		if (!eq || eq > end || eq == p) {
			cn_err_set(err, CN_EINVAL,
				   "--effect: expected key=value at '%.*s'",
				   (int)(end - p), p);
			json_decref(o);
			return NULL;
		}
		char key[64];
		snprintf(key, sizeof(key), "%.*s", (int)(eq - p), p);
		json_object_set_new(o, key, json_stringn(eq + 1, (size_t)(end - eq - 1)));
		p = *end ? end + 1 : end;
	}
	return o;
}

int cmd_propose(struct cli *c, int argc, char **argv)
{
	const char *effects[16], *pos[1];
	int neff = 0, shared = 0, np, rc;
	struct cn_propose_args a = {0};
	struct cli_opt opts[] = {
		OPT_VAL("body", &a.body), OPT_VAL("title", &a.title), OPT_VAL("text", &a.text),
		OPT_VAL("procedure", &a.procedure), OPT_VAL("deadline", &a.deadline),
		OPT_VAL("level", &a.level), OPT_VAL("place", &a.place),
		OPT_VAL("proposer", &a.proposer), OPT_FLAG("shared", &shared),
		OPT_LIST("effect", effects, &neff, 16), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};

	if ((rc = cli_parse(c, "propose", argc, argv, opts, pos, 0, &np)))
		return rc;
	if (!a.body)
		return cli_usage(c, "propose", "--body is required");
	if (!a.title)
		return cli_usage(c, "propose", "--title is required");
	json_t *eff = json_array();
	for (int i = 0; i < neff; i++) {
		json_t *e = parse_effect(effects[i], &err);
		if (!e) {
			json_decref(eff);
			return cli_fail(c, &err);
		}
		json_array_append_new(eff, e);
	}
	a.effects = eff;
	a.shared = shared;
	if ((rc = cli_open(c, 0, &app))) {
		json_decref(eff);
		return rc;
	}
	int64_t id = (int64_t)cn_app_world(app)->nproposals + 1;
	rc = cn_app_run(app, c->now, a.proposer ? a.proposer : "secretariat",
			cn_app_cmd_propose, &a, NULL, &err);
	json_decref(eff);
	if (rc) {
		cn_app_close(app);
		return cli_fail(c, &err);
	}
	/* A tick in the same run may have concluded others first; the new
	 * proposal is the last one. */
	id = (int64_t)cn_app_world(app)->nproposals;
	if (c->json)
		cli_print_json(cn_proposal_json(cn_app_world(app),
						cn_world_proposal(cn_app_world(app), id)));
	else
		printf("%lld\n", (long long)id);
	cn_app_close(app);
	return 0;
}

/* Sign the position with the delegation's secret key (a note skey file),
 * over the bytes core/world.h cn_position_message defines. */
static int sign_position(struct cn_app *app, const struct cn_respond_args *r,
			 const char *keyfile, char **sig, struct cn_err *err)
{
	const struct cn_proposal *p = cn_world_proposal(cn_app_world(app), r->proposal);
	char *skey = cli_text_or_file(keyfile, 0), *name = NULL, *msg = NULL;
	unsigned char sk[64], s[crypto_sign_BYTES];
	size_t len;
	int rc;

	if (!p)
		rc = cn_err_set(err, CN_ENOTFOUND, "no proposal %lld",
				(long long)r->proposal);
	else if (!skey || (rc = cn_note_skey_decode(skey, &name, sk, err)))
		rc = skey ? cn_err_prefix(err, "--sign %s: ", keyfile)
			  : cn_err_set(err, CN_EINVAL, "--sign: cannot read %s", keyfile);
	else if ((rc = cn_position_message(
			  r->proposal, p->revision, r->member,
			  r->act == CN_ACT_LIFT ? "lift"
			  : r->act == CN_ACT_COMMENT ? "comment" : cn_pos_name(r->pos),
			  r->act == CN_ACT_LIFT ? NULL : r->text, r->declared, &msg,
			  &len, err)) == 0) {
		crypto_sign_detached(s, NULL, (unsigned char *)msg, len, sk);
		*sig = malloc(sodium_base64_ENCODED_LEN(sizeof(s),
			sodium_base64_VARIANT_ORIGINAL));
		if (*sig)
			sodium_bin2base64(*sig, sodium_base64_ENCODED_LEN(sizeof(s),
					  sodium_base64_VARIANT_ORIGINAL), s, sizeof(s),
					  sodium_base64_VARIANT_ORIGINAL);
		else
			rc = cn_err_set(err, CN_ENOMEM, "out of memory");
	}
	sodium_memzero(sk, sizeof(sk));
	if (skey)
		sodium_memzero(skey, strlen(skey));
	free(skey);
	free(name);
	free(msg);
	return rc;
}

int cmd_keygen(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *outp = NULL, *pos[1];
	struct cli_opt opts[] = {OPT_VAL("name", &name), OPT_VAL("out", &outp), OPT_END};
	struct cn_err err = {0};
	uint8_t pk[32], sk[64];
	char *skey = NULL, *vkey = NULL, pub[1024];
	int np, rc, fd;

	if ((rc = cli_parse(c, "keygen", argc, argv, opts, pos, 0, &np)))
		return rc;
	if (!name || !outp)
		return cli_usage(c, "keygen", "--name and --out are required");
	if ((rc = cn_note_keygen(name, pk, sk, &err)) ||
	    (rc = cn_note_skey_encode(name, sk, &skey, &err)) ||
	    (rc = cn_note_vkey_encode(name, pk, &vkey, &err)))
		return cli_fail(c, &err);
	fd = open(outp, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, skey, strlen(skey)) != (ssize_t)strlen(skey) ||
	    write(fd, "\n", 1) != 1 || close(fd)) {
		fprintf(stderr, "council: %s: cannot create (it must not exist)\n", outp);
		rc = EXIT_REFUSED;
	}
	snprintf(pub, sizeof(pub), "%s.pub", outp);
	FILE *f = rc ? NULL : fopen(pub, "w");
	if (!rc && (!f || fprintf(f, "%s\n", vkey) < 0 || fclose(f))) {
		fprintf(stderr, "council: %s: cannot write\n", pub);
		rc = EXIT_REFUSED;
	}
	if (!rc)
		printf("%s\n", vkey);
	sodium_memzero(sk, sizeof(sk));
	sodium_memzero(skey, strlen(skey));
	free(skey);
	free(vkey);
	return rc;
}

static int register_fn(const struct cn_world *w, int64_t now, const void *a,
		       struct cn_outbox *box, struct cn_err *err)
{
	const char *const *kv = a;
	return cn_cmd_register_key(w, now, kv[0], kv[1], box, err);
}

int cmd_key(struct cli *c, int argc, char **argv)
{
	const char *member = NULL, *vkeyarg = NULL, *pos[1];
	struct cli_opt opts[] = {OPT_VAL("member", &member),
				 OPT_VAL("vkey", &vkeyarg), OPT_END};
	struct cn_err err = {0};
	struct cn_app *app;
	int np, rc;

	if ((rc = cli_parse(c, "key", argc, argv, opts, pos, 1, &np)))
		return rc;
	if (np != 1 || strcmp(pos[0], "register") || !member || !vkeyarg)
		return cli_usage(c, "key", "council key register --member CODE --vkey KEY");
	char *vkey = cli_text_or_file(vkeyarg, 0);
	const char *kv[2] = {member, vkey};
	if (!vkey)
		return cli_usage(c, "key", "cannot read --vkey %s", vkeyarg);
	if ((rc = cli_open(c, 0, &app))) {
		free(vkey);
		return rc;
	}
	rc = cn_app_run(app, c->now, "secretariat", register_fn, kv, NULL, &err);
	cn_app_close(app);
	free(vkey);
	if (rc)
		return cli_fail(c, &err);
	printf("key registered for %s\n", member);
	return 0;
}

int cmd_respond(struct cli *c, int argc, char **argv)
{
	const char *footnote = NULL, *comment = NULL, *reason = NULL,
		   *receipt = NULL, *sign = NULL, *pos[1];
	int concur = 0, object = 0, abstain = 0, reserve = 0, lift = 0,
	    declare = 0, np, rc;
	struct cn_respond_args r = {0};
	struct cli_opt opts[] = {
		OPT_VAL("member", &r.member), OPT_FLAG("concur", &concur),
		OPT_FLAG("object", &object), OPT_FLAG("abstain", &abstain),
		OPT_FLAG("reserve", &reserve), OPT_FLAG("lift", &lift),
		OPT_VAL("footnote", &footnote), OPT_VAL("comment", &comment),
		OPT_VAL("reason", &reason), OPT_FLAG("declare", &declare),
		OPT_VAL("receipt", &receipt), OPT_VAL("sign", &sign), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	char actor[32];

	if ((rc = cli_parse(c, "respond", argc, argv, opts, pos, 1, &np)) ||
	    (rc = parse_id(c, "respond", np, pos, &r.proposal)))
		return rc;
	if (!r.member)
		return cli_usage(c, "respond", "--member is required");
	int n = concur + object + abstain + reserve + lift + (footnote != NULL) +
		(comment != NULL);
	if (n != 1)
		return cli_usage(c, "respond",
				 "give exactly one of --concur, --object, "
				 "--abstain, --reserve, --lift, --footnote, --comment");
	r.act = CN_ACT_POSITION;
	r.pos = concur ? CN_POS_CONCUR : object ? CN_POS_OBJECT
		: abstain ? CN_POS_ABSTAIN : reserve ? CN_POS_RESERVE
		: CN_POS_FOOTNOTE;
	r.text = footnote ? footnote : reason;
	if (lift)
		r.act = CN_ACT_LIFT;
	if (comment) {
		r.act = CN_ACT_COMMENT;
		r.text = comment;
	}
	if (footnote && reason)
		return cli_usage(c, "respond", "--footnote carries its own text; "
				 "--reason does not apply");
	r.declared = declare;
	if ((rc = cli_open(c, 0, &app)))
		return rc;
	snprintf(actor, sizeof(actor), "delegation:%.8s", r.member);
	char *sig = NULL;
	if (sign && (rc = sign_position(app, &r, sign, &sig, &err))) {
		cn_app_close(app);
		return cli_fail(c, &err);
	}
	r.signature = sig;
	rc = cn_app_run(app, c->now, actor, cn_app_cmd_respond, &r, NULL, &err);
	free(sig);
	if (!rc && receipt)
		rc = cli_write_receipt(app, r.proposal, r.member, receipt, &err);
	if (!rc) {
		const struct cn_proposal *p = cn_world_proposal(cn_app_world(app),
								r.proposal);
		json_t *doc = cn_proposal_json(cn_app_world(app), p);
		if (c->json)
			cli_print_json(doc);
		else {
			printf("proposal %lld: %s\n", (long long)r.proposal,
			       json_string_value(json_object_get(doc, "explanation")));
			json_decref(doc);
		}
	}
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}

/* extend, recirculate, conclude, withdraw share one shape. */
static int secretariat(struct cli *c, const char *cmd, cn_command_fn fn,
		       int argc, char **argv)
{
	const char *pos[1];
	struct cn_app_secretariat_args s = {0};
	struct cli_opt opts[] = {OPT_VAL("text", &s.text), OPT_VAL("deadline", &s.deadline),
				 OPT_VAL("reason", &s.reason), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	int np, rc;

	if ((rc = cli_parse(c, cmd, argc, argv, opts, pos, 1, &np)) ||
	    (rc = parse_id(c, cmd, np, pos, &s.proposal)))
		return rc;
	if ((rc = cli_open(c, 0, &app)))
		return rc;
	rc = cn_app_run(app, c->now, "secretariat", fn, &s, NULL, &err);
	if (!rc) {
		const struct cn_proposal *p =
			cn_world_proposal(cn_app_world(app), s.proposal);
		json_t *doc = cn_proposal_json(cn_app_world(app), p);
		if (c->json)
			cli_print_json(doc);
		else {
			printf("proposal %lld: %s%s%s\n", (long long)s.proposal,
			       json_string_value(json_object_get(doc, "explanation")),
			       p->concluded ? "" : "; deadline ",
			       p->concluded ? "" : json_string_value(json_object_get(doc, "deadline")) ? json_string_value(json_object_get(doc, "deadline")) : "none");
			json_decref(doc);
		}
	}
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}

int cmd_extend(struct cli *c, int argc, char **argv)
{
	return secretariat(c, "extend", cn_app_cmd_extend, argc, argv);
}

int cmd_recirculate(struct cli *c, int argc, char **argv)
{
	return secretariat(c, "recirculate", cn_app_cmd_recirculate, argc, argv);
}

int cmd_conclude(struct cli *c, int argc, char **argv)
{
	return secretariat(c, "conclude", cn_app_cmd_conclude, argc, argv);
}

int cmd_withdraw(struct cli *c, int argc, char **argv)
{
	return secretariat(c, "withdraw", cn_app_cmd_withdraw, argc, argv);
}

int cmd_tick(struct cli *c, int argc, char **argv)
{
	const char *nowopt = NULL, *pos[1];
	struct cli_opt opts[] = {OPT_VAL("now", &nowopt), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	size_t n = 0;
	int np, rc;

	if ((rc = cli_parse(c, "tick", argc, argv, opts, pos, 0, &np)))
		return rc;
	if (nowopt && (rc = cli_set_at(c, "tick", nowopt)))
		return rc;
	if ((rc = cli_open(c, 0, &app)))
		return rc;
	const struct cn_world *w = cn_app_world(app);
	size_t before = w->nproposals;
	char *was = calloc(before + 1, 1);
	if (!was) {
		cn_app_close(app);
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	}
	for (size_t i = 0; i < before; i++)
		was[i] = (char)w->proposals[i]->concluded;
	rc = cn_app_run(app, c->now, "clock", cn_app_cmd_tick, NULL, &n, &err);
	w = cn_app_world(app);
	for (size_t i = 0; rc == 0 && i < before; i++) {
		const struct cn_proposal *p = w->proposals[i];
		char t[CN_TIME_BUF];
		if (!was[i] && p->concluded)
			printf("proposal %lld concluded at %s: %s\n",
			       (long long)p->id, cn_time_format(p->concluded_at, t),
			       p->explanation);
	}
	free(was);
	if (!rc)
		printf("tick: %zu event%s recorded\n", n, n == 1 ? "" : "s");
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}

int cmd_replay(struct cli *c, int argc, char **argv)
{
	const char *dataset = NULL, *pos[1];
	int np, rc, dbgiven = 0;
	struct cli_opt opts[] = {OPT_VAL("dataset", &dataset), OPT_END};
	struct cn_app *app;
	struct cn_err err = {0};
	json_t *report = NULL;

	if ((rc = cli_parse(c, "replay", argc, argv, opts, pos, 1, &np)))
		return rc;
	dbgiven = c->db_given;
	if (np != 1)
		return cli_usage(c, "replay", "which scenario file?");
	if (dbgiven) {
		if ((rc = cli_open(c, 0, &app)))
			return rc;
	} else {
		if (cn_app_open(NULL, CN_STORE_MEMORY, &app, &err))
			return cli_fail(c, &err);
		if (cn_app_seed(app, dataset ? dataset : default_dataset(),
				c->now, &err)) {
			cn_app_close(app);
			return cli_fail(c, &err);
		}
	}
	rc = cn_app_replay(app, pos[0], &report, &err);
	if (c->json && report) {
		json_t *props = json_array();
		const struct cn_world *w = cn_app_world(app);
		for (size_t i = 0; rc == 0 && i < w->nproposals; i++)
			json_array_append_new(props, cn_proposal_json(w, w->proposals[i]));
		json_object_set_new(report, "proposals", props);
		json_object_set_new(report, "ok", json_boolean(rc == 0));
		cli_print_json(report);
	} else if (report) {
		const json_t *st;
		size_t i;
		printf("%s\n", json_string_value(json_object_get(report, "title"))
				       ? json_string_value(json_object_get(report, "title"))
				       : pos[0]);
		json_array_foreach(json_object_get(report, "steps"), i, st) {
			const char *at = json_string_value(json_object_get(st, "at"));
			printf("  %2zu %-10s %-11s %s", i + 1, at ? at : "",
			       json_string_value(json_object_get(st, "do")),
			       json_string_value(json_object_get(st, "result")));
			if (json_object_get(st, "refused"))
				printf(" (refused as expected: %s)",
				       json_string_value(json_object_get(st, "refused")));
			printf("\n");
			if (json_object_get(st, "note"))
				printf("                         %s\n",
				       json_string_value(json_object_get(st, "note")));
		}
		json_decref(report);
		if (rc == 0) {
			const struct cn_world *w = cn_app_world(app);
			for (size_t k = 0; k < w->nproposals; k++) {
				json_t *doc = cn_proposal_json(w, w->proposals[k]);
				printf("\n");
				cli_print_proposal(w, doc);
				json_decref(doc);
			}
		}
	}
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}
