/*
 * verify_sigs.c - a batch of checkpoints' Ed25519 signatures checked on
 * a second thread (struct cn_sigs, verify.h), for verify and verify
 * --export: the checks were a quarter of verify, and the machines this
 * runs on have two CPUs.
 *
 * The notes are parsed and the key named on the caller's thread, so every
 * allocation stays there (and out-of-memory behaves as before); the worker
 * only runs cn_note_check_run, which allocates nothing and writes only its
 * item.  The caller judges the items in order; one the worker has not
 * claimed yet it checks itself, and while the worker has the one it needs
 * it checks the next one nobody has, so neither thread waits for the other
 * while there is work; the first fault in order is named in the words of
 * cn_cp_check_next.
 */
#include "verify.h"

#include <assert.h>
#include <string.h>

/* An item's state: nobody has it yet, a thread checks it, checked. */
enum { SIG_FREE, SIG_CLAIMED, SIG_DONE };

/* With the lock held: the first item nobody has, claimed, or NULL. */
static struct cn_sig_item *claim_free(struct cn_sigs *g)
{
	while (g->claim < g->n && g->items[g->claim].state != SIG_FREE)
		g->claim++;
	if (g->claim == g->n)
		return NULL;
	g->items[g->claim].state = SIG_CLAIMED;
	return &g->items[g->claim];
}

/* With the lock held: check the item claimed, outside the lock. */
static void check_claimed(struct cn_sigs *g, struct cn_sig_item *it)
{
	pthread_mutex_unlock(&g->lock);
	if (it->rc == 0)
		cn_note_check_run(&it->chk, &it->cp.note);
	pthread_mutex_lock(&g->lock);
	it->state = SIG_DONE;
}

/* The worker: claims the first item not claimed, checks it, and on. */
static void *sig_worker(void *arg)
{
	struct cn_sigs *g = arg;
	struct cn_sig_item *it;

	pthread_mutex_lock(&g->lock);
	while (!g->stop && (it = claim_free(g))) {
		check_claimed(g, it);
		pthread_cond_broadcast(&g->moved);
	}
	pthread_mutex_unlock(&g->lock);
	return NULL;
}

/* Fewer signatures to check than this are checked on the caller's
 * thread: a thread costs about one check to start.  A chained log's batch
 * has two, its first and its last, whatever its length. */
#define SIG_THREAD_MIN 8

void cn_sigs_start(struct cn_sigs *g, struct cn_sig_item *items, size_t n,
		   const char *key_name, const uint8_t *pk)
{
	size_t to_check = 0; /* signatures: neither vouched for nor unread */
	struct cn_err later; /* a fault after the first: never judged */

	memset(g, 0, sizeof(*g));
	g->items = items;
	g->n = n;
	g->failed = n;
	for (size_t i = 0; i < n; i++) {
		struct cn_sig_item *it = &items[i];
		struct cn_err *why = g->failed == n ? &g->why : &later;
		/* as cn_checkpoint_verify does, up to the signatures */
		memset(&it->cp, 0, sizeof(it->cp));
		it->state = SIG_FREE;
		it->rc = cn_checkpoint_parse(it->note, strlen(it->note), &it->cp,
					     why);
		if (it->rc == 0 &&
		    (it->rc = cn_note_check_prepare(&it->chk, key_name, pk,
						    why))) {
			cn_checkpoint_release(&it->cp);
			cn_err_prefix(why, "checkpoint: ");
		}
		if (it->rc && g->failed == n)
			g->failed = i;
		it->vouched = 0;
		to_check += it->rc == 0;
	}
	/* Neither the first nor the last: see verify.h. */
	for (size_t i = 1; i + 1 < n; i++) {
		struct cn_sig_item *it = &items[i];

		if (it->rc == 0 && items[i + 1].rc == 0 &&
		    cn_checkpoint_follows(&items[i + 1].cp, it->note,
					  strlen(it->note))) {
			it->vouched = 1;
			it->state = SIG_DONE; /* the worker passes it by */
			to_check--;
		}
	}
	if (to_check < SIG_THREAD_MIN || pthread_mutex_init(&g->lock, NULL))
		return;
	if (pthread_cond_init(&g->moved, NULL)) {
		pthread_mutex_destroy(&g->lock);
		return;
	}
	if (pthread_create(&g->worker, NULL, sig_worker, g)) {
		pthread_cond_destroy(&g->moved);
		pthread_mutex_destroy(&g->lock);
		return;
	}
	g->working = 1;
}

int cn_sigs_judge(struct cn_sigs *g, size_t i, struct cn_cp_check *c,
		  const struct cn_checkpoint_row *stored, struct cn_err *err)
{
	struct cn_sig_item *it = &g->items[i];
	struct cn_err why;
	const char *msg = NULL; /* what failed, when it->rc is not 0 */
	int mine = 1, rc;

	assert(i < g->n);
	if (g->working) {
		pthread_mutex_lock(&g->lock);
		if ((mine = it->state == SIG_FREE))
			it->state = SIG_CLAIMED;
		while (!mine && it->state != SIG_DONE) {
			/* The worker has it: check the next one nobody has
			 * rather than sleep (an export's checkpoints come all
			 * at once, and waking a thread per item costs more
			 * than the item). */
			struct cn_sig_item *o = claim_free(g);
			if (o)
				check_claimed(g, o);
			else
				pthread_cond_wait(&g->moved, &g->lock);
		}
		pthread_mutex_unlock(&g->lock);
	}
	if (it->vouched) {
		cn_note_check_vouched(&it->chk, &it->cp.note);
		c->chained++;
	} else if (mine && it->rc == 0) {
		cn_note_check_run(&it->chk, &it->cp.note);
	}
	/* An item this thread claimed is never looked at by the worker
	 * again: no need to mark it done. */
	if (it->rc == 0 && (it->rc = cn_note_check_result(&it->chk, &why))) {
		cn_checkpoint_release(&it->cp);
		cn_err_prefix(&why, "checkpoint: ");
		msg = why.msg;
	} else if (it->rc) {
		/* Items are judged in order and judging ends at a fault: one
		 * that failed before its check is the first that did. */
		assert(i == g->failed);
		msg = g->why.msg;
	}
	rc = cn_cp_check_signed(c, it->rc, msg, &it->cp, stored, err);
	cn_checkpoint_release(&it->cp);
	return rc;
}

void cn_sigs_stop(struct cn_sigs *g)
{
	if (g->working) {
		pthread_mutex_lock(&g->lock);
		g->stop = 1;
		pthread_mutex_unlock(&g->lock);
		pthread_join(g->worker, NULL);
		pthread_cond_destroy(&g->moved);
		pthread_mutex_destroy(&g->lock);
		g->working = 0;
	}
	for (size_t i = 0; i < g->n; i++)
		cn_checkpoint_release(&g->items[i].cp);
	g->n = 0;
}
