/*
 * pager.c - a world's concluded proposals kept in a temporary file, not in
 * memory; see pager.h.
 */
#include "pager.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/snapshot.h"
#include "env_count.h"

struct cn_pager_at {
	uint64_t off;
	uint32_t len; /* 0: never written out (in the world, or a hole) */
};

static int fail(struct cn_pager *pg, int rc, const char *what, const char *why)
{
	if (!pg->failed) {
		pg->failed = rc;
		cn_err_set(&pg->why, rc, "the temporary file of concluded "
			   "proposals (in %s): %s: %s", pg->dir, what, why);
	}
	return pg->failed;
}

/* A proposal held could not be given back. */
static int lose(struct cn_pager *pg, int rc, const char *what, const char *why)
{
	pg->lost = 1;
	return fail(pg, rc, what, why);
}

/* Bytes are read a window at a time (CN_PAGER_WINDOW, or one proposal
 * when it is larger): a snapshot's encode asks for every proposal in id
 * order, and sweeps write them to the file in that order, so one read
 * serves thousands of them instead of a read each.  The file is only
 * appended to (and replaced whole by cn_pager_clear, which drops the
 * window), so bytes in the window never go stale. */
#define CN_PAGER_WINDOW (1024 * 1024)

/* The bytes of proposal id: *b (in the window, valid until the next read)
 * and *n their length.  When they cannot be read and `need` is set (a
 * proposal brought back, a snapshot's bytes), the pager has lost them;
 * unset (a comparison that can write the proposal anew instead), the
 * failure is only returned.  A flush that failed loses either way: stdio
 * dropped bytes the index already names. */
static int read_bytes(struct cn_pager *pg, int64_t id, const uint8_t **b,
		      size_t *n, int need)
{
	const struct cn_pager_at *a;
	size_t want;
	ssize_t got;

	if (id < 1 || (uint64_t)id > pg->nat || !pg->at[id - 1].len)
		return CN_ENOTFOUND; /* in the world, or a hole */
	a = &pg->at[id - 1];
	if (a->off < pg->win_off || a->off + a->len > pg->win_off + pg->win_len) {
		want = a->len > CN_PAGER_WINDOW ? a->len : CN_PAGER_WINDOW;
		if (want > pg->end - a->off)
			want = (size_t)(pg->end - a->off);
		if (pg->cap < want) {
			uint8_t *buf = realloc(pg->buf, want);
			if (!buf)
				return need ? lose(pg, CN_ENOMEM, "read",
						   "out of memory") : CN_ENOMEM;
			pg->buf = buf;
			pg->cap = want;
		}
		pg->win_len = 0;
		if (fflush(pg->f))
			return lose(pg, CN_EIO, "write", strerror(errno));
		got = pread(fileno(pg->f), pg->buf, want, (off_t)a->off);
		if (got < (ssize_t)a->len)
			return !need ? CN_EIO
			     : lose(pg, CN_EIO, "read", got < 0 ? strerror(errno)
				    : "cut short");
		pg->win_off = a->off;
		pg->win_len = (size_t)got;
	}
	*b = pg->buf + (a->off - pg->win_off);
	*n = a->len;
	return 0;
}

static int pager_bytes(void *ctx, int64_t id, const uint8_t **b, size_t *n)
{
	return read_bytes(ctx, id, b, n, 1);
}

static int pager_where(void *ctx, int64_t id, uint64_t *off, size_t *n)
{
	const struct cn_pager *pg = ctx;

	if (id < 1 || (uint64_t)id > pg->nat || !pg->at[id - 1].len)
		return CN_ENOTFOUND;
	*off = pg->at[id - 1].off;
	*n = pg->at[id - 1].len;
	return 0;
}

int cn_pager_share(struct cn_pager *pg, struct cn_err *err)
{
	int fd;

	/* A write that failed lost nothing (what it wrote before stands);
	 * a proposal that could not be read back did. */
	if (pg->lost)
		return cn_pager_failed(pg, err);
	if (!pg->f)
		return cn_err_set(err, CN_ENOTFOUND, "no proposal is paged");
	/* A failed flush drops the buffer: bytes the index names are gone
	 * from the file, as for a failed read. */
	if (fflush(pg->f)) {
		lose(pg, CN_EIO, "write", strerror(errno));
		return cn_pager_failed(pg, err);
	}
	if ((fd = dup(fileno(pg->f))) < 0)
		return cn_err_set(err, CN_EIO, "the temporary file of concluded "
				  "proposals: %s", strerror(errno));
	return fd;
}

/* The bytes are copied out of the window under the lock and decoded
 * outside it, so two threads decode at once. */
static int pager_load(void *ctx, int64_t id, struct cn_proposal **out)
{
	struct cn_pager *pg = ctx;
	struct cn_err why = {0};
	const uint8_t *b = NULL;
	uint8_t *copy = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	pthread_mutex_lock(&pg->lock);
	if ((rc = read_bytes(pg, id, &b, &n, 1)) == 0 && !(copy = malloc(n)))
		rc = lose(pg, CN_ENOMEM, "read", "out of memory");
	if (rc == 0) {
		memcpy(copy, b, n);
		if ((size_t)id - 1 < pg->low)
			pg->low = (size_t)id - 1; /* the next sweep looks again */
	}
	pthread_mutex_unlock(&pg->lock);
	if (rc)
		return rc;
	/* Its bytes are this process's own: a failure is the file's. */
	rc = cn_snapshot_proposal_decode(copy, n, pg->w, id, out, &why);
	free(copy);
	if (rc) {
		pthread_mutex_lock(&pg->lock);
		rc = lose(pg, rc, "decode", why.msg);
		pthread_mutex_unlock(&pg->lock);
	}
	return rc;
}

/* f closed, and its buffer freed after it. */
static void close_file(struct cn_pager *pg)
{
	if (pg->f)
		fclose(pg->f);
	free(pg->wbuf);
	pg->f = NULL;
	pg->wbuf = NULL;
}

/* The file has no name (O_TMPFILE): it is gone when the process is,
 * however that ends.  Where the file system cannot make one (EOPNOTSUPP;
 * EISDIR from a kernel that predates O_TMPFILE), a named file unlinked at
 * once: a process killed between the two leaves it behind (0 bytes). */
static int open_file(struct cn_pager *pg)
{
	char path[4096];
	size_t size;
	int fd = open(pg->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
		if (snprintf(path, sizeof(path), "%s/council-pager-XXXXXX",
			     pg->dir) >= (int)sizeof(path))
			return fail(pg, CN_EIO, "create", "the path is too long");
		if ((fd = mkostemp(path, O_CLOEXEC)) >= 0)
			unlink(path);
	}
	if (fd < 0)
		return fail(pg, CN_EIO, "create", strerror(errno));
	if (!(pg->f = fdopen(fd, "w+b"))) {
		close(fd);
		return fail(pg, CN_EIO, "create", strerror(errno));
	}
	size = (size_t)cn_env_count("COUNCIL_PAGER_BUFFER", CN_PAGER_BUFFER);
	if (size <= CN_PAGER_BUFFER)
		pg->wbuf = cn_filebuf(pg->f, size);
	return 0;
}

/* Proposal id's bytes appended to the file, and the index pointed at
 * them. */
static int put_bytes(struct cn_pager *pg, int64_t id, const uint8_t *b, size_t n)
{
	if (pg->failed)
		return pg->failed;
	if ((uint64_t)id > pg->nat) {
		size_t cap = (size_t)id + (size_t)id / 2 + 64;
		struct cn_pager_at *a = realloc(pg->at, cap * sizeof(*a));
		if (!a)
			return fail(pg, CN_ENOMEM, "index", "out of memory");
		memset(a + pg->nat, 0, (cap - pg->nat) * sizeof(*a));
		pg->at = a;
		pg->nat = cap;
	}
	if (!pg->f && open_file(pg))
		return pg->failed;
	if (n == 0 || n > UINT32_MAX)
		return fail(pg, CN_EIO, "write", n ? "a proposal over 4 GiB"
			    : "a proposal of no bytes");
	/* stdio drops its buffer when a write fails: bytes of proposals
	 * written before, which the index names, may be gone with it. */
	if (fwrite(b, 1, n, pg->f) != n)
		return (pg->end ? lose : fail)(pg, CN_EIO, "write",
					       strerror(errno));
	pg->at[id - 1].off = pg->end;
	pg->at[id - 1].len = (uint32_t)n;
	pg->end += n;
	pg->out++;
	return 0;
}

/* A snapshot's decode hands over a concluded proposal's bytes, skimmed
 * (snapshot.h: checked whole when brought back, by the snapshot's digest
 * and seal until then). */
static int pager_keep(void *ctx, int64_t id, const uint8_t *b, size_t n)
{
	return put_bytes(ctx, id, b, n);
}

void cn_pager_init(struct cn_pager *pg)
{
	const char *dir = getenv("TMPDIR");

	memset(pg, 0, sizeof(*pg));
	pg->dir = dir && *dir ? dir : "/tmp";
	pg->every = cn_env_count("COUNCIL_PAGER_SWEEP", CN_PAGER_EVERY);
	pg->hook.load = pager_load;
	pg->hook.bytes = pager_bytes;
	pg->hook.keep = pager_keep;
	pg->hook.where = pager_where;
	pg->hook.ctx = pg;
	pg->enc = (struct cn_buf)CN_BUF_INIT;
	pg->lock = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
}

void cn_pager_attach(struct cn_pager *pg, struct cn_world *w)
{
	pg->w = w;
	w->pager = &pg->hook;
	if (!pg->next)
		pg->next = w->last_seq + (int64_t)pg->every;
}

/* Write proposal i out and empty its slot. */
static int page_out(struct cn_pager *pg, size_t i)
{
	struct cn_proposal *p = pg->w->proposals[i];
	struct cn_err why = {0};
	const uint8_t *b = NULL;
	size_t n = 0;
	int rc;

	cn_buf_reset(&pg->enc);
	if ((rc = cn_snapshot_proposal_encode(p, &pg->enc, &why)))
		return fail(pg, rc, "encode", why.msg);
	/* Brought back and left as it was (read by a view, or by a command
	 * that was refused): its bytes in the file stand, so that the file
	 * grows only when a proposal changes. */
	if (!(i < pg->nat && pg->at[i].len == pg->enc.len &&
	      read_bytes(pg, (int64_t)i + 1, &b, &n, 0) == 0 &&
	      !memcmp(b, pg->enc.s, n)) &&
	    (rc = put_bytes(pg, (int64_t)i + 1, (const uint8_t *)pg->enc.s,
			    pg->enc.len)))
		return rc;
	cn_proposal_free(p);
	pg->w->proposals[i] = NULL;
	return 0;
}

int cn_pager_sweep(struct cn_pager *pg, struct cn_err *err)
{
	struct cn_world *w = pg->w;

	/* Every slot below `low` is empty (written out, or a hole); a load
	 * lowers it (pager_load). */
	for (size_t i = pg->low; i < w->nproposals && !pg->failed; i++) {
		const struct cn_proposal *p = w->proposals[i];
		/* Concluded and not awaiting a deadline: whatever the fold
		 * may still do to it, it does through cn_world_proposal. */
		if (p && p->concluded && !p->indexed)
			page_out(pg, i);
	}
	while (pg->low < w->nproposals && !w->proposals[pg->low])
		pg->low++;
	pg->next = w->last_seq + (int64_t)pg->every;
	return cn_pager_failed(pg, err);
}

int cn_pager_maybe(struct cn_pager *pg, struct cn_err *err)
{
	if (pg->w->last_seq < pg->next)
		return cn_pager_failed(pg, err);
	return cn_pager_sweep(pg, err);
}

void cn_pager_clear(struct cn_pager *pg)
{
	if (pg->at)
		memset(pg->at, 0, pg->nat * sizeof(*pg->at));
	/* A new file at the next write, not this one emptied: a snapshot
	 * planned before may still be reading it (cn_pager_share). */
	close_file(pg);
	pg->end = 0;
	pg->low = 0;
	pg->win_off = pg->win_len = 0;
}

int cn_pager_failed(const struct cn_pager *pg, struct cn_err *err)
{
	if (pg->failed)
		*err = pg->why;
	return pg->failed;
}

void cn_pager_release(struct cn_pager *pg)
{
	if (pg->w && pg->w->pager == &pg->hook)
		pg->w->pager = NULL;
	close_file(pg);
	free(pg->at);
	free(pg->buf);
	cn_buf_release(&pg->enc);
	pthread_mutex_destroy(&pg->lock);
	memset(pg, 0, sizeof(*pg));
}
