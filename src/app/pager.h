/*
 * pager.h - a world's concluded proposals kept in a temporary file, not in
 * memory, so that a process holds the registry and the open proposals,
 * not every proposal the log ever made (issue 14: a writer's world at
 * 100k proposals was 340 MB of jansson trees and ballots, a verifier's
 * 230 MB).
 *
 * Three users: `council verify`'s replay (verify.c), `verify --export`'s
 * fold (export_verify.c), and the writer's world of every app that runs
 * commands (app.c: the CLI's writes and `council serve`'s writer thread).
 *
 * A proposal goes out once it is concluded and out of the deadline index,
 * as its part of a snapshot (core/snapshot.h): found by a sweep of the
 * world (cn_pager_maybe: at most every `every` events; cn_pager_sweep: at
 * once), or handed over by a snapshot's decode without staying in memory
 * (the hook's keep, cn_snapshot_decode_paged).  Its slot in the world is
 * then NULL and the world reaches it through its pager hook (world.h): an
 * event that names it (proposal.superseded changes a concluded proposal),
 * a view, a projection row.  A proposal brought back stays until the next
 * sweep writes it out again (appended; the old bytes are left unread).
 *
 * What it trusts: bytes it wrote itself in this process (from a world it
 * folded, or from a snapshot whose digest and seal were checked before
 * its decode); they are decoded and checked again on the way back, and
 * the file is made without a name (O_TMPFILE; where the file system has
 * none, unlinked as soon as it is made): no other process sees it, and it
 * goes with the process, however that ends.
 *
 * Memory: 16 bytes a proposal for where its bytes are, and a read window
 * of 1 MiB (or the largest proposal's bytes); the file is made at the first write (a log with no
 * concluded proposal makes none).  A failure of the file (write, read,
 * decode) is kept: cn_pager_failed gives it, for the caller to report in
 * place of what the fold made of a proposal it could not have.
 *
 * Ownership: the pager owns its file, index and buffers; it borrows the
 * world it is attached to (cn_pager_attach), which must be released or
 * attached to another pager before cn_pager_release.  Not thread-safe
 * (the world's one writer), but for loads: two threads may bring
 * proposals back at once (its lock).
 */
#ifndef CN_PAGER_H
#define CN_PAGER_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/buf.h"
#include "../core/err.h"
#include "../core/filebuf.h"
#include "../core/world.h"

/* Events between sweeps: at most this many proposals concluded since the
 * last sweep stay in memory.  COUNCIL_PAGER_SWEEP in the environment,
 * when a positive number, is used instead (the tests take 1: a proposal
 * leaves memory at the first sweep after it concludes). */
#define CN_PAGER_EVERY 1024

/* The file is written through a stdio buffer of this many bytes
 * (core/filebuf.h says why).  COUNCIL_PAGER_BUFFER in the environment,
 * when a positive number no larger, is used instead (the tests take 4096,
 * so that a few proposals reach the file while a scan is under way). */
#define CN_PAGER_BUFFER CN_FILEBUF_SIZE

struct cn_pager_at;
struct cn_pager {
	struct cn_world_pager hook;
	struct cn_world *w;           /* attached to; NULL before */
	const char *dir;              /* of the temporary file */
	FILE *f;                      /* NULL until the first write */
	char *wbuf;                   /* f's buffer (CN_PAGER_BUFFER) */
	struct cn_pager_at *at;       /* where proposal i+1's bytes are */
	size_t nat;
	uint64_t end;                 /* the file's length */
	size_t low;                   /* the slots below are all empty */
	uint8_t *buf;                 /* the read window (pager.c) */
	size_t cap;
	uint64_t win_off;             /* where it starts in the file */
	size_t win_len;               /* how many bytes of it are read */
	struct cn_buf enc;            /* the last proposal written */
	uint64_t out;                 /* proposals written (ever) */
	uint64_t every;               /* events between sweeps */
	int64_t next;                 /* sweep once the world is at this seq */
	int failed;
	/* A proposal it held could not be given back (a read or a decode
	 * failed), or a failed write may have taken bytes of proposals
	 * written before it (stdio drops its buffer): the world is no longer
	 * whole, and the app rebuilds it at its next write.  A write that
	 * failed before any byte was written loses nothing (the proposal
	 * stays in memory, and sweeps stop). */
	int lost;
	struct cn_err why;
	/* Loads (the hook's load) from two threads at once: verify's
	 * projection check renders the replay's proposals on both.  The
	 * rest is the world's one writer's. */
	pthread_mutex_t lock;
};

void cn_pager_init(struct cn_pager *pg);
/* w's proposals are kept by pg from now on: w->pager is pg's hook.  Also
 * after the world moved (a struct copy): pg follows it. */
void cn_pager_attach(struct cn_pager *pg, struct cn_world *w);
/* A sweep when `every` events passed since the last (by the world's
 * last_seq): for a replay after each event, for a writer after each
 * commit. */
int cn_pager_maybe(struct cn_pager *pg, struct cn_err *err) CN_NODISCARD;
/* Write out every concluded proposal still in the world. */
int cn_pager_sweep(struct cn_pager *pg, struct cn_err *err) CN_NODISCARD;
/* Forget every proposal kept (a world decoded half-way was thrown away):
 * the file is closed (the next write starts another).  The attached world
 * must have no empty slot that the pager filled. */
void cn_pager_clear(struct cn_pager *pg);
int cn_pager_failed(const struct cn_pager *pg, struct cn_err *err);
/* A descriptor of the pager's file (flushed first), the caller's to
 * close: for a snapshot planned now (core/snapshot.h, cn_snapshot_plan,
 * through the hook's where) and put together on another thread.  The
 * bytes the plan names stay there while it is open, whatever the pager
 * does next: the file is only appended to, and cn_pager_clear starts a
 * new one rather than emptying it.  Negative, a cn_status (err.h; never
 * a descriptor): CN_ENOTFOUND when no proposal was ever paged (no file);
 * the failure's code when the pager is lost (a proposal could not be
 * read back, or a write or a flush of its file failed after bytes it
 * names were buffered: they are not all there). */
int cn_pager_share(struct cn_pager *pg, struct cn_err *err);
void cn_pager_release(struct cn_pager *pg);

#endif
