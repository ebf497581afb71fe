/*
 * access.h - sight in the server: what a principal may see of a proposal
 * and of the log (docs/ARCHITECTURE.md, "Access").
 *
 * The rule itself is the app's (app/sight.h), the one the per-audience
 * export uses too, so the API and an export can never disagree; here it is
 * applied to the request's principal, the registry as of the last commit
 * and the wall clock:
 *
 *   secretariat   every proposal, full
 *   member        the proposals of the bodies its member sits on, full
 *   partner       the proposals shared with partners, redacted
 *   everyone      the adopted ones, redacted: what the public sees, a
 *                 token sees too (a token never shows less than none)
 *
 * Every route goes through it: a proposal's page, the list, its events,
 * the log and its inclusion proofs, the writes (may_write: only whether the proposal is
 * visible matters) and the view cache, which keeps a proposal's sight
 * fields beside its text.  What a principal may not see answers 404,
 * exactly as what does not exist, and at the same time: every 404 leaves
 * at a fixed floor after its request reached the server (http.h), so the
 * different work of finding a hidden row and finding none cannot show.
 * A 403 or 409 about a proposal comes only after it was found visible
 * (may_write decides 404 first; the writer refuses only what passed it),
 * so neither tells hidden from nonexistent.
 *
 * And the metadata: with `--public-checkpoint-every`, the public and
 * partners see the record only up to the checkpoint of the last multiple
 * of that cadence (record_size).
 */
#ifndef CN_ACCESS_H
#define CN_ACCESS_H

#include <jansson.h>
#include <stdint.h>

#include "../app/reader.h"
#include "ctx.h"

/* The server's names for the app's sights. */
enum sight {
	SEE_NONE = CN_SIGHT_NONE,
	SEE_REDACTED = CN_SIGHT_REDACTED,
	SEE_FULL = CN_SIGHT_FULL,
};

/* What x->who sees of a proposal with fields p, on x->reg as of x->now. */
enum sight sight_of(const struct ctx *x, const struct cn_proposal_sight *p);

/* The sight of proposal `id` (SEE_NONE when there is none); an error
 * only when the store cannot be read. */
int sight_of_proposal(struct ctx *x, int64_t id, enum sight *out,
		      struct cn_err *err) CN_NODISCARD;

/* Whether a sight of a proposal shows one of its events (app/sight.h). */
int sight_shows_event(enum sight s, const struct cn_event *ev);

/* Whether x->who sees event ev in full (bytes and salt).  sights (may be
 * NULL) keeps the proposals' sights already looked up, across the events
 * of one answer: a JSON object, proposal id -> enum sight. */
int sees_event(struct ctx *x, const struct cn_event *ev, json_t *sights,
	       int *sees, struct cn_err *err) CN_NODISCARD;

/* The newest checkpoint x->who is shown (its note, malloc'd, may pass
 * NULL; size; root): the latest, or at a cadence the one signed last by
 * its last multiple.  CN_ENOTFOUND when none is shown yet. */
int record_checkpoint(struct ctx *x, char **note, uint64_t *size,
		      uint8_t root[32], struct cn_err *err) CN_NODISCARD;
/* How much of the record x->who may see: every event (the tree's size),
 * or at a cadence the size of the checkpoint it is shown (0 before the
 * first).  Proofs and the log page stop there. */
int record_size(struct ctx *x, uint64_t *size, struct cn_err *err)
	CN_NODISCARD;

/* Whether x->who may make a write that needs `role`, checked in the
 * documented order: no token, 401 (`needs` says what is needed); when
 * on_proposal, proposal x->id not visible, 404; not that role, 403
 * (`only` says who may).  0, or -1 after answering. */
int may_write(struct ctx *x, enum cn_role role, int on_proposal,
	      const char *needs, const char *only);

/* Drop from a proposal's view what a redacted sight does not show: the
 * deliberations, and while open, the running outcome. */
void redact(json_t *view);
/* A stored view (a list's row, borrowed) as x->who sees it: parsed, and
 * redacted when its sight says so; *out NULL when x->who does not see
 * it.  CN_ECORRUPT, naming proposal id, when the doc is not JSON. */
int visible_view(struct ctx *x, int64_t id, const char *doc, size_t len,
		 json_t **out, struct cn_err *err) CN_NODISCARD;

#endif
