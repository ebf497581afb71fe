/*
 * json_alloc.h - jansson's allocator, recording per thread that one of
 * its allocations failed: how a parse that failed for lack of memory is
 * told from one that failed on bad input.
 *
 * Why.  jansson 2.14 does not always say that it ran out of memory: its
 * lexer turns a failed allocation into a syntax error ("string or '}'
 * expected", akheron/jansson#362, open), or carries on without a byte it
 * could not save, and then returns a value that is not the text's or
 * copies a string past the end of the buffer it sized from what it saved
 * (a crash: test_oom, app-export); json_unpack's strict check reports
 * "N object item(s) left unpacked" when its own record of the keys it
 * unpacked could not grow.  Reading any of those as bad input would call
 * a sound log corrupt, or a user's valid file invalid, when memory ran
 * out.
 *
 * How.  cn_json_alloc_install() gives jansson allocation functions that
 * call malloc and free (so whatever counts or fails malloc still sees
 * them) and, when malloc returns NULL, record it for the calling thread.
 * A caller judging a jansson call begins it with cn_json_begin and ends
 * it with cn_json_oom or cn_json_parsed, on every path: a failure (or a
 * parsed value) after a failed allocation is CN_ENOMEM, whatever jansson's
 * message says.  Between the two, the first failed allocation is sticky:
 * every later one of jansson's in that thread fails too, so that jansson
 * cannot build on what it did not get (the string copy above then fails
 * cleanly at its own allocation).  Outside a judged call nothing is
 * sticky: one failed allocation never makes the next call fail.
 *
 * Soundness.  The record is _Thread_local: the server's threads parse
 * concurrently, and one thread's failed allocation must not turn another
 * thread's genuine syntax error into "out of memory".  Within a thread it
 * covers exactly the allocations since cn_json_begin, which are the judged
 * call's own (jansson calls no user code while it parses).  Putting a
 * failure down to memory once an allocation failed is conservative: at
 * worst a text that is also malformed is reported as out of memory, and
 * read again with memory to spare it is named for what it is.  The other
 * way is exact: no failed allocation, no out of memory.
 *
 * Installation.  jansson's allocation functions are process-wide:
 * install once, at the start of main, before any thread starts (ours free
 * with free, like jansson's default, so values made before are still
 * freed right).  A program that does not install keeps jansson's own
 * functions, and cn_json_oom then knows only what jansson says
 * (json_error_out_of_memory).
 */
#ifndef CN_JSON_ALLOC_H
#define CN_JSON_ALLOC_H

#include <jansson.h>

/* Give jansson the recording allocation functions.  Idempotent. */
void cn_json_alloc_install(void);

/* Begin a judged jansson call in this thread: forget the record. */
void cn_json_begin(void);

/* End it: whether it met a lack of memory, i.e. one of jansson's
 * allocations failed in this thread since cn_json_begin, or je (NULL
 * unless the call failed and filled it) says so. */
int cn_json_oom(const json_error_t *je);

/* End a judged parse that returned v (NULL: failed, filling je): v
 * itself, or NULL with *oom saying whether memory ran out.  A value
 * parsed while an allocation failed is dropped (json_decref) and counts
 * as out of memory: it may not be the text's.
 * Use (for a parse cn_json_loadb does not cover, json_loadf say):
 *   cn_json_begin(); v = cn_json_parsed(json_loadf(...), &je, &oom); */
json_t *cn_json_parsed(json_t *v, const json_error_t *je, int *oom);

/* The whole of a judged json_loadb: begin, parse, end.  The value, or
 * NULL with je filled and *oom saying whether memory ran out. */
json_t *cn_json_loadb(const char *buf, size_t len, size_t flags,
		      json_error_t *je, int *oom);

#endif
