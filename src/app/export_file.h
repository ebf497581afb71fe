/*
 * export_file.h - the lines of an exported log's file, for its verifier
 * (export_verify.c): mapped whole and read where they are, or read a line
 * at a time through stdio.
 *
 * Why two ways.  A regular file of up to CN_EXPORT_FILE_MAP_MAX bytes is
 * mapped, so that its lines need no copy and the verifier may lend each
 * event's bytes to the leaf pipe (leafpipe.h) instead of copying them
 * into its batch.  Of p100's check (610 events, 0.36 MB), the first
 * touches of stdio's buffer and of the batches' copies were a hundred
 * page faults, 0.2 ms of 3.2 (docs/PERFORMANCE.md).  Any other file is
 * read through stdio: a pipe, or a larger file, where those fixed costs
 * are lost in the rest (20 MB: 70.6 ms mapped, 70.0 read) and the mapped
 * pages would count in the process's memory (34 MB: 54 MB resident,
 * against 22).
 *
 * What a mapped file does not share with one read through stdio: a page
 * the kernel cannot read (an I/O error, or another process that
 * truncated the file) ends the process with SIGBUS, as it would git
 * reading a pack, where stdio would have said "reading failed".  Another
 * process writing the file meanwhile can make an event's bytes differ
 * between their check and their hash on the pipe's thread; through stdio
 * it can make lines of two versions meet.  Either way the verdict is on
 * bytes whose writer was trusted with the file, as it is once the check
 * is over.
 *
 * Ownership: the struct owns its stream, mapping and line buffer until
 * cn_export_file_close; bytes given to cn_export_file_mem stay the
 * caller's.  A line returned is valid until the next call.
 */
#ifndef CN_EXPORT_FILE_H
#define CN_EXPORT_FILE_H

#include <stddef.h>
#include <stdio.h>

#include "../core/err.h"

#define CN_EXPORT_FILE_MAP_MAX ((size_t)8 * 1024 * 1024)

struct cn_export_file {
	FILE *f;             /* read through stdio, or NULL: */
	const char *mem;     /* the bytes in memory */
	size_t size, at;     /* their size, and the next line's offset */
	int mapped;          /* mem is the file, mapped here */
	char *rbuf;          /* f's buffer (filebuf.h) */
	char *buf;           /* a line with a NUL after it: getline's, or
			      * one of mem's copied (cn_export_file_str) */
	size_t cap;
};

/* Open path: mapped when it is a regular file of 1 to
 * CN_EXPORT_FILE_MAP_MAX bytes that maps, else through stdio. */
int cn_export_file_open(struct cn_export_file *r, const char *path,
			struct cn_err *err) CN_NODISCARD;
/* The len bytes of an export in memory (bytes may be NULL when len is 0). */
void cn_export_file_mem(struct cn_export_file *r, const char *bytes,
			size_t len);
/* Whether the lines' bytes stay where they are until close (lendable). */
static inline int cn_export_file_in_place(const struct cn_export_file *r)
{
	return r->f == NULL;
}
/* The next line: *s its *n bytes, without the newline (and without a NUL
 * after them when in place), *ended whether a newline ended it.  1 with
 * a line, 0 at the end of the file, -1 when reading failed (errno says
 * why; ENOMEM with the stream's error flag clear: no room for the line). */
int cn_export_file_next(struct cn_export_file *r, const char **s, size_t *n,
			int *ended);
/* The line (s, n) just read as a C string, for the parsers that want one:
 * a line read in place is copied, with its NUL.  NULL: no memory. */
const char *cn_export_file_str(struct cn_export_file *r, const char *s,
			       size_t n);
/* After the last use of bytes lent from the file. */
void cn_export_file_close(struct cn_export_file *r);

#endif
