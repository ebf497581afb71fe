/*
 * cmd_respond.c - a delegation's statements on a proposal: `council
 * respond` (a position, a reservation lifted, a comment, an amendment;
 * signed with the delegation's key when --sign names it, with a receipt
 * when --receipt does) and `council vote` (a roll-call or written vote).
 * Each is recorded under the delegation's actor and prints the verdict so
 * far (--json: the proposal).  main.c opens the store read-write with the
 * log's signer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "../core/checkpoint.h"
#include "cli.h"
#include "util.h"

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
	[RESPOND_RECEIPT] = OPT_RECEIPT,
	[RESPOND_AT] = OPT_RECORD_AT,
	[RESPOND_JSON] = OPT_JSON,
	OPT_END};

/* Run a delegation's statement (a position or a vote) with its receipt:
 * the file is opened first, so a path that cannot be written refuses the
 * statement before it is recorded (exit 1 means nothing changed); once
 * recorded, a receipt that cannot be written is said, not a refusal. */
static int run_stated(struct cli *c, struct cn_app *app, const char *member,
		      int64_t proposal, const char *receipt_path,
		      cn_command_fn fn, const void *args, const char *what)
{
	struct cli_receipt receipt = {0};
	struct cn_err err = {0};
	char actor[CLI_ACTOR_MAX];

	if (receipt_path && cli_receipt_open(&receipt, receipt_path, &err))
		return cli_fail(c, &err);
	if (cn_app_run(app, c->now, cli_actor_delegation(member, actor), fn,
		       args, NULL, &err)) {
		cli_receipt_abandon(&receipt);
		return cli_fail(c, &err);
	}
	if (receipt.f && cli_receipt_write(&receipt, app, proposal, member, &err))
		fprintf(stderr, "council: the %s is recorded, but %s\n", what,
			err.msg);
	cli_print_after(cn_app_world(app), proposal, c->json);
	return 0;
}

int cmd_respond(struct cli *c, const struct cli_args *a, struct cn_app *app)
{
	const char *footnote = a->val[RESPOND_FOOTNOTE];
	const char *comment = a->val[RESPOND_COMMENT];
	const char *reason = a->val[RESPOND_REASON];
	const char *amend = a->val[RESPOND_AMEND];
	json_t *joint = cli_code_list(a->val[RESPOND_JOINT]);
	struct cn_respond_args r = {.proposal = a->id,
				    .member = a->val[RESPOND_MEMBER],
				    .declared = a->val[RESPOND_DECLARE] != NULL,
				    .joint = joint,
				    .public_note = a->val[RESPOND_PUBLIC] != NULL};
	struct cn_err err = {0};
	char *sig = NULL;
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
	rc = run_stated(c, app, r.member, r.proposal, a->val[RESPOND_RECEIPT],
			cn_app_cmd_respond, &r, "position");
	free(sig);
	json_decref(joint);
	return rc;
}

/* ---- vote: a member's vote in a roll-call or written vote ------------------ */

enum { VOTE_MEMBER, VOTE_YES, VOTE_NO, VOTE_ABSTAIN, VOTE_NOT_PARTICIPATING,
       VOTE_REFUSE, VOTE_TEXT, VOTE_DECLARE, VOTE_RECEIPT, VOTE_AT, VOTE_JSON };
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
	[VOTE_RECEIPT] = OPT_RECEIPT,
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

	return run_stated(c, app, v.member, v.proposal, a->val[VOTE_RECEIPT],
			  vote_fn, &v, "vote");
}
