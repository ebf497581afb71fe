/*
 * readback.h - the check that a sealed event reads back as it was meant.
 *
 * Nothing is appended to the log that its reader cannot read back: the
 * service layer (app.c) seals each event a command emits, then decodes
 * the sealed bytes with the decoder every reader of the store uses
 * (cn_event_decode) and compares what comes back with what was meant,
 * before anything is stored.  A payload value the canonical encoding
 * cannot carry (a real, a string jansson would not parse back) is refused
 * here with the field's name, instead of being stored and failing every
 * later open of the store.
 *
 * Owns nothing: the event stays the caller's.
 */
#ifndef CN_READBACK_H
#define CN_READBACK_H

#include "err.h"
#include "event.h"

/* 0 when ev's bytes decode to ev itself (sequence, time, actor, type,
 * link, every payload field, no more) and carry every field its type
 * requires; CN_EINVAL naming the field (or the type) otherwise;
 * CN_ENOMEM when memory ran out reading it back. */
int cn_event_read_back(const struct cn_event *ev, struct cn_err *err);

#endif
