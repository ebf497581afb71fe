/*
 * json_alloc.h - jansson's allocator, recording per thread that one of
 * its allocations failed: how a parse that failed for lack of memory is
 * told from one that failed on bad input.
 *
 * Why.  jansson 2.14 does not always say that it ran out of memory: its
 * lexer turns a failed allocation into a syntax error ("string or '}'
 * expected", akheron/jansson#362, open), or into a value that is not
 * what the text says (a string cut short); json_unpack's strict check
 * reports "N object item(s) left unpacked" when its own record of the
 * keys it unpacked could not grow.  Reading any of those as bad input
 * would call a sound log corrupt, or a user's valid file invalid, when
 * memory ran out.
 *
 * How.  cn_json_alloc_install() gives jansson allocation functions that
 * call malloc and free (so whatever counts or fails malloc still sees
 * them) and, when malloc returns NULL, set a flag of the calling thread.
 * A caller judging a jansson call resets the flag right before it
 * (cn_json_alloc_reset) and, when the call fails, asks cn_json_oom: a
 * failure after a failed allocation is CN_ENOMEM, whatever jansson's
 * message says.
 *
 * Soundness.  The flag is _Thread_local: the server's threads parse
 * concurrently, and one thread's failed allocation must not turn another
 * thread's genuine syntax error into "out of memory".  Within a thread
 * the flag covers exactly the allocations since the reset, which are the
 * judged call's own (jansson calls no user code while it parses).  jansson
 * cannot carry on past a failed allocation with a sound result, so a
 * failure that follows one is put down to it; at worst a text that is
 * also malformed is reported as out of memory, and read again with
 * memory to spare it is then named for what it is.  The other way is
 * exact: no failed allocation, no out of memory.
 *
 * Installation.  jansson's allocation functions are process-wide:
 * install once, at the start of main, before any thread starts and
 * before jansson allocates (ours free with free, like jansson's default,
 * so values made before are still freed right).  A program that does
 * not install keeps jansson's own functions, and cn_json_oom then knows
 * only what jansson says (json_error_out_of_memory).
 */
#ifndef CN_JSON_ALLOC_H
#define CN_JSON_ALLOC_H

#include <jansson.h>

/* Give jansson the recording allocation functions.  Idempotent. */
void cn_json_alloc_install(void);

/* Forget this thread's record: call right before the jansson call to
 * judge. */
void cn_json_alloc_reset(void);

/* Whether the jansson call since cn_json_alloc_reset failed for lack of
 * memory: one of jansson's allocations failed in this thread since then,
 * or je (may be NULL; read only when the call failed) says so. */
int cn_json_oom(const json_error_t *je);

/* What a parse since cn_json_alloc_reset returned (v, with je), judged:
 * v itself, or NULL with *oom saying whether memory ran out.  A value
 * parsed while an allocation failed is dropped (json_decref) and counts
 * as out of memory: jansson 2.14's lexer ignores a failed save of a
 * token's byte and can return a value that is not the text's.
 * Use: cn_json_alloc_reset(); v = cn_json_parsed(json_loadb(...), &je,
 * &oom); */
json_t *cn_json_parsed(json_t *v, const json_error_t *je, int *oom);

#endif
