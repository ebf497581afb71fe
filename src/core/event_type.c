/*
 * event_type.c - the one table of event types (name, payload fields,
 * entity, flags, signed fields, apply function); see event_type.h.
 */
#include "event_type.h"

#include <assert.h>
#include <string.h>

#include "fold.h"

#define FIELDS(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct cn_event_type types[CN_EV_COUNT] = {
	[CN_EV_ALLIANCE_FOUNDED] = {
		CN_EV_ALLIANCE_FOUNDED, "alliance.founded", CN_ENT_ALLIANCE,
		{"alliance", "id"}, FIELDS("alliance"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL,
		cn_fold_alliance},
	[CN_EV_MEMBER_ADMITTED] = {
		CN_EV_MEMBER_ADMITTED, "member.admitted", CN_ENT_MEMBER,
		{"member", "code"}, FIELDS("member"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL, cn_fold_member},
	[CN_EV_PARTNER_ADDED] = {
		CN_EV_PARTNER_ADDED, "partner.added", CN_ENT_PARTNER,
		{"partner", "code"}, FIELDS("partner"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL, cn_fold_partner},
	[CN_EV_BODY_ESTABLISHED] = {
		CN_EV_BODY_ESTABLISHED, "body.established", CN_ENT_BODY,
		{"body", "id"}, FIELDS("body"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL, cn_fold_body},
	[CN_EV_OFFICE_OPENED] = {
		CN_EV_OFFICE_OPENED, "office.opened", CN_ENT_OFFICE,
		{"office", "id"}, FIELDS("office"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL,
		cn_fold_office_opened},
	[CN_EV_OFFICE_CLOSED] = {
		CN_EV_OFFICE_CLOSED, "office.closed", CN_ENT_OFFICE,
		{"office", NULL}, FIELDS("office", "closed"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL,
		cn_fold_office_closed},
	[CN_EV_KEY_REGISTERED] = {
		CN_EV_KEY_REGISTERED, "key.registered", CN_ENT_MEMBER,
		{"member", NULL}, FIELDS("member", "vkey"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL, cn_fold_key},
	[CN_EV_PROPOSAL_CREATED] = {
		CN_EV_PROPOSAL_CREATED, "proposal.created", CN_ENT_PROPOSAL,
		{"id", NULL},
		FIELDS("id", "body", "title", "procedure", "rule", "electorate"),
		CN_EVT_PUBLIC_RECORD | CN_EVT_STRUCTURE, NULL, NULL,
		cn_fold_proposal_opened},
	[CN_EV_POSITION_STATED] = {
		CN_EV_POSITION_STATED, "position.stated", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "member", "position"),
		CN_EVT_STATEMENT | CN_EVT_BALLOT, NULL, "text",
		cn_fold_statement},
	[CN_EV_RESERVATION_LIFTED] = {
		CN_EV_RESERVATION_LIFTED, "reservation.lifted", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "member"),
		CN_EVT_STATEMENT | CN_EVT_BALLOT, "lift", "text",
		cn_fold_statement},
	[CN_EV_SILENCE_BROKEN] = {
		CN_EV_SILENCE_BROKEN, "silence.broken", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "member"),
		/* A joint letter changes several ballots (so not
		 * CN_EVT_BALLOT: every positions row is rewritten), and an
		 * ally may join a break after it ended the procedure. */
		CN_EVT_STATEMENT | CN_EVT_AFTER_CONCLUSION, "object", "reason",
		cn_fold_silence_broken},
	[CN_EV_COMMENT_MADE] = {
		CN_EV_COMMENT_MADE, "comment.made", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "member"),
		CN_EVT_STATEMENT | CN_EVT_RECORD_ONLY | CN_EVT_AFTER_CONCLUSION,
		"comment", "text", cn_fold_proposal_step},
	[CN_EV_DEADLINE_EXTENDED] = {
		CN_EV_DEADLINE_EXTENDED, "deadline.extended", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "deadline"), 0, NULL, NULL,
		cn_fold_proposal_step},
	[CN_EV_TEXT_RECIRCULATED] = {
		CN_EV_TEXT_RECIRCULATED, "text.recirculated", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "text", "deadline"),
		CN_EVT_STRUCTURE, NULL, NULL, cn_fold_proposal_step},
	[CN_EV_PROCEDURE_CONCLUDED] = {
		CN_EV_PROCEDURE_CONCLUDED, "procedure.concluded", CN_ENT_PROPOSAL,
		{"proposal", NULL},
		FIELDS("proposal", "outcome", "explanation"),
		CN_EVT_PUBLIC_RECORD | CN_EVT_STRUCTURE, NULL, NULL,
		cn_fold_proposal_step},
	[CN_EV_BODY_AMENDED] = {
		CN_EV_BODY_AMENDED, "body.amended", CN_ENT_BODY,
		{"body", NULL}, FIELDS("body", "effective", "changes"),
		CN_EVT_REGISTRY | CN_EVT_STRUCTURE, NULL, NULL,
		cn_fold_body_amended},
	[CN_EV_PROPOSAL_SUPERSEDED] = {
		CN_EV_PROPOSAL_SUPERSEDED, "proposal.superseded", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "by"),
		CN_EVT_AFTER_CONCLUSION, NULL, NULL, cn_fold_superseded},
	/* A member's vote in a roll-call or written vote (core/vote.h):
	 * {proposal, member, vote, previous, text?, declared?}. */
	[CN_EV_VOTE_CAST] = {
		CN_EV_VOTE_CAST, "vote.cast", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "member", "vote"),
		CN_EVT_STATEMENT | CN_EVT_BALLOT, NULL, "text",
		cn_fold_vote_cast},
	/* A member does not agree to the use of the written procedure:
	 * {proposal, member, reason}; the procedure ends, not adopted. */
	[CN_EV_WRITTEN_REFUSED] = {
		CN_EV_WRITTEN_REFUSED, "written.refused", CN_ENT_PROPOSAL,
		{"proposal", NULL}, FIELDS("proposal", "member", "reason"),
		CN_EVT_STATEMENT | CN_EVT_BALLOT, NULL, "reason",
		cn_fold_written_refused},
};

const struct cn_event_type *cn_event_type_find(const char *name)
{
	if (!name)
		return NULL;
	/* Every event read is looked up here, some twice (an export's), and
	 * a strcmp a type was 7% of `verify --export`: the first two bytes
	 * rule out all but a name or two.  A table name is at least two
	 * bytes, so neither read passes the end of name. */
	for (size_t i = 0; i < CN_EV_COUNT; i++) {
		const char *t = types[i].name;
		if (t[0] == name[0] && t[1] == name[1] && !strcmp(t + 2, name + 2))
			return &types[i];
	}
	return NULL;
}

const struct cn_event_type *cn_event_type_get(enum cn_ev id)
{
	assert((unsigned)id < CN_EV_COUNT);
	assert(types[id].id == id);
	return &types[id];
}

const char *cn_entity_name(enum cn_entity e)
{
	static const char *const names[] = {
		[CN_ENT_ALLIANCE] = "alliance", [CN_ENT_MEMBER] = "member",
		[CN_ENT_PARTNER] = "partner",   [CN_ENT_BODY] = "body",
		[CN_ENT_OFFICE] = "office",     [CN_ENT_PROPOSAL] = "proposal",
	};
	assert((unsigned)e < sizeof(names) / sizeof(names[0]));
	return names[e];
}
