/*
 * export_lines.h - reading the lines of an exported log (export.h) for
 * its verifier (export_verify.c): the exporter's own forms read directly,
 * without building JSON, and the strict reading of any other line.
 *
 * Why apart.  These are the verifier's hot paths, one call a line, each
 * written for the exact bytes the exporter writes, and each paired with
 * the slow way (a full decode, or jansson) that gives the same verdict on
 * any other bytes; the verifier itself is about what the lines say.
 *
 * Pure functions of their input; what they return is the caller's.
 */
#ifndef CN_EXPORT_LINES_H
#define CN_EXPORT_LINES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* In an event's canonical bytes (line, n), its prev (the 64 characters,
 * at *prevhex), its seq and its type (*type, *typelen), read from the
 * tail without parsing the JSON.  0, or -1 when the bytes do not end in
 * that shape (a full decode then says what is wrong). */
int cn_export_event_tail(const char *line, size_t n, const char **prevhex,
			 int64_t *seq, const char **type, size_t *typelen);

/* Whether the verifier must read an event's content: a type it does not
 * know, one of the registry or a proposal's structure, or a signed
 * statement. */
int cn_export_must_decode(const char *line, size_t n, const char *type,
			  size_t typelen);

/* The JSON value of a header or checkpoint line (NUL-terminated); *same
 * whether the line is exactly as the exporter writes it, *oom whether
 * memory ran out (core/json_alloc.h).  NULL when it does not read. */
json_t *cn_export_line_json(const char *line, int *same, int *oom);

/* The note of a checkpoint line (n bytes) in the exporter's narrow form,
 * malloc'd; NULL for any other line (cn_export_line_json then judges it)
 * or, with *oom set, for want of memory. */
char *cn_export_checkpoint_note(const char *line, size_t n, int *oom);

#endif
