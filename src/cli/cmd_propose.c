/*
 * cmd_propose.c - putting a proposal to a body: `council propose`, and
 * `council body add|amend`, which puts to the body named by --by a
 * proposal carrying an establish-body or amend-body effect
 * (core/body_decision.h); the registry changes when it is adopted.  Both
 * print the new proposal's id (--json: the proposal).  main.c opens the
 * store read-write with the log's signer.
 */
#include <stdio.h>
#include <string.h>

#include "../core/effect.h"
#include "../core/json_alloc.h"
#include "cli.h"
#include "util.h"

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

	if (cn_app_run(app, c->now,
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
	json_t *breaks = cli_code_list(a->val[PROPOSE_BREAKS]);
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
	int oom = 0;

	if (spec[0] == '{') {
		o = cn_json_loadb(spec, strlen(spec), JSON_REJECT_DUPLICATES, &je,
				  &oom);
		if (oom) {
			cn_err_set(err, CN_ENOMEM, "--membership: out of memory "
				   "reading the JSON clause");
			return NULL;
		}
		if (!o || !json_is_object(o)) {
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
				 n == 4 ? "members" : "except", cli_code_list(colon + 1));
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
				    cli_code_list(a->val[BODY_BREAKS]));
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
