/*
 * lists.h - the lists that grow with the record, a page at a time:
 * proposals (filtered, and found by their words) and the log's events as
 * a principal with restricted sight sees them.
 *
 * Each page is one query of the store (store.h, "paged queries") with the
 * principal's sight applied inside it, as the store can select by it:
 * cn_sight_of's rule (sight.h) restated as which proposals rows a viewer
 * sees.  So a page costs what it shows, however many hidden proposals or
 * events the record holds, and a hidden item is, to a page and to its
 * cursor, an item that does not exist.  Callers still apply cn_sight_of
 * to each proposal they show (to redact it, and so that the two forms of
 * the rule can never show more than the first allows).
 *
 * The server's threads open their own read-only connection for these
 * (cn_lists_open); the CLI passes the store it has.
 *
 * Ownership: docs and events passed to a callback are borrowed for the
 * call; cn_lists_summary changes the caller's view in place.  *match
 * from cn_lists_match is malloc'd, the caller's.
 */
#ifndef CN_LISTS_H
#define CN_LISTS_H

#include <stdint.h>

#include <jansson.h>

#include "../core/err.h"
#include "../core/event.h"
#include "../store/store.h"
#include "sight.h"

/* A read-only connection of its own for one thread (cn_store_close). */
int cn_lists_open(const char *path, struct cn_store **out, struct cn_err *err)
	CN_NODISCARD;

/* Search words (what a user types), checked and put one space apart:
 * the store's query of them (store.h, cn_proposal_query.match) requires
 * every word and reads none as an operator.  CN_EINVAL, naming `field`,
 * for no word, too many (16) or too long a text (256 bytes). */
int cn_lists_match(const char *words, const char *field, char **match,
		   struct cn_err *err) CN_NODISCARD;

/* A page of proposals through v's sight: q's filters and cursor (its
 * sight is replaced by v's), in one read snapshot. */
int cn_lists_proposals(struct cn_store *st, const struct cn_viewer *v,
		       const struct cn_proposal_query *q, cn_proposal_fn fn,
		       void *ctx, struct cn_err *err) CN_NODISCARD;

/* The summary form of a proposal's view, in place: what a list shows of
 * each proposal, not its whole view.  It keeps, of what `view` holds (full
 * or already redacted), the proposal's scalars (id, title, body and
 * body_name, procedure, rule and rule_name, status, outcome, the dates,
 * verdict, explanation, ...), its effects, tally and blocked_by; it drops
 * the text, the revisions, the electorate (electorate_size stays) and
 * every per-member detail.  When the view holds positions, they become
 * position_counts ({position: how many}) and, for `member` (a delegation's
 * own, NULL for other principals), that member's position alone.  So a
 * summary never shows what its view did not.  CN_ENOMEM. */
int cn_lists_summary(json_t *view, const char *member, struct cn_err *err)
	CN_NODISCARD;

/* The events v sees from `from` to `upto`, at most `limit` of them,
 * through fn; *next the seq of the next event v sees after them, 0 when
 * there is none up to `upto`.  For every viewer, the secretariat too
 * (every event, in order). */
typedef int (*cn_lists_event_fn)(void *ctx, const struct cn_event *ev,
				  struct cn_err *err);
int cn_lists_log(struct cn_store *st, const struct cn_viewer *v, int64_t from,
		 int64_t upto, int64_t limit, cn_lists_event_fn fn, void *ctx,
		 int64_t *next, struct cn_err *err) CN_NODISCARD;

#endif
