/* export_file.c - an exported log's lines, mapped or through stdio; see
 * export_file.h. */
#include "export_file.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "../core/filebuf.h"

int cn_export_file_open(struct cn_export_file *r, const char *path,
			struct cn_err *err)
{
	struct stat st;
	void *m;

	memset(r, 0, sizeof(*r));
	if (!(r->f = fopen(path, "r")))
		return cn_err_set(err, CN_EIO, "%s: cannot open", path);
	if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > 0 && (uintmax_t)st.st_size <= CN_EXPORT_FILE_MAP_MAX &&
	    (m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE,
		      fileno(r->f), 0)) != MAP_FAILED) {
		fclose(r->f); /* the mapping stays */
		cn_export_file_mem(r, m, (size_t)st.st_size); /* f now NULL */
		r->mapped = 1;
	} else
		r->rbuf = cn_filebuf(r->f, CN_FILEBUF_SIZE); /* 256 KiB a read */
	return 0;
}

void cn_export_file_mem(struct cn_export_file *r, const char *bytes,
			size_t len)
{
	memset(r, 0, sizeof(*r));
	r->mem = bytes;
	r->size = len;
}

int cn_export_file_next(struct cn_export_file *r, const char **s, size_t *n,
			int *ended)
{
	if (!r->f) {
		const char *at, *nl;
		if (r->at == r->size)
			return 0; /* before the sum: no bytes may be NULL */
		at = r->mem + r->at;
		nl = memchr(at, '\n', r->size - r->at);
		*s = at;
		*n = nl ? (size_t)(nl - at) : r->size - r->at;
		*ended = nl != NULL;
		r->at += *n + (size_t)*ended;
		return 1;
	}
	errno = 0;
	ssize_t got = getline(&r->buf, &r->cap, r->f);
	if (got <= 0)
		return feof(r->f) ? 0 : -1;
	*ended = r->buf[got - 1] == '\n';
	if (*ended)
		r->buf[--got] = '\0';
	*s = r->buf;
	*n = (size_t)got;
	return 1;
}

const char *cn_export_file_str(struct cn_export_file *r, const char *s,
			       size_t n)
{
	if (r->f)
		return s; /* getline's, with its NUL */
	if (r->cap < n + 1) {
		char *b = realloc(r->buf, n + 1);
		if (!b)
			return NULL;
		r->buf = b;
		r->cap = n + 1;
	}
	memcpy(r->buf, s, n);
	r->buf[n] = '\0';
	return r->buf;
}

void cn_export_file_close(struct cn_export_file *r)
{
	if (r->mapped)
		munmap((void *)r->mem, r->size);
	if (r->f)
		fclose(r->f);
	free(r->rbuf);
	free(r->buf);
	memset(r, 0, sizeof(*r));
}
