/*
 * internal.h - internal to src/store/ (not its backends): the store
 * handle shared by store.c (lifecycle, rows, readers, tokens, meta) and
 * log.c (the log, the Merkle tree, checkpoints).
 */
#ifndef CN_STORE_INTERNAL_H
#define CN_STORE_INTERNAL_H

#include "store.h"

#define CN_STORE_DOCS 64
/* Merkle nodes a write remembers (about two per event): a batch of up
 * to some 1,000 events is answered from memory, a longer one reads. */
#define CN_STORE_NODES 2048
/* Events a write remembers, for the receipts of its batch. */
#define CN_STORE_RECENT 128

struct cn_store {
	const struct cn_store_ops *ops;
	struct cn_store_backend *b;
	/* The last proposal docs this store wrote, so the server can answer
	 * a write without building the view again. */
	struct {
		int64_t id;
		char *text;
	} docs[CN_STORE_DOCS];
	int ndocs;
	/* The log's signing key (Ed25519), set by the app; without one no
	 * checkpoint is signed. */
	char *signer_name;
	uint8_t signer_sk[CN_NOTE_SECKEY_LEN];
	/* Detail of a failed node lookup during a Merkle computation (the
	 * lookup callback cannot take an err). */
	struct cn_err node_err;
	/* Nesting of read transactions: an inner one joins the outer's
	 * snapshot (a reader inside an export's, say). */
	int reads;

	/* What a writer knows without asking the backend (log.c), so that a
	 * write costs its own statements and few reads (on PostgreSQL each
	 * read is a round trip inside the write lock):
	 *  - wsize: inside a write transaction begun by cn_store_begin, the
	 *    log's size, read once and moved by each append (-1: not read);
	 *  - front: the Merkle frontier of the log as this store last knew
	 *    it (front_ok), moved by its appends and by every scan that
	 *    continues it, so an append reads no sibling and a checkpoint no
	 *    subtree root; front_base: it before the transaction's first
	 *    append (base_set), what a rollback returns to and where the
	 *    last checkpoint of another writer usually stands;
	 *  - nodes: every node put since the transaction began, kept after
	 *    its commit, so the receipts of a batch read no node.
	 * All of them are copies of what is stored (or, inside the
	 * transaction, about to be): nodes are never changed once written. */
	int writing;
	int64_t wsize;
	struct cn_merkle_frontier front, front_base;
	int front_ok, base_set;
	struct cn_merkle_node nodes[CN_STORE_NODES];
	size_t nnodes;
	/* The events appended since the transaction began (their bytes and
	 * salts, as stored), kept after its commit, and the checkpoint it
	 * signed (cp_state 1: in the transaction, 2: committed): a receipt
	 * of the write is made from them without reading the store. */
	struct {
		int64_t seq;
		char *bytes;
		size_t len;
		uint8_t salt[CN_SALT_LEN];
	} recent[CN_STORE_RECENT];
	size_t nrecent;
	char *cp_note;
	uint64_t cp_size;
	int cp_state;
	/* The last checkpoint this store signed in a transaction that
	 * committed: the next one's chain line vouches for the stored last
	 * one, which needs no signature check when it is this, byte for
	 * byte (checkpoint.h).  A savepoint undone inside that transaction
	 * may leave a note that was never stored: still one this key
	 * signed, so vouching for it lets nothing in. */
	char *own_note;
	/* The meta value "log_vkey" once read: it is written once, when the
	 * log's first signing key is made. */
	char *vkey;
	/* Only a store opened to write keeps it: a verifier (read-only)
	 * checks the key the store holds now, each time it asks. */
	int keep_vkey;
};

/* log.c: the writer's memory across a transaction's start and end. */
void cn_store_log_begin(struct cn_store *st);
void cn_store_log_end(struct cn_store *st, int committed);
void cn_store_log_release(struct cn_store *st);

#endif
