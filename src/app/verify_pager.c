/*
 * verify_pager.c - the concluded proposals of a verifier's replay kept in
 * a temporary file, not in memory (struct cn_vpager, verify.h), so that
 * `council verify` holds the open proposals and the registry, not every
 * proposal the log ever made (issue 14: 95 MB of jansson trees and
 * ballots at 1M events, 230 MB at 100k proposals).
 *
 * A proposal is written out as its part of a snapshot (core/snapshot.h)
 * once it is concluded and out of the deadline index, found by a sweep of
 * the world every SWEEP_EVERY events and once more at the end, and its
 * slot in the world emptied.  The world reaches it again through its
 * pager hook (world.h): a later event that names it (proposal.superseded
 * changes a concluded proposal) brings it back whole, decoded and checked
 * as a snapshot's proposal is, and the next sweep writes it out again,
 * changed or not (appended; the old bytes are left, unread).  A stored
 * snapshot's check takes its bytes as they were written, which are what
 * put_proposal gives; the projection check decodes each for its rows
 * alone (cn_world_proposal_at).  Nothing is trusted that this process did
 * not write itself in this run, and the file is unlinked as soon as it is
 * made: the store is never written.
 *
 * Memory: 16 bytes a proposal for where its bytes are, and the largest
 * proposal's bytes; the file is made at the first write (a log with no
 * concluded proposal makes none).  A failure of the file (write, read,
 * decode) is kept and reported by cn_vpager_failed in place of what the
 * fold made of a missing proposal.
 *
 * Ownership: the pager borrows the world from init to release, and owns
 * the file, the index and its buffers.
 */
#include "verify.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/snapshot.h"

/* Events between sweeps: at most this many proposals concluded since the
 * last sweep stay in memory.  COUNCIL_VERIFY_SWEEP, when a positive
 * number, is used instead: the tests sweep after every event, so that a
 * proposal is out of memory as soon as it concludes. */
#define SWEEP_EVERY 1024

static uint64_t sweep_every(void)
{
	const char *v = getenv("COUNCIL_VERIFY_SWEEP");
	char *end;
	long long n = v ? strtoll(v, &end, 10) : 0;

	return v && *v && !*end && n > 0 ? (uint64_t)n : SWEEP_EVERY;
}

struct cn_vpager_at {
	uint64_t off;
	uint32_t len; /* 0: not written out (in the world, or a hole) */
};

static int fail(struct cn_vpager *pg, int rc, const char *what, const char *why)
{
	if (!pg->failed) {
		pg->failed = rc;
		cn_err_set(&pg->why, rc, "the temporary file of concluded "
			   "proposals (in %s): %s: %s", pg->dir, what, why);
	}
	return pg->failed;
}

/* The bytes of proposal id into pg->buf; *n their length. */
static int read_bytes(struct cn_vpager *pg, int64_t id, size_t *n)
{
	const struct cn_vpager_at *a;
	ssize_t got;

	if (id < 1 || (uint64_t)id > pg->nat || !pg->at[id - 1].len)
		return CN_ENOTFOUND; /* in the world, or a hole */
	a = &pg->at[id - 1];
	if (pg->cap < a->len) {
		uint8_t *b = realloc(pg->buf, a->len);
		if (!b)
			return fail(pg, CN_ENOMEM, "read", "out of memory");
		pg->buf = b;
		pg->cap = a->len;
	}
	if (fflush(pg->f))
		return fail(pg, CN_EIO, "write", strerror(errno));
	got = pread(fileno(pg->f), pg->buf, a->len, (off_t)a->off);
	if (got != (ssize_t)a->len)
		return fail(pg, CN_EIO, "read", got < 0 ? strerror(errno)
			    : "cut short");
	*n = a->len;
	return 0;
}

static int pager_bytes(void *ctx, int64_t id, const uint8_t **b, size_t *n)
{
	struct cn_vpager *pg = ctx;
	int rc = read_bytes(pg, id, n);

	*b = pg->buf;
	return rc;
}

static int pager_load(void *ctx, int64_t id, struct cn_proposal **out)
{
	struct cn_vpager *pg = ctx;
	struct cn_err why = {0};
	size_t n = 0;
	int rc;

	*out = NULL;
	if ((rc = read_bytes(pg, id, &n)))
		return rc;
	if ((size_t)id - 1 < pg->low)
		pg->low = (size_t)id - 1; /* the next sweep looks again */
	/* Its bytes are this process's own: a failure is the file's. */
	if ((rc = cn_snapshot_proposal_decode(pg->buf, n, pg->w, id, out, &why)))
		return fail(pg, rc, "decode", why.msg);
	return 0;
}

void cn_vpager_init(struct cn_vpager *pg, struct cn_world *w)
{
	const char *dir = getenv("TMPDIR");

	memset(pg, 0, sizeof(*pg));
	pg->w = w;
	pg->dir = dir && *dir ? dir : "/tmp";
	pg->every = sweep_every();
	pg->hook.load = pager_load;
	pg->hook.bytes = pager_bytes;
	pg->hook.ctx = pg;
	pg->enc = (struct cn_buf)CN_BUF_INIT;
	w->pager = &pg->hook;
}

static int open_file(struct cn_vpager *pg)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/council-verify-XXXXXX", pg->dir) >=
	    (int)sizeof(path))
		return fail(pg, CN_EIO, "create", "the path is too long");
	if ((fd = mkstemp(path)) < 0)
		return fail(pg, CN_EIO, "create", strerror(errno));
	unlink(path); /* gone when closed, whatever happens */
	if (!(pg->f = fdopen(fd, "w+b"))) {
		close(fd);
		return fail(pg, CN_EIO, "create", strerror(errno));
	}
	return 0;
}

/* Write proposal i out and empty its slot. */
static int page_out(struct cn_vpager *pg, size_t i)
{
	struct cn_proposal *p = pg->w->proposals[i];
	struct cn_err why = {0};
	int rc;

	if (pg->nat < pg->w->nproposals) {
		size_t cap = pg->w->nproposals + pg->w->nproposals / 2 + 64;
		struct cn_vpager_at *a = realloc(pg->at, cap * sizeof(*a));
		if (!a)
			return fail(pg, CN_ENOMEM, "index", "out of memory");
		memset(a + pg->nat, 0, (cap - pg->nat) * sizeof(*a));
		pg->at = a;
		pg->nat = cap;
	}
	if (!pg->f && open_file(pg))
		return pg->failed;
	cn_buf_reset(&pg->enc);
	if ((rc = cn_snapshot_proposal_encode(p, &pg->enc, &why)))
		return fail(pg, rc, "encode", why.msg);
	if (pg->enc.len > UINT32_MAX)
		return fail(pg, CN_EIO, "write", "a proposal over 4 GiB");
	if (fwrite(pg->enc.s, 1, pg->enc.len, pg->f) != pg->enc.len)
		return fail(pg, CN_EIO, "write", strerror(errno));
	pg->at[i].off = pg->end;
	pg->at[i].len = (uint32_t)pg->enc.len;
	pg->end += pg->enc.len;
	cn_proposal_free(p);
	pg->w->proposals[i] = NULL;
	pg->out++;
	return 0;
}

int cn_vpager_sweep(struct cn_vpager *pg, struct cn_err *err)
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
	return cn_vpager_failed(pg, err);
}

int cn_vpager_event(struct cn_vpager *pg, struct cn_err *err)
{
	if (++pg->events % pg->every)
		return cn_vpager_failed(pg, err);
	return cn_vpager_sweep(pg, err);
}

int cn_vpager_failed(const struct cn_vpager *pg, struct cn_err *err)
{
	if (pg->failed)
		*err = pg->why;
	return pg->failed;
}

void cn_vpager_release(struct cn_vpager *pg)
{
	if (pg->w && pg->w->pager == &pg->hook)
		pg->w->pager = NULL;
	if (pg->f)
		fclose(pg->f);
	free(pg->at);
	free(pg->buf);
	cn_buf_release(&pg->enc);
	memset(pg, 0, sizeof(*pg));
}
