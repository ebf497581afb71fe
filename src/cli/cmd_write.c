/*
 * cmd_write.c - the commands that change a store: init, propose, respond,
 * extend, recirculate, conclude, withdraw, tick, replay, key register; and
 * keygen, which makes a delegation's key for respond --sign.
 *
 * Each change takes --at TIME (tick: --now; default the clock) so history
 * can be recorded as it happened, never later than the clock (the app is
 * given the clock, clocked()).  A refused command prints why on stderr,
 * exits 1, and leaves the store exactly as it was.  body add|amend puts a
 * proposal carrying an establish-body or amend-body effect to the body
 * that decides (core/body_decision.h).  main.c opens the
 * store read-write with the log's signer, except for init (which creates
 * it) and replay (which may run on a private in-memory store).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sodium.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "../core/checkpoint.h"
#include "../core/effect.h"
#include "../core/timeutil.h"
#include "cli.h"
#include "util.h"

#ifndef CN_DATADIR
#define CN_DATADIR "data"
#endif

/* Give the app the real time: an event dated after it is refused
 * (core/timeline.h). */
static struct cn_app *clocked(struct cn_app *app)
{
	cn_app_set_clock(app, (int64_t)time(NULL));
	return app;
}

/* "FR,BE" into a new JSON array of strings (NULL: none given). */
static json_t *code_list(const char *s)
{
	json_t *a;

	if (!s)
		return NULL;
	a = json_array();
	for (const char *p = s; a && *p;) {
		size_t n = strcspn(p, ",");
		if (n)
			json_array_append_new(a, json_stringn(p, n));
		p += n + (p[n] == ',');
	}
	return a;
}

static const char *default_dataset(void)
{
	const char *d = getenv("COUNCIL_DATASET");
	return d ? d : CN_DATADIR "/nato.json";
}

enum { INIT_DATASET, INIT_AT };
const struct cli_opt cli_opts_init[] = {
	[INIT_DATASET] = OPT_VAL("dataset", "FILE", "dataset to load"),
	[INIT_AT] = OPT_AT("at", "TIME", "time recorded for the seed events (default now)"),
	OPT_END};

/* ---- init: a whole store or none --------------------------------------------- *
 * init builds the store in a temporary file beside the target, in the same
 * directory so that a rename moves it into place at once: ".NAME.init-PID"
 * with its key in ".NAME.init-PID.key".  Seeded and closed (SQLite folds
 * its WAL into the file on the last close), the file is synced; then the
 * key and, last, the store are renamed into place and the directory is
 * synced.  A kill at any moment leaves either no store (at most a key
 * without one, which the next init replaces, and temporary files, which
 * the next init removes) or a whole one.  Inits in one directory take a
 * lock on it, so two cannot race for one name. */

struct init_paths {
	char dir[PATH_MAX];     /* the target's directory ("." if none) */
	char prefix[PATH_MAX];  /* ".NAME.init-": temporary files start so */
	char tmp[PATH_MAX];     /* the store being built */
	char tmp_key[PATH_MAX + 8];
	char key[PATH_MAX + 8]; /* the target's key */
};

static int init_paths(const char *db, struct init_paths *p, struct cn_err *err)
{
	const char *slash = strrchr(db, '/'), *base = slash ? slash + 1 : db;

	if (!*base)
		return cn_err_set(err, CN_EINVAL, "%s: names a directory, not a store",
				  db);
	if ((size_t)snprintf(p->dir, sizeof(p->dir), "%.*s",
			     !slash ? 1 : slash == db ? 1 : (int)(slash - db),
			     !slash ? "." : slash == db ? "/" : db) >= sizeof(p->dir) ||
	    (size_t)snprintf(p->prefix, sizeof(p->prefix), ".%s.init-", base) >=
		    sizeof(p->prefix) ||
	    (size_t)snprintf(p->tmp, sizeof(p->tmp), "%s/%s%ld", p->dir, p->prefix,
			     (long)getpid()) >= sizeof(p->tmp))
		return cn_err_set(err, CN_EINVAL, "%s: path too long", db);
	snprintf(p->tmp_key, sizeof(p->tmp_key), "%s.key", p->tmp);
	snprintf(p->key, sizeof(p->key), "%s.key", db);
	return 0;
}

/* Remove what an init killed earlier left in the directory: files named
 * PREFIX + PID (+ "-wal", "-shm", "-journal", ".key") of a process that
 * no longer runs, or of this one (a former holder of its pid). */
static void init_remove_leftovers(int dfd, const struct init_paths *p)
{
	size_t plen = strlen(p->prefix);
	int fd = dup(dfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((e = readdir(d))) {
		char *end;
		if (strncmp(e->d_name, p->prefix, plen))
			continue;
		long pid = strtol(e->d_name + plen, &end, 10);
		if (end == e->d_name + plen || pid <= 0 ||
		    (*end && *end != '-' && *end != '.'))
			continue;
		if (pid == (long)getpid() || (kill((pid_t)pid, 0) && errno == ESRCH))
			unlinkat(dfd, e->d_name, 0);
	}
	closedir(d);
}

static void init_remove_tmp(const struct init_paths *p)
{
	static const char *const side[] = {"-wal", "-shm", "-journal", ".key"};
	char path[PATH_MAX + 16];

	unlink(p->tmp);
	for (size_t i = 0; i < sizeof(side) / sizeof(side[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", p->tmp, side[i]);
		unlink(path);
	}
}

static int fsync_path(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Build, seed and close the store at p->tmp; *summary gets what to print. */
static int init_build(struct cli *c, const char *dataset,
		      const struct init_paths *p, char *summary, size_t n,
		      struct cn_err *err)
{
	struct cn_app *app;
	char wal[PATH_MAX + 8];
	int rc;

	if ((rc = cn_app_open(p->tmp, CN_STORE_CREATE, &app, err)))
		return rc;
	if ((rc = cn_app_seed(clocked(app), dataset, c->now, err)) == 0) {
		const struct cn_world *w = cn_app_world(app);
		snprintf(summary, n, "%s, %zu members, %zu bodies, %zu partners, "
			 "%zu offices (%lld events)",
			 json_string_value(json_object_get(w->alliance, "name")),
			 w->nmembers, w->nbodies, w->npartners, w->noffices,
			 (long long)w->last_seq);
	}
	cn_app_close(app);
	if (rc)
		return rc;
	/* The last close folds the WAL into the file and removes it: the
	 * file alone is then the whole store. */
	snprintf(wal, sizeof(wal), "%s-wal", p->tmp);
	if (access(wal, F_OK) == 0)
		return cn_err_set(err, CN_EIO, "%s: the new store kept a WAL file; "
				  "it is not complete on its own", p->tmp);
	if (fsync_path(p->tmp))
		return cn_err_set(err, CN_EIO, "%s: cannot sync: %s", p->tmp,
				  strerror(errno));
	return 0;
}

int cmd_init(struct cli *c, const struct cli_args *a, struct cn_app *unused)
{
	const char *dataset = a->val[INIT_DATASET];
	struct init_paths p;
	struct cn_err err = {0};
	char summary[512] = "";
	int dfd, rc;
	(void)unused;

	if (!dataset)
		dataset = default_dataset();
	if (init_paths(c->db, &p, &err))
		return cli_fail(c, &err);
	dfd = open(p.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || flock(dfd, LOCK_EX)) {
		cn_err_set(&err, CN_EIO, "%s: cannot open the directory: %s", p.dir,
			   strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return cli_fail(c, &err);
	}
	if (access(c->db, F_OK) == 0) {
		close(dfd);
		fprintf(stderr, "council: %s already exists; init creates a new "
				"store and never overwrites one\n", c->db);
		return EXIT_REFUSED;
	}
	init_remove_leftovers(dfd, &p);
	rc = init_build(c, dataset, &p, summary, sizeof(summary), &err);
	/* The key first: a store is never in place without its key. */
	if (!rc && (rename(p.tmp_key, p.key) || rename(p.tmp, c->db) || fsync(dfd)))
		rc = cn_err_set(&err, CN_EIO, "%s: cannot move the new store into "
				"place: %s", c->db, strerror(errno));
	if (rc)
		init_remove_tmp(&p);
	close(dfd);
	if (rc)
		return cli_fail(c, &err);
	printf("created %s: %s; log key in %s\n", c->db, summary, p.key);
	return 0;
}

enum { PROPOSE_BODY, PROPOSE_TITLE, PROPOSE_PROCEDURE, PROPOSE_DEADLINE,
       PROPOSE_TEXT, PROPOSE_LEVEL, PROPOSE_PLACE, PROPOSE_PROPOSER,
       PROPOSE_EFFECT, PROPOSE_SHARED, PROPOSE_SUPERSEDES, PROPOSE_BREAKS,
       PROPOSE_RULE, PROPOSE_CONCERNED, PROPOSE_AT, PROPOSE_JSON };
const struct cli_opt cli_opts_propose[] = {
	[PROPOSE_BODY] = OPT_VAL("body", "B",
		"the body that decides (NAC, NPG, MC, ...); required\n"
		"unless --supersedes gives it"),
	[PROPOSE_TITLE] = OPT_VAL("title", "T",
		"what it is called; required unless --supersedes\ngives it"),
	[PROPOSE_PROCEDURE] = OPT_VAL("procedure", "P",
		"meeting, silence, ratification, vote (a roll-call\n"
		"vote) or written (a written vote) (default: body's)"),
	[PROPOSE_DEADLINE] = OPT_VAL("deadline", "TIME",
		"end of the silence period or of the written vote\n"
		"(silence and written only)"),
	[PROPOSE_TEXT] = OPT_VAL("text", "TEXT", "the text put to the body"),
	[PROPOSE_LEVEL] = OPT_VAL("level", "L",
		"meeting level: permanent-representatives,\n"
		"foreign-ministers, defence-ministers,\n"
		"heads-of-state-and-government"),
	[PROPOSE_PLACE] = OPT_VAL("place", "P", "where the meeting is held"),
	[PROPOSE_PROPOSER] = OPT_VAL("proposer", "WHO",
		"who puts it forward, as recorded (default secretariat)"),
	[PROPOSE_EFFECT] = OPT_LIST("effect", "EFFECT", 16,
		"applied only on adoption (forms above); up to 16"),
	[PROPOSE_SHARED] = OPT_FLAG("shared", "share with partners"),
	[PROPOSE_SUPERSEDES] = {.name = "supersedes", .arg = "ID",
		.flags = CLI_OPT_ID,
		.help = "take up again proposal ID, concluded and not\n"
			"adopted (e.g. after silence was broken); its body,\n"
			"title, text and effects unless given"},
	[PROPOSE_BREAKS] = OPT_VAL("breaks", "LIST",
		"silence: what breaks it, object or object,amend\n"
		"(default: the body's, else an objection only)"),
	[PROPOSE_RULE] = OPT_VAL("rule", "NAME",
		"one of the body's named rules (e.g. qmv-reinforced,\n"
		"procedural; 'council bodies --json' lists them;\n"
		"default: the body's rule)"),
	[PROPOSE_CONCERNED] = OPT_VAL("concerned", "CODE",
		"the State concerned, decided without (a rule marked\n"
		"so, e.g. the OSCE's consensus-minus-one)"),
	[PROPOSE_AT] = OPT_RECORD_AT,
	[PROPOSE_JSON] = OPT_JSON,
	OPT_END};

/* Run a proposal and print its id (--json: the proposal). */
static int propose_and_print(struct cli *c, struct cn_app *app,
			     const struct cn_propose_args *p)
{
	struct cn_err err = {0};

	if (cn_app_run(clocked(app), c->now,
		       p->proposer ? p->proposer : "secretariat",
		       cn_app_cmd_propose, p, NULL, &err))
		return cli_fail(c, &err);
	/* A tick in the same run may have concluded others first; the new
	 * proposal is the last one. */
	const struct cn_world *w = cn_app_world(app);
	int64_t id = (int64_t)w->nproposals;
	if (c->json)
		cli_print_json(cn_proposal_json(w, cn_world_proposal(w, id)));
	else
		printf("%lld\n", (long long)id);
	return 0;
}

int cmd_propose(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_propose_args p = {
		.body = a->val[PROPOSE_BODY], .title = a->val[PROPOSE_TITLE],
		.text = a->val[PROPOSE_TEXT], .procedure = a->val[PROPOSE_PROCEDURE],
		.deadline = a->val[PROPOSE_DEADLINE], .level = a->val[PROPOSE_LEVEL],
		.place = a->val[PROPOSE_PLACE], .proposer = a->val[PROPOSE_PROPOSER],
		.shared = a->val[PROPOSE_SHARED] != NULL,
		.supersedes = a->val[PROPOSE_SUPERSEDES] ? a->num[PROPOSE_SUPERSEDES] : 0,
		.rule = a->val[PROPOSE_RULE], .concerned = a->val[PROPOSE_CONCERNED]};
	struct cn_err err = {0};
	int rc;

	/* Each --effect as cn_effect_parse reads it (core/effect.h): its
	 * keys are checked there, its values when proposed. */
	json_t *eff = json_array();
	for (int i = 0; eff && i < a->nlist; i++) {
		json_t *e;
		if (cn_effect_parse(a->list[i], &e, &err) ||
		    json_array_append_new(eff, e)) {
			json_decref(eff);
			return cli_fail(c, err.code ? &err
					: &(struct cn_err){CN_ENOMEM, "out of memory"});
		}
	}
	if (!eff)
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	json_t *breaks = code_list(a->val[PROPOSE_BREAKS]);
	p.effects = eff;
	p.breaks = breaks;
	rc = propose_and_print(c, app, &p);
	json_decref(eff);
	json_decref(breaks);
	return rc;
}

/* ---- body add | amend ------------------------------------------------------ */

enum { BODY_BY, BODY_NAME, BODY_RULE, BODY_DEFAULT, BODY_MEMBERSHIP,
       BODY_BREAKS, BODY_FROM, BODY_TITLE, BODY_PROCEDURE, BODY_DEADLINE,
       BODY_AT, BODY_JSON };
const struct cli_opt cli_opts_body[] = {
	[BODY_BY] = OPT_REQ("by", "B",
		"the body that decides it (e.g. NAC): the change is\n"
		"a proposal to B, applied when B adopts it"),
	[BODY_NAME] = OPT_VAL("name", "NAME", "what the body is called"),
	[BODY_RULE] = OPT_VAL("rule", "RULE",
		"its decision rule (docs/RULES.md), e.g. consensus"),
	[BODY_DEFAULT] = OPT_VAL("default-procedure", "P",
		"meeting, silence or ratification (add: default\nmeeting)"),
	[BODY_MEMBERSHIP] = OPT_VAL("membership", "SPEC",
		"all, all-except:FR,GB, list:BE,NL,LU, or a JSON\n"
		"clause (add: default all; amend: from --from on)"),
	[BODY_BREAKS] = OPT_VAL("silence-breaks", "LIST",
		"what breaks its silence: object or object,amend"),
	[BODY_FROM] = OPT_VAL("from", "DATE",
		"add: established on DATE; amend: in force from DATE\n"
		"(default: the day the decision is adopted)"),
	[BODY_TITLE] = OPT_VAL("title", "T", "the proposal's title"),
	[BODY_PROCEDURE] = OPT_VAL("procedure", "P",
		"how B decides it (default: B's)"),
	[BODY_DEADLINE] = OPT_VAL("deadline", "TIME", "if B decides under silence"),
	[BODY_AT] = OPT_RECORD_AT,
	[BODY_JSON] = OPT_JSON,
	OPT_END};

/* "all", "all-except:FR,GB", "list:BE,NL" or a JSON clause, into a new
 * clause object (NULL with err set). */
static json_t *membership_clause(const char *spec, struct cn_err *err)
{
	const char *colon = strchr(spec, ':');
	size_t n = colon ? (size_t)(colon - spec) : strlen(spec);
	json_error_t je;
	json_t *o;

	if (spec[0] == '{') {
		if (!(o = json_loads(spec, JSON_REJECT_DUPLICATES, &je)) ||
		    !json_is_object(o)) {
			json_decref(o);
			cn_err_set(err, CN_EINVAL, "--membership: not a JSON object");
			return NULL;
		}
		return o;
	}
	if ((n == 3 && !strncmp(spec, "all", 3) && !colon))
		return json_pack("{s:s}", "kind", "all");
	if (colon && ((n == 10 && !strncmp(spec, "all-except", 10)) ||
		      (n == 4 && !strncmp(spec, "list", 4))))
		return json_pack("{s:s%, s:o}", "kind", spec, n,
				 n == 4 ? "members" : "except", code_list(colon + 1));
	cn_err_set(err, CN_EINVAL, "--membership: expected all, all-except:CODES, "
		   "list:CODES or a JSON clause, found '%s'", spec);
	return NULL;
}

int cmd_body(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	int add = !strcmp(a->form->sub, "add");
	const char *id = a->pos[0], *name = a->val[BODY_NAME];
	struct cn_err err = {0};
	char title[160];
	json_t *e, *eff, *clause = NULL;
	int rc;

	if (a->val[BODY_MEMBERSHIP] &&
	    !(clause = membership_clause(a->val[BODY_MEMBERSHIP], &err)))
		return cli_fail(c, &err);
	e = json_pack("{s:s, s:s}", "type", add ? "establish-body" : "amend-body",
		      add ? "id" : "body", id);
	if (name)
		json_object_set_new(e, "name", json_string(name));
	if (a->val[BODY_RULE])
		json_object_set_new(e, "rule", json_string(a->val[BODY_RULE]));
	if (a->val[BODY_DEFAULT])
		json_object_set_new(e, "procedure", json_string(a->val[BODY_DEFAULT]));
	if (a->val[BODY_BREAKS])
		json_object_set_new(e, "silence_breaks",
				    code_list(a->val[BODY_BREAKS]));
	if (clause)
		json_object_set_new(e, "membership",
				    add ? json_pack("[o]", clause) : clause);
	if (a->val[BODY_FROM])
		json_object_set_new(e, add ? "established" : "effective",
				    json_string(a->val[BODY_FROM]));
	snprintf(title, sizeof(title), "%s the %s", add ? "Establish" : "Amend",
		 add && name ? name : id);
	eff = json_pack("[o]", e);
	struct cn_propose_args p = {
		.body = a->val[BODY_BY],
		.title = a->val[BODY_TITLE] ? a->val[BODY_TITLE] : title,
		.procedure = a->val[BODY_PROCEDURE],
		.deadline = a->val[BODY_DEADLINE], .effects = eff};
	rc = propose_and_print(c, app, &p);
	json_decref(eff);
	return rc;
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

enum { KEYGEN_NAME, KEYGEN_OUT };
const struct cli_opt cli_opts_keygen[] = {
	[KEYGEN_NAME] = OPT_REQ("name", "NAME", "what the key is called (e.g. FR-2026)"),
	[KEYGEN_OUT] = OPT_REQ("out", "FILE", "the secret key file to create (it must not\n"
			       "exist); the public key goes to FILE.pub"),
	OPT_END};

int cmd_keygen(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *name = a->val[KEYGEN_NAME], *outp = a->val[KEYGEN_OUT];
	struct cn_err err = {0};
	uint8_t pk[32], sk[64];
	char *skey = NULL, *vkey = NULL, pub[1024];
	int rc, fd;
	(void)app;

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

enum { KEY_MEMBER, KEY_VKEY, KEY_AT };
const struct cli_opt cli_opts_key[] = {
	[KEY_MEMBER] = OPT_REQ("member", "CODE", "the member whose delegation signs"),
	[KEY_VKEY] = OPT_REQ("vkey", "KEY", "its public key: the text or a .pub file"),
	[KEY_AT] = OPT_RECORD_AT,
	OPT_END};

int cmd_key(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *member = a->val[KEY_MEMBER], *vkeyarg = a->val[KEY_VKEY];
	struct cn_err err = {0};
	int rc;

	char *vkey = cli_text_or_file(vkeyarg, 0);
	const char *kv[2] = {member, vkey};
	if (!vkey)
		return cli_usage(c, "cannot read --vkey %s", vkeyarg);
	rc = cn_app_run(clocked(app), c->now, "secretariat", register_fn, kv,
			NULL, &err);
	free(vkey);
	if (rc)
		return cli_fail(c, &err);
	printf("key registered for %s\n", member);
	return 0;
}

enum { RESPOND_MEMBER, RESPOND_CONCUR, RESPOND_OBJECT, RESPOND_ABSTAIN,
       RESPOND_RESERVE, RESPOND_LIFT, RESPOND_FOOTNOTE, RESPOND_COMMENT,
       RESPOND_AMEND, RESPOND_REASON, RESPOND_DECLARE, RESPOND_JOINT,
       RESPOND_PUBLIC, RESPOND_SIGN, RESPOND_RECEIPT, RESPOND_AT,
       RESPOND_JSON };
const struct cli_opt cli_opts_respond[] = {
	[RESPOND_MEMBER] = OPT_REQ("member", "M", "the member whose delegation states it"),
	[RESPOND_CONCUR] = OPT_ONE("concur", NULL, "concur"),
	[RESPOND_OBJECT] = OPT_ONE("object", NULL,
		"object; under silence this breaks silence and needs\n--reason"),
	[RESPOND_ABSTAIN] = OPT_ONE("abstain", NULL, "abstain"),
	[RESPOND_RESERVE] = OPT_ONE("reserve", NULL,
		"a hold pending instructions; --lift removes it"),
	[RESPOND_LIFT] = OPT_ONE("lift", NULL, "lift the member's reservation"),
	[RESPOND_FOOTNOTE] = OPT_ONE("footnote", "TEXT",
		"concur, with a statement put on record"),
	[RESPOND_COMMENT] = OPT_ONE("comment", "TEXT",
		"a comment on record (does not break silence)"),
	[RESPOND_AMEND] = OPT_ONE("amend", "TEXT",
		"propose an amendment, which breaks silence where\n"
		"the procedure says so (propose --breaks object,amend)"),
	[RESPOND_REASON] = OPT_VAL("reason", "TEXT", "why (an objection under silence needs it)"),
	[RESPOND_DECLARE] = OPT_FLAG("declare",
		"with --abstain: a formal declaration (constructive)"),
	[RESPOND_JOINT] = OPT_VAL("joint", "CODES",
		"breaking silence: the members who sign the same\n"
		"letter with M (e.g. BE,DE)"),
	[RESPOND_PUBLIC] = OPT_FLAG("public",
		"with --footnote: published with the decision once\n"
		"adopted (default: confidential)"),
	[RESPOND_SIGN] = OPT_VAL("sign", "KEY",
		"sign the position with the delegation's key (from\n"
		"'council keygen'; its public key registered first)"),
	[RESPOND_RECEIPT] = OPT_VAL("receipt", "F",
		"write a receipt to F: the event, a signed checkpoint\n"
		"and its inclusion proof (check it with\n"
		"'council receipt verify'); F is opened first, so a\n"
		"path that cannot be written refuses the position"),
	[RESPOND_AT] = OPT_RECORD_AT,
	[RESPOND_JSON] = OPT_JSON,
	OPT_END};

/* After a change: the proposal (--json), or its verdict so far. */
static void print_after(const struct cli *c, struct cn_app *app, int64_t id)
{
	const struct cn_world *w = cn_app_world(app);
	json_t *doc = cn_proposal_json(w, cn_world_proposal(w, id));

	if (c->json) {
		cli_print_json(doc);
		return;
	}
	cli_print_verdict(doc);
	json_decref(doc);
}

int cmd_respond(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *footnote = a->val[RESPOND_FOOTNOTE];
	const char *comment = a->val[RESPOND_COMMENT];
	const char *reason = a->val[RESPOND_REASON];
	const char *amend = a->val[RESPOND_AMEND];
	json_t *joint = code_list(a->val[RESPOND_JOINT]);
	struct cn_respond_args r = {.proposal = a->id,
				    .member = a->val[RESPOND_MEMBER],
				    .declared = a->val[RESPOND_DECLARE] != NULL,
				    .joint = joint,
				    .public_note = a->val[RESPOND_PUBLIC] != NULL};
	struct cli_receipt receipt = {0};
	struct cn_err err = {0};
	char actor[CLI_ACTOR_MAX], *sig = NULL;
	int rc;

	if ((footnote || amend) && reason) {
		json_decref(joint);
		return cli_usage(c, "--%s carries its own text; --reason does not "
				 "apply", footnote ? "footnote" : "amend");
	}
	/* The parser made sure exactly one of these was given. */
	r.act = a->val[RESPOND_LIFT] ? CN_ACT_LIFT
		: comment ? CN_ACT_COMMENT : amend ? CN_ACT_AMEND : CN_ACT_POSITION;
	r.pos = a->val[RESPOND_CONCUR] ? CN_POS_CONCUR
		: a->val[RESPOND_OBJECT] ? CN_POS_OBJECT
		: a->val[RESPOND_ABSTAIN] ? CN_POS_ABSTAIN
		: a->val[RESPOND_RESERVE] ? CN_POS_RESERVE : CN_POS_FOOTNOTE;
	r.text = comment ? comment : footnote ? footnote : amend ? amend : reason;
	if (a->val[RESPOND_SIGN] &&
	    (rc = sign_position(app, &r, a->val[RESPOND_SIGN], &sig, &err))) {
		json_decref(joint);
		return cli_fail(c, &err);
	}
	r.signature = sig;
	/* Exit 1 means refused, nothing changed: a receipt that cannot be
	 * written must refuse the position before it is recorded. */
	if (a->val[RESPOND_RECEIPT] &&
	    cli_receipt_open(&receipt, a->val[RESPOND_RECEIPT], &err)) {
		free(sig);
		json_decref(joint);
		return cli_fail(c, &err);
	}
	rc = cn_app_run(clocked(app), c->now, cli_actor_delegation(r.member, actor),
			cn_app_cmd_respond, &r, NULL, &err);
	free(sig);
	json_decref(joint);
	if (rc) {
		cli_receipt_abandon(&receipt);
		return cli_fail(c, &err);
	}
	if (receipt.f && cli_receipt_write(&receipt, app, r.proposal, r.member,
					   &err))
		/* Recorded, so not a refusal: say what is missing. */
		fprintf(stderr, "council: the position is recorded, but %s\n",
			err.msg);
	print_after(c, app, r.proposal);
	return 0;
}

/* ---- vote: a member's vote in a roll-call or written vote ------------------ */

enum { VOTE_MEMBER, VOTE_YES, VOTE_NO, VOTE_ABSTAIN, VOTE_NOT_PARTICIPATING,
       VOTE_REFUSE, VOTE_TEXT, VOTE_DECLARE, VOTE_AT, VOTE_JSON };
const struct cli_opt cli_opts_vote[] = {
	[VOTE_MEMBER] = OPT_REQ("member", "M", "the member whose delegation votes"),
	[VOTE_YES] = OPT_ONE("yes", NULL, "vote in favour"),
	[VOTE_NO] = OPT_ONE("no", NULL, "vote against (a permanent member's no on\n"
			    "a substantive matter is a veto)"),
	[VOTE_ABSTAIN] = OPT_ONE("abstain", NULL, "abstain"),
	[VOTE_NOT_PARTICIPATING] = OPT_ONE("not-participating", NULL,
		"present but not taking part (counted apart from\n"
		"abstentions; absence is recorded so)"),
	[VOTE_REFUSE] = OPT_ONE("refuse", "REASON",
		"written procedure only: the member does not agree\n"
		"to its use, which ends it, not adopted"),
	[VOTE_TEXT] = OPT_VAL("text", "TEXT", "an explanation of vote, on record"),
	[VOTE_DECLARE] = OPT_FLAG("declare",
		"with --abstain: a formal declaration (the EU's\n"
		"constructive abstention)"),
	[VOTE_AT] = OPT_RECORD_AT,
	[VOTE_JSON] = OPT_JSON,
	OPT_END};

static int vote_fn(const struct cn_world *w, int64_t now, const void *a,
		   struct cn_outbox *box, struct cn_err *err)
{
	return cn_cmd_vote(w, now, a, box, err);
}

int cmd_vote(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_vote_args v = {
		.proposal = a->id, .member = a->val[VOTE_MEMBER],
		.vote = a->val[VOTE_YES] ? "yes" : a->val[VOTE_NO] ? "no"
			: a->val[VOTE_ABSTAIN] ? "abstain"
			: a->val[VOTE_NOT_PARTICIPATING] ? "not-participating" : NULL,
		.refuse = a->val[VOTE_REFUSE], .text = a->val[VOTE_TEXT],
		.declared = a->val[VOTE_DECLARE] != NULL};
	struct cn_err err = {0};
	char actor[CLI_ACTOR_MAX];

	if (cn_app_run(clocked(app), c->now, cli_actor_delegation(v.member, actor),
		       vote_fn, &v, NULL, &err))
		return cli_fail(c, &err);
	print_after(c, app, v.proposal);
	return 0;
}

/* extend, recirculate, conclude, withdraw: the secretariat's commands on
 * one proposal, each with its own options. */
static int secretariat(struct cli *c, const struct cli_args *a,
		       struct cn_app *app, cn_command_fn fn,
		       struct cn_app_secretariat_args *s)
{
	struct cn_err err = {0};

	s->proposal = a->id;
	const struct cn_world *w = cn_app_world(app);
	size_t before = w->nproposals;
	if (cn_app_run(clocked(app), c->now, "secretariat", fn, s, NULL, &err))
		return cli_fail(c, &err);
	/* Recirculating a broken silence takes the matter up in a new
	 * proposal: show that one. */
	w = cn_app_world(app);
	print_after(c, app, fn == cn_app_cmd_recirculate && w->nproposals > before
				    ? (int64_t)w->nproposals
				    : s->proposal);
	return 0;
}

enum { EXTEND_DEADLINE, EXTEND_AT, EXTEND_JSON };
const struct cli_opt cli_opts_extend[] = {
	[EXTEND_DEADLINE] = OPT_REQ("deadline", "TIME", "the new end of the silence period"),
	[EXTEND_AT] = OPT_RECORD_AT,
	[EXTEND_JSON] = OPT_JSON,
	OPT_END};

int cmd_extend(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {.deadline = a->val[EXTEND_DEADLINE]};
	return secretariat(c, a, app, cn_app_cmd_extend, &s);
}

enum { RECIRC_TEXT, RECIRC_DEADLINE, RECIRC_AT, RECIRC_JSON };
const struct cli_opt cli_opts_recirculate[] = {
	[RECIRC_TEXT] = OPT_REQ("text", "TEXT", "the revised text"),
	[RECIRC_DEADLINE] = OPT_REQ("deadline", "TIME", "end of the new silence period"),
	[RECIRC_AT] = OPT_RECORD_AT,
	[RECIRC_JSON] = OPT_JSON,
	OPT_END};

int cmd_recirculate(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {.text = a->val[RECIRC_TEXT],
					    .deadline = a->val[RECIRC_DEADLINE]};
	return secretariat(c, a, app, cn_app_cmd_recirculate, &s);
}

enum { CONCLUDE_AT, CONCLUDE_JSON };
const struct cli_opt cli_opts_conclude[] = {
	[CONCLUDE_AT] = OPT_RECORD_AT,
	[CONCLUDE_JSON] = OPT_JSON,
	OPT_END};

int cmd_conclude(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {0};
	return secretariat(c, a, app, cn_app_cmd_conclude, &s);
}

enum { WITHDRAW_REASON, WITHDRAW_AT, WITHDRAW_JSON };
const struct cli_opt cli_opts_withdraw[] = {
	[WITHDRAW_REASON] = OPT_VAL("reason", "TEXT", "why, on record"),
	[WITHDRAW_AT] = OPT_RECORD_AT,
	[WITHDRAW_JSON] = OPT_JSON,
	OPT_END};

int cmd_withdraw(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_app_secretariat_args s = {.reason = a->val[WITHDRAW_REASON]};
	return secretariat(c, a, app, cn_app_cmd_withdraw, &s);
}

enum { TICK_NOW };
const struct cli_opt cli_opts_tick[] = {
	[TICK_NOW] = OPT_AT("now", "TIME", "the time to conclude up to (default the clock)"),
	OPT_END};

int cmd_tick(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	struct cn_err err = {0};
	size_t n = 0;
	int rc;
	(void)a;

	const struct cn_world *w = cn_app_world(app);
	size_t before = w->nproposals;
	char *was = calloc(before + 1, 1);
	if (!was)
		return cli_fail(c, &(struct cn_err){CN_ENOMEM, "out of memory"});
	for (size_t i = 0; i < before; i++)
		was[i] = (char)w->proposals[i]->concluded;
	rc = cn_app_run(clocked(app), c->now, "clock", cn_app_cmd_tick, NULL, &n,
			&err);
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
	if (rc)
		return cli_fail(c, &err);
	printf("tick: %zu event%s recorded\n", n, n == 1 ? "" : "s");
	return 0;
}

enum { REPLAY_DATASET, REPLAY_JSON };
const struct cli_opt cli_opts_replay[] = {
	[REPLAY_DATASET] = OPT_VAL("dataset", "FILE",
		"dataset the in-memory store is seeded with"),
	[REPLAY_JSON] = OPT_JSON,
	OPT_END};

int cmd_replay(struct cli *c, const struct cli_args *a, struct cn_app *unused)
{
	const char *dataset = a->val[REPLAY_DATASET], *file = a->pos[0];
	struct cn_app *app;
	struct cn_err err = {0};
	json_t *report = NULL;
	int rc;
	(void)unused;

	if (cn_app_open(c->db_given ? c->db : NULL,
			c->db_given ? 0 : CN_STORE_MEMORY, &app, &err))
		return cli_fail(c, &err);
	if (!c->db_given && cn_app_seed(app, dataset ? dataset : default_dataset(),
					c->now, &err)) {
		cn_app_close(app);
		return cli_fail(c, &err);
	}
	rc = cn_app_replay(clocked(app), file, &report, &err);
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
				       : file);
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
				cli_print_proposal(doc);
				json_decref(doc);
			}
		}
	}
	cn_app_close(app);
	return rc ? cli_fail(c, &err) : 0;
}
