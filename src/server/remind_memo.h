/*
 * remind_memo.h - what the reminders' rounds already decided (remind.h):
 * a sorted set of (deadline, proposal, webhook, offset), each kept until
 * its deadline passes.  A reminder queued, or found owed nothing, is
 * remembered here once durable, so later rounds spend no parse and no
 * write on it.
 *
 * One memo per webhook thread, owned by it (hooks.c), never shared: no
 * lock.  Sorted by deadline first, so what a round forgets (deadlines at
 * or before now) is a prefix.  A memo starts zeroed (calloc): empty, with
 * no array yet; every function accepts that state.
 */
#ifndef CN_REMIND_MEMO_H
#define CN_REMIND_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

/* One reminder decided: for webhook `hook`, about proposal `proposal`
 * whose deadline is `deadline` (seconds), `offset` seconds before it. */
struct remind_decided {
	int64_t deadline, proposal, hook, offset;
};

struct remind_memo {
	struct remind_decided *v; /* sorted, no two equal; NULL while empty */
	size_t n, cap;
	int64_t looked; /* the second of the last round that committed */
};

/* Whether d is remembered. */
int remind_memo_has(const struct remind_memo *m,
		    const struct remind_decided *d);

/* Remember d (already remembered: nothing).  0, or CN_ENOMEM with the
 * memo unchanged. */
int remind_memo_add(struct remind_memo *m, const struct remind_decided *d,
		    struct cn_err *err) CN_NODISCARD;

/* Forget every decision whose deadline is at or before now. */
void remind_memo_forget(struct remind_memo *m, int64_t now);

/* The memo and its array; NULL is nothing. */
void remind_memo_free(struct remind_memo *m);

#endif
