/*
 * remind.h - a webhook's reminder offsets (docs/WEBHOOKS.md, "Reminders
 * before deadlines"): how long before a deadline that still waits on the
 * webhook owner's delegation a reminder is sent, e.g. 24 h and 2 h.
 *
 * An offset is written as a whole number and a unit, "90s", "30m", "24h"
 * or "7d" (seconds, minutes, hours, days), from CN_REMIND_MIN to
 * CN_REMIND_MAX seconds; a webhook has at most CN_REMIND_COUNT of them,
 * none twice.  Seconds are allowed so that tests (and a body whose
 * deadlines are minutes away) can use short offsets.  Stored as the
 * seconds, largest first, "86400,7200" ("" for none, the default: a
 * webhook made without `remind` sends no reminder).
 *
 * Which reminder is due (cn_remind_due) is a pure rule of the offsets, a
 * deadline and the time, so every server on one store computes the same
 * one, and the outbox's unique key (webhook, proposal, deadline, offset)
 * makes it one notice whoever queues it.
 *
 * No I/O, no clock: the caller passes the time.  Ownership: the caller's
 * struct and buffers.
 */
#ifndef CN_REMIND_H
#define CN_REMIND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define CN_REMIND_COUNT 4
#define CN_REMIND_MIN 1
#define CN_REMIND_MAX (30 * 86400)
/* The stored form's room: CN_REMIND_COUNT numbers of 7 digits, commas. */
#define CN_REMIND_TEXT 40
/* The longest offset as written: "2592000s" and the NUL. */
#define CN_REMIND_WORD 16

/* Offsets, largest first, none twice. */
struct cn_remind {
	int64_t at[CN_REMIND_COUNT];
	size_t n;
};

/* Add the offset written as `word` ("24h").  CN_EINVAL naming `field`
 * and the item (index `item`) when it is not a number and a unit, out of
 * range, given twice, or one too many. */
int cn_remind_add(struct cn_remind *r, const char *word, const char *field,
		  size_t item, struct cn_err *err) CN_NODISCARD;
/* The stored form into out (CN_REMIND_TEXT bytes). */
void cn_remind_encode(const struct cn_remind *r, char out[CN_REMIND_TEXT]);
/* Read the stored form back: CN_ECORRUPT when it is not one. */
int cn_remind_decode(const char *text, struct cn_remind *r,
		     struct cn_err *err) CN_NODISCARD;
/* An offset as the API shows it: in the largest of h, m, s that divides
 * it ("24h", "90s"; "7d" shows as "168h"). */
void cn_remind_word(int64_t seconds, char out[CN_REMIND_WORD]);

/* The reminder due at `now` for a deadline: the smallest offset whose
 * time (deadline - offset) has come while the deadline has not.  Only
 * that one: a server that was down through the 24 h reminder's time and
 * comes back 2 h before sends the 2 h one, not both.  1 and *offset when
 * one is due, else 0. */
int cn_remind_due(const struct cn_remind *r, int64_t deadline, int64_t now,
		  int64_t *offset);

#endif
