/*
 * ical.h - an RFC 5545 (iCalendar) writer: content lines into a string
 * builder (buf.h), for the calendar feed (server/api_calendar.c).
 *
 * Every line ends in CRLF and is folded so that no line is longer than 75
 * octets, the CRLF not counted (RFC 5545 3.1): a continuation line begins
 * with one space, and a fold never falls inside a UTF-8 sequence, so each
 * physical line is valid UTF-8 on its own.  TEXT values (3.3.11) are
 * escaped: backslash, semicolon and comma get a backslash, a newline
 * becomes "\n" (a CR is dropped, so CRLF in a text is one newline), and
 * other control characters, which TEXT may not hold, are dropped.
 *
 * Ownership: everything is appended to the caller's buffer; a failed
 * allocation is the buffer's sticky oom (cn_buf_finish reports it).  Pure
 * code: no I/O, no clock.
 */
#ifndef CN_ICAL_H
#define CN_ICAL_H

#include <stdint.h>

#include "buf.h"

/* The longest a physical line may be, in octets, before its CRLF. */
#define CN_ICAL_LINE_MAX 75

/* "NAME:value" with value as it is (already in its value type's syntax,
 * e.g. a URI, a number or "PUBLISH"), folded. */
void cn_ical_raw(struct cn_buf *b, const char *name, const char *value);
/* "NAME:value" with value escaped as TEXT, folded. */
void cn_ical_text(struct cn_buf *b, const char *name, const char *value);
/* "NAME:YYYYMMDDTHHMMSSZ": a UTC DATE-TIME (3.3.5, form 2).  t must lie
 * in timeutil.h's range (years 1000 to 9999). */
void cn_ical_time(struct cn_buf *b, const char *name, int64_t t);

#endif
