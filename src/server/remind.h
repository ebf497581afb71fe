/*
 * remind.h - reminders before deadlines (docs/WEBHOOKS.md, "Reminders"),
 * the webhook thread's third step beside fill and deliver (hooks.h).
 * Internal to hooks.c and remind.c.
 *
 * A webhook made with `remind` offsets (core/remind.h) gets, before the
 * deadline of an open silence procedure or written vote that still waits
 * on its owner's delegation, one notice of the outbox per (webhook,
 * proposal, deadline, offset): the ref "remind:PROPOSAL:DEADLINE:OFFSET"
 * is unique per webhook in the store (notice.h), so a reminder is queued
 * once whoever queues it, a crash before its commit queues it again, and
 * a deadline moved (extend, recirculate) is a new deadline with reminders
 * of its own.  It is then delivered as any notice: signed, retried,
 * logged.
 *
 * Who is reminded: a member's token, of the proposal's electorate, that
 * sees the proposal (access.h's sight, never a rule of its own), while
 * its delegation has not answered: under silence no position stated
 * and no comment made, under a written vote no vote cast.  Concluded, withdrawn or answered
 * by the time the reminder is due: none.  The secretariat and partners
 * owe no answer, so their webhooks get none.  Ratifications and meetings
 * have no deadline: nothing to remind before.
 *
 * What is read: the open proposals whose deadline falls within the
 * largest offset (cn_store_deadline_page, an indexed range), not the
 * record; and what was already decided for a (webhook, proposal,
 * deadline, offset) is remembered (struct remind_memo, until the
 * deadline passes), so a decided reminder costs no parse and no write in
 * later rounds; and a round looks at most once a second, however many
 * commits wake the thread.  Only the server whose clock leads
 * (writer_leads) queues:
 * with several servers on one store one looks, and the unique ref keeps
 * a reminder single even when two briefly think they lead.
 */
#ifndef CN_REMIND_SERVER_H
#define CN_REMIND_SERVER_H

#include "hooks.h"
#include "remind_memo.h"
#include "writer.h"

/* Open proposals read per query (a round pages through the window). */
#define REMIND_PAGE 128
#define REMIND_KIND "reminder"

/* hooks.c's, for remind.c: a store job run to durability on the writer,
 * and a webhook's owner as a principal. */
int hooks_run_job(struct hooks *h, writer_store_fn fn, void *args,
		  struct cn_err *err) CN_NODISCARD;
void hooks_owner(const struct cn_webhook *w, struct cn_principal *who);

/* Queue the reminders due at x->now for the live webhooks v[0..n) (x's
 * cache, reader and registry set).  *memo is made on first use; free it
 * with remind_memo_free (remind_memo.h). */
int remind_round(struct hooks *h, struct remind_memo **memo, struct ctx *x,
		 struct cn_store *st, const struct cn_webhook *v, size_t n,
		 struct cn_err *err) CN_NODISCARD;

#endif
