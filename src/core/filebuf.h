/*
 * filebuf.h - a stdio stream read or written in large blocks.
 *
 * glibc sizes a FILE's buffer by the file's st_blksize (4 KiB on this
 * project's file systems), and setvbuf takes a size only together with
 * the buffer.  So a stream of megabytes was that many 4 KiB system calls:
 * 4,874 reads for a 20 MB export verified, 871 writes for a 3.5 MB one
 * written, 1,262 writes to the pager's file (docs/PERFORMANCE.md).
 *
 * Ownership: the caller frees the buffer returned, after fclose.  NULL
 * (no memory, or setvbuf refused) leaves the stream with its own buffer,
 * which is slower, never wrong.
 */
#ifndef CN_FILEBUF_H
#define CN_FILEBUF_H

#include <stdio.h>
#include <stdlib.h>

/* What the project's large streams take: an export read or written, the
 * pager's file. */
#define CN_FILEBUF_SIZE (256 * 1024)

/* Give f, before its first read or write, a buffer of `size` bytes. */
static inline char *cn_filebuf(FILE *f, size_t size)
{
	char *b = malloc(size);

	if (b && setvbuf(f, b, _IOFBF, size)) {
		free(b);
		b = NULL;
	}
	return b;
}

#endif
