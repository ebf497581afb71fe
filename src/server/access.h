/*
 * access.h - sight: what a principal may see of a proposal and of its
 * events (docs/ARCHITECTURE.md, "Access").
 *
 * One function decides, sight_of(), from the few fields of a proposal that
 * matter (its body, shared, adopted) and the registry as of the request:
 *
 *   secretariat   every proposal, full
 *   member        the proposals of the bodies its member sits on, full
 *   partner       the proposals shared with partners, redacted
 *   everyone      the adopted ones, redacted: what the public sees, a
 *                 token sees too (a token never shows less than none)
 *
 * Every route goes through it: a proposal's page, the list, the log, the
 * writes (may_write: only whether the proposal is visible matters) and the
 * view cache, which keeps a proposal's sight fields beside its text.  What
 * a principal may not see answers 404, exactly as what does not exist.
 *
 * The rest says what a sight shows: redact() of a view, and
 * sight_shows_event() of a proposal's events.
 */
#ifndef CN_ACCESS_H
#define CN_ACCESS_H

#include <jansson.h>
#include <stdint.h>

#include "../app/reader.h"
#include "ctx.h"

enum sight { SEE_NONE, SEE_REDACTED, SEE_FULL };

/* What x->who sees of a proposal with fields p, on x->reg as of x->now. */
enum sight sight_of(const struct ctx *x, const struct cn_proposal_sight *p);

/* The sight of proposal `id` (SEE_NONE when there is none); an error
 * only when the store cannot be read. */
int sight_of_proposal(struct ctx *x, int64_t id, enum sight *out,
		      struct cn_err *err) CN_NODISCARD;

/* Whether x->who may make a write that needs `role`, checked in the
 * documented order: no token, 401 (`needs` says what is needed); when
 * on_proposal, proposal x->id not visible, 404; not that role, 403
 * (`only` says who may).  0, or -1 after answering. */
int may_write(struct ctx *x, enum cn_role role, int on_proposal,
	      const char *needs, const char *only);

/* Drop from a proposal's view what a redacted sight does not show: the
 * deliberations, and while open, the running outcome. */
void redact(json_t *view);

/* Whether a sight of a proposal shows one of its events: full, all of
 * them; redacted, its public record (opening and conclusion); none,
 * nothing. */
int sight_shows_event(enum sight s, const struct cn_event *ev);

#endif
