/*
 * sight.h - what a principal may see of the record: the one rule.
 *
 * The server asks it for every route, proof and cache (server/access.c),
 * and the per-audience export asks it for every event (export_write.c), so what
 * an API answers and what an export for the same principal holds can
 * never disagree.  From a proposal's few sight fields (its body, whether
 * it is shared with partners, whether it was adopted) and the registry as
 * of `now`:
 *
 *   secretariat   every proposal, full
 *   member        the proposals of the bodies its member sits on, full
 *   partner       the proposals shared with partners, redacted
 *   everyone      the adopted ones, redacted: what the public sees, a
 *                 token sees too (a token never shows less than none)
 *
 * Of the events: a registry event (about no proposal) is everyone's; a
 * proposal's events follow the sight of the proposal, all of them when
 * full, its public record (opening and conclusion) when redacted, none
 * otherwise.  Seeing an event means seeing it in full: its bytes and its
 * salt, with which its leaf can be recomputed (core/event.h).
 *
 * Ownership: nothing here allocates; the viewer borrows its registry.
 */
#ifndef CN_SIGHT_H
#define CN_SIGHT_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../core/world.h"

enum cn_role { CN_ROLE_PUBLIC, CN_ROLE_SECRETARIAT, CN_ROLE_MEMBER,
	       CN_ROLE_PARTNER };

enum cn_sight { CN_SIGHT_NONE, CN_SIGHT_REDACTED, CN_SIGHT_FULL };

/* The few fields of a proposal that decide who may see it. */
struct cn_proposal_sight {
	char body[16];
	int shared;  /* made with shared: true (partners see it) */
	int adopted; /* concluded, outcome adopted (the public sees it) */
};

/* Who looks, and the registry and time the rule reads. */
struct cn_viewer {
	enum cn_role role;
	const char *code;            /* member or partner code ("" else) */
	const struct cn_world *reg;  /* the registry (proposals not needed) */
	int64_t now;                 /* body membership is as of this time */
};

/* What the viewer sees of a proposal with fields p. */
enum cn_sight cn_sight_of(const struct cn_viewer *v,
			  const struct cn_proposal_sight *p);

/* The viewer's sight of proposal `id` (CN_SIGHT_NONE when there is none),
 * as the caller finds it (usually cn_sight_of over the stored fields,
 * cached per proposal); 0 or an error that stops the caller. */
typedef int (*cn_sight_lookup_fn)(void *ctx, int64_t id, enum cn_sight *out,
				  struct cn_err *err);

/* Whether the viewer sees event ev in full: *sees 1 or 0.  A type this
 * program does not know is the secretariat's alone.  Errors come from
 * lookup only. */
int cn_sight_sees_event(const struct cn_viewer *v, const struct cn_event *ev,
			cn_sight_lookup_fn lookup, void *ctx, int *sees,
			struct cn_err *err) CN_NODISCARD;

/* Whether a sight of a proposal shows one of its events: full, all of
 * them; redacted, its public record (opening and conclusion); none,
 * nothing.  (cn_sight_sees_event applies it to any event.) */
int cn_sight_shows_event(enum cn_sight s, const struct cn_event *ev);

/* An audience, as `log export --for` names it: "all" (the secretariat's
 * view: everything), "member:FR", "partner:JP" or "public".  The code is
 * not checked against the registry here. */
struct cn_audience {
	enum cn_role role;
	char code[CN_CODE_MAX];
};
int cn_audience_parse(const char *text, struct cn_audience *out,
		      struct cn_err *err) CN_NODISCARD;
/* Its name as parsed ("all", "member:FR", ...); buf of at least 24. */
const char *cn_audience_name(const struct cn_audience *a, char *buf,
			     size_t n);

#endif
